// Light clients per chain family (OP Stack, ZK rollups, Arbitrum): each chains the links from a trusted L1 block hash to
// a message recorded on an L2, checking every one, and says when the message is final under the
// route's policy. No I/O: the caller fetches the evidence (headers, eth_getProof results) from any
// RPC; nothing it fetched is believed unless a link proves it.
//
//   L1 headers     the newest header hashes to the trusted hash; each older one is proven by its
//                  child's parentHash; the oldest is the anchor block (its stateRoot is used)
//   L1 anchor      account proof of the anchor contract + storage proof(s) against that stateRoot
//   L2 commitment  OP Stack: output root -> its components -> the L2 header (block hash)
//                  ZK: the finalized state root itself
//                  Arbitrum: Outbox.roots[sendRoot] = L2 block hash -> the L2 header -> extraData
//   message        OP Stack, ZK: account proof of the mailbox + storage proof of its record
//                  `mapping(bytes32 => bool)` against the L2 state root (value 1)
//                  Arbitrum: the outbox item's Merkle path to the sendRoot
//
// Why the trusted hash is the newest header, not the oldest: post-merge headers carry no proof of
// work or signature, so a header that merely names a trusted parent proves nothing (anyone can
// build one with any stateRoot). Trust flows backwards through parentHash: the trusted header
// commits to its parent, hence to every ancestor, and so to the anchor block's state root.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/block_header.hpp"
#include "core/bytes.hpp"
#include "core/u256.hpp"
#include "light-clients/arbitrum/outbox.hpp"
#include "light-clients/finality.hpp"
#include "light-clients/headers/arbitrum_header.hpp"
#include "light-clients/headers/ethereum_header.hpp"
#include "light-clients/mpt/proof.hpp"
#include "light-clients/opstack/output_root.hpp"
#include "light-clients/zk/anchor.hpp"

namespace causeway::client {

// Each value names the link, and the rule in it, that failed. The underlying verdict (header,
// link, proof, binding, outbox) is in Result for diagnostics.
enum class [[nodiscard]] Verdict : uint8_t{
    kValid,
    // 1. L1 headers
    kL1NoHeaders,           // the evidence has no header
    kL1HeaderMalformed,     // a header does not decode (Result::l1_index, header_verdict)
    kL1CheckpointMismatch,  // the newest header does not hash to the trusted hash
    kL1LinkBroken,          // a header is not its child's parent (Result::l1_index, link_verdict)
    // 2. anchor on L1
    kAnchorAccountProofInvalid,  // the anchor contract's account proof fails (proof_verdict)
    kAnchorAccountAbsent,        // the L1 state has no account at the anchor address
    kAnchorStorageProofInvalid,  // a storage proof of the anchor fails (anchor_slot, proof_verdict)
    kOutputNotProposed,          // OP: l2Outputs[i] is empty (zero root or zero timestamp)
    kOutputFieldOverflow,        // OP: the proposal's timestamp or l2BlockNumber exceeds 64 bits
    kBatchNotFinalized,          // ZK: finalizedStateRoots[batch] is zero
    kSendRootUnknown,            // Arbitrum: Outbox.roots[sendRoot] is zero (not confirmed)
    // 3. L2 commitment
    kOutputVersionUnknown,         // OP: the output root proof's version is not 0
    kOutputRootMismatch,           // OP: the components do not hash to the anchored output root
    kL2HeaderMalformed,            // the L2 header does not decode (header_verdict)
    kL2BlockHashMismatch,          // the L2 header is not the anchored block
    kL2StateRootMismatch,          // OP: the header's stateRoot is not the output's
    kL2MessagePasserRootMismatch,  // OP Isthmus: withdrawalsRoot is not the output's passer root
    kL2BlockNumberMismatch,        // OP: the header's number is not the proposal's l2BlockNumber
    kL2SendRootMismatch,           // Arbitrum: extraData is not the sendRoot (arbitrum_verdict)
    // 4. message
    kMessageAccountProofInvalid,  // the mailbox's account proof fails against the L2 state root
    kMessageAccountAbsent,        // the L2 state has no account at the mailbox address
    kMessageStorageProofInvalid,  // the record's storage proof fails (proof_verdict)
    kMessageNotRecorded,          // the record is zero: the mailbox never recorded the id
    kMessageUnexpectedValue,      // the record holds something other than 1 (true)
    kOutboxProofInvalid,          // Arbitrum: the item's path does not lead to the sendRoot (outbox_verdict)
};
[[nodiscard]] std::string_view to_string(Verdict v) noexcept;

// ----- common parts -----

struct L1Evidence {
    Hash trusted_hash;           // a finalized L1 block (checkpoint, or quorum of endpoints)
    std::vector<Bytes> headers;  // RLP, oldest first: [0] is the anchor block, back() the trusted one
};

// A storage-proven record of the origin mailbox: `mapping(bytes32 messageId => bool)` at slot
// `mapping_slot` of `mailbox` on the L2. Entry key: keccak256(abi.encode(id, mapping_slot)).
struct MailboxConfig {
    Address mailbox;
    u256 mapping_slot;
};

// eth_getProof's two parts for one slot.
struct MessageEvidence {
    Hash message_id;
    std::vector<Bytes> account_proof;  // mailbox account, against the L2 state root
    std::vector<Bytes> storage_proof;  // the record's slot, against the mailbox's storageRoot
};

// keccak256(abi.encode(key, slot)): the storage key of mapping[key] for a bytes32 key.
[[nodiscard]] Hash mapping_slot(const Hash& key, const u256& slot) noexcept;

struct Result {
    Verdict verdict = Verdict::kL1NoHeaders;
    // Diagnostics: meaningful for the verdicts that mention them.
    std::optional<std::size_t> l1_index;  // the header (index into L1Evidence::headers) that failed
    headers::HeaderVerdict header_verdict = headers::HeaderVerdict::kValid;
    headers::LinkVerdict link_verdict = headers::LinkVerdict::kValid;
    mpt::ProofVerdict proof_verdict = mpt::ProofVerdict::kValid;
    std::optional<std::size_t> anchor_slot;  // OP: 0 the outputRoot slot, 1 the timestamp slot
    headers::ArbitrumVerdict arbitrum_verdict = headers::ArbitrumVerdict::kValid;
    arbitrum::OutboxVerdict outbox_verdict = arbitrum::OutboxVerdict::kValid;

    // What was proven, filled as the links pass.
    std::optional<Hash> l1_anchor_hash;  // the anchor block
    uint64_t l1_anchor_number = 0;
    uint64_t l1_anchor_timestamp = 0;
    std::optional<Hash> l2_state_root;
    std::optional<uint64_t> l2_block_number;  // OP, Arbitrum (ZK evidence has no L2 header)
    std::optional<Hash> l2_block_hash;

    // Finality, on kValid: when the message is (or will be) final, and whether it is at `now`.
    std::optional<uint64_t> final_at;
    finality::Verdict finality = finality::Verdict::kAwaitingAnchor;
    [[nodiscard]] bool ok() const noexcept { return verdict == Verdict::kValid; }
    [[nodiscard]] bool is_final() const noexcept { return ok() && finality == finality::Verdict::kFinal; }
};

// The L1 part alone: on kValid, l1_anchor_* hold the anchor block's hash, number and timestamp, and
// `anchor` (when given) receives its header.
[[nodiscard]] Result verify_l1_chain(const L1Evidence& l1, BlockHeader* anchor = nullptr);

// ----- OP Stack (L2OutputOracle) -----

// L2OutputOracle's `Types.OutputProposal[] l2Outputs` at slot 3 (contracts-bedrock
// snapshots/storageLayout/L2OutputOracle.json: Initializable 0, startingBlockNumber 1,
// startingTimestamp 2, l2Outputs 3). Element i takes two slots from keccak256(uint256(3)):
// 2i holds outputRoot, 2i+1 packs timestamp (low 128 bits) and l2BlockNumber (high 128 bits),
// Solidity's packing of `struct { bytes32; uint128 timestamp; uint128 l2BlockNumber; }`.
inline constexpr uint64_t kL2OutputsSlot = 3;

struct OpStackConfig {
    Address oracle;                        // L2OutputOracle proxy on L1
    u256 outputs_slot = kL2OutputsSlot;    // slot of l2Outputs
    MailboxConfig mailbox;                 // on the L2
    std::optional<uint64_t> isthmus_time;  // L2 timestamp Isthmus activates (withdrawalsRoot check)
    finality::Policy policy;               // challenge_window_s: seconds from proposal to final
};

struct OpStackEvidence {
    L1Evidence l1;
    u256 output_index;                        // i in l2Outputs
    std::vector<Bytes> oracle_account_proof;  // against the anchor block's stateRoot
    std::vector<Bytes> output_root_proof;     // storage proof of slot 2i
    std::vector<Bytes> output_meta_proof;     // storage proof of slot 2i+1
    opstack::OutputRootProof output;          // the output root's preimage
    Bytes l2_header;                          // RLP of the output's L2 block
    MessageEvidence message;
};

// The storage keys of l2Outputs[index]: {outputRoot slot, timestamp|l2BlockNumber slot}.
[[nodiscard]] std::pair<Hash, Hash> l2_output_slots(const u256& outputs_slot, const u256& index) noexcept;

// Finality: finality::evaluate_anchor with the route's policy, i.e. final_at = proposal timestamp
// + challenge_window_s + 1, the first second OptimismPortal's strict check
// (`block.timestamp > timestamp + FINALIZATION_PERIOD_SECONDS`) accepts.
[[nodiscard]] Result verify_opstack(const OpStackConfig& config, const OpStackEvidence& evidence,
                                    uint64_t now);

// ----- ZK rollups (Scroll-style finalizedStateRoots) -----

struct ZkConfig {
    zk::AnchorConfig anchor;  // L1 contract and mapping slot (zk::scroll_mainnet())
    MailboxConfig mailbox;    // on the L2, whose state trie is an MPT
};

struct ZkEvidence {
    L1Evidence l1;
    u256 batch;
    std::vector<Bytes> anchor_account_proof;  // against the anchor block's stateRoot
    std::vector<Bytes> anchor_storage_proof;  // finalizedStateRoots[batch]
    MessageEvidence message;                  // against the finalized L2 state root
};

// Finality: a non-zero entry is written only after the validity proof verified, so the message
// is final from the anchor block on: final_at = the L1 anchor block's timestamp.
[[nodiscard]] Result verify_zk(const ZkConfig& config, const ZkEvidence& evidence, uint64_t now);

// ----- Arbitrum Nitro -----

// AbsOutbox (nitro-contracts src/bridge/AbsOutbox.sol): rollup 0, bridge 1, spent 2,
// `mapping(bytes32 => bytes32) roots` 3 (sendRoot => L2 block hash); DelegateCallAware has only
// an immutable.
inline constexpr uint64_t kOutboxRootsSlot = 3;

struct ArbitrumConfig {
    Address outbox;  // the Outbox on L1
    u256 roots_slot = kOutboxRootsSlot;
};

struct ArbitrumEvidence {
    L1Evidence l1;
    Hash send_root;
    std::vector<Bytes> outbox_account_proof;  // against the anchor block's stateRoot
    std::vector<Bytes> roots_proof;           // storage proof of roots[send_root]
    Bytes l2_header;                          // RLP of the Nitro block with this sendRoot
    arbitrum::OutboxItem item;                // the L2 -> L1 message
    uint64_t index = 0;                       // its send number
    std::vector<Hash> outbox_proof;           // siblings from the leaf up
};

// Finality: the Rollup writes roots[sendRoot] only when it confirms the assertion, after its
// challenge period, so the message is final from the anchor block on: final_at = its timestamp.
[[nodiscard]] Result verify_arbitrum(const ArbitrumConfig& config, const ArbitrumEvidence& evidence,
                                     uint64_t now);

}  // namespace causeway::client
