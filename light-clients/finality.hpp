// Finality policies: per chain data that says when a block (and the messages in it) may be acted on.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string_view>

namespace causeway::finality {

// What a block must reach before it counts: the route's finality rule, as data per chain.
enum class Level : uint8_t {
    kLatest,     // in the canonical chain with `confirmations` blocks on top
    kSafe,       // at or below the chain's `safe` block
    kFinalized,  // at or below the chain's `finalized` block
    kAnchored,   // committed to L1 by an anchor whose challenge window has passed
};
[[nodiscard]] std::string_view to_string(Level level) noexcept;
[[nodiscard]] std::optional<Level> parse_level(std::string_view text) noexcept;

struct Policy {
    uint64_t confirmations = 1;       // blocks counting the including one; 1 = included
    uint64_t challenge_window_s = 0;  // optimistic routes: seconds from anchor to final
    Level level = Level::kLatest;
};

enum class PolicyError : uint8_t {
    kZeroConfirmations,      // a block needs at least itself
    kAnchoredWithoutWindow,  // an anchored policy without a challenge window would trust the proposer
};
[[nodiscard]] std::string_view to_string(PolicyError e) noexcept;
// Checked once when settings load.
[[nodiscard]] std::expected<void, PolicyError> validate(const Policy& policy) noexcept;

// The chain as the light client has verified it.
struct ChainView {
    uint64_t head = 0;
    std::optional<uint64_t> safe;
    std::optional<uint64_t> finalized;
};

enum class [[nodiscard]] Verdict : uint8_t{
    kFinal,
    kAwaitingConfirmations,    // fewer than `confirmations` blocks from the block to the head
    kAwaitingSafe,             // the safe block has not reached it (or is unknown)
    kAwaitingFinalized,        // the finalized block has not reached it (or is unknown)
    kAwaitingAnchor,           // no L1 anchor covers it yet
    kAwaitingChallengeWindow,  // anchored, but the window is still open
};
[[nodiscard]] std::string_view to_string(Verdict v) noexcept;

// Block-number rules (latest, safe, finalized). An anchored policy also needs `evaluate_anchor`.
Verdict evaluate(const Policy& policy, uint64_t block_number, const ChainView& chain) noexcept;

// The optimistic rule: an anchor proposed at `proposed_at` (unix seconds) is final once the
// challenge window has passed, strictly, as the L1 contracts check it (OptimismPortal:
// `block.timestamp > timestamp + FINALIZATION_PERIOD_SECONDS`). Returns the verdict and, in
// `final_at`, the first second at which it is final: proposed_at + window + 1 (saturating).
Verdict evaluate_anchor(const Policy& policy, std::optional<uint64_t> proposed_at, uint64_t now,
                        uint64_t* final_at = nullptr) noexcept;

}  // namespace causeway::finality
