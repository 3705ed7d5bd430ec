// Text and JSON formatting shared by the operator commands (`causeway db`, `routes`, `messages`):
// times, durations, tables for people, and the JSON values scripts read.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "core/u256.hpp"
#include "db/queue.hpp"

namespace causeway::cli {

// What a command prints: a table or lines for people, or JSON for scripts.
enum class OutputFormat : uint8_t { kText, kJson };

enum class TimePrecision : uint8_t { kMilliseconds, kSeconds };

// RFC 3339 in UTC: 2024-05-01T12:00:00.123Z, or 2024-05-01T12:00:00Z to the second.
[[nodiscard]] std::string format_time(db::Timestamp t,
                                      TimePrecision precision = TimePrecision::kMilliseconds);

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

// ---- small pieces of text ----

[[nodiscard]] db::Timestamp now();
// The shortest text that reads back as `v` (0.5, 12, 1e+20).
[[nodiscard]] std::string number(double v);
// "901->902".
[[nodiscard]] std::string route_name(uint32_t origin, uint32_t destination);
// "-" for nothing; clipped to `width` when given.
[[nodiscard]] std::string or_dash(const std::optional<std::string>& s, std::size_t width = 0);
// "1 route", "3 routes".
[[nodiscard]] std::string plural(std::size_t n, std::string_view one);
[[nodiscard]] std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");

// ---- JSON values: null for nothing ----

[[nodiscard]] boost::json::value json_text(const std::optional<std::string>& s);
[[nodiscard]] boost::json::value json_time(const std::optional<db::Timestamp>& t);
[[nodiscard]] boost::json::value json_number(const std::optional<double>& v);
// Amounts as decimal strings: JSON numbers lose precision past 2^53.
[[nodiscard]] boost::json::value json_amount(const std::optional<u256>& v);
[[nodiscard]] boost::json::value json_hash(const std::optional<Hash>& h);

// One line of JSON; returns `code`.
int print_json(std::ostream& out, const boost::json::value& value, int code = 0);

}  // namespace causeway::cli
