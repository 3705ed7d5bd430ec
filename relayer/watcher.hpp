// The watcher of one origin chain: reads its Mailbox's Dispatch logs by block range once the
// chain's confirmations hold, and puts each message in the queue. It remembers the hashes of the
// blocks it read (db::WatchStore), so that a reorg is seen when the chain no longer has them: the
// dropped blocks' messages are orphaned and the watcher reads again from the newest block that is
// still canonical, so that re-included messages come back. Its cursor commits with each range: a
// restart resumes with no gap and reads no block twice.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "chain/chain_client.hpp"
#include "core/bytes.hpp"
#include "db/connection.hpp"
#include "db/watch.hpp"

namespace causeway::relayer {

struct WatcherSettings {
    uint32_t domain = 0;    // the origin's domain: every message read must say it
    uint64_t chain_id = 0;  // the chain's id, for the store
    Address mailbox;
    // A block is read once this many blocks, itself included, are on the chain (1: at once).
    uint64_t confirmations = 1;
    uint64_t start_block = 0;      // where a watcher with no cursor begins
    uint64_t max_range = 1'000;    // blocks per eth_getLogs
    uint64_t keep_blocks = 1'024;  // remembered below the cursor; a deeper reorg is not recognised
    // Messages from these senders (bytes32, left-padded addresses) carry their collateral amount
    // into the route's limits; any other sender's count for nothing there, so that a stranger's
    // fake transfers cannot fill a cap that real ones need.
    std::vector<Hash> collateral_senders;
};

struct WatchStep {
    // The blocks read, when any were (a step may only rewind).
    std::optional<std::pair<uint64_t, uint64_t>> range;
    std::size_t messages = 0;  // read in the range
    db::EnqueueResult enqueued;
    // A reorg seen before reading: the newest remembered block still canonical, the count of
    // messages orphaned, and where reading started again.
    bool reorg = false;
    std::optional<uint64_t> fork;
    std::size_t orphaned = 0;
};

// What went wrong in a step, with the RPC error when one caused it.
struct WatchError {
    std::string message;
    std::optional<chain::RpcError> rpc;
};

class Watcher {
  public:
    Watcher(chain::ChainClient& chain, db::Connection& conn, WatcherSettings settings);

    // One pass: the newest remembered block is checked against the chain (a reorg rewinds, see
    // above), then the next range up to the confirmed head is read and committed. nullopt when
    // nothing happened (no reorg, nothing new confirmed). A log that does not decode as a message from this
    // domain is skipped (and counted in `skipped()`), not fatal.
    std::expected<std::optional<WatchStep>, WatchError> step();

    // Whether this watcher leads its stream (see db::WatchStore::try_lead): only the leader steps.
    [[nodiscard]] bool lead() { return store_.try_lead(); }

    [[nodiscard]] std::size_t skipped() const noexcept { return skipped_; }
    [[nodiscard]] const WatcherSettings& settings() const noexcept { return settings_; }
    // The store's name for this watcher's stream: "mailbox 0x<address>".
    [[nodiscard]] static std::string stream_name(const Address& mailbox);

  private:
    chain::ChainClient& chain_;
    WatcherSettings settings_;
    db::WatchStore store_;
    // What the store holds, read once and kept in step with each commit; read again after a
    // rewind or a commit the store refused.
    std::optional<db::WatchState> state_;
    bool state_loaded_ = false;
    std::size_t skipped_ = 0;
};

}  // namespace causeway::relayer
