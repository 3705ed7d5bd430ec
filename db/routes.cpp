#include "db/routes.hpp"

#include <pqxx/pqxx>

#include "db/sql.hpp"

namespace causeway::db {
namespace {

using OptI64 = std::optional<int64_t>;
OptI64 opt64(std::optional<uint32_t> v) {
    return v ? OptI64(*v) : std::nullopt;
}

constexpr std::string_view kScope =
    "($1::bigint IS NULL OR origin = $1) AND ($2::bigint IS NULL OR destination = $2)"
    " AND ($3::bigint IS NULL OR origin = $3 OR destination = $3)";

RouteChange set_paused(Connection& conn, const RouteScope& scope, std::string_view actor,
                       std::string_view reason, bool pause) {
    if (const auto problem = scope.problem(); !problem.empty()) throw Error(problem);
    if (actor.empty()) throw Error("an actor is required (who is doing this)");
    const std::string action = pause ? "route.pause" : "route.resume";
    return sql::guarded(action, [&] {
        pqxx::work tx(conn.raw());
        // Excludes routes being created (their trigger takes this lock shared) until this commits:
        // the UPDATE below then sees every route created before, the creations after see the pause.
        tx.exec("SELECT pg_advisory_xact_lock(route_pauses_lock_key())");
        const std::string set =
            pause ? "paused = true, paused_by = $4, paused_reason = $5, paused_at = now()"
                  : "paused = false, paused_by = NULL, paused_reason = NULL, paused_at = NULL";
        const auto row = tx.exec_params1(
            "WITH target AS (SELECT * FROM routes WHERE " + std::string(kScope) +
                " ORDER BY origin, destination FOR UPDATE),"
                " changed AS (UPDATE routes r SET " +
                set +
                ", updated_at = now() FROM target t"
                "   WHERE r.origin = t.origin AND r.destination = t.destination AND t.paused = " +
                (pause ? "false" : "true") +
                "   RETURNING r.*),"
                " audit AS (INSERT INTO audit_log (actor, action, target, reason, before, after)"
                "   SELECT $4, $6, c.origin || '->' || c.destination, $5, to_jsonb(t), to_jsonb(c)"
                "   FROM changed c JOIN target t ON t.origin = c.origin AND t.destination = c.destination)"
                " SELECT (SELECT count(*) FROM target), (SELECT count(*) FROM changed)",
            opt64(scope.origin), opt64(scope.destination), opt64(scope.chain), std::string(actor),
            reason.empty() ? std::optional<std::string>() : std::optional<std::string>(std::string(reason)),
            action);
        RouteChange change{row[0].as<std::size_t>(), row[1].as<std::size_t>()};
        const auto reason_or_null =
            reason.empty() ? std::optional<std::string>() : std::optional<std::string>(std::string(reason));
        if (pause) {
            change.standing_added =
                !tx.exec_params(
                       "WITH added AS (INSERT INTO route_pauses (origin, destination, chain, paused_by,"
                       "   reason) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING *)"
                       " INSERT INTO audit_log (actor, action, target, reason, after)"
                       " SELECT $4, 'route.pause.standing', route_pause_scope(a), $5, to_jsonb(a)"
                       " FROM added a RETURNING id",
                       opt64(scope.origin), opt64(scope.destination), opt64(scope.chain), std::string(actor),
                       reason_or_null)
                     .empty();
        } else {
            // Lifts the standing pauses inside the scope: every route they cover is in it.
            for (const auto& lifted : tx.exec_params(
                     "WITH lifted AS (DELETE FROM route_pauses p WHERE"
                     "   ($1::bigint IS NULL AND $2::bigint IS NULL AND $3::bigint IS NULL)"
                     "   OR $3::bigint IN (p.chain, p.origin, p.destination)"
                     "   OR ($3::bigint IS NULL AND ($1::bigint IS NOT NULL OR $2::bigint IS NOT NULL)"
                     "       AND ($1::bigint IS NULL OR p.origin = $1) AND ($2::bigint IS NULL OR "
                     "p.destination = $2))"
                     "   RETURNING *)"
                     " INSERT INTO audit_log (actor, action, target, reason, before)"
                     " SELECT $4, 'route.resume.standing', route_pause_scope(l), $5, to_jsonb(l)"
                     " FROM lifted l ORDER BY l.id RETURNING target",
                     opt64(scope.origin), opt64(scope.destination), opt64(scope.chain), std::string(actor),
                     reason_or_null)) {
                change.standing_lifted.push_back(lifted[0].as<std::string>());
            }
        }
        if (change.changed == 0 && !change.standing_added && change.standing_lifted.empty()) {
            tx.exec_params("INSERT INTO audit_log (actor, action, target, reason) VALUES ($1, $2, $3, $4)",
                           std::string(actor),
                           action + (!pause && change.matched == 0 ? ".no_route" : ".unchanged"),
                           scope.describe(), reason_or_null);
        }
        sql::notify(tx, conn.routes_channel(), action);
        if (!pause && change.changed > 0) sql::notify_every_stage(tx, conn);
        tx.commit();
        return change;
    });
}

}  // namespace

std::string RouteScope::problem() const {
    const bool any = origin || destination || chain;
    if (all && any) return "--all cannot be combined with --origin, --destination or --chain";
    if (!all && !any) return "choose the routes: --origin and/or --destination, --chain, or --all";
    if (chain && (origin || destination)) return "--chain cannot be combined with --origin or --destination";
    return {};
}

std::string RouteScope::describe() const {
    if (all) return "all routes";
    if (chain) return "touching " + std::to_string(*chain);
    if (origin && destination) return std::to_string(*origin) + "->" + std::to_string(*destination);
    if (origin) return "from " + std::to_string(*origin);
    if (destination) return "to " + std::to_string(*destination);
    return "no routes";
}

RouteChange pause_routes(Connection& conn, const RouteScope& scope, std::string_view actor,
                         std::string_view reason) {
    return set_paused(conn, scope, actor, reason, true);
}

RouteChange resume_routes(Connection& conn, const RouteScope& scope, std::string_view actor,
                          std::string_view reason) {
    return set_paused(conn, scope, actor, reason, false);
}

void update_route(Connection& conn, const RouteUpdate& u, std::string_view actor, std::string_view reason) {
    if (actor.empty()) throw Error("an actor is required (who is doing this)");
    if (u.security_mode && *u.security_mode != "committee" && *u.security_mode != "optimistic" &&
        *u.security_mode != "validity") {
        throw Error("security mode must be committee, optimistic or validity, not '" + *u.security_mode +
                    "'");
    }
    if (u.rate_per_second.has_value() != u.burst.has_value())
        throw Error("a rate limit needs both a rate and a burst");
    if (u.rate_per_second && !(*u.rate_per_second > 0)) throw Error("the rate must be above zero");
    if (u.burst && !(*u.burst >= 1)) throw Error("the burst must be at least 1");
    if (u.big_transfer_delay && u.big_transfer_delay->count() < 0)
        throw Error("the delay cannot be negative");
    const auto opt_dec = [](const std::optional<u256>& v) {
        return v ? std::optional<std::string>(to_decimal(*v)) : std::nullopt;
    };
    sql::guarded("route update", [&] {
        pqxx::work tx(conn.raw());
        tx.exec_params("INSERT INTO routes (origin, destination) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                       static_cast<int64_t>(u.origin), static_cast<int64_t>(u.destination));
        const auto before = tx.exec_params1(
            "SELECT to_jsonb(r)::text FROM routes r WHERE origin = $1 AND destination = $2 FOR UPDATE",
            static_cast<int64_t>(u.origin), static_cast<int64_t>(u.destination));
        const auto after = tx.exec_params1(
            "UPDATE routes SET security_mode = coalesce($3, security_mode), rate_per_second = CASE WHEN $4"
            " THEN NULL ELSE coalesce($5, rate_per_second) END, burst = CASE WHEN $4 THEN NULL ELSE"
            " coalesce($6, burst) END, daily_cap = CASE WHEN $7 THEN NULL ELSE coalesce($8::numeric,"
            " daily_cap) END, big_transfer_threshold = CASE WHEN $9 THEN NULL ELSE coalesce($10::numeric,"
            " big_transfer_threshold) END, big_transfer_delay = coalesce(make_interval(secs => $11),"
            " big_transfer_delay), updated_at = now() WHERE origin = $1 AND destination = $2 RETURNING"
            " to_jsonb(routes)::text",
            static_cast<int64_t>(u.origin), static_cast<int64_t>(u.destination), u.security_mode,
            u.clear_rate_limit, u.rate_per_second, u.burst, u.clear_daily_cap, opt_dec(u.daily_cap),
            u.clear_big_transfer_threshold, opt_dec(u.big_transfer_threshold),
            u.big_transfer_delay ? std::optional<double>(static_cast<double>(u.big_transfer_delay->count()))
                                 : std::nullopt);
        if (u.clear_rate_limit || u.rate_per_second) {
            // A new or removed limit starts from a full bucket.
            tx.exec_params("DELETE FROM rate_limit_buckets WHERE origin = $1 AND destination = $2",
                           static_cast<int64_t>(u.origin), static_cast<int64_t>(u.destination));
        }
        // Messages a limit holds are weighed again under the new limits at the next claim, rather
        // than waiting out a time the old ones set.
        // Rows a claim has locked are being weighed by it already (and waiting for them while
        // holding the route could deadlock with that claim); orphans and dead letters stay put.
        const auto released = tx.exec_params(
            "UPDATE messages SET run_at = now(), updated_at = now() WHERE id IN (SELECT id FROM messages"
            " WHERE origin = $1 AND destination = $2 AND held_reason IS NOT NULL AND lease_owner IS NULL"
            " AND run_at > now() AND state NOT IN ('orphaned', 'failed_permanent') FOR UPDATE SKIP LOCKED)",
            static_cast<int64_t>(u.origin), static_cast<int64_t>(u.destination));
        if (u.clear_daily_cap || u.daily_cap) {
            // What the old cap held ends with it: its hold reasons and the release timers it
            // started, which would otherwise run on under a new cap.
            tx.exec_params(
                "UPDATE messages SET cap_held_at = NULL, held_reason = CASE WHEN held_reason IN ('daily_cap',"
                " 'exceeds_daily_cap') THEN NULL ELSE held_reason END, updated_at = now() WHERE id IN (SELECT"
                " id FROM messages WHERE origin = $1 AND destination = $2 AND cap_held_at IS NOT NULL AND"
                " limit_admitted_at IS NULL AND lease_owner IS NULL FOR UPDATE SKIP LOCKED)",
                static_cast<int64_t>(u.origin), static_cast<int64_t>(u.destination));
        }
        tx.exec_params(
            "INSERT INTO audit_log (actor, action, target, reason, before, after)"
            " VALUES ($1, 'route.update', $2, $3, $4::jsonb, $5::jsonb)",
            std::string(actor), std::to_string(u.origin) + "->" + std::to_string(u.destination),
            reason.empty() ? std::optional<std::string>() : std::optional<std::string>(std::string(reason)),
            before[0].as<std::string>(), after[0].as<std::string>());
        sql::notify(tx, conn.routes_channel(), "route.update");
        if (released.affected_rows() > 0) sql::notify_every_stage(tx, conn);
        tx.commit();
        return 0;
    });
}

std::vector<Route> list_routes(Connection& conn) {
    return sql::guarded("list routes", [&] {
        pqxx::read_transaction tx(conn.raw());
        std::vector<Route> out;
        for (const auto& row : tx.exec(
                 "SELECT r.origin, r.destination, r.security_mode, r.paused, r.paused_by, r.paused_reason,"
                 " epoch_us(r.paused_at), r.rate_per_second, r.burst, r.daily_cap::text,"
                 " r.big_transfer_threshold::text, extract(epoch FROM r.big_transfer_delay)::bigint,"
                 " (SELECT least(r.burst, b.tokens + extract(epoch FROM now() - b.refilled_at) * "
                 "r.rate_per_second)"
                 "    FROM rate_limit_buckets b WHERE b.origin = r.origin AND b.destination = r.destination),"
                 " (SELECT coalesce(sum(f.amount), 0)::text FROM route_flows f WHERE f.origin = r.origin"
                 "    AND f.destination = r.destination AND f.admitted_at > now() - interval '24 hours'),"
                 " (SELECT count(*) FROM messages m WHERE m.origin = r.origin AND m.destination = "
                 "r.destination),"
                 " epoch_us(r.updated_at)"
                 " FROM routes r ORDER BY r.origin, r.destination")) {
            Route r;
            r.origin = row[0].as<uint32_t>();
            r.destination = row[1].as<uint32_t>();
            r.security_mode = row[2].as<std::string>();
            r.paused = row[3].as<bool>();
            r.paused_by = sql::optional_of<std::string>(row[4]);
            r.paused_reason = sql::optional_of<std::string>(row[5]);
            r.paused_at = sql::read_optional_time(row[6]);
            r.limits.rate_per_second = sql::optional_of<double>(row[7]);
            r.limits.burst = sql::optional_of<double>(row[8]);
            const auto route = [&r] {
                return "route " + std::to_string(r.origin) + "->" + std::to_string(r.destination);
            };
            if (!row[9].is_null()) r.limits.daily_cap = sql::read_u256(row[9], "routes.daily_cap", route);
            if (!row[10].is_null())
                r.limits.big_transfer_threshold =
                    sql::read_u256(row[10], "routes.big_transfer_threshold", route);
            r.limits.big_transfer_delay = std::chrono::seconds(row[11].as<int64_t>());
            if (!row[12].is_null() && r.limits.rate_per_second) r.tokens = row[12].as<double>();
            if (r.limits.rate_per_second && !r.tokens) r.tokens = r.limits.burst;  // never charged: full
            r.admitted_24h = sql::read_u256(row[13], "the 24-hour sum of route_flows.amount", route);
            r.queued = row[14].as<int64_t>();
            r.updated_at = sql::read_time(row[15]);
            out.push_back(std::move(r));
        }
        return out;
    });
}

std::vector<StandingPause> standing_pauses(Connection& conn) {
    return sql::guarded("list standing pauses", [&] {
        pqxx::read_transaction tx(conn.raw());
        std::vector<StandingPause> out;
        for (const auto& row :
             tx.exec("SELECT origin, destination, chain, paused_by, reason, epoch_us(paused_at)"
                     " FROM route_pauses ORDER BY paused_at, id")) {
            StandingPause p;
            p.scope.origin = sql::optional_of<uint32_t>(row[0]);
            p.scope.destination = sql::optional_of<uint32_t>(row[1]);
            p.scope.chain = sql::optional_of<uint32_t>(row[2]);
            p.scope.all = !p.scope.origin && !p.scope.destination && !p.scope.chain;
            p.paused_by = row[3].as<std::string>();
            p.reason = sql::optional_of<std::string>(row[4]);
            p.paused_at = sql::read_time(row[5]);
            out.push_back(std::move(p));
        }
        return out;
    });
}

void record_audit(Connection& conn, std::string_view actor, std::string_view action, std::string_view target,
                  std::string_view reason, const std::string& after) {
    sql::guarded("write an audit row", [&] {
        pqxx::work tx(conn.raw());
        tx.exec_params(
            "INSERT INTO audit_log (actor, action, target, reason, after) VALUES ($1, $2, $3, $4, $5::jsonb)",
            std::string(actor), std::string(action), std::string(target),
            reason.empty() ? std::optional<std::string>() : std::optional<std::string>(reason), after);
        tx.commit();
    });
}

std::vector<AuditEntry> audit_entries(Connection& conn, int limit) {
    return sql::guarded("read audit log", [&] {
        pqxx::read_transaction tx(conn.raw());
        std::vector<AuditEntry> out;
        for (const auto& row : tx.exec_params(
                 "SELECT id, epoch_us(at), actor, action, target, reason, before::text, after::text"
                 " FROM audit_log ORDER BY id DESC LIMIT $1",
                 limit)) {
            out.push_back(AuditEntry{
                row[0].as<int64_t>(), sql::read_time(row[1]), row[2].as<std::string>(),
                row[3].as<std::string>(), row[4].as<std::string>(), sql::optional_of<std::string>(row[5]),
                sql::optional_of<std::string>(row[6]), sql::optional_of<std::string>(row[7])});
        }
        return out;
    });
}

}  // namespace causeway::db
