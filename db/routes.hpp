// Route control for incidents and limits: pause and resume by scope, limits per route (token bucket, 24-hour
// notional cap, big-transfer delay), and the audit trail every change writes.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/u256.hpp"
#include "db/connection.hpp"
#include "db/queue.hpp"

namespace causeway::db {

struct RouteLimits {
    std::optional<double> rate_per_second{};  // token bucket refill (messages per second)
    std::optional<double> burst{};            // bucket capacity; set together with the rate
    std::optional<u256> daily_cap{};          // notional admitted over any 24 hours
    std::optional<u256> big_transfer_threshold{};
    std::chrono::seconds big_transfer_delay{86'400};
};

struct Route {
    uint32_t origin = 0;
    uint32_t destination = 0;
    std::string security_mode;  // committee, optimistic, validity
    bool paused = false;
    std::optional<std::string> paused_by{};
    std::optional<std::string> paused_reason{};
    std::optional<Timestamp> paused_at{};
    RouteLimits limits;
    std::optional<double> tokens{};  // the bucket now, when the route has a rate limit
    u256 admitted_24h;               // notional admitted in the last 24 hours
    int64_t queued = 0;              // messages in the hot table
    Timestamp updated_at;
};

// Which routes an operator action covers. Exactly one of: a route (origin and destination), every
// route from an origin, every route to a destination, every route touching a chain, or all.
struct RouteScope {
    std::optional<uint32_t> origin{};
    std::optional<uint32_t> destination{};
    std::optional<uint32_t> chain{};
    bool all = false;

    // Empty when usable, else what is wrong (nothing chosen, or `all` mixed with a filter).
    [[nodiscard]] std::string problem() const;
    // "901->902", "from 901", "to 902", "touching 901", "all routes".
    [[nodiscard]] std::string describe() const;
};

struct RouteChange {
    std::size_t matched = 0;  // routes in scope
    std::size_t changed = 0;  // routes whose state changed (the rest already were so)
    // Pause: whether the scope's standing pause is new (false: it already stood).
    bool standing_added = false;
    // Resume: the standing pauses lifted (those inside the scope), as RouteScope::describe() says.
    std::vector<std::string> standing_lifted{};
};

// A pause stands for its scope: a route created later that it covers starts paused (with an audit
// row), until a resume whose scope contains it lifts it.
struct StandingPause {
    RouteScope scope;
    std::string paused_by;
    std::optional<std::string> reason{};
    Timestamp paused_at;
};

// Pauses the routes in scope: claims skip their messages at once, which keep state and place. The
// pause stands for routes in scope that do not exist yet. Resume lifts the standing pauses inside
// its scope. Every changed route and standing pause gets an audit row; an action that changed
// nothing gets one for its scope.
RouteChange pause_routes(Connection& conn, const RouteScope& scope, std::string_view actor,
                         std::string_view reason);
RouteChange resume_routes(Connection& conn, const RouteScope& scope, std::string_view actor,
                          std::string_view reason);

// Creates or changes one route; fields left empty keep their value. Audited. Messages its limits
// hold are weighed again under the new ones at the next claim.
struct RouteUpdate {
    uint32_t origin = 0;
    uint32_t destination = 0;
    std::optional<std::string> security_mode{};
    bool clear_rate_limit = false;
    std::optional<double> rate_per_second{};  // with burst
    std::optional<double> burst{};
    bool clear_daily_cap = false;
    std::optional<u256> daily_cap{};
    bool clear_big_transfer_threshold = false;
    std::optional<u256> big_transfer_threshold{};
    std::optional<std::chrono::seconds> big_transfer_delay{};
};
void update_route(Connection& conn, const RouteUpdate& update, std::string_view actor,
                  std::string_view reason);

std::vector<Route> list_routes(Connection& conn);
// Oldest first.
std::vector<StandingPause> standing_pauses(Connection& conn);

struct AuditEntry {
    int64_t id = 0;
    Timestamp at;
    std::string actor;
    std::string action;  // route.pause, route.resume, route.update, message.retry, ...
    std::string target;
    std::optional<std::string> reason{};
    std::optional<std::string> before{};  // JSON
    std::optional<std::string> after{};   // JSON
};

// One audit row for an action taken outside the database (a pause sent to a chain): `after` is JSON.
void record_audit(Connection& conn, std::string_view actor, std::string_view action, std::string_view target,
                  std::string_view reason, const std::string& after);

// Newest first.
std::vector<AuditEntry> audit_entries(Connection& conn, int limit = 100);

}  // namespace causeway::db
