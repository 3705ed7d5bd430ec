#include "db/migrate.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <thread>

#include "db/test_messages.hpp"
#include "tests/support/postgres.hpp"

using namespace causeway;
using causeway::db::test::scalar;

namespace {
int latest() {
    return db::known_migrations().back().version;
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
    std::atomic<int> failures{0};
    for (int i = 0; i < 4; ++i) {
        threads.emplace_back([&] {
            try {
                auto conn = pg.connect();
                applied += static_cast<int>(db::migrate(conn).applied.size());
            } catch (...) {
                ++failures;
            }
        });
    }
    for (auto& t : threads) t.join();
    CHECK(failures == 0);
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
