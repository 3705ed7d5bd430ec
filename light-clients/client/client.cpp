#include "light-clients/client/client.hpp"

#include <limits>

#include "core/keccak.hpp"
#include "light-clients/opstack/output_root.hpp"

namespace causeway::client {

std::string_view to_string(Verdict v) noexcept {
    switch (v) {
        case Verdict::kValid: return "valid";
        case Verdict::kL1NoHeaders: return "L1: no headers";
        case Verdict::kL1HeaderMalformed: return "L1: a header does not decode";
        case Verdict::kL1CheckpointMismatch: return "L1: the newest header does not hash to the trusted hash";
        case Verdict::kL1LinkBroken: return "L1: a header is not its child's parent";
        case Verdict::kAnchorAccountProofInvalid: return "anchor: the contract's account proof fails";
        case Verdict::kAnchorAccountAbsent: return "anchor: no account at the anchor address";
        case Verdict::kAnchorStorageProofInvalid: return "anchor: a storage proof fails";
        case Verdict::kOutputNotProposed: return "anchor: no output proposed at this index";
        case Verdict::kOutputFieldOverflow:
            return "anchor: the proposal's timestamp or block number exceeds 64 bits";
        case Verdict::kBatchNotFinalized: return "anchor: the batch is not finalized";
        case Verdict::kSendRootUnknown: return "anchor: the Outbox does not know the sendRoot";
        case Verdict::kOutputVersionUnknown: return "L2: unknown output root version";
        case Verdict::kOutputRootMismatch:
            return "L2: the output root components do not hash to the anchored root";
        case Verdict::kL2HeaderMalformed: return "L2: the header does not decode";
        case Verdict::kL2BlockHashMismatch: return "L2: the header is not the anchored block";
        case Verdict::kL2StateRootMismatch: return "L2: the header's stateRoot is not the output's";
        case Verdict::kL2MessagePasserRootMismatch:
            return "L2: the header's withdrawalsRoot is not the output's";
        case Verdict::kL2BlockNumberMismatch: return "L2: the header's number is not the proposal's";
        case Verdict::kL2SendRootMismatch: return "L2: the header's extraData is not the sendRoot";
        case Verdict::kMessageAccountProofInvalid: return "message: the mailbox's account proof fails";
        case Verdict::kMessageAccountAbsent: return "message: no account at the mailbox address";
        case Verdict::kMessageStorageProofInvalid: return "message: the record's storage proof fails";
        case Verdict::kMessageNotRecorded: return "message: the mailbox has no record of the id";
        case Verdict::kMessageUnexpectedValue: return "message: the record is not 1";
        case Verdict::kOutboxProofInvalid: return "message: the outbox proof does not lead to the sendRoot";
    }
    return "unknown";
}

Hash mapping_slot(const Hash& key, const u256& slot) noexcept {
    uint8_t buf[64];
    std::copy(key.bytes.begin(), key.bytes.end(), buf);
    u256_to_be(slot, buf + 32);
    return keccak256(ByteView(buf, sizeof buf));
}

namespace {

Result fail(Result r, Verdict v) {
    r.verdict = v;
    return r;
}

// An account proof then one storage proof; `absent`/`invalid` name the link.
struct SlotRead {
    Verdict verdict = Verdict::kValid;
    mpt::ProofVerdict proof = mpt::ProofVerdict::kValid;
    Hash storage_root;
};

SlotRead read_account(const Hash& state_root, const Address& address, std::span<const Bytes> proof,
                      Verdict invalid, Verdict absent) {
    const auto account = mpt::verify_account(state_root, address, proof);
    if (account.verdict != mpt::ProofVerdict::kValid) return {invalid, account.verdict, {}};
    if (!account.account) return {absent, mpt::ProofVerdict::kValid, {}};
    return {Verdict::kValid, mpt::ProofVerdict::kValid, account.account->storage_root};
}

// Decodes exactly one header from `rlp`.
std::expected<BlockHeader, headers::HeaderVerdict> decode_one(ByteView rlp) {
    ByteView in = rlp;
    auto header = decode_header(in);
    if (!header) return std::unexpected(headers::verdict_of(header.error()));
    if (!in.empty()) return std::unexpected(headers::HeaderVerdict::kTrailingBytes);
    return std::move(*header);
}

// The message link: the mailbox's record for the id is 1 under `state_root`.
void verify_message(Result& r, const Hash& state_root, const MailboxConfig& config,
                    const MessageEvidence& m) {
    const auto account = read_account(state_root, config.mailbox, m.account_proof,
                                      Verdict::kMessageAccountProofInvalid, Verdict::kMessageAccountAbsent);
    if (account.verdict != Verdict::kValid) {
        r.verdict = account.verdict;
        r.proof_verdict = account.proof;
        return;
    }
    const auto record = mpt::verify_storage(account.storage_root,
                                            mapping_slot(m.message_id, config.mapping_slot), m.storage_proof);
    if (record.verdict != mpt::ProofVerdict::kValid) {
        r.verdict = Verdict::kMessageStorageProofInvalid;
        r.proof_verdict = record.verdict;
        return;
    }
    if (record.value == 0) {
        r.verdict = Verdict::kMessageNotRecorded;
        return;
    }
    r.verdict = record.value == 1 ? Verdict::kValid : Verdict::kMessageUnexpectedValue;
}

// The anchor was written at or before the anchor block, and writing it made the message final.
void final_from_anchor_block(Result& r, uint64_t now) {
    r.final_at = r.l1_anchor_timestamp;
    r.finality =
        now >= r.l1_anchor_timestamp ? finality::Verdict::kFinal : finality::Verdict::kAwaitingAnchor;
}

}  // namespace

Result verify_l1_chain(const L1Evidence& l1, BlockHeader* anchor) {
    Result r;
    if (l1.headers.empty()) return fail(r, Verdict::kL1NoHeaders);
    // Trust flows from the newest header back: check its hash first, then each parent link.
    const std::size_t last = l1.headers.size() - 1;
    auto child = decode_one(l1.headers[last]);
    if (!child) {
        r.l1_index = last;
        r.header_verdict = child.error();
        return fail(r, Verdict::kL1HeaderMalformed);
    }
    if (compute_hash(*child) != l1.trusted_hash) {
        r.l1_index = last;
        r.header_verdict = headers::HeaderVerdict::kHashMismatch;
        return fail(r, Verdict::kL1CheckpointMismatch);
    }
    Hash hash = l1.trusted_hash;
    for (std::size_t i = last; i-- > 0;) {
        auto parent = decode_one(l1.headers[i]);
        if (!parent) {
            r.l1_index = i;
            r.header_verdict = parent.error();
            return fail(r, Verdict::kL1HeaderMalformed);
        }
        const Hash parent_hash = compute_hash(*parent);
        const auto link = headers::verify_link(*parent, parent_hash, *child);
        if (link != headers::LinkVerdict::kValid) {
            r.l1_index = i;
            r.link_verdict = link;
            return fail(r, Verdict::kL1LinkBroken);
        }
        hash = parent_hash;
        child = std::move(parent);
    }
    r.l1_anchor_hash = hash;
    r.l1_anchor_number = child->number;
    r.l1_anchor_timestamp = child->timestamp;
    if (anchor) *anchor = std::move(*child);
    r.verdict = Verdict::kValid;
    return r;
}

std::pair<Hash, Hash> l2_output_slots(const u256& outputs_slot, const u256& index) noexcept {
    // Array element addresses wrap modulo 2^256, as in the EVM (u256 arithmetic is modular).
    const u256 base = u256_from_be(keccak256(u256_to_hash(outputs_slot)).view());
    const u256 first = base + index * 2;
    return {u256_to_hash(first), u256_to_hash(first + 1)};
}

Result verify_opstack(const OpStackConfig& config, const OpStackEvidence& e, uint64_t now) {
    BlockHeader l1;
    Result r = verify_l1_chain(e.l1, &l1);
    if (!r.ok()) return r;

    // 2. l2Outputs[i] in the oracle's storage.
    const auto oracle = read_account(l1.state_root, config.oracle, e.oracle_account_proof,
                                     Verdict::kAnchorAccountProofInvalid, Verdict::kAnchorAccountAbsent);
    if (oracle.verdict != Verdict::kValid) {
        r.proof_verdict = oracle.proof;
        return fail(r, oracle.verdict);
    }
    const auto [root_slot, meta_slot] = l2_output_slots(config.outputs_slot, e.output_index);
    const auto root = mpt::verify_storage(oracle.storage_root, root_slot, e.output_root_proof);
    if (root.verdict != mpt::ProofVerdict::kValid) {
        r.anchor_slot = 0;
        r.proof_verdict = root.verdict;
        return fail(r, Verdict::kAnchorStorageProofInvalid);
    }
    const auto meta = mpt::verify_storage(oracle.storage_root, meta_slot, e.output_meta_proof);
    if (meta.verdict != mpt::ProofVerdict::kValid) {
        r.anchor_slot = 1;
        r.proof_verdict = meta.verdict;
        return fail(r, Verdict::kAnchorStorageProofInvalid);
    }
    const u256 low_mask = (u256(1) << 128) - 1;
    const u256 proposed_at = meta.value & low_mask;
    const u256 l2_number = meta.value >> 128;
    if (root.value == 0 || proposed_at == 0) return fail(r, Verdict::kOutputNotProposed);
    constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
    if (proposed_at > kMax || l2_number > kMax) return fail(r, Verdict::kOutputFieldOverflow);

    // 3. The output root's components, then the L2 header they name.
    switch (opstack::verify_output_root(e.output, u256_to_hash(root.value))) {
        case opstack::OutputVerdict::kValid: break;
        case opstack::OutputVerdict::kUnknownVersion: return fail(r, Verdict::kOutputVersionUnknown);
        case opstack::OutputVerdict::kOutputRootMismatch: return fail(r, Verdict::kOutputRootMismatch);
    }
    auto l2 = decode_one(e.l2_header);
    if (!l2) {
        r.header_verdict = l2.error();
        return fail(r, Verdict::kL2HeaderMalformed);
    }
    const bool isthmus = config.isthmus_time && l2->timestamp >= *config.isthmus_time;
    switch (opstack::verify_l2_header(e.output, *l2, isthmus)) {
        case opstack::HeaderBindingVerdict::kValid: break;
        case opstack::HeaderBindingVerdict::kBlockHashMismatch: return fail(r, Verdict::kL2BlockHashMismatch);
        case opstack::HeaderBindingVerdict::kStateRootMismatch: return fail(r, Verdict::kL2StateRootMismatch);
        case opstack::HeaderBindingVerdict::kMessagePasserRootMismatch:
            return fail(r, Verdict::kL2MessagePasserRootMismatch);
    }
    if (l2->number != static_cast<uint64_t>(l2_number)) return fail(r, Verdict::kL2BlockNumberMismatch);
    r.l2_block_number = l2->number;
    r.l2_block_hash = e.output.block_hash;
    r.l2_state_root = e.output.state_root;

    // 4. The message under the L2 state root.
    verify_message(r, e.output.state_root, config.mailbox, e.message);
    if (!r.ok()) return r;

    uint64_t final_at = 0;
    r.finality = finality::evaluate_anchor(config.policy, static_cast<uint64_t>(proposed_at), now, &final_at);
    r.final_at = final_at;
    return r;
}

Result verify_zk(const ZkConfig& config, const ZkEvidence& e, uint64_t now) {
    BlockHeader l1;
    Result r = verify_l1_chain(e.l1, &l1);
    if (!r.ok()) return r;

    const auto anchor = zk::read_finalized_root(l1.state_root, config.anchor, e.batch, e.anchor_account_proof,
                                                e.anchor_storage_proof);
    r.proof_verdict = anchor.proof_verdict;
    switch (anchor.verdict) {
        case zk::AnchorVerdict::kValid: break;
        case zk::AnchorVerdict::kAccountProofInvalid: return fail(r, Verdict::kAnchorAccountProofInvalid);
        case zk::AnchorVerdict::kAnchorAccountAbsent: return fail(r, Verdict::kAnchorAccountAbsent);
        case zk::AnchorVerdict::kNotFinalized: return fail(r, Verdict::kBatchNotFinalized);
        // The span overload reports no other verdict; any other would be a storage-proof failure.
        default: return fail(r, Verdict::kAnchorStorageProofInvalid);
    }
    r.proof_verdict = mpt::ProofVerdict::kValid;
    r.l2_state_root = *anchor.state_root;

    verify_message(r, *anchor.state_root, config.mailbox, e.message);
    if (!r.ok()) return r;
    final_from_anchor_block(r, now);
    return r;
}

Result verify_arbitrum(const ArbitrumConfig& config, const ArbitrumEvidence& e, uint64_t now) {
    BlockHeader l1;
    Result r = verify_l1_chain(e.l1, &l1);
    if (!r.ok()) return r;

    // 2. Outbox.roots[sendRoot] = the L2 block hash, set when the assertion was confirmed.
    const auto outbox = read_account(l1.state_root, config.outbox, e.outbox_account_proof,
                                     Verdict::kAnchorAccountProofInvalid, Verdict::kAnchorAccountAbsent);
    if (outbox.verdict != Verdict::kValid) {
        r.proof_verdict = outbox.proof;
        return fail(r, outbox.verdict);
    }
    const auto entry =
        mpt::verify_storage(outbox.storage_root, mapping_slot(e.send_root, config.roots_slot), e.roots_proof);
    if (entry.verdict != mpt::ProofVerdict::kValid) {
        r.anchor_slot = 0;
        r.proof_verdict = entry.verdict;
        return fail(r, Verdict::kAnchorStorageProofInvalid);
    }
    if (entry.value == 0) return fail(r, Verdict::kSendRootUnknown);
    const Hash block_hash = u256_to_hash(entry.value);

    // 3. The L2 header is that block and carries the sendRoot (and the send count) in its fields.
    auto l2 = decode_one(e.l2_header);
    if (!l2) {
        r.header_verdict = l2.error();
        return fail(r, Verdict::kL2HeaderMalformed);
    }
    if (compute_hash(*l2) != block_hash) return fail(r, Verdict::kL2BlockHashMismatch);
    const auto info = headers::arbitrum_header_info(*l2);
    if (!info) {
        r.arbitrum_verdict = info.error();
        return fail(r, Verdict::kL2SendRootMismatch);
    }
    if (info->send_root != e.send_root) {
        r.arbitrum_verdict = headers::ArbitrumVerdict::kSendRootMismatch;
        return fail(r, Verdict::kL2SendRootMismatch);
    }
    r.l2_block_number = l2->number;
    r.l2_block_hash = block_hash;
    r.l2_state_root = l2->state_root;

    // 4. The item's path to the sendRoot, with the tree's shape from the header's send count.
    r.outbox_verdict = arbitrum::verify_outbox_proof(e.send_root, info->send_count, e.index,
                                                     arbitrum::item_hash(e.item), e.outbox_proof);
    if (r.outbox_verdict != arbitrum::OutboxVerdict::kValid) return fail(r, Verdict::kOutboxProofInvalid);
    final_from_anchor_block(r, now);
    return r;
}

}  // namespace causeway::client
