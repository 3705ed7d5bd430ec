#include "db/routes.hpp"
#include "core/hex.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <regex>
#include <thread>

#include "db/migrate.hpp"
#include "db/sql.hpp"
#include "db/test_messages.hpp"
#include "db/test_plans.hpp"
#include "db/test_threads.hpp"
#include "tests/support/postgres.hpp"

using namespace causeway;
using namespace std::chrono_literals;
using db::MessageState;
using db::test::advance_all;
using db::test::db_now;
using db::test::scalar;
using db::test::test_message;
using db::test::test_messages;

namespace {

const db::Route& route(const std::vector<db::Route>& routes, uint32_t origin, uint32_t destination) {
    for (const auto& r : routes) {
        if (r.origin == origin && r.destination == destination) return r;
    }
    throw std::runtime_error("no such route");
}

// Enqueues messages on the three routes 901->902, 902->901 and 901->903.
void three_routes(db::Queue& queue) {
    REQUIRE(queue.enqueue(test_messages(4, 0, 901, 902, "a")).inserted == 4);
    REQUIRE(queue.enqueue(test_messages(3, 0, 902, 901, "b")).inserted == 3);
    REQUIRE(queue.enqueue(test_messages(2, 0, 901, 903, "c")).inserted == 2);
}

}  // namespace

TEST_CASE("a paused route keeps its messages in place, and resume releases them in order", "[db][routes]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    three_routes(queue);
    pqxx::nontransaction(conn.raw()).exec("SELECT 1");
    const auto before = db::list_messages(conn, {.origin = 901, .destination = 902, .limit = 10});

    const auto change = db::pause_routes(conn, {.origin = 901, .destination = 902}, "alice", "incident 42");
    CHECK(change.matched == 1);
    CHECK(change.changed == 1);
    const auto routes = db::list_routes(conn);
    CHECK(route(routes, 901, 902).paused);
    CHECK(route(routes, 901, 902).paused_by == "alice");
    CHECK(route(routes, 901, 902).paused_reason == "incident 42");
    CHECK(route(routes, 901, 902).paused_at.has_value());
    CHECK(!route(routes, 902, 901).paused);

    const auto claimed = queue.claim(MessageState::kObserved, 100, "w", 30s);
    CHECK(claimed.size() == 5);
    for (const auto& m : claimed) CHECK(!(m.message.origin == 901 && m.message.destination == 902));

    // The held messages are untouched: same state, stage, attempts and place in line.
    const auto during = db::list_messages(conn, {.origin = 901, .destination = 902, .limit = 10});
    REQUIRE(during.size() == before.size());
    for (std::size_t i = 0; i < during.size(); ++i) {
        CHECK(during[i].id == before[i].id);
        CHECK(during[i].state == MessageState::kObserved);
        CHECK(during[i].attempts == 0);
        CHECK(during[i].run_at == before[i].run_at);
        CHECK(during[i].updated_at == before[i].updated_at);
    }

    const auto resumed = db::resume_routes(conn, {.origin = 901, .destination = 902}, "bob", "fixed");
    CHECK(resumed.changed == 1);
    const auto released = queue.claim(MessageState::kObserved, 100, "w", 30s);
    REQUIRE(released.size() == 4);
    for (std::size_t i = 0; i < released.size(); ++i)
        CHECK(released[i].id == before[before.size() - 1 - i].id);
    CHECK(!route(db::list_routes(conn), 901, 902).paused);

    // Two actions, each on the record for the route (with who, why, and the route before and
    // after) and for the pause that stood in between.
    const auto audit = db::audit_entries(conn);
    REQUIRE(audit.size() == 4);
    CHECK(audit[3].action == "route.pause");
    CHECK(audit[3].actor == "alice");
    CHECK(audit[3].reason == "incident 42");
    CHECK(audit[3].target == "901->902");
    CHECK(audit[3].before->find("\"paused\": false") != std::string::npos);
    CHECK(audit[3].after->find("\"paused\": true") != std::string::npos);
    CHECK(audit[2].action == "route.pause.standing");
    CHECK(audit[2].target == "901->902");
    CHECK(audit[1].action == "route.resume");
    CHECK(audit[1].actor == "bob");
    CHECK(audit[1].before->find("\"paused\": true") != std::string::npos);
    CHECK(audit[1].after->find("\"paused\": false") != std::string::npos);
    CHECK(audit[0].action == "route.resume.standing");
    CHECK(audit[0].actor == "bob");
    CHECK(audit[0].reason == "fixed");
}

TEST_CASE("a paused route's backlog is not read by claims, and is claimed oldest first after the resume",
          "[db][routes]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    // A backlog of 20,000 on 901->902, then paused; statistics never analysed (as usual).
    constexpr uint32_t kBacklog = 20'000;
    for (uint32_t first = 0; first < kBacklog; first += 2'000)
        REQUIRE(queue.enqueue(test_messages(2'000, first, 901, 902, "paused")).inserted == 2'000);
    REQUIRE(db::pause_routes(conn, {.origin = 901, .destination = 902}, "ops", "incident").changed == 1);
    // Behind it, in this order: three routes taking turns, one of them (905->902) without a row in
    // routes (as a message stored by another tool, or a route removed by hand): claimed as ever.
    std::vector<Hash> line;
    for (uint32_t round = 0; round < 10; ++round) {
        for (const uint32_t origin : {903u, 904u, 905u}) {
            const auto batch = test_messages(3, round * 3, origin, 902, "ready");
            REQUIRE(queue.enqueue(batch).inserted == 3);
            for (const auto& m : batch) line.push_back(m.id);
        }
    }
    pqxx::nontransaction(conn.raw()).exec("DELETE FROM routes WHERE origin = 905");

    // A claim behind the backlog reads about its batch, not the backlog: no step of any plan inside
    // the claim produces or filters out more than a few dozen rows.
    std::vector<Hash> claimed;
    {
        db::test::PlanCapture capture(conn);
        const auto first = queue.claim(MessageState::kObserved, 10, "w", 30s);
        REQUIRE(first.size() == 10);
        for (const auto& m : first) claimed.push_back(m.id);
        INFO(capture.joined());
        REQUIRE(capture.any_contains("Index Scan using messages_route_claim"));  // the plans were captured
        const std::string all = capture.joined();
        const std::regex read(R"((?:actual rows|Rows Removed by Filter|Heap Fetches)[=:] ?(\d+))");
        int most = 0;
        for (std::sregex_iterator it(all.begin(), all.end(), read), end; it != end; ++it)
            most = std::max(most, std::stoi((*it)[1].str()));
        CHECK(most <= 40);
        CHECK_FALSE(capture.any_contains("Seq Scan on messages"));
        CHECK(capture.any_contains("Merge Append"));  // the routes' walks, merged in line order
    }

    // A claim that holds its batch, uncommitted, is skipped by the next, which takes what follows.
    {
        auto other = pg.connect();
        pqxx::work holding(other.raw());
        const auto held =
            holding.exec("SELECT id FROM claim_messages('observed', 10, 'h', '30 seconds') ORDER BY seq");
        REQUIRE(held.size() == 10);
        const auto next = queue.claim(MessageState::kObserved, 10, "w", 30s);
        REQUIRE(next.size() == 10);
        for (std::size_t i = 0; i < 10; ++i) CHECK(next[i].id == line[20 + i]);
        holding.commit();
        for (const auto& row : held) claimed.push_back(db::sql::read_fixed<32>(row[0]));
        for (const auto& m : next) claimed.push_back(m.id);
    }

    // The rest, batch by batch: none of the paused route's, all in line order across routes.
    for (auto batch = queue.claim(MessageState::kObserved, 7, "w", 30s); !batch.empty();
         batch = queue.claim(MessageState::kObserved, 7, "w", 30s)) {
        for (const auto& m : batch) {
            CHECK(m.message.origin != 901);
            claimed.push_back(m.id);
        }
    }
    REQUIRE(claimed.size() == line.size());
    for (std::size_t i = 0; i < line.size(); ++i) {
        INFO("message " << i << " of the line");
        CHECK(to_hex(claimed[i]) == to_hex(line[i]));
    }
    CHECK(scalar(conn,
                 "SELECT count(*) FROM messages WHERE origin = 901 AND attempts = 0"
                 " AND lease_owner IS NULL") == kBacklog);

    // Resumed: the backlog in its own order, oldest first.
    REQUIRE(db::resume_routes(conn, {.origin = 901, .destination = 902}, "ops", "over").changed == 1);
    const auto oldest = test_messages(250, 0, 901, 902, "paused");
    for (uint32_t first = 0; first < 250; first += 50) {
        const auto batch = queue.claim(MessageState::kObserved, 50, "w", 30s);
        REQUIRE(batch.size() == 50);
        for (uint32_t i = 0; i < 50; ++i) CHECK(batch[i].id == oldest[first + i].id);
    }
}

TEST_CASE("claims keep line order across more routes than a claim walks at once", "[db][routes]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    // 40 routes taking turns, twice, and one route's dead letters (out of the claim index).
    REQUIRE(queue.enqueue(test_messages(3, 0, 950, 902, "dead")).inserted == 3);
    for (const auto& m : queue.claim(MessageState::kObserved, 3, "w", 30s))
        REQUIRE(queue.dead_letter(m.id, "w", db::ErrorClass::kUnknownRoute, "no route"));
    std::vector<Hash> line;
    for (uint32_t round = 0; round < 2; ++round) {
        for (uint32_t origin = 1000; origin < 1040; ++origin) {
            const auto one = test_messages(1, round, origin, 902, "many");
            REQUIRE(queue.enqueue(one).inserted == 1);
            line.push_back(one[0].id);
        }
    }
    std::vector<Hash> claimed;
    for (auto batch = queue.claim(MessageState::kObserved, 10, "w", 30s); !batch.empty();
         batch = queue.claim(MessageState::kObserved, 10, "w", 30s)) {
        for (const auto& m : batch) claimed.push_back(m.id);
    }
    REQUIRE(claimed.size() == line.size());
    for (std::size_t i = 0; i < line.size(); ++i) {
        INFO("message " << i << " of the line");
        CHECK(to_hex(claimed[i]) == to_hex(line[i]));
    }
    CHECK(scalar(conn, "SELECT count(*) FROM messages WHERE state = 'failed_permanent'") == 3);
}

TEST_CASE("pause by origin, destination, chain or all, and bad scopes change nothing", "[db][routes]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    three_routes(queue);
    const auto paused_count = [&] { return scalar(conn, "SELECT count(*) FROM routes WHERE paused"); };

    CHECK(db::pause_routes(conn, {.origin = 901}, "ops", "r").changed == 2);
    CHECK(paused_count() == 2);
    CHECK(db::pause_routes(conn, {.origin = 901}, "ops", "again").changed == 0);  // already paused
    CHECK(db::resume_routes(conn, {.all = true}, "ops", "").changed == 2);
    CHECK(db::pause_routes(conn, {.destination = 901}, "ops", "r").changed == 1);
    CHECK(db::resume_routes(conn, {.all = true}, "ops", "").changed == 1);
    CHECK(db::pause_routes(conn, {.chain = 903}, "ops", "r").changed == 1);
    CHECK(db::pause_routes(conn, {.chain = 902}, "ops", "r").changed == 2);
    CHECK(paused_count() == 3);
    CHECK(queue.claim(MessageState::kObserved, 100, "w", 30s).empty());
    CHECK(db::resume_routes(conn, {.all = true}, "ops", "").changed == 3);
    CHECK(db::pause_routes(conn, {.all = true}, "ops", "halt").changed == 3);
    const auto none = db::pause_routes(conn, {.origin = 999}, "ops", "r");
    CHECK(none.matched == 0);
    CHECK(none.standing_added);  // it stands for routes from 999 to come

    const auto audit_rows = scalar(conn, "SELECT count(*) FROM audit_log");
    CHECK_THROWS_WITH(db::pause_routes(conn, {}, "ops", "r"), Catch::Contains("choose the routes"));
    CHECK_THROWS_WITH(db::pause_routes(conn, {.origin = 901, .all = true}, "ops", "r"),
                      Catch::Contains("--all cannot be combined"));
    CHECK_THROWS_WITH(db::pause_routes(conn, {.origin = 901, .chain = 902}, "ops", "r"),
                      Catch::Contains("--chain cannot be combined"));
    CHECK_THROWS_WITH(db::resume_routes(conn, {.all = true}, "", "r"), Catch::Contains("actor is required"));
    CHECK(scalar(conn, "SELECT count(*) FROM audit_log") == audit_rows);
    CHECK(paused_count() == 3);

    // Every action is on the record, those that changed nothing included.
    CHECK(scalar(conn, "SELECT count(*) FROM audit_log WHERE action = 'route.pause'") == 2 + 1 + 1 + 2 + 3);
    CHECK(scalar(conn, "SELECT count(*) FROM audit_log WHERE action = 'route.pause.unchanged'") == 1);
    CHECK(scalar(conn, "SELECT count(*) FROM audit_log WHERE action = 'route.resume'") == 2 + 1 + 3);
    // Each scope's pause stood until a resume of all routes lifted it.
    CHECK(scalar(conn, "SELECT count(*) FROM audit_log WHERE action = 'route.pause.standing'") == 6);
    CHECK(scalar(conn, "SELECT count(*) FROM audit_log WHERE action = 'route.resume.standing'") == 1 + 1 + 2);
    CHECK(scalar(conn, "SELECT count(*) FROM audit_log WHERE action LIKE '%.no_route'") == 0);
}

TEST_CASE("a pause stands for routes that do not exist yet, and a resume lifts those in its scope",
          "[db][routes]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    REQUIRE(queue.enqueue(test_messages(2, 0, 901, 902, "a")).inserted == 2);

    // Chain 902 halts: its one route pauses, and so does every route touching 902 that appears
    // later, whether by a first message or by an operator setting it up.
    const auto halt = db::pause_routes(conn, {.chain = 902}, "alice", "INC-7: 902 halted");
    CHECK(halt.changed == 1);
    CHECK(halt.standing_added);
    REQUIRE(queue.enqueue(test_messages(3, 0, 903, 902, "b")).inserted == 3);
    REQUIRE(queue.enqueue(test_messages(2, 0, 902, 904, "c")).inserted == 2);
    REQUIRE(queue.enqueue(test_messages(4, 0, 903, 904, "d")).inserted == 4);
    db::update_route(conn, {.origin = 905, .destination = 902, .daily_cap = u256{10}}, "bob", "new lane");
    auto routes = db::list_routes(conn);
    for (const auto& [o, d] : {std::pair{903u, 902u}, {902u, 904u}, {905u, 902u}}) {
        INFO(o << "->" << d);
        CHECK(route(routes, o, d).paused);
        CHECK(route(routes, o, d).paused_by == "alice");
        CHECK(route(routes, o, d).paused_reason == "INC-7: 902 halted");
    }
    CHECK(!route(routes, 903, 904).paused);
    const auto claimed = queue.claim(MessageState::kObserved, 100, "w", 30s);
    REQUIRE(claimed.size() == 4);  // only 903->904's
    for (const auto& m : claimed) CHECK(m.message.destination == 904);
    CHECK(scalar(conn, "SELECT count(*) FROM messages WHERE lease_owner IS NULL AND destination = 902") == 5);
    // Each route created paused is on the record, under the pause's actor, naming the pause.
    CHECK(scalar(conn,
                 "SELECT count(*) FROM audit_log WHERE action = 'route.pause' AND actor = 'alice'"
                 " AND reason = 'created under the standing pause (touching 902): INC-7: 902 halted'") == 3);
    const auto standing = db::standing_pauses(conn);
    REQUIRE(standing.size() == 1);
    CHECK(standing[0].scope.describe() == "touching 902");
    CHECK(standing[0].paused_by == "alice");

    // A pause of one route that does not exist yet stands for it alone.
    CHECK(db::pause_routes(conn, {.origin = 906, .destination = 907}, "carol", "not yet").matched == 0);
    REQUIRE(queue.enqueue(test_messages(1, 0, 907, 906, "e")).inserted == 1);
    REQUIRE(queue.enqueue(test_messages(1, 0, 906, 907, "f")).inserted == 1);
    routes = db::list_routes(conn);
    CHECK(route(routes, 906, 907).paused);
    CHECK(!route(routes, 907, 906).paused);

    // Resuming one route leaves the chain's pause standing; resuming the chain lifts it.
    CHECK(db::resume_routes(conn, {.origin = 903, .destination = 902}, "bob", "").standing_lifted.empty());
    CHECK(db::standing_pauses(conn).size() == 2);
    const auto lift = db::resume_routes(conn, {.chain = 902}, "bob", "INC-7 over");
    CHECK(lift.changed == 3);  // 901->902, 902->904, 905->902
    CHECK(lift.standing_lifted == std::vector<std::string>{"touching 902"});
    REQUIRE(queue.enqueue(test_messages(1, 0, 908, 902, "g")).inserted == 1);
    CHECK(!route(db::list_routes(conn), 908, 902).paused);
    CHECK(scalar(conn,
                 "SELECT count(*) FROM audit_log WHERE action = 'route.resume.standing'"
                 " AND target = 'touching 902' AND actor = 'bob'") == 1);

    // A resume lifts only pauses inside its scope: all routes' pause outlives a chain's resume.
    CHECK(db::pause_routes(conn, {.all = true}, "dave", "halt").standing_added);
    CHECK(!db::pause_routes(conn, {.all = true}, "dave", "again").standing_added);
    CHECK(db::resume_routes(conn, {.chain = 906}, "dave", "").standing_lifted ==
          std::vector<std::string>{"906->907"});
    REQUIRE(queue.enqueue(test_messages(1, 0, 909, 906, "h")).inserted == 1);
    CHECK(route(db::list_routes(conn), 909, 906).paused);
    CHECK(db::resume_routes(conn, {.all = true}, "dave", "").standing_lifted ==
          std::vector<std::string>{"all routes"});
    CHECK(db::standing_pauses(conn).empty());
    REQUIRE(queue.enqueue(test_messages(1, 0, 910, 906, "i")).inserted == 1);
    CHECK(!route(db::list_routes(conn), 910, 906).paused);
}

TEST_CASE("a token bucket admits a burst, then one message per refill", "[db][routes]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    db::update_route(conn, {.origin = 901, .destination = 902, .rate_per_second = 2.0, .burst = 3.0}, "ops",
                     "limit");
    REQUIRE(queue.enqueue(test_messages(10)).inserted == 10);
    REQUIRE(queue.enqueue(test_messages(2, 0, 902, 901, "other")).inserted == 2);

    const auto t0 = db_now(conn);
    const auto first = queue.claim(MessageState::kObserved, 100, "w", 30s);
    CHECK(first.size() == 3 + 2);  // the burst, plus the unlimited route's two
    std::vector<db::QueuedMessage> held;
    for (auto& m : db::list_messages(conn, {.state = MessageState::kObserved, .origin = 901, .limit = 20})) {
        if (!m.lease_owner) held.push_back(std::move(m));
    }
    REQUIRE(held.size() == 7);
    for (const auto& m : held) {
        CHECK(m.held_reason == "rate_limit");
        REQUIRE(m.run_at);
        CHECK(*m.run_at > t0);
        CHECK(*m.run_at <= t0 + 600ms);  // one token at 2/s is at most 0.5 s away
        CHECK(!m.lease_owner);
        CHECK(m.attempts == 0);
    }
    CHECK(route(db::list_routes(conn), 901, 902).tokens.value() < 1.0);

    // Over the next seconds the bucket lets them through at about two per second.
    std::size_t admitted = 0;
    const auto start = std::chrono::steady_clock::now();
    while (admitted < 7 && std::chrono::steady_clock::now() - start < 10s) {
        admitted += queue.claim(MessageState::kObserved, 100, "w", 30s).size();
        std::this_thread::sleep_for(50ms);
    }
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(admitted == 7);
    CHECK(took >= 2500ms);  // 7 tokens at 2/s, less what refilled before the first claim
    // Once admitted a message is not charged again at later stages.
    CHECK(scalar(conn, "SELECT count(*) FROM messages WHERE limit_admitted_at IS NOT NULL") == 10);
}

TEST_CASE("the 24-hour notional cap holds transfers until the window has room", "[db][routes]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    db::update_route(conn, {.origin = 901, .destination = 902, .daily_cap = u256{100}}, "ops", "cap");
    std::vector<db::NewMessage> batch = {
        test_message(0, 901, 902, u256{40}), test_message(1, 901, 902, u256{40}),
        test_message(2, 901, 902, u256{40}), test_message(3, 901, 902, u256{150}),
        test_message(4, 901, 902, u256{20})};
    REQUIRE(queue.enqueue(batch).inserted == 5);

    const auto claimed = queue.claim(MessageState::kObserved, 100, "w", 30s);
    REQUIRE(claimed.size() == 3);  // 40 + 40 + 20: the third 40 would pass 100
    CHECK(claimed[0].id == batch[0].id);
    CHECK(claimed[1].id == batch[1].id);
    CHECK(claimed[2].id == batch[4].id);
    const auto third = db::find_message(conn, batch[2].id);
    CHECK(third->held_reason == "daily_cap");
    const auto now = db_now(conn);
    // Room for 40 comes back when the first 40 ages out, 24 hours after it was admitted.
    CHECK(*third->run_at > now + 23h + 59min);
    CHECK(*third->run_at <= now + 24h);
    const auto huge = db::find_message(conn, batch[3].id);
    CHECK(huge->held_reason == "exceeds_daily_cap");
    const auto r = route(db::list_routes(conn), 901, 902);
    CHECK(r.admitted_24h == u256{100});
    CHECK(r.limits.daily_cap == u256{100});

    // Raising the cap weighs the held messages again at once, under the new cap.
    db::update_route(conn, {.origin = 901, .destination = 902, .daily_cap = u256{1000}}, "ops", "raise");
    CHECK(*db::find_message(conn, batch[2].id)->run_at <= db_now(conn));
    CHECK(*db::find_message(conn, batch[3].id)->run_at <= db_now(conn));
    CHECK(queue.claim(MessageState::kObserved, 100, "w", 30s).size() == 2);
    CHECK(route(db::list_routes(conn), 901, 902).admitted_24h == u256{290});
}

TEST_CASE("the cap holds a transfer 24 hours at most from when it first held it (the release timer)",
          "[db][routes]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    const auto sql = [&](const std::string& statement) { pqxx::nontransaction(conn.raw()).exec(statement); };
    db::update_route(conn, {.origin = 901, .destination = 902, .daily_cap = u256{100}}, "ops", "cap");
    const auto fill = test_message(0, 901, 902, u256{90});
    const auto over = test_message(1, 901, 902, u256{50});     // waits for room
    const auto huge = test_message(2, 901, 902, u256{1'000});  // more than the whole cap
    REQUIRE(queue.enqueue(std::vector{fill}).inserted == 1);
    REQUIRE(queue.claim(MessageState::kObserved, 10, "w", 30s).size() == 1);
    REQUIRE(queue.enqueue(std::vector{over, huge}).inserted == 2);
    CHECK(queue.claim(MessageState::kObserved, 10, "w", 30s).empty());
    CHECK(scalar(conn, "SELECT count(*) FROM messages WHERE cap_held_at IS NOT NULL") == 2);

    // Held 10 hours ago, the flow 4 hours old: room comes back in 20 hours, the timer runs out in
    // 14, and the earlier wins. Weighing again keeps the time it was first held.
    sql("UPDATE route_flows SET admitted_at = now() - interval '4 hours'");
    sql("UPDATE messages SET cap_held_at = now() - interval '10 hours', run_at = now() WHERE lease_owner IS "
        "NULL");
    const auto held_since = scalar(conn, "SELECT max(epoch_us(cap_held_at)) FROM messages");
    CHECK(queue.claim(MessageState::kObserved, 10, "w", 30s).empty());
    CHECK(scalar(conn, "SELECT max(epoch_us(cap_held_at)) FROM messages") == held_since);
    const auto release = db::Timestamp(std::chrono::microseconds(held_since)) + 24h;
    const auto held_over = db::find_message(conn, over.id);
    CHECK(held_over->held_reason == "daily_cap");
    CHECK(*held_over->run_at == release);
    const auto held_huge = db::find_message(conn, huge.id);
    CHECK(held_huge->held_reason == "exceeds_daily_cap");
    CHECK(*held_huge->run_at == release);

    // When it runs out both go through, and do not count against the window.
    sql("UPDATE messages SET cap_held_at = cap_held_at - interval '14 hours', run_at = now()"
        " WHERE lease_owner IS NULL");
    CHECK(queue.claim(MessageState::kObserved, 10, "w", 30s).size() == 2);
    CHECK(route(db::list_routes(conn), 901, 902).admitted_24h == u256{90});

    // Time spent paused does not run the timer: a transfer observed two days ago on a route
    // paused since is weighed afresh when the route resumes, and held.
    const auto late = test_message(3, 901, 902, u256{50}, 555);
    REQUIRE(db::pause_routes(conn, {.origin = 901, .destination = 902}, "ops", "incident").changed == 1);
    REQUIRE(queue.enqueue(std::vector{late}).inserted == 1);
    sql("UPDATE messages SET observed_at = now() - interval '48 hours' WHERE lease_owner IS NULL");
    CHECK(queue.claim(MessageState::kObserved, 10, "w", 30s).empty());
    REQUIRE(db::resume_routes(conn, {.origin = 901, .destination = 902}, "ops", "over").changed == 1);
    CHECK(queue.claim(MessageState::kObserved, 10, "w", 30s).empty());
    const auto held_late = db::find_message(conn, late.id);
    CHECK(held_late->held_reason == "daily_cap");
    CHECK(*held_late->run_at > db_now(conn) + 19h);  // when the 90 leaves the window

    // An orphan stays one when the route's limits change (it leaves the queue, limits or not).
    CHECK(queue.orphan_block(901, late.block_hash) == 1);
    CHECK(!db::find_message(conn, late.id)->held_reason);
    db::update_route(conn, {.origin = 901, .destination = 902, .clear_daily_cap = true}, "ops", "uncap");
    CHECK(queue.claim(MessageState::kObserved, 10, "w", 30s).empty());
    const auto orphan = db::find_message(conn, late.id);
    CHECK(orphan->state == MessageState::kOrphaned);
    CHECK(!orphan->run_at);
}

TEST_CASE("a pause and a route created at the same moment: the route ends up paused", "[db][routes]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    REQUIRE(queue.enqueue(test_messages(1, 0, 901, 902, "a")).inserted == 1);
    // A route being created (its transaction still open) while an operator pauses the chain.
    auto creator = pg.connect();
    pqxx::work creating(creator.raw());
    creating.exec("INSERT INTO routes (origin, destination) VALUES (950, 902)");
    std::optional<db::RouteChange> change;
    db::test::ThreadErrors errors;
    std::thread pauser = errors.start([&] {
        auto conn2 = pg.connect();
        change = db::pause_routes(conn2, {.chain = 902}, "alice", "902 halted");
    });
    // The pause waits for the creation (on the route-pause lock) rather than missing it.
    CHECK(db::test::awaited_locks(conn, "locktype = 'advisory'") == 1);
    creating.commit();
    pauser.join();
    INFO(errors.joined());
    REQUIRE(change);
    CHECK(change->matched == 2);
    CHECK(change->changed == 2);
    CHECK(route(db::list_routes(conn), 950, 902).paused);
}

TEST_CASE("messages of limited routes keep their place in line behind a backlog of other work",
          "[db][routes]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    db::update_route(conn, {.origin = 901, .destination = 902, .daily_cap = u256{1'000}}, "ops", "cap");
    // Six capped transfers (one over the cap), then a backlog of unlimited work that would fill
    // every batch.
    std::vector<db::NewMessage> capped;
    for (uint32_t i = 0; i < 5; ++i) capped.push_back(test_message(i, 901, 902, u256{10}));
    capped.push_back(test_message(5, 901, 902, u256{5'000}));
    REQUIRE(queue.enqueue(capped).inserted == 6);
    REQUIRE(queue.enqueue(test_messages(2'000, 0, 903, 902, "backlog")).inserted == 2'000);

    // The first batch of 10 takes the five oldest it may (capped) and five of the backlog; the one
    // over the cap steps aside without taking a place.
    db::test::PlanCapture capture(conn);
    const auto first = queue.claim(MessageState::kObserved, 10, "w", 30s);
    REQUIRE(first.size() == 10);
    {
        // Finding and weighing them reads about a batch of the line, not the backlog of 2,000.
        INFO(capture.joined());
        const std::string all = capture.joined();
        REQUIRE(capture.any_contains("Index Scan using messages_route_claim"));  // the plans were captured
        const std::regex read(R"((?:actual rows|Rows Removed by Filter)[=:] ?(\d+))");
        int most = 0;
        for (std::sregex_iterator it(all.begin(), all.end(), read), end; it != end; ++it)
            most = std::max(most, std::stoi((*it)[1].str()));
        CHECK(most <= 20);
        CHECK_FALSE(capture.any_contains("Seq Scan on messages"));
    }
    capture.plans.clear();
    for (std::size_t i = 0; i < 5; ++i) CHECK(first[i].id == capped[i].id);
    for (std::size_t i = 5; i < 10; ++i) CHECK(first[i].message.origin == 903);
    CHECK(route(db::list_routes(conn), 901, 902).admitted_24h == u256{50});
    CHECK(db::find_message(conn, capped[5].id)->held_reason == "exceeds_daily_cap");
    const auto second = queue.claim(MessageState::kObserved, 10, "w", 30s);
    CHECK(second.size() == 10);
    for (const auto& m : second) CHECK(m.message.origin == 903);
}

TEST_CASE("a claim that waits for a route weighs its messages by what the route says then", "[db][routes]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    db::update_route(conn, {.origin = 901, .destination = 902, .daily_cap = u256{1'000}}, "ops", "cap");
    const auto transfer = test_message(0, 901, 902, u256{600});
    REQUIRE(queue.enqueue(std::vector{transfer}).inserted == 1);
    // An operator's change holds the route's row while a claim starts; returns what it claimed.
    const auto claim_during = [&](const std::string& change_sql) {
        auto other = pg.connect();
        pqxx::work change(other.raw());
        change.exec(change_sql);
        std::vector<db::QueuedMessage> claimed;
        db::test::ThreadErrors errors;
        std::thread claimer = errors.start([&] {
            auto conn2 = pg.connect();
            db::Queue q(conn2);
            claimed = q.claim(MessageState::kObserved, 10, "w", 30s);
        });
        CHECK(db::test::awaited_locks(conn) > 0);
        change.commit();
        claimer.join();
        // An empty result must mean the claim found nothing, not that it failed.
        INFO(errors.joined());
        CHECK(errors.count() == 0);
        return claimed;
    };
    // Paused meanwhile: the message is left as it was.
    CHECK(claim_during("UPDATE routes SET paused = true, paused_by = 'ops' WHERE origin = 901").empty());
    auto m = db::find_message(conn, transfer.id);
    CHECK(!m->held_reason);
    CHECK(m->attempts == 0);
    CHECK(m->state == MessageState::kObserved);
    db::resume_routes(conn, {.origin = 901, .destination = 902}, "ops", "");
    // The cap lowered meanwhile: weighed against the new cap of 500, not the 1,000 it read first.
    CHECK(claim_during("UPDATE routes SET daily_cap = 500 WHERE origin = 901").empty());
    CHECK(db::find_message(conn, transfer.id)->held_reason == "exceeds_daily_cap");
}

TEST_CASE("a claim sums a capped route's 24-hour window once, not once per message", "[db][routes]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    db::update_route(conn, {.origin = 901, .destination = 902, .daily_cap = u256{1000}}, "ops", "cap");
    db::update_route(conn, {.origin = 901, .destination = 903, .daily_cap = u256{1000}}, "ops", "cap");
    std::vector<db::NewMessage> batch;
    for (uint32_t i = 0; i < 30; ++i) batch.push_back(test_message(i, 901, i % 3 == 0 ? 903 : 902, u256{30}));
    REQUIRE(queue.enqueue(batch).inserted == 30);

    db::test::PlanCapture capture(conn);
    // 20 on 901->902 (600 of 1000) and 10 on 901->903 (300 of 1000): all admitted.
    CHECK(queue.claim(MessageState::kObserved, 100, "w", 30s).size() == 30);
    INFO(capture.joined());
    CHECK(capture.count_containing("Query Text: SELECT coalesce(sum(amount), 0)") == 2);  // once per route
    CHECK(capture.count_containing("Query Text: INSERT INTO route_flows") == 30);
    capture.plans.clear();

    // The running sums are this claim's own admissions added to the window: 12 more of 30 on
    // 901->902 pass the cap after 13 (600 + 13 * 30 = 990), the rest wait.
    std::vector<db::NewMessage> more;
    for (uint32_t i = 100; i < 120; ++i) more.push_back(test_message(i, 901, 902, u256{30}));
    REQUIRE(queue.enqueue(more).inserted == 20);
    const auto claimed = queue.claim(MessageState::kObserved, 100, "w", 30s);
    CHECK(claimed.size() == 13);
    CHECK(route(db::list_routes(conn), 901, 902).admitted_24h == u256{990});
    CHECK(scalar(conn, "SELECT count(*) FROM messages WHERE held_reason = 'daily_cap'") == 7);

    // Flows that left the window are dropped by the route's next admission, and count for nothing.
    pqxx::nontransaction(conn.raw())
        .exec("UPDATE route_flows SET admitted_at = now() - interval '25 hours' WHERE destination = 902");
    pqxx::nontransaction(conn.raw()).exec("UPDATE messages SET run_at = now() WHERE held_reason IS NOT NULL");
    CHECK(queue.claim(MessageState::kObserved, 100, "w", 30s).size() == 7);
    CHECK(scalar(conn, "SELECT count(*) FROM route_flows WHERE destination = 902") == 7);
    CHECK(scalar(conn, "SELECT count(*) FROM route_flows WHERE destination = 903") == 10);
    CHECK(route(db::list_routes(conn), 901, 902).admitted_24h == u256{210});
}

TEST_CASE("a claim that charges route limits commits durably, whatever the caller asked", "[db][routes]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    // The unlimited route's two first in line, then the capped route's.
    REQUIRE(queue.enqueue(test_messages(2, 0, 902, 901, "b")).inserted == 2);
    REQUIRE(queue.enqueue(test_messages(2, 0, 901, 902, "a")).inserted == 2);
    db::update_route(conn, {.origin = 901, .destination = 902, .daily_cap = u256{1000}}, "ops", "cap");
    // What the transaction commits with after a claim that the caller began with
    // synchronous_commit off (as Queue::claim does).
    const auto commit_setting = [&](const std::string& owner) {
        pqxx::work tx(conn.raw());
        tx.exec("SET LOCAL synchronous_commit = off");
        const auto n =
            tx.exec("SELECT count(*) FROM claim_messages('observed', 1, '" + owner + "', '30 seconds')")[0][0]
                .as<int>();
        const auto setting = tx.exec("SELECT current_setting('synchronous_commit')")[0][0].as<std::string>();
        tx.commit();
        return std::pair(n, setting);
    };
    // 902->901 has no limits: the claim keeps the caller's setting.
    CHECK(commit_setting("w1") == std::pair(1, std::string("off")));
    CHECK(commit_setting("w2") == std::pair(1, std::string("off")));
    // Only the capped route is left: charging it turns synchronous commit back on.
    CHECK(commit_setting("w3") == std::pair(1, std::string("on")));
    CHECK(scalar(conn, "SELECT count(*) FROM route_flows") == 1);
}

TEST_CASE("big transfers wait out the delay and do not count against the cap", "[db][routes]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    db::update_route(conn,
                     {.origin = 901,
                      .destination = 902,
                      .daily_cap = u256{100},
                      .big_transfer_threshold = u256{1000},
                      .big_transfer_delay = std::chrono::seconds(2)},
                     "ops", "governor");
    const auto big = test_message(0, 901, 902, u256{5000});
    const auto small = test_message(1, 901, 902, u256{60});
    REQUIRE(queue.enqueue(std::vector{big, small}).inserted == 2);

    const auto first = queue.claim(MessageState::kObserved, 100, "w", 30s);
    REQUIRE(first.size() == 1);
    CHECK(first[0].id == small.id);
    const auto held = db::find_message(conn, big.id);
    CHECK(held->held_reason == "big_transfer_delay");
    CHECK(*held->run_at == held->observed_at + 2s);

    std::this_thread::sleep_for(2100ms);
    const auto later = queue.claim(MessageState::kObserved, 100, "w", 30s);
    REQUIRE(later.size() == 1);
    CHECK(later[0].id == big.id);
    CHECK(route(db::list_routes(conn), 901, 902).admitted_24h == u256{60});
}

TEST_CASE("stored limits and 24-hour sums that are not uint256 are errors naming the route", "[db][routes]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::update_route(conn, {.origin = 901, .destination = 902, .daily_cap = u256{1'000}}, "ops", "cap");
    {
        // Two flows of 2^255: each a uint256, their sum not (the domain checks rows, not sums).
        pqxx::nontransaction tx(conn.raw());
        for (const char* id : {"01", "02"}) {
            tx.exec(std::string("INSERT INTO route_flows (origin, destination, message_id, amount)"
                                " VALUES (901, 902, decode(repeat('") +
                    id + "', 32), 'hex'), 2::numeric ^ 255)");
        }
    }
    CHECK_THROWS_WITH(db::list_routes(conn),
                      Catch::Contains("the 24-hour sum of route_flows.amount for route 901->902: the stored "
                                      "value '" +
                                      std::string(db::test::kTwoTo256) +
                                      "' is not a uint256 (value does not fit in 256 bits)"));
    pqxx::nontransaction(conn.raw()).exec("DELETE FROM route_flows");
    REQUIRE(route(db::list_routes(conn), 901, 902).admitted_24h == u256{0});

    db::test::drop_uint256_check(conn);
    pqxx::nontransaction(conn.raw()).exec("UPDATE routes SET daily_cap = -1000");
    CHECK_THROWS_WITH(
        db::list_routes(conn),
        Catch::Contains("routes.daily_cap for route 901->902: the stored value '-1000' is not a uint256"));
    pqxx::nontransaction(conn.raw())
        .exec("UPDATE routes SET daily_cap = NULL, big_transfer_threshold = 2::numeric ^ 256");
    CHECK_THROWS_WITH(db::list_routes(conn),
                      Catch::Contains("routes.big_transfer_threshold for route 901->902: the stored value '" +
                                      std::string(db::test::kTwoTo256) + "' is not a uint256"));
}

TEST_CASE("route settings are validated and every change is audited", "[db][routes]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::update_route(conn, {.origin = 1, .destination = 10, .security_mode = "optimistic"}, "carol",
                     "new route");
    auto r = route(db::list_routes(conn), 1, 10);
    CHECK(r.security_mode == "optimistic");
    CHECK(!r.limits.rate_per_second);
    CHECK(r.limits.big_transfer_delay == std::chrono::hours(24));

    db::update_route(conn, {.origin = 1, .destination = 10, .rate_per_second = 5.0, .burst = 20.0}, "carol",
                     "");
    r = route(db::list_routes(conn), 1, 10);
    CHECK(r.limits.rate_per_second == 5.0);
    CHECK(r.limits.burst == 20.0);
    CHECK(r.tokens == 20.0);
    CHECK(r.security_mode == "optimistic");  // untouched fields keep their value
    db::update_route(conn, {.origin = 1, .destination = 10, .clear_rate_limit = true}, "carol", "");
    CHECK(!route(db::list_routes(conn), 1, 10).limits.rate_per_second);

    const auto rows = scalar(conn, "SELECT count(*) FROM audit_log");
    CHECK(rows == 3);
    CHECK_THROWS_WITH(
        db::update_route(conn, {.origin = 1, .destination = 10, .security_mode = "trust-me"}, "c", ""),
        Catch::Contains("security mode must be"));
    CHECK_THROWS_WITH(
        db::update_route(conn, {.origin = 1, .destination = 10, .rate_per_second = 1.0}, "c", ""),
        Catch::Contains("both a rate and a burst"));
    CHECK_THROWS_WITH(
        db::update_route(conn, {.origin = 1, .destination = 10, .rate_per_second = 0.0, .burst = 1.0}, "c",
                         ""),
        Catch::Contains("above zero"));
    CHECK_THROWS_WITH(db::update_route(conn, {.origin = 1, .destination = 10}, "", ""),
                      Catch::Contains("actor is required"));
    CHECK(scalar(conn, "SELECT count(*) FROM audit_log") == rows);
    const auto audit = db::audit_entries(conn, 1);
    CHECK(audit[0].action == "route.update");
    CHECK(audit[0].before->find("\"rate_per_second\": 5") != std::string::npos);
    CHECK(audit[0].after->find("\"rate_per_second\": null") != std::string::npos);
}

TEST_CASE("upgrading a version-2 database: its pauses stand, held transfers get the release timer",
          "[db][routes][migrate]") {
    test::Postgres pg;
    auto conn = pg.connect();
    REQUIRE(db::migrate(conn, 2).to_version == 2);
    db::Queue queue(conn);
    const auto huge = test_message(0, 903, 902, u256{1'000});
    REQUIRE(queue.enqueue(test_messages(2, 0, 901, 902, "a")).inserted == 2);
    REQUIRE(queue.enqueue(std::vector{huge}).inserted == 1);
    {
        // As version 2 left them: 901->902 paused by alice; 903->902 capped at 100, holding the
        // transfer of 1,000 as exceeds_daily_cap for ever.
        pqxx::nontransaction tx(conn.raw());
        tx.exec(
            "UPDATE routes SET paused = true, paused_by = 'alice', paused_reason = 'INC-9', paused_at = now()"
            " WHERE origin = 901");
        tx.exec("UPDATE routes SET daily_cap = 100 WHERE origin = 903");
        tx.exec(
            "UPDATE messages SET held_reason = 'exceeds_daily_cap', run_at = now() + interval '1 hour'"
            " WHERE origin = 903");
    }
    // The upgrade that brought route control (later versions have their own tests).
    const auto report = db::migrate(conn, 3);
    CHECK(report.from_version == 2);
    CHECK(report.to_version == 3);
    // The pause stands for its route; the route and its messages are as they were.
    const auto standing = db::standing_pauses(conn);
    REQUIRE(standing.size() == 1);
    CHECK(standing[0].scope.describe() == "901->902");
    CHECK(standing[0].paused_by == "alice");
    CHECK(standing[0].reason == "INC-9");
    CHECK(route(db::list_routes(conn), 901, 902).paused);
    CHECK(scalar(conn, "SELECT count(*) FROM messages WHERE origin = 901 AND state = 'observed'") == 2);
    // The held transfer: its timer starts when a claim next weighs it, and 24 hours on it goes
    // through, uncounted.
    pqxx::nontransaction(conn.raw()).exec("UPDATE messages SET run_at = now() WHERE origin = 903");
    CHECK(queue.claim(MessageState::kObserved, 10, "w", 30s).empty());
    const auto held = db::find_message(conn, huge.id);
    CHECK(held->held_reason == "exceeds_daily_cap");
    CHECK(*held->run_at > db_now(conn) + 23h);
    pqxx::nontransaction(conn.raw())
        .exec(
            "UPDATE messages SET cap_held_at = cap_held_at - interval '24 hours', run_at = now()"
            " WHERE origin = 903");
    const auto released = queue.claim(MessageState::kObserved, 10, "w", 30s);
    REQUIRE(released.size() == 1);
    CHECK(released[0].id == huge.id);
    CHECK(route(db::list_routes(conn), 903, 902).admitted_24h == u256{0});
}

TEST_CASE("clearing a daily cap clears what the old cap held", "[db][routes]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    const auto sql = [&](const std::string& q) {
        pqxx::nontransaction tx(conn.raw());
        tx.exec(q);
    };
    db::update_route(conn, {.origin = 901, .destination = 902, .daily_cap = u256{100}}, "ops", "cap");
    const auto fill = test_message(0, 901, 902, u256{90});
    const auto over = test_message(1, 901, 902, u256{50});
    REQUIRE(queue.enqueue(std::vector{fill}).inserted == 1);
    REQUIRE(queue.claim(MessageState::kObserved, 10, "w", 30s).size() == 1);
    REQUIRE(queue.enqueue(std::vector{over}).inserted == 1);
    CHECK(queue.claim(MessageState::kObserved, 10, "w", 30s).empty());
    REQUIRE(db::find_message(conn, over.id)->held_reason == "daily_cap");
    // Held for 20 hours under the old cap.
    sql("UPDATE messages SET cap_held_at = now() - interval '20 hours' WHERE id = '\\x" +
        causeway::to_hex(over.id, false) + "'");

    db::update_route(conn, {.origin = 901, .destination = 902, .clear_daily_cap = true}, "ops",
                     "lift the cap");
    const auto lifted = db::find_message(conn, over.id);
    CHECK(!lifted->held_reason);
    CHECK(scalar(conn, "SELECT count(*) FROM messages WHERE cap_held_at IS NOT NULL") == 0);
    CHECK(*lifted->run_at <= db::test::db_now(conn));

    // A new cap weighs it afresh: held again, with a full 24 hours from now, not the 4 left of the old
    // cap's timer.
    db::update_route(conn, {.origin = 901, .destination = 902, .daily_cap = u256{100}}, "ops", "a new cap");
    CHECK(queue.claim(MessageState::kObserved, 10, "w", 30s).empty());
    const auto held = db::find_message(conn, over.id);
    CHECK(held->held_reason == "daily_cap");
    CHECK(*held->run_at > db::test::db_now(conn) + 19h);
}
