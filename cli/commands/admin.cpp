// The operator commands: `causeway db migrate|status`, `causeway routes list|pause|resume|set|audit`
// and `causeway messages list|inspect|retry`. Each takes --db URL (else $CAUSEWAY_DB_URL), --schema
// and --json (JSON for scripts; a table or lines for people otherwise). Exit codes: 0 done, 1 a
// database error or a refusal (one line on stderr), 2 a usage error (nothing was touched). Every
// change is audited by the db functions with the actor and the reason given here.
#include "cli/commands/admin.hpp"
#include "cli/commands/db_options.hpp"

#include <pwd.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>

#include "core/hex.hpp"
#include "core/u256.hpp"
#include "db/migrate.hpp"
#include "db/routes.hpp"
#include "cli/commands/commands.hpp"
#include "cli/commands/verify.hpp"

namespace causeway::cli {

namespace json = boost::json;
using namespace std::chrono_literals;

std::string format_time(db::Timestamp t, bool milliseconds) {
    const auto seconds = std::chrono::floor<std::chrono::seconds>(t);
    const std::time_t tt = seconds.time_since_epoch().count();
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char text[64];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
    std::string out = text;
    if (milliseconds) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - seconds).count();
        std::snprintf(text, sizeof text, ".%03d", static_cast<int>(ms));
        out += text;
    }
    return out + "Z";
}

std::string format_duration(std::chrono::seconds d) {
    const int64_t s = d.count() < 0 ? -d.count() : d.count();
    const auto two = [](int64_t big, const char* big_unit, int64_t small, const char* small_unit, bool pad) {
        std::string out = std::to_string(big) + big_unit;
        if (small == 0) return out;
        if (pad && small < 10) out += '0';
        return out + std::to_string(small) + small_unit;
    };
    if (s < 60) return std::to_string(s) + "s";
    if (s < 3600) return two(s / 60, "m", s % 60, "s", true);
    if (s < 86'400) return two(s / 3600, "h", s % 3600 / 60, "m", true);
    return two(s / 86'400, "d", s % 86'400 / 3600, "h", false);
}

std::string format_relative(db::Timestamp at, db::Timestamp now) {
    const auto diff = at - now;
    if (diff > -1s && diff < 1s) return "now";
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(diff);
    return diff > 0s ? "in " + format_duration(seconds) : format_duration(seconds) + " ago";
}

namespace {

bool is_continuation(char c) {
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

std::size_t display_width(std::string_view s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return !is_continuation(c); }));
}

}  // namespace

std::string clip(std::string_view text, std::size_t width) {
    std::string line(text);
    for (char& c : line) {
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    if (display_width(line) <= width) return line;
    const std::size_t keep = width > 3 ? width - 3 : 0;
    std::size_t points = 0;
    std::size_t end = 0;
    while (end < line.size()) {
        if (!is_continuation(line[end])) {
            if (points == keep) break;
            ++points;
        }
        ++end;
    }
    return line.substr(0, end) + "...";
}

void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> widths(header.size(), 0);
    const auto measure = [&](const std::vector<std::string>& row) {
        for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
            widths[i] = std::max(widths[i], display_width(row[i]));
        }
    };
    measure(header);
    for (const auto& row : rows) measure(row);
    const auto print_row = [&](const std::vector<std::string>& row) {
        std::string line;
        for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line.append(widths[i] - display_width(row[i]) + 2, ' ');
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out << line << '\n';
    };
    print_row(header);
    for (const auto& row : rows) print_row(row);
    out.flush();
}

namespace {

constexpr std::string_view kActorVariable = "CAUSEWAY_ACTOR";
constexpr int kMaxLimit = 10'000;

// ---- shared options -----------------------------------------------------------------------------

struct DbArgs {
    std::string db;
    std::string schema{db::kDefaultSchema};
    bool json = false;
    std::string url;  // resolved while parsing
};

void add_db_options(CLI::App* cmd, DbArgs& args) {
    cmd->add_option("--db", args.db,
                    "PostgreSQL URL, e.g. postgresql://user@host:5432/db (default: $" +
                        std::string(db::kDbUrlVariable) + ")");
    cmd->add_option("--schema", args.schema, "the schema holding causeway's tables")
        ->capture_default_str()
        ->check(schema_name_validator());
    cmd->add_flag("--json", args.json, "print JSON for scripts instead of text for people");
}

// From a parse callback, so that a missing database is a usage error (exit 2).
void resolve_db(DbArgs& args) {
    args.url = db_url_or_usage_error(args.db);
}

db::Connection open(const DbArgs& args) {
    return db::Connection::open(db::ConnectOptions{args.url, args.schema, "causeway-admin"});
}

// Every command but `db migrate` and `db status` works only on a current schema.
db::Connection open_current(const DbArgs& args) {
    auto conn = open(args);
    db::require_current_schema(conn);
    return conn;
}

void add_actor_option(CLI::App* cmd, std::string& actor) {
    cmd->add_option("--actor", actor,
                    "who is doing this, for the audit log (default: $" + std::string(kActorVariable) +
                        ", else the login name)");
}

// --actor, else $CAUSEWAY_ACTOR, else the login name of the user running this.
std::string resolve_actor(const std::string& flag) {
    if (!flag.empty()) return flag;
    if (const char* env = std::getenv(std::string(kActorVariable).c_str()); env != nullptr && *env != '\0') {
        return env;
    }
    if (const passwd* pw = getpwuid(geteuid());
        pw != nullptr && pw->pw_name != nullptr && *pw->pw_name != '\0') {
        return pw->pw_name;
    }
    if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') return user;
    throw CLI::ValidationError("no actor for the audit log: pass --actor NAME or set " +
                               std::string(kActorVariable));
}

CLI::Validator u256_validator() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            const auto v = parse_u256(text);
            return v ? std::string{} : "not an amount (decimal, or hex after 0x): " + text;
        },
        "AMOUNT");
}

// 86400, 90s, 30m, 24h, 1d.
std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
    int64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc{} || end == text.data() || n < 0) return std::nullopt;
    const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
    int64_t scale = 0;
    if (unit.empty() || unit == "s") scale = 1;
    if (unit == "m") scale = 60;
    if (unit == "h") scale = 3600;
    if (unit == "d") scale = 86'400;
    if (scale == 0 || n > std::numeric_limits<int64_t>::max() / scale / 2) return std::nullopt;
    return std::chrono::seconds(n * scale);
}

CLI::Validator duration_validator() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            return parse_duration(text)
                       ? std::string{}
                       : "not a duration (seconds, or with a unit: 90s, 30m, 24h, 1d): " + text;
        },
        "DURATION");
}

int print_array(const json::array& items) {
    std::cout << json::serialize(items) << std::endl;
    return 0;
}

// ---- value formatting ---------------------------------------------------------------------------

db::Timestamp now() {
    return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

std::string number(double v) {
    char text[32];
    const auto [end, ec] = std::to_chars(text, text + sizeof text, v);
    return ec == std::errc{} ? std::string(text, end) : std::to_string(v);
}

std::string route_name(uint32_t origin, uint32_t destination) {
    return std::to_string(origin) + "->" + std::to_string(destination);
}

std::string or_dash(const std::optional<std::string>& s, std::size_t width = 0) {
    if (!s || s->empty()) return "-";
    return width == 0 ? *s : clip(*s, width);
}

std::string plural(std::size_t n, std::string_view one) {
    return std::to_string(n) + " " + std::string(one) + (n == 1 ? "" : "s");
}

std::string join(const std::vector<std::string>& items, std::string_view separator = ", ") {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += separator;
        out += item;
    }
    return out;
}

json::value jstr(const std::optional<std::string>& s) {
    return s ? json::value(*s) : json::value(nullptr);
}
json::value jtime(const std::optional<db::Timestamp>& t) {
    return t ? json::value(format_time(*t)) : json::value(nullptr);
}
json::value jnum(const std::optional<double>& v) {
    return v ? json::value(*v) : json::value(nullptr);
}
json::value jdec(const std::optional<u256>& v) {
    return v ? json::value(to_decimal(*v)) : json::value(nullptr);
}
json::value jhash(const std::optional<Hash>& h) {
    return h ? json::value(to_hex(*h)) : json::value(nullptr);
}

// ---- routes -------------------------------------------------------------------------------------

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

json::object route_json(const db::Route& r) {
    return json::object{
        {"origin", r.origin},
        {"destination", r.destination},
        {"route", route_name(r.origin, r.destination)},
        {"security_mode", r.security_mode},
        {"paused", r.paused},
        {"paused_by", jstr(r.paused_by)},
        {"paused_reason", jstr(r.paused_reason)},
        {"paused_at", jtime(r.paused_at)},
        {"limits",
         json::object{
             {"rate_per_second", jnum(r.limits.rate_per_second)},
             {"burst", jnum(r.limits.burst)},
             {"daily_cap", jdec(r.limits.daily_cap)},
             {"big_transfer_threshold", jdec(r.limits.big_transfer_threshold)},
             {"big_transfer_delay_seconds", r.limits.big_transfer_delay.count()},
         }},
        {"tokens", jnum(r.tokens)},
        {"admitted_24h", to_decimal(r.admitted_24h)},
        {"queued", r.queued},
        {"updated_at", format_time(r.updated_at)},
    };
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

int routes_list(const DbArgs& args) {
    auto conn = open_current(args);
    const auto routes = db::list_routes(conn);
    if (args.json) {
        json::array out;
        for (const auto& r : routes) out.push_back(route_json(r));
        return print_array(out);
    }
    // The standing pauses under the table: they decide how the next new route starts.
    const auto print_standing = [&conn] {
        const auto pauses = db::standing_pauses(conn);
        if (pauses.empty()) return;
        std::cout
            << "\nstanding pauses (routes created later in scope start paused; `causeway routes pauses`):\n";
        for (const auto& p : pauses) {
            std::cout << "  " << p.scope.describe() << " by " << p.paused_by << " since "
                      << format_time(p.paused_at, false) << (p.reason ? ": " + *p.reason : std::string{})
                      << "\n";
        }
        std::cout << std::flush;
    };
    if (routes.empty()) {
        std::cout << "no routes yet (a route appears when its first message is observed, or with `causeway "
                     "routes set`)"
                  << std::endl;
        print_standing();
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
            r.paused_at ? format_time(*r.paused_at, false) : "-",
            rate_text(r.limits),
            r.tokens ? number(std::floor(*r.tokens * 10) / 10) : "-",
            r.limits.daily_cap ? to_decimal(*r.limits.daily_cap) : "-",
            to_decimal(r.admitted_24h),
            big_text(r.limits),
            std::to_string(r.queued),
        });
    }
    print_table(std::cout,
                {"ROUTE", "MODE", "STATE", "PAUSED BY", "REASON", "SINCE", "RATE", "TOKENS", "DAILY CAP",
                 "USED 24H", "BIG >=", "QUEUED"},
                rows);
    print_standing();
    return 0;
}

struct ScopeArgs {
    DbArgs db;
    uint32_t origin = 0;
    uint32_t destination = 0;
    uint32_t chain = 0;
    bool all = false;
    std::string reason;
    std::string actor;
};

int routes_pause(const ScopeArgs& args, const db::RouteScope& scope, const std::string& actor, bool pause) {
    auto conn = open_current(args.db);
    const auto before = db::list_routes(conn);
    const auto change = pause ? db::pause_routes(conn, scope, actor, args.reason)
                              : db::resume_routes(conn, scope, actor, args.reason);
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
    if (args.db.json) {
        json::array changed_json(changed.begin(), changed.end());
        json::array already_json(already.begin(), already.end());
        json::object out{{"action", pause ? "pause" : "resume"},
                         {"scope", scope.describe()},
                         {"actor", actor},
                         {"reason", args.reason.empty() ? json::value(nullptr) : json::value(args.reason)},
                         {"matched", change.matched},
                         {"changed", change.changed},
                         {"changed_routes", std::move(changed_json)},
                         {"unchanged_routes", std::move(already_json)}};
        if (pause) {
            out["standing_added"] = change.standing_added;
        } else {
            out["standing_lifted"] =
                json::array(change.standing_lifted.begin(), change.standing_lifted.end());
        }
        return print_json(std::cout, out, 0);
    }
    if (change.matched == 0) {
        std::cout << "no route exists yet (" << scope.describe() << ")";
        if (!pause) std::cout << ": nothing resumed";
    } else if (change.changed == 0) {
        const bool standing_changed = pause ? change.standing_added : !change.standing_lifted.empty();
        if (standing_changed) {
            std::cout << plural(change.matched, "route") << " already " << verb << " (" << scope.describe()
                      << "): " << join(already);
        } else {
            std::cout << "nothing changed (" << scope.describe() << "): " << plural(change.matched, "route")
                      << " already " << verb << ": " << join(already);
        }
    } else {
        std::cout << verb << " " << plural(change.changed, "route") << " (" << scope.describe()
                  << "): " << join(changed);
        if (!already.empty()) std::cout << "; already " << verb << ": " << join(already);
    }
    if (pause) {
        std::cout << (change.standing_added ? "; the pause stands: routes created later in scope start paused"
                                            : "; the pause already stood for routes created later");
    } else if (!change.standing_lifted.empty()) {
        std::cout << "; standing pause" << (change.standing_lifted.size() == 1 ? "" : "s")
                  << " lifted: " << join(change.standing_lifted);
    }
    std::cout << std::endl;
    return 0;
}

int routes_pauses(const DbArgs& args) {
    auto conn = open_current(args);
    const auto pauses = db::standing_pauses(conn);
    if (args.json) {
        json::array out;
        for (const auto& p : pauses) {
            out.push_back(json::object{
                {"scope", p.scope.describe()},
                {"origin", p.scope.origin ? json::value(*p.scope.origin) : json::value(nullptr)},
                {"destination",
                 p.scope.destination ? json::value(*p.scope.destination) : json::value(nullptr)},
                {"chain", p.scope.chain ? json::value(*p.scope.chain) : json::value(nullptr)},
                {"paused_by", p.paused_by},
                {"reason", jstr(p.reason)},
                {"paused_at", format_time(p.paused_at)},
            });
        }
        return print_array(out);
    }
    if (pauses.empty()) {
        std::cout << "no standing pauses" << std::endl;
        return 0;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : pauses)
        rows.push_back({p.scope.describe(), clip(p.paused_by, 20), or_dash(p.reason, 60),
                        format_time(p.paused_at, false)});
    print_table(std::cout, {"SCOPE", "PAUSED BY", "REASON", "SINCE"}, rows);
    return 0;
}

void add_pause_command(CLI::App& routes, Command& selected, bool pause) {
    auto args = std::make_shared<ScopeArgs>();
    CLI::App* cmd = routes.add_subcommand(
        pause ? "pause" : "resume",
        pause ? "Pause routes: workers stop claiming their messages at once; the messages keep their state"
              : "Resume paused routes: their messages are claimed again, in their old order");
    add_db_options(cmd, args->db);
    auto* origin = cmd->add_option("--origin", args->origin, "routes from this domain");
    auto* destination = cmd->add_option("--destination", args->destination, "routes to this domain");
    auto* chain = cmd->add_option("--chain", args->chain, "every route from or to this domain");
    cmd->add_flag("--all", args->all, "every route");
    auto* reason = cmd->add_option("--reason", args->reason, "why, for the audit log");
    if (pause) reason->required();
    add_actor_option(cmd, args->actor);
    cmd->footer(
        std::string("Choose the routes with --origin and/or --destination, --chain, or --all. ") +
        (pause ? "The pause stands for its scope: routes created later in it (a first message observed, or "
                 "`routes set`) start paused, until a resume covering the scope lifts it (`routes pauses` "
                 "lists them). "
               : "Lifts the standing pauses inside the scope too. ") +
        "Exit 0 also when nothing changed (the routes were already " + (pause ? "paused" : "active") +
        " or none exist yet: the output says so; --json has `matched` and `changed`). Audited with --actor"
        " and --reason.");
    cmd->callback([args, origin, destination, chain, pause, &selected] {
        db::RouteScope scope;
        if (origin->count() > 0) scope.origin = args->origin;
        if (destination->count() > 0) scope.destination = args->destination;
        if (chain->count() > 0) scope.chain = args->chain;
        scope.all = args->all;
        if (const auto problem = scope.problem(); !problem.empty()) throw CLI::ValidationError(problem);
        resolve_db(args->db);
        const std::string actor = resolve_actor(args->actor);
        selected = guarded([args, scope, actor, pause] { return routes_pause(*args, scope, actor, pause); });
    });
}

struct SetArgs {
    DbArgs db;
    uint32_t origin = 0;
    uint32_t destination = 0;
    std::string mode;
    double rate = 0;
    double burst = 0;
    bool no_rate_limit = false;
    std::string daily_cap;
    bool no_daily_cap = false;
    std::string big_transfer;
    std::string big_transfer_delay;
    bool no_big_transfer = false;
    std::string reason;
    std::string actor;
};

int routes_set(const SetArgs& args, const db::RouteUpdate& update, const std::string& actor) {
    auto conn = open_current(args.db);
    const auto before_all = db::list_routes(conn);
    const auto* before = find_route(before_all, update.origin, update.destination);
    db::update_route(conn, update, actor, args.reason);
    const auto after_all = db::list_routes(conn);
    const auto* after = find_route(after_all, update.origin, update.destination);
    if (after == nullptr)
        throw CommandError("route " + route_name(update.origin, update.destination) + " vanished");
    const std::string name = route_name(update.origin, update.destination);
    if (args.db.json) {
        return print_json(
            std::cout,
            json::object{{"action", "set"},
                         {"route", name},
                         {"actor", actor},
                         {"reason", args.reason},
                         {"created", before == nullptr},
                         {"before", before ? json::value(route_json(*before)) : json::value(nullptr)},
                         {"after", route_json(*after)}},
            0);
    }
    const std::string now_text = limits_text(*after);
    if (before == nullptr) {
        std::cout << "route " << name << " created: " << now_text;
        if (after->paused) {
            std::cout << "; paused under a standing pause by " << after->paused_by.value_or("?")
                      << (after->paused_reason ? ": " + *after->paused_reason : std::string{});
        }
        std::cout << std::endl;
    } else if (limits_text(*before) == now_text) {
        std::cout << "route " << name << " unchanged: " << now_text << std::endl;
    } else {
        std::cout << "route " << name << " updated: " << now_text << " (was " << limits_text(*before) << ")"
                  << std::endl;
    }
    return 0;
}

void add_set_command(CLI::App& routes, Command& selected) {
    auto args = std::make_shared<SetArgs>();
    CLI::App* cmd = routes.add_subcommand(
        "set", "Create a route or change its security mode and limits (fields not given keep their value)");
    add_db_options(cmd, args->db);
    cmd->add_option("--origin", args->origin, "the route's origin domain")->required();
    cmd->add_option("--destination", args->destination, "the route's destination domain")->required();
    auto* mode = cmd->add_option("--mode", args->mode, "security mode")
                     ->check(CLI::IsMember({"committee", "optimistic", "validity"}));
    auto* rate = cmd->add_option("--rate", args->rate, "token bucket refill, messages per second")
                     ->check(CLI::PositiveNumber);
    auto* burst = cmd->add_option("--burst", args->burst, "token bucket capacity (at least 1)")
                      ->check(CLI::Range(1.0, 1e15));
    rate->needs(burst);
    burst->needs(rate);
    auto* no_rate = cmd->add_flag("--no-rate-limit", args->no_rate_limit, "remove the rate limit");
    no_rate->excludes(rate)->excludes(burst);
    auto* cap =
        cmd->add_option("--daily-cap", args->daily_cap, "notional admitted over any 24 hours (base units)")
            ->check(u256_validator());
    auto* no_cap = cmd->add_flag("--no-daily-cap", args->no_daily_cap, "remove the daily cap");
    no_cap->excludes(cap);
    auto* big = cmd->add_option("--big-transfer", args->big_transfer,
                                "transfers of at least this amount wait --big-transfer-delay")
                    ->check(u256_validator());
    auto* delay =
        cmd->add_option("--big-transfer-delay", args->big_transfer_delay,
                        "how long big transfers wait after being observed: 86400, 90s, 30m, 24h, 1d")
            ->check(duration_validator());
    auto* no_big =
        cmd->add_flag("--no-big-transfer", args->no_big_transfer, "remove the big-transfer threshold");
    no_big->excludes(big)->excludes(delay);
    cmd->add_option("--reason", args->reason, "why, for the audit log")->required();
    add_actor_option(cmd, args->actor);
    cmd->footer(
        "Amounts are in the token's base units (decimal, or hex after 0x). With no limit given it only"
        " creates the route (unlimited, active), so that a route can be paused before its first message."
        " Audited with --actor and --reason.");
    cmd->callback([args, mode, rate, cap, big, delay, &selected] {
        db::RouteUpdate u;
        u.origin = args->origin;
        u.destination = args->destination;
        if (mode->count() > 0) u.security_mode = args->mode;
        u.clear_rate_limit = args->no_rate_limit;
        if (rate->count() > 0) {
            u.rate_per_second = args->rate;
            u.burst = args->burst;
        }
        u.clear_daily_cap = args->no_daily_cap;
        if (cap->count() > 0) u.daily_cap = *parse_u256(args->daily_cap);
        u.clear_big_transfer_threshold = args->no_big_transfer;
        if (big->count() > 0) u.big_transfer_threshold = *parse_u256(args->big_transfer);
        if (delay->count() > 0) u.big_transfer_delay = *parse_duration(args->big_transfer_delay);
        resolve_db(args->db);
        const std::string actor = resolve_actor(args->actor);
        selected = guarded([args, u, actor] { return routes_set(*args, u, actor); });
    });
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

int routes_audit(const DbArgs& args, int limit) {
    auto conn = open_current(args);
    const auto entries = db::audit_entries(conn, limit);
    if (args.json) {
        json::array out;
        for (const auto& e : entries) {
            out.push_back(json::object{{"id", e.id},
                                       {"at", format_time(e.at)},
                                       {"actor", e.actor},
                                       {"action", e.action},
                                       {"target", e.target},
                                       {"reason", jstr(e.reason)},
                                       {"before", parsed_or_null(e.before)},
                                       {"after", parsed_or_null(e.after)}});
        }
        return print_array(out);
    }
    if (entries.empty()) {
        std::cout << "the audit log is empty" << std::endl;
        return 0;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : entries) {
        rows.push_back({std::to_string(e.id), format_time(e.at, false), clip(e.actor, 20), e.action, e.target,
                        or_dash(e.reason, 40), clip(change_text(e.before, e.after), 80)});
    }
    print_table(std::cout, {"ID", "AT", "ACTOR", "ACTION", "TARGET", "REASON", "CHANGE"}, rows);
    return 0;
}

// ---- messages -----------------------------------------------------------------------------------

std::vector<std::string> state_names() {
    std::vector<std::string> out;
    for (int i = 0; i < 256; ++i) {
        const auto name = db::to_string(static_cast<db::MessageState>(i));
        if (name == "unknown") break;
        out.emplace_back(name);
    }
    return out;
}

bool leased(const db::QueuedMessage& m, db::Timestamp at) {
    return m.lease_owner && m.lease_expires_at && *m.lease_expires_at > at;
}

std::string next_run_text(const db::QueuedMessage& m, db::Timestamp at) {
    if (m.state == db::MessageState::kDelivered) return "-";
    if (leased(m, at)) return "leased to " + clip(*m.lease_owner, 20);
    if (!m.run_at) return "never";
    return *m.run_at <= at ? "now" : format_relative(*m.run_at, at);
}

std::string error_text(const db::QueuedMessage& m) {
    if (!m.last_error && !m.last_error_class) return "-";
    if (!m.last_error_class) return *m.last_error;
    if (!m.last_error) return *m.last_error_class;
    return *m.last_error_class + ": " + *m.last_error;
}

json::object message_json(const db::QueuedMessage& m) {
    return json::object{
        {"id", to_hex(m.id)},
        {"seq", m.seq},
        {"version", m.message.version},
        {"nonce", m.message.nonce},
        {"origin", m.message.origin},
        {"destination", m.message.destination},
        {"sender", to_hex(m.message.sender)},
        {"recipient", to_hex(m.message.recipient)},
        {"body", to_hex(ByteView(m.message.body))},
        {"amount", to_decimal(m.amount)},
        {"block_number", m.block_number},
        {"block_hash", to_hex(m.block_hash)},
        {"log_index", m.log_index},
        {"state", db::to_string(m.state)},
        {"stage", m.stage ? json::value(db::to_string(*m.stage)) : json::value(nullptr)},
        {"attempts", m.attempts},
        {"run_at", jtime(m.run_at)},
        {"lease_owner", jstr(m.lease_owner)},
        {"lease_expires_at", jtime(m.lease_expires_at)},
        {"held_reason", jstr(m.held_reason)},
        {"last_error", jstr(m.last_error)},
        {"last_error_class", jstr(m.last_error_class)},
        {"observed_at", format_time(m.observed_at)},
        {"verified_at", jtime(m.verified_at)},
        {"submitted_at", jtime(m.submitted_at)},
        {"delivered_at", jtime(m.delivered_at)},
        {"retrying_at", jtime(m.retrying_at)},
        {"failed_at", jtime(m.failed_at)},
        {"orphaned_at", jtime(m.orphaned_at)},
        {"delivery_tx_hash", jhash(m.delivery_tx_hash)},
        {"updated_at", format_time(m.updated_at)},
    };
}

struct ListArgs {
    DbArgs db;
    std::string state;
    uint32_t origin = 0;
    uint32_t destination = 0;
    int limit = 50;
};

int messages_list(const ListArgs& args, const db::MessageFilter& filter) {
    auto conn = open_current(args.db);
    const auto messages = db::list_messages(conn, filter);
    if (args.db.json) {
        json::array out;
        for (const auto& m : messages) out.push_back(message_json(m));
        return print_array(out);
    }
    if (messages.empty()) {
        std::cout << "no messages match" << std::endl;
        return 0;
    }
    const auto at = now();
    std::vector<std::vector<std::string>> rows;
    for (const auto& m : messages) {
        rows.push_back({to_hex(m.id), route_name(m.message.origin, m.message.destination),
                        std::to_string(m.message.nonce), std::string(db::to_string(m.state)),
                        m.stage ? std::string(db::to_string(*m.stage)) : "-", std::to_string(m.attempts),
                        next_run_text(m, at), or_dash(m.held_reason, 30), clip(error_text(m), 40)});
    }
    print_table(std::cout,
                {"ID", "ROUTE", "NONCE", "STATE", "STAGE", "ATTEMPTS", "NEXT RUN", "HELD", "LAST ERROR"},
                rows);
    if (static_cast<int>(messages.size()) == filter.limit) {
        std::cout << "(the newest " << filter.limit << "; --limit shows more)" << std::endl;
    }
    return 0;
}

void add_list_command(CLI::App& messages, Command& selected) {
    auto args = std::make_shared<ListArgs>();
    CLI::App* cmd = messages.add_subcommand("list", "Queued and delivered messages, newest first");
    add_db_options(cmd, args->db);
    auto* state = cmd->add_option("--state", args->state, "only messages in this state")
                      ->check(CLI::Validator(
                          [](std::string& name) -> std::string {
                              if (db::parse_message_state(name)) return {};
                              return "unknown state '" + name + "' (one of: " + join(state_names()) + ")";
                          },
                          "STATE"));
    auto* origin = cmd->add_option("--origin", args->origin, "only messages from this domain");
    auto* destination = cmd->add_option("--destination", args->destination, "only messages to this domain");
    cmd->add_option("--limit", args->limit, "at most this many")
        ->capture_default_str()
        ->check(CLI::Range(1, kMaxLimit));
    cmd->footer(
        "States: " + join(state_names()) +
        ". Delivered messages come from the history table. NEXT RUN is when a worker may next claim the"
        " message (\"never\" for dead letters and orphans); HELD is a route limit holding it.");
    cmd->callback([args, state, origin, destination, &selected] {
        db::MessageFilter filter;
        if (state->count() > 0) filter.state = db::parse_message_state(args->state);
        if (origin->count() > 0) filter.origin = args->origin;
        if (destination->count() > 0) filter.destination = args->destination;
        filter.limit = args->limit;
        resolve_db(args->db);
        selected = guarded([args, filter] { return messages_list(*args, filter); });
    });
}

CLI::Validator id_validator() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            const auto h = hash_from_hex(text);
            return h ? std::string{} : "not a message id (0x and 64 hex digits): " + h.error().message();
        },
        "ID");
}

struct IdArgs {
    DbArgs db;
    std::string id;
    std::string reason;
    std::string actor;
};

int messages_inspect(const DbArgs& args, const Hash& id) {
    auto conn = open_current(args);
    const auto m = db::find_message(conn, id);
    if (!m) throw CommandError("message " + to_hex(id) + " not found");
    if (args.json) return print_json(std::cout, message_json(*m), 0);
    const auto at = now();
    const auto when = [&](const std::optional<db::Timestamp>& t) -> std::string {
        return t ? format_time(*t) + " (" + format_relative(*t, at) + ")" : "-";
    };
    std::vector<std::pair<std::string, std::string>> lines{
        {"id", to_hex(m->id)},
        {"seq", std::to_string(m->seq)},
        {"route", route_name(m->message.origin, m->message.destination)},
        {"version", std::to_string(m->message.version)},
        {"nonce", std::to_string(m->message.nonce)},
        {"origin", std::to_string(m->message.origin)},
        {"destination", std::to_string(m->message.destination)},
        {"sender", to_hex(m->message.sender)},
        {"recipient", to_hex(m->message.recipient)},
        {"body", to_hex(ByteView(m->message.body))},
        {"amount", to_decimal(m->amount)},
        {"block_number", std::to_string(m->block_number)},
        {"block_hash", to_hex(m->block_hash)},
        {"log_index", std::to_string(m->log_index)},
        {"state", std::string(db::to_string(m->state))},
        {"stage", m->stage ? std::string(db::to_string(*m->stage)) : "-"},
        {"attempts", std::to_string(m->attempts)},
        {"run_at", m->run_at ? when(m->run_at) : (m->state == db::MessageState::kDelivered ? "-" : "never")},
        {"lease_owner", or_dash(m->lease_owner)},
        {"lease_expires_at", when(m->lease_expires_at)},
        {"held_reason", or_dash(m->held_reason)},
        {"last_error", or_dash(m->last_error)},
        {"last_error_class", or_dash(m->last_error_class)},
        {"observed_at", when(m->observed_at)},
        {"verified_at", when(m->verified_at)},
        {"submitted_at", when(m->submitted_at)},
        {"delivered_at", when(m->delivered_at)},
        {"retrying_at", when(m->retrying_at)},
        {"failed_at", when(m->failed_at)},
        {"orphaned_at", when(m->orphaned_at)},
        {"delivery_tx_hash", m->delivery_tx_hash ? to_hex(*m->delivery_tx_hash) : "-"},
        {"updated_at", when(m->updated_at)},
    };
    for (const auto& [field, value] : lines) std::cout << field << ": " << value << '\n';
    std::cout.flush();
    return 0;
}

int messages_retry(const IdArgs& args, const Hash& id, const std::string& actor) {
    auto conn = open_current(args.db);
    const auto before = db::find_message(conn, id);
    // Called even when the message is unknown or not retryable: the attempt is audited either way.
    const bool retried = db::retry_message(conn, id, actor, args.reason);
    const auto after = db::find_message(conn, id);
    if (!after) throw CommandError("message " + to_hex(id) + " not found");
    const std::string was = before ? std::string(db::to_string(before->state)) : "unknown";
    std::string refusal;
    if (!retried) {
        refusal = "not retried: it is " + std::string(db::to_string(after->state));
        if (leased(*after, now())) refusal += ", leased by " + *after->lease_owner;
        refusal += " (only failed_permanent or retrying messages that no worker holds can be retried)";
    }
    if (args.db.json) {
        json::object out{
            {"id", to_hex(id)},
            {"retried", retried},
            {"was", was},
            {"state", db::to_string(after->state)},
            {"stage", after->stage ? json::value(db::to_string(*after->stage)) : json::value(nullptr)},
            {"run_at", jtime(after->run_at)},
            {"lease_owner", jstr(after->lease_owner)},
            {"actor", actor},
            {"reason", args.reason.empty() ? json::value(nullptr) : json::value(args.reason)}};
        if (!retried) out["error"] = refusal;
        return print_json(std::cout, out, retried ? 0 : 1);
    }
    if (!retried) throw CommandError("message " + to_hex(id) + " " + refusal);
    std::cout << "message " << to_hex(id) << " will be retried now (was " << was;
    if (after->stage) std::cout << ", at stage " << db::to_string(*after->stage);
    std::cout << ")" << std::endl;
    return 0;
}

void add_id_command(CLI::App& messages, Command& selected, bool retry) {
    auto args = std::make_shared<IdArgs>();
    CLI::App* cmd = messages.add_subcommand(
        retry ? "retry" : "inspect",
        retry ? "Run a dead-lettered (failed_permanent) or retrying message again now, attempts reset"
              : "Every field of one message, from the queue or the delivered history");
    add_db_options(cmd, args->db);
    cmd->add_option("id", args->id, "the message id (0x and 64 hex digits)")
        ->required()
        ->check(id_validator());
    if (retry) {
        cmd->add_option("--reason", args->reason, "why, for the audit log (recommended)");
        add_actor_option(cmd, args->actor);
        cmd->footer(
            "Exit 1 when the message is not found or cannot be retried (another state, or a worker holds"
            " it); the refusal is audited too.");
    } else {
        cmd->footer("Exit 1 when the message is not found.");
    }
    cmd->callback([args, retry, &selected] {
        const Hash id = *hash_from_hex(args->id);
        resolve_db(args->db);
        if (!retry) {
            selected = guarded([args, id] { return messages_inspect(args->db, id); });
            return;
        }
        const std::string actor = resolve_actor(args->actor);
        selected = guarded([args, id, actor] { return messages_retry(*args, id, actor); });
    });
}

// ---- db -----------------------------------------------------------------------------------------

int latest_known_version() {
    const auto known = db::known_migrations();
    return known.empty() ? 0 : known.back().version;
}

int db_migrate(const DbArgs& args) {
    auto conn = open(args);
    const auto report = db::migrate(conn);
    if (args.json) {
        json::array applied(report.applied.begin(), report.applied.end());
        return print_json(std::cout,
                          json::object{{"schema", args.schema},
                                       {"from", report.from_version},
                                       {"to", report.to_version},
                                       {"applied", std::move(applied)}},
                          0);
    }
    std::cout << "schema " << args.schema << ": ";
    if (report.applied.empty()) {
        std::cout << "at version " << report.to_version << ", nothing to apply" << std::endl;
    } else {
        std::cout << "version " << report.from_version << " -> " << report.to_version << " (applied "
                  << join(report.applied) << ")" << std::endl;
    }
    return 0;
}

int db_status(const DbArgs& args) {
    auto conn = open(args);
    const int version = db::schema_version(conn);
    const int known = latest_known_version();
    const bool current = version == known;
    std::vector<db::QueueCount> counts;
    if (current) {
        db::Queue queue(conn);
        counts = queue.counts();
    }
    std::string verdict = "up to date";
    if (version < known) verdict = "behind: run `causeway db migrate`";
    if (version > known) verdict = "newer than this causeway: upgrade causeway";
    if (args.json) {
        json::array rows;
        for (const auto& c : counts) {
            rows.push_back(json::object{{"state", db::to_string(c.state)},
                                        {"origin", c.origin},
                                        {"destination", c.destination},
                                        {"count", c.count},
                                        {"oldest_age_seconds", c.oldest_age_seconds}});
        }
        return print_json(std::cout,
                          json::object{{"schema", args.schema},
                                       {"version", version},
                                       {"known_version", known},
                                       {"current", current},
                                       {"counts", std::move(rows)}},
                          current ? 0 : 1);
    }
    std::cout << "schema " << args.schema << ": version " << version << " (this causeway knows " << known
              << "): " << verdict << std::endl;
    if (!current) return 1;
    if (counts.empty()) {
        std::cout << "the queue is empty" << std::endl;
        return 0;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : counts) {
        rows.push_back({std::string(db::to_string(c.state)), route_name(c.origin, c.destination),
                        std::to_string(c.count),
                        format_duration(std::chrono::seconds(static_cast<int64_t>(c.oldest_age_seconds)))});
    }
    print_table(std::cout, {"STATE", "ROUTE", "COUNT", "OLDEST"}, rows);
    return 0;
}

}  // namespace

CLI::Validator schema_name_validator() {
    return CLI::Validator(
        [](std::string& name) -> std::string {
            return db::is_valid_schema_name(name)
                       ? std::string{}
                       : "not a schema name (lower-case letters, digits and _): " + name;
        },
        "NAME");
}

std::string db_url_or_usage_error(const std::optional<std::string>& flag) {
    try {
        return db::resolve_url(flag);
    } catch (const db::Error& e) {
        throw CLI::ValidationError(e.what());
    }
}

void add_db_command(CLI::App& app, Command& selected) {
    CLI::App* dbc = app.add_subcommand("db", "The PostgreSQL schema: migrations and status");
    dbc->require_subcommand(1);

    auto migrate_args = std::make_shared<DbArgs>();
    CLI::App* migrate = dbc->add_subcommand(
        "migrate", "Apply the schema migrations this causeway carries (a no-op when up to date)");
    add_db_options(migrate, *migrate_args);
    migrate->footer(
        "Exit 1, changing nothing, when the schema is newer than this causeway or an applied migration was"
        " edited.");
    migrate->callback([migrate_args, &selected] {
        resolve_db(*migrate_args);
        selected = guarded([migrate_args] { return db_migrate(*migrate_args); });
    });

    auto status_args = std::make_shared<DbArgs>();
    CLI::App* status = dbc->add_subcommand("status", "The schema's version and the queue's counts per state");
    add_db_options(status, *status_args);
    status->footer(
        "Exit 0 when the schema is current, 1 when it needs `causeway db migrate` (or a newer causeway).");
    status->callback([status_args, &selected] {
        resolve_db(*status_args);
        selected = guarded([status_args] { return db_status(*status_args); });
    });
}

void add_routes_command(CLI::App& app, Command& selected) {
    CLI::App* routes =
        app.add_subcommand("routes", "Routes: list, pause, resume, set limits, read the audit log");
    routes->require_subcommand(1);

    auto list_args = std::make_shared<DbArgs>();
    CLI::App* list = routes->add_subcommand("list", "Every route with its state, limits and queued messages");
    add_db_options(list, *list_args);
    list->callback([list_args, &selected] {
        resolve_db(*list_args);
        selected = guarded([list_args] { return routes_list(*list_args); });
    });

    add_pause_command(*routes, selected, true);
    add_pause_command(*routes, selected, false);

    auto pauses_args = std::make_shared<DbArgs>();
    CLI::App* pauses = routes->add_subcommand(
        "pauses", "Standing pauses: scopes in which routes created later start paused, oldest first");
    add_db_options(pauses, *pauses_args);
    pauses->callback([pauses_args, &selected] {
        resolve_db(*pauses_args);
        selected = guarded([pauses_args] { return routes_pauses(*pauses_args); });
    });
    add_set_command(*routes, selected);

    struct AuditArgs {
        DbArgs db;
        int limit = 50;
    };
    auto audit_args = std::make_shared<AuditArgs>();
    CLI::App* audit = routes->add_subcommand(
        "audit", "The audit log of operator actions (routes and messages), newest first");
    add_db_options(audit, audit_args->db);
    audit->add_option("--limit", audit_args->limit, "at most this many entries")
        ->capture_default_str()
        ->check(CLI::Range(1, kMaxLimit));
    audit->callback([audit_args, &selected] {
        resolve_db(audit_args->db);
        selected = guarded([audit_args] { return routes_audit(audit_args->db, audit_args->limit); });
    });
}

void add_messages_command(CLI::App& app, Command& selected) {
    CLI::App* messages = app.add_subcommand("messages", "Messages: list, inspect one, retry a dead letter");
    messages->require_subcommand(1);
    add_list_command(*messages, selected);
    add_id_command(*messages, selected, false);
    add_id_command(*messages, selected, true);
}

}  // namespace causeway::cli
