// Evidence for the light clients, fetched from endpoints nobody trusts: every piece is checked by
// the light client against a trusted L1 head, so a lying endpoint can make verification fail, never
// pass.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>

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

// What the messages under one output share as of one trusted L1 head: the L1 header, the oracle's
// proofs, the output's L2 header and the message passer's root. A validator keeps the last one, so
// a burst under one output costs an index lookup and a Mailbox proof per message. Keyed by the
// trusted head's hash: a newer head fetches everything again (an output can be deleted meanwhile).
struct OutputEvidenceCache {
    Hash l1_hash{};
    std::optional<u256> index{};
    client::OpStackEvidence shared{};  // all but `message`
    uint64_t l2_block = 0;             // the output's L2 block
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
struct OpStackCheck {
    client::Result result;
    uint64_t l1_time = 0;  // the trusted head's timestamp
};
[[nodiscard]] std::expected<OpStackCheck, EvidenceError> check_opstack_message(
    chain::ChainClient& l1, chain::ChainClient& l2, const client::OpStackConfig& config,
    const chain::TrustedHead& l1_head, const Hash& message_id, uint64_t message_block,
    OutputEvidenceCache* cache = nullptr);

}  // namespace causeway::relayer
