// The durable message queue, on PostgreSQL alone: batch enqueue idempotent on the message id, leased batch
// claims per stage, batch advance, retry with backoff, dead letters, reorg orphans, and the counts
// the metrics need. Every call is one short transaction; any number of workers may share a
// database, each with its own Connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "core/message.hpp"
#include "core/u256.hpp"
#include "db/backoff.hpp"
#include "db/connection.hpp"
#include "db/message_state.hpp"

namespace causeway::db {

using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;

// A message as the origin's mailbox emitted it, and where.
struct NewMessage {
    Message message;
    Hash id;  // message_id(message)
    uint64_t block_number = 0;
    Hash block_hash;
    uint32_t log_index = 0;
    u256 amount;  // notional for route limits: the collateral amount, or 0
};

// Builds a NewMessage, computing the id and, when the body is a collateral transfer, its amount.
[[nodiscard]] NewMessage observed_message(const Message& message, uint64_t block_number,
                                          const Hash& block_hash, uint32_t log_index);

struct QueuedMessage {
    Hash id;
    int64_t seq = 0;
    Message message;
    u256 amount;
    uint64_t block_number = 0;
    Hash block_hash;
    uint32_t log_index = 0;
    MessageState state = MessageState::kObserved;
    std::optional<MessageState> stage;  // none once delivered
    int attempts = 0;
    std::optional<Timestamp> run_at;  // none: never on its own (dead letter, orphan)
    std::optional<std::string> lease_owner;
    std::optional<Timestamp> lease_expires_at;
    std::optional<std::string> held_reason;  // a route limit holding it until run_at
    std::optional<std::string> last_error;
    std::optional<std::string> last_error_class;
    Timestamp observed_at;
    std::optional<Timestamp> verified_at, submitted_at, delivered_at, retrying_at, failed_at, orphaned_at;
    std::optional<Hash> delivery_tx_hash;
    Timestamp updated_at;
};

struct EnqueueResult {
    std::size_t inserted = 0;    // new messages
    std::size_t revived = 0;     // orphans observed again (back to `observed`)
    std::size_t moved = 0;       // not yet submitted, seen again in another block (see enqueue)
    std::size_t duplicates = 0;  // already queued or delivered: nothing changed
};

struct Advance {
    Hash id;
    MessageState to = MessageState::kVerified;  // verified, submitted or delivered
    std::optional<Hash> tx_hash;                // the delivery transaction, when known
};

struct AdvanceResult {
    std::size_t advanced = 0;
    std::vector<Hash> lost;  // no longer leased by this owner (expired and reclaimed): not changed
};

struct RetryResult {
    enum class Outcome : uint8_t { kScheduled, kDeadLettered, kLeaseLost } outcome = Outcome::kLeaseLost;
    std::optional<Timestamp> run_at;  // when scheduled
};

struct QueueCount {
    MessageState state = MessageState::kObserved;
    uint32_t origin = 0;
    uint32_t destination = 0;
    int64_t count = 0;
    double oldest_age_seconds = 0;  // since the oldest one was observed
};

struct MessageFilter {
    std::optional<MessageState> state{};
    std::optional<uint32_t> origin{};
    std::optional<uint32_t> destination{};
    int limit = 50;
};

class Queue {
  public:
    explicit Queue(Connection& conn, BackoffPolicy backoff = {});

    // Inserts the messages it has not seen (by id, delivered ones included) in one transaction;
    // re-observing an orphan puts it back to `observed` at its new block; so does re-observing a
    // message not yet submitted in another block than the one stored, unless it is a dead letter
    // or a submitter holds it (those only follow the new block). Creates the routes it meets (unlimited;
    // paused when a standing pause covers them) and wakes the `observed` workers.
    EnqueueResult enqueue(std::span<const NewMessage> messages);

    // Leases up to `limit` messages queued for `stage` (observed, verified, submitted): due,
    // route not paused, within the route's limits, oldest first, none another worker holds.
    std::vector<QueuedMessage> claim(MessageState stage, int limit, std::string_view owner,
                                     std::chrono::milliseconds lease);

    // Leases the due messages of `origin` queued for `stage` below nonce `below`, lowest nonces
    // first, up to `limit`: for a validator, which signs in index order whatever order deferrals
    // left its queue in. Route pauses and limits do not apply (a validator's own queue has none).
    std::vector<QueuedMessage> claim_in_nonce_order(MessageState stage, uint32_t origin, uint64_t below,
                                                    int limit, std::string_view owner,
                                                    std::chrono::milliseconds lease);

    // Pushes the lease of messages this owner still holds; returns how many.
    std::size_t extend_lease(std::span<const Hash> ids, std::string_view owner,
                             std::chrono::milliseconds lease);

    // Moves leased messages to their next state (releasing the lease); delivered ones leave the hot
    // table for history. Wakes the workers of each next stage.
    AdvanceResult advance(std::span<const Advance> items, std::string_view owner);

    // A failed attempt: back off (state `retrying`, same stage) or, for a permanent class or after
    // the policy's last attempt, dead-letter with the class and the error.
    RetryResult retry(const Hash& id, std::string_view owner, ErrorClass error_class, std::string_view error);

    // Puts a leased message back to wait, without counting an attempt: its work is not due yet
    // (a proof not final, an output not yet proposed), which is no failure. It keeps its state
    // and stage, is claimable again from `run_at`, and shows `reason` as what holds it. False
    // when this owner no longer holds it.
    bool defer(const Hash& id, std::string_view owner, Timestamp run_at, std::string_view reason);
    // The same for many in one statement; returns how many this owner still held.
    std::size_t defer(std::span<const Hash> ids, std::string_view owner, Timestamp run_at,
                      std::string_view reason);
    // Dead-letters a leased message at once.
    bool dead_letter(const Hash& id, std::string_view owner, ErrorClass error_class, std::string_view error);

    // Clears leases that expired (their workers stopped); the rows are claimable again. Returns
    // how many. Claims take expired rows anyway; this records why and frees them for listing.
    std::size_t release_expired_leases();

    // The origin reorged `block_hash` away: its messages not yet submitted leave the queue as
    // `orphaned` (an enqueue from the new block brings each back). Returns how many.
    std::size_t orphan_block(uint32_t origin, const Hash& block_hash);

    // Count and oldest age per (state, route) of the hot table.
    std::vector<QueueCount> counts();

    [[nodiscard]] const BackoffPolicy& backoff() const noexcept { return backoff_; }

  private:
    Connection& conn_;
    BackoffPolicy backoff_;
    std::mt19937_64 rng_;
};

// Waits for queue wake-ups (LISTEN on the schema's queue channel, and on any other channels
// given, such as its routes channel). Polling stays the fallback: wait() returns after the timeout
// even without a notification.
class QueueListener {
  public:
    explicit QueueListener(Connection& conn);
    QueueListener(Connection& conn, const std::vector<std::string>& channels);
    ~QueueListener();
    QueueListener(const QueueListener&) = delete;
    QueueListener& operator=(const QueueListener&) = delete;

    // True when at least one notification arrived within `timeout` (all pending are consumed).
    bool wait(std::chrono::milliseconds timeout);
    // The payloads (stage names) received on the queue channel so far and not yet taken.
    std::vector<std::string> take_payloads();
    // The payloads received on `channel` (one of those given) so far and not yet taken.
    std::vector<std::string> take_payloads(const std::string& channel);

  private:
    struct Receiver;
    Connection& conn_;
    std::vector<std::unique_ptr<Receiver>> receivers_;
};

// Operator views and actions on single messages (the `messages` commands).
std::vector<QueuedMessage> list_messages(Connection& conn, const MessageFilter& filter);
// Looks in the queue, then in history.
std::optional<QueuedMessage> find_message(Connection& conn, const Hash& id);
// Puts a dead-lettered or retrying message back to run now at its stage, attempts
// reset, with an audit row. Returns false (and changes nothing) when it is not in such a state or
// a worker holds it. (An orphan comes back only by being observed again in a canonical block.)
bool retry_message(Connection& conn, const Hash& id, std::string_view actor, std::string_view reason);

}  // namespace causeway::db
