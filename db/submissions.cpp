#include "db/submissions.hpp"

#include <pqxx/pqxx>

#include "db/sql.hpp"

namespace causeway::db {
namespace {

using sql::i64;

constexpr std::string_view kAttemptColumns =
    "chain_id, signer, nonce, tx_hash, array_to_string(message_ids, ','), gas_limit, max_fee_per_gas::text,"
    " max_priority_fee_per_gas::text, status, mined_block_number, raw, destination,"
    " (extract(epoch FROM now() - sent_at) * 1000)::bigint";

std::string id_array(std::span<const Hash> ids) {
    return sql::bytea_array(ids, [](const Hash& h) { return std::optional<ByteView>(h); });
}

StoredAttempt read_attempt(const pqxx::row& row) {
    StoredAttempt s;
    TxAttempt& a = s.attempt;
    a.chain_id = row[0].as<uint64_t>();
    a.signer = sql::read_fixed<20>(row[1]);
    a.nonce = row[2].as<uint64_t>();
    a.tx_hash = sql::read_fixed<32>(row[3]);
    const std::string ids = row[4].as<std::string>();  // \x..,\x..
    for (std::size_t pos = 0; pos < ids.size();) {
        const std::size_t end = std::min(ids.find(',', pos), ids.size());
        auto bytes = from_hex(std::string_view(ids).substr(pos + 2, end - pos - 2), HexPrefix::kOptional);
        if (!bytes || bytes->size() != 32) throw Error("unexpected message id in tx_attempts");
        a.message_ids.push_back(Hash::left_padded(*bytes));
        pos = end + 1;
    }
    a.gas_limit = row[5].as<uint64_t>();
    const auto what = [&a] { return "transaction " + to_hex(a.tx_hash); };
    a.max_fee_per_gas = sql::read_u256(row[6], "tx_attempts.max_fee_per_gas", what);
    a.max_priority_fee_per_gas = sql::read_u256(row[7], "tx_attempts.max_priority_fee_per_gas", what);
    a.status = row[8].as<std::string>();
    a.mined_block_number = sql::optional_of<uint64_t>(row[9]);
    if (!row[10].is_null()) s.raw = sql::read_bytea(row[10]);
    s.destination = sql::optional_of<uint32_t>(row[11]);
    s.age_ms = row[12].as<int64_t>();
    return s;
}

void insert_attempt(pqxx::work& tx, const Submission& s) {
    const TxAttempt& a = s.attempt;
    tx.exec_params(
        "INSERT INTO tx_attempts (chain_id, signer, nonce, tx_hash, message_ids, gas_limit, max_fee_per_gas,"
        " max_priority_fee_per_gas, status, raw, destination) VALUES ($1, $2, $3, $4, $5::bytea[], $6, $7, "
        "$8,"
        " 'pending', $9, $10)",
        i64(a.chain_id), sql::bytea(a.signer), i64(a.nonce), sql::bytea(a.tx_hash), id_array(a.message_ids),
        i64(a.gas_limit), to_decimal(a.max_fee_per_gas), to_decimal(a.max_priority_fee_per_gas),
        sql::bytea(s.raw), static_cast<int64_t>(s.destination));
}

}  // namespace

bool record_submission(Connection& conn, const Submission& s, std::string_view owner) {
    return sql::guarded("record submission", [&] {
        pqxx::work tx(conn.raw());
        sql::use_index_probes(tx);
        const auto moved =
            tx.exec_params1(
                  "WITH moved AS (UPDATE messages SET state = 'submitted', stage = 'submitted',"
                  " attempts = 0, run_at = now(), lease_owner = NULL, lease_expires_at = NULL,"
                  " submitted_at = now(), delivery_tx_hash = $2, held_reason = NULL,"
                  " updated_at = now() WHERE id = ANY ($1::bytea[]) AND lease_owner = $3"
                  " AND stage = 'verified' RETURNING id) SELECT count(*) FROM moved",
                  id_array(s.attempt.message_ids), sql::bytea(s.attempt.tx_hash), std::string(owner))[0]
                .as<std::size_t>();
        if (moved != s.attempt.message_ids.size()) return false;  // the work rolls back
        insert_attempt(tx, s);
        tx.exec_params(
            "INSERT INTO nonces (chain_id, signer, next_nonce) VALUES ($1, $2, $3) ON CONFLICT (chain_id,"
            " signer) DO UPDATE SET next_nonce = greatest(nonces.next_nonce, EXCLUDED.next_nonce),"
            " updated_at = now()",
            i64(s.attempt.chain_id), sql::bytea(s.attempt.signer), i64(s.attempt.nonce + 1));
        sql::notify(tx, conn.queue_channel(), "submitted");
        tx.commit();
        return true;
    });
}

void record_replacement(Connection& conn, const Submission& s) {
    sql::guarded("record replacement", [&] {
        pqxx::work tx(conn.raw());
        sql::use_index_probes(tx);
        insert_attempt(tx, s);
        tx.exec_params(
            "UPDATE messages SET delivery_tx_hash = $2, updated_at = now() WHERE id = ANY ($1::bytea[])"
            " AND stage = 'submitted'",
            id_array(s.attempt.message_ids), sql::bytea(s.attempt.tx_hash));
        tx.commit();
        return 0;
    });
}

std::optional<StoredAttempt> find_attempt(Connection& conn, const Hash& tx_hash) {
    return sql::guarded("find transaction attempt", [&]() -> std::optional<StoredAttempt> {
        pqxx::read_transaction tx(conn.raw());
        const auto rows =
            tx.exec_params("SELECT " + std::string(kAttemptColumns) + " FROM tx_attempts WHERE tx_hash = $1",
                           sql::bytea(tx_hash));
        if (rows.empty()) return std::nullopt;
        return read_attempt(rows[0]);
    });
}

std::vector<StoredAttempt> attempts_at_nonce(Connection& conn, uint64_t chain_id, const Address& signer,
                                             uint64_t nonce) {
    return sql::guarded("read transaction attempts", [&] {
        pqxx::read_transaction tx(conn.raw());
        std::vector<StoredAttempt> out;
        for (const auto& row : tx.exec_params(
                 "SELECT " + std::string(kAttemptColumns) +
                     " FROM tx_attempts WHERE chain_id = $1 AND signer = $2 AND nonce = $3 ORDER BY id",
                 i64(chain_id), sql::bytea(signer), i64(nonce)))
            out.push_back(read_attempt(row));
        return out;
    });
}

std::vector<StoredAttempt> attempts_for_message(Connection& conn, const Hash& message_id) {
    return sql::guarded("read transaction attempts", [&] {
        pqxx::read_transaction tx(conn.raw());
        std::vector<StoredAttempt> out;
        for (const auto& row :
             tx.exec_params("SELECT " + std::string(kAttemptColumns) +
                                " FROM tx_attempts WHERE $1::bytea = ANY (message_ids) ORDER BY id",
                            sql::bytea(message_id)))
            out.push_back(read_attempt(row));
        return out;
    });
}

std::vector<RouteKey> routes_of_messages(Connection& conn, std::span<const Hash> ids) {
    if (ids.empty()) return {};
    return sql::guarded("read the routes of messages", [&] {
        pqxx::read_transaction tx(conn.raw());
        std::vector<RouteKey> out;
        for (const auto& row : tx.exec_params("SELECT DISTINCT origin, destination FROM messages"
                                              " WHERE id = ANY ($1::bytea[]) ORDER BY 1, 2",
                                              id_array(ids)))
            out.emplace_back(row[0].as<uint32_t>(), row[1].as<uint32_t>());
        return out;
    });
}

std::size_t send_back_to_submit(Connection& conn, std::span<const Hash> ids, std::string_view owner,
                                std::string_view reason) {
    if (ids.empty()) return 0;
    return sql::guarded("send messages back to submit", [&] {
        pqxx::work tx(conn.raw());
        sql::use_index_probes(tx);
        const auto n = tx.exec_params(
                             "UPDATE messages SET state = 'verified', stage = 'verified', run_at = now(),"
                             " lease_owner = NULL, lease_expires_at = NULL, delivery_tx_hash = NULL,"
                             " last_error = $3, updated_at = now() WHERE id = ANY ($1::bytea[])"
                             " AND lease_owner = $2 AND stage = 'submitted'",
                             id_array(ids), std::string(owner), std::string(reason))
                           .affected_rows();
        if (n > 0) sql::notify(tx, conn.queue_channel(), "verified");
        tx.commit();
        return static_cast<std::size_t>(n);
    });
}

struct RouteGate::Tx {
    explicit Tx(Connection& c) : work(c.raw()) {}
    pqxx::work work;
};

RouteGate::RouteGate(Connection& conn, std::span<const RouteKey> routes) {
    sql::guarded("hold routes", [&] {
        tx_ = std::make_unique<Tx>(conn);
        std::vector<int64_t> keys;
        for (const auto& [o, d] : routes) keys.push_back(static_cast<int64_t>(o) * 4294967296LL + d);
        std::sort(keys.begin(), keys.end());
        // Key order, as pauses and claims lock routes.
        for (const auto& row : tx_->work.exec_params(
                 "SELECT origin, destination, paused FROM routes WHERE origin * 4294967296 + destination ="
                 " ANY ($1::bigint[]) ORDER BY origin, destination FOR SHARE",
                 sql::plain_array(keys, [](int64_t k) { return std::to_string(k); }))) {
            if (row[2].as<bool>()) paused_.insert({row[0].as<uint32_t>(), row[1].as<uint32_t>()});
        }
        return 0;
    });
}

RouteGate::~RouteGate() {
    try {
        release();
    } catch (...) {
        // The connection's end releases the locks anyway.
    }
}

void RouteGate::release() {
    if (!tx_) return;
    auto tx = std::move(tx_);
    tx->work.commit();
}

}  // namespace causeway::db
