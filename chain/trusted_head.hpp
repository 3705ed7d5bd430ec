// Where a trusted L1 head comes from. Post-merge headers carry no proof of work: parent links
// prove a trusted header's ancestors and nothing proves its descendants, so each newer trusted
// head needs a source of its own. Two are here: a quorum of independent endpoints agreeing on the
// hash of the chain's finalized (or another tagged) block, each header checked against its RLP;
// and an operator's pinned checkpoint. A lone lying endpoint cannot move the head: it is named as
// disagreeing and outvoted.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "chain/chain_client.hpp"
#include "core/bytes.hpp"

namespace causeway::chain {

struct TrustedHead {
    uint64_t number = 0;
    Hash hash;
    std::string source;  // "quorum of 2 of 3 endpoints on the finalized block", "checkpoint"
    friend bool operator==(const TrustedHead&, const TrustedHead&) = default;
};

struct QuorumSettings {
    BlockTag tag = BlockTag::kFinalized;
    std::size_t quorum = 2;  // endpoints that must agree; set it above half of them
};

// What one endpoint said.
struct EndpointReport {
    std::string endpoint;
    std::optional<uint64_t> tagged;  // the number of its tagged block
    std::optional<Hash> hash;        // its header at the candidate number, hashed from its RLP
    std::string problem;             // why it gave no hash, or that it disagreed
};

enum class QuorumVerdict : uint8_t {
    kAgreed,           // `quorum` endpoints gave one hash for the candidate number
    kNoQuorum,         // too few answered, or their hashes split
    kTooFewEndpoints,  // fewer endpoints than the quorum (a configuration error)
};

struct QuorumResult {
    QuorumVerdict verdict = QuorumVerdict::kNoQuorum;
    std::optional<TrustedHead> head;  // with kAgreed
    std::vector<EndpointReport> reports;
    std::vector<std::string> disagreeing;  // endpoints that gave another hash than the quorum's
};

// Asks every endpoint for its tagged block, takes the highest number that at least `quorum`
// endpoints have reached, and asks those for their header at that number: the head is trusted when
// `quorum` of them give one hash. A header whose RLP does not hash to the hash the endpoint claims
// counts as that endpoint's problem, not as a vote.
[[nodiscard]] QuorumResult quorum_head(std::span<ChainClient* const> endpoints,
                                       const QuorumSettings& settings);

// The newest trusted head of one chain. It starts from the pinned checkpoint, if any, and moves
// only forward, only on an agreed quorum; a quorum that names another hash for the number already
// trusted is refused (finality broken, or most endpoints lying) and reported.
class TrustedHeadTracker {
  public:
    enum class Update : uint8_t { kAdvanced, kUnchanged, kNoQuorum, kConflict };

    explicit TrustedHeadTracker(std::optional<TrustedHead> checkpoint = std::nullopt);

    Update update(const QuorumResult& result);
    [[nodiscard]] std::optional<TrustedHead> head() const;

  private:
    mutable std::mutex mutex_;
    std::optional<TrustedHead> head_;
};

[[nodiscard]] std::string_view to_string(QuorumVerdict verdict) noexcept;
[[nodiscard]] std::string_view to_string(TrustedHeadTracker::Update update) noexcept;

}  // namespace causeway::chain
