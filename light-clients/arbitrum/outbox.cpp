#include "light-clients/arbitrum/outbox.hpp"

#include <bit>
#include <cstring>

#include "core/keccak.hpp"

namespace causeway::arbitrum {

namespace {

Hash hash_pair(const Hash& left, const Hash& right) noexcept {
    uint8_t buffer[64];
    std::memcpy(buffer, left.data(), 32);
    std::memcpy(buffer + 32, right.data(), 32);
    return keccak256(ByteView(buffer, sizeof(buffer)));
}

void append_word(Bytes& out, const u256& v) {
    uint8_t word[32];
    u256_to_be(v, word);
    out.append(word, 32);
}

constexpr std::size_t kMaxProofLength = 256;  // exclusive: the Outbox reverts at 256

}  // namespace

Hash item_hash(const OutboxItem& item) {
    Bytes packed;
    packed.reserve(20 + 20 + 4 * 32 + item.data.size());
    packed.append(item.l2_sender.view());
    packed.append(item.to.view());
    append_word(packed, item.l2_block);
    append_word(packed, item.l1_block);
    append_word(packed, item.l2_timestamp);
    append_word(packed, item.value);
    packed.append(item.data);
    return keccak256(packed);
}

Hash leaf_hash(const Hash& item_hash) noexcept {
    return keccak256(item_hash.view());
}

Hash calculate_merkle_root(std::span<const Hash> proof, uint64_t index, const Hash& item_hash) noexcept {
    Hash h = leaf_hash(item_hash);
    for (std::size_t i = 0; i < proof.size(); ++i) {
        const bool right = i < 64 && ((index >> i) & 1) != 0;
        h = right ? hash_pair(proof[i], h) : hash_pair(h, proof[i]);
    }
    return h;
}

unsigned send_tree_depth(uint64_t send_count) noexcept {
    return send_count <= 1 ? 0 : static_cast<unsigned>(std::bit_width(send_count - 1));
}

std::string_view to_string(OutboxVerdict v) noexcept {
    switch (v) {
        case OutboxVerdict::kValid: return "valid";
        case OutboxVerdict::kProofTooLong: return "the proof has 256 or more siblings";
        case OutboxVerdict::kPathNotMinimal: return "the index does not fit in the proof's depth";
        case OutboxVerdict::kIndexBeyondSendCount: return "the index is not below the send count";
        case OutboxVerdict::kWrongDepth: return "the proof length is not the send tree's depth";
        case OutboxVerdict::kRootMismatch: return "the Merkle path does not lead to the send root";
    }
    return "unknown";
}

OutboxVerdict verify_outbox_proof(const Hash& send_root, std::optional<uint64_t> send_count, uint64_t index,
                                  const Hash& item_hash, std::span<const Hash> proof) noexcept {
    if (proof.size() >= kMaxProofLength) return OutboxVerdict::kProofTooLong;
    if (proof.size() < 64 && (index >> proof.size()) != 0) return OutboxVerdict::kPathNotMinimal;
    if (send_count) {
        if (index >= *send_count) return OutboxVerdict::kIndexBeyondSendCount;
        if (proof.size() != send_tree_depth(*send_count)) return OutboxVerdict::kWrongDepth;
    }
    return calculate_merkle_root(proof, index, item_hash) == send_root ? OutboxVerdict::kValid
                                                                       : OutboxVerdict::kRootMismatch;
}

void SendMerkleAccumulator::append(const Hash& item_hash) {
    // MerkleAccumulator.Append: carry the new leaf up through the full partials, like binary +1.
    Hash so_far = leaf_hash(item_hash);
    const unsigned levels = static_cast<unsigned>(std::bit_width(size_));  // partials before this append
    ++size_;
    for (unsigned level = 0;; ++level) {
        if (level == levels) {
            partials_.resize(level + 1);
            partials_[level] = so_far;
            return;
        }
        if (partials_[level].is_zero()) {
            partials_[level] = so_far;
            return;
        }
        so_far = hash_pair(partials_[level], so_far);
        partials_[level] = Hash{};
    }
}

Hash SendMerkleAccumulator::root() const noexcept {
    // MerkleAccumulator.Root: fold the partials from the smallest up; a lower subtree is padded with
    // zero siblings to the height of the next partial, which sits on its left.
    std::optional<Hash> so_far;
    uint64_t capacity_in_hash = 0;
    uint64_t capacity = 1;
    for (std::size_t level = 0; level < partials_.size(); ++level, capacity *= 2) {
        const Hash& partial = partials_[level];
        if (partial.is_zero()) continue;
        if (!so_far) {
            so_far = partial;
            capacity_in_hash = capacity;
            continue;
        }
        for (; capacity_in_hash < capacity; capacity_in_hash *= 2) so_far = hash_pair(*so_far, Hash{});
        so_far = hash_pair(partial, *so_far);
        capacity_in_hash = 2 * capacity;
    }
    return so_far.value_or(Hash{});
}

std::vector<Hash> build_outbox_proof(std::span<const Hash> item_hashes, uint64_t index) {
    if (index >= item_hashes.size()) return {};
    const unsigned depth = send_tree_depth(item_hashes.size());
    // Level by level over the leaves present; a missing node (past the last leaf) is bytes32(0).
    std::vector<Hash> level;
    level.reserve(item_hashes.size());
    for (const Hash& item : item_hashes) level.push_back(leaf_hash(item));
    std::vector<Hash> proof;
    proof.reserve(depth);
    uint64_t position = index;
    for (unsigned d = 0; d < depth; ++d) {
        const uint64_t sibling = position ^ 1;
        proof.push_back(sibling < level.size() ? level[sibling] : Hash{});
        std::vector<Hash> next((level.size() + 1) / 2);
        for (std::size_t i = 0; i < next.size(); ++i) {
            const Hash& right = 2 * i + 1 < level.size() ? level[2 * i + 1] : Hash{};
            // A node whose children are both empty is empty too (not keccak of zeros).
            next[i] = hash_pair(level[2 * i], right);
        }
        level = std::move(next);
        position >>= 1;
    }
    return proof;
}

}  // namespace causeway::arbitrum
