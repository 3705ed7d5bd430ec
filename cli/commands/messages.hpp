// `causeway messages ...`: the queue's messages for operators: list, inspect one, retry a dead
// letter (db/queue.hpp). Each writes text for people or one line of JSON on `out` and returns the
// exit code; each requires a current schema (db::Error when not).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "cli/commands/format.hpp"
#include "cli/commands/routes.hpp"
#include "core/bytes.hpp"
#include "db/connection.hpp"
#include "db/queue.hpp"

namespace causeway::cli {

// Queued and delivered messages, newest first.
int messages_list(db::Connection& conn, const db::MessageFilter& filter, OutputFormat format,
                  std::ostream& out);
// Every field of one message; CommandError when it is not found.
int messages_inspect(db::Connection& conn, const Hash& id, OutputFormat format, std::ostream& out);
// Runs a dead letter or retrying message again now; a refusal is exit 1 (CommandError in text,
// {"retried": false, "error": ...} in JSON), audited either way.
int messages_retry(db::Connection& conn, const Hash& id, const Audit& audit, OutputFormat format,
                   std::ostream& out);

// The names of every message state, in order (for help texts and validation).
[[nodiscard]] std::vector<std::string> state_names();

}  // namespace causeway::cli
