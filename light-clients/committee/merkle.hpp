// The incremental Merkle tree of depth 32 that Hyperlane's merkle-tree hook keeps (MerkleLib, after
// the eth2 deposit contract): leaves are message ids, an empty subtree of height i hashes to the
// i-th zero hash, and the root commits to every leaf inserted so far. No I/O.
#pragma once

#include <array>
#include <cstdint>
#include <expected>
#include <span>
#include <string_view>

#include "core/bytes.hpp"

namespace causeway::committee {

inline constexpr std::size_t kTreeDepth = 32;
// MerkleLib refuses the 2^32-th leaf.
inline constexpr uint64_t kMaxLeaves = (uint64_t{1} << kTreeDepth) - 1;

// Sibling hashes from the leaf up, one per level.
using Branch = std::array<Hash, kTreeDepth>;

// zero_hashes()[0] = 0, zero_hashes()[i + 1] = keccak256(z[i] | z[i]).
[[nodiscard]] const std::array<Hash, kTreeDepth>& zero_hashes() noexcept;

enum class MerkleError : uint8_t {
    kTreeFull,         // kMaxLeaves leaves already
    kIndexOutOfRange,  // a proof for a leaf the tree does not have
};
[[nodiscard]] std::string_view to_string(MerkleError e) noexcept;

// The on-chain form: the count and one stored node per level (the left frontier), so insert and
// root cost 32 hashes at most, whatever the number of leaves.
class IncrementalMerkleTree {
  public:
    [[nodiscard]] std::expected<void, MerkleError> insert(const Hash& leaf) noexcept;
    [[nodiscard]] Hash root() const noexcept;
    [[nodiscard]] uint64_t count() const noexcept { return count_; }
    // A checkpoint's index is count - 1, so an empty tree has nothing to sign.
    [[nodiscard]] bool empty() const noexcept { return count_ == 0; }
    friend bool operator==(const IncrementalMerkleTree&, const IncrementalMerkleTree&) = default;

  private:
    Branch branch_{};
    uint64_t count_ = 0;
};

// The branch proving leaves[index] under the root of a tree holding exactly `leaves` (the relayer
// keeps every message id of an origin, as Hyperlane's MerkleTreeBuilder does). O(n) hashes.
[[nodiscard]] std::expected<Branch, MerkleError> prove(std::span<const Hash> leaves, uint64_t index);

// MerkleLib.branchRoot: the root a leaf and its branch imply.
[[nodiscard]] Hash branch_root(const Hash& leaf, const Branch& branch, uint32_t index) noexcept;

enum class [[nodiscard]] MerkleVerdict : uint8_t{
    kValid,
    kRootMismatch,          // the leaf and branch imply another root
    kIndexAfterCheckpoint,  // the leaf's index is beyond the checkpoint's (not in that tree yet)
};
[[nodiscard]] std::string_view to_string(MerkleVerdict v) noexcept;

MerkleVerdict verify_branch(const Hash& leaf, const Branch& branch, uint32_t index,
                            const Hash& root) noexcept;
// Inclusion of a message id under a signed checkpoint (root, index = count - 1).
MerkleVerdict verify_inclusion(const Hash& leaf, const Branch& branch, uint32_t leaf_index, const Hash& root,
                               uint32_t checkpoint_index) noexcept;

}  // namespace causeway::committee
