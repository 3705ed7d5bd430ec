// Messages for the db tests: distinct, deterministic, with collateral bodies when an amount is given.
#pragma once

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/keccak.hpp"
#include "core/message.hpp"
#include "db/queue.hpp"

namespace causeway::db::test {

inline Hash block_hash_of(uint64_t n, uint8_t fork = 0) {
    std::string s = "block-" + std::to_string(n) + "-" + std::to_string(fork);
    return keccak256(to_view(s));
}

// Message number `i` of a batch identified by `salt`, from origin to destination.
inline NewMessage test_message(uint32_t i, uint32_t origin = 901, uint32_t destination = 902,
                               std::optional<u256> amount = std::nullopt, uint64_t block = 100,
                               uint8_t fork = 0, const std::string& salt = "t") {
    Message m;
    m.nonce = i;
    m.origin = origin;
    m.destination = destination;
    m.sender = keccak256(to_view("sender-" + salt));
    m.recipient = keccak256(to_view("recipient-" + salt));
    if (amount) {
        CollateralBody body{keccak256(to_view("trader")), *amount, {}};
        encode(m.body, body);
    } else {
        const std::string text = salt + "-" + std::to_string(i);
        m.body.assign(text.begin(), text.end());
    }
    return observed_message(m, block, block_hash_of(block, fork), i % 7);
}

inline std::vector<NewMessage> test_messages(uint32_t count, uint32_t first = 0, uint32_t origin = 901,
                                             uint32_t destination = 902, const std::string& salt = "t") {
    std::vector<NewMessage> out;
    out.reserve(count);
    for (uint32_t i = first; i < first + count; ++i) {
        out.push_back(test_message(i, origin, destination, std::nullopt, 100 + i / 50, 0, salt));
    }
    return out;
}

// One number from the database, for assertions.
inline int64_t scalar(Connection& conn, const std::string& query) {
    pqxx::nontransaction tx(conn.raw());
    return tx.exec1(query)[0].as<int64_t>();
}

// Drops the uint256 domain's check, as a hand-edited schema might, so that a test can store what
// it keeps out (negative, or 2^256 and above) and see what reading it does.
inline void drop_uint256_check(Connection& conn) {
    pqxx::nontransaction tx(conn.raw());
    tx.exec("ALTER DOMAIN uint256 DROP CONSTRAINT uint256_check");
}

// 2^256, the first value a uint256 cannot hold, as PostgreSQL prints it.
inline constexpr std::string_view kTwoTo256 =
    "115792089237316195423570985008687907853269984665640564039457584007913129639936";

// The database's clock, which run_at and the other timestamps follow.
inline Timestamp db_now(Connection& conn) {
    return Timestamp(std::chrono::microseconds(scalar(conn, "SELECT epoch_us(clock_timestamp())")));
}

// How many lock requests matching `which` (a condition on pg_locks) sessions of this (private)
// cluster wait for, once some do, or 0 after two seconds: how a test sees that another
// transaction is blocked.
inline int64_t awaited_locks(Connection& conn, const std::string& which = "true") {
    for (int i = 0; i < 200; ++i) {
        const auto n = scalar(conn, "SELECT count(*) FROM pg_locks WHERE NOT granted AND (" + which + ")");
        if (n > 0) return n;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return 0;
}

// Every claimed message moved on to `to`.
inline std::vector<Advance> advance_all(const std::vector<QueuedMessage>& claimed, MessageState to) {
    std::vector<Advance> out;
    for (const auto& m : claimed) out.push_back({m.id, to, std::nullopt});
    return out;
}

}  // namespace causeway::db::test
