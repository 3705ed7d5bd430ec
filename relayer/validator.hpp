// The validator's work over its own queue: the watcher puts each origin's messages there; each is
// checked by its chain family's light client under the route's finality rule (a Verifier); and
// once every message up to an index is final, the checkpoint of that index is signed over the
// origin's Merkle tree (message ids in Mailbox nonce order, as the Mailbox's tree holds them),
// recorded before it can be served. In a validator's queue a message moves observed -> verified
// (final) -> delivered (signed).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "db/connection.hpp"
#include "db/queue.hpp"
#include "light-clients/committee/merkle.hpp"
#include "relayer/checkpoints.hpp"

namespace causeway::relayer {

enum class VerifyOutcome : uint8_t {
    kFinal,    // proven and final under the route's rule: may be signed
    kNotYet,   // nothing wrong, not final yet (or not anchored yet): ask again later
    kInvalid,  // the evidence does not prove it (a lying endpoint, or a message that is not there)
};

struct Verification {
    VerifyOutcome outcome = VerifyOutcome::kNotYet;
    std::string detail;  // one line, for the queue's record
    std::chrono::milliseconds retry_after{1'000};
};

using Verifier = std::function<Verification(const db::QueuedMessage& message)>;

// Told, before a pass verifies them, the ids of the origin's messages it will ask about (in index
// order), so that their evidence can be fetched together.
using ExpectHint = std::function<void(std::span<const Hash> ids)>;

struct ValidatorOrigin {
    uint32_t domain = 0;
    Hash merkle_tree_hook;  // the origin Mailbox (its merkle tree), as bytes32
    Verifier verify;
    ExpectHint expect = nullptr;  // optional
};

struct ValidatorStep {
    std::size_t verified = 0;  // found final
    std::size_t deferred = 0;  // not final yet, or waiting for an earlier index
    std::size_t rejected = 0;  // invalid evidence (retried with backoff, then dead-lettered)
    std::size_t signed_checkpoints = 0;
};

class Validator {
  public:
    Validator(db::Connection& conn, CheckpointSigner& signer, std::vector<ValidatorOrigin> origins,
              std::string owner = "validator", int batch = 100);

    // One pass: verifies the messages due, then signs every checkpoint the final messages allow,
    // in index order. Throws db::Error when the store disagrees with itself (a signed root its own
    // message ids do not give) or a message would need a second root for a signed index.
    ValidatorStep step();

    // The index the next checkpoint of `origin` will have (0 before any).
    [[nodiscard]] uint32_t next_index(uint32_t origin);

  private:
    struct OriginState {
        committee::IncrementalMerkleTree tree;
        bool loaded = false;
    };
    OriginState& state_of(uint32_t origin);
    std::size_t verify_due(ValidatorStep& step);
    void sign_final(ValidatorStep& step);

    db::Connection& conn_;
    db::Queue queue_;
    CheckpointSigner& signer_;
    std::map<uint32_t, ValidatorOrigin> origins_;
    std::map<uint32_t, OriginState> states_;
    std::string owner_;
    int batch_;
};

}  // namespace causeway::relayer
