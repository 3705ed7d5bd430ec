#include "db/signed_checkpoints.hpp"

#include <limits>

#include <pqxx/pqxx>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "db/sql.hpp"

namespace causeway::db {
namespace {

constexpr std::string_view kColumns =
    "origin, idx, merkle_tree_hook, root, message_id, signature, chain_hash";

SignedCheckpoint read_row(const pqxx::row& row) {
    SignedCheckpoint c;
    c.origin = row[0].as<uint32_t>();
    c.index = row[1].as<uint32_t>();
    c.merkle_tree_hook = sql::read_fixed<32>(row[2]);
    c.root = sql::read_fixed<32>(row[3]);
    c.message_id = sql::read_fixed<32>(row[4]);
    const auto sig = sql::read_bytea(row[5]);
    if (sig.size() != c.signature.size()) throw Error("signed_checkpoints: a signature is not 65 bytes");
    std::copy(sig.begin(), sig.end(), c.signature.begin());
    return c;
}

std::string describe(const SignedCheckpoint& c) {
    return "origin " + std::to_string(c.origin) + " index " + std::to_string(c.index);
}

}  // namespace

Hash SignedCheckpointStore::chain_hash(const Hash& previous, const SignedCheckpoint& c) {
    Bytes preimage(previous.view());
    const auto be32 = [&](uint32_t v) {
        for (int shift = 24; shift >= 0; shift -= 8) preimage.push_back(static_cast<uint8_t>(v >> shift));
    };
    be32(c.origin);
    be32(c.index);
    preimage.append(c.merkle_tree_hook.view());
    preimage.append(c.root.view());
    preimage.append(c.message_id.view());
    preimage.append(ByteView(c.signature.data(), c.signature.size()));
    return keccak256(preimage);
}

SignedCheckpointStore::SignedCheckpointStore(Connection& conn, const Address& validator)
    : conn_(conn), validator_(validator) {}

std::size_t SignedCheckpointStore::verify(const std::function<bool(const SignedCheckpoint&)>& signature_ok) {
    return sql::guarded("signed checkpoints verify", [&] {
        pqxx::read_transaction tx(conn_.raw());
        std::size_t checked = 0;
        std::optional<uint32_t> origin;
        Hash previous{};
        for (const auto& row :
             tx.exec_params("SELECT " + std::string(kColumns) +
                                " FROM signed_checkpoints WHERE validator = $1 ORDER BY origin, idx",
                            sql::bytea(validator_))) {
            const auto c = read_row(row);
            if (origin != c.origin) previous = Hash{};
            origin = c.origin;
            if (chain_hash(previous, c) != sql::read_fixed<32>(row[6])) {
                throw Error("the signed checkpoints store was tampered with at " + describe(c) +
                            ": its chain hash does not follow from the row before (a row edited or deleted)");
            }
            if (!signature_ok(c)) {
                throw Error("the signed checkpoints store was tampered with at " + describe(c) +
                            ": the signature is not this validator's over that checkpoint");
            }
            previous = sql::read_fixed<32>(row[6]);
            ++checked;
        }
        return checked;
    });
}

RecordOutcome SignedCheckpointStore::record(const SignedCheckpoint& c) {
    return sql::guarded("signed checkpoints record", [&] {
        pqxx::work tx(conn_.raw());
        // One writer per (validator, origin) at a time: the newest row is locked while deciding.
        tx.exec_params("SELECT pg_advisory_xact_lock(hashtext($1))",
                       "signed_checkpoints " + to_hex(validator_) + " " + std::to_string(c.origin));
        const auto same = tx.exec_params(
            "SELECT " + std::string(kColumns) +
                " FROM signed_checkpoints WHERE validator = $1 AND origin = $2 AND idx = $3",
            sql::bytea(validator_), static_cast<int64_t>(c.origin), static_cast<int64_t>(c.index));
        if (!same.empty()) {
            const auto stored = read_row(same[0]);
            if (stored.root != c.root || stored.message_id != c.message_id ||
                stored.merkle_tree_hook != c.merkle_tree_hook) {
                throw Error("refusing to sign " + describe(c) +
                            " again with another root or message id (signed " + to_hex(stored.root) +
                            " for " + to_hex(stored.message_id) + ", asked " + to_hex(c.root) + " for " +
                            to_hex(c.message_id) + ")");
            }
            return RecordOutcome::kAlreadySigned;
        }
        const auto newest = tx.exec_params(
            "SELECT idx, chain_hash FROM signed_checkpoints WHERE validator = $1 AND origin = $2 ORDER BY "
            "idx DESC LIMIT 1",
            sql::bytea(validator_), static_cast<int64_t>(c.origin));
        Hash previous{};
        if (!newest.empty()) {
            if (newest[0][0].as<uint32_t>() > c.index) {
                throw Error("refusing to sign " + describe(c) + ": index " + newest[0][0].as<std::string>() +
                            " is signed already, and rows are only appended");
            }
            previous = sql::read_fixed<32>(newest[0][1]);
        }
        tx.exec_params("INSERT INTO signed_checkpoints (validator, " + std::string(kColumns) +
                           ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                       sql::bytea(validator_), static_cast<int64_t>(c.origin), static_cast<int64_t>(c.index),
                       sql::bytea(c.merkle_tree_hook), sql::bytea(c.root), sql::bytea(c.message_id),
                       sql::bytea(ByteView(c.signature.data(), c.signature.size())),
                       sql::bytea(chain_hash(previous, c)));
        tx.commit();
        return RecordOutcome::kRecorded;
    });
}

std::optional<SignedCheckpoint> SignedCheckpointStore::at(uint32_t origin, uint32_t index) {
    return sql::guarded("signed checkpoint", [&]() -> std::optional<SignedCheckpoint> {
        pqxx::read_transaction tx(conn_.raw());
        const auto rows =
            tx.exec_params("SELECT " + std::string(kColumns) +
                               " FROM signed_checkpoints WHERE validator = $1 AND origin = $2 AND idx = $3",
                           sql::bytea(validator_), static_cast<int64_t>(origin), static_cast<int64_t>(index));
        if (rows.empty()) return std::nullopt;
        return read_row(rows[0]);
    });
}

std::optional<SignedCheckpoint> SignedCheckpointStore::latest(uint32_t origin) {
    return sql::guarded("latest signed checkpoint", [&]() -> std::optional<SignedCheckpoint> {
        pqxx::read_transaction tx(conn_.raw());
        const auto rows = tx.exec_params("SELECT " + std::string(kColumns) +
                                             " FROM signed_checkpoints WHERE validator = $1 AND origin = $2"
                                             " ORDER BY idx DESC LIMIT 1",
                                         sql::bytea(validator_), static_cast<int64_t>(origin));
        if (rows.empty()) return std::nullopt;
        return read_row(rows[0]);
    });
}

std::vector<SignedCheckpoint> SignedCheckpointStore::range(uint32_t origin, uint32_t from, uint32_t to) {
    return sql::guarded("signed checkpoints", [&] {
        pqxx::read_transaction tx(conn_.raw());
        std::vector<SignedCheckpoint> out;
        for (const auto& row :
             tx.exec_params("SELECT " + std::string(kColumns) +
                                " FROM signed_checkpoints WHERE validator = $1 AND origin = $2"
                                " AND idx BETWEEN $3 AND $4 ORDER BY idx",
                            sql::bytea(validator_), static_cast<int64_t>(origin), static_cast<int64_t>(from),
                            static_cast<int64_t>(to))) {
            out.push_back(read_row(row));
        }
        return out;
    });
}

std::vector<SignedCheckpoint> SignedCheckpointStore::all(uint32_t origin) {
    return range(origin, 0, std::numeric_limits<uint32_t>::max());
}

std::vector<std::chrono::sys_time<std::chrono::microseconds>> signing_times(Connection& conn, uint32_t origin,
                                                                            uint32_t index) {
    return sql::guarded("signing times", [&] {
        pqxx::read_transaction tx(conn.raw());
        std::vector<std::chrono::sys_time<std::chrono::microseconds>> out;
        for (const auto& row : tx.exec_params("SELECT epoch_us(signed_at) FROM signed_checkpoints"
                                              " WHERE origin = $1 AND idx = $2 ORDER BY signed_at",
                                              static_cast<int64_t>(origin), static_cast<int64_t>(index)))
            out.push_back(sql::read_time(row[0]));
        return out;
    });
}

}  // namespace causeway::db
