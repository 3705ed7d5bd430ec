// The light clients end to end on two real anvil chains, one playing L1 and one the L2. Contract
// storage is written with anvil_setStorageAt (the layouts of the real contracts: L2OutputOracle's
// l2Outputs, Scroll's finalizedStateRoots, Nitro's Outbox.roots), blocks are mined, and every piece
// of evidence comes from the nodes' own answers: header RLP re-encoded from eth_getBlockByNumber
// (its hash checked against the node's), eth_getProof for each account and slot.
//  * OP Stack: the L2 mailbox records the message id; the output root is built from the L2 block
//    (stateRoot, L2ToL1MessagePasser storage root via eth_getProof, block hash) and proposed on L1.
//  * ZK: the L2 block's state root is Scroll's finalized root for a batch on L1.
//  * Arbitrum: anvil cannot mine a header whose extraData is a sendRoot, so the Nitro L2 header is
//    built by hand (client_test.cpp covers the family in full); the L1 half is real.
// The trusted hash is the L1 head a few blocks after the anchor block.
#include <catch2/catch.hpp>
#include <functional>
#include <vector>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "light-clients/arbitrum/outbox.hpp"
#include "light-clients/client/client.hpp"
#include "light-clients/opstack/output_root.hpp"
#include "light-clients/opstack/withdrawal.hpp"
#include "light-clients/zk/anchor.hpp"
#include "chain/json_rpc_client.hpp"
#include "tests/support/anvil.hpp"
#include "tests/support/anvil_rpc.hpp"
#include "tests/support/vectors.hpp"

using namespace causeway;
using client::Verdict;
namespace json = boost::json;

namespace {

test::AnvilOptions with_chain_id(uint64_t id) {
    test::AnvilOptions options;
    options.chain_id = id;
    return options;
}

Hash word(const u256& v) {
    return u256_to_hash(v);
}

using test::connect;
using test::set_code;
using test::set_storage;

// Mines a block 12 seconds after the last and returns its header, checked against the node's hash.
BlockHeader mine(chain::ChainClient& client) {
    return test::mine(client, 12);
}

// The anchor block, then `after` more blocks; the newest block's hash is the trusted one.
client::L1Evidence l1_evidence(chain::ChainClient& l1, uint64_t anchor, std::size_t after) {
    for (std::size_t i = 0; i < after; ++i) (void)mine(l1);
    client::L1Evidence out;
    for (uint64_t n = anchor; n <= anchor + after; ++n) {
        auto header = l1.header_by_number(jsonrpc::BlockId::number(n));
        REQUIRE(header);
        REQUIRE(*header);
        out.headers.push_back(encode_header(**header));
        out.trusted_hash = *(*header)->hash;
    }
    REQUIRE(keccak256(out.headers.back()) == out.trusted_hash);
    return out;
}

jsonrpc::AccountProof proof_of(chain::ChainClient& c, const Address& a, std::vector<Hash> slots,
                               uint64_t block) {
    auto p = c.get_proof(a, slots, jsonrpc::BlockId::number(block));
    REQUIRE(p);
    REQUIRE(p->storage_proof.size() == slots.size());
    return std::move(*p);
}

// Flips every byte of every node of `proof` (in place, restoring each) and requires `check`. An
// empty proof would check nothing: each call must change some bytes.
std::size_t mutate_each_byte(std::vector<Bytes>& proof, const std::function<void()>& check) {
    std::size_t n = 0;
    for (auto& node : proof) {
        for (std::size_t i = 0; i < node.size(); ++i, ++n) {
            node[i] ^= 0x01;
            check();
            node[i] ^= 0x01;
        }
    }
    REQUIRE(n > 0);
    return n;
}

const Address kMailbox = *address_from_hex("0x00000000000000000000000000000000000ba110");
constexpr uint64_t kMailboxSlot = 151;

// The L2 block with the mailbox's records: `id` -> 1, `two` -> 2.
struct L2Block {
    BlockHeader header;
    Hash passer_root;
};

L2Block record_messages(chain::ChainClient& l2, const Hash& id, const Hash& two) {
    set_code(l2, kMailbox);
    set_storage(l2, kMailbox, client::mapping_slot(id, kMailboxSlot), word(1));
    set_storage(l2, kMailbox, client::mapping_slot(two, kMailboxSlot), word(2));
    for (uint64_t i = 0; i < 16; ++i) set_storage(l2, kMailbox, word(i), word(i + 100));  // other state
    // A withdrawal in the message passer, so its storage root is not the empty one.
    set_code(l2, opstack::message_passer_address());
    set_storage(l2, opstack::message_passer_address(), opstack::sent_messages_slot(keccak256(Bytes{1})),
                word(1));
    L2Block out{mine(l2), {}};
    out.passer_root = proof_of(l2, opstack::message_passer_address(), {}, out.header.number).storage_hash;
    return out;
}

client::MessageEvidence message_evidence(chain::ChainClient& l2, const Hash& id, uint64_t block) {
    auto p = proof_of(l2, kMailbox, {client::mapping_slot(id, kMailboxSlot)}, block);
    return {id, p.account_proof, p.storage_proof[0].proof};
}

}  // namespace

TEST_CASE("client on anvil: OP Stack message from a trusted L1 hash", "[light-clients][client][anvil]") {
    CAUSEWAY_REQUIRE_ANVIL();
    test::Anvil l1_node(with_chain_id(900));
    test::Anvil l2_node(with_chain_id(901));
    auto l1 = connect(l1_node);
    auto l2 = connect(l2_node);

    const Hash id = keccak256(to_view("a hyperlane message"));
    const Hash two = keccak256(to_view("a record holding 2"));
    const Hash unrecorded = keccak256(to_view("never dispatched"));
    for (int i = 0; i < 3; ++i) (void)mine(*l2);
    const L2Block block = record_messages(*l2, id, two);
    const auto unrecorded_message = message_evidence(*l2, unrecorded, block.header.number);
    const auto two_message = message_evidence(*l2, two, block.header.number);
    const opstack::OutputRootProof output{opstack::output_version_v0(), block.header.state_root,
                                          block.passer_root, *block.header.hash};
    const Hash output_root = *opstack::output_root(output);

    // L1: l2Outputs[0..2] proposed, ours at index 1; startingBlockNumber set as a real oracle has.
    client::OpStackConfig config;
    config.oracle = *address_from_hex("0xdfe97868233d1aa22e815a266982f2cf17685a27");  // OP Mainnet's
    config.mailbox = {kMailbox, kMailboxSlot};
    config.policy = {1, 7 * 24 * 3600, finality::Level::kAnchored};
    (void)mine(*l1);
    const uint64_t proposed_at = mine(*l1).timestamp;
    set_code(*l1, config.oracle);
    set_storage(*l1, config.oracle, word(1), word(block.header.number - 100));
    for (uint64_t i = 0; i < 3; ++i) {
        const auto [root_slot, meta_slot] = client::l2_output_slots(client::kL2OutputsSlot, i);
        const Hash root = i == 1 ? output_root : keccak256(word(i).view());
        const uint64_t number = i == 1 ? block.header.number : block.header.number - 10 + 20 * i;
        set_storage(*l1, config.oracle, root_slot, root);
        set_storage(*l1, config.oracle, meta_slot, word((u256(number) << 128) | (proposed_at - 24 + 24 * i)));
    }
    const BlockHeader anchor = mine(*l1);

    // Proofs first: anvil (1.7.1) answers eth_getProof for an older block with the latest state.
    client::OpStackEvidence e;
    const auto [root_slot, meta_slot] = client::l2_output_slots(client::kL2OutputsSlot, 1);
    const auto oracle = proof_of(*l1, config.oracle, {root_slot, meta_slot}, anchor.number);
    e.l1 = l1_evidence(*l1, anchor.number, 4);
    e.output_index = 1;
    e.oracle_account_proof = oracle.account_proof;
    e.output_root_proof = oracle.storage_proof[0].proof;
    e.output_meta_proof = oracle.storage_proof[1].proof;
    e.output = output;
    e.l2_header = encode_header(block.header);
    e.message = message_evidence(*l2, id, block.header.number);

    // The first second after the window (the check is strict, as on L1).
    const uint64_t window_end = proposed_at + config.policy.challenge_window_s + 1;
    const auto ok = client::verify_opstack(config, e, proposed_at + 1);
    REQUIRE(ok.verdict == Verdict::kValid);
    CHECK(ok.l2_block_number == block.header.number);
    CHECK(ok.l1_anchor_hash == *anchor.hash);
    CHECK(ok.final_at == window_end);
    CHECK(ok.finality == finality::Verdict::kAwaitingChallengeWindow);
    CHECK(!client::verify_opstack(config, e, window_end - 1).is_final());
    CHECK(client::verify_opstack(config, e, window_end).is_final());

    const uint64_t now = window_end;
    auto run = [&] { return client::verify_opstack(config, e, now); };
    const auto saved = e;

    // 1. L1 headers.
    e.l1.trusted_hash[0] ^= 1;
    CHECK(run().verdict == Verdict::kL1CheckpointMismatch);
    e.l1 = saved.l1;
    e.l1.headers.erase(e.l1.headers.begin() + 2);
    CHECK(run().verdict == Verdict::kL1LinkBroken);
    e.l1 = saved.l1;
    std::swap(e.l1.headers[0], e.l1.headers[1]);
    CHECK(run().verdict == Verdict::kL1LinkBroken);
    e.l1 = saved.l1;
    {
        // The anchor's parent prepended: its state is not the anchor's (the proofs then fail).
        auto parent = l1->header_by_number(jsonrpc::BlockId::number(anchor.number - 1));
        REQUIRE(parent);
        e.l1.headers.insert(e.l1.headers.begin(), encode_header(**parent));
        CHECK(run().verdict == Verdict::kAnchorAccountProofInvalid);
        // ... and an unrelated header prepended breaks the link.
        auto old = l1->header_by_number(jsonrpc::BlockId::number(1));
        REQUIRE(old);
        e.l1.headers[0] = encode_header(**old);
        CHECK(run().verdict == Verdict::kL1LinkBroken);
        e.l1 = saved.l1;
    }
    // 2. The anchor: index mismatch, other slots.
    e.output_index = 2;
    CHECK(run().verdict == Verdict::kAnchorStorageProofInvalid);
    e.output_index = 1;
    std::swap(e.output_root_proof, e.output_meta_proof);
    CHECK(run().verdict == Verdict::kAnchorStorageProofInvalid);
    e = saved;
    // 3. Output components and the L2 header.
    e.output.state_root[3] ^= 1;
    CHECK(run().verdict == Verdict::kOutputRootMismatch);
    e = saved;
    set_storage(*l2, kMailbox, word(999), word(1));  // the next L2 block has another state
    e.l2_header = encode_header(mine(*l2));
    CHECK(run().verdict == Verdict::kL2BlockHashMismatch);
    e = saved;
    // 4. The message.
    e.message = unrecorded_message;
    CHECK(run().verdict == Verdict::kMessageNotRecorded);
    e.message = two_message;
    CHECK(run().verdict == Verdict::kMessageUnexpectedValue);
    // A proof from a later L2 state (what anvil returns now even when asked for the old block).
    e.message = message_evidence(*l2, id, block.header.number + 1);
    CHECK(run().verdict == Verdict::kMessageAccountProofInvalid);
    e = saved;

    // A flipped byte anywhere in any proof or header is refused by the link it belongs to.
    std::size_t n = 0;
    REQUIRE(!e.l1.headers.empty());
    for (std::size_t k = 0; k < e.l1.headers.size(); ++k) {
        std::vector<Bytes> one{e.l1.headers[k]};
        n += mutate_each_byte(one, [&] {
            e.l1.headers[k] = one[0];
            const auto v = run().verdict;
            REQUIRE((v == Verdict::kL1HeaderMalformed || v == Verdict::kL1LinkBroken ||
                     v == Verdict::kL1CheckpointMismatch));
        });
        e.l1.headers[k] = saved.l1.headers[k];
    }
    n += mutate_each_byte(e.oracle_account_proof,
                          [&] { REQUIRE(run().verdict == Verdict::kAnchorAccountProofInvalid); });
    n += mutate_each_byte(e.output_root_proof,
                          [&] { REQUIRE(run().verdict == Verdict::kAnchorStorageProofInvalid); });
    n += mutate_each_byte(e.output_meta_proof,
                          [&] { REQUIRE(run().verdict == Verdict::kAnchorStorageProofInvalid); });
    {
        std::vector<Bytes> header{e.l2_header};
        n += mutate_each_byte(header, [&] {
            e.l2_header = header[0];
            const auto v = run().verdict;
            REQUIRE((v == Verdict::kL2HeaderMalformed || v == Verdict::kL2BlockHashMismatch));
        });
        e.l2_header = saved.l2_header;
    }
    n += mutate_each_byte(e.message.account_proof,
                          [&] { REQUIRE(run().verdict == Verdict::kMessageAccountProofInvalid); });
    n += mutate_each_byte(e.message.storage_proof,
                          [&] { REQUIRE(run().verdict == Verdict::kMessageStorageProofInvalid); });
    REQUIRE(run().ok());
    test::report_cases("client/anvil opstack single-byte mutations", n);
}

TEST_CASE("client on anvil: ZK (Scroll-style) message from a trusted L1 hash",
          "[light-clients][client][anvil]") {
    CAUSEWAY_REQUIRE_ANVIL();
    test::Anvil l1_node(with_chain_id(902));
    test::Anvil l2_node(with_chain_id(534352));
    auto l1 = connect(l1_node);
    auto l2 = connect(l2_node);

    const Hash id = keccak256(to_view("a zk message"));
    const Hash two = keccak256(to_view("two"));
    const L2Block block = record_messages(*l2, id, two);

    client::ZkConfig config{zk::scroll_mainnet(), {kMailbox, kMailboxSlot}};
    const u256 batch = 77;
    set_code(*l1, config.anchor.contract);
    set_storage(*l1, config.anchor.contract, zk::mapping_entry_slot(batch, config.anchor.mapping_slot),
                block.header.state_root);
    set_storage(*l1, config.anchor.contract, zk::mapping_entry_slot(batch - 1, config.anchor.mapping_slot),
                keccak256(to_view("batch 76")));
    const BlockHeader anchor = mine(*l1);

    client::ZkEvidence e;
    const auto p = proof_of(*l1, config.anchor.contract,
                            {zk::mapping_entry_slot(batch, config.anchor.mapping_slot),
                             zk::mapping_entry_slot(batch + 1, config.anchor.mapping_slot),
                             zk::mapping_entry_slot(batch - 1, config.anchor.mapping_slot)},
                            anchor.number);
    e.l1 = l1_evidence(*l1, anchor.number, 3);
    e.batch = batch;
    e.anchor_account_proof = p.account_proof;
    e.anchor_storage_proof = p.storage_proof[0].proof;
    e.message = message_evidence(*l2, id, block.header.number);

    const auto ok = client::verify_zk(config, e, anchor.timestamp);
    REQUIRE(ok.verdict == Verdict::kValid);
    CHECK(ok.final_at == anchor.timestamp);
    CHECK(ok.is_final());
    CHECK(ok.l2_state_root == block.header.state_root);
    CHECK(!client::verify_zk(config, e, anchor.timestamp - 1).is_final());

    auto run = [&] { return client::verify_zk(config, e, anchor.timestamp); };
    const auto saved = e;
    e.l1.trusted_hash[31] ^= 1;
    CHECK(run().verdict == Verdict::kL1CheckpointMismatch);
    e = saved;
    e.l1.headers.pop_back();
    CHECK(run().verdict == Verdict::kL1CheckpointMismatch);
    e = saved;
    e.batch = batch + 1;
    e.anchor_storage_proof = p.storage_proof[1].proof;
    CHECK(run().verdict == Verdict::kBatchNotFinalized);
    e = saved;
    e.batch = batch - 1;  // finalized, another root: the message proof does not fit it
    e.anchor_storage_proof = p.storage_proof[2].proof;
    CHECK(run().verdict == Verdict::kMessageAccountProofInvalid);
    e = saved;
    e.message = message_evidence(*l2, two, block.header.number);
    CHECK(run().verdict == Verdict::kMessageUnexpectedValue);
    e = saved;

    std::size_t n = 0;
    n += mutate_each_byte(e.anchor_account_proof,
                          [&] { REQUIRE(run().verdict == Verdict::kAnchorAccountProofInvalid); });
    n += mutate_each_byte(e.anchor_storage_proof,
                          [&] { REQUIRE(run().verdict == Verdict::kAnchorStorageProofInvalid); });
    n += mutate_each_byte(e.message.account_proof,
                          [&] { REQUIRE(run().verdict == Verdict::kMessageAccountProofInvalid); });
    n += mutate_each_byte(e.message.storage_proof,
                          [&] { REQUIRE(run().verdict == Verdict::kMessageStorageProofInvalid); });
    REQUIRE(run().ok());
    test::report_cases("client/anvil zk single-byte mutations", n);
}

TEST_CASE("client on anvil: Arbitrum Outbox root on a real L1, hand-built Nitro header",
          "[light-clients][client][anvil]") {
    CAUSEWAY_REQUIRE_ANVIL();
    test::Anvil l1_node(with_chain_id(903));
    auto l1 = connect(l1_node);

    // Seven sends; the L2 header after them carries the send root and count.
    std::vector<arbitrum::OutboxItem> items;
    std::vector<Hash> hashes;
    arbitrum::SendMerkleAccumulator acc;
    for (uint64_t i = 0; i < 7; ++i) {
        items.push_back({*address_from_hex(test::Anvil::kDevAddresses[i % 3]), kMailbox, u256(500 + i),
                         u256(20), u256(1'700'000'000 + i), u256(0),
                         Bytes(keccak256(word(i).view()).view())});
        hashes.push_back(arbitrum::item_hash(items.back()));
        acc.append(hashes.back());
    }
    BlockHeader l2;
    l2.parent_hash = keccak256(to_view("parent"));
    l2.ommers_hash = keccak256(Bytes{0xc0});
    l2.state_root = keccak256(to_view("state"));
    l2.transactions_root = l2.receipts_root = keccak256(Bytes{0x80});
    l2.difficulty = 1;
    l2.number = 506;
    l2.gas_limit = 1ull << 50;
    l2.timestamp = 1'700'000'010;
    l2.extra_data = Bytes(acc.root().view());
    l2.mix_hash[7] = 7;    // sendCount
    l2.mix_hash[15] = 20;  // L1 block number
    l2.base_fee_per_gas = u256(100'000'000);

    client::ArbitrumConfig config;
    config.outbox = *address_from_hex("0x0B9857ae2D4A3DBe74ffE1d7DF045bb7F96E4840");  // Arbitrum One's
    set_code(*l1, config.outbox);
    set_storage(*l1, config.outbox, client::mapping_slot(acc.root(), client::kOutboxRootsSlot),
                compute_hash(l2));
    const BlockHeader anchor = mine(*l1);

    Hash unknown_root = acc.root();
    unknown_root[0] ^= 1;
    const auto p = proof_of(*l1, config.outbox,
                            {client::mapping_slot(acc.root(), client::kOutboxRootsSlot),
                             client::mapping_slot(unknown_root, client::kOutboxRootsSlot)},
                            anchor.number);
    client::ArbitrumEvidence e;
    e.l1 = l1_evidence(*l1, anchor.number, 2);
    e.send_root = acc.root();
    e.outbox_account_proof = p.account_proof;
    e.roots_proof = p.storage_proof[0].proof;
    e.l2_header = encode_header(l2);
    for (uint64_t i = 0; i < items.size(); ++i) {
        e.item = items[i];
        e.index = i;
        e.outbox_proof = arbitrum::build_outbox_proof(hashes, i);
        const auto r = client::verify_arbitrum(config, e, anchor.timestamp);
        REQUIRE(r.verdict == Verdict::kValid);
        CHECK(r.final_at == anchor.timestamp);
        CHECK(r.l2_block_number == 506);
    }
    auto run = [&] { return client::verify_arbitrum(config, e, anchor.timestamp); };
    e.item.data.push_back(0);
    CHECK(run().verdict == Verdict::kOutboxProofInvalid);
    e.item = items.back();
    l2.number += 1;
    e.l2_header = encode_header(l2);
    CHECK(run().verdict == Verdict::kL2BlockHashMismatch);
    l2.number -= 1;
    e.l2_header = encode_header(l2);
    CHECK(run().ok());
    e.send_root = unknown_root;
    e.roots_proof = p.storage_proof[1].proof;
    CHECK(run().verdict == Verdict::kSendRootUnknown);
}
