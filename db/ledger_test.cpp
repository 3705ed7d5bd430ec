#include "db/ledger.hpp"

#include <catch2/catch.hpp>
#include <mutex>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "db/test_messages.hpp"
#include "db/test_threads.hpp"
#include "tests/support/postgres.hpp"

using namespace causeway;
using db::test::scalar;

namespace {
Address address_of(std::string_view name) {
    return Address::left_padded(keccak256(to_view(name)).view());
}
Hash hash_of(std::string_view name) {
    return keccak256(to_view(name));
}
}  // namespace

TEST_CASE("one session at a time owns a nonce stream", "[db][ledger]") {
    test::Postgres pg;
    auto a = pg.migrated();
    auto b = pg.connect();
    const Address signer = address_of("relayer");

    auto stream = db::NonceStream::acquire(a, 902, signer, 7);
    REQUIRE(stream);
    CHECK(!db::NonceStream::acquire(b, 902, signer, 7));             // held by a
    CHECK(db::NonceStream::acquire(b, 901, signer, 0).has_value());  // another chain: its own stream
    CHECK(stream->next() == 7);
    CHECK(stream->next() == 8);
    CHECK(stream->peek() == 9);
    stream->reset(20);
    CHECK(stream->next() == 20);

    // Released, b takes over where a stopped, even when the chain reports an older nonce.
    stream->release();
    auto taken = db::NonceStream::acquire(b, 902, signer, 12);
    REQUIRE(taken);
    CHECK(taken->next() == 21);
    CHECK_THROWS_WITH(stream->next(), Catch::Contains("released"));
}

TEST_CASE("a nonce stream is freed when its session ends", "[db][ledger]") {
    test::Postgres pg;
    auto survivor = pg.migrated();
    auto doomed = pg.connect();
    const Address signer = address_of("relayer");
    auto stream = db::NonceStream::acquire(doomed, 902, signer, 0);
    REQUIRE(stream);
    CHECK(stream->next() == 0);
    CHECK(!db::NonceStream::acquire(survivor, 902, signer, 0));

    // The replica's connection dies without releasing anything.
    {
        pqxx::nontransaction tx(survivor.raw());
        tx.exec(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'causeway-test'"
            " AND pid <> pg_backend_pid() AND datname = current_database()");
    }
    bool taken = false;
    for (int i = 0; i < 100 && !taken; ++i) {
        if (auto s = db::NonceStream::acquire(survivor, 902, signer, 0)) {
            CHECK(s->next() == 1);
            taken = true;
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    CHECK(taken);
}

TEST_CASE("concurrent replicas never hand out the same nonce", "[db][ledger]") {
    test::Postgres pg;
    (void)pg.migrated();
    const Address signer = address_of("relayer");
    std::mutex mutex;
    std::vector<uint64_t> handed;
    std::vector<std::thread> replicas;
    db::test::ThreadErrors errors;
    for (int r = 0; r < 4; ++r) {
        replicas.push_back(errors.start([&] {
            auto conn = pg.connect();
            for (int round = 0; round < 200; ++round) {
                auto stream = db::NonceStream::acquire(conn, 902, signer, 0);
                if (!stream) continue;
                const auto n = stream->next();
                std::lock_guard lock(mutex);
                handed.push_back(n);
            }
        }));
    }
    for (auto& t : replicas) t.join();
    INFO(errors.joined());
    CHECK(errors.count() == 0);
    const std::set<uint64_t> distinct(handed.begin(), handed.end());
    CHECK(!handed.empty());
    CHECK(distinct.size() == handed.size());
    CHECK(*distinct.rbegin() == handed.size() - 1);  // no gaps either
}

TEST_CASE("transaction attempts are recorded per nonce, replacements included", "[db][ledger]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    const Address signer = address_of("relayer");
    db::TxAttempt first{902,
                        signer,
                        5,
                        hash_of("tx1"),
                        {hash_of("m1"), hash_of("m2")},
                        300'000,
                        u256{30'000'000'000ULL},
                        u256{1'000'000'000}};
    db::record_tx_attempt(conn, first);
    auto bumped = first;
    bumped.tx_hash = hash_of("tx2");
    bumped.max_fee_per_gas = u256{45'000'000'000ULL};
    db::record_tx_attempt(conn, bumped);
    CHECK(db::set_tx_status(conn, first.tx_hash, "replaced"));
    CHECK(db::set_tx_status(conn, bumped.tx_hash, "mined", 1234, hash_of("block")));
    CHECK(!db::set_tx_status(conn, hash_of("unknown"), "mined"));
    CHECK_THROWS(db::record_tx_attempt(conn, bumped));  // the same hash twice
    CHECK_THROWS(db::set_tx_status(conn, first.tx_hash, "vanished"));

    const auto attempts = db::tx_attempts_at(conn, 902, signer, 5);
    REQUIRE(attempts.size() == 2);
    CHECK(attempts[0].tx_hash == first.tx_hash);
    CHECK(attempts[0].status == "replaced");
    CHECK(attempts[0].message_ids == first.message_ids);
    CHECK(attempts[1].status == "mined");
    CHECK(attempts[1].mined_block_number == 1234u);
    CHECK(attempts[1].max_fee_per_gas == u256{45'000'000'000ULL});
    CHECK(attempts[1].gas_limit == 300'000u);
    CHECK(db::tx_attempts_at(conn, 902, signer, 6).empty());
}

TEST_CASE("a stored fee that is not a uint256 is an error naming it, not a zero", "[db][ledger]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    const Address signer = address_of("relayer");
    const db::TxAttempt attempt{902,
                                signer,
                                5,
                                hash_of("tx1"),
                                {hash_of("m1")},
                                300'000,
                                u256{30'000'000'000ULL},
                                u256{1'000'000'000}};
    db::record_tx_attempt(conn, attempt);
    db::test::drop_uint256_check(conn);
    pqxx::nontransaction(conn.raw()).exec("UPDATE tx_attempts SET max_priority_fee_per_gas = -1");
    CHECK_THROWS_WITH(
        db::tx_attempts_at(conn, 902, signer, 5),
        Catch::Contains("tx_attempts.max_priority_fee_per_gas for transaction " + to_hex(attempt.tx_hash) +
                        ": the stored value '-1' is not a uint256 (invalid digit)"));
    pqxx::nontransaction(conn.raw())
        .exec("UPDATE tx_attempts SET max_priority_fee_per_gas = 1, max_fee_per_gas = 2::numeric ^ 256");
    CHECK_THROWS_WITH(
        db::tx_attempts_at(conn, 902, signer, 5),
        Catch::Contains("tx_attempts.max_fee_per_gas for transaction " + to_hex(attempt.tx_hash) +
                        ": the stored value '" + std::string(db::test::kTwoTo256) +
                        "' is not a uint256 (value does not fit in 256 bits)"));
}

TEST_CASE("checkpoints and their signatures, and a conflicting checkpoint refused", "[db][ledger]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    const db::StoredCheckpoint cp{901, hash_of("hook"), 41, hash_of("root41"), hash_of("message41")};
    db::store_checkpoint(conn, cp);
    db::store_checkpoint(conn, cp);  // the same again: fine
    auto other = cp;
    other.root = hash_of("another root");
    CHECK_THROWS_WITH(db::store_checkpoint(conn, other), Catch::Contains("equivocation"));
    CHECK(scalar(conn, "SELECT count(*) FROM checkpoints") == 1);

    db::CheckpointSignature s1{address_of("v1"), {}};
    db::CheckpointSignature s2{address_of("v2"), {}};
    s1.signature.fill(0x11);
    s2.signature.fill(0x22);
    db::add_checkpoint_signature(conn, cp, s2);
    db::add_checkpoint_signature(conn, cp, s1);
    s1.signature[64] = 0x1c;
    db::add_checkpoint_signature(conn, cp, s1);  // replaced, not duplicated
    const auto sigs = db::checkpoint_signatures(conn, cp);
    REQUIRE(sigs.size() == 2);
    const auto& by_v1 = sigs[0].validator == s1.validator ? sigs[0] : sigs[1];
    CHECK(by_v1.signature == s1.signature);

    const auto found = db::checkpoint_for_message(conn, hash_of("message41"));
    REQUIRE(found);
    CHECK(found->index == 41u);
    CHECK(found->root == cp.root);
    CHECK(!db::checkpoint_for_message(conn, hash_of("nothing")));
    auto unknown = cp;
    unknown.index = 42;
    CHECK_THROWS(db::add_checkpoint_signature(conn, unknown, s1));  // no such checkpoint
}
