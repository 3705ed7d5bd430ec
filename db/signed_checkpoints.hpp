// A validator's own record of the checkpoints it signed, written before a signature is served: it
// never signs two different roots (or message ids) for one index of an origin, whatever happens
// between restarts. Rows are appended in index order per origin and chained by hash (each row's
// chain hash covers the previous one's and its own fields), so that `verify` at start finds an
// edited row, or one deleted between others; each row's signature is checked by the caller (the
// store does no cryptography beyond keccak256).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "core/bytes.hpp"
#include "db/connection.hpp"

namespace causeway::db {

struct SignedCheckpoint {
    uint32_t origin = 0;
    uint32_t index = 0;
    Hash merkle_tree_hook;
    Hash root;
    Hash message_id;
    std::array<uint8_t, 65> signature{};  // r | s | v
    friend bool operator==(const SignedCheckpoint&, const SignedCheckpoint&) = default;
};

enum class RecordOutcome : uint8_t {
    kRecorded,       // new: it may be served
    kAlreadySigned,  // the same checkpoint was recorded before (its stored signature stands)
};

class SignedCheckpointStore {
  public:
    SignedCheckpointStore(Connection& conn, const Address& validator);

    // Walks every stored row of this validator in order, recomputing the chain and asking
    // `signature_ok` about each row's signature. Throws db::Error naming the first row that fails
    // (the store was tampered with: the validator must not start on it). Returns the rows checked.
    std::size_t verify(const std::function<bool(const SignedCheckpoint&)>& signature_ok);

    // Records a checkpoint before its signature is served. The same checkpoint (root, message id
    // and hook) at a recorded index is kAlreadySigned (serve the stored signature); another one is
    // refused with db::Error (equivocation), as is an index below the newest recorded for the
    // origin that was never recorded (rows are only appended).
    RecordOutcome record(const SignedCheckpoint& checkpoint);

    [[nodiscard]] std::optional<SignedCheckpoint> at(uint32_t origin, uint32_t index);
    [[nodiscard]] std::optional<SignedCheckpoint> latest(uint32_t origin);
    // The recorded checkpoints of the origin with from <= index <= to, in index order (a relayer
    // reads a whole batch's signatures in one request).
    [[nodiscard]] std::vector<SignedCheckpoint> range(uint32_t origin, uint32_t from, uint32_t to);
    // Every recorded checkpoint of the origin, in index order (a validator rebuilds its tree from
    // their message ids).
    [[nodiscard]] std::vector<SignedCheckpoint> all(uint32_t origin);

    // The chain hash of a row after the one whose chain hash is `previous` (zero for the first).
    [[nodiscard]] static Hash chain_hash(const Hash& previous, const SignedCheckpoint& c);

  private:
    Connection& conn_;
    Address validator_;
};

// When each validator whose store is in this connection's schema signed index `index` of
// `origin`, earliest first (for reports: the path of a message).
std::vector<std::chrono::sys_time<std::chrono::microseconds>> signing_times(Connection& conn, uint32_t origin,
                                                                            uint32_t index);

}  // namespace causeway::db
