#include "relayer/signatures.hpp"

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

// What one validator's checkpoint says about `message`, its signature checked.
Answer read_answer(const CommitteeRoute& route, const CommitteeValidator& v, const db::QueuedMessage& message,
                   std::chrono::milliseconds timeout) {
    const std::string who = to_checksum_hex(v.address) + " (" + v.url + ")";
    const auto r = http::get_json(
        v.url + "/checkpoints/" + std::to_string(route.origin) + "/" + std::to_string(message.message.nonce),
        timeout);
    if (!r) return Answer{std::nullopt, {}, who + ": " + r.error()};
    if (r->status == 404)
        return Answer{std::nullopt,
                      {},
                      who + ": has not signed index " + std::to_string(message.message.nonce) + " yet"};
    if (r->status != 200 || !r->body.is_object())
        return Answer{std::nullopt, {}, who + ": answered " + std::to_string(r->status)};
    const auto& o = r->body.get_object();
    const auto hex = [&](const char* key) -> std::string {
        const auto* v = o.if_contains(key);
        return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string{};
    };
    const auto root = hash_from_hex(hex("root"));
    const auto id = hash_from_hex(hex("message_id"));
    const auto hook = hash_from_hex(hex("merkle_tree_hook"));
    const auto sig_bytes = from_hex(hex("signature"));
    if (!root || !id || !hook || !sig_bytes || sig_bytes->size() != committee::kSignatureSize)
        return Answer{std::nullopt, {}, who + ": a malformed checkpoint"};
    if (*id != message.id) return Answer{std::nullopt, {}, who + ": its checkpoint is for another message"};
    if (*hook != route.merkle_tree_hook)
        return Answer{std::nullopt, {}, who + ": its checkpoint names another merkle tree hook"};
    const committee::Checkpoint checkpoint{route.origin, route.merkle_tree_hook, *root, message.message.nonce,
                                           message.id};
    const auto sig = committee::from_rsv(*sig_bytes);
    const auto signer =
        sig ? recover_address(committee::digest(checkpoint), *sig) : std::unexpected(CryptoError{});
    if (!signer || *signer != v.address)
        return Answer{std::nullopt, {}, who + ": the signature is not this validator's"};
    Answer a;
    a.root = *root;
    std::copy(sig_bytes->begin(), sig_bytes->end(), a.signature.bytes.begin());
    return a;
}

// Answers as they come, shared with the threads that fetch them.
struct Round {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::optional<Answer>> answers;
};

}  // namespace

std::expected<CollectedMetadata, CollectError> collect_metadata(const CommitteeRoute& route,
                                                                const db::QueuedMessage& message,
                                                                std::chrono::milliseconds timeout) {
    auto round = std::make_shared<Round>();
    round->answers.resize(route.validators.size());
    // One thread per validator, detached: a validator slower than the threshold's is not waited for.
    for (std::size_t i = 0; i < route.validators.size(); ++i) {
        std::thread([round, i, route, message, timeout] {
            auto answer = read_answer(route, route.validators[i], message, timeout);
            const std::lock_guard lock(round->mutex);
            round->answers[i] = std::move(answer);
            round->changed.notify_all();
        }).detach();
    }
    // Waits until one root has `threshold` valid signatures, or every validator answered, or the time is up.
    const auto agreed = [&]() -> std::optional<Hash> {
        std::map<Hash, std::size_t> votes;
        for (const auto& a : round->answers) {
            if (a && a->root && ++votes[*a->root] >= route.threshold) return *a->root;
        }
        return std::nullopt;
    };
    std::unique_lock lock(round->mutex);
    std::optional<Hash> root;
    round->changed.wait_for(lock, timeout + std::chrono::milliseconds(100), [&] {
        root = agreed();
        return root || std::all_of(round->answers.begin(), round->answers.end(),
                                   [](const auto& a) { return a.has_value(); });
    });
    root = agreed();
    // The root most of them signed, when none reached the threshold: the others are named against it.
    std::optional<Hash> most = root;
    if (!most) {
        std::map<Hash, std::size_t> votes;
        for (const auto& a : round->answers) {
            if (a && a->root) ++votes[*a->root];
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
    for (std::size_t i = 0; i < round->answers.size(); ++i) {
        const auto& a = round->answers[i];
        if (!a) {
            notes.push_back(to_checksum_hex(route.validators[i].address) + ": no answer yet");
        } else if (!a->note.empty()) {
            notes.push_back(a->note);
        } else if (most && a->root != most) {
            notes.push_back(to_checksum_hex(route.validators[i].address) + ": signed another root " +
                            to_hex(*a->root));
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
    for (std::size_t i = 0; i < round->answers.size() && metadata.signatures.size() < route.threshold; ++i) {
        const auto& a = round->answers[i];
        if (a && a->root == root) {
            metadata.signatures.push_back(a->signature);
            out.signers.push_back(route.validators[i].address);
        }
    }
    lock.unlock();
    committee::encode(out.metadata, metadata);
    out.notes = std::move(notes);
    return out;
}

}  // namespace causeway::relayer
