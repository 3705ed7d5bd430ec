#include "relayer/validator.hpp"

#include <algorithm>
#include <map>

#include "core/hex.hpp"

namespace causeway::relayer {
namespace {

using db::MessageState;
using Clock = std::chrono::system_clock;

db::Timestamp after(std::chrono::milliseconds d) {
    return std::chrono::time_point_cast<std::chrono::microseconds>(Clock::now() + d);
}

constexpr std::chrono::milliseconds kLease{60'000};
// A message final before an earlier index is: looked at again soon.
constexpr std::chrono::milliseconds kEarlierIndexWait{200};
// The longest one pass of the loop runs.
constexpr std::chrono::milliseconds kPassBudget{1'000};

}  // namespace

Validator::Validator(db::Connection& conn, CheckpointSigner& signer, std::vector<ValidatorOrigin> origins,
                     std::string owner, int batch)
    : conn_(conn), queue_(conn), signer_(signer), owner_(std::move(owner)), batch_(std::max(batch, 1)) {
    for (auto& o : origins) {
        const uint32_t domain = o.domain;
        origins_.emplace(domain, std::move(o));
    }
}

Validator::OriginState& Validator::state_of(uint32_t origin) {
    auto& state = states_[origin];
    if (state.loaded) return state;
    state = OriginState{};
    // The tree again from what was signed: each signed root must be the tree of the signed ids.
    for (const auto& c : signer_.store().all(origin)) {
        if (c.index != state.tree.count()) {
            throw db::Error("the signed checkpoints of origin " + std::to_string(origin) +
                            " skip from index " + std::to_string(state.tree.count()) + " to " +
                            std::to_string(c.index));
        }
        if (!state.tree.insert(c.message_id))
            throw db::Error("the Merkle tree of origin " + std::to_string(origin) + " is full");
        if (state.tree.root() != c.root) {
            throw db::Error("the signed root of origin " + std::to_string(origin) + " at index " +
                            std::to_string(c.index) + " is not the tree of the signed message ids");
        }
    }
    state.loaded = true;
    return state;
}

uint32_t Validator::next_index(uint32_t origin) {
    return static_cast<uint32_t>(state_of(origin).tree.count());
}

std::size_t Validator::verify_due(ValidatorStep& step) {
    auto claimed = queue_.claim(MessageState::kObserved, batch_, owner_, kLease);
    // In index order per origin: outputs become final in order, so once one message is not final
    // yet neither is any later one of its origin. Those wait as long, unfetched, and come back in
    // line behind it (signing goes in index order anyway).
    std::sort(claimed.begin(), claimed.end(), [](const auto& a, const auto& b) {
        return std::pair(a.message.origin, a.message.nonce) < std::pair(b.message.origin, b.message.nonce);
    });
    std::map<uint32_t, std::vector<Hash>> expected;
    for (const auto& m : claimed) expected[m.message.origin].push_back(m.id);
    for (const auto& [domain, ids] : expected) {
        if (const auto o = origins_.find(domain); o != origins_.end() && o->second.expect)
            o->second.expect(ids);
    }
    std::map<uint32_t, std::chrono::milliseconds> waiting;  // origin -> the wait of its first not final
    std::map<uint32_t, std::vector<Hash>> behind;  // origin -> those waiting behind its first not final
    std::vector<db::Advance> final;
    for (const auto& m : claimed) {
        if (const auto w = waiting.find(m.message.origin); w != waiting.end()) {
            behind[m.message.origin].push_back(m.id);
            ++step.deferred;
            continue;
        }
        const auto origin = origins_.find(m.message.origin);
        if (origin == origins_.end()) {
            (void)queue_.dead_letter(
                m.id, owner_, db::ErrorClass::kUnknownRoute,
                "this validator does not validate origin " + std::to_string(m.message.origin));
            continue;
        }
        Verification v;
        try {
            v = origin->second.verify(m);
        } catch (const std::exception& e) {
            v = Verification{VerifyOutcome::kNotYet, std::string("verification failed: ") + e.what(),
                             kEarlierIndexWait * 5};
        }
        switch (v.outcome) {
            case VerifyOutcome::kFinal:
                final.push_back(db::Advance{m.id, MessageState::kVerified, std::nullopt});
                ++step.verified;
                break;
            case VerifyOutcome::kNotYet:
                (void)queue_.defer(m.id, owner_, after(v.retry_after), "awaiting_finality");
                waiting.emplace(m.message.origin, v.retry_after);
                ++step.deferred;
                break;
            case VerifyOutcome::kInvalid:
                (void)queue_.retry(m.id, owner_, db::ErrorClass::kEvidenceNotReady, v.detail);
                ++step.rejected;
                break;
        }
    }
    // In one statement per origin, due at one time: they keep their order (the queue's seq).
    for (const auto& [domain, ids] : behind)
        (void)queue_.defer(ids, owner_, after(waiting.at(domain)), "awaiting_earlier_index");
    (void)queue_.advance(final, owner_);
    return claimed.size();
}

void Validator::sign_final(ValidatorStep& step) {
    // Per origin, in index order from the next index: deferrals elsewhere in the queue do not
    // decide which verified messages a pass looks at.
    for (const auto& [domain, origin] : origins_) {
        while (true) {
            auto& state = state_of(domain);
            const auto next = static_cast<uint64_t>(state.tree.count());
            auto claimed = queue_.claim_in_nonce_order(MessageState::kVerified, domain, next + batch_, batch_,
                                                       owner_, kLease);
            if (claimed.empty()) break;
            std::vector<db::Advance> done;
            std::size_t signed_now = 0;
            for (const auto& m : claimed) {
                const auto index = static_cast<uint32_t>(state.tree.count());
                if (m.message.nonce < index) {
                    // Signed before (a restart between signing and recording the step): only if it is
                    // this message.
                    const auto signed_before = signer_.store().at(m.message.origin, m.message.nonce);
                    if (signed_before && signed_before->message_id == m.id) {
                        done.push_back(db::Advance{m.id, MessageState::kDelivered, std::nullopt});
                    } else {
                        (void)queue_.dead_letter(m.id, owner_, db::ErrorClass::kInvalidMessage,
                                                 "index " + std::to_string(m.message.nonce) + " of origin " +
                                                     std::to_string(m.message.origin) +
                                                     " was signed for another message: not signing it again");
                    }
                    continue;
                }
                if (m.message.nonce > index) {
                    // An earlier index is not verified yet.
                    (void)queue_.defer(m.id, owner_, after(kEarlierIndexWait), "awaiting_earlier_index");
                    ++step.deferred;
                    continue;
                }
                try {
                    if (!state.tree.insert(m.id)) throw db::Error("the Merkle tree is full");
                    (void)signer_.sign(committee::Checkpoint{m.message.origin, origin.merkle_tree_hook,
                                                             state.tree.root(), index, m.id});
                } catch (...) {
                    state.loaded = false;  // rebuilt from the store next time
                    throw;
                }
                done.push_back(db::Advance{m.id, MessageState::kDelivered, std::nullopt});
                ++signed_now;
            }
            (void)queue_.advance(done, owner_);
            step.signed_checkpoints += signed_now;
            if (signed_now == 0) break;
        }
    }
}

ValidatorStep Validator::step() {
    ValidatorStep step;
    // Signed batch by batch: a burst of thousands does not hold the first signature back until the
    // last message is verified.
    // A pass ends when a batch finds nothing final (the rest of the backlog waits behind it) or
    // after kPassBudget: the daemon's loop must get back to refreshing the trusted head, without
    // which nothing waiting ever becomes final.
    const auto until = std::chrono::steady_clock::now() + kPassBudget;
    std::size_t claimed = 0;
    do {
        const std::size_t verified_before = step.verified;
        claimed = verify_due(step);
        sign_final(step);
        if (step.verified == verified_before) break;
    } while (claimed == static_cast<std::size_t>(batch_) && std::chrono::steady_clock::now() < until);
    return step;
}

}  // namespace causeway::relayer
