// A store of block headers above a trusted checkpoint: it accepts a header only when it links by
// parentHash to a stored one, keeps competing branches until finality decides between them, tracks
// the canonical head, and reports reorgs.
//
// Trust: the checkpoint's hash is trusted (configuration, or the finalized block a quorum of RPC
// endpoints agreed on). Headers above it are only linked, not trusted: anyone can build a valid
// header on a trusted parent. finalize() is where new trust enters (the caller has it from its
// finality source), and a finalized header vouches for all its ancestors through their parentHash
// links. Everything not descending from the finalized header is then dropped.
//
// Head rule (explicit, since the execution layer cannot see the beacon chain's fork choice):
//  * kLongest (default; proof of stake and rollups): the highest number wins;
//  * kHeaviest (proof of work): the greatest total difficulty since the checkpoint, then the highest
//    number (difficulty is 0 after the merge, so a chain crossing it falls back to length).
// A tie keeps the header seen first, so a competing branch of equal weight never moves the head.
//
// Memory: the finalized header is the root; everything below it is pruned, and the store refuses
// headers past `max_headers` (kStoreFull) until a finalize() makes room.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/block_header.hpp"
#include "core/bytes.hpp"
#include "core/u256.hpp"
#include "light-clients/headers/ethereum_header.hpp"

namespace causeway::headers {

enum class HeadRule : uint8_t { kLongest, kHeaviest };
[[nodiscard]] std::string_view to_string(HeadRule r) noexcept;

struct BlockRef {
    Hash hash;
    uint64_t number = 0;
    friend bool operator==(const BlockRef&, const BlockRef&) = default;
};

// The canonical head moved to another branch.
struct Reorg {
    uint64_t depth = 0;  // old-branch headers that stopped being canonical (old head - ancestor)
    BlockRef old_head;
    BlockRef new_head;
    BlockRef common_ancestor;  // the last header both branches share
    friend bool operator==(const Reorg&, const Reorg&) = default;
};

// Each value names why a header was or was not stored.
enum class [[nodiscard]] InsertVerdict : uint8_t{
    kAccepted,                // stored
    kDuplicate,               // already stored (nothing changed)
    kConflictsWithFinalized,  // at or below the finalized height, so not a descendant of it
    kUnknownParent,           // no stored header has its parentHash (not seen yet, or pruned)
    kBadLink,                 // the parent is stored but the link breaks a rule (InsertResult::link)
    kStoreFull,               // max_headers reached: finalize to make room
};
[[nodiscard]] std::string_view to_string(InsertVerdict v) noexcept;

struct InsertResult {
    InsertVerdict verdict = InsertVerdict::kUnknownParent;
    LinkVerdict link = LinkVerdict::kValid;  // the rule broken, for kBadLink
    Hash hash;                               // keccak256(rlp(header))
    bool new_head = false;                   // the header became the canonical head
    std::optional<Reorg> reorg;              // ... by switching branches
};

enum class [[nodiscard]] FinalizeVerdict : uint8_t{
    kFinalized,         // the header is the new finalized root; conflicting branches are gone
    kAlreadyFinalized,  // it is the current root (nothing changed)
    kUnknownHeader,     // no stored header has this hash (not seen yet, or not a descendant)
    kBelowFinalized,    // a number below the current finalized header
    kAboveHead,         // a number above the canonical head
};
[[nodiscard]] std::string_view to_string(FinalizeVerdict v) noexcept;

struct FinalizeResult {
    FinalizeVerdict verdict = FinalizeVerdict::kUnknownHeader;
    BlockRef finalized;          // the root after the call
    std::size_t pruned = 0;      // headers dropped
    std::optional<Reorg> reorg;  // the finalized header was on another branch than the head
};

struct StoreOptions {
    HeadRule head_rule = HeadRule::kLongest;
    LinkRules link;                    // TimestampRule::kNonDecreasing for Arbitrum
    std::size_t max_headers = 32'768;  // the root included
};

class HeaderStore {
  public:
    // The checkpoint must hash to `trusted_hash` (HeaderVerdict::kHashMismatch otherwise, or
    // kWrongFieldCount for a header whose fields match no fork).
    [[nodiscard]] static std::expected<HeaderStore, HeaderVerdict> create(const BlockHeader& checkpoint,
                                                                          const Hash& trusted_hash,
                                                                          StoreOptions options = {});

    [[nodiscard]] InsertResult insert(const BlockHeader& header);

    // Declares a stored header final (the caller trusts this hash, or the canonical header at this
    // number). It becomes the root: its ancestors and every branch that does not contain it are
    // dropped; if the head was on such a branch, the head moves (and the result reports the reorg).
    [[nodiscard]] FinalizeResult finalize(const Hash& hash);
    [[nodiscard]] FinalizeResult finalize(uint64_t number);

    [[nodiscard]] BlockRef head() const noexcept { return head_; }
    [[nodiscard]] BlockRef finalized() const noexcept { return root_; }
    [[nodiscard]] const BlockHeader* find(const Hash& hash) const;
    [[nodiscard]] bool contains(const Hash& hash) const { return nodes_.contains(hash); }
    // The canonical header's hash at a height between the finalized header and the head.
    [[nodiscard]] std::optional<Hash> canonical_hash(uint64_t number) const;
    [[nodiscard]] bool is_canonical(const Hash& hash) const;
    // The branch tips: stored headers without children (the head is one of them).
    [[nodiscard]] std::vector<BlockRef> tips() const;
    [[nodiscard]] std::size_t size() const noexcept { return nodes_.size(); }
    [[nodiscard]] const StoreOptions& options() const noexcept { return options_; }

  private:
    struct Node {
        BlockHeader header;
        std::vector<Hash> children;
        u256 total_difficulty;  // since the root (only differences matter)
        uint64_t seq = 0;       // arrival order, for ties
    };

    explicit HeaderStore(StoreOptions options) : options_(options) {}
    [[nodiscard]] bool better(const Node& a, const Node& b) const;
    // Makes `tip` the head; returns the reorg when the old head is not its ancestor.
    std::optional<Reorg> set_head(const Hash& tip);
    [[nodiscard]] BlockRef ref(const Hash& hash) const;

    StoreOptions options_;
    std::unordered_map<Hash, Node> nodes_;
    BlockRef root_;
    BlockRef head_;
    // canonical_[i] is the canonical header at root_.number + i, up to the head.
    std::vector<Hash> canonical_;
    uint64_t next_seq_ = 0;
};

}  // namespace causeway::headers
