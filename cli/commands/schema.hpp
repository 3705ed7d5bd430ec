// `causeway db migrate | status`: the queue's PostgreSQL schema (db/migrate.hpp). Each writes text
// for people or one line of JSON on `out` and returns the exit code.
#pragma once

#include <ostream>

#include "cli/commands/format.hpp"
#include "db/connection.hpp"

namespace causeway::cli {

// Applies the migrations the schema lacks (a no-op when current), and names the SQL routines it
// re-applied when no migration was due (db/routines changed under the same schema version).
int db_migrate(db::Connection& conn, std::string_view actor, OutputFormat format, std::ostream& out);
// The schema's version and the queue's counts per state and route: exit 0 when the schema is
// current (its version and its SQL routines), 1 when it needs `causeway db migrate` (or a newer
// causeway).
int db_status(db::Connection& conn, OutputFormat format, std::ostream& out);

}  // namespace causeway::cli
