// The relayer's delivery transactions, as the queue and the ledger see them together. A transaction
// is recorded (its attempt with the signed raw form, the signer's next nonce, and its messages
// moved to `submitted` under its hash) in one database transaction before it is broadcast, so a
// worker that dies after broadcasting leaves a record any replica can finish: it is never sent
// twice at two nonces. The route gate holds the routes a broadcast carries, so a pause that returned
// first is seen and one that comes during the broadcast waits for it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/bytes.hpp"
#include "core/u256.hpp"
#include "db/connection.hpp"
#include "db/ledger.hpp"

namespace causeway::db {

struct Submission {
    TxAttempt attempt;  // status pending; message_ids the batch in order
    Bytes raw;          // the signed transaction as broadcast
    uint32_t destination = 0;
};

// Records `submission` and moves its messages (leased by `owner`, at stage verified) to
// `submitted` under its hash; the signer's stored next nonce becomes at least nonce + 1. All or
// nothing: false, with nothing written, when the owner no longer holds every message.
[[nodiscard]] bool record_submission(Connection& conn, const Submission& submission, std::string_view owner);

// A replacement at the same nonce (a higher fee): recorded before it is broadcast, and its
// messages (still `submitted`) point at it.
void record_replacement(Connection& conn, const Submission& replacement);

struct StoredAttempt {
    TxAttempt attempt;
    Bytes raw;  // empty for attempts recorded before the relayer kept them
    std::optional<uint32_t> destination;
    int64_t age_ms = 0;  // since it was recorded
};

// The attempt with this hash, then every attempt at its nonce (oldest first).
[[nodiscard]] std::optional<StoredAttempt> find_attempt(Connection& conn, const Hash& tx_hash);
[[nodiscard]] std::vector<StoredAttempt> attempts_at_nonce(Connection& conn, uint64_t chain_id,
                                                           const Address& signer, uint64_t nonce);

// Every attempt that carried `message_id`, oldest first (a scan: for inspection, not the hot path).
[[nodiscard]] std::vector<StoredAttempt> attempts_for_message(Connection& conn, const Hash& message_id);

// The messages of a transaction that never landed (dropped, or its nonce taken by another): back
// from `submitted` to `verified`, to be submitted again; `reason` is kept as their last error. Only
// messages this owner leases move. Returns how many.
std::size_t send_back_to_submit(Connection& conn, std::span<const Hash> ids, std::string_view owner,
                                std::string_view reason);

using RouteKey = std::pair<uint32_t, uint32_t>;  // (origin, destination)

// The routes of the messages with these ids that are not delivered yet (a transaction re-sent
// from a confirmer that holds only some of its messages is gated on all of theirs).
[[nodiscard]] std::vector<RouteKey> routes_of_messages(Connection& conn, std::span<const Hash> ids);

// Holds routes' rows shared (a pause takes them exclusively) on a connection of its own, from
// construction until release() or destruction: check paused(), broadcast, then let go.
class RouteGate {
  public:
    RouteGate(Connection& conn, std::span<const RouteKey> routes);
    ~RouteGate();
    RouteGate(const RouteGate&) = delete;
    RouteGate& operator=(const RouteGate&) = delete;

    // The routes among them that are paused (as of the lock).
    [[nodiscard]] const std::set<RouteKey>& paused() const noexcept { return paused_; }
    void release();

  private:
    struct Tx;
    std::unique_ptr<Tx> tx_;
    std::set<RouteKey> paused_;
};

}  // namespace causeway::db
