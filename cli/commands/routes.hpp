// `causeway routes ...`: routes with their state and limits, pauses, limit changes and the audit
// log, over the queue's PostgreSQL schema (db/routes.hpp). Each writes text for people or one line
// of JSON on `out` and returns the exit code; each requires a current schema (db::Error when not).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "cli/commands/format.hpp"
#include "db/connection.hpp"
#include "db/routes.hpp"

namespace causeway::cli {

// Who changes something and why, for the audit log.
struct Audit {
    std::string actor;
    std::string reason;  // may be empty where a reason is optional
};

enum class PauseAction : uint8_t { kPause, kResume };

// Every route with its state, limits and queued messages, then the standing pauses.
int routes_list(db::Connection& conn, OutputFormat format, std::ostream& out);
// Pauses or resumes the routes in `scope`; exit 0 also when nothing changed (the output says so).
int routes_pause(db::Connection& conn, const db::RouteScope& scope, PauseAction action, const Audit& audit,
                 OutputFormat format, std::ostream& out);
// The standing pauses: scopes in which routes created later start paused.
int routes_pauses(db::Connection& conn, OutputFormat format, std::ostream& out);
// Creates a route or changes its mode and limits; prints what changed.
int routes_set(db::Connection& conn, const db::RouteUpdate& update, const Audit& audit, OutputFormat format,
               std::ostream& out);
// The newest `limit` entries of the audit log.
int routes_audit(db::Connection& conn, int limit, OutputFormat format, std::ostream& out);

// A route as scripts read it (also in `routes set`'s before and after).
[[nodiscard]] boost::json::object route_json(const db::Route& r);

}  // namespace causeway::cli
