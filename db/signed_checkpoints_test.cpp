// A validator's signed checkpoints: recorded once per index, never another root for a recorded
// index, appended in order, and an edited or deleted row found by verify().
#include "db/signed_checkpoints.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include "core/keccak.hpp"
#include "db/test_messages.hpp"
#include "tests/support/postgres.hpp"

using namespace causeway;
using db::test::scalar;

namespace {

Hash h(const std::string& s) {
    return keccak256(to_view(s));
}

Address validator_of(uint8_t b) {
    Address a;
    a[19] = b;
    return a;
}

db::SignedCheckpoint checkpoint(uint32_t origin, uint32_t index, const std::string& root = "root") {
    db::SignedCheckpoint c;
    c.origin = origin;
    c.index = index;
    c.merkle_tree_hook = h("hook");
    c.root = h(root + std::to_string(index));
    c.message_id = h("id" + std::to_string(index));
    c.signature.fill(static_cast<uint8_t>(index + 1));
    return c;
}

const auto kAnySignature = [](const db::SignedCheckpoint&) { return true; };

}  // namespace

TEST_CASE("signed checkpoints: once per index, never another root, only appended", "[db][validator]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::SignedCheckpointStore store(conn, validator_of(1));
    CHECK_FALSE(store.latest(901));
    CHECK(store.record(checkpoint(901, 0)) == db::RecordOutcome::kRecorded);
    CHECK(store.record(checkpoint(901, 1)) == db::RecordOutcome::kRecorded);
    CHECK(store.record(checkpoint(901, 1)) == db::RecordOutcome::kAlreadySigned);
    CHECK(store.at(901, 1) == checkpoint(901, 1));
    CHECK(store.latest(901) == checkpoint(901, 1));

    // Another root (or message id) at a recorded index: refused, nothing stored.
    CHECK_THROWS_WITH(store.record(checkpoint(901, 1, "other")),
                      Catch::Contains("refusing to sign origin 901 index 1 again with another root"));
    auto other_id = checkpoint(901, 1);
    other_id.message_id = h("another id");
    CHECK_THROWS_AS(store.record(other_id), db::Error);
    CHECK(store.at(901, 1) == checkpoint(901, 1));

    // Indexes may be skipped forward, never filled in behind.
    CHECK(store.record(checkpoint(901, 5)) == db::RecordOutcome::kRecorded);
    CHECK_THROWS_WITH(store.record(checkpoint(901, 3)), Catch::Contains("rows are only appended"));
    CHECK_FALSE(store.at(901, 3));

    // Origins and validators are separate.
    CHECK(store.record(checkpoint(902, 0)) == db::RecordOutcome::kRecorded);
    db::SignedCheckpointStore other(conn, validator_of(2));
    CHECK_FALSE(other.latest(901));
    CHECK(other.record(checkpoint(901, 1, "theirs")) == db::RecordOutcome::kRecorded);
    CHECK(store.verify(kAnySignature) == 4);
    CHECK(other.verify(kAnySignature) == 1);
}

TEST_CASE("signed checkpoints: an edited or deleted row stops verify", "[db][validator]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::SignedCheckpointStore store(conn, validator_of(1));
    for (uint32_t i = 0; i < 4; ++i)
        REQUIRE(store.record(checkpoint(901, i)) == db::RecordOutcome::kRecorded);
    CHECK(store.verify(kAnySignature) == 4);

    // A signature the caller does not accept.
    CHECK_THROWS_WITH(store.verify([](const db::SignedCheckpoint& c) { return c.index != 2; }),
                      Catch::Contains("at origin 901 index 2: the signature is not this validator's"));

    SECTION("an edited root") {
        pqxx::nontransaction(conn.raw())
            .exec("UPDATE signed_checkpoints SET root = '\\x" + std::string(64, 'a') + "' WHERE idx = 1");
        CHECK_THROWS_WITH(store.verify(kAnySignature),
                          Catch::Contains("tampered with at origin 901 index 1"));
    }
    SECTION("a deleted row between others") {
        pqxx::nontransaction(conn.raw()).exec("DELETE FROM signed_checkpoints WHERE idx = 1");
        CHECK(scalar(conn, "SELECT count(*) FROM signed_checkpoints") == 3);
        CHECK_THROWS_WITH(store.verify(kAnySignature),
                          Catch::Contains("tampered with at origin 901 index 2"));
    }
    SECTION("an edited chain hash") {
        pqxx::nontransaction(conn.raw())
            .exec("UPDATE signed_checkpoints SET chain_hash = '\\x" + std::string(64, 'b') +
                  "' WHERE idx = 3");
        CHECK_THROWS_WITH(store.verify(kAnySignature), Catch::Contains("index 3"));
    }
}
