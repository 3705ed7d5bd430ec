#include "relayer/relayer.hpp"

#include <algorithm>
#include <future>

#include "chain/transaction_sender.hpp"
#include "core/abi.hpp"
#include "core/hex.hpp"
#include "core/message.hpp"
#include "core/transaction.hpp"
#include "db/submissions.hpp"
#include "light-clients/committee/checkpoint.hpp"
#include "relayer/errors.hpp"

namespace causeway::relayer {
namespace {

using namespace std::chrono_literals;

db::Timestamp in(std::chrono::milliseconds wait) {
    return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now() + wait);
}

Bytes encoded(const Message& m) {
    Bytes out;
    encode(out, m);
    return out;
}

const abi::Function& process_function() {
    static const abi::Function f = *abi::parse_function("process(bytes,bytes)");
    return f;
}
const abi::Function& process_batch_function() {
    static const abi::Function f = *abi::parse_function("processBatch(bytes[],bytes[])");
    return f;
}
const abi::Function& delivered_function() {
    static const abi::Function f = *abi::parse_function("delivered(bytes32)");
    return f;
}

const Hash& process_id_topic() {
    static const Hash h = abi::event_topic("ProcessId(bytes32)");
    return h;
}
const Hash& process_failed_topic() {
    static const Hash h = abi::event_topic("ProcessFailed(bytes32,bytes)");
    return h;
}

std::vector<db::RouteKey> routes_of(std::span<const db::QueuedMessage> messages) {
    std::set<db::RouteKey> keys;
    for (const auto& m : messages) keys.insert({m.message.origin, m.message.destination});
    return {keys.begin(), keys.end()};
}

std::vector<Hash> ids_of(std::span<const db::QueuedMessage> messages) {
    std::vector<Hash> ids;
    ids.reserve(messages.size());
    for (const auto& m : messages) ids.push_back(m.id);
    return ids;
}

// A transaction this close to the signer's mined nonce may be in the next block.
constexpr uint64_t kNearNonces = 64;
// Every transaction's intrinsic cost.
constexpr uint64_t kTransactionBaseGas = 21'000;
// Beyond the messages' own gas: the batch's overhead and what a margin on the base must cover.
constexpr uint64_t kBatchOverheadGas = 60'000;

}  // namespace

uint64_t Relayer::GasModel::gas_limit(std::size_t messages) const noexcept {
    return kTransactionBaseGas + kBatchOverheadGas + messages * (per_message + per_message / 5);
}

std::size_t Relayer::GasModel::next_batch(std::size_t waiting, std::size_t batch_size) const noexcept {
    const std::size_t take = std::min(waiting, batch_size);
    if (!learned() || block_gas_limit <= kTransactionBaseGas + kBatchOverheadGas) return take;
    // k transactions of n messages fit a block when the first k - 1 have used their gas and the
    // last one's limit fits what is left: (k - 1) n g + limit(n) <= block gas limit.
    const uint64_t room = block_gas_limit - kTransactionBaseGas - kBatchOverheadGas;
    const uint64_t with_margin = per_message + per_message / 5;
    const auto size_for = [&](std::size_t k) {
        return std::min<std::size_t>(batch_size, room / ((k - 1) * per_message + with_margin));
    };
    std::size_t most = 0;
    for (std::size_t k = 1; k <= 64; ++k) most = std::max(most, k * size_for(k));
    // The fewest transactions that come within 3% of the most a block can take.
    for (std::size_t k = 1; k <= 64; ++k) {
        if (const std::size_t n = size_for(k); n > 0 && k * n * 100 >= most * 97)
            return std::max<std::size_t>(1, std::min(take, n));
    }
    return std::max<std::size_t>(1, take);
}

std::optional<Bytes> metadata_from_evidence(const CommitteeRoute& route,
                                            const db::CheckpointEvidence& evidence) {
    committee::Metadata metadata{
        evidence.checkpoint.merkle_tree_hook, evidence.checkpoint.root, evidence.checkpoint.index, {}};
    for (const auto& v : route.validators) {
        if (metadata.signatures.size() >= route.threshold) break;
        for (const auto& s : evidence.signatures) {
            if (s.validator != v.address) continue;
            committee::SignatureBytes sig;
            std::copy(s.signature.begin(), s.signature.end(), sig.bytes.begin());
            metadata.signatures.push_back(sig);
        }
    }
    if (metadata.signatures.size() < route.threshold) return std::nullopt;
    Bytes out;
    committee::encode(out, metadata);
    return out;
}

// The nonce stream of one destination chain, held on the relayer's nonce connection.
struct Relayer::Stream {
    db::NonceStream stream;
};

Relayer::Relayer(const db::ConnectOptions& db, std::vector<RelayRoute> routes,
                 std::vector<DestinationChain> destinations, PrivateKey key, RelayerSettings settings,
                 log::Logger log)
    : work_(db::Connection::open(db)),
      gate_(db::Connection::open(db)),
      nonces_(db::Connection::open(db)),
      queue_(work_),
      routes_(std::move(routes)),
      destinations_(std::move(destinations)),
      key_(std::move(key)),
      settings_(std::move(settings)),
      log_(std::move(log)) {}

Relayer::~Relayer() = default;

const RelayRoute* Relayer::route_of(const db::QueuedMessage& m) const {
    for (const auto& r : routes_) {
        if (r.origin == m.message.origin && r.destination == m.message.destination) return &r;
    }
    return nullptr;
}

const DestinationChain* Relayer::destination_of(uint32_t domain) const {
    for (const auto& d : destinations_) {
        if (d.domain == domain) return &d;
    }
    return nullptr;
}

void Relayer::defer_all(std::span<const db::QueuedMessage> messages, std::chrono::milliseconds wait,
                        std::string_view reason, StageResult& result) {
    result.deferred += queue_.defer(ids_of(messages), settings_.owner, in(wait), reason);
}

bool Relayer::dead_letter(const db::QueuedMessage& m, db::ErrorClass error_class, const std::string& why,
                          StageResult& result) {
    if (!queue_.dead_letter(m.id, settings_.owner, error_class, why)) return false;
    ++result.dead_lettered;
    result.dead_letters.push_back(
        MessageEnd{m.message.origin, m.message.destination, 0, std::string(db::to_string(error_class))});
    return true;
}

void Relayer::send_back(std::span<const db::QueuedMessage> messages, std::string_view reason,
                        StageResult& result) {
    const auto ids = ids_of(messages);
    result.sent_back += db::send_back_to_submit(work_, ids, settings_.owner, reason);
}

// ----- prepare -----

StageResult Relayer::prepare() {
    StageResult result;
    auto claimed =
        queue_.claim(db::MessageState::kObserved, settings_.prepare_batch, settings_.owner, settings_.lease);
    result.claimed = claimed.size();
    if (claimed.empty()) return result;

    // Route, pair and destination first: what this relayer does not serve is a dead letter with the reason.
    std::vector<std::pair<db::QueuedMessage, const RelayRoute*>> candidates;
    for (auto& m : claimed) {
        const RelayRoute* route = route_of(m);
        if (route == nullptr || destination_of(m.message.destination) == nullptr) {
            (void)dead_letter(m, db::ErrorClass::kUnknownRoute,
                              "no route " + std::to_string(m.message.origin) + " -> " +
                                  std::to_string(m.message.destination) + " is configured",
                              result);
            continue;
        }
        if (!route->pairs.contains({m.message.sender, m.message.recipient})) {
            (void)dead_letter(m, db::ErrorClass::kInvalidMessage,
                              "sender " + to_hex(m.message.sender) + " and recipient " +
                                  to_hex(m.message.recipient) + " are not a pair this route relays",
                              result);
            continue;
        }
        candidates.emplace_back(std::move(m), route);
    }

    // Signatures: for each route, every validator is asked once for the whole range of indexes,
    // the routes at once.
    std::map<const RelayRoute*, std::vector<db::QueuedMessage>> by_route;
    for (auto& [m, route] : candidates) by_route[route].push_back(std::move(m));
    std::vector<std::pair<const RelayRoute*,
                          std::future<std::vector<std::expected<CollectedMetadata, CollectError>>>>>
        fetches;
    for (const auto& [route, messages] : by_route) {
        fetches.emplace_back(route, std::async(std::launch::async, [&, route] {
                                 return collect_metadata(route->committee, by_route.at(route),
                                                         settings_.signature_timeout);
                             }));
    }
    std::vector<db::PreparedEvidence> evidence;
    struct Prepared {
        db::QueuedMessage message;
        Bytes metadata;
    };
    std::vector<Prepared> prepared;
    std::map<std::string, std::vector<Hash>> unsigned_ids;  // by why: deferred together below
    for (auto& [route, fetch] : fetches) {
        auto collected_all = fetch.get();
        auto& messages = by_route.at(route);
        for (std::size_t k = 0; k < messages.size(); ++k) {
            auto& m = messages[k];
            auto& collected = collected_all[k];
            if (!collected) {
                unsigned_ids["signatures: " + collected.error().message].push_back(m.id);
                continue;
            }
            for (const auto& note : collected->notes)
                log_.debug("validator left out", {{"message", to_hex(m.id)}, {"note", note}});
            // The evidence, kept (for the whole pass at once, below) before it is used.
            db::PreparedEvidence kept;
            kept.checkpoint = db::StoredCheckpoint{route->origin, route->committee.merkle_tree_hook,
                                                   collected->index, collected->root, m.id};
            ByteView view(collected->metadata);
            const auto decoded = committee::decode_metadata(view);
            for (std::size_t s = 0; decoded && s < decoded->signatures.size(); ++s) {
                db::CheckpointSignature sig;
                sig.validator = collected->signers[s];
                std::copy(decoded->signatures[s].bytes.begin(), decoded->signatures[s].bytes.end(),
                          sig.signature.begin());
                kept.signatures.push_back(sig);
            }
            kept.evidence.message_id = m.id;
            kept.evidence.metadata = collected->metadata;
            kept.evidence.threshold = route->committee.threshold;
            for (const auto& v : route->committee.validators) kept.evidence.validators.push_back(v.address);
            evidence.push_back(std::move(kept));
            prepared.push_back(Prepared{std::move(m), std::move(collected->metadata)});
        }
    }

    // Signatures come as soon as the origin's message is final: look again soon.
    for (const auto& [why, ids] : unsigned_ids)
        result.deferred += queue_.defer(ids, settings_.owner, in(50ms), why);

    db::record_prepared(work_, evidence);

    // The delivery simulated on its destination: one eth_call of processBatch per batch gives each
    // message's outcome (the batch isolates failures); a rejected message is simulated alone to
    // learn why, and the reason classified.
    std::vector<db::Advance> verified;
    std::map<uint32_t, std::vector<std::size_t>> by_destination;
    for (std::size_t i = 0; i < prepared.size(); ++i)
        by_destination[prepared[i].message.message.destination].push_back(i);
    const auto fail = [&](const db::QueuedMessage& m, const Classified& c) {
        if (c.already_delivered) {
            // Someone delivered it: nothing left to do, and nothing of ours paid for it.
            verified.push_back(db::Advance{m.id, db::MessageState::kDelivered, std::nullopt});
        } else if (c.permanent()) {
            (void)dead_letter(m, c.error_class, "simulation: " + c.reason, result);
        } else {
            const auto r = queue_.retry(m.id, settings_.owner, c.error_class, "simulation: " + c.reason);
            if (r.outcome == db::RetryResult::Outcome::kDeadLettered) {
                ++result.dead_lettered;
            } else if (r.outcome == db::RetryResult::Outcome::kScheduled) {
                ++result.retried;
            }
        }
    };
    const std::size_t chunk = static_cast<std::size_t>(std::max(1, settings_.batch_size));
    for (const auto& [domain, all] : by_destination) {
        const DestinationChain& d = *destination_of(domain);
        for (std::size_t from = 0; from < all.size(); from += chunk) {
            const std::vector<std::size_t> indexes(
                all.begin() + static_cast<long>(from),
                all.begin() + static_cast<long>(std::min(all.size(), from + chunk)));
            std::vector<abi::Value> metadata;
            std::vector<abi::Value> bodies;
            for (const std::size_t i : indexes) {
                metadata.emplace_back(prepared[i].metadata);
                bodies.emplace_back(encoded(prepared[i].message.message));
            }
            jsonrpc::CallRequest call;
            call.from = key_.address();
            call.to = d.mailbox;
            (void)abi::encode_call(
                call.data, process_batch_function(),
                {abi::Value::list(std::move(metadata)), abi::Value::list(std::move(bodies))});
            const auto answer = d.client->call(call, jsonrpc::BlockId());
            std::optional<std::vector<abi::Value>> outcomes;
            if (answer) {
                auto decoded = abi::decode({abi::Type::array(abi::Type::uint(8))}, *answer);
                if (decoded && decoded->size() == 1) {
                    if (const auto* list = (*decoded)[0].get_if<std::vector<abi::Value>>();
                        list != nullptr && list->size() == indexes.size())
                        outcomes = *list;
                }
            }
            if (!outcomes) {
                // The batch itself failed (an endpoint, a node limit): every message waits for the next look.
                const std::string why = answer
                                            ? "processBatch simulation: unexpected answer"
                                            : "processBatch simulation: " + classify(answer.error()).reason;
                for (const std::size_t i : indexes) {
                    if (queue_.defer(prepared[i].message.id, settings_.owner, in(1s), why)) ++result.deferred;
                }
                continue;
            }
            std::vector<std::size_t> rejected;
            for (std::size_t k = 0; k < indexes.size(); ++k) {
                const auto* code = (*outcomes)[k].get_if<u256>();
                const auto& m = prepared[indexes[k]].message;
                if (code != nullptr && *code == u256(0)) {
                    verified.push_back(db::Advance{m.id, db::MessageState::kVerified, std::nullopt});
                } else if (code != nullptr && *code == u256(1)) {
                    verified.push_back(db::Advance{m.id, db::MessageState::kDelivered, std::nullopt});
                } else {
                    rejected.push_back(indexes[k]);
                }
            }
            if (rejected.empty()) continue;
            chain::Batch alone;
            std::vector<chain::Pending<Bytes>> calls;
            for (const std::size_t i : rejected) {
                jsonrpc::CallRequest one;
                one.from = key_.address();
                one.to = d.mailbox;
                (void)abi::encode_call(
                    one.data, process_function(),
                    {abi::Value(prepared[i].metadata), abi::Value(encoded(prepared[i].message.message))});
                calls.push_back(alone.add(chain::calls::call(one, jsonrpc::BlockId())));
            }
            d.client->execute(alone);
            for (std::size_t k = 0; k < rejected.size(); ++k) {
                const auto& m = prepared[rejected[k]].message;
                const auto r = calls[k].get();
                fail(m, r ? Classified{db::ErrorClass::kSimulationReverted,
                                       "rejected in a batch, accepted alone", false}
                          : classify(r.error()));
            }
        }
    }
    result.advanced = queue_.advance(verified, settings_.owner).advanced;
    return result;
}

// ----- submit -----

Relayer::Stream* Relayer::stream_for(const DestinationChain& d) {
    auto& slot = streams_[d.domain];
    if (slot) return slot.get();
    const auto pending = d.client->nonce(key_.address(), jsonrpc::BlockId(jsonrpc::BlockTag::kPending));
    if (!pending) return nullptr;
    auto stream = db::NonceStream::acquire(nonces_, d.chain_id, key_.address(), *pending);
    if (!stream) return nullptr;  // another replica submits on this chain
    log_.info("submitting", {{"destination", d.domain},
                             {"signer", to_checksum_hex(key_.address())},
                             {"next_nonce", stream->peek()}});
    slot = std::make_unique<Stream>(Stream{std::move(*stream)});
    if (const auto head = d.client->run(chain::calls::header_by_number(jsonrpc::BlockId())); head && *head)
        gas_[d.domain].block_gas_limit = (*head)->gas_limit;
    return slot.get();
}

StageResult Relayer::submit() {
    StageResult result;
    std::map<uint32_t, Stream*> owned;
    for (const auto& d : destinations_) {
        if (Stream* s = stream_for(d)) owned[d.domain] = s;
    }
    if (owned.empty()) return result;  // a standby replica: prepare and confirm only
    const int limit = settings_.batch_size * settings_.transactions_per_pass;
    auto claimed = queue_.claim(db::MessageState::kVerified, limit, settings_.owner, settings_.lease);
    result.claimed = claimed.size();
    std::map<uint32_t, std::vector<db::QueuedMessage>> by_destination;
    for (auto& m : claimed) by_destination[m.message.destination].push_back(std::move(m));
    for (auto& [domain, messages] : by_destination) {
        const DestinationChain* d = destination_of(domain);
        if (d == nullptr || !owned.contains(domain)) {
            defer_all(messages, 1s, "another replica submits to domain " + std::to_string(domain), result);
            continue;
        }
        const auto& gas = gas_[domain];
        // With more waiting than this claim took, a remainder smaller than a full transaction goes
        // back to the queue to fill the next one: a block packs transactions of one size best.
        const bool more_waiting = claimed.size() == static_cast<std::size_t>(limit);
        for (std::size_t start = 0; start < messages.size();) {
            if (settings_.stopping()) {
                defer_all(std::span(messages).subspan(start), 0ms, "released: relayer stopping", result);
                break;
            }
            const std::size_t size =
                gas.next_batch(messages.size() - start, static_cast<std::size_t>(settings_.batch_size));
            if (more_waiting && gas.learned() && start > 0 &&
                size < gas.next_batch(std::numeric_limits<std::size_t>::max(),
                                      static_cast<std::size_t>(settings_.batch_size))) {
                defer_all(std::span(messages).subspan(start), 0ms, "waiting to fill a transaction", result);
                break;
            }
            const auto end = start + size;
            std::vector<db::QueuedMessage> batch(
                std::make_move_iterator(messages.begin() + static_cast<long>(start)),
                std::make_move_iterator(messages.begin() + static_cast<long>(end)));
            start = end;
            result.advanced += submit_batch(*d, *owned.at(domain), std::move(batch), result);
        }
    }
    return result;
}

std::size_t Relayer::submit_batch(const DestinationChain& d, Stream& stream,
                                  std::vector<db::QueuedMessage> batch, StageResult& result) {
    // Metadata from the stored evidence, in the route's set order.
    const auto evidence = db::checkpoint_evidence(work_, ids_of(batch));
    std::vector<abi::Value> metadata;
    std::vector<abi::Value> bodies;
    std::vector<db::QueuedMessage> sending;
    for (auto& m : batch) {
        const RelayRoute* route = route_of(m);
        const auto e = evidence.find(m.id);
        std::optional<Bytes> md;
        if (route != nullptr && e != evidence.end()) md = metadata_from_evidence(route->committee, e->second);
        if (!md) {
            const auto r = queue_.retry(m.id, settings_.owner, db::ErrorClass::kEvidenceNotReady,
                                        "no stored signatures reach the route's threshold");
            if (r.outcome == db::RetryResult::Outcome::kScheduled) ++result.retried;
            if (r.outcome == db::RetryResult::Outcome::kDeadLettered) ++result.dead_lettered;
            continue;
        }
        metadata.emplace_back(*std::move(md));
        bodies.emplace_back(encoded(m.message));
        sending.push_back(std::move(m));
    }
    if (sending.empty()) return 0;
    jsonrpc::CallRequest call;
    call.from = key_.address();
    call.to = d.mailbox;
    if (!abi::encode_call(call.data, process_batch_function(),
                          {abi::Value::list(std::move(metadata)), abi::Value::list(std::move(bodies))})) {
        defer_all(sending, 1s, "processBatch did not encode", result);
        return 0;
    }

    chain::SenderSettings sender_settings;
    sender_settings.fees.priority_fee = settings_.priority_fee;
    chain::TransactionSender sender(*d.client, key_, d.chain_id, stream.stream.peek(), sender_settings);
    // Fees once per pass and destination (the next block's base fee does not move within a pass).
    auto& cached = fees_[d.domain];
    if (!cached || std::chrono::steady_clock::now() - cached->second > 1s) {
        auto fresh = sender.fees();
        if (!fresh) {
            defer_all(sending, 1s, "fees: " + fresh.error().message, result);
            return 0;
        }
        cached = std::pair(*fresh, std::chrono::steady_clock::now());
    }
    auto fees = cached->first;
    if (fees.base_fee + fees.priority_fee > settings_.max_fee_per_gas) {
        defer_all(sending, 5s, "the destination's gas price is above the configured cap", result);
        return 0;
    }
    fees.max_fee = std::min(fees.max_fee, settings_.max_fee_per_gas);
    // Gas: estimated for the first batches of a destination, then from the most any message has
    // needed so far (with a margin): an estimate runs the whole batch once more.
    chain::TxRequest request;
    request.to = d.mailbox;
    request.data = call.data;
    auto& gas = gas_[d.domain];
    if (!gas.learned()) {
        const auto estimate = d.client->run(chain::calls::estimate_gas(call));
        if (!estimate) {
            // processBatch isolates each message's failure: a whole-batch revert is the batch's own
            // trouble (out of gas, a lock), not its messages'.
            defer_all(sending, 2s, "eth_estimateGas: " + classify(estimate.error()).reason, result);
            return 0;
        }
        gas.per_message = std::max(
            gas.per_message, (*estimate - std::min(*estimate, kTransactionBaseGas)) / sending.size() + 1);
        ++gas.samples;
        request.gas_limit = *estimate + *estimate / 5 + 50'000;
    } else {
        request.gas_limit = gas.gas_limit(sending.size());
    }
    auto tx = sender.prepare(request, fees);
    if (!tx) {
        defer_all(sending, 1s, "signing: " + tx.error().message, result);
        return 0;
    }
    db::Submission submission;
    submission.attempt.chain_id = d.chain_id;
    submission.attempt.signer = key_.address();
    submission.attempt.nonce = tx->nonce;
    submission.attempt.tx_hash = transaction_hash(*tx);
    submission.attempt.message_ids = ids_of(sending);
    submission.attempt.gas_limit = tx->gas_limit;
    submission.attempt.max_fee_per_gas = tx->max_fee_per_gas;
    submission.attempt.max_priority_fee_per_gas = tx->max_priority_fee_per_gas;
    encode(submission.raw, *tx);
    submission.destination = d.domain;

    // Held from before the check until the broadcast is done: a pause that returned is seen here,
    // one that comes now waits for the broadcast.
    const auto keys = routes_of(sending);
    db::RouteGate gate(gate_, keys);
    if (!gate.paused().empty()) {
        gate.release();
        defer_all(sending, 1s, "route paused", result);
        return 0;
    }
    if (!db::record_submission(work_, submission, settings_.owner)) {
        gate.release();
        log_.warn("leases lost before the submission was recorded", {{"messages", sending.size()}});
        return 0;
    }
    const auto sent = sender.broadcast(*tx);
    gate.release();
    if (!sent && !(sent.error().rpc && is_already_known(*sent.error().rpc))) {
        // Recorded: the confirmer broadcasts it again or, if its nonce was taken, sends it back.
        log_.warn("broadcast failed",
                  {{"tx", to_hex(submission.attempt.tx_hash)}, {"error", sent.error().message}});
        if (sent.error().rpc && classify(*sent.error().rpc).error_class == db::ErrorClass::kNonceConflict) {
            // Our stored stream is behind the chain (a key used elsewhere): start again from the chain.
            if (const auto pending =
                    d.client->nonce(key_.address(), jsonrpc::BlockId(jsonrpc::BlockTag::kPending));
                pending && *pending > tx->nonce)
                stream.stream.reset(*pending);
        }
    } else {
        ++result.transactions;
        log_.debug("submitted", {{"destination", d.domain},
                                 {"tx", to_hex(submission.attempt.tx_hash)},
                                 {"nonce", tx->nonce},
                                 {"messages", sending.size()}});
    }
    return sending.size();
}

// ----- confirm -----

StageResult Relayer::confirm() {
    StageResult result;
    auto claimed =
        queue_.claim(db::MessageState::kSubmitted, settings_.batch_size * settings_.transactions_per_pass * 2,
                     settings_.owner, settings_.lease);
    result.claimed = claimed.size();
    std::map<Hash, std::vector<db::QueuedMessage>> by_tx;
    std::vector<db::QueuedMessage> untracked;
    for (auto& m : claimed) {
        if (m.delivery_tx_hash) {
            by_tx[*m.delivery_tx_hash].push_back(std::move(m));
        } else {
            untracked.push_back(std::move(m));
        }
    }
    if (!untracked.empty()) send_back(untracked, "submitted without a recorded transaction", result);
    for (auto& [hash, group] : by_tx) {
        if (settings_.stopping()) {
            defer_all(group, 0ms, "released: relayer stopping", result);
            continue;
        }
        confirm_transaction(hash, std::move(group), result);
    }
    return result;
}

void Relayer::confirm_transaction(const Hash& tx_hash, std::vector<db::QueuedMessage> group,
                                  StageResult& result) {
    struct Observed {
        uint32_t origin;
        uint32_t destination;
        db::Timestamp seconds_since;
    };
    std::map<Hash, Observed> when_observed;
    for (const auto& m : group)
        when_observed[m.id] = Observed{m.message.origin, m.message.destination, m.observed_at};
    const auto attempt = db::find_attempt(work_, tx_hash);
    if (!attempt) {
        send_back(group, "its transaction " + to_hex(tx_hash) + " is not recorded", result);
        return;
    }
    const DestinationChain* d = attempt->destination ? destination_of(*attempt->destination)
                                                     : destination_of(group.front().message.destination);
    if (d == nullptr) {
        defer_all(group, 5s, "no client for the destination", result);
        return;
    }
    const auto& a = attempt->attempt;
    const auto all = db::attempts_at_nonce(work_, a.chain_id, a.signer, a.nonce);

    chain::Batch batch;
    std::vector<chain::Pending<std::optional<jsonrpc::Receipt>>> receipts;
    for (const auto& at : all)
        receipts.push_back(batch.add(chain::calls::transaction_receipt(at.attempt.tx_hash)));
    auto head = batch.add(chain::calls::block_number());
    auto mined_nonce = batch.add(chain::calls::nonce(a.signer, jsonrpc::BlockId(jsonrpc::BlockTag::kLatest)));
    d->client->execute(batch);
    if (!head.get() || !mined_nonce.get()) {
        defer_all(group, 1s,
                  "destination unreachable: " +
                      (!head.get() ? head.get().error() : mined_nonce.get().error()).to_string(),
                  result);
        return;
    }
    std::optional<jsonrpc::Receipt> receipt;
    const db::StoredAttempt* landed = nullptr;
    for (std::size_t i = 0; i < all.size(); ++i) {
        auto r = receipts[i].get();
        if (!r) {
            // Not knowing is not "no receipt": an attempt taken for dropped while it was mined
            // would send its messages out again.
            defer_all(group, 1s,
                      "receipt of " + to_hex(all[i].attempt.tx_hash) + ": " + r.error().to_string(), result);
            return;
        }
        if (*r) {
            receipt = **r;
            landed = &all[i];
            break;
        }
    }

    if (receipt) {
        if (*head.get() + 1 < receipt->block_number + d->confirmations) {
            defer_all(group, 200ms, "waiting for " + std::to_string(d->confirmations) + " confirmations",
                      result);
            return;
        }
        for (const auto& at : all) {
            if (&at == landed) {
                (void)db::set_tx_status(work_, at.attempt.tx_hash,
                                        receipt->succeeded() ? "mined" : "reverted", receipt->block_number,
                                        receipt->block_hash);
            } else if (at.attempt.status == "pending") {
                (void)db::set_tx_status(work_, at.attempt.tx_hash, "replaced");
            }
        }
        if (!receipt->succeeded()) {
            send_back(group, "the delivery transaction " + to_hex(receipt->transaction_hash) + " reverted",
                      result);
            return;
        }
        // Each message's outcome from the batch's events.
        std::map<Hash, std::optional<Bytes>> outcome;  // delivered: nullopt; rejected: the reason
        for (const auto& log : receipt->logs) {
            if (log.address != d->mailbox || log.topics.size() < 2) continue;
            if (log.topics[0] == process_id_topic()) {
                outcome[log.topics[1]] = std::nullopt;
            } else if (log.topics[0] == process_failed_topic()) {
                const auto decoded = abi::decode({abi::Type::bytes()}, log.data);
                Bytes reason;
                if (decoded && !decoded->empty()) {
                    if (const auto* b = (*decoded)[0].get_if<Bytes>()) reason = *b;
                }
                outcome[log.topics[1]] = reason;
            }
        }
        std::vector<db::Advance> delivered;
        std::vector<db::QueuedMessage>
            unknown;  // no event: delivered before (AlreadyDelivered), or not at all
        for (auto& m : group) {
            const auto o = outcome.find(m.id);
            if (o == outcome.end()) {
                unknown.push_back(std::move(m));
            } else if (!o->second) {
                delivered.push_back(
                    db::Advance{m.id, db::MessageState::kDelivered, receipt->transaction_hash});
            } else {
                ++result.rejected;
                const Classified c = classify_revert(*o->second);
                const std::string why = "rejected in " + to_hex(receipt->transaction_hash) + ": " + c.reason;
                if (c.permanent()) {
                    (void)dead_letter(m, c.error_class, why, result);
                } else {
                    send_back(std::span(&m, 1), why, result);
                }
            }
        }
        if (!unknown.empty()) {
            chain::Batch check;
            std::vector<chain::Pending<Bytes>> answers;
            for (const auto& m : unknown) {
                jsonrpc::CallRequest call;
                call.to = d->mailbox;
                // bytes32 takes the id as 32 bytes (the encoder refuses a Hash value: the call would
                // go out without data and revert).
                (void)abi::encode_call(call.data, delivered_function(), {abi::Value(Bytes(m.id.view()))});
                answers.push_back(check.add(chain::calls::call(call, jsonrpc::BlockId())));
            }
            d->client->execute(check);
            std::vector<db::QueuedMessage> missing;
            for (std::size_t i = 0; i < unknown.size(); ++i) {
                const auto word = answers[i].get();
                if (!word) {
                    defer_all(std::span(&unknown[i], 1), 1s, "delivered(id): " + word.error().to_string(),
                              result);
                } else if (word->size() == 32 && (*word)[31] == 1) {
                    delivered.push_back(
                        db::Advance{unknown[i].id, db::MessageState::kDelivered, std::nullopt});
                } else {
                    missing.push_back(std::move(unknown[i]));
                }
            }
            if (!missing.empty()) send_back(missing, "not delivered by its batch", result);
        }
        const auto advanced = queue_.advance(delivered, settings_.owner);
        result.advanced += advanced.advanced;
        const std::set<Hash> lost(advanced.lost.begin(), advanced.lost.end());
        const auto now = std::chrono::system_clock::now();
        for (const auto& d : delivered) {
            const auto w = when_observed.find(d.id);
            if (lost.contains(d.id) || w == when_observed.end()) continue;
            result.delivered.push_back(
                MessageEnd{w->second.origin, w->second.destination,
                           std::chrono::duration<double>(now - w->second.seconds_since).count(), ""});
        }
        return;
    }

    // No receipt for any attempt at this nonce.
    if (*mined_nonce.get() > a.nonce) {
        // The chain has used the nonce for something else, or a receipt lags: wait a little, then resend.
        const int64_t newest_age = all.empty() ? attempt->age_ms : all.back().age_ms;
        if (newest_age < settings_.displaced_after.count()) {
            defer_all(group, 1s, "nonce used, no receipt yet", result);
            return;
        }
        for (const auto& at : all) {
            if (at.attempt.status == "pending") (void)db::set_tx_status(work_, at.attempt.tx_hash, "dropped");
        }
        send_back(group, "its nonce " + std::to_string(a.nonce) + " was used by another transaction", result);
        return;
    }
    const db::StoredAttempt& newest = all.empty() ? *attempt : all.back();
    // Only the lowest nonce not mined holds the stream up: a later one is kept in the node's pool
    // (broadcast again), and replaced only once it is the lowest.
    const bool lowest = *mined_nonce.get() == a.nonce;
    const bool replace = lowest && newest.age_ms >= settings_.replace_after.count() && !newest.raw.empty();
    const bool rebroadcast =
        !replace && newest.age_ms >= settings_.rebroadcast_after.count() && !newest.raw.empty();
    if (!replace && !rebroadcast) {
        // Looked at again by the next block's time when it can be in it; deep in the pool, less often.
        const bool near = a.nonce < *mined_nonce.get() + kNearNonces;
        defer_all(group, near ? 50ms : 500ms, "waiting for the transaction", result);
        return;
    }
    Bytes raw = newest.raw;
    std::optional<db::Submission> replacement;
    if (replace) {
        ByteView view(newest.raw);
        auto tx = decode_transaction(view);
        if (tx) {
            const u256 bump = u256(100 + std::max<uint32_t>(settings_.fee_bump_percent, 10));
            tx->max_fee_per_gas = tx->max_fee_per_gas * bump / u256(100) + u256(1);
            tx->max_priority_fee_per_gas = tx->max_priority_fee_per_gas * bump / u256(100) + u256(1);
            if (tx->max_fee_per_gas <= settings_.max_fee_per_gas && sign(*tx, key_)) {
                replacement.emplace();
                replacement->attempt = newest.attempt;
                replacement->attempt.tx_hash = transaction_hash(*tx);
                replacement->attempt.max_fee_per_gas = tx->max_fee_per_gas;
                replacement->attempt.max_priority_fee_per_gas = tx->max_priority_fee_per_gas;
                replacement->attempt.status = "pending";
                encode(replacement->raw, *tx);
                replacement->destination = d->domain;
                raw = replacement->raw;
            }
        }
    }
    // Gated on the routes of every message it carries: some may be held by another confirmer, or
    // paused since it was first sent.
    db::RouteGate gate(gate_, db::routes_of_messages(work_, a.message_ids));
    if (!gate.paused().empty()) {
        gate.release();
        defer_all(group, 1s, "route paused", result);
        return;
    }
    if (replacement) db::record_replacement(work_, *replacement);
    const auto sent = d->client->send_raw_transaction(raw);
    gate.release();
    if (sent || is_already_known(sent.error())) {
        if (replacement) {
            ++result.transactions;
            log_.info("replaced a stuck transaction",
                      {{"nonce", a.nonce},
                       {"tx", to_hex(replacement->attempt.tx_hash)},
                       {"max_fee_per_gas", to_decimal(replacement->attempt.max_fee_per_gas)}});
        } else {
            ++result.transactions;
        }
    } else {
        log_.debug("re-broadcast refused", {{"nonce", a.nonce}, {"error", sent.error().to_string()}});
    }
    defer_all(group, 1s, "waiting for the transaction", result);
}

}  // namespace causeway::relayer
