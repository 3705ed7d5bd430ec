#include "db/migrate.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <thread>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "db/test_messages.hpp"
#include "db/test_threads.hpp"
#include "tests/support/postgres.hpp"

using namespace causeway;
using causeway::db::Connection;
using causeway::db::test::scalar;

namespace {
int latest() {
    return db::known_migrations().back().version;
}

std::vector<std::string> routine_names() {
    std::vector<std::string> out;
    for (const auto& r : db::known_routines()) out.emplace_back(r.name);
    return out;
}

std::vector<std::string> strings(Connection& conn, const std::string& query) {
    pqxx::nontransaction tx(conn.raw());
    std::vector<std::string> out;
    for (const auto& row : tx.exec(query)) out.push_back(row[0].as<std::string>());
    return out;
}
}  // namespace

TEST_CASE("migrations are numbered 1, 2, ... and carry their SQL", "[db]") {
    const auto all = db::known_migrations();
    REQUIRE(!all.empty());
    for (std::size_t i = 0; i < all.size(); ++i) {
        CHECK(all[i].version == static_cast<int>(i + 1));
        CHECK(!all[i].name.empty());
        CHECK(all[i].sql.find("CREATE") != std::string_view::npos);
    }
}

TEST_CASE("released migrations keep their SQL, so databases they migrated keep migrating", "[db]") {
    // Checksums as schema_migrations records them (keccak256 of the file). A change to a routine
    // goes in db/routines, never into these files.
    const std::pair<int, std::string_view> released[] = {
        {1, "5c3122e30b5bf6506a30b61bd06b91676d0f7e9071528652cd4674670e054672"},
        {2, "0431513c899c714be6c07e85ddc374a0ab0489195efb6c8859f5787a395dbde2"},
        {3, "a1b3da3900093ed69f60bce399973d0baf864dd622f6ec357c2142427070bcbc"},
    };
    for (const auto& [version, checksum] : released) {
        INFO("migration " << version);
        REQUIRE(static_cast<int>(db::known_migrations().size()) >= version);
        CHECK(to_hex(keccak256(to_view(db::known_migrations()[version - 1].sql)), false) == checksum);
    }
}

TEST_CASE("migrate brings an empty database up to date, and again changes nothing", "[db]") {
    test::Postgres pg;
    auto conn = pg.connect();
    CHECK(db::schema_version(conn) == 0);
    CHECK_THROWS_WITH(db::require_current_schema(conn), Catch::Contains("run `causeway db migrate`"));

    const auto first = db::migrate(conn);
    CHECK(first.from_version == 0);
    CHECK(first.to_version == latest());
    CHECK(first.applied.size() == db::known_migrations().size());
    CHECK(first.applied.front() == "0001_queue");
    CHECK(db::schema_version(conn) == latest());
    db::require_current_schema(conn);
    for (const auto* table : {"messages", "messages_history", "routes", "rate_limit_buckets", "route_flows",
                              "audit_log", "checkpoints", "checkpoint_signatures", "nonces", "tx_attempts"}) {
        INFO(table);
        CHECK(scalar(conn, std::string("SELECT count(*) FROM ") + table) == 0);
    }

    const auto second = db::migrate(conn);
    CHECK(second.applied.empty());
    CHECK(second.from_version == latest());
    CHECK(second.to_version == latest());
    CHECK(scalar(conn, "SELECT count(*) FROM schema_migrations") ==
          static_cast<int64_t>(db::known_migrations().size()));
}

TEST_CASE("routines are numbered in order, named once, and each defines its function", "[db]") {
    const auto all = db::known_routines();
    const auto names = routine_names();
    REQUIRE(!all.empty());
    for (std::size_t i = 0; i < all.size(); ++i) {
        INFO(all[i].name);
        if (i > 0) CHECK(all[i].order > all[i - 1].order);
        CHECK(std::count(names.begin(), names.end(), all[i].name) == 1);
        CHECK(all[i].sql.find("CREATE OR REPLACE FUNCTION " + std::string(all[i].name) + "(") !=
              std::string_view::npos);
    }
}

TEST_CASE("migrate applies every routine after the migrations, and again applies none", "[db]") {
    test::Postgres pg;
    auto conn = pg.connect();
    const auto first = db::migrate(conn);
    CHECK(first.applied.size() == db::known_migrations().size());
    CHECK(first.routines == routine_names());
    // Every function in the schema is a routine: none is left defined only by a migration.
    CHECK(strings(conn,
                  "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                  " WHERE n.nspname = 'causeway' ORDER BY 1") ==
          strings(conn, "SELECT name FROM schema_routines ORDER BY 1"));
    CHECK(scalar(conn, "SELECT count(*) FROM schema_routines WHERE schema_version = " +
                           std::to_string(latest())) == static_cast<int64_t>(routine_names().size()));

    const auto second = db::migrate(conn);
    CHECK(second.applied.empty());
    CHECK(second.routines.empty());
}

TEST_CASE("a routine whose file changed is re-applied, and only that one", "[db]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    const std::string scope_of_all =
        "SELECT route_pause_scope(ROW(1, NULL, NULL, NULL, 'ops', NULL, now())::route_pauses)";
    {
        // As if the database held an older route_pause_scope and claim_messages.
        pqxx::nontransaction tx(conn.raw());
        tx.exec(
            "CREATE OR REPLACE FUNCTION route_pause_scope(p route_pauses) RETURNS text LANGUAGE sql"
            " IMMUTABLE AS $$ SELECT 'older' $$");
        tx.exec(
            "UPDATE schema_routines SET checksum = 'older'"
            " WHERE name IN ('route_pause_scope', 'claim_messages')");
    }
    REQUIRE(strings(conn, scope_of_all) == std::vector<std::string>{"older"});
    // The version is current but the routines are not: refused until migrated.
    CHECK(db::stale_routines(conn) == std::vector<std::string>{"route_pause_scope", "claim_messages"});
    CHECK_THROWS_WITH(db::require_current_schema(conn),
                      Catch::Contains("runs other SQL routines than this causeway's (route_pause_scope, "
                                      "claim_messages): run `causeway db migrate`"));

    const auto report = db::migrate(conn);
    CHECK(report.applied.empty());
    CHECK(report.from_version == latest());
    CHECK(report.to_version == latest());
    CHECK(report.routines == std::vector<std::string>{"route_pause_scope", "claim_messages"});
    CHECK(strings(conn, scope_of_all) == std::vector<std::string>{"all routes"});
    CHECK(scalar(conn, "SELECT count(*) FROM schema_routines WHERE checksum = 'older'") == 0);
    CHECK(db::migrate(conn).routines.empty());
    CHECK(db::stale_routines(conn).empty());
    db::require_current_schema(conn);

    // Recorded at an older schema version (a versioned migration ran since): all are re-applied.
    pqxx::nontransaction(conn.raw()).exec("UPDATE schema_routines SET schema_version = schema_version - 1");
    CHECK(db::migrate(conn).routines == routine_names());
}

TEST_CASE("routines are applied all or none, and a failure names the routine", "[db]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    {
        // route_pause_scope takes a route_pauses row: with the table renamed it cannot be defined.
        pqxx::nontransaction tx(conn.raw());
        tx.exec("ALTER TABLE route_pauses RENAME TO route_pauses_renamed");
        tx.exec("UPDATE schema_routines SET checksum = 'older'");
    }
    CHECK_THROWS_WITH(db::migrate(conn), Catch::Contains("routine route_pause_scope failed"));
    // epoch_us and route_pauses_lock_key came first; their records were rolled back with it.
    CHECK(scalar(conn, "SELECT count(*) FROM schema_routines WHERE checksum = 'older'") ==
          static_cast<int64_t>(routine_names().size()));
    pqxx::nontransaction(conn.raw()).exec("ALTER TABLE route_pauses_renamed RENAME TO route_pauses");
    CHECK(db::migrate(conn).routines == routine_names());
}

TEST_CASE("a database migrated before routines were recorded migrates cleanly", "[db]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    // What a causeway without routine files left: the same migrations with the same checksums,
    // no routines table.
    pqxx::nontransaction(conn.raw()).exec("DROP TABLE schema_routines");
    CHECK(db::stale_routines(conn) == routine_names());
    CHECK_THROWS_WITH(db::require_current_schema(conn), Catch::Contains("run `causeway db migrate`"));
    const auto report = db::migrate(conn);
    CHECK(report.applied.empty());
    CHECK(report.from_version == latest());
    CHECK(report.to_version == latest());
    CHECK(report.routines == routine_names());
    CHECK(db::migrate(conn).routines.empty());
    db::require_current_schema(conn);
}

TEST_CASE("a run that stops at an older version applies no routines", "[db]") {
    test::Postgres pg;
    auto conn = pg.connect();
    const auto older = db::migrate(conn, latest() - 1);
    CHECK(older.to_version == latest() - 1);
    CHECK(older.routines.empty());
    CHECK(scalar(conn, "SELECT count(*) FROM pg_tables WHERE tablename = 'schema_routines'") == 0);
    // The older schema works with the functions its own migrations defined.
    db::Queue queue(conn);
    REQUIRE(queue.enqueue(db::test::test_messages(3)).inserted == 3);
    CHECK(queue.claim(db::MessageState::kObserved, 10, "w", std::chrono::seconds(30)).size() == 3);

    const auto rest = db::migrate(conn);
    CHECK(rest.from_version == latest() - 1);
    CHECK(rest.to_version == latest());
    CHECK(rest.routines == routine_names());
}

TEST_CASE("migrate refuses a database newer than the binary and changes nothing", "[db]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    {
        pqxx::nontransaction tx(conn.raw());
        tx.exec_params(
            "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, 'from_the_future', 'x')",
            latest() + 1);
    }
    CHECK_THROWS_WITH(db::migrate(conn), Catch::Contains("newer than this causeway knows"));
    CHECK_THROWS_WITH(db::require_current_schema(conn), Catch::Contains("newer than this causeway knows"));
    CHECK(scalar(conn, "SELECT max(version) FROM schema_migrations") == latest() + 1);
}

TEST_CASE("migrate refuses when an applied migration's SQL differs from the binary's", "[db]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    {
        pqxx::nontransaction tx(conn.raw());
        tx.exec("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1");
    }
    CHECK_THROWS_WITH(db::migrate(conn), Catch::Contains("0001_queue was applied from different SQL"));
}

TEST_CASE("concurrent migrators apply each migration once", "[db]") {
    test::Postgres pg;
    std::vector<std::thread> threads;
    std::atomic<int> applied{0};
    db::test::ThreadErrors failures;
    for (int i = 0; i < 4; ++i) {
        threads.push_back(failures.start([&] {
            auto conn = pg.connect();
            applied += static_cast<int>(db::migrate(conn).applied.size());
        }));
    }
    for (auto& t : threads) t.join();
    INFO(failures.joined());
    CHECK(failures.count() == 0);
    CHECK(applied == static_cast<int>(db::known_migrations().size()));
    auto conn = pg.connect();
    CHECK(db::schema_version(conn) == latest());
}

TEST_CASE("schemas are independent and names are checked", "[db]") {
    test::Postgres pg;
    auto a = pg.migrated("causeway");
    auto b = pg.migrated("causeway_bench");
    CHECK(db::schema_version(a) == latest());
    CHECK(db::schema_version(b) == latest());
    CHECK(b.queue_channel() == "causeway_bench_queue");
    CHECK_THROWS_WITH(pg.connect("Bad-Name"), Catch::Contains("invalid schema name"));
    CHECK_THROWS_WITH(pg.connect("x; DROP TABLE y"), Catch::Contains("invalid schema name"));
}

TEST_CASE("connection errors name the server and hide the password", "[db]") {
    const int port = causeway::test::free_loopback_port();
    const std::string url = "postgresql://causeway:hunter2@127.0.0.1:" + std::to_string(port) + "/causeway";
    try {
        (void)db::Connection::open({url});
        FAIL("connected to a closed port");
    } catch (const db::Error& e) {
        const std::string what = e.what();
        CHECK(what.find("cannot connect to postgresql://causeway:***@127.0.0.1:") != std::string::npos);
        CHECK(what.find("hunter2") == std::string::npos);
    }
    CHECK(db::redact_url("host=h password=secret user=u") == "host=h password=*** user=u");
    CHECK(db::redact_url("postgresql://u@h/db?password=s3") == "postgresql://u@h/db?password=***");
    CHECK(db::redact_url("postgresql://u@h:5432/db") == "postgresql://u@h:5432/db");
}
