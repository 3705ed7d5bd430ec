// The relayer's three stages over the queue (design §5), each one pass of claim, work, record:
//
//   prepare  observed -> verified: the route and its (sender, recipient) pair checked, the
//            committee's signatures collected (relayer/signatures.hpp) and stored as the message's
//            evidence, the delivery simulated with eth_call;
//   submit   verified -> submitted: up to batch_size messages per Mailbox.processBatch, EIP-1559
//            fees under a cap, the nonce from the (chain, signer) stream this replica owns through
//            an advisory lock; the transaction is recorded (raw form included) before it is
//            broadcast, and broadcast only while its routes are held unpaused (db::RouteGate);
//   confirm  submitted -> delivered: the receipt after the destination's confirmations, each
//            message's outcome read from the batch's events; a reverted, dropped or displaced
//            transaction sends its messages back to submit, a stuck one is re-signed with a higher
//            fee (up to the cap), one recorded but never seen by the node is broadcast again.
//
// Any number of replicas may run the stages against one database: leases keep them apart, and only
// the owner of a nonce stream submits on its chain. Every stage throws db::Error when the database
// is away; the daemon then starts over with fresh connections (nothing lives only in memory).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "chain/chain_client.hpp"
#include "chain/transaction_sender.hpp"
#include "core/bytes.hpp"
#include "core/secp256k1.hpp"
#include "core/u256.hpp"
#include "db/connection.hpp"
#include "db/ledger.hpp"
#include "db/queue.hpp"
#include "logging/log.hpp"
#include "relayer/signatures.hpp"

namespace causeway::relayer {

// A route this relayer serves: its committee, and the (sender, recipient) pairs it relays (bytes32,
// as in the message).
struct RelayRoute {
    uint32_t origin = 0;
    uint32_t destination = 0;
    CommitteeRoute committee;
    std::set<std::pair<Hash, Hash>> pairs;
};

struct DestinationChain {
    uint32_t domain = 0;
    uint64_t chain_id = 0;
    Address mailbox;
    uint64_t confirmations = 1;
    chain::ChainClient* client = nullptr;  // owned by the caller
};

struct RelayerSettings {
    std::string owner = "relayer";  // lease owner: unique per replica
    int prepare_batch = 500;        // messages claimed per prepare pass
    int batch_size = 100;           // messages per processBatch transaction
    int transactions_per_pass = 4;  // per destination and submit pass
    std::chrono::milliseconds lease{30'000};
    std::chrono::milliseconds signature_timeout{2'000};
    // A transaction without a receipt this long is re-signed at its nonce with fees raised by
    // fee_bump_percent (at least the 10% nodes require), never above max_fee_per_gas.
    std::chrono::milliseconds replace_after{30'000};
    uint32_t fee_bump_percent = 25;
    u256 max_fee_per_gas = u256(500) * u256(1'000'000'000);  // 500 gwei
    std::optional<u256> priority_fee;                        // default: what recent blocks paid
    // A recorded transaction the node does not report yet is broadcast again after this long
    // (the worker that recorded it may have died before broadcasting).
    std::chrono::milliseconds rebroadcast_after{3'000};
    // A nonce the chain has moved past with none of the recorded attempts mined: the messages go
    // back to submit after this long (receipts can lag the nonce briefly).
    std::chrono::milliseconds displaced_after{10'000};
    // Asked between units of work: once true, what is still leased in the pass is put back at once
    // (claimable by another replica) rather than worked on.
    std::function<bool()> stopping = [] { return false; };
};

// One message's end, for the metrics.
struct MessageEnd {
    uint32_t origin = 0;
    uint32_t destination = 0;
    double seconds = 0;  // observed to delivered (deliveries)
    std::string reason;  // the error class (dead letters)
};

struct StageResult {
    std::size_t claimed = 0;
    std::size_t advanced = 0;              // prepare: verified; submit: submitted; confirm: delivered
    std::size_t deferred = 0;              // not ready, put back without an attempt
    std::size_t retried = 0;               // failed, backing off
    std::size_t dead_lettered = 0;         // permanent failures
    std::size_t sent_back = 0;             // confirm: back to submit
    std::size_t transactions = 0;          // submit: broadcast; confirm: replaced or re-broadcast
    std::size_t rejected = 0;              // confirm: rejected by the destination inside a batch
    std::vector<MessageEnd> delivered;     // confirmed delivered by this pass
    std::vector<MessageEnd> dead_letters;  // dead-lettered by this pass
};

class Relayer {
  public:
    // Opens its connections (work, route gate, nonce streams) to `db`.
    Relayer(const db::ConnectOptions& db, std::vector<RelayRoute> routes,
            std::vector<DestinationChain> destinations, PrivateKey key, RelayerSettings settings,
            log::Logger log);
    ~Relayer();
    Relayer(const Relayer&) = delete;
    Relayer& operator=(const Relayer&) = delete;

    StageResult prepare();
    StageResult submit();
    StageResult confirm();

    [[nodiscard]] const Address& signer() const noexcept { return key_.address(); }

  private:
    struct Stream;
    const RelayRoute* route_of(const db::QueuedMessage& m) const;
    const DestinationChain* destination_of(uint32_t domain) const;
    Stream* stream_for(const DestinationChain& d);
    std::size_t submit_batch(const DestinationChain& d, Stream& stream, std::vector<db::QueuedMessage> batch,
                             StageResult& result);
    void confirm_transaction(const Hash& tx_hash, std::vector<db::QueuedMessage> group, StageResult& result);
    void send_back(std::span<const db::QueuedMessage> messages, std::string_view reason, StageResult& result);
    bool dead_letter(const db::QueuedMessage& m, db::ErrorClass error_class, const std::string& why,
                     StageResult& result);
    void defer_all(std::span<const db::QueuedMessage> messages, std::chrono::milliseconds wait,
                   std::string_view reason, StageResult& result);

    db::Connection work_;
    db::Connection gate_;
    db::Connection nonces_;
    db::Queue queue_;
    std::vector<RelayRoute> routes_;
    std::vector<DestinationChain> destinations_;
    PrivateKey key_;
    RelayerSettings settings_;
    log::Logger log_;
    std::map<uint32_t, std::unique_ptr<Stream>> streams_;
    // What a message costs on one destination (learned from the first batches' estimates), and so
    // how many messages a transaction carries: as many as let the most messages into a block. A
    // node packs a block while the next transaction's gas limit fits what is left, so three full
    // batches can leave a fourth out where four somewhat smaller ones all fit. Every transaction of
    // a backlog has the same size: a smaller one behind a skipped one would be taken out of order.
    struct GasModel {
        uint64_t per_message = 0;  // the most a message of a batch has needed beyond the 21,000 base
        int samples = 0;
        uint64_t block_gas_limit = 0;
        [[nodiscard]] bool learned() const noexcept { return samples >= 3 && per_message > 0; }
        [[nodiscard]] uint64_t gas_limit(std::size_t messages) const noexcept;
        // How many of `waiting` messages (at most `batch_size`) the next transaction carries.
        [[nodiscard]] std::size_t next_batch(std::size_t waiting, std::size_t batch_size) const noexcept;
    };
    std::map<uint32_t, GasModel> gas_;
    std::map<uint32_t, std::optional<std::pair<chain::Fees, std::chrono::steady_clock::time_point>>> fees_;
};

// Message-id multisig metadata from stored evidence: the checkpoint's hook, root and index and the
// signatures of `threshold` validators of the route's set, in set order. nullopt when fewer are
// stored.
[[nodiscard]] std::optional<Bytes> metadata_from_evidence(const CommitteeRoute& route,
                                                          const db::CheckpointEvidence& evidence);

}  // namespace causeway::relayer
