// The per-family light clients without a network: L1 and L2 states built as real Merkle-Patricia
// tries (mpt::trie_root / trie_proof), L1 headers chained by parentHash, an L2 header per output.
// Each link is broken in turn and the verdict must name it; every single-byte change of every proof
// node and header is rejected by the link it belongs to. (client_anvil_test runs the OP Stack and
// ZK clients on real anvil chains.) Arbitrum is tested here in full, since anvil cannot mine a
// header whose extraData is a sendRoot.
#include <catch2/catch.hpp>
#include <functional>
#include <map>
#include <random>
#include <vector>

#include "core/keccak.hpp"
#include "core/rlp.hpp"
#include "light-clients/client/client.hpp"
#include "light-clients/mpt/proof.hpp"
#include "light-clients/opstack/output_root.hpp"
#include "tests/support/vectors.hpp"

using namespace causeway;
using client::Verdict;

namespace {

Hash h(uint8_t fill, uint8_t last = 0) {
    Hash out;
    out.bytes.fill(fill);
    out[31] = last;
    return out;
}

Address addr(uint8_t fill) {
    Address a;
    a.bytes.fill(fill);
    return a;
}

Hash word(const u256& v) {
    return u256_to_hash(v);
}

// A state: accounts with storage, as the secure tries Ethereum uses.
class State {
  public:
    void set(const Address& a, const Hash& slot, const u256& value) { storage_[a][slot] = value; }
    void touch(const Address& a) { storage_[a]; }

    [[nodiscard]] Hash storage_root(const Address& a) const { return mpt::trie_root(storage_entries(a)); }
    [[nodiscard]] std::vector<Bytes> storage_proof(const Address& a, const Hash& slot) const {
        return mpt::trie_proof(storage_entries(a), keccak256(slot).view());
    }
    [[nodiscard]] Hash root() const { return mpt::trie_root(account_entries()); }
    [[nodiscard]] std::vector<Bytes> account_proof(const Address& a) const {
        return mpt::trie_proof(account_entries(), keccak256(a).view());
    }

  private:
    [[nodiscard]] std::vector<std::pair<Bytes, Bytes>> storage_entries(const Address& a) const {
        std::vector<std::pair<Bytes, Bytes>> out;
        auto it = storage_.find(a);
        if (it == storage_.end()) return out;
        for (const auto& [slot, value] : it->second) {
            Bytes v;
            rlp::encode(v, value);
            out.emplace_back(Bytes(keccak256(slot).view()), v);
        }
        return out;
    }
    [[nodiscard]] std::vector<std::pair<Bytes, Bytes>> account_entries() const {
        std::vector<std::pair<Bytes, Bytes>> out;
        uint64_t nonce = 1;
        for (const auto& [a, _] : storage_) {
            mpt::Account account{nonce++, u256(1000), storage_root(a), keccak256(Bytes{0x60, 0x00})};
            Bytes v;
            mpt::encode(v, account);
            out.emplace_back(Bytes(keccak256(a).view()), v);
        }
        return out;
    }
    std::map<Address, std::map<Hash, u256>> storage_;
};

BlockHeader make_header(uint64_t number, uint64_t timestamp, const Hash& parent, const Hash& state_root) {
    BlockHeader header;
    header.parent_hash = parent;
    header.ommers_hash = keccak256(Bytes{0xc0});
    header.state_root = state_root;
    header.transactions_root = mpt::empty_root();
    header.receipts_root = mpt::empty_root();
    header.number = number;
    header.gas_limit = 30'000'000;
    header.timestamp = timestamp;
    header.base_fee_per_gas = u256(7);
    header.withdrawals_root = mpt::empty_root();
    return header;
}

// The L1 chain: the anchor block holding `state`, then `after` more blocks; the newest is trusted.
client::L1Evidence make_l1(const State& state, std::size_t after, uint64_t anchor_time) {
    client::L1Evidence l1;
    Hash parent = h(0x11);
    Hash state_root = state.root();
    for (std::size_t i = 0; i <= after; ++i) {
        const BlockHeader header = make_header(100 + i, anchor_time + 12 * i, parent, state_root);
        l1.headers.push_back(encode_header(header));
        parent = compute_hash(header);
        state_root = h(0x22, static_cast<uint8_t>(i));  // later blocks' states are not used
    }
    l1.trusted_hash = parent;
    return l1;
}

// Flips every byte of every node of `proof` (in place, restoring each) and requires `check`. An
// empty proof, or one of empty nodes, would check nothing: each call must change some bytes.
std::size_t mutate_each_byte(std::vector<Bytes>& proof, const std::function<void()>& check) {
    std::size_t n = 0;
    for (auto& node : proof) {
        for (std::size_t i = 0; i < node.size(); ++i) {
            node[i] ^= 0x01;
            check();
            node[i] ^= 0x01;
            ++n;
        }
    }
    REQUIRE(n > 0);
    return n;
}

std::size_t mutate_each_byte(Bytes& bytes, const std::function<void()>& check) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        bytes[i] ^= 0x01;
        check();
        bytes[i] ^= 0x01;
        ++n;
    }
    REQUIRE(n > 0);
    return n;
}

// The L1 headers' links, for every family: each single-byte change of each header is refused by
// the link that header belongs to.
std::size_t check_l1_mutations(client::L1Evidence& l1, const std::function<client::Result()>& run) {
    REQUIRE(!l1.headers.empty());
    std::size_t n = 0;
    const std::size_t last = l1.headers.size() - 1;
    for (std::size_t k = 0; k <= last; ++k) {
        n += mutate_each_byte(l1.headers[k], [&] {
            const auto r = run();
            REQUIRE(r.l1_index == k);
            if (k == last)
                REQUIRE((r.verdict == Verdict::kL1CheckpointMismatch ||
                         r.verdict == Verdict::kL1HeaderMalformed));
            else
                REQUIRE((r.verdict == Verdict::kL1LinkBroken || r.verdict == Verdict::kL1HeaderMalformed));
        });
    }
    return n;
}

// The L1 structural cases every family shares.
void check_l1_links(client::L1Evidence& l1, const std::function<client::Result()>& run) {
    const auto saved = l1;
    SECTION("no headers") {
        l1.headers.clear();
        CHECK(run().verdict == Verdict::kL1NoHeaders);
    }
    SECTION("wrong trusted hash") {
        l1.trusted_hash[0] ^= 1;
        const auto r = run();
        CHECK(r.verdict == Verdict::kL1CheckpointMismatch);
        CHECK(r.l1_index == l1.headers.size() - 1);
    }
    SECTION("missing middle header") {
        l1.headers.erase(l1.headers.begin() + 1);
        const auto r = run();
        CHECK(r.verdict == Verdict::kL1LinkBroken);
        CHECK(r.link_verdict == headers::LinkVerdict::kParentHashMismatch);
        CHECK(r.l1_index == 0);
    }
    SECTION("missing newest header: the trusted one") {
        l1.headers.pop_back();
        CHECK(run().verdict == Verdict::kL1CheckpointMismatch);
    }
    SECTION("extra header before the anchor") {
        l1.headers.insert(l1.headers.begin(), l1.headers[1]);
        CHECK(run().verdict == Verdict::kL1LinkBroken);
    }
    SECTION("extra header after the trusted one") {
        BlockHeader last;
        ByteView in = l1.headers.back();
        last = *decode_header(in);
        l1.headers.push_back(encode_header(
            make_header(last.number + 1, last.timestamp + 12, compute_hash(last), last.state_root)));
        CHECK(run().verdict == Verdict::kL1CheckpointMismatch);
    }
    SECTION("swapped headers") {
        std::swap(l1.headers[0], l1.headers[1]);
        CHECK(run().verdict == Verdict::kL1LinkBroken);
    }
    SECTION("trailing byte after a header") {
        l1.headers[0].push_back(0x00);
        const auto r = run();
        CHECK(r.verdict == Verdict::kL1HeaderMalformed);
        CHECK(r.header_verdict == headers::HeaderVerdict::kTrailingBytes);
    }
    SECTION("a forged child of the trusted header") {
        // Anyone can build on a trusted header with any state root: a child proves nothing.
        ByteView in = l1.headers.back();
        const BlockHeader last = *decode_header(in);
        client::L1Evidence forged;
        forged.trusted_hash = l1.trusted_hash;
        forged.headers = {l1.headers.back(), encode_header(make_header(last.number + 1, last.timestamp + 1,
                                                                       l1.trusted_hash, h(0x66)))};
        l1 = forged;
        CHECK(run().verdict == Verdict::kL1CheckpointMismatch);
    }
    l1 = saved;
}

// ----- OP Stack fixture -----

struct OpFixture {
    client::OpStackConfig config;
    client::OpStackEvidence evidence;
    State l1_state;
    State l2_state;
    uint64_t proposed_at = 1'700'000'000;
    static constexpr uint64_t kWindow = 3600;
    static constexpr uint64_t kL2Number = 4242;
    Hash unrecorded_id = h(0xd0, 1);
    Hash two_id = h(0xd0, 2);

    OpFixture() {
        config.oracle = addr(0x0a);
        config.mailbox = {addr(0x4b), u256(7)};
        config.policy = {1, kWindow, finality::Level::kAnchored};

        // L2: the mailbox records the message, another record holds 2; other state beside it.
        const Hash id = h(0xd0, 0);
        l2_state.set(config.mailbox.mailbox, client::mapping_slot(id, 7), 1);
        l2_state.set(config.mailbox.mailbox, client::mapping_slot(two_id, 7), 2);
        for (uint8_t i = 0; i < 8; ++i) l2_state.set(config.mailbox.mailbox, h(0x70, i), u256(i) + 1);
        l2_state.set(addr(0x42), h(0, 0), 99);
        const BlockHeader l2 = make_header(kL2Number, proposed_at - 100, h(0x33), l2_state.root());

        const opstack::OutputRootProof output{opstack::output_version_v0(), l2_state.root(), h(0x55),
                                              compute_hash(l2)};
        const Hash output_root = *opstack::output_root(output);

        // L1: l2Outputs[0..3] proposed; index 2 is ours.
        for (uint64_t i = 0; i < 4; ++i) {
            const auto [root_slot, meta_slot] = client::l2_output_slots(kL2OutputsSlot(), i);
            const Hash root = i == 2 ? output_root : h(0x90, static_cast<uint8_t>(i));
            const uint64_t number = i == 2 ? kL2Number : 1000 * i;
            l1_state.set(config.oracle, root_slot, u256_from_be(root.view()));
            l1_state.set(config.oracle, meta_slot, (u256(number) << 128) | (proposed_at - 1000 + 500 * i));
        }
        l1_state.set(config.oracle, h(0, 1), 1);  // startingBlockNumber, as the contract has
        l1_state.touch(addr(0x77));
        proposed_at = proposed_at - 1000 + 500 * 2;
        rebuild(output, l2, id);
    }

    static u256 kL2OutputsSlot() { return client::kL2OutputsSlot; }

    void rebuild(const opstack::OutputRootProof& output, const BlockHeader& l2, const Hash& id) {
        auto& e = evidence;
        e.l1 = make_l1(l1_state, 3, proposed_at + 60);
        e.output_index = 2;
        e.oracle_account_proof = l1_state.account_proof(config.oracle);
        const auto [root_slot, meta_slot] = client::l2_output_slots(kL2OutputsSlot(), 2);
        e.output_root_proof = l1_state.storage_proof(config.oracle, root_slot);
        e.output_meta_proof = l1_state.storage_proof(config.oracle, meta_slot);
        e.output = output;
        e.l2_header = encode_header(l2);
        e.message = message_evidence(id);
    }

    [[nodiscard]] client::MessageEvidence message_evidence(const Hash& id) const {
        return {id, l2_state.account_proof(config.mailbox.mailbox),
                l2_state.storage_proof(config.mailbox.mailbox,
                                       client::mapping_slot(id, config.mailbox.mapping_slot))};
    }

    [[nodiscard]] client::Result run(uint64_t now = 2'000'000'000) const {
        return client::verify_opstack(config, evidence, now);
    }
};

}  // namespace

TEST_CASE("client: l2Outputs slots follow Solidity's dynamic array layout", "[light-clients][client]") {
    // keccak256(uint256(3)), the first element of l2Outputs; element i at +2i and +2i+1.
    const Hash base = keccak256(word(3).view());
    const auto [r0, m0] = client::l2_output_slots(3, 0);
    CHECK(r0 == base);
    CHECK(u256_from_be(m0.view()) == u256_from_be(base.view()) + 1);
    const auto [r5, m5] = client::l2_output_slots(3, 5);
    CHECK(u256_from_be(r5.view()) == u256_from_be(base.view()) + 10);
    CHECK(u256_from_be(m5.view()) == u256_from_be(base.view()) + 11);
    // mapping(bytes32 => ...) entries: keccak256(key ++ uint256(slot)).
    Bytes pre(h(0xab).view());
    pre += word(9).view();
    CHECK(client::mapping_slot(h(0xab), 9) == keccak256(pre));
}

TEST_CASE("client: OP Stack, every link valid, then each broken", "[light-clients][client]") {
    OpFixture f;
    const auto ok = f.run();
    REQUIRE(ok.verdict == Verdict::kValid);
    CHECK(ok.l2_block_number == OpFixture::kL2Number);
    CHECK(ok.final_at == f.proposed_at + OpFixture::kWindow + 1);
    CHECK(ok.is_final());
    CHECK(ok.l1_anchor_number == 100);
    CHECK(ok.l2_state_root == f.l2_state.root());

    auto& e = f.evidence;
    check_l1_links(e.l1, [&] { return f.run(); });

    SECTION("finality: at the window's end, and the second after") {
        const auto before = f.run(f.proposed_at + OpFixture::kWindow);
        CHECK(before.ok());
        CHECK(before.finality == finality::Verdict::kAwaitingChallengeWindow);
        CHECK(!before.is_final());
        CHECK(before.final_at == f.proposed_at + OpFixture::kWindow + 1);
        CHECK(f.run(f.proposed_at + OpFixture::kWindow + 1).is_final());
    }
    SECTION("wrong oracle address") {
        f.config.oracle = addr(0x0b);
        const auto r = f.run();
        CHECK(r.verdict == Verdict::kAnchorAccountProofInvalid);
    }
    SECTION("oracle proven absent") {
        f.config.oracle = addr(0x0c);
        e.oracle_account_proof = f.l1_state.account_proof(addr(0x0c));
        CHECK(f.run().verdict == Verdict::kAnchorAccountAbsent);
    }
    SECTION("outputs index mismatch: index 3 with index 2's proofs") {
        e.output_index = 3;
        const auto r = f.run();
        CHECK(r.verdict == Verdict::kAnchorStorageProofInvalid);
        CHECK(r.anchor_slot == 0);
    }
    SECTION("outputs index mismatch: index 1 proven, another output") {
        e.output_index = 1;
        const auto [root_slot, meta_slot] = client::l2_output_slots(3, 1);
        e.output_root_proof = f.l1_state.storage_proof(f.config.oracle, root_slot);
        e.output_meta_proof = f.l1_state.storage_proof(f.config.oracle, meta_slot);
        CHECK(f.run().verdict == Verdict::kOutputRootMismatch);
    }
    SECTION("meta slot proof of another slot") {
        e.output_meta_proof = e.output_root_proof;
        const auto r = f.run();
        CHECK(r.verdict == Verdict::kAnchorStorageProofInvalid);
        CHECK(r.anchor_slot == 1);
    }
    SECTION("no output proposed at index 9") {
        e.output_index = 9;
        const auto [root_slot, meta_slot] = client::l2_output_slots(3, 9);
        e.output_root_proof = f.l1_state.storage_proof(f.config.oracle, root_slot);
        e.output_meta_proof = f.l1_state.storage_proof(f.config.oracle, meta_slot);
        CHECK(f.run().verdict == Verdict::kOutputNotProposed);
    }
    SECTION("wrong output components") {
        e.output.message_passer_storage_root[5] ^= 1;
        CHECK(f.run().verdict == Verdict::kOutputRootMismatch);
        e.output = f.evidence.output;
    }
    SECTION("unknown output version") {
        e.output.version[31] = 1;
        CHECK(f.run().verdict == Verdict::kOutputVersionUnknown);
    }
    SECTION("wrong L2 header") {
        ByteView in = e.l2_header;
        BlockHeader l2 = *decode_header(in);
        l2.gas_used += 1;
        e.l2_header = encode_header(l2);
        CHECK(f.run().verdict == Verdict::kL2BlockHashMismatch);
        e.l2_header.push_back(0);
        const auto r = f.run();
        CHECK(r.verdict == Verdict::kL2HeaderMalformed);
        CHECK(r.header_verdict == headers::HeaderVerdict::kTrailingBytes);
    }
    SECTION("message not recorded") {
        e.message = f.message_evidence(f.unrecorded_id);
        CHECK(f.run().verdict == Verdict::kMessageNotRecorded);
    }
    SECTION("record holds 2, not 1") {
        e.message = f.message_evidence(f.two_id);
        CHECK(f.run().verdict == Verdict::kMessageUnexpectedValue);
    }
    SECTION("message id with another id's proof") {
        e.message.message_id = f.unrecorded_id;
        const auto r = f.run();
        CHECK(r.verdict == Verdict::kMessageStorageProofInvalid);
    }
    SECTION("mailbox proven absent") {
        f.config.mailbox.mailbox = addr(0x4c);
        e.message.account_proof = f.l2_state.account_proof(addr(0x4c));
        CHECK(f.run().verdict == Verdict::kMessageAccountAbsent);
    }
    SECTION("mailbox proof against the L1 state") {
        e.message.account_proof = f.l1_state.account_proof(f.config.mailbox.mailbox);
        CHECK(f.run().verdict == Verdict::kMessageAccountProofInvalid);
    }
}

TEST_CASE("client: OP Stack, the proposal's fields", "[light-clients][client]") {
    // A proposal whose l2BlockNumber is not the header's, and one whose fields overflow 64 bits.
    OpFixture f;
    const auto [root_slot, meta_slot] = client::l2_output_slots(3, 2);
    const u256 meta = (u256(OpFixture::kL2Number + 1) << 128) | f.proposed_at;
    f.l1_state.set(f.config.oracle, meta_slot, meta);
    f.rebuild(
        f.evidence.output,
        [&] {
            ByteView in = f.evidence.l2_header;
            return *decode_header(in);
        }(),
        f.evidence.message.message_id);
    CHECK(f.run().verdict == Verdict::kL2BlockNumberMismatch);

    f.l1_state.set(f.config.oracle, meta_slot, (u256(1) << 200) | f.proposed_at);
    f.rebuild(
        f.evidence.output,
        [&] {
            ByteView in = f.evidence.l2_header;
            return *decode_header(in);
        }(),
        f.evidence.message.message_id);
    CHECK(f.run().verdict == Verdict::kOutputFieldOverflow);

    f.l1_state.set(f.config.oracle, meta_slot, u256(OpFixture::kL2Number) << 128);  // timestamp 0
    f.rebuild(
        f.evidence.output,
        [&] {
            ByteView in = f.evidence.l2_header;
            return *decode_header(in);
        }(),
        f.evidence.message.message_id);
    CHECK(f.run().verdict == Verdict::kOutputNotProposed);
}

TEST_CASE("client: OP Stack, every single-byte change is refused by its link", "[light-clients][client]") {
    OpFixture f;
    REQUIRE(f.run().ok());
    auto& e = f.evidence;
    std::size_t n = check_l1_mutations(e.l1, [&] { return f.run(); });
    n += mutate_each_byte(e.oracle_account_proof,
                          [&] { REQUIRE(f.run().verdict == Verdict::kAnchorAccountProofInvalid); });
    n += mutate_each_byte(e.output_root_proof, [&] {
        const auto r = f.run();
        REQUIRE(r.verdict == Verdict::kAnchorStorageProofInvalid);
        REQUIRE(r.anchor_slot == 0);
    });
    n += mutate_each_byte(e.output_meta_proof, [&] {
        const auto r = f.run();
        REQUIRE(r.verdict == Verdict::kAnchorStorageProofInvalid);
        REQUIRE(r.anchor_slot == 1);
    });
    for (Hash* part : {&e.output.version, &e.output.state_root, &e.output.message_passer_storage_root,
                       &e.output.block_hash}) {
        for (std::size_t i = 0; i < 32; ++i, ++n) {
            (*part)[i] ^= 1;
            const auto v = f.run().verdict;
            REQUIRE((v == (part == &e.output.version ? Verdict::kOutputVersionUnknown
                                                     : Verdict::kOutputRootMismatch)));
            (*part)[i] ^= 1;
        }
    }
    n += mutate_each_byte(e.l2_header, [&] {
        const auto v = f.run().verdict;
        REQUIRE((v == Verdict::kL2BlockHashMismatch || v == Verdict::kL2HeaderMalformed));
    });
    n += mutate_each_byte(e.message.account_proof,
                          [&] { REQUIRE(f.run().verdict == Verdict::kMessageAccountProofInvalid); });
    n += mutate_each_byte(e.message.storage_proof,
                          [&] { REQUIRE(f.run().verdict == Verdict::kMessageStorageProofInvalid); });
    for (std::size_t i = 0; i < 32; ++i, ++n) {
        e.message.message_id[i] ^= 1;
        const auto v = f.run().verdict;
        REQUIRE((v == Verdict::kMessageStorageProofInvalid || v == Verdict::kMessageNotRecorded));
        e.message.message_id[i] ^= 1;
    }
    REQUIRE(f.run().ok());
    test::report_cases("client/opstack single-byte mutations", n);
}

// ----- ZK -----

namespace {

struct ZkFixture {
    client::ZkConfig config;
    client::ZkEvidence evidence;
    State l1_state;
    State l2_state;
    uint64_t anchor_time = 1'700'000'000;

    ZkFixture() {
        config.anchor = zk::scroll_mainnet();
        config.mailbox = {addr(0x4b), u256(0)};
        const Hash id = h(0xe0, 0);
        l2_state.set(config.mailbox.mailbox, client::mapping_slot(id, 0), 1);
        l2_state.set(config.mailbox.mailbox, client::mapping_slot(h(0xe0, 2), 0), 2);
        l2_state.touch(addr(0x99));
        for (uint64_t batch = 1; batch <= 5; ++batch) {
            const Hash root = batch == 3 ? l2_state.root() : h(0xb0, static_cast<uint8_t>(batch));
            l1_state.set(config.anchor.contract, zk::mapping_entry_slot(batch, config.anchor.mapping_slot),
                         u256_from_be(root.view()));
        }
        l1_state.touch(addr(0x01));
        rebuild(3, id);
    }

    void rebuild(uint64_t batch, const Hash& id) {
        evidence.l1 = make_l1(l1_state, 2, anchor_time);
        evidence.batch = batch;
        evidence.anchor_account_proof = l1_state.account_proof(config.anchor.contract);
        evidence.anchor_storage_proof = l1_state.storage_proof(
            config.anchor.contract, zk::mapping_entry_slot(batch, config.anchor.mapping_slot));
        evidence.message = {id, l2_state.account_proof(config.mailbox.mailbox),
                            l2_state.storage_proof(config.mailbox.mailbox, client::mapping_slot(id, 0))};
    }

    [[nodiscard]] client::Result run(uint64_t now = 2'000'000'000) const {
        return client::verify_zk(config, evidence, now);
    }
};

}  // namespace

TEST_CASE("client: ZK, every link valid, then each broken", "[light-clients][client]") {
    ZkFixture f;
    const auto ok = f.run();
    REQUIRE(ok.verdict == Verdict::kValid);
    CHECK(ok.final_at == f.anchor_time);
    CHECK(ok.is_final());
    CHECK(ok.l2_state_root == f.l2_state.root());
    CHECK(!ok.l2_block_number);

    auto& e = f.evidence;
    check_l1_links(e.l1, [&] { return f.run(); });
    SECTION("another batch's proof") {
        e.batch = 4;
        CHECK(f.run().verdict == Verdict::kAnchorStorageProofInvalid);
    }
    SECTION("another batch: another root, the message proof fails") {
        f.rebuild(4, e.message.message_id);
        e.message = {e.message.message_id, f.l2_state.account_proof(f.config.mailbox.mailbox),
                     f.l2_state.storage_proof(f.config.mailbox.mailbox,
                                              client::mapping_slot(e.message.message_id, 0))};
        CHECK(f.run().verdict == Verdict::kMessageAccountProofInvalid);
    }
    SECTION("batch not finalized") {
        f.rebuild(9, e.message.message_id);
        CHECK(f.run().verdict == Verdict::kBatchNotFinalized);
    }
    SECTION("anchor contract proven absent") {
        f.config.anchor.contract = addr(0x02);
        e.anchor_account_proof = f.l1_state.account_proof(addr(0x02));
        CHECK(f.run().verdict == Verdict::kAnchorAccountAbsent);
    }
    SECTION("message not recorded, or 2") {
        f.rebuild(3, h(0xe0, 1));
        CHECK(f.run().verdict == Verdict::kMessageNotRecorded);
        f.rebuild(3, h(0xe0, 2));
        CHECK(f.run().verdict == Verdict::kMessageUnexpectedValue);
    }
    SECTION("finality is the anchor block's time") {
        const auto before = f.run(f.anchor_time - 1);
        CHECK(before.ok());
        CHECK(!before.is_final());
        CHECK(f.run(f.anchor_time).is_final());
    }
}

TEST_CASE("client: ZK, every single-byte change is refused by its link", "[light-clients][client]") {
    ZkFixture f;
    REQUIRE(f.run().ok());
    auto& e = f.evidence;
    std::size_t n = check_l1_mutations(e.l1, [&] { return f.run(); });
    n += mutate_each_byte(e.anchor_account_proof,
                          [&] { REQUIRE(f.run().verdict == Verdict::kAnchorAccountProofInvalid); });
    n += mutate_each_byte(e.anchor_storage_proof,
                          [&] { REQUIRE(f.run().verdict == Verdict::kAnchorStorageProofInvalid); });
    n += mutate_each_byte(e.message.account_proof,
                          [&] { REQUIRE(f.run().verdict == Verdict::kMessageAccountProofInvalid); });
    n += mutate_each_byte(e.message.storage_proof,
                          [&] { REQUIRE(f.run().verdict == Verdict::kMessageStorageProofInvalid); });
    REQUIRE(f.run().ok());
    test::report_cases("client/zk single-byte mutations", n);
}

// ----- Arbitrum -----

namespace {

struct ArbFixture {
    client::ArbitrumConfig config;
    client::ArbitrumEvidence evidence;
    State l1_state;
    std::vector<Hash> items;
    std::vector<arbitrum::OutboxItem> item_list;
    uint64_t anchor_time = 1'700'000'000;
    static constexpr uint64_t kSends = 11;

    ArbFixture() {
        config.outbox = addr(0x0e);
        arbitrum::SendMerkleAccumulator acc;
        for (uint64_t i = 0; i < kSends; ++i) {
            arbitrum::OutboxItem item{addr(0x51),
                                      addr(0x52),
                                      u256(900 + i),
                                      u256(100),
                                      u256(anchor_time - 500),
                                      u256(i),
                                      Bytes{0xca, static_cast<uint8_t>(i)}};
            item_list.push_back(item);
            items.push_back(arbitrum::item_hash(item));
            acc.append(items.back());
        }
        const Hash send_root = acc.root();
        BlockHeader l2 = make_header(910, anchor_time - 400, h(0x44), h(0x45));
        l2.withdrawals_root.reset();  // Nitro headers use the London layout
        l2.extra_data = Bytes(send_root.view());
        l2.mix_hash = Hash{};
        for (int b = 0; b < 8; ++b) l2.mix_hash[7 - b] = static_cast<uint8_t>(kSends >> (8 * b));
        l2.mix_hash[15] = 100;  // L1 block number
        const Hash l2_hash = compute_hash(l2);
        l1_state.set(config.outbox, client::mapping_slot(send_root, config.roots_slot),
                     u256_from_be(l2_hash.view()));
        l1_state.set(config.outbox, client::mapping_slot(h(0x5e), config.roots_slot), 5);  // another root
        l1_state.touch(addr(0x01));

        auto& e = evidence;
        e.l1 = make_l1(l1_state, 2, anchor_time);
        e.send_root = send_root;
        e.outbox_account_proof = l1_state.account_proof(config.outbox);
        e.roots_proof =
            l1_state.storage_proof(config.outbox, client::mapping_slot(send_root, config.roots_slot));
        e.l2_header = encode_header(l2);
        select(6);
    }

    void select(uint64_t index) {
        evidence.index = index;
        evidence.item = item_list[index];
        evidence.outbox_proof = arbitrum::build_outbox_proof(items, index);
    }

    [[nodiscard]] client::Result run(uint64_t now = 2'000'000'000) const {
        return client::verify_arbitrum(config, evidence, now);
    }
};

}  // namespace

TEST_CASE("client: Arbitrum, every link valid, then each broken", "[light-clients][client]") {
    ArbFixture f;
    for (uint64_t i = 0; i < ArbFixture::kSends; ++i) {
        f.select(i);
        const auto r = f.run();
        REQUIRE(r.verdict == Verdict::kValid);
        CHECK(r.l2_block_number == 910);
        CHECK(r.final_at == f.anchor_time);
        CHECK(r.is_final());
    }
    f.select(6);
    auto& e = f.evidence;
    check_l1_links(e.l1, [&] { return f.run(); });
    SECTION("unknown sendRoot") {
        e.send_root = h(0x5f);
        e.roots_proof = f.l1_state.storage_proof(f.config.outbox, client::mapping_slot(e.send_root, 3));
        CHECK(f.run().verdict == Verdict::kSendRootUnknown);
    }
    SECTION("another sendRoot's entry: not this header") {
        e.send_root = h(0x5e);
        e.roots_proof = f.l1_state.storage_proof(f.config.outbox, client::mapping_slot(e.send_root, 3));
        CHECK(f.run().verdict == Verdict::kL2BlockHashMismatch);
    }
    SECTION("sendRoot with another root's proof") {
        e.send_root[0] ^= 1;
        CHECK(f.run().verdict == Verdict::kAnchorStorageProofInvalid);
    }
    SECTION("wrong roots slot") {
        f.config.roots_slot = 2;
        CHECK(f.run().verdict == Verdict::kAnchorStorageProofInvalid);
    }
    SECTION("outbox proven absent") {
        f.config.outbox = addr(0x0f);
        e.outbox_account_proof = f.l1_state.account_proof(addr(0x0f));
        CHECK(f.run().verdict == Verdict::kAnchorAccountAbsent);
    }
    SECTION("L2 header whose extraData is not the sendRoot") {
        // The roots entry names a header whose extraData is something else.
        ByteView in = e.l2_header;
        BlockHeader l2 = *decode_header(in);
        l2.extra_data = Bytes(h(0x01).view());
        e.l2_header = encode_header(l2);
        f.l1_state.set(f.config.outbox, client::mapping_slot(e.send_root, 3),
                       u256_from_be(compute_hash(l2).view()));
        e.l1 = make_l1(f.l1_state, 2, f.anchor_time);
        e.outbox_account_proof = f.l1_state.account_proof(f.config.outbox);
        e.roots_proof = f.l1_state.storage_proof(f.config.outbox, client::mapping_slot(e.send_root, 3));
        auto r = f.run();
        CHECK(r.verdict == Verdict::kL2SendRootMismatch);
        CHECK(r.arbitrum_verdict == headers::ArbitrumVerdict::kSendRootMismatch);
        l2.extra_data = Bytes{0x01};
        e.l2_header = encode_header(l2);
        f.l1_state.set(f.config.outbox, client::mapping_slot(e.send_root, 3),
                       u256_from_be(compute_hash(l2).view()));
        e.l1 = make_l1(f.l1_state, 2, f.anchor_time);
        e.outbox_account_proof = f.l1_state.account_proof(f.config.outbox);
        e.roots_proof = f.l1_state.storage_proof(f.config.outbox, client::mapping_slot(e.send_root, 3));
        r = f.run();
        CHECK(r.verdict == Verdict::kL2SendRootMismatch);
        CHECK(r.arbitrum_verdict == headers::ArbitrumVerdict::kExtraDataNotSendRoot);
    }
    SECTION("wrong item, index, or path") {
        e.item.value += 1;
        auto r = f.run();
        CHECK(r.verdict == Verdict::kOutboxProofInvalid);
        CHECK(r.outbox_verdict == arbitrum::OutboxVerdict::kRootMismatch);
        e.item = f.item_list[6];
        e.index = 7;
        CHECK(f.run().verdict == Verdict::kOutboxProofInvalid);
        e.index = 6;
        e.outbox_proof.pop_back();
        r = f.run();
        CHECK(r.verdict == Verdict::kOutboxProofInvalid);
        CHECK(r.outbox_verdict == arbitrum::OutboxVerdict::kWrongDepth);
        e.outbox_proof = arbitrum::build_outbox_proof(f.items, 6);
        e.index = ArbFixture::kSends;  // beyond the header's send count
        CHECK(f.run().outbox_verdict == arbitrum::OutboxVerdict::kIndexBeyondSendCount);
    }
    SECTION("finality is the anchor block's time") {
        CHECK(!f.run(f.anchor_time - 1).is_final());
        CHECK(f.run(f.anchor_time).is_final());
    }
}

TEST_CASE("client: Arbitrum, every single-byte change is refused by its link", "[light-clients][client]") {
    ArbFixture f;
    REQUIRE(f.run().ok());
    auto& e = f.evidence;
    std::size_t n = check_l1_mutations(e.l1, [&] { return f.run(); });
    n += mutate_each_byte(e.outbox_account_proof,
                          [&] { REQUIRE(f.run().verdict == Verdict::kAnchorAccountProofInvalid); });
    n += mutate_each_byte(e.roots_proof,
                          [&] { REQUIRE(f.run().verdict == Verdict::kAnchorStorageProofInvalid); });
    n += mutate_each_byte(e.l2_header, [&] {
        const auto v = f.run().verdict;
        REQUIRE((v == Verdict::kL2BlockHashMismatch || v == Verdict::kL2HeaderMalformed));
    });
    for (auto& sibling : e.outbox_proof) {
        for (std::size_t i = 0; i < 32; ++i, ++n) {
            sibling[i] ^= 1;
            REQUIRE(f.run().verdict == Verdict::kOutboxProofInvalid);
            sibling[i] ^= 1;
        }
    }
    for (std::size_t i = 0; i < 32; ++i, ++n) {
        e.send_root[i] ^= 1;
        // Another key: the proof fails, or (when the key's path ends at the proof's leaf) proves it absent.
        const auto v = f.run().verdict;
        REQUIRE((v == Verdict::kAnchorStorageProofInvalid || v == Verdict::kSendRootUnknown));
        e.send_root[i] ^= 1;
    }
    REQUIRE(f.run().ok());
    test::report_cases("client/arbitrum single-byte mutations", n);
}
