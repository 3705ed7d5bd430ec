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

// The trusted L1 block's header, RLP: the newest (and here the only) header of the evidence.
std::expected<Bytes, EvidenceError> trusted_header(chain::ChainClient& l1, const chain::TrustedHead& head) {
    const auto header = l1.header_by_number(BlockId::number(head.number));
    if (!header) return std::unexpected(failed("L1 block " + std::to_string(head.number), header.error()));
    if (!*header)
        return std::unexpected(EvidenceError{"L1 block " + std::to_string(head.number) + " is gone", false});
    return encode_header(**header);
}

// At most this many records in one eth_getProof call.
constexpr std::size_t kRecordsPerCall = 256;

// The Mailbox's record of `message_id` at L2 block `l2_block`, as eth_getProof gives it; with
// `records`, taken from there or fetched there with those of the ids expected next.
std::expected<client::MessageEvidence, EvidenceError> mailbox_record(chain::ChainClient& l2,
                                                                     const client::MailboxConfig& mailbox,
                                                                     const Hash& message_id,
                                                                     uint64_t l2_block,
                                                                     MailboxRecords* records) {
    if (records != nullptr) {
        if (const auto known = records->found.find(message_id); known != records->found.end())
            return known->second;
    }
    std::vector<Hash> ids{message_id};
    if (records != nullptr) {
        for (const Hash& id : records->expected) {
            if (ids.size() == kRecordsPerCall) break;
            if (id != message_id && !records->found.contains(id)) ids.push_back(id);
        }
    }
    std::vector<Hash> slots;
    slots.reserve(ids.size());
    for (const Hash& id : ids) slots.push_back(client::mapping_slot(id, mailbox.mapping_slot));
    const auto proof = l2.get_proof(mailbox.mailbox, slots, BlockId::number(l2_block));
    if (!proof) return std::unexpected(failed("eth_getProof (mailbox)", proof.error()));
    if (proof->storage_proof.size() != ids.size()) {
        return std::unexpected(EvidenceError{"eth_getProof (mailbox): " + std::to_string(ids.size()) +
                                                 " slots asked, " +
                                                 std::to_string(proof->storage_proof.size()) + " answered",
                                             false});
    }
    // Each answer must be for the key asked in its place (the light client checks the proofs).
    std::optional<client::MessageEvidence> asked;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto& answer = proof->storage_proof[i];
        if (answer.key != slots[i])
            return std::unexpected(EvidenceError{"eth_getProof (mailbox): answers out of order", false});
        client::MessageEvidence e{ids[i], proof->account_proof, answer.proof};
        if (i == 0) {
            asked = std::move(e);
        } else {
            records->found.emplace(ids[i], std::move(e));
        }
    }
    return *asked;
}

// The light client checks the trusted header itself; its timestamp is the L1's own "now".
uint64_t l1_time_of(const client::L1Evidence& l1) {
    ByteView rlp(l1.headers.back());
    const auto header = decode_header(rlp);
    return header ? header->timestamp : 0;
}

// `e` with the Mailbox's record of `message_id` at `l2_block`.
template <typename Evidence>
std::expected<Evidence, EvidenceError> with_record(Evidence e, chain::ChainClient& l2,
                                                   const client::MailboxConfig& mailbox,
                                                   const Hash& message_id, uint64_t l2_block,
                                                   MailboxRecords* records) {
    auto record = mailbox_record(l2, mailbox, message_id, l2_block, records);
    if (!record) return std::unexpected(record.error());
    e.message = std::move(*record);
    return e;
}

// One word from a view call on the L1 at the trusted block; a revert is "not yet" (`not_yet`).
std::expected<u256, EvidenceError> call_word(chain::ChainClient& l1, const Address& to, Bytes data,
                                             const chain::TrustedHead& head, const std::string& what,
                                             const std::string& not_yet) {
    jsonrpc::CallRequest call;
    call.to = to;
    call.data = std::move(data);
    const auto word = l1.call(call, BlockId::number(head.number));
    if (!word) {
        if (word.error().kind == chain::RpcError::Kind::kJsonRpc)
            return std::unexpected(EvidenceError{not_yet, true});
        return std::unexpected(failed(what, word.error()));
    }
    if (word->size() != 32) return std::unexpected(EvidenceError{what + ": not one word", false});
    return u256_from_be(*word);
}

}  // namespace

std::expected<client::OpStackEvidence, EvidenceError> fetch_opstack_evidence(
    chain::ChainClient& l1, chain::ChainClient& l2, const client::OpStackConfig& config,
    const chain::TrustedHead& l1_head, const Hash& message_id, uint64_t message_block,
    OutputEvidenceCache* cache) {
    MailboxRecords* records = cache != nullptr ? &cache->records : nullptr;
    // A block the cached output covers needs no lookup: a burst under one output costs no call
    // per message but its share of one Mailbox proof.
    if (cache != nullptr && cache->index && cache->l1_hash == l1_head.hash &&
        message_block >= cache->first_block && message_block <= cache->l2_block)
        return with_record(cache->shared, l2, config.mailbox, message_id, cache->l2_block, records);

    // Which output covers the message's block, as of the trusted L1 block.
    Bytes find;
    (void)abi::encode_call(find, *abi::parse_function("getL2OutputIndexAfter(uint256)"),
                           {abi::Value(u256(message_block))});
    const auto index = call_word(l1, config.oracle, std::move(find), l1_head, "getL2OutputIndexAfter",
                                 "no output covers L2 block " + std::to_string(message_block) +
                                     " yet at L1 block " + std::to_string(l1_head.number));
    if (!index) return std::unexpected(index.error());

    if (cache != nullptr && cache->index == *index && cache->l1_hash == l1_head.hash)
        return with_record(cache->shared, l2, config.mailbox, message_id, cache->l2_block, records);

    client::OpStackEvidence e;
    e.output_index = *index;
    e.l1.trusted_hash = l1_head.hash;
    auto l1_header = trusted_header(l1, l1_head);
    if (!l1_header) return std::unexpected(l1_header.error());
    e.l1.headers = {std::move(*l1_header)};

    const auto [root_slot, meta_slot] = client::l2_output_slots(config.outputs_slot, *index);
    const Hash slots[] = {root_slot, meta_slot};
    const auto oracle = l1.get_proof(config.oracle, slots, BlockId::number(l1_head.number));
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

    if (cache != nullptr) {
        // The blocks this output covers start after the previous output's (getL2Output(i - 1), the
        // third word); without that answer, only its own block.
        uint64_t first_block = static_cast<uint64_t>(l2_number);
        if (*index == 0) {
            first_block = 0;
        } else {
            Bytes previous;
            (void)abi::encode_call(previous, *abi::parse_function("getL2Output(uint256)"),
                                   {abi::Value(*index - 1)});
            jsonrpc::CallRequest call;
            call.to = config.oracle;
            call.data = std::move(previous);
            const auto words = l1.call(call, BlockId::number(l1_head.number));
            if (words && words->size() == 96) {
                const u256 before = u256_from_be(ByteView(*words).substr(64, 32));
                if (before < l2_number) first_block = static_cast<uint64_t>(before) + 1;
            }
        }
        *cache = OutputEvidenceCache{l1_head.hash,
                                     *index,
                                     e,
                                     static_cast<uint64_t>(l2_number),
                                     first_block,
                                     MailboxRecords{std::move(cache->records.expected), {}}};
    }
    return with_record(std::move(e), l2, config.mailbox, message_id, static_cast<uint64_t>(l2_number),
                       records);
}

std::expected<LightClientCheck, EvidenceError> check_opstack_message(
    chain::ChainClient& l1, chain::ChainClient& l2, const client::OpStackConfig& config,
    const chain::TrustedHead& l1_head, const Hash& message_id, uint64_t message_block,
    OutputEvidenceCache* cache) {
    auto evidence = fetch_opstack_evidence(l1, l2, config, l1_head, message_id, message_block, cache);
    if (!evidence) return std::unexpected(evidence.error());
    const uint64_t l1_time = l1_time_of(evidence->l1);
    return LightClientCheck{client::verify_opstack(config, *evidence, l1_time), l1_time};
}

std::expected<client::ZkEvidence, EvidenceError> fetch_zk_evidence(
    chain::ChainClient& l1, chain::ChainClient& l2, const client::ZkConfig& config,
    const chain::TrustedHead& l1_head, const Hash& message_id, uint64_t message_block,
    BatchEvidenceCache* cache) {
    MailboxRecords* records = cache != nullptr ? &cache->records : nullptr;
    if (cache != nullptr && cache->batch && cache->l1_hash == l1_head.hash &&
        message_block >= cache->first_block && message_block <= cache->l2_block)
        return with_record(cache->shared, l2, config.mailbox, message_id, cache->l2_block, records);

    // Which finalized batch covers the message's block, as of the trusted L1 block.
    Bytes find;
    (void)abi::encode_call(find, *abi::parse_function("batchIndexAfter(uint256)"),
                           {abi::Value(u256(message_block))});
    const auto batch = call_word(l1, config.anchor.contract, std::move(find), l1_head, "batchIndexAfter",
                                 "no finalized batch covers L2 block " + std::to_string(message_block) +
                                     " yet at L1 block " + std::to_string(l1_head.number));
    if (!batch) return std::unexpected(batch.error());

    if (cache != nullptr && cache->batch == *batch && cache->l1_hash == l1_head.hash)
        return with_record(cache->shared, l2, config.mailbox, message_id, cache->l2_block, records);

    // The batch's last L2 block: where the finalized state root was taken.
    Bytes last;
    (void)abi::encode_call(last, *abi::parse_function("batchLastBlock(uint256)"), {abi::Value(*batch)});
    const auto l2_block = call_word(l1, config.anchor.contract, std::move(last), l1_head, "batchLastBlock",
                                    "batchLastBlock reverted");
    if (!l2_block) return std::unexpected(l2_block.error());
    if (*l2_block > u256(std::numeric_limits<uint64_t>::max()))
        return std::unexpected(EvidenceError{"the batch's last L2 block does not fit 64 bits", false});

    client::ZkEvidence e;
    e.batch = *batch;
    e.l1.trusted_hash = l1_head.hash;
    auto l1_header = trusted_header(l1, l1_head);
    if (!l1_header) return std::unexpected(l1_header.error());
    e.l1.headers = {std::move(*l1_header)};
    const Hash slots[] = {zk::mapping_entry_slot(*batch, config.anchor.mapping_slot)};
    const auto anchor = l1.get_proof(config.anchor.contract, slots, BlockId::number(l1_head.number));
    if (!anchor) return std::unexpected(failed("eth_getProof (rollup contract)", anchor.error()));
    if (anchor->storage_proof.size() != 1)
        return std::unexpected(EvidenceError{"eth_getProof (rollup contract): 1 slot asked", false});
    e.anchor_account_proof = anchor->account_proof;
    e.anchor_storage_proof = anchor->storage_proof[0].proof;

    if (cache != nullptr) {
        // The blocks this batch covers start after the previous batch's last block.
        uint64_t first_block = static_cast<uint64_t>(*l2_block);
        Bytes previous;
        (void)abi::encode_call(previous, *abi::parse_function("batchLastBlock(uint256)"),
                               {abi::Value(*batch - 1)});
        const auto before =
            call_word(l1, config.anchor.contract, std::move(previous), l1_head, "batchLastBlock", "");
        if (before && *before < *l2_block) first_block = static_cast<uint64_t>(*before) + 1;
        *cache = BatchEvidenceCache{l1_head.hash,
                                    *batch,
                                    e,
                                    static_cast<uint64_t>(*l2_block),
                                    first_block,
                                    MailboxRecords{std::move(cache->records.expected), {}}};
    }
    return with_record(std::move(e), l2, config.mailbox, message_id, static_cast<uint64_t>(*l2_block),
                       records);
}

std::expected<LightClientCheck, EvidenceError> check_zk_message(
    chain::ChainClient& l1, chain::ChainClient& l2, const client::ZkConfig& config,
    const chain::TrustedHead& l1_head, const Hash& message_id, uint64_t message_block,
    BatchEvidenceCache* cache) {
    auto evidence = fetch_zk_evidence(l1, l2, config, l1_head, message_id, message_block, cache);
    if (!evidence) return std::unexpected(evidence.error());
    const uint64_t l1_time = l1_time_of(evidence->l1);
    return LightClientCheck{client::verify_zk(config, *evidence, l1_time), l1_time};
}

}  // namespace causeway::relayer
