#include "light-clients/committee/merkle.hpp"

#include <cstring>
#include <vector>

#include "core/keccak.hpp"

namespace causeway::committee {

namespace {

Hash hash_pair(const Hash& left, const Hash& right) noexcept {
    uint8_t buf[64];
    std::memcpy(buf, left.data(), 32);
    std::memcpy(buf + 32, right.data(), 32);
    return keccak256({buf, 64});
}

}  // namespace

const std::array<Hash, kTreeDepth>& zero_hashes() noexcept {
    static const std::array<Hash, kTreeDepth> zeros = [] {
        std::array<Hash, kTreeDepth> z{};
        for (std::size_t i = 1; i < kTreeDepth; ++i) z[i] = hash_pair(z[i - 1], z[i - 1]);
        return z;
    }();
    return zeros;
}

std::string_view to_string(MerkleError e) noexcept {
    switch (e) {
        case MerkleError::kTreeFull: return "merkle tree full (2^32 - 1 leaves)";
        case MerkleError::kIndexOutOfRange: return "leaf index beyond the tree's leaves";
    }
    return "merkle error";
}

std::expected<void, MerkleError> IncrementalMerkleTree::insert(const Hash& leaf) noexcept {
    if (count_ >= kMaxLeaves) return std::unexpected(MerkleError::kTreeFull);
    ++count_;
    uint64_t size = count_;
    Hash node = leaf;
    // The new leaf completes subtrees up to the lowest set bit of the new count; store the node there.
    for (std::size_t i = 0; i < kTreeDepth; ++i) {
        if (size & 1) {
            branch_[i] = node;
            return {};
        }
        node = hash_pair(branch_[i], node);
        size >>= 1;
    }
    return {};  // unreachable: count_ < 2^32 has a set bit below 32
}

Hash IncrementalMerkleTree::root() const noexcept {
    const auto& zeros = zero_hashes();
    Hash current;
    for (std::size_t i = 0; i < kTreeDepth; ++i) {
        current = (count_ >> i) & 1 ? hash_pair(branch_[i], current) : hash_pair(current, zeros[i]);
    }
    return current;
}

std::expected<Branch, MerkleError> prove(std::span<const Hash> leaves, uint64_t index) {
    if (index >= leaves.size() || leaves.size() > kMaxLeaves)
        return std::unexpected(MerkleError::kIndexOutOfRange);
    const auto& zeros = zero_hashes();
    Branch branch;
    std::vector<Hash> level(leaves.begin(), leaves.end());
    for (std::size_t i = 0; i < kTreeDepth; ++i) {
        const uint64_t sibling = index ^ 1;
        branch[i] = sibling < level.size() ? level[sibling] : zeros[i];
        // The next level up; a missing right child is the empty subtree of this height.
        std::vector<Hash> up((level.size() + 1) / 2);
        for (std::size_t j = 0; j < up.size(); ++j) {
            const Hash& right = 2 * j + 1 < level.size() ? level[2 * j + 1] : zeros[i];
            up[j] = hash_pair(level[2 * j], right);
        }
        level = std::move(up);
        index >>= 1;
    }
    return branch;
}

Hash branch_root(const Hash& leaf, const Branch& branch, uint32_t index) noexcept {
    Hash current = leaf;
    for (std::size_t i = 0; i < kTreeDepth; ++i) {
        current = (index >> i) & 1 ? hash_pair(branch[i], current) : hash_pair(current, branch[i]);
    }
    return current;
}

std::string_view to_string(MerkleVerdict v) noexcept {
    switch (v) {
        case MerkleVerdict::kValid: return "valid";
        case MerkleVerdict::kRootMismatch: return "the leaf and branch imply another root";
        case MerkleVerdict::kIndexAfterCheckpoint: return "the leaf index is beyond the checkpoint index";
    }
    return "unknown verdict";
}

MerkleVerdict verify_branch(const Hash& leaf, const Branch& branch, uint32_t index,
                            const Hash& root) noexcept {
    return branch_root(leaf, branch, index) == root ? MerkleVerdict::kValid : MerkleVerdict::kRootMismatch;
}

MerkleVerdict verify_inclusion(const Hash& leaf, const Branch& branch, uint32_t leaf_index, const Hash& root,
                               uint32_t checkpoint_index) noexcept {
    if (leaf_index > checkpoint_index) return MerkleVerdict::kIndexAfterCheckpoint;
    return verify_branch(leaf, branch, leaf_index, root);
}

}  // namespace causeway::committee
