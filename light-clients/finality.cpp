#include "light-clients/finality.hpp"

#include <limits>

namespace causeway::finality {

std::string_view to_string(Level level) noexcept {
    switch (level) {
        case Level::kLatest: return "latest";
        case Level::kSafe: return "safe";
        case Level::kFinalized: return "finalized";
        case Level::kAnchored: return "anchored";
    }
    return "unknown";
}

std::optional<Level> parse_level(std::string_view text) noexcept {
    for (Level l : {Level::kLatest, Level::kSafe, Level::kFinalized, Level::kAnchored}) {
        if (to_string(l) == text) return l;
    }
    return std::nullopt;
}

std::string_view to_string(PolicyError e) noexcept {
    switch (e) {
        case PolicyError::kZeroConfirmations: return "confirmations must be at least 1";
        case PolicyError::kAnchoredWithoutWindow: return "finality 'anchored' needs challenge_window_s > 0";
    }
    return "invalid policy";
}

std::expected<void, PolicyError> validate(const Policy& policy) noexcept {
    if (policy.confirmations == 0) return std::unexpected(PolicyError::kZeroConfirmations);
    if (policy.level == Level::kAnchored && policy.challenge_window_s == 0) {
        return std::unexpected(PolicyError::kAnchoredWithoutWindow);
    }
    return {};
}

std::string_view to_string(Verdict v) noexcept {
    switch (v) {
        case Verdict::kFinal: return "final";
        case Verdict::kAwaitingConfirmations: return "awaiting confirmations";
        case Verdict::kAwaitingSafe: return "awaiting the safe block";
        case Verdict::kAwaitingFinalized: return "awaiting the finalized block";
        case Verdict::kAwaitingAnchor: return "awaiting an L1 anchor";
        case Verdict::kAwaitingChallengeWindow: return "awaiting the end of the challenge window";
    }
    return "unknown";
}

Verdict evaluate(const Policy& policy, uint64_t block_number, const ChainView& chain) noexcept {
    // Confirmations apply under every level: a reorg-depth guard on top of the chain's own tags.
    if (block_number > chain.head || chain.head - block_number + 1 < policy.confirmations) {
        return Verdict::kAwaitingConfirmations;
    }
    switch (policy.level) {
        case Level::kLatest:
        case Level::kAnchored: return Verdict::kFinal;
        case Level::kSafe:
            return chain.safe && *chain.safe >= block_number ? Verdict::kFinal : Verdict::kAwaitingSafe;
        case Level::kFinalized:
            return chain.finalized && *chain.finalized >= block_number ? Verdict::kFinal
                                                                       : Verdict::kAwaitingFinalized;
    }
    return Verdict::kAwaitingConfirmations;
}

Verdict evaluate_anchor(const Policy& policy, std::optional<uint64_t> proposed_at, uint64_t now,
                        uint64_t* final_at) noexcept {
    if (!proposed_at) return Verdict::kAwaitingAnchor;
    // The first second strictly after the window, saturating rather than wrapping.
    constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
    const uint64_t end =
        *proposed_at > kMax - policy.challenge_window_s ? kMax : *proposed_at + policy.challenge_window_s;
    const uint64_t at = end == kMax ? kMax : end + 1;
    if (final_at) *final_at = at;
    return now >= at ? Verdict::kFinal : Verdict::kAwaitingChallengeWindow;
}

}  // namespace causeway::finality
