// The relayer daemon as a process (the causeway executable), on a throwaway PostgreSQL cluster
// holding 100,000 queued messages and anvil chains: ready without working through the backlog first,
// its admin API's token rules, and a SIGTERM that ends it with exit code 0, leaving no lease held.
#include <signal.h>
#include <sys/wait.h>

#include <httplib.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <pqxx/pqxx>
#include <thread>

#include "db/queue.hpp"
#include "db/routes.hpp"
#include "db/test_messages.hpp"
#include "os/process.hpp"
#include "tests/support/anvil.hpp"
#include "tests/support/postgres.hpp"
#include "tests/support/temp_dir.hpp"

using namespace causeway;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST_CASE("the relayer is ready at once on a 100,000-message backlog and stops cleanly on SIGTERM",
          "[relayer][daemon]") {
    CAUSEWAY_REQUIRE_ANVIL();
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    constexpr uint32_t kBacklog = 100'000;
    for (uint32_t first = 0; first < kBacklog; first += 10'000) {
        REQUIRE(queue.enqueue(db::test::test_messages(10'000, first)).inserted == 10'000);
    }
    test::Anvil l1(test::AnvilOptions{900, std::nullopt, std::nullopt, {}});
    test::Anvil l2(test::AnvilOptions{901, std::nullopt, std::nullopt, {}});
    test::TempDir dir("causeway-relayer");
    const int port = os::free_loopback_port();
    const std::string mailbox = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    const auto file = dir.write(
        "relayer.yaml",
        "replica: relayer-test\ndatabase: \"" + pg.url() + "\"\nlisten: \"127.0.0.1:" + std::to_string(port) +
            "\"\nrelay: {signature_timeout_ms: 200}\nchains:\n"
            "  - {name: l1, chain_id: 900, family: l1, rpc: \"" +
            l1.url() +
            "\"}\n"
            "  - {name: l2a, chain_id: 901, family: opstack, rpc: \"" +
            l2.url() + "\", output_oracle: \"" + mailbox + "\", contracts: {mailbox: \"" + mailbox +
            "\"}}\n"
            "  - {name: l2b, chain_id: 902, family: opstack, rpc: \"" +
            l2.url() + "\", output_oracle: \"" + mailbox + "\", contracts: {mailbox: \"" + mailbox +
            "\"}}\n"
            "routes:\n  - origin: 901\n    destination: 902\n    threshold: 1\n"
            "    validators: [{address: \"0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC\", url: "
            "\"http://127.0.0.1:9\"}]\n"
            "    pairs: [{sender: \"" +
            mailbox + "\", recipient: \"" + mailbox + "\"}]\n");

    ::setenv("CAUSEWAY_PRIVATE_KEY", std::string(test::Anvil::kDevKeys[1]).c_str(), 1);
    ::setenv("CAUSEWAY_ADMIN_TOKEN", "s3cret-token", 1);
    const auto started = Clock::now();
    const pid_t pid =
        os::spawn({CAUSEWAY_BIN, "relayer", "--config", file.string()}, dir.path() / "relayer.log");
    ::unsetenv("CAUSEWAY_PRIVATE_KEY");
    ::unsetenv("CAUSEWAY_ADMIN_TOKEN");

    httplib::Client api("127.0.0.1", port);
    api.set_connection_timeout(0, 200'000);
    bool ready = false;
    while (!ready && Clock::now() - started < 30s) {
        const auto r = api.Get("/readyz");
        ready = r && r->status == 200;
        if (!ready) std::this_thread::sleep_for(10ms);
    }
    const double ready_s = std::chrono::duration<double>(Clock::now() - started).count();
    REQUIRE(ready);
    WARN("ready " << ready_s << " s after start, on " << kBacklog
                  << " queued messages (limit 1 s, see make bench)");

    // The token: reads open, a change without it (or with another) refused, with it done.
    CHECK(api.Get("/v1/routes")->status == 200);
    const std::string pause = R"({"origin": 901, "destination": 902, "reason": "drill"})";
    CHECK(api.Post("/v1/routes/pause", pause, "application/json")->status == 401);
    CHECK(api.Post("/v1/routes/pause", {{"Authorization", "Bearer wrong"}}, pause, "application/json")
              ->status == 401);
    const auto done =
        api.Post("/v1/routes/pause", {{"Authorization", "Bearer s3cret-token"}}, pause, "application/json");
    REQUIRE(done);
    CHECK(done->status == 200);
    const auto bad = api.Post("/v1/routes/resume", {{"Authorization", "Bearer s3cret-token"}},
                              "{\"origin\": \"x\"}", "application/json");
    REQUIRE(bad);
    CHECK(bad->status == 400);
    CHECK(boost::json::parse(bad->body).at("field") == "origin");
    CHECK(api.Post("/v1/routes/resume", {{"Authorization", "Bearer s3cret-token"}}, pause, "application/json")
              ->status == 200);
    // On chain: this relayer holds no guardian key (409, nothing paused), and resuming on chain is
    // the owner's alone (400).
    const auto no_key = api.Post("/v1/routes/pause", {{"Authorization", "Bearer s3cret-token"}},
                                 R"({"origin": 901, "destination": 902, "reason": "drill", "onchain": true})",
                                 "application/json");
    REQUIRE(no_key);
    CHECK(no_key->status == 409);
    CHECK(boost::json::parse(no_key->body).at("error") == "no_guardian_key");
    const auto owner_only =
        api.Post("/v1/routes/resume", {{"Authorization", "Bearer s3cret-token"}},
                 R"({"origin": 901, "destination": 902, "onchain": true})", "application/json");
    REQUIRE(owner_only);
    CHECK(owner_only->status == 400);
    CHECK(boost::json::parse(owner_only->body).at("field") == "onchain");
    const auto metrics = api.Get("/metrics");
    REQUIRE(metrics);
    CHECK(metrics->body.find("causeway_messages{") != std::string::npos);
    CHECK(metrics->body.find("causeway_route_paused{destination=\"902\",origin=\"901\"} 0") !=
          std::string::npos);

    // A pause made elsewhere (another replica, the CLI) is in this replica's /metrics within a
    // second: the route change is NOTIFYed, not waited for by the 2-second refresh.
    const auto shows = [&](const std::string& line) {
        const auto deadline = Clock::now() + 1s;
        while (Clock::now() < deadline) {
            const auto m = api.Get("/metrics");
            if (m && m->body.find(line) != std::string::npos) return true;
            std::this_thread::sleep_for(20ms);
        }
        return false;
    };
    for (int round = 0; round < 3; ++round) {
        const db::RouteScope route{901, 902, std::nullopt, false};
        (void)db::pause_routes(conn, route, "elsewhere", "drill");
        CHECK(shows("causeway_route_paused{destination=\"902\",origin=\"901\"} 1"));
        (void)db::resume_routes(conn, route, "elsewhere", "drill over");
        CHECK(shows("causeway_route_paused{destination=\"902\",origin=\"901\"} 0"));
    }

    // Working on the backlog (the pair filter dead-letters these test messages), then stopped.
    std::this_thread::sleep_for(1s);
    const auto stop_at = Clock::now();
    REQUIRE(::kill(pid, SIGTERM) == 0);
    int status = 0;
    pid_t waited = 0;
    while ((waited = ::waitpid(pid, &status, WNOHANG)) == 0 && Clock::now() - stop_at < 20s)
        std::this_thread::sleep_for(10ms);
    const double stop_s = std::chrono::duration<double>(Clock::now() - stop_at).count();
    REQUIRE(waited == pid);
    WARN("stopped " << stop_s << " s after SIGTERM");
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(stop_s < 10.0);
    CHECK(db::test::scalar(conn,
                           "SELECT count(*) FROM messages WHERE lease_owner = 'relayer-test' AND"
                           " lease_expires_at > now()") == 0);
    // It did work: messages outside the route's pairs are dead letters with the reason.
    CHECK(db::test::scalar(conn,
                           "SELECT count(*) FROM messages WHERE state = 'failed_permanent' AND"
                           " last_error LIKE '%not a pair this route relays%'") > 0);
}
