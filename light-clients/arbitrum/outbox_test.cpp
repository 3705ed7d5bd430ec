// Arbitrum outbox items, the send Merkle tree and outbox proofs: hand-built trees checked node by
// node, the accumulator against the proof builder for every leaf of every tree up to 70 sends, each
// Outbox rule at its boundary, and the real Arbitrum One send roots and counts.
#include <bit>
#include <catch2/catch.hpp>
#include <random>
#include <vector>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "light-clients/arbitrum/outbox.hpp"
#include "tests/support/vectors.hpp"

using namespace causeway;
using namespace causeway::arbitrum;

namespace {

Hash pair(const Hash& l, const Hash& r) {
    Bytes b(l.view());
    b += r.view();
    return keccak256(b);
}

Hash item(uint64_t i) {
    Bytes b(8, 0);
    for (int k = 0; k < 8; ++k) b[k] = static_cast<uint8_t>(i >> (8 * (7 - k)));
    return keccak256(b);
}

std::vector<Hash> items(uint64_t n) {
    std::vector<Hash> out;
    for (uint64_t i = 0; i < n; ++i) out.push_back(item(i));
    return out;
}

u256 quantity(const boost::json::value& v) {
    auto n = parse_u256(test::json_string(v));
    REQUIRE(n);
    return *n;
}

}  // namespace

TEST_CASE("outbox item hash is Outbox.calculateItemHash", "[light-clients][arbitrum]") {
    OutboxItem it;
    it.l2_sender[19] = 0x11;
    it.to[0] = 0x22;
    it.l2_block = 1000;
    it.l1_block = 2000;
    it.l2_timestamp = 1'700'000'000;
    it.value = u256(1'000'000'000'000'000'000ull);
    it.data = Bytes{0xca, 0xfe};

    // abi.encodePacked: 20-byte addresses, 32-byte uint256 words, raw bytes.
    Bytes packed;
    packed += it.l2_sender.view();
    packed += it.to.view();
    for (const u256* n : {&it.l2_block, &it.l1_block, &it.l2_timestamp, &it.value}) {
        packed += u256_to_hash(*n).view();
    }
    packed += it.data;
    REQUIRE(packed.size() == 20 + 20 + 4 * 32 + 2);
    CHECK(item_hash(it) == keccak256(packed));
    // The leaf is the item hashed once more.
    CHECK(leaf_hash(item_hash(it)) == keccak256(item_hash(it).view()));

    auto changed = [&](auto&& edit) {
        OutboxItem m = it;
        edit(m);
        return item_hash(m) != item_hash(it);
    };
    CHECK(changed([](OutboxItem& m) { m.l2_sender[0] = 1; }));
    CHECK(changed([](OutboxItem& m) { m.to[19] = 1; }));
    CHECK(changed([](OutboxItem& m) { m.l2_block += 1; }));
    CHECK(changed([](OutboxItem& m) { m.l1_block += 1; }));
    CHECK(changed([](OutboxItem& m) { m.l2_timestamp += 1; }));
    CHECK(changed([](OutboxItem& m) { m.value += 1; }));
    CHECK(changed([](OutboxItem& m) { m.data.pop_back(); }));
}

TEST_CASE("hand-built send trees", "[light-clients][arbitrum]") {
    const auto it = items(5);
    std::vector<Hash> leaf;
    for (const auto& i : it) leaf.push_back(keccak256(i.view()));
    const Hash zero{};

    // One send: the root is its leaf, the proof is empty.
    SendMerkleAccumulator one;
    one.append(it[0]);
    CHECK(one.root() == leaf[0]);
    CHECK(build_outbox_proof(std::span(it).first(1), 0).empty());
    CHECK(verify_outbox_proof(leaf[0], 1, 0, it[0], {}) == OutboxVerdict::kValid);

    // Three sends: the missing fourth leaf is bytes32(0).
    const Hash root3 = pair(pair(leaf[0], leaf[1]), pair(leaf[2], zero));
    SendMerkleAccumulator three;
    for (int i = 0; i < 3; ++i) three.append(it[i]);
    CHECK(three.root() == root3);
    const std::vector<Hash> p2{zero, pair(leaf[0], leaf[1])};
    CHECK(build_outbox_proof(std::span(it).first(3), 2) == p2);
    CHECK(verify_outbox_proof(root3, 3, 2, it[2], p2) == OutboxVerdict::kValid);
    const std::vector<Hash> p1{leaf[0], pair(leaf[2], zero)};
    CHECK(verify_outbox_proof(root3, 3, 1, it[1], p1) == OutboxVerdict::kValid);

    // Five sends: depth 3, and an empty subtree of height 2 is one zero word, not hashed zeros.
    const Hash left = pair(pair(leaf[0], leaf[1]), pair(leaf[2], leaf[3]));
    const Hash root5 = pair(left, pair(pair(leaf[4], zero), zero));
    SendMerkleAccumulator five;
    for (int i = 0; i < 5; ++i) five.append(it[i]);
    CHECK(five.root() == root5);
    const std::vector<Hash> p4{zero, zero, left};
    CHECK(build_outbox_proof(it, 4) == p4);
    CHECK(verify_outbox_proof(root5, 5, 4, it[4], p4) == OutboxVerdict::kValid);
    CHECK(to_hex(calculate_merkle_root(p4, 4, it[4])) == to_hex(root5));

    // Index bits choose the side: bit i set puts the running hash on the right at level i.
    CHECK(calculate_merkle_root(std::vector<Hash>{leaf[1]}, 0, it[0]) == pair(leaf[0], leaf[1]));
    CHECK(calculate_merkle_root(std::vector<Hash>{leaf[0]}, 1, it[1]) == pair(leaf[0], leaf[1]));
    CHECK(SendMerkleAccumulator{}.root() == zero);
}

TEST_CASE("accumulator roots match every proof of every tree up to 70 sends", "[light-clients][arbitrum]") {
    const auto all = items(70);
    SendMerkleAccumulator acc;
    std::size_t proofs = 0;
    for (uint64_t n = 1; n <= all.size(); ++n) {
        acc.append(all[n - 1]);
        REQUIRE(acc.size() == n);
        const auto tree = std::span(all).first(n);
        const Hash root = acc.root();
        for (uint64_t i = 0; i < n; ++i) {
            const auto proof = build_outbox_proof(tree, i);
            REQUIRE(proof.size() == send_tree_depth(n));
            REQUIRE(verify_outbox_proof(root, n, i, all[i], proof) == OutboxVerdict::kValid);
            REQUIRE(verify_outbox_proof(root, std::nullopt, i, all[i], proof) == OutboxVerdict::kValid);
            // Another leaf's item, or this item at another index, is rejected.
            REQUIRE(verify_outbox_proof(root, n, i, all[(i + 1) % all.size()], proof) ==
                    OutboxVerdict::kRootMismatch);
            if (n > 1) {
                const uint64_t other = i ^ 1;
                if (other < n) {
                    REQUIRE(verify_outbox_proof(root, n, other, all[i], proof) ==
                            OutboxVerdict::kRootMismatch);
                }
            }
            ++proofs;
        }
        CHECK(build_outbox_proof(tree, n).empty());
    }
    CHECK(proofs == 70 * 71 / 2);
}

TEST_CASE("outbox proof rules", "[light-clients][arbitrum]") {
    const auto it = items(6);
    SendMerkleAccumulator acc;
    for (const auto& i : it) acc.append(i);
    const Hash root = acc.root();
    const auto proof = build_outbox_proof(it, 5);
    REQUIRE(proof.size() == 3);
    REQUIRE(verify_outbox_proof(root, 6, 5, it[5], proof) == OutboxVerdict::kValid);

    // Every single-byte change of every sibling, and of the item, is rejected.
    std::size_t mutations = 0;
    for (std::size_t s = 0; s < proof.size(); ++s) {
        for (std::size_t pos = 0; pos < 32; ++pos) {
            for (int delta = 1; delta < 256; ++delta) {
                auto m = proof;
                m[s][pos] ^= static_cast<uint8_t>(delta);
                REQUIRE(verify_outbox_proof(root, 6, 5, it[5], m) == OutboxVerdict::kRootMismatch);
                Hash item = it[5];
                item[pos] ^= static_cast<uint8_t>(delta);
                REQUIRE(verify_outbox_proof(root, 6, 5, item, proof) == OutboxVerdict::kRootMismatch);
                mutations += 2;
            }
        }
    }
    CHECK(mutations == 2 * 3 * 32 * 255);

    // Outbox.recordOutputAsSpent: index >= 2^proof.length is PathNotMinimal, even with the send
    // count unknown; a proof of 256 siblings is ProofTooLong.
    CHECK(verify_outbox_proof(root, std::nullopt, 8, it[5], proof) == OutboxVerdict::kPathNotMinimal);
    CHECK(verify_outbox_proof(root, std::nullopt, 13, it[5], proof) == OutboxVerdict::kPathNotMinimal);
    CHECK(verify_outbox_proof(root, std::nullopt, 1, it[0], {}) == OutboxVerdict::kPathNotMinimal);
    const std::vector<Hash> too_long(256);
    CHECK(verify_outbox_proof(root, std::nullopt, 0, it[0], too_long) == OutboxVerdict::kProofTooLong);
    const std::vector<Hash> longest(255);
    CHECK(verify_outbox_proof(root, std::nullopt, UINT64_MAX, it[0], longest) ==
          OutboxVerdict::kRootMismatch);

    // With the send count: the index must be a send, the proof exactly the tree's depth.
    CHECK(verify_outbox_proof(root, 6, 6, it[5], proof) == OutboxVerdict::kIndexBeyondSendCount);
    CHECK(verify_outbox_proof(root, 5, 5, it[5], proof) == OutboxVerdict::kIndexBeyondSendCount);
    auto longer = proof;
    longer.push_back(Hash{});
    CHECK(verify_outbox_proof(root, 6, 5, it[5], longer) == OutboxVerdict::kWrongDepth);
    // Without it, the padded proof is well-formed for the Outbox and simply leads elsewhere.
    CHECK(verify_outbox_proof(root, std::nullopt, 5, it[5], longer) == OutboxVerdict::kRootMismatch);
    const std::vector<Hash> shorter(proof.begin(), proof.end() - 1);
    CHECK(verify_outbox_proof(root, 6, 3, it[3], shorter) == OutboxVerdict::kWrongDepth);
    CHECK(verify_outbox_proof(root, 9, 5, it[5], proof) == OutboxVerdict::kWrongDepth);  // depth 4
    CHECK(to_string(OutboxVerdict::kPathNotMinimal) == "the index does not fit in the proof's depth");

    CHECK(send_tree_depth(0) == 0);
    CHECK(send_tree_depth(1) == 0);
    CHECK(send_tree_depth(2) == 1);
    CHECK(send_tree_depth(3) == 2);
    CHECK(send_tree_depth(4) == 2);
    CHECK(send_tree_depth(5) == 3);
    CHECK(send_tree_depth(uint64_t{1} << 40) == 40);
    CHECK(send_tree_depth((uint64_t{1} << 40) + 1) == 41);
}

TEST_CASE("random items in large trees", "[light-clients][arbitrum]") {
    std::mt19937_64 rng(42);
    for (uint64_t n : {127u, 128u, 129u, 1000u}) {
        std::vector<Hash> tree(n);
        for (auto& h : tree) {
            for (auto& b : h.bytes) b = static_cast<uint8_t>(rng());
        }
        SendMerkleAccumulator acc;
        for (const auto& h : tree) acc.append(h);
        for (int k = 0; k < 20; ++k) {
            const uint64_t i = rng() % n;
            const auto proof = build_outbox_proof(tree, i);
            REQUIRE(verify_outbox_proof(acc.root(), n, i, tree[i], proof) == OutboxVerdict::kValid);
        }
    }
}

TEST_CASE("Arbitrum One headers: send roots and send counts", "[light-clients][arbitrum]") {
    CAUSEWAY_REQUIRE_VECTORS();
    // Source: GetBlock-io/getblock-docs (commit 2225e4c710cdeaadc8f66fd167ab436e2bd1a519)
    // arbitrum_eth_getblockby{hash,number}.md and sentioxyz/sentio-core chain/evm/header_types_test.go
    // TestArbitrumHeader: Arbitrum One blocks 86011219, 408874813 and 58989000. Only headers are
    // public here, so the checks are on the outbox anchor they carry: extraData is the send root,
    // mixHash starts with the send count, and proofs against it have the tree's depth.
    const auto v = test::read_vector_json("arbitrum/arbitrum_one_headers.json");
    std::size_t cases = 0;
    for (const auto& b : v.at("blocks").as_array()) {
        const auto& r = b.at("response").at("result");
        const Bytes extra = test::bytes_from_any_hex(test::json_string(r.at("extraData")));
        const Bytes mix = test::bytes_from_any_hex(test::json_string(r.at("mixHash")));
        REQUIRE(extra.size() == 32);
        REQUIRE(mix.size() == 32);
        auto send_root = hash_from_hex(test::json_string(r.at("sendRoot")));
        REQUIRE(send_root);
        CHECK(Hash::left_padded(extra) == *send_root);
        uint64_t count_from_mix = 0;
        for (int k = 0; k < 8; ++k) count_from_mix = count_from_mix << 8 | mix[k];
        const u256 count = quantity(r.at("sendCount"));
        CHECK(u256(count_from_mix) == count);
        const uint64_t send_count = count_from_mix;
        INFO("send count " << send_count);

        // A proof of the right depth that does not lead to the root is a root mismatch; any other
        // depth is refused before hashing; the last send is in range, the count itself is not.
        const unsigned depth = send_tree_depth(send_count);
        CHECK(static_cast<int>(depth) == 64 - std::countl_zero(send_count - 1));
        const std::vector<Hash> proof(depth);
        CHECK(verify_outbox_proof(*send_root, send_count, send_count - 1, Hash{}, proof) ==
              OutboxVerdict::kRootMismatch);
        const std::vector<Hash> short_proof(depth - 1);
        CHECK(verify_outbox_proof(*send_root, send_count, 0, Hash{}, short_proof) ==
              OutboxVerdict::kWrongDepth);
        CHECK(verify_outbox_proof(*send_root, send_count, send_count, Hash{}, proof) ==
              OutboxVerdict::kIndexBeyondSendCount);
        ++cases;
    }
    CHECK(cases == 3);
    test::report_cases("arbitrum/arbitrum_one_headers.json", cases);
}
