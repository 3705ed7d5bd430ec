// `causeway db`, `causeway routes` and `causeway messages`: the operator commands over the queue's
// PostgreSQL schema (registered through commands.hpp). This header holds the text formatting they
// share, so that tests can pin it down without a database.
#pragma once

#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "db/queue.hpp"

namespace causeway::cli {

// RFC 3339 in UTC: 2024-05-01T12:00:00.123Z, or 2024-05-01T12:00:00Z without milliseconds.
[[nodiscard]] std::string format_time(db::Timestamp t, bool milliseconds = true);

// A short duration, largest two units: 45s, 4m05s, 3h12m, 2d3h (the sign is ignored).
[[nodiscard]] std::string format_duration(std::chrono::seconds d);

// `at` as seen from `now`: "now" (within a second), "in 3s", "5m ago".
[[nodiscard]] std::string format_relative(db::Timestamp at, db::Timestamp now);

// One line of at most `width` characters (UTF-8 code points): line breaks become spaces and a
// longer text is cut, ending in "...".
[[nodiscard]] std::string clip(std::string_view text, std::size_t width);

// Columns padded to their widest cell (counted in code points), two spaces apart, no trailing
// blanks.
void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows);

}  // namespace causeway::cli
