// The operator commands (`causeway db`, `routes`, `messages`) through the real executable, each
// case against its own throwaway PostgreSQL cluster: what they print (tables and JSON), the exit
// codes (0 done, 1 refused or failed, 2 usage), and the audit rows they leave.
#include "cli/commands/format.hpp"
#include "cli/commands/schema.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/hex.hpp"
#include "db/migrate.hpp"
#include "db/queue.hpp"
#include "db/test_messages.hpp"
#include "tests/support/postgres.hpp"
#include "tests/support/process.hpp"

using namespace causeway;
using namespace std::chrono_literals;
namespace json = boost::json;
using db::MessageState;
using db::test::scalar;
using db::test::test_message;
using db::test::test_messages;

namespace {

// Runs `causeway args...` with the database and actor variables unset unless given in `env`, so
// that the developer's own environment cannot leak into a case.
test::CommandResult run_causeway(const std::vector<std::string>& args, const test::EnvChanges& env = {}) {
    test::EnvChanges changes{{"CAUSEWAY_DB_URL", std::nullopt}, {"CAUSEWAY_ACTOR", std::nullopt}};
    changes.insert(changes.end(), env.begin(), env.end());
    std::vector<std::string> argv{CAUSEWAY_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run_command(argv, changes);
}

// The same against the test's cluster (--db appended).
struct Cli {
    const test::Postgres& pg;

    [[nodiscard]] test::CommandResult run(std::vector<std::string> args,
                                          const test::EnvChanges& env = {}) const {
        args.insert(args.end(), {"--db", pg.url()});
        return run_causeway(args, env);
    }
    // Runs with --json, requires exit 0 and one line of JSON, and returns it parsed.
    [[nodiscard]] json::value json(std::vector<std::string> args, int code = 0) const {
        args.push_back("--json");
        const auto r = run(args);
        INFO(r.err);
        REQUIRE(r.exit_code == code);
        REQUIRE(r.out.ends_with("\n"));
        REQUIRE(r.out.find('\n') == r.out.size() - 1);
        return json::parse(r.out);
    }
    [[nodiscard]] json::array audit() const {
        return json({"routes", "audit", "--limit", "1000"}).as_array();
    }
};

std::string str(const json::value& v) {
    return std::string(v.as_string());
}

const json::object& route_of(const json::array& routes, const std::string& name) {
    for (const auto& r : routes) {
        if (str(r.at("route")) == name) return r.as_object();
    }
    FAIL("no route " << name);
    throw std::logic_error("unreachable");
}

const json::object& message_of(const json::array& messages, const Hash& id) {
    for (const auto& m : messages) {
        if (str(m.at("id")) == to_hex(id)) return m.as_object();
    }
    FAIL("no message " << to_hex(id));
    throw std::logic_error("unreachable");
}

std::vector<std::string> ids_of(const json::array& messages) {
    std::vector<std::string> out;
    for (const auto& m : messages) out.push_back(str(m.at("id")));
    return out;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("formatting: times, durations, clipping and tables", "[cli][admin]") {
    using cli::format_duration;
    using cli::format_relative;
    using cli::format_time;
    // 2024-05-01T12:34:56.789012Z is 1714566896789012 us after the epoch (date -d ... +%s).
    const db::Timestamp t{std::chrono::microseconds(1'714'566'896'789'012)};
    CHECK(format_time(t) == "2024-05-01T12:34:56.789Z");
    CHECK(format_time(t, cli::TimePrecision::kSeconds) == "2024-05-01T12:34:56Z");
    CHECK(format_time(db::Timestamp{}) == "1970-01-01T00:00:00.000Z");

    CHECK(format_duration(0s) == "0s");
    CHECK(format_duration(45s) == "45s");
    CHECK(format_duration(60s) == "1m");
    CHECK(format_duration(245s) == "4m05s");
    CHECK(format_duration(3h + 12min + 5s) == "3h12m");
    CHECK(format_duration(24h) == "1d");
    CHECK(format_duration(51h) == "2d3h");
    CHECK(format_duration(-90s) == "1m30s");

    CHECK(format_relative(t, t) == "now");
    CHECK(format_relative(t + 900ms, t) == "now");
    CHECK(format_relative(t + 3s + 200ms, t) == "in 3s");
    CHECK(format_relative(t - 5min, t) == "5m ago");

    CHECK(cli::clip("short", 10) == "short");
    CHECK(cli::clip("line one\nline two", 40) == "line one line two");
    CHECK(cli::clip("abcdefghijkl", 8) == "abcde...");
    CHECK(cli::clip("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 4) == "\xc3\xa9...");  // é counts once

    std::ostringstream out;
    cli::print_table(out, {"A", "LONGER", "C"}, {{"xyz", "1", ""}, {"\xc3\xa9", "22", "z"}});
    CHECK(out.str() ==
          "A    LONGER  C\n"
          "xyz  1\n"
          "\xc3\xa9    22      z\n");
}

TEST_CASE("db migrate: --db or CAUSEWAY_DB_URL, a no-op when current, refusals", "[cli][admin]") {
    test::Postgres pg;
    const Cli cli{pg};
    // What this binary carries: the latest version, and every migration's NNNN_name.
    const auto known = db::known_migrations();
    const std::string latest = std::to_string(known.size());
    std::string names;
    json::array names_json;
    for (const auto& m : known) {
        char label[8];
        std::snprintf(label, sizeof label, "%04d", m.version);
        const std::string name = std::string(label) + "_" + std::string(m.name);
        names += (names.empty() ? "" : ", ") + name;
        names_json.push_back(json::string(name));
    }

    // No database at all: a usage error naming both ways to give one.
    auto r = run_causeway({"db", "migrate"});
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "no database given: pass --db URL or set CAUSEWAY_DB_URL"));
    CHECK(r.out.empty());

    // Before migrating, the other commands refuse and say what to run.
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"routes", "list"}, {"messages", "list"}, {"routes", "audit"}}) {
        r = cli.run(args);
        CHECK(r.exit_code == 1);
        CHECK(contains(r.err, "causeway " + args[0] + " " + args[1] +
                                  ": error: the database schema 'causeway' is "
                                  "at version 0, this causeway needs " +
                                  latest +
                                  ": run "
                                  "`causeway db migrate`"));
    }
    r = cli.run({"db", "status"});
    CHECK(r.exit_code == 1);
    CHECK(r.out == "schema causeway: version 0 (this causeway knows " + latest +
                       "): behind: run `causeway db migrate`\n");

    // The URL from the environment.
    r = run_causeway({"db", "migrate"}, {{"CAUSEWAY_DB_URL", pg.url()}});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "schema causeway: version 0 -> " + latest + " (applied " + names + ")\n");

    // Again: nothing to do.
    r = cli.run({"db", "migrate"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "schema causeway: at version " + latest + ", nothing to apply\n");
    auto report = cli.json({"db", "migrate"}).as_object();
    CHECK(report == json::object{{"schema", "causeway"},
                                 {"from", known.size()},
                                 {"to", known.size()},
                                 {"applied", json::array{}}});

    // Another schema, as JSON.
    report = cli.json({"db", "migrate", "--schema", "other_one"}).as_object();
    CHECK(report ==
          json::object{{"schema", "other_one"}, {"from", 0}, {"to", known.size()}, {"applied", names_json}});

    auto status = cli.json({"db", "status"}).as_object();
    CHECK(status.at("version") == known.size());
    CHECK(status.at("known_version") == known.size());
    CHECK(status.at("current") == true);
    CHECK(status.at("counts").as_array().empty());
    r = cli.run({"db", "status"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "schema causeway: version " + latest + " (this causeway knows " + latest +
                       "): up to date\nthe queue is empty\n");

    // A schema name that could not be spliced into SQL is a usage error.
    CHECK(cli.run({"db", "migrate", "--schema", "Bad-Name"}).exit_code == 2);

    // A routine recorded with another checksum (its db/routines file was edited) is re-applied and
    // named. Called as the library function the command calls, without the executable.
    {
        auto conn = pg.connect();
        pqxx::nontransaction(conn.raw())
            .exec("UPDATE schema_routines SET checksum = 'older' WHERE name = 'claim_messages'");
        // Until migrated, commands refuse: the functions they would run are not this causeway's.
        const auto refused = cli.run({"routes", "list"});
        CHECK(refused.exit_code == 1);
        CHECK(contains(refused.err,
                       "runs other SQL routines than this causeway's (claim_messages): run "
                       "`causeway db migrate`"));
        const auto stale = cli.run({"db", "status"});
        CHECK(stale.exit_code == 1);
        CHECK(stale.out == "schema causeway: version " + latest + " (this causeway knows " + latest +
                               "): other SQL routines (claim_messages): run `causeway db migrate`\n");
        std::ostringstream text;
        const auto audited = scalar(conn, "SELECT count(*) FROM audit_log WHERE action = 'db.migrate'");
        CHECK(cli::db_migrate(conn, "carol", cli::OutputFormat::kText, text) == 0);
        CHECK(text.str() ==
              "schema causeway: at version " + latest + "; routines re-applied: claim_messages\n");
        // The change is audited, with who made it and what changed; a run that changes nothing is not.
        CHECK(scalar(conn, "SELECT count(*) FROM audit_log WHERE action = 'db.migrate'") == audited + 1);
        CHECK(scalar(conn,
                     "SELECT count(*) FROM audit_log WHERE action = 'db.migrate' AND actor = 'carol'"
                     " AND target = 'schema causeway' AND after->'routines' = '[\"claim_messages\"]'") == 1);
        std::ostringstream again;
        CHECK(cli::db_migrate(conn, "carol", cli::OutputFormat::kJson, again) == 0);
        CHECK(scalar(conn, "SELECT count(*) FROM audit_log WHERE action = 'db.migrate'") == audited + 1);
        CHECK(json::parse(again.str()) == json::object{{"schema", "causeway"},
                                                       {"from", known.size()},
                                                       {"to", known.size()},
                                                       {"applied", json::array{}}});
    }

    // A database migrated by a newer causeway is refused, not touched.
    {
        auto conn = pg.connect();
        pqxx::nontransaction tx(conn.raw());
        tx.exec("INSERT INTO schema_migrations (version, name, checksum) VALUES (99, 'future', 'x')");
    }
    r = cli.run({"db", "migrate"});
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err,
                   "causeway db migrate: error: the database schema is at version 99, newer than this "
                   "causeway knows (" +
                       latest + ")"));
    r = cli.run({"routes", "list"});
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "newer than this causeway knows (" + latest + ")"));

    // Connection failures say where, without the password.
    r = run_causeway({"db", "migrate", "--db", "postgresql://causeway:hunter2@127.0.0.1:1/causeway"});
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err,
                   "causeway db migrate: error: cannot connect to postgresql://causeway:***@127.0.0.1:1"));
    CHECK(!contains(r.err, "hunter2"));
}

TEST_CASE("routes pause, resume and list, with the audit trail", "[cli][admin]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    auto batch = test_messages(3, 0, 901, 902, "a");
    const auto more = test_messages(2, 0, 901, 903, "b");
    const auto other = test_messages(1, 0, 905, 902, "c");
    batch.insert(batch.end(), more.begin(), more.end());
    batch.insert(batch.end(), other.begin(), other.end());
    REQUIRE(queue.enqueue(batch).inserted == 6);
    const Cli cli{pg};

    auto routes = cli.json({"routes", "list"}).as_array();
    REQUIRE(routes.size() == 3);
    CHECK(route_of(routes, "901->902").at("queued") == 3);
    CHECK(route_of(routes, "901->903").at("queued") == 2);
    CHECK(route_of(routes, "905->902").at("paused") == false);
    CHECK(route_of(routes, "905->902").at("security_mode") == "committee");
    CHECK(route_of(routes, "905->902").at("limits").at("daily_cap").is_null());

    // Pause every route from 901.
    auto result = cli.json({"routes", "pause", "--origin", "901", "--reason", "incident 42: stale heads",
                            "--actor", "alice"})
                      .as_object();
    CHECK(result.at("action") == "pause");
    CHECK(result.at("scope") == "from 901");
    CHECK(result.at("matched") == 2);
    CHECK(result.at("changed") == 2);
    CHECK(result.at("changed_routes") == json::array{"901->902", "901->903"});

    routes = cli.json({"routes", "list"}).as_array();
    for (const auto* name : {"901->902", "901->903"}) {
        const auto& route = route_of(routes, name);
        CHECK(route.at("paused") == true);
        CHECK(route.at("paused_by") == "alice");
        CHECK(route.at("paused_reason") == "incident 42: stale heads");
        CHECK(route.at("paused_at").is_string());
    }
    CHECK(route_of(routes, "905->902").at("paused") == false);
    CHECK(route_of(routes, "905->902").at("paused_by").is_null());

    // The table, for people.
    auto r = cli.run({"routes", "list"});
    REQUIRE(r.exit_code == 0);
    std::istringstream lines(r.out);
    std::string line;
    std::getline(lines, line);
    CHECK(line.starts_with("ROUTE     MODE       STATE   PAUSED BY  REASON"));
    CHECK(line.ends_with("QUEUED"));
    std::getline(lines, line);
    CHECK(line.starts_with("901->902  committee  paused  alice      incident 42: stale heads  20"));
    CHECK(line.ends_with("  3"));
    std::getline(lines, line);
    std::getline(lines, line);
    CHECK(line.starts_with("905->902  committee  active  -          -                         -"));

    // Pausing again changes nothing; the text says so and exits 0.
    result = cli.json({"routes", "pause", "--origin", "901", "--destination", "902", "--reason", "again",
                       "--actor", "alice"})
                 .as_object();
    CHECK(result.at("scope") == "901->902");
    CHECK(result.at("matched") == 1);
    CHECK(result.at("changed") == 0);
    r = cli.run({"routes", "pause", "--destination", "902", "--reason", "all into 902", "--actor", "alice"});
    CHECK(r.exit_code == 0);
    CHECK(
        r.out ==
        "paused 1 route (to 902): 905->902; already paused: 901->902; the pause stands: routes created later"
        " in scope start paused\n");
    // No route from 999 yet: the pause stands for the first one.
    r = cli.run({"routes", "pause", "--origin", "999", "--reason", "typo", "--actor", "alice"});
    CHECK(r.exit_code == 0);
    CHECK(r.out ==
          "no route exists yet (from 999); the pause stands: routes created later in scope start paused\n");
    r = cli.run({"routes", "pause", "--origin", "999", "--reason", "typo", "--actor", "alice"});
    CHECK(r.out == "no route exists yet (from 999); the pause already stood for routes created later\n");
    const auto standing = cli.json({"routes", "pauses"}).as_array();
    REQUIRE(standing.size() == 4);
    CHECK(standing[0].at("scope") == "from 901");
    CHECK(standing[1].at("scope") == "901->902");
    CHECK(standing[2].at("scope") == "to 902");
    CHECK(standing[3].at("scope") == "from 999");
    CHECK(standing[3].at("origin") == 999);
    CHECK(standing[3].at("destination").is_null());
    CHECK(standing[3].at("chain").is_null());
    CHECK(standing[3].at("paused_by") == "alice");
    CHECK(standing[3].at("reason") == "typo");
    r = cli.run({"routes", "pauses"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.starts_with("SCOPE     PAUSED BY  REASON"));
    CHECK(contains(r.out, "\nfrom 999  alice      typo"));
    r = cli.run({"routes", "list"});
    CHECK(
        contains(r.out,
                 "\nstanding pauses (routes created later in scope start paused; `causeway routes pauses`):\n"
                 "  from 901 by alice since "));
    // A first message from 999 finds its route paused.
    REQUIRE(queue.enqueue(test_messages(1, 0, 999, 904, "d")).inserted == 1);
    CHECK(route_of(cli.json({"routes", "list"}).as_array(), "999->904").at("paused_reason") == "typo");

    // Resume every route touching 901, the actor from the environment, no reason needed.
    r = cli.run({"routes", "resume", "--chain", "901", "--json"}, {{"CAUSEWAY_ACTOR", "bob"}});
    REQUIRE(r.exit_code == 0);
    result = json::parse(r.out).as_object();
    CHECK(result.at("scope") == "touching 901");
    CHECK(result.at("matched") == 2);
    CHECK(result.at("changed") == 2);
    CHECK(result.at("actor") == "bob");
    CHECK(result.at("standing_lifted") == json::array{"from 901", "901->902"});
    routes = cli.json({"routes", "list"}).as_array();
    CHECK(route_of(routes, "901->902").at("paused") == false);
    CHECK(route_of(routes, "901->903").at("paused") == false);
    CHECK(route_of(routes, "905->902").at("paused") == true);
    r = cli.run({"routes", "resume", "--all", "--actor", "bob", "--reason", "incident over"});
    CHECK(r.exit_code == 0);
    CHECK(r.out ==
          "resumed 2 routes (all routes): 905->902, 999->904; already resumed: 901->902, 901->903; standing "
          "pauses"
          " lifted: to 902, from 999\n");
    CHECK(cli.json({"routes", "pauses"}).as_array().empty());

    // The audit log holds each change with its actor and reason, newest first.
    auto audit = cli.audit();
    const auto find = [&](const std::string& action, const std::string& target) -> const json::object& {
        for (const auto& e : audit) {
            if (e.at("action") == action.c_str() && e.at("target") == target.c_str()) return e.as_object();
        }
        FAIL("no audit entry " << action << " " << target);
        throw std::logic_error("unreachable");
    };
    const auto& paused = find("route.pause", "901->903");
    CHECK(paused.at("actor") == "alice");
    CHECK(paused.at("reason") == "incident 42: stale heads");
    CHECK(paused.at("before").at("paused") == false);
    CHECK(paused.at("after").at("paused") == true);
    const auto& resumed = find("route.resume", "901->902");
    CHECK(resumed.at("actor") == "bob");
    CHECK(resumed.at("reason").is_null());
    CHECK(find("route.resume", "905->902").at("reason") == "incident over");
    CHECK(find("route.pause.standing", "901->902").at("reason") == "again");
    CHECK(find("route.pause.standing", "from 999").at("reason") == "typo");
    CHECK(find("route.pause.standing", "from 999").at("after").at("origin") == 999);
    CHECK(find("route.pause.unchanged", "from 999").at("actor") == "alice");
    CHECK(find("route.pause", "999->904").at("reason") ==
          "created under the standing pause (from 999): typo");
    CHECK(find("route.resume.standing", "to 902").at("actor") == "bob");
    CHECK(audit.front().at("action") == "route.resume.standing");  // newest first
    CHECK(audit.front().at("at").as_string().ends_with("Z"));

    r = cli.run({"routes", "audit", "--limit", "4"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.starts_with("ID"));
    CHECK(contains(r.out, "bob    route.resume           999->904  incident over  paused: true -> false"));
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 5);

    // Bad scopes are usage errors that change nothing and write no audit row.
    const auto audited = audit.size();
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"routes", "pause", "--reason", "x", "--actor", "eve"},
             {"routes", "pause", "--all", "--origin", "901", "--reason", "x", "--actor", "eve"},
             {"routes", "pause", "--chain", "901", "--destination", "902", "--reason", "x", "--actor", "eve"},
             {"routes", "pause", "--origin", "901", "--actor", "eve"},  // no reason
             {"routes", "pause", "--origin", "-1", "--reason", "x", "--actor", "eve"},
             {"routes", "pause", "--origin", "4294967296", "--reason", "x", "--actor", "eve"},
             {"routes", "resume", "--actor", "eve"},
         }) {
        r = cli.run(args);
        INFO(args[2] << " " << args[3]);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
    }
    r = cli.run({"routes", "pause", "--all", "--origin", "901", "--reason", "x", "--actor", "eve"});
    CHECK(contains(r.err, "--all cannot be combined with --origin, --destination or --chain"));
    r = cli.run({"routes", "pause", "--reason", "x", "--actor", "eve"});
    CHECK(contains(r.err, "choose the routes: --origin and/or --destination, --chain, or --all"));
    CHECK(cli.audit().size() == audited);
    routes = cli.json({"routes", "list"}).as_array();
    CHECK(route_of(routes, "901->902").at("paused") == false);
}

TEST_CASE("routes set: limits an operator sets show in the list and the audit log", "[cli][admin]") {
    test::Postgres pg;
    (void)pg.migrated();
    const Cli cli{pg};

    auto r = cli.run({"routes",
                      "set",
                      "--origin",
                      "901",
                      "--destination",
                      "902",
                      "--mode",
                      "optimistic",
                      "--rate",
                      "2.5",
                      "--burst",
                      "5",
                      "--daily-cap",
                      "1000000000000000000000",
                      "--big-transfer",
                      "500",
                      "--big-transfer-delay",
                      "2h",
                      "--reason",
                      "launch limits",
                      "--actor",
                      "alice"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(
        r.out ==
        "route 901->902 created: mode optimistic, rate 2.5/s burst 5, daily cap 1000000000000000000000, big "
        "transfers 500 wait 2h\n");

    auto routes = cli.json({"routes", "list"}).as_array();
    REQUIRE(routes.size() == 1);
    const auto route = routes[0].as_object();
    CHECK(route.at("security_mode") == "optimistic");
    CHECK(route.at("limits") == json::parse(R"({"rate_per_second":2.5,"burst":5.0,
        "daily_cap":"1000000000000000000000","big_transfer_threshold":"500",
        "big_transfer_delay_seconds":7200})"));
    CHECK(route.at("tokens") == 5.0);  // never charged: a full bucket
    CHECK(route.at("admitted_24h") == "0");

    r = cli.run({"routes", "list"});
    CHECK(contains(r.out, "2.5/s burst 5  5       1000000000000000000000  0         500 wait 2h  0\n"));

    // Clearing limits; a JSON answer with before and after.
    auto set = cli.json({"routes", "set", "--origin", "901", "--destination", "902", "--no-rate-limit",
                         "--no-daily-cap", "--reason", "lift", "--actor", "bob"})
                   .as_object();
    CHECK(set.at("created") == false);
    CHECK(set.at("before").at("limits").at("burst") == 5.0);
    CHECK(set.at("after").at("limits").at("rate_per_second").is_null());
    CHECK(set.at("after").at("limits").at("daily_cap").is_null());
    CHECK(set.at("after").at("limits").at("big_transfer_threshold") == "500");  // untouched
    CHECK(set.at("after").at("security_mode") == "optimistic");
    routes = cli.json({"routes", "list"}).as_array();
    CHECK(routes[0].at("limits").at("rate_per_second").is_null());
    CHECK(routes[0].at("tokens").is_null());

    const auto audit = cli.audit();
    REQUIRE(audit.size() == 2);
    CHECK(audit[0].at("action") == "route.update");
    CHECK(audit[0].at("actor") == "bob");
    CHECK(audit[0].at("reason") == "lift");
    CHECK(audit[1].at("actor") == "alice");
    CHECK(audit[1].at("reason") == "launch limits");
    CHECK(audit[1].at("target") == "901->902");
    CHECK(audit[1].at("after").at("rate_per_second") == 2.5);

    // Usage errors: nothing changes.
    const std::vector<std::string> base{"routes", "set",      "--origin", "901",     "--destination",
                                        "902",    "--reason", "x",        "--actor", "eve"};
    for (const auto& extra : std::vector<std::vector<std::string>>{
             {"--rate", "5"},                         // no burst
             {"--rate", "0", "--burst", "5"},         // not positive
             {"--rate", "5", "--burst", "0.5"},       // burst below 1
             {"--mode", "trusted"},                   // unknown mode
             {"--daily-cap", "ten"},                  // not an amount
             {"--daily-cap", "1", "--no-daily-cap"},  // both
             {"--big-transfer-delay", "soon"},        // not a duration
             {"--rate", "1", "--burst", "1", "--no-rate-limit"},
         }) {
        auto args = base;
        args.insert(args.end(), extra.begin(), extra.end());
        r = cli.run(args);
        INFO(extra[0]);
        CHECK(r.exit_code == 2);
    }
    CHECK(cli.run({"routes", "set", "--origin", "901", "--destination", "902", "--actor", "eve"}).exit_code ==
          2);
    CHECK(cli.audit().size() == 2);

    // A route set up while a pause stands for its chain starts paused, and says so.
    REQUIRE(cli.run({"routes", "pause", "--chain", "931", "--reason", "931 halted", "--actor", "alice"})
                .exit_code == 0);
    r = cli.run({"routes", "set", "--origin", "930", "--destination", "931", "--daily-cap", "5", "--reason",
                 "new", "--actor", "bob"});
    CHECK(r.exit_code == 0);
    CHECK(r.out ==
          "route 930->931 created: mode committee, rate -, daily cap 5, big transfers -; paused under a "
          "standing"
          " pause by alice: 931 halted\n");
    r = cli.run({"routes", "resume", "--chain", "931", "--actor", "bob"});
    CHECK(r.out == "resumed 1 route (touching 931): 930->931; standing pause lifted: touching 931\n");
    // Every route already active, but a standing pause is lifted: something did change.
    REQUIRE(
        cli.run({"routes", "pause", "--chain", "999", "--reason", "drill", "--actor", "alice"}).exit_code ==
        0);
    r = cli.run({"routes", "resume", "--all", "--actor", "bob"});
    CHECK(contains(r.out, " already resumed (all routes): "));
    CHECK(r.out.ends_with("; standing pause lifted: touching 999\n"));
}

TEST_CASE("messages list and inspect", "[cli][admin]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    auto batch = test_messages(5, 0, 901, 902, "a");
    const auto other = test_messages(3, 0, 905, 902, "b");
    batch.insert(batch.end(), other.begin(), other.end());
    const auto transfer = test_message(42, 901, 903, u256(123'456'789), 777);
    batch.push_back(transfer);
    REQUIRE(queue.enqueue(batch).inserted == 9);
    // Two delivered (into history), one verified.
    auto claimed = queue.claim(MessageState::kObserved, 2, "w1", 30s);
    REQUIRE(claimed.size() == 2);
    std::vector<db::Advance> done;
    for (const auto& m : claimed) done.push_back({m.id, MessageState::kDelivered, m.id});
    REQUIRE(queue.advance(done, "w1").advanced == 2);
    claimed = queue.claim(MessageState::kObserved, 1, "w1", 30s);
    REQUIRE(
        queue.advance(std::vector<db::Advance>{{claimed[0].id, MessageState::kVerified, std::nullopt}}, "w1")
            .advanced == 1);
    const Hash verified_id = claimed[0].id;
    const Cli cli{pg};

    auto all = cli.json({"messages", "list"}).as_array();
    CHECK(all.size() == 9);
    CHECK(all[0].at("seq").as_int64() > all[8].at("seq").as_int64());  // newest first
    auto delivered = cli.json({"messages", "list", "--state", "delivered"}).as_array();
    REQUIRE(delivered.size() == 2);
    for (const auto& m : delivered) {
        CHECK(m.at("state") == "delivered");
        CHECK(m.at("stage").is_null());
        CHECK(m.at("delivered_at").is_string());
        CHECK(m.at("delivery_tx_hash") == m.at("id"));
    }
    auto verified = cli.json({"messages", "list", "--state", "verified"}).as_array();
    REQUIRE(verified.size() == 1);
    CHECK(verified[0].at("id") == to_hex(verified_id).c_str());
    CHECK(cli.json({"messages", "list", "--origin", "905"}).as_array().size() == 3);
    CHECK(cli.json({"messages", "list", "--destination", "903"}).as_array().size() == 1);
    CHECK(cli.json({"messages", "list", "--origin", "901", "--destination", "902", "--state", "observed"})
              .as_array()
              .size() == 2);
    const auto two = cli.json({"messages", "list", "--destination", "902", "--limit", "2"}).as_array();
    REQUIRE(two.size() == 2);
    CHECK(ids_of(two) == std::vector<std::string>{to_hex(batch[7].id), to_hex(batch[6].id)});

    // Bad filters are usage errors that list the valid states.
    auto r = cli.run({"messages", "list", "--state", "stuck"});
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err,
                   "unknown state 'stuck' (one of: observed, verified, submitted, delivered, retrying, "
                   "failed_permanent, paused, orphaned)"));
    CHECK(cli.run({"messages", "list", "--limit", "0"}).exit_code == 2);
    CHECK(cli.run({"messages", "list", "--limit", "10001"}).exit_code == 2);
    CHECK(cli.run({"messages", "list", "--origin", "x"}).exit_code == 2);

    // The table: full ids, the route, and when each runs next.
    r = cli.run({"messages", "list", "--origin", "901"});
    REQUIRE(r.exit_code == 0);
    std::istringstream lines(r.out);
    std::string line;
    std::getline(lines, line);
    CHECK(line ==
          "ID                                                                  ROUTE     NONCE  STATE      "
          "STAGE     "
          "ATTEMPTS  NEXT RUN  HELD  LAST ERROR");
    std::getline(lines, line);  // the newest: the transfer
    CHECK(line ==
          to_hex(transfer.id) + "  901->903  42     observed   observed  0         now       -     -");
    int rows = 1;
    bool saw_delivered = false;
    while (std::getline(lines, line)) {
        ++rows;
        if (contains(line, "delivered")) {
            saw_delivered = true;
            CHECK(contains(line, "  delivered  -         1         -         -     -"));
        }
    }
    CHECK(rows == 6);
    CHECK(saw_delivered);
    r = cli.run({"messages", "list", "--limit", "3"});
    CHECK(r.out.ends_with("(the newest 3; --limit shows more)\n"));
    r = cli.run({"messages", "list", "--state", "orphaned"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "no messages match\n");

    // Inspect: every field, as enqueued.
    const auto m = cli.json({"messages", "inspect", to_hex(transfer.id)}).as_object();
    CHECK(m.at("id") == to_hex(transfer.id).c_str());
    CHECK(m.at("version") == 3);
    CHECK(m.at("nonce") == 42);
    CHECK(m.at("origin") == 901);
    CHECK(m.at("destination") == 903);
    CHECK(m.at("sender") == to_hex(transfer.message.sender).c_str());
    CHECK(m.at("recipient") == to_hex(transfer.message.recipient).c_str());
    CHECK(m.at("body") == to_hex(ByteView(transfer.message.body)).c_str());
    CHECK(m.at("amount") == "123456789");
    CHECK(m.at("block_number") == 777);
    CHECK(m.at("block_hash") == to_hex(transfer.block_hash).c_str());
    CHECK(m.at("log_index") == transfer.log_index);
    CHECK(m.at("state") == "observed");
    CHECK(m.at("stage") == "observed");
    CHECK(m.at("attempts") == 0);
    CHECK(m.at("lease_owner").is_null());
    CHECK(m.at("delivered_at").is_null());
    CHECK(m.at("observed_at").as_string().size() == std::string("2024-05-01T12:34:56.789Z").size());
    // What justified it: nothing yet for a message no relayer has prepared.
    CHECK(m.at("evidence").is_null());
    CHECK(m.at("transactions").as_array().empty());
    auto fields = m;
    fields.erase("evidence");
    fields.erase("transactions");
    CHECK(fields == message_of(all, transfer.id));  // list --json gives the same fields

    r = cli.run({"messages", "inspect", to_hex(transfer.id)});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.starts_with("id: " + to_hex(transfer.id) + "\nseq: "));
    CHECK(contains(
        r.out, "\nroute: 901->903\nversion: 3\nnonce: 42\norigin: 901\ndestination: 903\nsender: " +
                   to_hex(transfer.message.sender) + "\nrecipient: " + to_hex(transfer.message.recipient) +
                   "\nbody: " + to_hex(ByteView(transfer.message.body)) +
                   "\namount: 123456789\nblock_number: 777\nblock_hash: " + to_hex(transfer.block_hash)));
    CHECK(contains(r.out, "\nstate: observed\nstage: observed\nattempts: 0\n"));
    CHECK(contains(r.out, "\nlease_owner: -\n"));
    CHECK(contains(r.out, "\ndelivery_tx_hash: -\n"));

    // A delivered one comes from history.
    const auto from_history = cli.json({"messages", "inspect", str(delivered[0].at("id"))}).as_object();
    CHECK(from_history.at("state") == "delivered");
    CHECK(from_history.at("run_at").is_null());

    // Unknown ids exit 1, malformed ones 2.
    const std::string unknown = to_hex(keccak256(to_view("no such message")));
    r = cli.run({"messages", "inspect", unknown});
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "causeway messages inspect: error: message " + unknown + " not found"));
    for (const auto* bad : {"0x1234", "1234", "0xzz", ""}) {
        r = cli.run({"messages", "inspect", bad});
        INFO(bad);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
    }
    CHECK(cli.run({"messages", "inspect"}).exit_code == 2);
}

TEST_CASE("messages retry: dead letters run again, other states are refused, all audited", "[cli][admin]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    // Backoff of a millisecond, so that a retrying message is claimable again at once.
    db::Queue queue(conn, db::BackoffPolicy{1ms, 2.0, 1ms, 0.0, 12});
    const auto batch = test_messages(3);
    REQUIRE(queue.enqueue(batch).inserted == 3);
    auto claimed = queue.claim(MessageState::kObserved, 1, "w1", 30s);
    REQUIRE(claimed.size() == 1);
    const Hash dead = claimed[0].id;
    REQUIRE(
        queue.dead_letter(dead, "w1", db::ErrorClass::kRejectedByDestination,
                          "execution reverted: Mailbox: recipient rejected the message because of a reason "
                          "long enough to be cut"));
    const Cli cli{pg};

    auto r = cli.run({"messages", "list", "--state", "failed_permanent"});
    REQUIRE(r.exit_code == 0);
    INFO(r.out);
    CHECK(contains(r.out, to_hex(dead) +
                              "  901->902  0      failed_permanent  observed  1         never     -     "
                              "rejected_by_destination: execution re...\n"));

    // Retry it: back to run now at its stage, attempts reset.
    r = cli.run({"messages", "retry", to_hex(dead), "--actor", "carol", "--reason", "recipient fixed"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out ==
          "message " + to_hex(dead) + " will be retried now (was failed_permanent, at stage observed)\n");
    const auto m = cli.json({"messages", "inspect", to_hex(dead)}).as_object();
    CHECK(m.at("state") == "retrying");
    CHECK(m.at("stage") == "observed");
    CHECK(m.at("attempts") == 0);
    CHECK(m.at("run_at").is_string());
    CHECK(m.at("last_error_class") == "rejected_by_destination");
    auto audit = cli.audit();
    REQUIRE(audit.size() == 1);
    CHECK(audit[0].at("action") == "message.retry");
    CHECK(audit[0].at("target") == to_hex(dead).c_str());
    CHECK(audit[0].at("actor") == "carol");
    CHECK(audit[0].at("reason") == "recipient fixed");
    CHECK(audit[0].at("before").at("state") == "failed_permanent");
    CHECK(audit[0].at("after").at("state") == "retrying");

    // An observed message is not retried: exit 1, and the refusal is audited.
    const Hash observed = batch[2].id;
    r = cli.run({"messages", "retry", to_hex(observed), "--actor", "carol", "--reason", "nudge"});
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(contains(r.err, "causeway messages retry: error: message " + to_hex(observed) +
                              " not retried: it is observed (only failed_permanent or retrying messages"));
    auto refused =
        cli.json({"messages", "retry", to_hex(observed), "--actor", "carol", "--reason", "nudge"}, 1)
            .as_object();
    CHECK(refused.at("retried") == false);
    CHECK(refused.at("state") == "observed");
    CHECK(contains(str(refused.at("error")), "not retried: it is observed"));
    audit = cli.audit();
    REQUIRE(audit.size() == 3);
    CHECK(audit[0].at("action") == "message.retry.refused");
    CHECK(audit[0].at("actor") == "carol");
    CHECK(audit[0].at("reason") == "nudge");
    CHECK(cli.json({"messages", "inspect", to_hex(observed)}).at("state") == "observed");

    // A retrying message a worker holds is refused too, naming the worker.
    claimed = queue.claim(MessageState::kObserved, 10, "w9", 60s);
    REQUIRE(!claimed.empty());
    REQUIRE(queue.retry(dead, "w9", db::ErrorClass::kRpcTimeout, "timeout").outcome ==
            db::RetryResult::Outcome::kScheduled);
    std::this_thread::sleep_for(20ms);
    claimed = queue.claim(MessageState::kObserved, 10, "w9", 60s);
    REQUIRE(claimed.size() == 1);
    REQUIRE(claimed[0].id == dead);
    r = cli.run({"messages", "retry", to_hex(dead), "--actor", "carol", "--reason", "again"});
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "leased by w9"));
    r = cli.run({"messages", "list", "--state",
                 claimed[0].state == MessageState::kRetrying ? "retrying" : "observed"});
    CHECK(contains(r.out, "leased to w9"));

    // Unknown and malformed ids.
    const std::string unknown = to_hex(keccak256(to_view("no such message")));
    r = cli.run({"messages", "retry", unknown, "--actor", "carol", "--reason", "x"});
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "message " + unknown + " not found"));
    const auto before = cli.audit().size();
    CHECK(cli.run({"messages", "retry", "0x12", "--actor", "carol", "--reason", "x"}).exit_code == 2);
    CHECK(cli.audit().size() == before);

    // The bare `causeway messages retry ID`: the actor from the environment, no reason.
    REQUIRE(queue.dead_letter(batch[1].id, "w9", db::ErrorClass::kRejectedByDestination, "reverted"));
    r = cli.run({"messages", "retry", to_hex(batch[1].id)}, {{"CAUSEWAY_ACTOR", "dave"}});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    audit = cli.audit();
    CHECK(audit[0].at("action") == "message.retry");
    CHECK(audit[0].at("actor") == "dave");
    CHECK(audit[0].at("reason").is_null());
}

TEST_CASE("bench queue: one JSON line, every message delivered once, only its own schema dropped",
          "[cli][bench]") {
    test::Postgres pg;
    const Cli cli{pg};
    const std::vector<std::string> args{"bench",       "queue", "--messages",      "3000",
                                        "--producers", "2",     "--consumers",     "2",
                                        "--batch",     "200",   "--notify-rounds", "10"};
    for (int run = 0; run < 2; ++run) {  // the second run drops the first's schema
        const auto r = cli.run(args);
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        REQUIRE(r.out.find('\n') == r.out.size() - 1);
        const auto line = json::parse(r.out).as_object();
        // The issue's keys first, in its order.
        std::vector<std::string> keys;
        for (const auto& kv : line) keys.emplace_back(kv.key());
        REQUIRE(keys.size() >= 5);
        CHECK(std::vector<std::string>(keys.begin(), keys.begin() + 5) ==
              std::vector<std::string>{"messages", "seconds", "per_second", "p50_ms", "p99_ms"});
        CHECK(line.at("messages") == 3000);
        CHECK(line.at("seconds").to_number<double>() > 0);
        CHECK(line.at("per_second").to_number<double>() ==
              Approx(3000 / line.at("seconds").to_number<double>()).epsilon(0.01));
        CHECK(line.at("p50_ms").to_number<double>() > 0);
        CHECK(line.at("p50_ms").to_number<double>() <= line.at("p99_ms").to_number<double>());
        CHECK(line.at("notify_rounds") == 10);
        CHECK(line.at("notify_p50_ms").to_number<double>() <= line.at("notify_p99_ms").to_number<double>());
    }
    // What it left: every message in history once (the run's and the wake-up rounds'), none queued.
    pqxx::connection raw(pg.url());
    pqxx::nontransaction tx(raw);
    CHECK(tx.exec1("SELECT count(*) FROM causeway_bench.messages_history")[0].as<int>() == 3000 + 10);
    CHECK(tx.exec1("SELECT count(*) FROM causeway_bench.messages")[0].as<int>() == 0);

    // A schema it did not make is refused and kept, whatever is in it.
    tx.exec(
        "CREATE SCHEMA precious; CREATE TABLE precious.keep (x int); INSERT INTO precious.keep VALUES (1)");
    auto r = cli.run({"bench", "queue", "--messages", "10", "--schema", "precious"});
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "causeway bench queue: error: schema 'precious' exists and was not made by"));
    CHECK(tx.exec1("SELECT count(*) FROM precious.keep")[0].as<int>() == 1);
    r = cli.run({"bench", "queue", "--messages", "10", "--schema", "public"});
    CHECK(r.exit_code == 1);
    // Usage errors: causeway's own schema, a name that is not one, no database.
    for (const auto* schema : {"causeway", "x; DROP TABLE precious.keep", ""}) {
        r = cli.run({"bench", "queue", "--messages", "10", "--schema", schema});
        INFO(schema);
        CHECK(r.exit_code == 2);
    }
    r = run_causeway({"bench", "queue", "--messages", "10"});
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "no database given: pass --db URL or set CAUSEWAY_DB_URL"));
    CHECK(tx.exec1("SELECT count(*) FROM precious.keep")[0].as<int>() == 1);
}
