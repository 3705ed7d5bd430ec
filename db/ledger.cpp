#include "db/ledger.hpp"

#include <cstring>
#include <pqxx/pqxx>

#include "core/keccak.hpp"
#include "db/sql.hpp"
#include "db/submissions.hpp"

namespace causeway::db {
namespace {

// The advisory lock key of a stream: the first 8 bytes of keccak256("nonce" | schema | chain | signer).
int64_t stream_key(const std::string& schema, uint64_t chain_id, const Address& signer) {
    std::string material = "causeway.nonce." + schema + "." + std::to_string(chain_id) + ".";
    material.append(reinterpret_cast<const char*>(signer.data()), signer.size());
    const Hash h = keccak256(to_view(material));
    int64_t key;
    std::memcpy(&key, h.data(), sizeof key);
    return key;
}

}  // namespace

using sql::i64;

NonceStream::NonceStream(Connection& conn, uint64_t chain_id, const Address& signer, int64_t key)
    : conn_(&conn), chain_id_(chain_id), signer_(signer), key_(key) {}

NonceStream::NonceStream(NonceStream&& other) noexcept
    : conn_(other.conn_),
      chain_id_(other.chain_id_),
      signer_(other.signer_),
      key_(other.key_),
      held_(other.held_) {
    other.held_ = false;
}

NonceStream::~NonceStream() {
    try {
        release();
    } catch (...) {
        // The lock goes with the session anyway.
    }
}

std::optional<NonceStream> NonceStream::acquire(Connection& conn, uint64_t chain_id, const Address& signer,
                                                uint64_t chain_next) {
    return sql::guarded("acquire nonce stream", [&]() -> std::optional<NonceStream> {
        const int64_t key = stream_key(conn.schema(), chain_id, signer);
        pqxx::nontransaction tx(conn.raw());
        if (!tx.exec_params1("SELECT pg_try_advisory_lock($1)", key)[0].as<bool>()) return std::nullopt;
        tx.exec_params(
            "INSERT INTO nonces (chain_id, signer, next_nonce) VALUES ($1, $2, $3) ON CONFLICT (chain_id,"
            " signer) DO UPDATE SET next_nonce = greatest(nonces.next_nonce, EXCLUDED.next_nonce),"
            " updated_at = now()",
            i64(chain_id), sql::bytea(signer), i64(chain_next));
        return NonceStream(conn, chain_id, signer, key);
    });
}

uint64_t NonceStream::next() {
    if (!held_) throw Error("nonce stream released");
    return sql::guarded("next nonce", [&] {
        pqxx::nontransaction tx(conn_->raw());
        return tx
            .exec_params1(
                "UPDATE nonces SET next_nonce = next_nonce + 1, updated_at = now()"
                " WHERE chain_id = $1 AND signer = $2 RETURNING next_nonce - 1",
                i64(chain_id_), sql::bytea(signer_))[0]
            .as<uint64_t>();
    });
}

uint64_t NonceStream::peek() {
    return sql::guarded("read nonce", [&] {
        pqxx::nontransaction tx(conn_->raw());
        return tx
            .exec_params1("SELECT next_nonce FROM nonces WHERE chain_id = $1 AND signer = $2", i64(chain_id_),
                          sql::bytea(signer_))[0]
            .as<uint64_t>();
    });
}

void NonceStream::reset(uint64_t next_nonce) {
    if (!held_) throw Error("nonce stream released");
    sql::guarded("reset nonce", [&] {
        pqxx::nontransaction tx(conn_->raw());
        tx.exec_params(
            "UPDATE nonces SET next_nonce = $3, updated_at = now() WHERE chain_id = $1 AND signer = $2",
            i64(chain_id_), sql::bytea(signer_), i64(next_nonce));
        return 0;
    });
}

void NonceStream::release() {
    if (!held_) return;
    held_ = false;
    pqxx::nontransaction tx(conn_->raw());
    tx.exec_params("SELECT pg_advisory_unlock($1)", key_);
}

std::optional<uint64_t> stored_next_nonce(Connection& conn, uint64_t chain_id, const Address& signer) {
    return sql::guarded("read nonce", [&]() -> std::optional<uint64_t> {
        pqxx::read_transaction tx(conn.raw());
        const auto rows = tx.exec_params("SELECT next_nonce FROM nonces WHERE chain_id = $1 AND signer = $2",
                                         i64(chain_id), sql::bytea(signer));
        if (rows.empty()) return std::nullopt;
        return rows[0][0].as<uint64_t>();
    });
}

void record_tx_attempt(Connection& conn, const TxAttempt& a) {
    sql::guarded("record transaction attempt", [&] {
        pqxx::nontransaction tx(conn.raw());
        tx.exec_params(
            "INSERT INTO tx_attempts (chain_id, signer, nonce, tx_hash, message_ids, gas_limit,"
            " max_fee_per_gas, max_priority_fee_per_gas, status, mined_block_number) VALUES ($1, $2, $3,"
            " $4, $5::bytea[], $6, $7, $8, $9, $10)",
            i64(a.chain_id), sql::bytea(a.signer), i64(a.nonce), sql::bytea(a.tx_hash),
            sql::bytea_array(a.message_ids, [](const Hash& h) { return std::optional<ByteView>(h); }),
            i64(a.gas_limit), to_decimal(a.max_fee_per_gas), to_decimal(a.max_priority_fee_per_gas), a.status,
            a.mined_block_number ? std::optional<int64_t>(i64(*a.mined_block_number)) : std::nullopt);
        return 0;
    });
}

bool set_tx_status(Connection& conn, const Hash& tx_hash, std::string_view status,
                   std::optional<uint64_t> mined_block_number, std::optional<Hash> mined_block_hash) {
    return sql::guarded("update transaction attempt", [&] {
        pqxx::nontransaction tx(conn.raw());
        return tx.exec_params(
                     "UPDATE tx_attempts SET status = $2, mined_block_number = coalesce($3,"
                     " mined_block_number), mined_block_hash = coalesce($4::bytea, mined_block_hash),"
                     " updated_at = now() WHERE tx_hash = $1",
                     sql::bytea(tx_hash), std::string(status),
                     mined_block_number ? std::optional<int64_t>(i64(*mined_block_number)) : std::nullopt,
                     mined_block_hash ? std::optional<std::string>(sql::bytea(*mined_block_hash))
                                      : std::nullopt)
                   .affected_rows() == 1;
    });
}

std::vector<TxAttempt> tx_attempts_at(Connection& conn, uint64_t chain_id, const Address& signer,
                                      uint64_t nonce) {
    std::vector<TxAttempt> out;
    for (auto& stored : attempts_at_nonce(conn, chain_id, signer, nonce))
        out.push_back(std::move(stored.attempt));
    return out;
}

void store_checkpoint(Connection& conn, const StoredCheckpoint& c) {
    sql::guarded("store checkpoint", [&] {
        pqxx::work tx(conn.raw());
        tx.exec_params(
            "INSERT INTO checkpoints (origin, merkle_tree_hook, index, root, message_id)"
            " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            static_cast<int64_t>(c.origin), sql::bytea(c.merkle_tree_hook), static_cast<int64_t>(c.index),
            sql::bytea(c.root), sql::bytea(c.message_id));
        const auto row = tx.exec_params1(
            "SELECT root = $4 AND message_id = $5 FROM checkpoints"
            " WHERE origin = $1 AND merkle_tree_hook = $2 AND index = $3",
            static_cast<int64_t>(c.origin), sql::bytea(c.merkle_tree_hook), static_cast<int64_t>(c.index),
            sql::bytea(c.root), sql::bytea(c.message_id));
        if (!row[0].as<bool>()) {
            throw Error("a different checkpoint is stored at index " + std::to_string(c.index) +
                        " of origin " + std::to_string(c.origin) + " (equivocation?)");
        }
        tx.commit();
        return 0;
    });
}

void add_checkpoint_signature(Connection& conn, const StoredCheckpoint& c, const CheckpointSignature& sig) {
    sql::guarded("add checkpoint signature", [&] {
        pqxx::nontransaction tx(conn.raw());
        tx.exec_params(
            "INSERT INTO checkpoint_signatures (origin, merkle_tree_hook, index, validator, signature)"
            " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (origin, merkle_tree_hook, index, validator)"
            " DO UPDATE SET signature = EXCLUDED.signature, received_at = now()",
            static_cast<int64_t>(c.origin), sql::bytea(c.merkle_tree_hook), static_cast<int64_t>(c.index),
            sql::bytea(sig.validator), sql::bytea(ByteView(sig.signature.data(), sig.signature.size())));
        return 0;
    });
}

std::optional<StoredCheckpoint> checkpoint_for_message(Connection& conn, const Hash& message_id) {
    return sql::guarded("find checkpoint", [&]() -> std::optional<StoredCheckpoint> {
        pqxx::read_transaction tx(conn.raw());
        const auto rows = tx.exec_params(
            "SELECT origin, merkle_tree_hook, index, root FROM checkpoints WHERE message_id = $1 ORDER BY"
            " index LIMIT 1",
            sql::bytea(message_id));
        if (rows.empty()) return std::nullopt;
        return StoredCheckpoint{rows[0][0].as<uint32_t>(), sql::read_fixed<32>(rows[0][1]),
                                rows[0][2].as<uint32_t>(), sql::read_fixed<32>(rows[0][3]), message_id};
    });
}

std::vector<CheckpointSignature> checkpoint_signatures(Connection& conn, const StoredCheckpoint& c) {
    return sql::guarded("read checkpoint signatures", [&] {
        pqxx::read_transaction tx(conn.raw());
        std::vector<CheckpointSignature> out;
        for (const auto& row :
             tx.exec_params("SELECT validator, signature FROM checkpoint_signatures"
                            " WHERE origin = $1 AND merkle_tree_hook = $2 AND index = $3 ORDER BY validator",
                            static_cast<int64_t>(c.origin), sql::bytea(c.merkle_tree_hook),
                            static_cast<int64_t>(c.index))) {
            CheckpointSignature s;
            s.validator = sql::read_fixed<20>(row[0]);
            const Bytes sig = sql::read_bytea(row[1]);
            std::copy(sig.begin(), sig.end(), s.signature.begin());
            out.push_back(s);
        }
        return out;
    });
}

void record_delivery_evidence(Connection& conn, const DeliveryEvidence& e) {
    sql::guarded("record delivery evidence", [&] {
        pqxx::nontransaction tx(conn.raw());
        tx.exec_params(
            "INSERT INTO delivery_evidence (message_id, security_mode, metadata, validators, threshold)"
            " VALUES ($1, $2, $3, $4::bytea[], $5) ON CONFLICT (message_id) DO UPDATE SET security_mode ="
            " EXCLUDED.security_mode, metadata = EXCLUDED.metadata, validators = EXCLUDED.validators,"
            " threshold = EXCLUDED.threshold, recorded_at = now()",
            sql::bytea(e.message_id), e.security_mode, sql::bytea(e.metadata),
            sql::bytea_array(e.validators, [](const Address& a) { return std::optional<ByteView>(a); }),
            static_cast<int>(e.threshold));
        return 0;
    });
}

std::optional<DeliveryEvidence> delivery_evidence(Connection& conn, const Hash& message_id) {
    return sql::guarded("read delivery evidence", [&]() -> std::optional<DeliveryEvidence> {
        pqxx::read_transaction tx(conn.raw());
        const auto rows = tx.exec_params(
            "SELECT security_mode, metadata, threshold, v FROM delivery_evidence, unnest(validators)"
            " WITH ORDINALITY AS u(v, n) WHERE message_id = $1 ORDER BY n",
            sql::bytea(message_id));
        if (rows.empty()) return std::nullopt;
        DeliveryEvidence e;
        e.message_id = message_id;
        e.security_mode = rows[0][0].as<std::string>();
        e.metadata = sql::read_bytea(rows[0][1]);
        e.threshold = rows[0][2].as<std::size_t>();
        for (const auto& row : rows) e.validators.push_back(sql::read_fixed<20>(row[3]));
        return e;
    });
}

void record_prepared(Connection& conn, std::span<const PreparedEvidence> items) {
    if (items.empty()) return;
    const auto hashes = [&](auto get) {
        return sql::bytea_array(items,
                                [&](const PreparedEvidence& p) { return std::optional<ByteView>(get(p)); });
    };
    const auto numbers = [&](auto get) {
        return sql::plain_array(items, [&](const PreparedEvidence& p) { return std::to_string(get(p)); });
    };
    sql::guarded("record prepared evidence", [&] {
        pqxx::work tx(conn.raw());
        sql::use_index_probes(tx);
        tx.exec_params(
            "INSERT INTO checkpoints (origin, merkle_tree_hook, index, root, message_id)"
            " SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::bigint[], $4::bytea[], $5::bytea[])"
            " ON CONFLICT DO NOTHING",
            numbers([](const PreparedEvidence& p) { return p.checkpoint.origin; }),
            hashes([](const PreparedEvidence& p) -> ByteView { return p.checkpoint.merkle_tree_hook; }),
            numbers([](const PreparedEvidence& p) { return p.checkpoint.index; }),
            hashes([](const PreparedEvidence& p) -> ByteView { return p.checkpoint.root; }),
            hashes([](const PreparedEvidence& p) -> ByteView { return p.checkpoint.message_id; }));
        const auto clash = tx.exec_params(
            "SELECT c.origin, c.index FROM checkpoints c JOIN unnest($1::bigint[], $2::bytea[], $3::bigint[],"
            " $4::bytea[], $5::bytea[]) AS n(origin, hook, index, root, id) ON c.origin = n.origin AND"
            " c.merkle_tree_hook = n.hook AND c.index = n.index WHERE c.root <> n.root OR c.message_id <> "
            "n.id"
            " LIMIT 1",
            numbers([](const PreparedEvidence& p) { return p.checkpoint.origin; }),
            hashes([](const PreparedEvidence& p) -> ByteView { return p.checkpoint.merkle_tree_hook; }),
            numbers([](const PreparedEvidence& p) { return p.checkpoint.index; }),
            hashes([](const PreparedEvidence& p) -> ByteView { return p.checkpoint.root; }),
            hashes([](const PreparedEvidence& p) -> ByteView { return p.checkpoint.message_id; }));
        if (!clash.empty()) {
            throw Error("a different checkpoint is stored at index " + clash[0][1].as<std::string>() +
                        " of origin " + clash[0][0].as<std::string>() + " (equivocation?)");
        }
        // Signatures, flattened.
        std::vector<const PreparedEvidence*> owner;
        std::vector<const CheckpointSignature*> sigs;
        for (const auto& p : items) {
            for (const auto& s : p.signatures) {
                owner.push_back(&p);
                sigs.push_back(&s);
            }
        }
        std::vector<std::size_t> at(sigs.size());
        for (std::size_t i = 0; i < at.size(); ++i) at[i] = i;
        tx.exec_params(
            "INSERT INTO checkpoint_signatures (origin, merkle_tree_hook, index, validator, signature)"
            " SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::bigint[], $4::bytea[], $5::bytea[])"
            " ON CONFLICT (origin, merkle_tree_hook, index, validator) DO UPDATE SET signature = "
            "EXCLUDED.signature,"
            " received_at = now()",
            sql::plain_array(at, [&](std::size_t i) { return std::to_string(owner[i]->checkpoint.origin); }),
            sql::bytea_array(at,
                             [&](std::size_t i) {
                                 return std::optional<ByteView>(owner[i]->checkpoint.merkle_tree_hook);
                             }),
            sql::plain_array(at, [&](std::size_t i) { return std::to_string(owner[i]->checkpoint.index); }),
            sql::bytea_array(at, [&](std::size_t i) { return std::optional<ByteView>(sigs[i]->validator); }),
            sql::bytea_array(at, [&](std::size_t i) {
                return std::optional<ByteView>(
                    ByteView(sigs[i]->signature.data(), sigs[i]->signature.size()));
            }));
        // Evidence: the validator sets as one array literal each (bytea[] per row), joined by position.
        std::vector<std::string> sets;
        for (const auto& p : items)
            sets.push_back(sql::bytea_array(p.evidence.validators,
                                            [](const Address& a) { return std::optional<ByteView>(a); }));
        const auto set_json = [&] {
            std::string out = "[";
            for (std::size_t i = 0; i < sets.size(); ++i) {
                out += (i ? ",\"" : "\"");
                for (const char c : sets[i]) {
                    if (c == '"' || c == '\\') out += '\\';
                    out += c;
                }
                out += '"';
            }
            return out + "]";
        }();
        tx.exec_params(
            "INSERT INTO delivery_evidence (message_id, security_mode, metadata, validators, threshold)"
            " SELECT e.id, e.mode, e.metadata, (s.v #>> '{}')::bytea[], e.threshold"
            " FROM unnest($1::bytea[], $2::text[], $3::bytea[], $4::int[]) WITH ORDINALITY AS e(id, mode, "
            "metadata,"
            " threshold, n) JOIN jsonb_array_elements($5::jsonb) WITH ORDINALITY AS s(v, n) USING (n)"
            " ON CONFLICT (message_id) DO UPDATE SET security_mode = EXCLUDED.security_mode, metadata ="
            " EXCLUDED.metadata, validators = EXCLUDED.validators, threshold = EXCLUDED.threshold, "
            "recorded_at = now()",
            hashes([](const PreparedEvidence& p) -> ByteView { return p.evidence.message_id; }),
            sql::plain_array(items, [](const PreparedEvidence& p) { return p.evidence.security_mode; }),
            hashes([](const PreparedEvidence& p) -> ByteView { return p.evidence.metadata; }),
            numbers([](const PreparedEvidence& p) { return p.evidence.threshold; }), set_json);
        tx.commit();
        return 0;
    });
}

std::map<Hash, CheckpointEvidence> checkpoint_evidence(Connection& conn, std::span<const Hash> message_ids) {
    std::map<Hash, CheckpointEvidence> out;
    if (message_ids.empty()) return out;
    return sql::guarded("read checkpoint evidence", [&] {
        pqxx::read_transaction tx(conn.raw());
        sql::use_index_probes(tx);
        for (const auto& row : tx.exec_params(
                 "SELECT c.message_id, c.origin, c.merkle_tree_hook, c.index, c.root, s.validator, "
                 "s.signature"
                 " FROM checkpoints c LEFT JOIN checkpoint_signatures s USING (origin, merkle_tree_hook, "
                 "index)"
                 " WHERE c.message_id = ANY ($1::bytea[]) ORDER BY c.message_id, s.validator",
                 sql::bytea_array(message_ids, [](const Hash& h) { return std::optional<ByteView>(h); }))) {
            const Hash id = sql::read_fixed<32>(row[0]);
            auto [it, fresh] = out.try_emplace(id);
            if (fresh) {
                it->second.checkpoint =
                    StoredCheckpoint{row[1].as<uint32_t>(), sql::read_fixed<32>(row[2]),
                                     row[3].as<uint32_t>(), sql::read_fixed<32>(row[4]), id};
            }
            if (row[5].is_null()) continue;
            CheckpointSignature s;
            s.validator = sql::read_fixed<20>(row[5]);
            const Bytes sig = sql::read_bytea(row[6]);
            std::copy(sig.begin(), sig.end(), s.signature.begin());
            it->second.signatures.push_back(s);
        }
        return out;
    });
}

}  // namespace causeway::db
