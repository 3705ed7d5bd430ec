// ZK anchors without a network: small L1 state and storage tries built by hand (RLP nodes, hex-prefix
// paths) hold a rollup contract whose finalizedStateRoots mapping has some batches set; every verdict
// is produced by breaking exactly its rule, and every single-byte change of every proof node is
// rejected. (anchors_anvil_test runs the same checks on real eth_getProof results from anvil.)
#include <algorithm>
#include <catch2/catch.hpp>
#include <initializer_list>
#include <vector>

#include "core/abi.hpp"
#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "core/rlp.hpp"
#include "light-clients/zk/anchor.hpp"
#include "tests/support/vectors.hpp"

using namespace causeway;
using namespace causeway::zk;

namespace {

Bytes rlp_string(ByteView s) {
    Bytes out;
    rlp::encode(out, s);
    return out;
}

Bytes rlp_list(const std::vector<Bytes>& encoded_items) {
    Bytes payload;
    for (const auto& i : encoded_items) payload += i;
    Bytes out;
    rlp::encode_header(out, {true, payload.size()});
    return out + payload;
}

std::vector<uint8_t> nibbles(const Hash& key) {
    std::vector<uint8_t> out;
    for (uint8_t b : key.bytes) {
        out.push_back(b >> 4);
        out.push_back(b & 0x0f);
    }
    return out;
}

// Hex-prefix encoding of a leaf path (Yellow Paper appendix C).
Bytes leaf_path(const std::vector<uint8_t>& path) {
    Bytes out;
    std::size_t i = 0;
    if (path.size() % 2 == 1) {
        out.push_back(static_cast<uint8_t>(0x30 | path[0]));
        i = 1;
    } else {
        out.push_back(0x20);
    }
    for (; i < path.size(); i += 2) out.push_back(static_cast<uint8_t>(path[i] << 4 | path[i + 1]));
    return out;
}

// A trie of 32-byte keys whose first nibbles all differ: a branch of leaves (or one leaf).
struct SmallTrie {
    Hash root;
    std::vector<Bytes> branch_and_leaves;  // [branch, leaf for each key] (or [leaf] for one key)

    SmallTrie(const std::vector<std::pair<Hash, Bytes>>& entries) {  // key, RLP-encoded leaf value
        auto leaf = [](const std::vector<uint8_t>& path, const Bytes& value) {
            return rlp_list({rlp_string(leaf_path(path)), rlp_string(value)});
        };
        if (entries.size() == 1) {
            branch_and_leaves.push_back(leaf(nibbles(entries[0].first), entries[0].second));
            root = keccak256(branch_and_leaves[0]);
            return;
        }
        std::vector<Bytes> children(17, Bytes{0x80});
        std::vector<Bytes> leaves;
        for (const auto& [key, value] : entries) {
            auto path = nibbles(key);
            const uint8_t first = path[0];
            REQUIRE(children[first] == Bytes{0x80});
            path.erase(path.begin());
            leaves.push_back(leaf(path, value));
            REQUIRE(leaves.back().size() >= 32);  // referenced by hash
            children[first] = rlp_string(keccak256(leaves.back()).view());
        }
        branch_and_leaves.push_back(rlp_list(children));
        root = keccak256(branch_and_leaves[0]);
        for (auto& l : leaves) branch_and_leaves.push_back(std::move(l));
    }

    // The proof for entry i (entries in construction order), or the exclusion proof [branch].
    [[nodiscard]] std::vector<Bytes> proof(std::size_t i) const {
        if (branch_and_leaves.size() == 1) return {branch_and_leaves[0]};
        return {branch_and_leaves[0], branch_and_leaves[1 + i]};
    }
    [[nodiscard]] std::vector<Bytes> exclusion() const { return {branch_and_leaves[0]}; }
};

Bytes account_rlp(uint64_t nonce, const u256& balance, const Hash& storage_root, const Hash& code_hash) {
    Bytes n, b;
    rlp::encode(n, nonce);
    rlp::encode(b, balance);
    return rlp_list({n, b, rlp_string(storage_root.view()), rlp_string(code_hash.view())});
}

Bytes storage_value(const Hash& v) {
    return rlp_string(u256_to_compact_be(u256_from_be(v.view())));
}

Hash hash_with(uint8_t first_byte, uint8_t fill) {
    Hash h;
    h.bytes.fill(fill);
    h[0] = first_byte;
    return h;
}

// An address whose hashed path starts with none of the `avoid` nibbles.
Address address_avoiding(uint8_t seed, std::initializer_list<uint8_t> avoid) {
    for (unsigned i = 0;; ++i) {
        Address a;
        a[0] = seed;
        a[18] = static_cast<uint8_t>(i >> 8);
        a[19] = static_cast<uint8_t>(i);
        const uint8_t n = keccak256(a.view())[0] >> 4;
        if (std::find(avoid.begin(), avoid.end(), n) == avoid.end()) return a;
    }
}

// Finds batches whose storage trie paths (keccak256 of the key) start with distinct nibbles.
std::vector<u256> batches_with_distinct_nibbles(const u256& slot, std::size_t count, uint64_t start) {
    std::vector<u256> out;
    std::vector<bool> used(16, false);
    for (uint64_t b = start; out.size() < count; ++b) {
        const uint8_t n = keccak256(mapping_entry_slot(b, slot).view())[0] >> 4;  // the secure trie's path
        if (used[n]) continue;
        used[n] = true;
        out.push_back(b);
    }
    return out;
}

}  // namespace

TEST_CASE("mapping slot and the Scroll configuration", "[light-clients][zk]") {
    // keccak256(abi.encode(uint256 N, uint256 p)).
    Bytes encoded;
    REQUIRE(abi::encode(encoded, {abi::Type::uint(), abi::Type::uint()}, {u256(12345), u256(158)}));
    CHECK(mapping_entry_slot(12345, 158) == keccak256(encoded));
    CHECK(mapping_entry_slot(12345, 158) != mapping_entry_slot(12345, 157));
    CHECK(mapping_entry_slot(12346, 158) != mapping_entry_slot(12345, 158));

    const AnchorConfig& scroll = scroll_mainnet();
    CHECK(scroll.name == "scroll");
    CHECK(to_checksum_hex(scroll.contract) == "0xa13BAF47339d63B743e7Da8741db5456DAc1E556");
    CHECK(scroll.mapping_slot == 158);
    CHECK(to_string(AnchorVerdict::kNotFinalized) == "the batch has no finalized state root");
}

TEST_CASE("finalized state roots from hand-built L1 tries", "[light-clients][zk]") {
    AnchorConfig config = scroll_mainnet();
    // Storage: two finalized batches; a third batch's key falls on an empty branch slot.
    const auto batches = batches_with_distinct_nibbles(config.mapping_slot, 3, 1000);
    const Hash root_a = hash_with(0x11, 0xaa);
    const Hash root_b = hash_with(0x22, 0xbb);
    const SmallTrie storage(
        {{keccak256(mapping_entry_slot(batches[0], config.mapping_slot).view()), storage_value(root_a)},
         {keccak256(mapping_entry_slot(batches[1], config.mapping_slot).view()), storage_value(root_b)}});
    // State: the anchor contract beside another account.
    const Hash code_hash = keccak256(Bytes{0x60, 0x00});
    const uint8_t anchor_nibble = keccak256(config.contract.view())[0] >> 4;
    const Address other = address_avoiding(7, {anchor_nibble});
    const SmallTrie state(
        {{keccak256(config.contract.view()), account_rlp(1, 0, storage.root, code_hash)},
         {keccak256(other.view()), account_rlp(5, 1000, mpt::empty_root(), mpt::empty_code_hash())}});
    const auto account_proof = state.proof(0);

    // Both finalized batches read back; verify_finalized_root accepts exactly the stored root.
    auto a = read_finalized_root(state.root, config, batches[0], account_proof, storage.proof(0));
    REQUIRE(a.verdict == AnchorVerdict::kValid);
    CHECK(*a.state_root == root_a);
    auto b = read_finalized_root(state.root, config, batches[1], account_proof, storage.proof(1));
    REQUIRE(b.verdict == AnchorVerdict::kValid);
    CHECK(*b.state_root == root_b);
    CHECK(verify_finalized_root(state.root, config, batches[0], root_a, account_proof, storage.proof(0))
              .verdict == AnchorVerdict::kValid);
    CHECK(verify_finalized_root(state.root, config, batches[0], root_b, account_proof, storage.proof(0))
              .verdict == AnchorVerdict::kRootMismatch);

    // An unset batch is proven absent: not finalized.
    CHECK(read_finalized_root(state.root, config, batches[2], account_proof, storage.exclusion()).verdict ==
          AnchorVerdict::kNotFinalized);
    // One batch's proof does not serve another.
    const auto swapped = read_finalized_root(state.root, config, batches[1], account_proof, storage.proof(0));
    CHECK(swapped.verdict == AnchorVerdict::kStorageProofInvalid);
    // Another mapping slot (the neighbouring committedBatches) addresses other keys.
    AnchorConfig committed = config;
    committed.mapping_slot = 157;
    CHECK(read_finalized_root(state.root, committed, batches[0], account_proof, storage.proof(0)).verdict ==
          AnchorVerdict::kStorageProofInvalid);
    // The storage proof must hang from the account's storage root, not any root.
    const SmallTrie forged(
        {{keccak256(mapping_entry_slot(batches[0], config.mapping_slot).view()), storage_value(root_b)}});
    CHECK(read_finalized_root(state.root, config, batches[0], account_proof, forged.proof(0)).verdict ==
          AnchorVerdict::kStorageProofInvalid);

    // The anchor must exist in the L1 state; the other account's proof is not the anchor's.
    AnchorConfig elsewhere = config;
    elsewhere.contract =
        address_avoiding(9, {anchor_nibble, static_cast<uint8_t>(keccak256(other.view())[0] >> 4)});
    CHECK(
        read_finalized_root(state.root, elsewhere, batches[0], state.exclusion(), storage.proof(0)).verdict ==
        AnchorVerdict::kAnchorAccountAbsent);
    const auto wrong_account =
        read_finalized_root(state.root, config, batches[0], state.proof(1), storage.proof(0));
    CHECK(wrong_account.verdict == AnchorVerdict::kAccountProofInvalid);
    Hash other_state = state.root;
    other_state[0] ^= 1;
    const auto bad_root =
        read_finalized_root(other_state, config, batches[0], account_proof, storage.proof(0));
    CHECK(bad_root.verdict == AnchorVerdict::kAccountProofInvalid);
    CHECK(bad_root.proof_verdict == mpt::ProofVerdict::kNodeHashMismatch);

    // The eth_getProof form: the address and the batch's key must be present.
    jsonrpc::AccountProof rpc;
    rpc.address = config.contract;
    rpc.account_proof = account_proof;
    rpc.storage_proof.push_back({mapping_entry_slot(batches[1], config.mapping_slot), 0, storage.proof(1)});
    rpc.storage_proof.push_back({mapping_entry_slot(batches[0], config.mapping_slot), 0, storage.proof(0)});
    const auto via_rpc = read_finalized_root(state.root, config, batches[0], rpc);
    REQUIRE(via_rpc.verdict == AnchorVerdict::kValid);
    CHECK(*via_rpc.state_root == root_a);  // the claimed value (0) is not trusted
    CHECK(read_finalized_root(state.root, config, batches[2], rpc).verdict ==
          AnchorVerdict::kMissingStorageProof);
    rpc.address = other;
    CHECK(read_finalized_root(state.root, config, batches[0], rpc).verdict == AnchorVerdict::kWrongAccount);

    // Every single-byte change of every node of both proofs is rejected.
    std::size_t proof_bytes = 0;
    for (const auto& node : account_proof) proof_bytes += node.size();
    for (const auto& node : storage.proof(0)) proof_bytes += node.size();
    // A branch and a leaf each: the branch alone holds two 32-byte references.
    REQUIRE(proof_bytes >= 2 * 64);
    std::size_t mutations = 0;
    for (int which = 0; which < 2; ++which) {
        std::vector<Bytes> nodes = which == 0 ? account_proof : storage.proof(0);
        for (std::size_t n = 0; n < nodes.size(); ++n) {
            for (std::size_t pos = 0; pos < nodes[n].size(); ++pos) {
                const uint8_t original = nodes[n][pos];
                for (int delta = 1; delta < 256; ++delta) {
                    nodes[n][pos] = original ^ static_cast<uint8_t>(delta);
                    const auto r =
                        which == 0
                            ? read_finalized_root(state.root, config, batches[0], nodes, storage.proof(0))
                            : read_finalized_root(state.root, config, batches[0], account_proof, nodes);
                    const auto expected = which == 0 ? AnchorVerdict::kAccountProofInvalid
                                                     : AnchorVerdict::kStorageProofInvalid;
                    if (r.verdict != expected)
                        FAIL("node " << n << " byte " << pos << " accepted: " << to_string(r.verdict));
                    ++mutations;
                }
                nodes[n][pos] = original;
            }
        }
    }
    // Every byte of both proofs was changed in all 255 ways: an empty proof cannot pass unnoticed.
    REQUIRE(mutations == proof_bytes * 255);
    test::report_cases("zk anchor proof node mutations rejected", mutations);
}
