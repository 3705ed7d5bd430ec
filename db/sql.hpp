// Helpers shared by the db .cpp files: how causeway values travel as PostgreSQL text parameters
// (bytea as \x..., arrays as literals) and how they read back.
#pragma once

#include <chrono>
#include <optional>
#include <pqxx/pqxx>
#include <span>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/hex.hpp"
#include "core/u256.hpp"
#include "db/connection.hpp"

namespace causeway::db::sql {

inline std::string bytea(ByteView v) {
    return "\\x" + to_hex(v, false);
}

// {"\\x..","\\x.."}: an array literal of bytea values (NULL for a missing one).
template <typename Range, typename Get>
std::string bytea_array(const Range& items, Get get) {
    std::string out = "{";
    bool first = true;
    for (const auto& item : items) {
        if (!first) out += ',';
        first = false;
        const std::optional<ByteView> v = get(item);
        if (v) {
            out += "\"\\\\x";
            out += to_hex(*v, false);
            out += '"';
        } else {
            out += "NULL";
        }
    }
    out += '}';
    return out;
}

// {a,b,c} of values that need no quoting (numbers, enum names).
template <typename Range, typename Get>
std::string plain_array(const Range& items, Get get) {
    std::string out = "{";
    bool first = true;
    for (const auto& item : items) {
        if (!first) out += ',';
        first = false;
        out += get(item);
    }
    out += '}';
    return out;
}

// PostgreSQL's bigint for an unsigned value (an Error past INT64_MAX rather than a negative number).
inline int64_t i64(uint64_t v) {
    if (v > static_cast<uint64_t>(INT64_MAX))
        throw Error("value too large for the database: " + std::to_string(v));
    return static_cast<int64_t>(v);
}

inline std::string interval_ms(std::chrono::milliseconds d) {
    return std::to_string(d.count()) + " milliseconds";
}

// A bytea column as PostgreSQL prints it (\x...).
inline Bytes read_bytea(const pqxx::field& f) {
    const std::string_view text(f.c_str(), f.size());
    if (text.size() < 2 || text[0] != '\\' || text[1] != 'x')
        throw Error("unexpected bytea text from the database");
    auto bytes = from_hex(text.substr(2), HexPrefix::kOptional);
    if (!bytes) throw Error("unexpected bytea text from the database");
    return *std::move(bytes);
}

template <std::size_t N>
FixedBytes<N> read_fixed(const pqxx::field& f) {
    const Bytes b = read_bytea(f);
    if (b.size() != N) throw Error("unexpected bytea length from the database");
    FixedBytes<N> out;
    std::copy(b.begin(), b.end(), out.bytes.begin());
    return out;
}

// Timestamps travel as microseconds since the epoch (epoch_us in SQL; NULL for 'infinity').
inline std::chrono::sys_time<std::chrono::microseconds> read_time(const pqxx::field& f) {
    return std::chrono::sys_time<std::chrono::microseconds>(std::chrono::microseconds(f.as<int64_t>()));
}
inline std::optional<std::chrono::sys_time<std::chrono::microseconds>> read_optional_time(
    const pqxx::field& f) {
    if (f.is_null()) return std::nullopt;
    return read_time(f);
}

// A uint256 column (or a sum of one) read as text. The uint256 domain keeps bad values out, so one
// that is there anyway (a dropped check, a hand edit, a sum past 2^256) is corrupt data: an Error
// naming the column, the row (`row()`, called only then: "message 0x...") and the text, never a
// zero.
template <typename Row>
u256 read_u256(const pqxx::field& f, std::string_view column, Row&& row) {
    const std::string_view text(f.c_str(), f.size());
    const auto value = parse_u256(text);
    if (!value) {
        throw Error(std::string(column) + " for " + row() + ": the stored value '" + std::string(text) +
                    "' is not a uint256 (" + std::string(to_string(value.error())) + ")");
    }
    return *value;
}

template <typename T>
std::optional<T> optional_of(const pqxx::field& f) {
    if (f.is_null()) return std::nullopt;
    return f.as<T>();
}

// For the rest of the transaction: statements keyed by lists of ids probe indexes. The hot
// queue churns faster than autovacuum analyses it, and on stale statistics the planner would
// otherwise scan whole tables (history included) for a batch of a few hundred ids.
inline void use_index_probes(pqxx::transaction_base& tx) {
    tx.exec("SET LOCAL enable_seqscan = off");
}

// Wraps libpqxx's failures in db::Error, saying what was being done.
template <typename F>
auto guarded(std::string_view what, F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const Error&) {
        throw;
    } catch (const pqxx::failure& e) {
        std::string reason = e.what();
        while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
        throw Error(std::string(what) + ": " + reason);
    }
}

// NOTIFY `channel` with `payload` when the transaction commits.
inline void notify(pqxx::transaction_base& tx, const std::string& channel, std::string_view payload) {
    tx.exec_params("SELECT pg_notify($1, $2)", channel, std::string(payload));
}

// Wakes the workers of every stage (rows came back claimable at no stage in particular).
inline void notify_every_stage(pqxx::transaction_base& tx, const Connection& conn) {
    for (const auto stage : {"observed", "verified", "submitted"}) notify(tx, conn.queue_channel(), stage);
}

}  // namespace causeway::db::sql
