// ZK-rollup anchors: the L2 state root a rollup's L1 contract records for a finalized batch, read
// through an L1 account proof of the contract and a storage proof of the mapping entry.
//
// The anchor is a Solidity `mapping(uint256 => bytes32)` at storage slot p, so batch N's entry is
// at keccak256(abi.encode(N, p)); a zero value means "not finalized". The contract writes the entry
// only after its verifier accepted the batch's validity proof, so a non-zero entry is final.
// The L2 state root is returned as 32 bytes; how the L2 commits to its state under it (an MPT, or
// Scroll's zkTrie before its Euclid upgrade) is for the caller.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/bytes.hpp"
#include "core/jsonrpc.hpp"
#include "core/u256.hpp"
#include "light-clients/mpt/proof.hpp"

namespace causeway::zk {

// Where a rollup's L1 contract keeps finalized state roots.
struct AnchorConfig {
    std::string_view name;  // for messages
    Address contract;       // the L1 contract (a proxy's address: storage lives there)
    u256 mapping_slot;      // slot p of the mapping(uint256 batchIndex => bytes32 stateRoot)
};

// Scroll's ScrollChain proxy on Ethereum mainnet, `finalizedStateRoots` (IScrollChain).
// Slot 158, from the contract's layout (scroll-tech/scroll-contracts src/L1/rollup/ScrollChain.sol,
// OpenZeppelin contracts-upgradeable 4.x): Initializable 0; ContextUpgradeable __gap[50] 1-50;
// OwnableUpgradeable _owner 51, __gap[49] 52-100; PausableUpgradeable _paused 101, __gap[49]
// 102-150; ScrollChain maxNumTxInChunk 151, __messageQueue 152, __verifier 153, isSequencer 154,
// isProver 155, lastFinalizedBatchIndex 156, committedBatches 157, finalizedStateRoots 158,
// withdrawRoots 159. (layer2ChainId, messageQueue and verifier are immutables: no slots.)
inline constexpr uint64_t kScrollFinalizedStateRootsSlot = 158;
[[nodiscard]] const AnchorConfig& scroll_mainnet() noexcept;

// keccak256(abi.encode(batch, mapping_slot)): the storage key of mapping[batch].
[[nodiscard]] Hash mapping_entry_slot(const u256& batch, const u256& mapping_slot) noexcept;

// Each value names the rule a finalized-root claim broke.
enum class [[nodiscard]] AnchorVerdict : uint8_t{
    kValid,
    kWrongAccount,         // the eth_getProof result is for another address than the anchor
    kMissingStorageProof,  // the result has no storage proof for the batch's key
    kAccountProofInvalid,  // the account proof fails against the L1 state root (see proof_verdict)
    kAnchorAccountAbsent,  // the L1 state has no account at the anchor address
    kStorageProofInvalid,  // the storage proof fails against the account's storageRoot
    kNotFinalized,         // the batch's entry is zero: not finalized (or no such batch)
    kRootMismatch,         // the finalized root differs from the one claimed
};
[[nodiscard]] std::string_view to_string(AnchorVerdict v) noexcept;

struct AnchorResult {
    AnchorVerdict verdict = AnchorVerdict::kAccountProofInvalid;
    mpt::ProofVerdict proof_verdict = mpt::ProofVerdict::kValid;  // why, for the *ProofInvalid verdicts
    std::optional<Hash> state_root = std::nullopt;                // the finalized root, on kValid
    [[nodiscard]] bool ok() const noexcept { return verdict == AnchorVerdict::kValid; }
};

// Reads batch `batch`'s finalized state root under a trusted L1 state root.
[[nodiscard]] AnchorResult read_finalized_root(const Hash& l1_state_root, const AnchorConfig& config,
                                               const u256& batch, std::span<const Bytes> account_proof,
                                               std::span<const Bytes> storage_proof);

// The same from an eth_getProof result for the anchor contract that includes the batch's key. Only
// the proofs count: the result's claimed balance, storageHash and value are not trusted.
[[nodiscard]] AnchorResult read_finalized_root(const Hash& l1_state_root, const AnchorConfig& config,
                                               const u256& batch, const jsonrpc::AccountProof& proof);

// A claim that batch `batch` finalized `claimed`: kValid only when the proofs show exactly that.
[[nodiscard]] AnchorResult verify_finalized_root(const Hash& l1_state_root, const AnchorConfig& config,
                                                 const u256& batch, const Hash& claimed,
                                                 std::span<const Bytes> account_proof,
                                                 std::span<const Bytes> storage_proof);

}  // namespace causeway::zk
