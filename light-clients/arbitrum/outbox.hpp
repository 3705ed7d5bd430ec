// Arbitrum Nitro L2 -> L1 messages: the outbox item, its leaf in the send Merkle tree, and the
// binary Merkle path from a leaf to a send root (the root an assertion confirms on L1 and a Nitro
// header carries in extraData).
//
// Exactly as nitro-contracts' AbsOutbox / MerkleLib:
//   item = calculateItemHash(...) = keccak256(abi.encodePacked(l2Sender, to, l2Block, l1Block,
//          l2Timestamp, value, data))            (addresses 20 bytes, numbers 32 bytes)
//   leaf = keccak256(abi.encodePacked(item))     ("hash the leaf an extra time to prove it's a leaf")
//   root: h = leaf; for i in 0..len: h = bit i of index ? keccak256(proof[i] ++ h)
//                                                       : keccak256(h ++ proof[i])
//   recordOutputAsSpent refuses proof.length >= 256 and index >= 2^proof.length.
// The tree is ArbOS's merkle accumulator (arbos/merkleAccumulator): leaves in send order, a tree of
// depth ceil(log2(sendCount)), and an empty subtree of any height is bytes32(0).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "core/u256.hpp"

namespace causeway::arbitrum {

// The arguments of Outbox.executeTransaction that describe the message (the L2ToL1Tx event).
struct OutboxItem {
    Address l2_sender;  // `caller` of ArbSys.sendTxToL1
    Address to;         // `destination`
    u256 l2_block;      // `arbBlockNum`
    u256 l1_block;      // `ethBlockNum`
    u256 l2_timestamp;  // `timestamp`
    u256 value;         // `callvalue`
    Bytes data;
    friend bool operator==(const OutboxItem&, const OutboxItem&) = default;
};

// Outbox.calculateItemHash.
[[nodiscard]] Hash item_hash(const OutboxItem& item);
// keccak256(item hash): the value stored in the tree (ArbOS appends it; the Outbox rehashes).
[[nodiscard]] Hash leaf_hash(const Hash& item_hash) noexcept;
// Outbox.calculateMerkleRoot(proof, index, item): hashes the item into a leaf, then climbs.
// Index bits beyond 63 are zero, so proofs longer than 64 siblings climb left at the top.
[[nodiscard]] Hash calculate_merkle_root(std::span<const Hash> proof, uint64_t index,
                                         const Hash& item_hash) noexcept;

// Depth of the send tree after `send_count` sends: ceil(log2(send_count)), 0 for 0 or 1.
[[nodiscard]] unsigned send_tree_depth(uint64_t send_count) noexcept;

// Each value names the rule an outbox proof broke.
enum class [[nodiscard]] OutboxVerdict : uint8_t{
    kValid,
    kProofTooLong,          // 256 or more siblings (Outbox: ProofTooLong)
    kPathNotMinimal,        // index >= 2^proof.length (Outbox: PathNotMinimal)
    kIndexBeyondSendCount,  // index >= the send count the root covers: no such message
    kWrongDepth,            // proof length is not the depth of a tree of send_count leaves
    kRootMismatch,          // the path does not lead to the send root
};
[[nodiscard]] std::string_view to_string(OutboxVerdict v) noexcept;

// Proves that the message `item_hash` is send number `index` under `send_root`. With the send count
// the root covers (Nitro headers carry it in mixHash), the proof length and index are checked
// against the tree's shape too; without it, only the Outbox contract's own rules apply.
OutboxVerdict verify_outbox_proof(const Hash& send_root, std::optional<uint64_t> send_count, uint64_t index,
                                  const Hash& item_hash, std::span<const Hash> proof) noexcept;

// ArbOS's send Merkle accumulator, for building trees and proofs (tests, devnet). Appending
// takes item hashes; the accumulator hashes each into its leaf.
class SendMerkleAccumulator {
  public:
    void append(const Hash& item_hash);
    [[nodiscard]] uint64_t size() const noexcept { return size_; }
    // MerkleAccumulator.Root(): bytes32(0) for an empty tree.
    [[nodiscard]] Hash root() const noexcept;

  private:
    uint64_t size_ = 0;
    std::vector<Hash> partials_;  // partials_[level]: a full subtree of 2^level leaves, or zero
};

// The proof for leaf `index` of the tree of `item_hashes` (NodeInterface.constructOutboxProof's
// result for size = item_hashes.size()); empty when index is out of range.
[[nodiscard]] std::vector<Hash> build_outbox_proof(std::span<const Hash> item_hashes, uint64_t index);

}  // namespace causeway::arbitrum
