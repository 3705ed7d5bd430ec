#include "relayer/evidence.hpp"

#include "core/abi.hpp"
#include "core/block_header.hpp"
#include "light-clients/opstack/output_root.hpp"
#include "light-clients/opstack/withdrawal.hpp"

namespace causeway::relayer {
namespace {

using chain::BlockId;

EvidenceError failed(std::string what, const chain::RpcError& e) {
    return EvidenceError{std::move(what) + ": " + e.to_string(), false};
}

}  // namespace

std::expected<client::OpStackEvidence, EvidenceError> fetch_opstack_evidence(
    chain::ChainClient& l1, chain::ChainClient& l2, const client::OpStackConfig& config,
    const chain::TrustedHead& l1_head, const Hash& message_id, uint64_t message_block,
    OutputEvidenceCache* cache) {
    const BlockId at_l1 = BlockId::number(l1_head.number);

    // Which output covers the message's block, as of the trusted L1 block.
    jsonrpc::CallRequest find;
    find.to = config.oracle;
    Bytes data;
    (void)abi::encode_call(data, *abi::parse_function("getL2OutputIndexAfter(uint256)"),
                           {abi::Value(u256(message_block))});
    find.data = data;
    const auto index_word = l1.call(find, at_l1);
    if (!index_word) {
        if (index_word.error().kind == chain::RpcError::Kind::kJsonRpc) {
            return std::unexpected(EvidenceError{"no output covers L2 block " +
                                                     std::to_string(message_block) + " yet at L1 block " +
                                                     std::to_string(l1_head.number),
                                                 true});
        }
        return std::unexpected(failed("getL2OutputIndexAfter", index_word.error()));
    }
    if (index_word->size() != 32)
        return std::unexpected(EvidenceError{"getL2OutputIndexAfter: not one word", false});
    const u256 index = u256_from_be(*index_word);

    // The Mailbox's record of the message at the output's L2 block: its own part of the evidence.
    const auto add_message = [&](client::OpStackEvidence e,
                                 uint64_t l2_block) -> std::expected<client::OpStackEvidence, EvidenceError> {
        const Hash record[] = {client::mapping_slot(message_id, config.mailbox.mapping_slot)};
        const auto mailbox = l2.get_proof(config.mailbox.mailbox, record, BlockId::number(l2_block));
        if (!mailbox) return std::unexpected(failed("eth_getProof (mailbox)", mailbox.error()));
        if (mailbox->storage_proof.size() != 1)
            return std::unexpected(EvidenceError{"eth_getProof (mailbox): 1 slot asked", false});
        e.message = {message_id, mailbox->account_proof, mailbox->storage_proof[0].proof};
        return e;
    };
    if (cache != nullptr && cache->index == index && cache->l1_hash == l1_head.hash)
        return add_message(cache->shared, cache->l2_block);

    client::OpStackEvidence e;
    e.output_index = index;
    e.l1.trusted_hash = l1_head.hash;
    const auto l1_header = l1.header_by_number(at_l1);
    if (!l1_header)
        return std::unexpected(failed("L1 block " + std::to_string(l1_head.number), l1_header.error()));
    if (!*l1_header)
        return std::unexpected(
            EvidenceError{"L1 block " + std::to_string(l1_head.number) + " is gone", false});
    e.l1.headers = {encode_header(**l1_header)};

    const auto [root_slot, meta_slot] = client::l2_output_slots(config.outputs_slot, index);
    const Hash slots[] = {root_slot, meta_slot};
    const auto oracle = l1.get_proof(config.oracle, slots, at_l1);
    if (!oracle) return std::unexpected(failed("eth_getProof (oracle)", oracle.error()));
    if (oracle->storage_proof.size() != 2)
        return std::unexpected(EvidenceError{"eth_getProof (oracle): 2 slots asked", false});
    e.oracle_account_proof = oracle->account_proof;
    e.output_root_proof = oracle->storage_proof[0].proof;
    e.output_meta_proof = oracle->storage_proof[1].proof;
    // The output's L2 block: the high 128 bits of the meta slot (the light client checks it).
    const u256 l2_number = oracle->storage_proof[1].value >> 128;
    if (l2_number > u256(std::numeric_limits<uint64_t>::max()))
        return std::unexpected(EvidenceError{"the output's L2 block number does not fit 64 bits", false});
    const BlockId at_l2 = BlockId::number(static_cast<uint64_t>(l2_number));

    const auto l2_header = l2.header_by_number(at_l2);
    if (!l2_header) return std::unexpected(failed("L2 block " + to_decimal(l2_number), l2_header.error()));
    if (!*l2_header)
        return std::unexpected(EvidenceError{"L2 block " + to_decimal(l2_number) + " is unknown", false});
    e.l2_header = encode_header(**l2_header);

    const auto passer = l2.get_proof(opstack::message_passer_address(), {}, at_l2);
    if (!passer) return std::unexpected(failed("eth_getProof (message passer)", passer.error()));
    e.output = {opstack::output_version_v0(), (*l2_header)->state_root, passer->storage_hash,
                jsonrpc::compute_hash(**l2_header)};

    if (cache != nullptr)
        *cache = OutputEvidenceCache{l1_head.hash, index, e, static_cast<uint64_t>(l2_number)};
    return add_message(std::move(e), static_cast<uint64_t>(l2_number));
}

std::expected<OpStackCheck, EvidenceError> check_opstack_message(
    chain::ChainClient& l1, chain::ChainClient& l2, const client::OpStackConfig& config,
    const chain::TrustedHead& l1_head, const Hash& message_id, uint64_t message_block,
    OutputEvidenceCache* cache) {
    auto evidence = fetch_opstack_evidence(l1, l2, config, l1_head, message_id, message_block, cache);
    if (!evidence) return std::unexpected(evidence.error());
    // The light client proves the trusted header itself; its timestamp is the L1's own "now".
    ByteView rlp(evidence->l1.headers.back());
    const auto header = decode_header(rlp);
    const uint64_t l1_time = header ? header->timestamp : 0;
    return OpStackCheck{client::verify_opstack(config, *evidence, l1_time), l1_time};
}

}  // namespace causeway::relayer
