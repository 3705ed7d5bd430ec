#include "cli/commands/routes.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

#include "cli/commands/command_error.hpp"
#include "core/hex.hpp"
#include "db/migrate.hpp"

namespace causeway::cli {
namespace {

namespace json = boost::json;

std::string rate_text(const db::RouteLimits& l) {
    if (!l.rate_per_second) return "-";
    return number(*l.rate_per_second) + "/s burst " + number(l.burst.value_or(0));
}

std::string big_text(const db::RouteLimits& l) {
    if (!l.big_transfer_threshold) return "-";
    return to_decimal(*l.big_transfer_threshold) + " wait " + format_duration(l.big_transfer_delay);
}

std::string limits_text(const db::Route& r) {
    return "mode " + r.security_mode + ", rate " + rate_text(r.limits) + ", daily cap " +
           (r.limits.daily_cap ? to_decimal(*r.limits.daily_cap) : "-") + ", big transfers " +
           big_text(r.limits);
}

bool in_scope(const db::Route& r, const db::RouteScope& s) {
    if (s.all) return true;
    if (s.chain) return r.origin == *s.chain || r.destination == *s.chain;
    return (!s.origin || r.origin == *s.origin) && (!s.destination || r.destination == *s.destination);
}

const db::Route* find_route(const std::vector<db::Route>& routes, uint32_t origin, uint32_t destination) {
    const auto it = std::find_if(routes.begin(), routes.end(), [&](const db::Route& r) {
        return r.origin == origin && r.destination == destination;
    });
    return it == routes.end() ? nullptr : &*it;
}

json::value reason_json(const std::string& reason) {
    return reason.empty() ? json::value(nullptr) : json::value(reason);
}

// What an audited change did: the fields whose value differs, timestamps left out.
std::string change_text(const std::optional<std::string>& before, const std::optional<std::string>& after) {
    if (!before || !after) return "-";
    boost::system::error_code ec;
    const auto b = json::parse(*before, ec);
    if (ec || !b.is_object()) return "-";
    const auto a = json::parse(*after, ec);
    if (ec || !a.is_object()) return "-";
    const auto text = [](const json::value* v) -> std::string {
        if (v == nullptr) return "-";
        if (v->is_string()) return std::string(v->get_string());
        return json::serialize(*v);
    };
    std::vector<std::string> parts;
    for (const auto& [key, value] : a.get_object()) {
        if (key.ends_with("_at") || key == "limited") continue;  // noise: timestamps, a generated column
        const auto* old = b.get_object().if_contains(key);
        if (old != nullptr && *old == value) continue;
        parts.push_back(std::string(key) + ": " + text(old) + " -> " + text(&value));
    }
    return parts.empty() ? "-" : join(parts);
}

json::value parsed_or_null(const std::optional<std::string>& text) {
    if (!text) return nullptr;
    boost::system::error_code ec;
    auto v = json::parse(*text, ec);
    return ec ? json::value(*text) : v;
}

// The standing pauses under the routes table: they decide how the next new route starts.
void print_standing(db::Connection& conn, std::ostream& out) {
    const auto pauses = db::standing_pauses(conn);
    if (pauses.empty()) return;
    out << "\nstanding pauses (routes created later in scope start paused; `causeway routes pauses`):\n";
    for (const auto& p : pauses) {
        out << "  " << p.scope.describe() << " by " << p.paused_by << " since "
            << format_time(p.paused_at, TimePrecision::kSeconds)
            << (p.reason ? ": " + *p.reason : std::string{}) << "\n";
    }
    out << std::flush;
}

}  // namespace

json::object route_json(const db::Route& r) {
    return json::object{
        {"origin", r.origin},
        {"destination", r.destination},
        {"route", route_name(r.origin, r.destination)},
        {"security_mode", r.security_mode},
        {"paused", r.paused},
        {"paused_by", json_text(r.paused_by)},
        {"paused_reason", json_text(r.paused_reason)},
        {"paused_at", json_time(r.paused_at)},
        {"limits",
         json::object{
             {"rate_per_second", json_number(r.limits.rate_per_second)},
             {"burst", json_number(r.limits.burst)},
             {"daily_cap", json_amount(r.limits.daily_cap)},
             {"big_transfer_threshold", json_amount(r.limits.big_transfer_threshold)},
             {"big_transfer_delay_seconds", r.limits.big_transfer_delay.count()},
         }},
        {"tokens", json_number(r.tokens)},
        {"admitted_24h", to_decimal(r.admitted_24h)},
        {"queued", r.queued},
        {"updated_at", format_time(r.updated_at)},
    };
}

int routes_list(db::Connection& conn, OutputFormat format, std::ostream& out) {
    db::require_current_schema(conn);
    const auto routes = db::list_routes(conn);
    if (format == OutputFormat::kJson) {
        json::array items;
        for (const auto& r : routes) items.push_back(route_json(r));
        return print_json(out, items);
    }
    if (routes.empty()) {
        out << "no routes yet (a route appears when its first message is observed, or with `causeway routes "
               "set`)"
            << std::endl;
        print_standing(conn, out);
        return 0;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : routes) {
        rows.push_back({
            route_name(r.origin, r.destination),
            r.security_mode,
            r.paused ? "paused" : "active",
            or_dash(r.paused_by, 20),
            or_dash(r.paused_reason, 40),
            r.paused_at ? format_time(*r.paused_at, TimePrecision::kSeconds) : "-",
            rate_text(r.limits),
            r.tokens ? number(std::floor(*r.tokens * 10) / 10) : "-",
            r.limits.daily_cap ? to_decimal(*r.limits.daily_cap) : "-",
            to_decimal(r.admitted_24h),
            big_text(r.limits),
            std::to_string(r.queued),
        });
    }
    print_table(out,
                {"ROUTE", "MODE", "STATE", "PAUSED BY", "REASON", "SINCE", "RATE", "TOKENS", "DAILY CAP",
                 "USED 24H", "BIG >=", "QUEUED"},
                rows);
    print_standing(conn, out);
    return 0;
}

int routes_pause(db::Connection& conn, const db::RouteScope& scope, PauseAction action, const Audit& audit,
                 OutputFormat format, std::ostream& out) {
    db::require_current_schema(conn);
    const bool pause = action == PauseAction::kPause;
    const auto before = db::list_routes(conn);
    const auto change = pause ? db::pause_routes(conn, scope, audit.actor, audit.reason)
                              : db::resume_routes(conn, scope, audit.actor, audit.reason);
    const auto after = db::list_routes(conn);
    std::vector<std::string> changed;
    std::vector<std::string> already;
    for (const auto& r : after) {
        if (!in_scope(r, scope)) continue;
        const auto* was = find_route(before, r.origin, r.destination);
        if (was != nullptr && was->paused == pause) {
            already.push_back(route_name(r.origin, r.destination));
        } else if (r.paused == pause) {
            changed.push_back(route_name(r.origin, r.destination));
        }
    }
    const std::string verb = pause ? "paused" : "resumed";
    if (format == OutputFormat::kJson) {
        json::object result{{"action", pause ? "pause" : "resume"},
                            {"scope", scope.describe()},
                            {"actor", audit.actor},
                            {"reason", reason_json(audit.reason)},
                            {"matched", change.matched},
                            {"changed", change.changed},
                            {"changed_routes", json::array(changed.begin(), changed.end())},
                            {"unchanged_routes", json::array(already.begin(), already.end())}};
        if (pause) {
            result["standing_added"] = change.standing_added;
        } else {
            result["standing_lifted"] =
                json::array(change.standing_lifted.begin(), change.standing_lifted.end());
        }
        return print_json(out, result);
    }
    if (change.matched == 0) {
        out << "no route exists yet (" << scope.describe() << ")";
        if (!pause) out << ": nothing resumed";
    } else if (change.changed == 0) {
        const bool standing_changed = pause ? change.standing_added : !change.standing_lifted.empty();
        if (standing_changed) {
            out << plural(change.matched, "route") << " already " << verb << " (" << scope.describe()
                << "): " << join(already);
        } else {
            out << "nothing changed (" << scope.describe() << "): " << plural(change.matched, "route")
                << " already " << verb << ": " << join(already);
        }
    } else {
        out << verb << " " << plural(change.changed, "route") << " (" << scope.describe()
            << "): " << join(changed);
        if (!already.empty()) out << "; already " << verb << ": " << join(already);
    }
    if (pause) {
        out << (change.standing_added ? "; the pause stands: routes created later in scope start paused"
                                      : "; the pause already stood for routes created later");
    } else if (!change.standing_lifted.empty()) {
        out << "; standing pause" << (change.standing_lifted.size() == 1 ? "" : "s")
            << " lifted: " << join(change.standing_lifted);
    }
    out << std::endl;
    return 0;
}

int routes_pauses(db::Connection& conn, OutputFormat format, std::ostream& out) {
    db::require_current_schema(conn);
    const auto pauses = db::standing_pauses(conn);
    if (format == OutputFormat::kJson) {
        json::array items;
        for (const auto& p : pauses) {
            items.push_back(json::object{
                {"scope", p.scope.describe()},
                {"origin", p.scope.origin ? json::value(*p.scope.origin) : json::value(nullptr)},
                {"destination",
                 p.scope.destination ? json::value(*p.scope.destination) : json::value(nullptr)},
                {"chain", p.scope.chain ? json::value(*p.scope.chain) : json::value(nullptr)},
                {"paused_by", p.paused_by},
                {"reason", json_text(p.reason)},
                {"paused_at", format_time(p.paused_at)},
            });
        }
        return print_json(out, items);
    }
    if (pauses.empty()) {
        out << "no standing pauses" << std::endl;
        return 0;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : pauses)
        rows.push_back({p.scope.describe(), clip(p.paused_by, 20), or_dash(p.reason, 60),
                        format_time(p.paused_at, TimePrecision::kSeconds)});
    print_table(out, {"SCOPE", "PAUSED BY", "REASON", "SINCE"}, rows);
    return 0;
}

int routes_set(db::Connection& conn, const db::RouteUpdate& update, const Audit& audit, OutputFormat format,
               std::ostream& out) {
    db::require_current_schema(conn);
    const auto before_all = db::list_routes(conn);
    const auto* before = find_route(before_all, update.origin, update.destination);
    db::update_route(conn, update, audit.actor, audit.reason);
    const auto after_all = db::list_routes(conn);
    const auto* after = find_route(after_all, update.origin, update.destination);
    const std::string name = route_name(update.origin, update.destination);
    if (after == nullptr) throw CommandError("route " + name + " vanished");
    if (format == OutputFormat::kJson) {
        return print_json(
            out, json::object{{"action", "set"},
                              {"route", name},
                              {"actor", audit.actor},
                              {"reason", audit.reason},
                              {"created", before == nullptr},
                              {"before", before ? json::value(route_json(*before)) : json::value(nullptr)},
                              {"after", route_json(*after)}});
    }
    const std::string now_text = limits_text(*after);
    if (before == nullptr) {
        out << "route " << name << " created: " << now_text;
        if (after->paused) {
            out << "; paused under a standing pause by " << after->paused_by.value_or("?")
                << (after->paused_reason ? ": " + *after->paused_reason : std::string{});
        }
        out << std::endl;
    } else if (limits_text(*before) == now_text) {
        out << "route " << name << " unchanged: " << now_text << std::endl;
    } else {
        out << "route " << name << " updated: " << now_text << " (was " << limits_text(*before) << ")"
            << std::endl;
    }
    return 0;
}

int routes_audit(db::Connection& conn, int limit, OutputFormat format, std::ostream& out) {
    db::require_current_schema(conn);
    const auto entries = db::audit_entries(conn, limit);
    if (format == OutputFormat::kJson) {
        json::array items;
        for (const auto& e : entries) {
            items.push_back(json::object{{"id", e.id},
                                         {"at", format_time(e.at)},
                                         {"actor", e.actor},
                                         {"action", e.action},
                                         {"target", e.target},
                                         {"reason", json_text(e.reason)},
                                         {"before", parsed_or_null(e.before)},
                                         {"after", parsed_or_null(e.after)}});
        }
        return print_json(out, items);
    }
    if (entries.empty()) {
        out << "the audit log is empty" << std::endl;
        return 0;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : entries) {
        rows.push_back({std::to_string(e.id), format_time(e.at, TimePrecision::kSeconds), clip(e.actor, 20),
                        e.action, e.target, or_dash(e.reason, 40), clip(change_text(e.before, e.after), 80)});
    }
    print_table(out, {"ID", "AT", "ACTOR", "ACTION", "TARGET", "REASON", "CHANGE"}, rows);
    return 0;
}

}  // namespace causeway::cli
