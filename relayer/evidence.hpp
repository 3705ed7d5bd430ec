// Evidence for the light clients, fetched from endpoints nobody trusts: every piece is checked by
// the light client against a trusted L1 head, so a lying endpoint can make verification fail, never
// pass.
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "chain/chain_client.hpp"
#include "chain/trusted_head.hpp"
#include "core/bytes.hpp"
#include "light-clients/client/client.hpp"

namespace causeway::relayer {

struct EvidenceError {
    std::string message;
    // Nothing is wrong yet: the chain has not got there (no output covers the block so far).
    bool not_yet = false;
};

// The Mailbox's records at one L2 block, fetched together: when a record is needed, those of the
// ids a validator expects to ask about next come in the same eth_getProof call (one call, one
// account proof, for a burst under one output or batch).
struct MailboxRecords {
    std::vector<Hash> expected;                     // ids asked about next (the validator's batch)
    std::map<Hash, client::MessageEvidence> found;  // at the cache's L2 block
};

// What the messages under one output share as of one trusted L1 head: the L1 header, the oracle's
// proofs, the output's L2 header and the message passer's root. A validator keeps the last one, so
// a burst under one output costs one Mailbox proof for all and no lookup for a block the output
// covers. Keyed by the trusted head's hash: a newer head fetches everything again (an output can be
// deleted meanwhile).
struct OutputEvidenceCache {
    Hash l1_hash{};
    std::optional<u256> index{};
    client::OpStackEvidence shared{};  // all but `message`
    uint64_t l2_block = 0;             // the output's L2 block
    uint64_t first_block = 0;          // the first L2 block it covers (the previous output's + 1)
    MailboxRecords records{};
};

// OP Stack: the first output at or after `message_block` as the L2OutputOracle holds it at the
// trusted L1 block (getL2OutputIndexAfter), its storage proof at that block, the output's L2
// header, the message passer's storage root and the Mailbox's record of `message_id` at that L2
// block.
[[nodiscard]] std::expected<client::OpStackEvidence, EvidenceError> fetch_opstack_evidence(
    chain::ChainClient& l1, chain::ChainClient& l2, const client::OpStackConfig& config,
    const chain::TrustedHead& l1_head, const Hash& message_id, uint64_t message_block,
    OutputEvidenceCache* cache = nullptr);

// What a validator asks before signing: the evidence verified, and final under the route's policy
// as of the trusted L1 head's own time (not the local clock).
struct LightClientCheck {
    client::Result result;
    uint64_t l1_time = 0;  // the trusted head's timestamp
};
[[nodiscard]] std::expected<LightClientCheck, EvidenceError> check_opstack_message(
    chain::ChainClient& l1, chain::ChainClient& l2, const client::OpStackConfig& config,
    const chain::TrustedHead& l1_head, const Hash& message_id, uint64_t message_block,
    OutputEvidenceCache* cache = nullptr);

// ZK rollups: the same per finalized batch. The L1 part (header, the rollup contract's proof of
// finalizedStateRoots[batch]) is shared by the messages under one batch.
struct BatchEvidenceCache {
    Hash l1_hash{};
    std::optional<u256> batch{};
    client::ZkEvidence shared{};  // all but `message`
    uint64_t l2_block = 0;        // the batch's last L2 block
    uint64_t first_block = 0;     // the first L2 block it covers (the previous batch's last + 1)
    MailboxRecords records{};
};

// The first finalized batch whose last block is at or after `message_block`, as the rollup contract
// answers at the trusted L1 block (`batchIndexAfter(uint256)` and `batchLastBlock(uint256)`, as
// DevnetZkRollup has them), its finalizedStateRoots entry proven at that block, and the Mailbox's
// record of `message_id` at the batch's last L2 block. What the contract answers is not believed:
// a wrong batch or block makes the proofs fail against the finalized root.
[[nodiscard]] std::expected<client::ZkEvidence, EvidenceError> fetch_zk_evidence(
    chain::ChainClient& l1, chain::ChainClient& l2, const client::ZkConfig& config,
    const chain::TrustedHead& l1_head, const Hash& message_id, uint64_t message_block,
    BatchEvidenceCache* cache = nullptr);
[[nodiscard]] std::expected<LightClientCheck, EvidenceError> check_zk_message(
    chain::ChainClient& l1, chain::ChainClient& l2, const client::ZkConfig& config,
    const chain::TrustedHead& l1_head, const Hash& message_id, uint64_t message_block,
    BatchEvidenceCache* cache = nullptr);

}  // namespace causeway::relayer
