#include "relayer/signatures.hpp"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "core/hex.hpp"
#include "http/client.hpp"
#include "light-clients/committee/checkpoint.hpp"

namespace causeway::relayer {
namespace {

struct Answer {
    std::optional<Hash> root;  // a valid signature for this message, over this root
    committee::SignatureBytes signature;
    std::string note;  // why it does not count
};

std::string who(const CommitteeValidator& v) {
    return to_checksum_hex(v.address) + " (" + v.url + ")";
}

// What one validator's checkpoint (a JSON object) says about `message`, its signature checked.
Answer check_answer(const CommitteeRoute& route, const CommitteeValidator& v,
                    const db::QueuedMessage& message, const boost::json::object& o) {
    const auto hex = [&](const char* key) -> std::string {
        const auto* value = o.if_contains(key);
        return value != nullptr && value->is_string() ? std::string(value->get_string()) : std::string{};
    };
    const auto root = hash_from_hex(hex("root"));
    const auto id = hash_from_hex(hex("message_id"));
    const auto hook = hash_from_hex(hex("merkle_tree_hook"));
    const auto sig_bytes = from_hex(hex("signature"));
    if (!root || !id || !hook || !sig_bytes || sig_bytes->size() != committee::kSignatureSize)
        return Answer{std::nullopt, {}, who(v) + ": a malformed checkpoint"};
    if (*id != message.id)
        return Answer{std::nullopt, {}, who(v) + ": its checkpoint is for another message"};
    if (*hook != route.merkle_tree_hook)
        return Answer{std::nullopt, {}, who(v) + ": its checkpoint names another merkle tree hook"};
    const committee::Checkpoint checkpoint{route.origin, route.merkle_tree_hook, *root, message.message.nonce,
                                           message.id};
    const auto sig = committee::from_rsv(*sig_bytes);
    const auto signer =
        sig ? recover_address(committee::digest(checkpoint), *sig) : std::unexpected(CryptoError{});
    if (!signer || *signer != v.address)
        return Answer{std::nullopt, {}, who(v) + ": the signature is not this validator's"};
    Answer a;
    a.root = *root;
    std::copy(sig_bytes->begin(), sig_bytes->end(), a.signature.bytes.begin());
    return a;
}

// One validator's answers for every message, in the messages' order: one request per window of
// indexes (GET /checkpoints/{origin}?from&to).
std::vector<Answer> read_answers(const CommitteeRoute& route, const CommitteeValidator& v,
                                 const std::vector<db::QueuedMessage>& messages,
                                 std::chrono::milliseconds timeout) {
    std::vector<uint32_t> indexes;
    for (const auto& m : messages) indexes.push_back(m.message.nonce);
    std::sort(indexes.begin(), indexes.end());
    indexes.erase(std::unique(indexes.begin(), indexes.end()), indexes.end());
    std::map<uint32_t, boost::json::object> signed_at;  // index -> its checkpoint
    std::optional<std::string> failure;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (std::size_t i = 0; i < indexes.size() && !failure;) {
        const uint32_t from = indexes[i];
        std::size_t j = i;
        while (j + 1 < indexes.size() && indexes[j + 1] - from < kCheckpointWindow) ++j;
        const uint32_t to = indexes[j];
        i = j + 1;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left <= std::chrono::milliseconds(0)) {
            failure = who(v) + ": timed out";
            break;
        }
        const auto r = http::get_json(v.url + "/checkpoints/" + std::to_string(route.origin) +
                                          "?from=" + std::to_string(from) + "&to=" + std::to_string(to),
                                      left);
        if (!r) {
            failure = who(v) + ": " + r.error();
        } else if (r->status != 200 || !r->body.is_object()) {
            failure = who(v) + ": answered " + std::to_string(r->status);
        } else if (const auto* list = r->body.get_object().if_contains("checkpoints");
                   list == nullptr || !list->is_array()) {
            failure = who(v) + ": a malformed checkpoint list";
        } else {
            for (const auto& item : list->get_array()) {
                const auto* o = item.if_object();
                const auto* index = o != nullptr ? o->if_contains("index") : nullptr;
                if (index == nullptr || !index->is_number()) continue;  // named below as not signed
                const auto n = index->to_number<int64_t>();
                if (n >= from && n <= to) signed_at.emplace(static_cast<uint32_t>(n), *o);
            }
        }
    }
    std::vector<Answer> out;
    out.reserve(messages.size());
    for (const auto& m : messages) {
        if (failure) {
            out.push_back(Answer{std::nullopt, {}, *failure});
        } else if (const auto c = signed_at.find(m.message.nonce); c == signed_at.end()) {
            out.push_back(
                Answer{std::nullopt,
                       {},
                       who(v) + ": has not signed index " + std::to_string(m.message.nonce) + " yet"});
        } else {
            out.push_back(check_answer(route, v, m, c->second));
        }
    }
    return out;
}

// Answers as they come, one list per validator, shared with the threads that fetch them.
struct Round {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::optional<std::vector<Answer>>> answers;
};

// The root that `threshold` validators signed for message k, if one has.
std::optional<Hash> agreed(const Round& round, std::size_t k, std::size_t threshold) {
    std::map<Hash, std::size_t> votes;
    for (const auto& list : round.answers) {
        if (list && (*list)[k].root && ++votes[*(*list)[k].root] >= threshold) return *(*list)[k].root;
    }
    return std::nullopt;
}

// Message k's metadata from the answers in, or why not, with each validator left out named.
std::expected<CollectedMetadata, CollectError> finish(const CommitteeRoute& route,
                                                      const db::QueuedMessage& message, const Round& round,
                                                      std::size_t k) {
    const std::optional<Hash> root = agreed(round, k, route.threshold);
    // The root most of them signed, when none reached the threshold: the others are named against it.
    std::optional<Hash> most = root;
    if (!most) {
        std::map<Hash, std::size_t> votes;
        for (const auto& list : round.answers) {
            if (list && (*list)[k].root) ++votes[*(*list)[k].root];
        }
        std::size_t best = 0;
        for (const auto& [r, n] : votes) {
            if (n > best) {
                best = n;
                most = r;
            }
        }
    }
    std::vector<std::string> notes;
    for (std::size_t i = 0; i < round.answers.size(); ++i) {
        if (!round.answers[i]) {
            notes.push_back(to_checksum_hex(route.validators[i].address) + ": no answer yet");
            continue;
        }
        const Answer& a = (*round.answers[i])[k];
        if (!a.note.empty()) {
            notes.push_back(a.note);
        } else if (most && a.root != most) {
            notes.push_back(to_checksum_hex(route.validators[i].address) + ": signed another root " +
                            to_hex(*a.root));
        }
    }
    if (!root) {
        return std::unexpected(CollectError{std::to_string(route.threshold) + " of " +
                                                std::to_string(route.validators.size()) +
                                                " validators must sign one root for index " +
                                                std::to_string(message.message.nonce) + ": not yet",
                                            std::move(notes)});
    }
    CollectedMetadata out;
    out.root = *root;
    out.index = message.message.nonce;
    committee::Metadata metadata{route.merkle_tree_hook, *root, message.message.nonce, {}};
    for (std::size_t i = 0; i < round.answers.size() && metadata.signatures.size() < route.threshold; ++i) {
        if (!round.answers[i]) continue;
        const Answer& a = (*round.answers[i])[k];
        if (a.root == root) {
            metadata.signatures.push_back(a.signature);
            out.signers.push_back(route.validators[i].address);
        }
    }
    committee::encode(out.metadata, metadata);
    out.notes = std::move(notes);
    return out;
}

}  // namespace

std::vector<std::expected<CollectedMetadata, CollectError>> collect_metadata(
    const CommitteeRoute& route, std::span<const db::QueuedMessage> messages,
    std::chrono::milliseconds timeout) {
    if (messages.empty()) return {};
    auto round = std::make_shared<Round>();
    round->answers.resize(route.validators.size());
    auto shared = std::make_shared<const std::vector<db::QueuedMessage>>(messages.begin(), messages.end());
    // One thread per validator, detached: a validator slower than the threshold's is not waited for.
    for (std::size_t i = 0; i < route.validators.size(); ++i) {
        std::thread([round, shared, i, route, timeout] {
            auto answers = read_answers(route, route.validators[i], *shared, timeout);
            const std::lock_guard lock(round->mutex);
            round->answers[i] = std::move(answers);
            round->changed.notify_all();
        }).detach();
    }
    // Waits until every message has one root with `threshold` valid signatures, or every validator
    // answered, or the time is up.
    std::unique_lock lock(round->mutex);
    round->changed.wait_for(lock, timeout + std::chrono::milliseconds(100), [&] {
        if (std::all_of(round->answers.begin(), round->answers.end(),
                        [](const auto& a) { return a.has_value(); }))
            return true;
        for (std::size_t k = 0; k < messages.size(); ++k) {
            if (!agreed(*round, k, route.threshold)) return false;
        }
        return true;
    });
    std::vector<std::expected<CollectedMetadata, CollectError>> out;
    out.reserve(messages.size());
    for (std::size_t k = 0; k < messages.size(); ++k) out.push_back(finish(route, messages[k], *round, k));
    return out;
}

std::expected<CollectedMetadata, CollectError> collect_metadata(const CommitteeRoute& route,
                                                                const db::QueuedMessage& message,
                                                                std::chrono::milliseconds timeout) {
    return std::move(collect_metadata(route, std::span(&message, 1), timeout).front());
}

}  // namespace causeway::relayer
