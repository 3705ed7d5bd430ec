#include "db/queue.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <regex>
#include <set>
#include <thread>

#include "core/hex.hpp"
#include "db/routes.hpp"
#include "db/test_messages.hpp"
#include "db/test_plans.hpp"
#include "db/test_threads.hpp"
#include "tests/support/postgres.hpp"

using namespace causeway;
using namespace std::chrono_literals;
using db::MessageState;
using db::test::advance_all;
using db::test::db_now;
using db::test::PlanCapture;
using db::test::scalar;
using db::test::test_message;
using db::test::test_messages;

TEST_CASE("enqueue is idempotent on the message id", "[db][queue]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);

    const auto batch = test_messages(100);
    auto r = queue.enqueue(batch);
    CHECK(r.inserted == 100);
    CHECK(r.duplicates == 0);

    r = queue.enqueue(batch);
    CHECK(r.inserted == 0);
    CHECK(r.duplicates == 100);

    // Half old, half new, and one repeated inside the batch.
    auto mixed = test_messages(100, 50);
    mixed.push_back(mixed.back());
    r = queue.enqueue(mixed);
    CHECK(r.inserted == 50);
    CHECK(r.duplicates == 51);
    CHECK(scalar(conn, "SELECT count(*) FROM messages") == 150);

    // The stored fields are the message's.
    const auto found = db::find_message(conn, batch[7].id);
    REQUIRE(found);
    CHECK(found->message == batch[7].message);
    CHECK(message_id(found->message) == batch[7].id);
    CHECK(found->block_number == batch[7].block_number);
    CHECK(found->block_hash == batch[7].block_hash);
    CHECK(found->log_index == batch[7].log_index);
    CHECK(found->state == MessageState::kObserved);
    CHECK(found->stage == MessageState::kObserved);

    // Delivered messages stay delivered: replaying their blocks inserts nothing.
    const auto claimed = queue.claim(MessageState::kObserved, 150, "w", 30s);
    REQUIRE(claimed.size() == 150);
    CHECK(queue.advance(advance_all(claimed, MessageState::kDelivered), "w").advanced == 150);
    CHECK(scalar(conn, "SELECT count(*) FROM messages") == 0);
    r = queue.enqueue(batch);
    CHECK(r.inserted == 0);
    CHECK(r.duplicates == 100);
    CHECK(scalar(conn, "SELECT count(*) FROM messages") == 0);
    CHECK(scalar(conn, "SELECT count(*) FROM messages_history") == 150);
}

TEST_CASE("collateral amounts are read from the body for route limits", "[db][queue]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    const auto m = test_message(1, 901, 902, u256{123456789});
    CHECK(m.amount == u256{123456789});
    REQUIRE(queue.enqueue(std::vector{m}).inserted == 1);
    CHECK(db::find_message(conn, m.id)->amount == u256{123456789});
    CHECK(test_message(2).amount == u256{});
}

TEST_CASE("a message moves through its stages under leases and leaves for history", "[db][queue]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    const auto batch = test_messages(20);
    REQUIRE(queue.enqueue(batch).inserted == 20);

    const auto a = queue.claim(MessageState::kObserved, 8, "worker-a", 30s);
    const auto b = queue.claim(MessageState::kObserved, 8, "worker-b", 30s);
    REQUIRE(a.size() == 8);
    REQUIRE(b.size() == 8);
    std::set<Hash> seen;
    for (const auto& m : a) {
        CHECK(m.lease_owner == "worker-a");
        CHECK(m.attempts == 1);
        CHECK(m.lease_expires_at.has_value());
        seen.insert(m.id);
    }
    for (const auto& m : b) seen.insert(m.id);
    CHECK(seen.size() == 16);  // no message leased twice
    // Oldest first: the first claim took the first messages enqueued.
    for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i].id == batch[i].id);

    // Nobody may advance what it does not hold, nor move a message backwards.
    auto wrong = queue.advance(advance_all(a, MessageState::kVerified), "worker-b");
    CHECK(wrong.advanced == 0);
    CHECK(wrong.lost.size() == 8);

    CHECK(queue.advance(advance_all(a, MessageState::kVerified), "worker-a").advanced == 8);
    CHECK(queue.claim(MessageState::kObserved, 100, "worker-a", 30s).size() == 4);
    const auto verified = queue.claim(MessageState::kVerified, 100, "worker-c", 30s);
    REQUIRE(verified.size() == 8);
    CHECK(verified.front().state == MessageState::kVerified);
    CHECK(verified.front().attempts == 1);  // attempts count claims at the current stage
    CHECK(verified.front().verified_at.has_value());
    CHECK_THROWS_WITH(queue.advance(advance_all(verified, MessageState::kObserved), "worker-c"),
                      Catch::Contains("cannot move a message to 'observed'"));

    const Hash tx = keccak256(to_view("delivery tx"));
    std::vector<db::Advance> submit;
    for (const auto& m : verified) submit.push_back({m.id, MessageState::kSubmitted, tx});
    CHECK(queue.advance(submit, "worker-c").advanced == 8);
    const auto submitted = queue.claim(MessageState::kSubmitted, 100, "confirmer", 30s);
    REQUIRE(submitted.size() == 8);
    CHECK(submitted.front().delivery_tx_hash == tx);

    CHECK(queue.advance(advance_all(submitted, MessageState::kDelivered), "confirmer").advanced == 8);
    CHECK(scalar(conn, "SELECT count(*) FROM messages") == 12);
    CHECK(scalar(conn, "SELECT count(*) FROM messages_history") == 8);
    const auto done = db::find_message(conn, submitted.front().id);
    REQUIRE(done);
    CHECK(done->state == MessageState::kDelivered);
    CHECK(!done->stage);
    CHECK(done->delivery_tx_hash == tx);
    CHECK(done->verified_at);
    CHECK(done->submitted_at);
    CHECK(done->delivered_at);
    CHECK(*done->verified_at <= *done->submitted_at);
    CHECK(*done->submitted_at <= *done->delivered_at);
    CHECK(done->message == submitted.front().message);

    CHECK_THROWS_WITH(queue.claim(MessageState::kDelivered, 1, "x", 1s), Catch::Contains("not a stage"));
    CHECK_THROWS(queue.advance(std::vector<db::Advance>{{batch[0].id, MessageState::kRetrying, {}}}, "x"));
}

TEST_CASE("a lease can be extended, and an expired one returns the message to the queue", "[db][queue]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    REQUIRE(queue.enqueue(test_messages(10)).inserted == 10);

    const auto held = queue.claim(MessageState::kObserved, 5, "slow", 600ms);
    const auto lapsed = queue.claim(MessageState::kObserved, 5, "stopped", 600ms);
    REQUIRE(held.size() == 5);
    REQUIRE(lapsed.size() == 5);
    std::vector<Hash> ids;
    for (const auto& m : held) ids.push_back(m.id);
    CHECK(queue.extend_lease(ids, "slow", 60s) == 5);
    CHECK(queue.extend_lease(ids, "someone-else", 60s) == 0);
    CHECK(queue.claim(MessageState::kObserved, 10, "other", 30s).empty());

    std::this_thread::sleep_for(800ms);
    CHECK(queue.release_expired_leases() == 5);
    const auto reclaimed = queue.claim(MessageState::kObserved, 10, "other", 30s);
    REQUIRE(reclaimed.size() == 5);  // only the lapsed ones; the extended lease still holds
    for (const auto& m : reclaimed) {
        CHECK(m.attempts == 2);
        CHECK(m.last_error_class == "lease_expired");
        CHECK(m.last_error == "lease of stopped expired");
    }
    // The stopped worker coming back cannot complete what is no longer its own.
    const auto late = queue.advance(advance_all(lapsed, MessageState::kDelivered), "stopped");
    CHECK(late.advanced == 0);
    CHECK(late.lost.size() == 5);
    CHECK(queue.advance(advance_all(reclaimed, MessageState::kDelivered), "other").advanced == 5);
    CHECK(queue.advance(advance_all(held, MessageState::kDelivered), "slow").advanced == 5);
    CHECK(scalar(conn, "SELECT count(*) FROM messages_history") == 10);
}

TEST_CASE("a deferred message waits without counting an attempt", "[db][queue]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    const auto message = test_message(0);
    REQUIRE(queue.enqueue(std::vector{message}).inserted == 1);
    auto claimed = queue.claim(MessageState::kObserved, 10, "validator", 30s);
    REQUIRE(claimed.size() == 1);
    CHECK(claimed[0].attempts == 1);

    // Another owner cannot; the owner can.
    const auto later = db_now(conn) + 2s;
    CHECK_FALSE(queue.defer(message.id, "someone else", later, "awaiting_finality"));
    CHECK(queue.defer(message.id, "validator", later, "awaiting_finality"));
    auto m = db::find_message(conn, message.id);
    CHECK(m->state == MessageState::kObserved);
    CHECK(m->stage == MessageState::kObserved);
    CHECK(m->attempts == 0);
    CHECK(m->held_reason == "awaiting_finality");
    CHECK_FALSE(m->lease_owner);
    CHECK(*m->run_at >= later - 1ms);
    // Not claimable before run_at, claimable after, as the first attempt still.
    CHECK(queue.claim(MessageState::kObserved, 10, "validator", 30s).empty());
    pqxx::nontransaction(conn.raw()).exec("UPDATE messages SET run_at = now()");
    claimed = queue.claim(MessageState::kObserved, 10, "validator", 30s);
    REQUIRE(claimed.size() == 1);
    CHECK(claimed[0].attempts == 1);
    CHECK_FALSE(claimed[0].held_reason);
    // However often it waits, it is never dead-lettered for it.
    for (int i = 0; i < 20; ++i) {
        REQUIRE(queue.defer(message.id, "validator", db_now(conn), "awaiting_finality"));
        REQUIRE(queue.claim(MessageState::kObserved, 10, "validator", 30s).size() == 1);
    }
    CHECK(db::find_message(conn, message.id)->attempts == 1);
}

TEST_CASE("backoff grows exponentially with jitter up to a cap", "[db][queue]") {
    const db::BackoffPolicy p{1000ms, 2.0, 8000ms, 0.25, 6};
    CHECK(p.valid());
    const long long expected[] = {1000, 2000, 4000, 8000, 8000, 8000};
    for (int attempt = 1; attempt <= 6; ++attempt) {
        const auto full = expected[attempt - 1];
        CHECK(p.delay(attempt, 0.0).count() == full);
        CHECK(p.delay(attempt, 0.999999).count() >= full * 3 / 4);
        CHECK(p.delay(attempt, 0.5).count() == full * 7 / 8);
    }
    CHECK(!db::BackoffPolicy{0ms}.valid());
    CHECK(!db::BackoffPolicy{1000ms, 2.0, 500ms}.valid());
    CHECK(!db::BackoffPolicy{1000ms, 2.0, 8000ms, 1.0}.valid());
}

TEST_CASE("retry schedules by the backoff, then dead-letters with the class", "[db][queue]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    const db::BackoffPolicy policy{200ms, 2.0, 400ms, 0.25, 3};
    db::Queue queue(conn, policy);
    const auto m = test_message(1);
    REQUIRE(queue.enqueue(std::vector{m}).inserted == 1);

    const long long full_ms[] = {200, 400};
    std::vector<db::QueuedMessage> early;  // a claim right after the retry
    for (int attempt = 1; attempt <= 2; ++attempt) {
        std::vector<db::QueuedMessage> claimed = std::move(early);
        for (int i = 0; i < 100 && claimed.empty(); ++i) {
            claimed = queue.claim(MessageState::kObserved, 1, "w", 30s);
            if (claimed.empty()) std::this_thread::sleep_for(20ms);
        }
        REQUIRE(claimed.size() == 1);
        CHECK(claimed[0].attempts == attempt);
        const auto before = db_now(conn);
        const auto r = queue.retry(m.id, "w", db::ErrorClass::kRpcTimeout, "eth_call timed out");
        const auto after = db_now(conn);
        REQUIRE(r.outcome == db::RetryResult::Outcome::kScheduled);
        const auto full = std::chrono::milliseconds(full_ms[attempt - 1]);
        CHECK(*r.run_at >= before + full * 3 / 4 - 5ms);
        CHECK(*r.run_at <= after + full);
        const auto stored = db::find_message(conn, m.id);
        CHECK(stored->state == MessageState::kRetrying);
        CHECK(stored->stage == MessageState::kObserved);
        CHECK(stored->last_error == "eth_call timed out");
        CHECK(stored->last_error_class == "rpc_timeout");
        CHECK(!stored->lease_owner);
        // Not before its time: a claim at once finds nothing, or (on a machine slow enough) found it
        // at or after run_at, by its own clock (lease expiry less the lease).
        early = queue.claim(MessageState::kObserved, 1, "w", 30s);
        CHECK((early.empty() || *early[0].lease_expires_at - 30s >= *r.run_at));
    }
    std::vector<db::QueuedMessage> last = std::move(early);
    for (int i = 0; i < 100 && last.empty(); ++i) {
        last = queue.claim(MessageState::kObserved, 1, "w", 30s);
        if (last.empty()) std::this_thread::sleep_for(20ms);
    }
    REQUIRE(last.size() == 1);
    CHECK(last[0].attempts == 3);
    CHECK(queue.retry(m.id, "w", db::ErrorClass::kRpcTimeout, "eth_call timed out").outcome ==
          db::RetryResult::Outcome::kDeadLettered);
    const auto dead = db::find_message(conn, m.id);
    CHECK(dead->state == MessageState::kFailedPermanent);
    CHECK(dead->last_error_class == "retries_exhausted");
    CHECK(dead->last_error->find("after 3 attempts") != std::string::npos);
    CHECK(dead->failed_at);
    CHECK(!dead->run_at);  // never on its own
    std::this_thread::sleep_for(500ms);
    CHECK(queue.claim(MessageState::kObserved, 1, "w", 30s).empty());

    // An operator puts it back: attempts reset, audited.
    CHECK(db::retry_message(conn, m.id, "alice", "RPC fixed"));
    const auto again = queue.claim(MessageState::kObserved, 1, "w", 30s);
    REQUIRE(again.size() == 1);
    CHECK(again[0].attempts == 1);
    CHECK(again[0].state == MessageState::kRetrying);
    const auto audit = db::audit_entries(conn);
    REQUIRE(audit.size() == 1);
    CHECK(audit[0].actor == "alice");
    CHECK(audit[0].action == "message.retry");
    CHECK(audit[0].target == to_hex(m.id));
    CHECK(audit[0].reason == "RPC fixed");
    CHECK(audit[0].before->find("\"failed_permanent\"") != std::string::npos);
    CHECK(audit[0].after->find("\"retrying\"") != std::string::npos);
    // Retrying something that is not stuck is refused, and the refusal is on the record.
    CHECK(!db::retry_message(conn, m.id, "bob", ""));
    CHECK(db::audit_entries(conn).front().action == "message.retry.refused");
    CHECK(!db::retry_message(conn, keccak256(to_view("unknown")), "bob", ""));
    CHECK(scalar(conn, "SELECT count(*) FROM audit_log") == 3);

    // A permanent class dead-letters at once; a lost lease changes nothing.
    CHECK(queue.retry(m.id, "w", db::ErrorClass::kRejectedByDestination, "recipient reverted").outcome ==
          db::RetryResult::Outcome::kDeadLettered);
    CHECK(db::find_message(conn, m.id)->last_error_class == "rejected_by_destination");
    CHECK(queue.retry(m.id, "w", db::ErrorClass::kRpcTimeout, "x").outcome ==
          db::RetryResult::Outcome::kLeaseLost);
}

TEST_CASE("orphaned messages leave the queue and come back when observed again", "[db][queue]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    std::vector<db::NewMessage> on_a;
    std::vector<db::NewMessage> on_b;
    for (uint32_t i = 0; i < 5; ++i) on_a.push_back(test_message(i, 901, 902, std::nullopt, 200, 0));
    for (uint32_t i = 5; i < 10; ++i) on_b.push_back(test_message(i, 901, 902, std::nullopt, 201, 0));
    REQUIRE(queue.enqueue(on_a).inserted == 5);
    REQUIRE(queue.enqueue(on_b).inserted == 5);

    // One of block 200's messages is leased when the reorg is seen.
    REQUIRE(queue.claim(MessageState::kObserved, 1, "w", 30s).size() == 1);
    CHECK(queue.orphan_block(901, on_a[0].block_hash) == 5);
    CHECK(queue.orphan_block(902, on_b[0].block_hash) == 0);  // another chain's block of that hash
    const auto rest = queue.claim(MessageState::kObserved, 100, "w2", 30s);
    REQUIRE(rest.size() == 5);
    for (const auto& m : rest) CHECK(m.block_number == 201);
    CHECK(db::find_message(conn, on_a[1].id)->state == MessageState::kOrphaned);
    CHECK(queue.advance(advance_all(rest, MessageState::kDelivered), "w2").advanced == 5);

    // The same messages turn up in the new block 200' (another hash).
    std::vector<db::NewMessage> again;
    for (uint32_t i = 0; i < 5; ++i) again.push_back(test_message(i, 901, 902, std::nullopt, 200, 1));
    const auto r = queue.enqueue(again);
    CHECK(r.revived == 5);
    CHECK(r.inserted == 0);
    const auto revived = queue.claim(MessageState::kObserved, 100, "w3", 30s);
    REQUIRE(revived.size() == 5);
    for (const auto& m : revived) {
        CHECK(m.state == MessageState::kObserved);
        CHECK(m.block_hash == again[0].block_hash);
        CHECK(m.attempts == 1);
    }
}

TEST_CASE("a message seen in a new block before its old one is orphaned starts over there", "[db][queue]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn, db::BackoffPolicy{1min, 2.0, 1min, 0.0, 12});
    std::vector<db::NewMessage> on_a;
    for (uint32_t i = 0; i < 6; ++i) on_a.push_back(test_message(i, 901, 902, std::nullopt, 300, 0));
    REQUIRE(queue.enqueue(on_a).inserted == 6);
    const auto ids = [&](std::initializer_list<int> which) {
        std::vector<db::Advance> out;
        for (const int i : which) out.push_back({on_a[i].id, MessageState::kVerified, std::nullopt});
        return out;
    };
    // 0 is being verified; 1 is verified and a submitter holds it; 2 is submitted (a transaction
    // carries it); 3 waits to be verified again, 4 to be submitted again; 5 is a dead letter.
    REQUIRE(queue.claim(MessageState::kObserved, 10, "w", 30s).size() == 6);
    REQUIRE(queue.advance(ids({1, 2, 4}), "w").advanced == 3);
    REQUIRE(queue.dead_letter(on_a[5].id, "w", db::ErrorClass::kInvalidMessage, "bad"));
    REQUIRE(queue.retry(on_a[3].id, "w", db::ErrorClass::kRpcTimeout, "timeout").outcome ==
            db::RetryResult::Outcome::kScheduled);
    REQUIRE(queue.claim(MessageState::kVerified, 10, "s", 30s).size() == 3);
    REQUIRE(queue.advance(std::vector<db::Advance>{{on_a[2].id, MessageState::kSubmitted, std::nullopt}}, "s")
                .advanced == 1);
    REQUIRE(queue.retry(on_a[4].id, "s", db::ErrorClass::kRpcTimeout, "timeout").outcome ==
            db::RetryResult::Outcome::kScheduled);

    // The indexer sees block 300' (another hash) before anyone orphans block 300.
    std::vector<db::NewMessage> on_b;
    for (uint32_t i = 0; i < 6; ++i) on_b.push_back(test_message(i, 901, 902, std::nullopt, 301, 1));
    const auto r = queue.enqueue(on_b);
    CHECK(r.moved == 5);  // all but 2, which is past the point of no return
    CHECK(r.duplicates == 1);
    CHECK(r.inserted == 0);
    CHECK(r.revived == 0);
    for (const uint32_t i : {0u, 1u, 3u, 4u, 5u}) {
        const auto m = db::find_message(conn, on_a[i].id);
        INFO(i);
        CHECK(m->block_hash == on_b[i].block_hash);
        CHECK(m->block_number == 301);
    }
    // 0, 3 and 4 start over from observed at the new block.
    for (const uint32_t i : {0u, 3u, 4u}) {
        const auto m = db::find_message(conn, on_a[i].id);
        INFO(i);
        CHECK(m->state == MessageState::kObserved);
        CHECK(m->stage == MessageState::kObserved);
        CHECK(!m->lease_owner);
        CHECK(m->attempts == 0);
    }
    // 1 may be on its way in a transaction: it keeps its state and its submitter, but is to be
    // verified again (stage observed) should that attempt fail or its lease run out.
    const auto submitting = db::find_message(conn, on_a[1].id);
    CHECK(submitting->state == MessageState::kVerified);
    CHECK(submitting->stage == MessageState::kObserved);
    CHECK(submitting->lease_owner == "s");
    // A dead letter stays one; an operator's retry runs it from verification, at the new block.
    const auto dead = db::find_message(conn, on_a[5].id);
    CHECK(dead->state == MessageState::kFailedPermanent);
    CHECK(dead->stage == MessageState::kObserved);
    CHECK(!dead->run_at);
    const auto carried = db::find_message(conn, on_a[2].id);
    CHECK(carried->state == MessageState::kSubmitted);
    CHECK(carried->block_hash == on_a[2].block_hash);
    // The worker verifying 0 against the old block has lost it. Another reorg moves 1 again while
    // its submitter still holds it: it keeps the lease. Then the submitter's attempt fails: it
    // goes back to verification.
    CHECK(queue.advance(ids({0}), "w").lost.size() == 1);
    const auto third = test_message(1, 901, 902, std::nullopt, 302, 2);
    CHECK(queue.enqueue(std::vector{third}).moved == 1);
    auto moved_twice = db::find_message(conn, on_a[1].id);
    CHECK(moved_twice->lease_owner == "s");
    CHECK(moved_twice->state == MessageState::kVerified);
    CHECK(moved_twice->block_hash == third.block_hash);
    REQUIRE(queue.retry(on_a[1].id, "s", db::ErrorClass::kRpcTimeout, "timeout").outcome ==
            db::RetryResult::Outcome::kScheduled);
    CHECK(db::find_message(conn, on_a[1].id)->stage == MessageState::kObserved);
    REQUIRE(db::retry_message(conn, on_a[5].id, "ops", "reorg"));
    CHECK(db::find_message(conn, on_a[5].id)->stage == MessageState::kObserved);
    pqxx::nontransaction(conn.raw()).exec("UPDATE messages SET run_at = now() WHERE state = 'retrying'");

    // The reorg of block 300 is noticed afterwards: nothing is left on it to orphan (the
    // submitted one is past orphaning too).
    CHECK(queue.orphan_block(901, on_a[0].block_hash) == 0);
    const auto again = queue.claim(MessageState::kObserved, 10, "w2", 30s);
    CHECK(again.size() == 5);  // all but the submitted one
    for (const auto& m : again) CHECK(m.block_number >= 301);
    // Replaying the latest blocks changes nothing: the lease w2 took stays.
    auto latest = on_b;
    latest[1] = third;
    const auto replay = queue.enqueue(latest);
    CHECK(replay.moved == 0);
    CHECK(replay.duplicates == 6);
    CHECK(db::find_message(conn, on_a[3].id)->lease_owner == "w2");
}

TEST_CASE("counts and oldest age per state and route", "[db][queue]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    REQUIRE(queue.enqueue(test_messages(6, 0, 901, 902)).inserted == 6);
    REQUIRE(queue.enqueue(test_messages(3, 0, 902, 901, "u")).inserted == 3);
    const auto claimed = queue.claim(MessageState::kObserved, 2, "w", 30s);
    REQUIRE(claimed.size() == 2);
    REQUIRE(queue.advance(advance_all(claimed, MessageState::kVerified), "w").advanced == 2);
    std::this_thread::sleep_for(50ms);

    const auto counts = queue.counts();
    REQUIRE(counts.size() == 3);
    CHECK(counts[0].state == MessageState::kObserved);
    CHECK(counts[0].origin == 901);
    CHECK(counts[0].count == 4);
    CHECK(counts[0].oldest_age_seconds >= 0.05);
    CHECK(counts[1].state == MessageState::kObserved);
    CHECK(counts[1].origin == 902);
    CHECK(counts[1].count == 3);
    CHECK(counts[2].state == MessageState::kVerified);
    CHECK(counts[2].count == 2);
}

TEST_CASE("NOTIFY wakes a waiting worker, and without one the wait times out", "[db][queue]") {
    test::Postgres pg;
    auto producer_conn = pg.migrated();
    auto consumer_conn = pg.connect();
    db::Queue producer(producer_conn);
    db::QueueListener listener(consumer_conn);

    const auto quiet_start = std::chrono::steady_clock::now();
    CHECK(!listener.wait(150ms));
    CHECK(std::chrono::steady_clock::now() - quiet_start >= 140ms);

    db::test::ThreadErrors errors;
    std::thread later = errors.start([&] {
        std::this_thread::sleep_for(100ms);
        (void)producer.enqueue(test_messages(3));
    });
    const auto start = std::chrono::steady_clock::now();
    CHECK(listener.wait(5s));
    later.join();
    INFO(errors.joined());
    CHECK(errors.count() == 0);
    CHECK(std::chrono::steady_clock::now() - start < 4s);
    CHECK(listener.take_payloads() == std::vector<std::string>{"observed"});

    // Advancing wakes the next stage's workers; duplicates enqueue nothing and wake no one.
    db::Queue consumer(consumer_conn);
    const auto claimed = consumer.claim(MessageState::kObserved, 3, "w", 30s);
    REQUIRE(claimed.size() == 3);
    CHECK(producer.advance(advance_all(claimed, MessageState::kVerified), "w").advanced == 3);
    CHECK(listener.wait(2s));
    CHECK(listener.take_payloads() == std::vector<std::string>{"verified"});
    CHECK(producer.enqueue(test_messages(3)).duplicates == 3);
    CHECK(!listener.wait(100ms));
}

TEST_CASE("messages can be listed by state and route and found in history", "[db][queue]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    REQUIRE(queue.enqueue(test_messages(5, 0, 901, 902)).inserted == 5);
    REQUIRE(queue.enqueue(test_messages(4, 0, 902, 901, "u")).inserted == 4);
    const auto claimed = queue.claim(MessageState::kObserved, 2, "w", 30s);
    REQUIRE(queue.advance(advance_all(claimed, MessageState::kDelivered), "w").advanced == 2);

    CHECK(db::list_messages(conn, {}).size() == 9);
    CHECK(db::list_messages(conn, {.limit = 3}).size() == 3);
    CHECK(db::list_messages(conn, {.state = MessageState::kDelivered}).size() == 2);
    CHECK(db::list_messages(conn, {.state = MessageState::kObserved}).size() == 7);
    CHECK(db::list_messages(conn, {.origin = 902}).size() == 4);
    CHECK(db::list_messages(conn, {.destination = 902, .limit = 50}).size() == 5);
    const auto newest = db::list_messages(conn, {.limit = 1});
    CHECK(newest.front().seq == scalar(conn, "SELECT max(seq) FROM messages"));
    CHECK(!db::find_message(conn, keccak256(to_view("nothing"))));
}

TEST_CASE("a stored amount that is not a uint256 is an error naming it, not a zero", "[db][queue]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    const auto batch = test_messages(2);
    REQUIRE(queue.enqueue(batch).inserted == 2);
    const auto claimed = queue.claim(MessageState::kObserved, 1, "w", 30s);
    REQUIRE(claimed.size() == 1);
    REQUIRE(queue.advance(advance_all(claimed, MessageState::kDelivered), "w").advanced == 1);
    const Hash delivered = claimed[0].id;
    const Hash queued = batch[0].id == delivered ? batch[1].id : batch[0].id;
    db::test::drop_uint256_check(conn);
    {
        pqxx::nontransaction tx(conn.raw());
        tx.exec("UPDATE messages SET amount = -5");
        tx.exec("UPDATE messages_history SET amount = 2::numeric ^ 256");
    }

    CHECK_THROWS_WITH(db::find_message(conn, queued),
                      Catch::Contains("messages.amount for message " + to_hex(queued) +
                                      ": the stored value '-5' is not a uint256 (invalid digit)"));
    CHECK_THROWS_WITH(db::find_message(conn, delivered),
                      Catch::Contains("messages_history.amount for message " + to_hex(delivered) +
                                      ": the stored value '" + std::string(db::test::kTwoTo256) +
                                      "' is not a uint256 (value does not fit in 256 bits)"));
    CHECK_THROWS_WITH(db::list_messages(conn, {}), Catch::Contains("is not a uint256"));
    // A claim that meets it fails whole: the message is not leased.
    CHECK_THROWS_WITH(queue.claim(MessageState::kObserved, 10, "w", 30s),
                      Catch::Contains("messages.amount for message " + to_hex(queued)));
    CHECK(scalar(conn, "SELECT count(*) FROM messages WHERE attempts = 0 AND lease_owner IS NULL") == 1);
}

TEST_CASE("batches touch what they name, whatever the backlog and history, on stale statistics",
          "[db][queue]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    // A backlog and a history, never analysed (as the hot table usually is).
    for (uint32_t first = 0; first < 6000; first += 1000) {
        REQUIRE(queue.enqueue(test_messages(1000, first)).inserted == 1000);
    }
    auto claimed = queue.claim(MessageState::kObserved, 4000, "w", 30s);
    REQUIRE(claimed.size() == 4000);
    REQUIRE(queue.advance(advance_all(claimed, MessageState::kDelivered), "w").advanced == 4000);
    CHECK(scalar(conn, "SELECT count(*) FROM messages") == 2000);
    CHECK(scalar(conn, "SELECT count(*) FROM messages_history") == 4000);

    PlanCapture capture(conn);

    // Enqueue: no scan of either table to find a batch's ids.
    CHECK(queue.enqueue(test_messages(100, 6000)).inserted == 100);
    INFO(capture.joined());
    CHECK(capture.any_contains("Insert on messages"));
    CHECK_FALSE(capture.any_contains("Seq Scan on messages"));
    capture.plans.clear();

    // Claim: an ordered walk of the claim index that stops after the batch; nothing sorted.
    claimed = queue.claim(MessageState::kObserved, 10, "w2", 30s);
    REQUIRE(claimed.size() == 10);
    INFO(capture.joined());
    // How many index entries the walk produced: the batch, not the backlog of 2,100.
    const std::regex walk(
        R"(Index Scan using messages_route_claim on messages \w+ +\([^)]*\) \(actual rows=(\d+))");
    std::smatch found;
    const std::string all = capture.joined();
    REQUIRE(std::regex_search(all, found, walk));
    CHECK(std::stoi(found[1].str()) == 10);
    CHECK_FALSE(capture.any_contains("Sort Key: m.run_at"));
    CHECK_FALSE(capture.any_contains("Bitmap Heap Scan on messages"));
    capture.plans.clear();

    // Delivery: the batch's rows by key, history written, nothing scanned.
    CHECK(queue.advance(advance_all(claimed, MessageState::kDelivered), "w2").advanced == 10);
    INFO(capture.joined());
    CHECK(capture.any_contains("Insert on messages_history"));
    CHECK_FALSE(capture.any_contains("Seq Scan on messages"));
}
