// What the submitter and validators keep next to the queue: one nonce stream per (chain, signer)
// owned through an advisory lock, the transactions sent for messages, and validator checkpoints
// with the signatures gathered for them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "core/u256.hpp"
#include "db/connection.hpp"

namespace causeway::db {

// The nonces of one (chain, signer). Only one session at a time owns a stream (a session advisory
// lock), so several relayer replicas on one database never hand out the same nonce. Keep the
// Connection for as long as the stream is used; closing it releases the stream.
class NonceStream {
  public:
    // Takes the stream, or nullopt when another session owns it. `chain_next` is the signer's
    // pending nonce on chain: the stream starts from the higher of it and what was stored.
    static std::optional<NonceStream> acquire(Connection& conn, uint64_t chain_id, const Address& signer,
                                              uint64_t chain_next);
    NonceStream(NonceStream&&) noexcept;
    NonceStream& operator=(NonceStream&&) = delete;
    ~NonceStream();

    // Reserves and returns the next nonce.
    uint64_t next();
    [[nodiscard]] uint64_t peek();
    // After resynchronising with the chain (a dropped transaction, say).
    void reset(uint64_t next_nonce);
    // Gives the stream up before the object goes.
    void release();

  private:
    NonceStream(Connection& conn, uint64_t chain_id, const Address& signer, int64_t key);
    Connection* conn_;
    uint64_t chain_id_;
    Address signer_;
    int64_t key_;
    bool held_ = true;
};

// The next nonce the stream of (chain, signer) will hand out, as stored; nullopt before its first use.
[[nodiscard]] std::optional<uint64_t> stored_next_nonce(Connection& conn, uint64_t chain_id,
                                                        const Address& signer);

struct TxAttempt {
    uint64_t chain_id = 0;
    Address signer;
    uint64_t nonce = 0;
    Hash tx_hash;
    std::vector<Hash> message_ids;
    uint64_t gas_limit = 0;
    u256 max_fee_per_gas;
    u256 max_priority_fee_per_gas;
    std::string status = "pending";  // pending, mined, reverted, replaced, dropped
    std::optional<uint64_t> mined_block_number{};
};

void record_tx_attempt(Connection& conn, const TxAttempt& attempt);
// Returns false when no attempt has that hash.
bool set_tx_status(Connection& conn, const Hash& tx_hash, std::string_view status,
                   std::optional<uint64_t> mined_block_number = std::nullopt,
                   std::optional<Hash> mined_block_hash = std::nullopt);
// Every attempt at one nonce, oldest first (the original and its replacements).
std::vector<TxAttempt> tx_attempts_at(Connection& conn, uint64_t chain_id, const Address& signer,
                                      uint64_t nonce);

struct StoredCheckpoint {
    uint32_t origin = 0;
    Hash merkle_tree_hook;
    uint32_t index = 0;
    Hash root;
    Hash message_id;
};

struct CheckpointSignature {
    Address validator;
    std::array<uint8_t, 65> signature{};
};

// Stores a checkpoint; the same one again is a no-op, a different root or id at a stored index is
// an Error (two checkpoints at one index mean an equivocating origin or validator).
void store_checkpoint(Connection& conn, const StoredCheckpoint& checkpoint);
// Adds (or replaces) one validator's signature over a stored checkpoint.
void add_checkpoint_signature(Connection& conn, const StoredCheckpoint& checkpoint,
                              const CheckpointSignature& sig);
// The checkpoint covering a message id, if stored.
std::optional<StoredCheckpoint> checkpoint_for_message(Connection& conn, const Hash& message_id);
std::vector<CheckpointSignature> checkpoint_signatures(Connection& conn, const StoredCheckpoint& checkpoint);

// A message's checkpoint with the signatures gathered for it.
struct CheckpointEvidence {
    StoredCheckpoint checkpoint;
    std::vector<CheckpointSignature> signatures;  // by validator address
};
// What justified a message's delivery on a committee route (see migration 0006).
struct DeliveryEvidence {
    Hash message_id;
    std::string security_mode = "committee";
    Bytes metadata;
    std::vector<Address> validators;  // in set order
    std::size_t threshold = 0;
};
// Records (or replaces, for a later submission) a message's evidence.
void record_delivery_evidence(Connection& conn, const DeliveryEvidence& evidence);
[[nodiscard]] std::optional<DeliveryEvidence> delivery_evidence(Connection& conn, const Hash& message_id);

// What a relayer's prepare stage keeps for each message it prepared: its checkpoint, the
// signatures gathered, and the delivery evidence, all in one transaction. Throws Error (storing
// nothing) when a different checkpoint is stored at one of the indexes (equivocation).
struct PreparedEvidence {
    StoredCheckpoint checkpoint;
    std::vector<CheckpointSignature> signatures;
    DeliveryEvidence evidence;
};
void record_prepared(Connection& conn, std::span<const PreparedEvidence> items);

// The stored checkpoint and signatures of each message id that has them, in one read.
std::map<Hash, CheckpointEvidence> checkpoint_evidence(Connection& conn, std::span<const Hash> message_ids);

}  // namespace causeway::db
