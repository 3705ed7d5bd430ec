// Unit tests of the proof verifier and the trie builder on hand-made and generated tries: every
// verdict is produced by a case that breaks exactly its rule.
#include <catch2/catch.hpp>
#include <map>
#include <random>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "core/rlp.hpp"
#include "light-clients/mpt/proof.hpp"

using namespace causeway;
using namespace causeway::mpt;

namespace {

using Entries = std::vector<std::pair<Bytes, Bytes>>;

Bytes bytes(std::string_view ascii) {
    return Bytes(to_view(ascii));
}

Bytes random_bytes(std::mt19937_64& rng, std::size_t n) {
    Bytes out(n, 0);
    for (auto& b : out) b = static_cast<uint8_t>(rng());
    return out;
}

// RLP list of already-encoded items.
Bytes rlp_list(std::initializer_list<Bytes> items) {
    Bytes payload;
    for (const auto& i : items) payload += i;
    Bytes out;
    rlp::encode_header(out, {true, payload.size()});
    return out + payload;
}

Bytes rlp_string(ByteView s) {
    Bytes out;
    rlp::encode(out, s);
    return out;
}

Bytes hashed_ref(ByteView node) {
    return rlp_string(keccak256(node).view());
}

// A branch node whose slot `nibble` holds `child` (an encoded reference) and the rest are empty.
Bytes branch_with(uint8_t nibble, const Bytes& child, const Bytes& value = rlp_string({})) {
    Bytes payload;
    for (uint8_t i = 0; i < 16; ++i) payload += i == nibble ? child : Bytes{0x80};
    payload += value;
    Bytes out;
    rlp::encode_header(out, {true, payload.size()});
    return out + payload;
}

}  // namespace

TEST_CASE("verdicts have names", "[light-clients][mpt]") {
    CHECK(to_string(ProofVerdict::kValid) == "valid");
    CHECK(to_string(ProofVerdict::kNodeHashMismatch) == "node hash mismatch");
    for (int v = 0; v <= static_cast<int>(ProofVerdict::kMalformedValue); ++v) {
        CHECK(to_string(static_cast<ProofVerdict>(v)) != "invalid");
    }
    CHECK(to_hex(empty_root()) == kEmptyRootHex);
    CHECK(to_hex(empty_code_hash()) == "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
}

TEST_CASE("the empty trie", "[light-clients][mpt]") {
    const Hash key = keccak256(bytes("anything"));
    CHECK(trie_root(Entries{}) == empty_root());
    CHECK(ordered_trie_root(std::vector<Bytes>{}) == empty_root());
    CHECK(trie_root(Entries{{bytes("a"), bytes("1")}, {bytes("a"), {}}}) == empty_root());

    const auto none = verify_proof(empty_root(), key.view(), {});
    CHECK(none.verdict == ProofVerdict::kValid);
    CHECK(!none.value);
    const std::vector<Bytes> rlp_empty{Bytes{0x80}};  // RLP(""), keccak is the empty root
    CHECK(verify_proof(empty_root(), key.view(), rlp_empty).verdict == ProofVerdict::kValid);
    const std::vector<Bytes> too_long{Bytes{0x80}, Bytes{0x80}};
    CHECK(verify_proof(empty_root(), key.view(), too_long).verdict == ProofVerdict::kProofTooLong);

    // An empty proof proves nothing about a non-empty trie.
    CHECK(verify_proof(keccak256(bytes("x")), key.view(), {}).verdict == ProofVerdict::kProofTooShort);
    const auto storage = verify_storage(empty_root(), Hash{}, {});
    CHECK(storage.verdict == ProofVerdict::kValid);
    CHECK(storage.value == 0);
    const auto account = verify_account(empty_root(), Address{}, {});
    CHECK(account.verdict == ProofVerdict::kValid);
    CHECK(!account.account);
}

// Source: the Yellow Paper's appendix D example keys; roots from ethereum/tests trietest.json
// ("puppy" case: do, dog, doge, horse).
TEST_CASE("builder and verifier agree on a small trie with embedded nodes", "[light-clients][mpt]") {
    const Entries entries{{bytes("do"), bytes("verb")},
                          {bytes("dog"), bytes("puppy")},
                          {bytes("doge"), bytes("coin")},
                          {bytes("horse"), bytes("stallion")}};
    const Hash root = trie_root(entries);
    CHECK(to_hex(root) == "0x5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84");
    for (const auto& [k, v] : entries) {
        const auto proof = trie_proof(entries, k);
        const auto r = verify_proof(root, k, proof);
        INFO(to_string_view(k));
        CHECK(r.verdict == ProofVerdict::kValid);
        REQUIRE(r.value);
        CHECK(*r.value == v);
    }
    for (std::string_view absent : {"", "d", "dogs", "doe", "horses", "zebra", "ho"}) {
        const auto proof = trie_proof(entries, bytes(absent));
        const auto r = verify_proof(root, bytes(absent), proof);
        INFO(absent);
        CHECK(r.verdict == ProofVerdict::kValid);
        CHECK(!r.value);
    }
}

TEST_CASE("random tries: every key proves its value, absent keys prove absence", "[light-clients][mpt]") {
    std::mt19937_64 rng(20261125);
    std::size_t proofs = 0;
    for (int t = 0; t < 200; ++t) {
        const bool secure = t % 2 == 0;
        const std::size_t n = 1 + rng() % (t < 100 ? 12 : 300);
        Entries entries;
        std::map<Bytes, Bytes> model;
        for (std::size_t i = 0; i < n; ++i) {
            // Short keys and values give embedded nodes and branch values; 32-byte keys give the
            // shape of Ethereum's secure tries.
            Bytes key = secure ? Bytes(keccak256(random_bytes(rng, 8)).view()) : random_bytes(rng, rng() % 4);
            Bytes value = random_bytes(rng, 1 + rng() % (rng() % 2 ? 4 : 40));
            if (!model.empty() && rng() % 8 == 0) {
                key = model.begin()->first;  // overwrite
            }
            if (!model.empty() && rng() % 10 == 0) {
                key = std::prev(model.end())->first;
                value.clear();  // delete
            }
            entries.emplace_back(key, value);
            if (value.empty()) {
                model.erase(key);
            } else {
                model[key] = value;
            }
        }
        const Hash root = trie_root(entries);
        Entries final_entries(model.begin(), model.end());
        REQUIRE(trie_root(final_entries) == root);
        for (const auto& [k, v] : model) {
            const auto r = verify_proof(root, k, trie_proof(entries, k));
            REQUIRE(r.verdict == ProofVerdict::kValid);
            REQUIRE(r.value);
            REQUIRE(*r.value == v);
            ++proofs;
        }
        for (int a = 0; a < 10; ++a) {
            Bytes key = secure ? Bytes(keccak256(random_bytes(rng, 9)).view()) : random_bytes(rng, rng() % 5);
            if (model.contains(key)) continue;
            const auto r = verify_proof(root, key, trie_proof(entries, key));
            REQUIRE(r.verdict == ProofVerdict::kValid);
            REQUIRE(!r.value);
            ++proofs;
        }
    }
    CHECK(proofs > 10'000);
}

TEST_CASE("a proof may repeat an embedded node after its parent", "[light-clients][mpt]") {
    // Leaf small enough to embed, under a branch at nibble 3 of key 0x3a.
    const Bytes leaf =
        rlp_list({rlp_string(Bytes{0x3a}), rlp_string(bytes("v"))});  // path: odd leaf, nibble a
    REQUIRE(leaf.size() < 32);
    const Bytes root_node =
        branch_with(3, leaf, rlp_string(bytes("a long value that makes the root hashed")));
    const Hash root = keccak256(root_node);
    const Bytes key{0x3a};
    const std::vector<Bytes> geth_style{root_node};
    const std::vector<Bytes> ejs_style{root_node, leaf};
    for (const auto* proof : {&geth_style, &ejs_style}) {
        const auto r = verify_proof(root, key, *proof);
        CHECK(r.verdict == ProofVerdict::kValid);
        REQUIRE(r.value);
        CHECK(*r.value == bytes("v"));
    }
    const std::vector<Bytes> other{root_node, rlp_list({rlp_string(Bytes{0x3b}), rlp_string(bytes("v"))})};
    CHECK(verify_proof(root, key, other).verdict == ProofVerdict::kProofTooLong);
}

TEST_CASE("each rule has its verdict", "[light-clients][mpt]") {
    std::mt19937_64 rng(7);
    Entries entries;
    for (int i = 0; i < 500; ++i) {
        entries.emplace_back(Bytes(keccak256(random_bytes(rng, 8)).view()), random_bytes(rng, 33));
    }
    const Hash root = trie_root(entries);
    const Bytes& key = entries[17].first;
    const auto proof = trie_proof(entries, key);
    REQUIRE(proof.size() >= 3);
    REQUIRE(verify_proof(root, key, proof).verdict == ProofVerdict::kValid);

    SECTION("node hash mismatch: a flipped byte, a wrong root") {
        for (std::size_t i = 0; i < proof.size(); ++i) {
            auto bad = proof;
            bad[i][bad[i].size() / 2] ^= 0x01;
            CHECK(verify_proof(root, key, bad).verdict == ProofVerdict::kNodeHashMismatch);
        }
        Hash other = root;
        other[0] ^= 1;
        CHECK(verify_proof(other, key, proof).verdict == ProofVerdict::kNodeHashMismatch);
    }
    SECTION("proof too short: truncated") {
        for (std::size_t n = 1; n < proof.size(); ++n) {
            const std::vector<Bytes> cut(proof.begin(), proof.begin() + static_cast<std::ptrdiff_t>(n));
            CHECK(verify_proof(root, key, cut).verdict == ProofVerdict::kProofTooShort);
        }
    }
    SECTION("proof too long: a node after the leaf") {
        auto extra = proof;
        extra.push_back(proof.back());
        CHECK(verify_proof(root, key, extra).verdict == ProofVerdict::kProofTooLong);
        extra.back() = trie_proof(entries, entries[3].first).back();
        CHECK(verify_proof(root, key, extra).verdict == ProofVerdict::kProofTooLong);
    }
    SECTION("path mismatch: another key's proof, swapped nodes") {
        const Bytes& other = entries[99].first;
        const auto other_proof = trie_proof(entries, other);
        CHECK(verify_proof(root, key, other_proof).verdict == ProofVerdict::kPathMismatch);
        auto swapped = proof;
        std::swap(swapped[1], swapped[2]);
        CHECK(verify_proof(root, key, swapped).verdict != ProofVerdict::kValid);
        // A key absent from the trie whose path leaves the proof's after the root.
        Bytes absent = key;
        absent[0] ^= 0xf0;
        const auto r = verify_proof(root, absent, proof);
        CHECK((r.verdict == ProofVerdict::kPathMismatch || (r.verdict == ProofVerdict::kValid && !r.value)));
    }
    SECTION("malformed node: not a node, bad hex prefix") {
        const Bytes three =
            rlp_list({rlp_string(bytes("a")), rlp_string(bytes("b")), rlp_string(bytes("c"))});
        CHECK(verify_proof(keccak256(three), key, std::vector<Bytes>{three}).verdict ==
              ProofVerdict::kMalformedNode);
        const Bytes str = rlp_string(Bytes(40, 0x11));
        CHECK(verify_proof(keccak256(str), key, std::vector<Bytes>{str}).verdict ==
              ProofVerdict::kMalformedNode);
        for (uint8_t bad_prefix : {0x40, 0x01, 0x25, 0xf0}) {
            const Bytes leaf = rlp_list({rlp_string(Bytes{bad_prefix, 0x12}), rlp_string(Bytes(40, 0x22))});
            CHECK(verify_proof(keccak256(leaf), key, std::vector<Bytes>{leaf}).verdict ==
                  ProofVerdict::kMalformedNode);
        }
        const Bytes trailing = proof[0] + Bytes{0x80};
        CHECK(verify_proof(keccak256(trailing), key, std::vector<Bytes>{trailing}).verdict ==
              ProofVerdict::kMalformedNode);
        // A branch child that is neither empty, a 32-byte hash nor an embedded list.
        const Bytes short_ref = branch_with(key[0] >> 4, rlp_string(Bytes(31, 0x33)));
        CHECK(verify_proof(keccak256(short_ref), key, std::vector<Bytes>{short_ref}).verdict ==
              ProofVerdict::kMalformedNode);
        // An extension with an empty path.
        const Bytes ext = rlp_list({rlp_string(Bytes{0x00}), hashed_ref(proof[1])});
        CHECK(verify_proof(keccak256(ext), key, std::vector<Bytes>{ext, proof[1]}).verdict ==
              ProofVerdict::kMalformedNode);
    }
    SECTION("non-canonical node: a small node hashed, a large node embedded") {
        const Bytes leaf = rlp_list({rlp_string(Bytes{0x20}), rlp_string(bytes("v"))});  // empty leaf path
        REQUIRE(leaf.size() < 32);
        const uint8_t nib = key[0] >> 4;
        Bytes two_nibble_key{key[0]};
        const Bytes leaf1 = rlp_list(
            {rlp_string(Bytes{static_cast<uint8_t>(0x30 | (key[0] & 0x0f))}), rlp_string(bytes("v"))});
        const Bytes branch = branch_with(nib, hashed_ref(leaf1), rlp_string(Bytes(40, 1)));
        CHECK(verify_proof(keccak256(branch), two_nibble_key, std::vector<Bytes>{branch, leaf1}).verdict ==
              ProofVerdict::kNonCanonicalNode);
        const Bytes big_leaf = rlp_list({rlp_string(Bytes{0x20}), rlp_string(Bytes(40, 7))});
        const Bytes embeds_big = branch_with(nib, big_leaf);
        CHECK(verify_proof(keccak256(embeds_big), key, std::vector<Bytes>{embeds_big}).verdict ==
              ProofVerdict::kNonCanonicalNode);
    }
}

TEST_CASE("accounts and storage: values, mismatches and malformed leaves", "[light-clients][mpt]") {
    std::mt19937_64 rng(99);
    // A storage trie with 40 slots.
    Entries storage;
    std::vector<std::pair<Hash, u256>> slots;
    for (int i = 0; i < 40; ++i) {
        const Hash slot = keccak256(random_bytes(rng, 4));
        const u256 value = u256_from_be(random_bytes(rng, 1 + rng() % 32)) | 1;
        Bytes encoded;
        rlp::encode(encoded, value);
        storage.emplace_back(Bytes(keccak256(slot.view()).view()), encoded);
        slots.emplace_back(slot, value);
    }
    const Hash storage_root = trie_root(storage);

    // A state trie with 60 accounts, one of which owns that storage.
    Entries state;
    std::vector<std::pair<Address, Account>> accounts;
    for (int i = 0; i < 60; ++i) {
        Address a;
        const Bytes r = random_bytes(rng, 20);
        std::copy(r.begin(), r.end(), a.bytes.begin());
        Account acc{rng() % 1000, u256(rng()) * u256(rng()), i == 5 ? storage_root : empty_root(),
                    i == 5 ? keccak256(bytes("code")) : empty_code_hash()};
        Bytes encoded;
        encode(encoded, acc);
        ByteView view = encoded;
        REQUIRE(decode_account(view) == acc);
        state.emplace_back(Bytes(keccak256(a.view()).view()), encoded);
        accounts.emplace_back(a, acc);
    }
    // One leaf that is not an account.
    Address junk;
    junk[0] = 0x42;
    state.emplace_back(Bytes(keccak256(junk.view()).view()), bytes("not an account"));
    const Hash state_root = trie_root(state);

    for (const auto& [address, acc] : accounts) {
        const auto r =
            verify_account(state_root, address, trie_proof(state, keccak256(address.view()).view()));
        CHECK(r.verdict == ProofVerdict::kValid);
        CHECK(r.account == acc);
    }
    const auto bad = verify_account(state_root, junk, trie_proof(state, keccak256(junk.view()).view()));
    CHECK(bad.verdict == ProofVerdict::kMalformedValue);
    Address missing;
    missing[19] = 0x99;
    const auto absent =
        verify_account(state_root, missing, trie_proof(state, keccak256(missing.view()).view()));
    CHECK(absent.verdict == ProofVerdict::kValid);
    CHECK(!absent.account);

    for (const auto& [slot, value] : slots) {
        const auto r = verify_storage(storage_root, slot, trie_proof(storage, keccak256(slot.view()).view()));
        CHECK(r.verdict == ProofVerdict::kValid);
        CHECK(r.value == value);
    }

    // The whole EIP-1186 shape.
    jsonrpc::AccountProof p;
    p.address = accounts[5].first;
    p.account_proof = trie_proof(state, keccak256(p.address.view()).view());
    p.nonce = accounts[5].second.nonce;
    p.balance = accounts[5].second.balance;
    p.storage_hash = storage_root;
    p.code_hash = accounts[5].second.code_hash;
    for (int i : {0, 7, 39}) {
        p.storage_proof.push_back(
            {slots[i].first, slots[i].second, trie_proof(storage, keccak256(slots[i].first.view()).view())});
    }
    const Hash absent_slot = keccak256(bytes("absent slot"));
    p.storage_proof.push_back({absent_slot, 0, trie_proof(storage, keccak256(absent_slot.view()).view())});
    const auto report = verify_eip1186_report(state_root, p);
    CHECK(report.verdict == ProofVerdict::kValid);
    CHECK(report.account_exists);
    CHECK(report.storage_values.size() == 4);
    CHECK(report.storage_values[3] == 0);

    auto wrong = p;
    wrong.balance += 1;
    CHECK(verify_eip1186(state_root, wrong) == ProofVerdict::kValueMismatch);
    wrong = p;
    wrong.storage_proof[1].value += 1;
    const auto wrong_report = verify_eip1186_report(state_root, wrong);
    CHECK(wrong_report.verdict == ProofVerdict::kValueMismatch);
    CHECK(wrong_report.failed_storage == 1u);
    wrong = p;
    wrong.storage_proof[3].value = 1;  // claims a value for the absent slot
    CHECK(verify_eip1186(state_root, wrong) == ProofVerdict::kValueMismatch);
    wrong = p;
    wrong.storage_proof[2].key = slots[3].first;  // proof of another slot
    CHECK(verify_eip1186(state_root, wrong) == ProofVerdict::kPathMismatch);

    // An absent account: zero or empty hashes are both accepted, anything else is a mismatch.
    jsonrpc::AccountProof none;
    none.address = missing;
    none.account_proof = absent.verdict == ProofVerdict::kValid
                             ? trie_proof(state, keccak256(missing.view()).view())
                             : std::vector<Bytes>{};
    CHECK(verify_eip1186(state_root, none) == ProofVerdict::kValid);
    none.storage_hash = empty_root();
    none.code_hash = empty_code_hash();
    none.storage_proof.push_back({slots[0].first, 0, {}});
    CHECK(verify_eip1186(state_root, none) == ProofVerdict::kValid);
    none.storage_proof[0].value = 5;
    CHECK(verify_eip1186(state_root, none) == ProofVerdict::kValueMismatch);
    none.storage_proof.clear();
    none.nonce = 1;
    CHECK(verify_eip1186(state_root, none) == ProofVerdict::kValueMismatch);

    // A storage leaf that holds zero, or a non-integer, is malformed.
    Entries odd_storage{{Bytes(keccak256(Hash{}.view()).view()), Bytes{0x80}},
                        {Bytes(keccak256(slots[0].first.view()).view()), Bytes{0x82, 0x00, 0x01}}};
    const Hash odd_root = trie_root(odd_storage);
    CHECK(verify_storage(odd_root, Hash{}, trie_proof(odd_storage, odd_storage[0].first)).verdict ==
          ProofVerdict::kMalformedValue);
    CHECK(verify_storage(odd_root, slots[0].first, trie_proof(odd_storage, odd_storage[1].first)).verdict ==
          ProofVerdict::kMalformedValue);
}

TEST_CASE("account RLP is strict", "[light-clients][mpt]") {
    const Account a{1, 2, empty_root(), empty_code_hash()};
    Bytes enc;
    encode(enc, a);
    ByteView v = enc;
    CHECK(decode_account(v) == a);
    CHECK(v.empty());
    Bytes three = rlp_list({Bytes{0x01}, Bytes{0x02}, rlp_string(empty_root().view())});
    ByteView t = three;
    CHECK(decode_account(t).error() == rlp::DecodingError::kTooFewElements);
    Bytes five = rlp_list({Bytes{0x01}, Bytes{0x02}, rlp_string(empty_root().view()),
                           rlp_string(empty_code_hash().view()), Bytes{0x01}});
    ByteView f = five;
    CHECK(decode_account(f).error() == rlp::DecodingError::kListLengthMismatch);
    Bytes leading = rlp_list({Bytes{0x82, 0x00, 0x01}, Bytes{0x02}, rlp_string(empty_root().view()),
                              rlp_string(empty_code_hash().view())});
    ByteView l = leading;
    CHECK(decode_account(l).error() == rlp::DecodingError::kLeadingZero);
}
