// Fuzzes the Merkle-Patricia proof verifier and the trie builder (light-clients/mpt/proof.hpp).
//
// The first byte picks a mode.
//
// Proof mode (odd): byte 1 is the key length (mod 65), then the key, then proof nodes as
// concatenated RLP items (a tail that is not one becomes a last, malformed node). The root is
// keccak256 of the first node, so the walk gets past the root. Properties:
//  * verify_proof and verify_proof_view agree, and a proven value lies inside one of the nodes;
//  * verdicts are deterministic;
//  * valid => the first node hashes to the root, and changing any byte of the first node, or
//    asking under another root, is rejected;
//  * valid with one more node appended => the same value (an appended node can only be an
//    embedded node's optional copy; anything else is kProofTooLong or kPathMismatch);
//  * verify_account on the key's first 20 bytes as an address, and verify_storage on a 32-byte key
//    as a slot, agree with verify_proof on the hashed key (kMalformedValue exactly when the value
//    is not an account, or not a non-zero RLP integer). Seeds carry real addresses and slots.
//
// Trie mode (even): the rest is (key length, key, value length, value) records, inserted in order
// (an empty value deletes). Properties, against a std::map model:
//  * trie_root equals the root of the model's entries, in any order;
//  * present keys' trie_proof (all, or eight spread over a large trie) verify with their values,
//    every absent probe key's as absent;
//  * changing any byte of any node of such a proof is rejected (every listed node is hashed).
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "core/keccak.hpp"
#include "core/rlp.hpp"
#include "light-clients/mpt/node.hpp"
#include "light-clients/mpt/proof.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using namespace causeway;
using namespace causeway::mpt;

bool inside(ByteView part, std::span<const Bytes> nodes) {
    for (const auto& n : nodes) {
        if (part.data() >= n.data() && part.data() + part.size() <= n.data() + n.size()) return true;
    }
    return false;
}

void proof_mode(ByteView in) {
    if (in.empty()) return;
    const std::size_t key_len = std::min<std::size_t>(in[0] % 65, in.size() - 1);
    const Bytes key(in.substr(1, key_len));
    in.remove_prefix(1 + key_len);
    std::vector<Bytes> nodes;
    while (!in.empty() && nodes.size() < 64) {
        ByteView before = in;
        detail::Item item;
        if (!detail::next_item(in, item)) {
            nodes.emplace_back(before);
            break;
        }
        nodes.emplace_back(item.full);
    }
    const Hash root = nodes.empty() ? empty_root() : keccak256(nodes[0]);

    const ProofView view = verify_proof_view(root, key, nodes);
    const ProofResult result = verify_proof(root, key, nodes);
    CAUSEWAY_CHECK(view.verdict == result.verdict);
    CAUSEWAY_CHECK(view.value.has_value() == result.value.has_value());
    if (view.value) {
        CAUSEWAY_CHECK(ByteView{*result.value} == *view.value);
        CAUSEWAY_CHECK(inside(*view.value, nodes));
        CAUSEWAY_CHECK(!view.value->empty());
    }
    CAUSEWAY_CHECK(verify_proof_view(root, key, nodes).verdict == view.verdict);
    if (view.verdict != ProofVerdict::kValid) CAUSEWAY_CHECK(!view.value);

    if (view.verdict == ProofVerdict::kValid && !nodes.empty()) {
        CAUSEWAY_CHECK(keccak256(nodes[0]) == root);
        auto changed = nodes;
        changed[0][changed[0].size() / 2] ^= 0x01;
        CAUSEWAY_CHECK(verify_proof_view(root, key, changed).verdict != ProofVerdict::kValid);
        Hash other = root;
        other[31] ^= 0x80;
        CAUSEWAY_CHECK(verify_proof_view(other, key, nodes).verdict == ProofVerdict::kNodeHashMismatch);

        auto longer = nodes;
        longer.push_back(nodes.back());
        const ProofView more = verify_proof_view(root, key, longer);
        if (more.verdict == ProofVerdict::kValid) {
            CAUSEWAY_CHECK(more.value.has_value() == view.value.has_value());
            if (more.value) CAUSEWAY_CHECK(*more.value == *view.value);
        } else {
            CAUSEWAY_CHECK(more.verdict == ProofVerdict::kProofTooLong ||
                           more.verdict == ProofVerdict::kPathMismatch);
        }
    }

    // The account verifier on a real address: same walk, plus decoding.
    if (key.size() >= 20) {
        const Address address = Address::left_padded(ByteView{key}.substr(0, 20));
        const Hash hashed = keccak256(address.view());
        const ProofView walk = verify_proof_view(root, hashed.view(), nodes);
        const AccountResult account = verify_account(root, address, nodes);
        if (walk.verdict != ProofVerdict::kValid) {
            CAUSEWAY_CHECK(account.verdict == walk.verdict);
        } else if (!walk.value) {
            CAUSEWAY_CHECK(account.verdict == ProofVerdict::kValid && !account.account);
        } else {
            ByteView v = *walk.value;
            const auto decoded = decode_account(v);
            const bool is_account = decoded && v.empty();
            CAUSEWAY_CHECK(account.verdict ==
                           (is_account ? ProofVerdict::kValid : ProofVerdict::kMalformedValue));
            if (is_account) CAUSEWAY_CHECK(account.account == *decoded);
        }
    }
    // The storage verifier on a 32-byte slot.
    if (key.size() == 32) {
        const Hash slot = Hash::left_padded(key);
        const Hash hashed = keccak256(slot.view());
        const ProofView walk = verify_proof_view(root, hashed.view(), nodes);
        const StorageResult storage = verify_storage(root, slot, nodes);
        if (walk.verdict != ProofVerdict::kValid) {
            CAUSEWAY_CHECK(storage.verdict == walk.verdict);
        } else if (!walk.value) {
            CAUSEWAY_CHECK(storage.verdict == ProofVerdict::kValid && storage.value == 0);
        } else {
            ByteView v = *walk.value;
            const auto decoded = rlp::decode_u256(v);
            const bool is_value = decoded && v.empty() && *decoded != 0;
            CAUSEWAY_CHECK(storage.verdict ==
                           (is_value ? ProofVerdict::kValid : ProofVerdict::kMalformedValue));
            if (is_value) CAUSEWAY_CHECK(storage.value == *decoded);
        }
    }
}

void trie_mode(ByteView in) {
    std::vector<std::pair<Bytes, Bytes>> entries;
    std::map<Bytes, Bytes> model;
    std::vector<Bytes> probes;
    while (in.size() >= 2 && entries.size() < 64) {
        // Key lengths 0..5 give branch values and embedded nodes; 32 the shape of secure tries.
        const std::size_t key_len = std::min<std::size_t>(in[0] & 0x80 ? 32 : in[0] % 6, in.size() - 1);
        Bytes key(in.substr(1, key_len));
        in.remove_prefix(1 + key_len);
        if (in.empty()) {
            probes.push_back(key);
            break;
        }
        const std::size_t value_len = std::min<std::size_t>(in[0] % 40, in.size() - 1);
        Bytes value(in.substr(1, value_len));
        in.remove_prefix(1 + value_len);
        if (value.empty()) {
            model.erase(key);
            probes.push_back(key);
        } else {
            model[key] = value;
        }
        entries.emplace_back(std::move(key), std::move(value));
    }
    const Hash root = trie_root(entries);
    std::vector<std::pair<Bytes, Bytes>> sorted(model.begin(), model.end());
    CAUSEWAY_CHECK(trie_root(sorted) == root);
    std::vector<std::pair<Bytes, Bytes>> reversed(model.rbegin(), model.rend());
    CAUSEWAY_CHECK(trie_root(reversed) == root);
    if (model.empty()) CAUSEWAY_CHECK(root == empty_root());

    // Every key of a small trie, eight spread over a larger one (each proof rebuilds the trie).
    std::size_t mutation = 0;
    const std::size_t stride = model.size() / 8 + 1;
    std::size_t index = 0;
    for (const auto& [key, value] : model) {
        if (index++ % stride != 0) continue;
        const auto proof = trie_proof(entries, key);
        const ProofResult r = verify_proof(root, key, proof);
        CAUSEWAY_CHECK(r.verdict == ProofVerdict::kValid && r.value == value);
        for (const auto& node : proof) CAUSEWAY_CHECK(node.size() >= 32 || &node == &proof.front());
        // One changed byte per proof, at a position that moves with the key.
        if (!proof.empty()) {
            auto changed = proof;
            auto& node = changed[mutation % changed.size()];
            node[(mutation * 7) % node.size()] ^= static_cast<uint8_t>(1 + mutation % 255);
            CAUSEWAY_CHECK(verify_proof(root, key, changed).verdict != ProofVerdict::kValid);
            ++mutation;
        }
    }
    for (const auto& key : probes) {
        if (model.contains(key)) continue;
        const ProofResult r = verify_proof(root, key, trie_proof(entries, key));
        CAUSEWAY_CHECK(r.verdict == ProofVerdict::kValid && !r.value);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const ByteView in{data + 1, size - 1};
    if (data[0] & 1) {
        proof_mode(in);
    } else {
        trie_mode(in);
    }
    return 0;
}
