#include <catch2/catch.hpp>
#include <vector>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "core/secp256k1.hpp"
#include "core/u256.hpp"
#include "light-clients/committee/merkle.hpp"
#include "tests/support/vectors.hpp"

using namespace causeway;
using namespace causeway::committee;

namespace {

Hash hash_of(const boost::json::value& v) {
    return *hash_from_hex(test::json_string(v));
}

Branch branch_of(const boost::json::value& v) {
    const auto& a = v.as_array();
    REQUIRE(a.size() == kTreeDepth);
    Branch b;
    for (std::size_t i = 0; i < kTreeDepth; ++i) b[i] = hash_of(a[i]);
    return b;
}

Hash pair(const Hash& a, const Hash& b) {
    Bytes buf(a.view());
    buf.append(b.view());
    return keccak256(buf);
}

// Deterministic test leaves.
std::vector<Hash> leaves_for(std::size_t n) {
    std::vector<Hash> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(keccak256(to_view("leaf " + std::to_string(i))));
    return out;
}

}  // namespace

TEST_CASE("zero hashes and the empty root", "[light-clients][committee][merkle]") {
    const auto& z = zero_hashes();
    CHECK(z[0].is_zero());
    for (std::size_t i = 1; i < kTreeDepth; ++i) CHECK(z[i] == pair(z[i - 1], z[i - 1]));
    // The first two are also in every Hyperlane proof of index 0 past the filled levels.
    CHECK(to_hex(z[1]) == "0xad3228b676f7d3cd4284a5443f17f1962b36e491b30a40b2405849e597ba5fb5");
    CHECK(to_hex(z[2]) == "0xb4c11951957c6f8f642c4af61cd6b24640fec6dc7fc607ee8206a99e92410d30");
    IncrementalMerkleTree empty;
    CHECK(empty.empty());
    CHECK(empty.root() == pair(z[31], z[31]));
}

// hyperlane-monorepo vectors/merkle.json: leaves are strings inserted as ethers.utils.hashMessage
// (EIP-191), with the expected root and a proof per leaf.
TEST_CASE("Hyperlane merkle.json roots and proofs", "[light-clients][committee][merkle][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto cases = test::read_vector_json("hyperlane/merkle.json").as_array();
    std::size_t n_proofs = 0;
    for (const auto& c : cases) {
        INFO(test::json_string(c.at("testName")));
        const Hash expected_root = hash_of(c.at("expectedRoot"));
        std::vector<Hash> leaves;
        IncrementalMerkleTree tree;
        for (const auto& leaf : c.at("leaves").as_array()) {
            leaves.push_back(personal_message_hash(to_view(test::json_string(leaf))));
            REQUIRE(tree.insert(leaves.back()));
        }
        CHECK(tree.count() == leaves.size());
        CHECK(tree.root() == expected_root);
        for (const auto& p : c.at("proofs").as_array()) {
            const auto index = p.at("index").to_number<uint32_t>();
            const Hash leaf = hash_of(p.at("leaf"));
            const Branch path = branch_of(p.at("path"));
            REQUIRE(index < leaves.size());
            CHECK(leaf == leaves[index]);
            const auto proof = prove(leaves, index);
            REQUIRE(proof);
            CHECK(*proof == path);
            CHECK(branch_root(leaf, path, index) == expected_root);
            CHECK(verify_branch(leaf, path, index, expected_root) == MerkleVerdict::kValid);
            CHECK(verify_inclusion(leaf, path, index, expected_root,
                                   static_cast<uint32_t>(leaves.size() - 1)) == MerkleVerdict::kValid);
            ++n_proofs;
        }
        CHECK(c.at("proofs").as_array().size() == leaves.size());
    }
    CHECK(cases.size() == 5);
    CHECK(n_proofs == 51);
    test::report_cases("hyperlane/merkle.json", cases.size() + n_proofs);
}

// hyperlane-monorepo vectors/proof.json: a tree of two leaves, the proof of index 1.
TEST_CASE("Hyperlane proof.json", "[light-clients][committee][merkle][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto doc = test::read_vector_json("hyperlane/proof.json");
    const auto& p = doc.at("proof");
    const Hash root = hash_of(doc.at("root"));
    const Hash leaf = hash_of(p.at("leaf"));
    const Branch path = branch_of(p.at("path"));
    const auto index = p.at("index").to_number<uint32_t>();
    REQUIRE(index == 1);
    CHECK(verify_branch(leaf, path, index, root) == MerkleVerdict::kValid);
    // The sibling at level 0 is leaf 0; rebuilding the two-leaf tree gives the same root and proof.
    const std::vector<Hash> leaves{path[0], leaf};
    IncrementalMerkleTree tree;
    for (const auto& l : leaves) REQUIRE(tree.insert(l));
    CHECK(tree.root() == root);
    CHECK(prove(leaves, 1) == path);
    test::report_cases("hyperlane/proof.json", 1);
}

// hyperlane-monorepo vectors/messageWithProof.json: the legacy (Abacus v1) format, in which the
// leaf is keccak256(message | uint256 leafIndex) and the message has no version byte. The tree and
// branch rule are unchanged, so the proof is checked; the message layout is not ours to decode.
TEST_CASE("Hyperlane messageWithProof.json (legacy leaf format)",
          "[light-clients][committee][merkle][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto doc = test::read_vector_json("hyperlane/messageWithProof.json");
    const Bytes message = *from_hex(test::json_string(doc.at("message")));
    const auto index = doc.at("index").to_number<uint32_t>();
    const Hash leaf = hash_of(doc.at("leaf"));
    Bytes preimage = message;
    preimage.append(u256_to_hash(u256(index)).view());
    CHECK(keccak256(preimage) == leaf);
    CHECK(keccak256(message) != leaf);  // the v3 id rule does not apply to this format
    CHECK(verify_branch(leaf, branch_of(doc.at("proof")), index, hash_of(doc.at("root"))) ==
          MerkleVerdict::kValid);
    test::report_cases("hyperlane/messageWithProof.json", 1);
}

// hyperlane-monorepo vectors/proveAndProcess.json (legacy): a proof of index 0 without a root. Its
// siblings are those of merkle.json's "three leaves" tree (hashMessage("two"), then the pair of
// hashMessage("three") and the empty leaf), so it is the branch of a three-leaf tree whose leaf 0
// was replaced by a message leaf: rebuilding that tree must give exactly this branch.
TEST_CASE("Hyperlane proveAndProcess.json (legacy, no root)", "[light-clients][committee][merkle][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto cases = test::read_vector_json("hyperlane/proveAndProcess.json").as_array();
    for (const auto& c : cases) {
        const Hash leaf = hash_of(c.at("leaf"));
        const Branch path = branch_of(c.at("path"));
        const auto index = c.at("index").to_number<uint32_t>();
        REQUIRE(index == 0);
        const std::vector<Hash> leaves{leaf, personal_message_hash(to_view("two")),
                                       personal_message_hash(to_view("three"))};
        CHECK(prove(leaves, 0) == path);
        IncrementalMerkleTree tree;
        for (const auto& l : leaves) REQUIRE(tree.insert(l));
        CHECK(verify_branch(leaf, path, 0, tree.root()) == MerkleVerdict::kValid);
    }
    CHECK(cases.size() == 1);
    test::report_cases("hyperlane/proveAndProcess.json", cases.size());
}

TEST_CASE("incremental root equals every branch root as leaves are added",
          "[light-clients][committee][merkle]") {
    const auto leaves = leaves_for(70);
    IncrementalMerkleTree tree;
    for (std::size_t n = 1; n <= leaves.size(); ++n) {
        REQUIRE(tree.insert(leaves[n - 1]));
        const std::span<const Hash> prefix(leaves.data(), n);
        const Hash root = tree.root();
        for (std::size_t i = 0; i < n; ++i) {
            const auto branch = prove(prefix, i);
            REQUIRE(branch);
            REQUIRE(branch_root(leaves[i], *branch, static_cast<uint32_t>(i)) == root);
        }
    }
    CHECK(tree.count() == 70);
    CHECK(prove(leaves, 70).error() == MerkleError::kIndexOutOfRange);
    CHECK(prove({}, 0).error() == MerkleError::kIndexOutOfRange);
    CHECK(!to_string(MerkleError::kTreeFull).empty());
}

TEST_CASE("a changed leaf, sibling, index or root is rejected", "[light-clients][committee][merkle]") {
    const auto leaves = leaves_for(5);
    IncrementalMerkleTree tree;
    for (const auto& l : leaves) REQUIRE(tree.insert(l));
    const Hash root = tree.root();
    const uint32_t index = 3;
    const Branch branch = *prove(leaves, index);
    REQUIRE(verify_branch(leaves[index], branch, index, root) == MerkleVerdict::kValid);

    std::size_t rejected = 0;
    for (std::size_t level = 0; level < kTreeDepth; ++level) {
        for (std::size_t byte = 0; byte < 32; ++byte) {
            Branch changed = branch;
            changed[level][byte] ^= 0x01;
            CHECK(verify_branch(leaves[index], changed, index, root) == MerkleVerdict::kRootMismatch);
            ++rejected;
        }
    }
    for (std::size_t byte = 0; byte < 32; ++byte) {
        Hash leaf = leaves[index];
        leaf[byte] ^= 0x80;
        CHECK(verify_branch(leaf, branch, index, root) == MerkleVerdict::kRootMismatch);
        Hash other_root = root;
        other_root[byte] ^= 0x80;
        CHECK(verify_branch(leaves[index], branch, index, other_root) == MerkleVerdict::kRootMismatch);
        rejected += 2;
    }
    for (uint32_t other : {0u, 1u, 2u, 4u, 7u, 3u | (1u << 31)}) {
        CHECK(verify_branch(leaves[index], branch, other, root) == MerkleVerdict::kRootMismatch);
        ++rejected;
    }
    CHECK(rejected == 32 * 32 + 64 + 6);
    CHECK(verify_inclusion(leaves[index], branch, index, root, 4) == MerkleVerdict::kValid);
    CHECK(verify_inclusion(leaves[index], branch, index, root, 2) == MerkleVerdict::kIndexAfterCheckpoint);
    CHECK(!to_string(MerkleVerdict::kIndexAfterCheckpoint).empty());
}
