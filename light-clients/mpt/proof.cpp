#include "light-clients/mpt/proof.hpp"

#include <cstring>
#include <memory>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "core/keccak_batch.hpp"
#include "light-clients/mpt/node.hpp"

namespace causeway::mpt {

using detail::Item;
using detail::next_item;
using detail::nibble_at;
using detail::Node;
using detail::parse_node;

const Hash& empty_root() noexcept {
    static const Hash root = *hash_from_hex(kEmptyRootHex);
    return root;
}

const Hash& empty_code_hash() noexcept {
    static const Hash hash = keccak256(ByteView{});
    return hash;
}

std::string_view to_string(ProofVerdict v) noexcept {
    switch (v) {
        case ProofVerdict::kValid: return "valid";
        case ProofVerdict::kNodeHashMismatch: return "node hash mismatch";
        case ProofVerdict::kMalformedNode: return "malformed node";
        case ProofVerdict::kNonCanonicalNode: return "non-canonical node (embedding rule)";
        case ProofVerdict::kPathMismatch: return "path mismatch";
        case ProofVerdict::kProofTooShort: return "proof too short";
        case ProofVerdict::kProofTooLong: return "proof too long";
        case ProofVerdict::kValueMismatch: return "value mismatch";
        case ProofVerdict::kMalformedValue: return "malformed value";
    }
    return "invalid";
}

namespace {

// How a node refers to a child (a branch slot, an extension's second item).
enum class Ref : uint8_t { kEmpty, kHash, kEmbedded, kMalformed, kNonCanonical };

Ref classify(const Item& item) noexcept {
    if (item.list) return item.full.size() < 32 ? Ref::kEmbedded : Ref::kNonCanonical;
    if (item.payload.empty()) return Ref::kEmpty;
    return item.payload.size() == 32 ? Ref::kHash : Ref::kMalformed;
}

ProofVerdict verdict_of(Ref r) noexcept {
    return r == Ref::kNonCanonical ? ProofVerdict::kNonCanonicalNode : ProofVerdict::kMalformedNode;
}

bool same_hash(ByteView a, const Hash& b) noexcept {
    return std::memcmp(a.data(), b.data(), 32) == 0;
}

// A branch with all 16 children hashed and no value: 0xf9 0x0211, 16 times (0xa0, 32 bytes), 0x80.
// Checked in one go, without reading item by item.
bool is_full_branch(ByteView encoding) noexcept {
    if (encoding.size() != 532) return false;
    const uint8_t* p = encoding.data();
    unsigned ok = (p[0] == 0xf9) & (p[1] == 0x02) & (p[2] == 0x11) & (p[531] == 0x80);
    for (std::size_t i = 0; i < 16; ++i) ok &= p[3 + 33 * i] == 0xa0;
    return ok;
}

// Whether nibbles [a_from, a_from + n) of `a` equal nibbles [b_from, b_from + n) of `b`. When both
// start at the same nibble parity (always, for a leaf that ends a fixed-length key) the whole bytes
// in between are compared at once.
bool same_nibbles(ByteView a, std::size_t a_from, ByteView b, std::size_t b_from, std::size_t n) noexcept {
    if (((a_from ^ b_from) & 1) == 0) {
        if (n && (a_from & 1)) {
            if (nibble_at(a, a_from) != nibble_at(b, b_from)) return false;
            ++a_from, ++b_from, --n;
        }
        const std::size_t bytes = n / 2;
        if (bytes && std::memcmp(a.data() + a_from / 2, b.data() + b_from / 2, bytes) != 0) return false;
        a_from += 2 * bytes, b_from += 2 * bytes, n -= 2 * bytes;
    }
    for (std::size_t j = 0; j < n; ++j) {
        if (nibble_at(a, a_from + j) != nibble_at(b, b_from + j)) return false;
    }
    return true;
}

// Whether the node `encoding` refers to a node hashing to `h` through any of its children: a proof
// node that is not on the asked key's path but on another one. Only on the failure path.
bool refers_to(ByteView encoding, const Hash& h) noexcept {
    Node node;
    if (!parse_node(encoding, node)) return false;
    const std::size_t children = node.count == 17 ? 16 : 1;
    for (std::size_t i = 0; i < children; ++i) {
        const Item& c = node.count == 17 ? node.items[i] : node.items[1];
        if (!c.list && c.payload.size() == 32 && same_hash(c.payload, h)) return true;
    }
    return false;
}

// The verdict for nodes left over once the key is resolved.
ProofVerdict leftover(ByteView encoding, ByteView extra) noexcept {
    return refers_to(encoding, keccak256(extra)) ? ProofVerdict::kPathMismatch : ProofVerdict::kProofTooLong;
}

// The walk from the root along `key`. `hashes`, when given, holds keccak256 of each node (hashed
// beforehand in one batch); otherwise each node is hashed when the walk reaches it.
ProofView walk(const Hash& root, ByteView key, std::span<const Bytes> nodes, const Hash* hashes) noexcept {
    using V = ProofVerdict;
    const auto hash_of = [&](std::size_t i) { return hashes ? hashes[i] : keccak256(nodes[i]); };
    if (nodes.empty()) {
        // The empty trie needs no node (geth sends none for an account without storage).
        return root == empty_root() ? ProofView{V::kValid, std::nullopt} : ProofView{V::kProofTooShort, {}};
    }
    ByteView encoding = nodes[0];
    std::size_t next = 1;
    if (hash_of(0) != root) return {V::kNodeHashMismatch, {}};
    if (encoding.size() == 1 && encoding[0] == 0x80) {
        // RLP(""): the empty trie's root node, which some clients send.
        if (next < nodes.size()) return {V::kProofTooLong, {}};
        return {V::kValid, std::nullopt};
    }

    const std::size_t key_nibbles = key.size() * 2;
    std::size_t pos = 0;
    const auto bad = [](Ref r) { return r == Ref::kMalformed || r == Ref::kNonCanonical; };
    while (true) {
        // One pass over the node: a list of 17 items (branch) or 2 (extension, leaf). Every item is
        // checked; only the one on the key's path is kept.
        ByteView in = encoding;
        Item whole;
        if (!next_item(in, whole) || !whole.list || !in.empty()) return {V::kMalformedNode, {}};
        ByteView payload = whole.payload;
        Item first;
        Item second;
        if (!next_item(payload, first) || !next_item(payload, second)) return {V::kMalformedNode, {}};
        std::optional<ByteView> value;
        bool resolved = false;
        Item child;

        if (!payload.empty() && is_full_branch(encoding) && pos < key_nibbles) {
            // The commonest node of a large trie: 16 hashed children and no value.
            const uint8_t* slot = encoding.data() + 3 + 33 * nibble_at(key, pos);
            child = Item{ByteView{slot, 33}, ByteView{slot + 1, 32}, false};
            ++pos;
        } else if (!payload.empty()) {
            // Branch: the key's next nibble picks a child, or the value slot when the key ends here.
            const std::size_t want = pos == key_nibbles ? 16 : nibble_at(key, pos);
            if (bad(classify(first))) return {verdict_of(classify(first)), {}};
            if (bad(classify(second))) return {verdict_of(classify(second)), {}};
            Item chosen = want == 0 ? first : second;
            std::size_t count = 2;
            const uint8_t* p = payload.data();
            const uint8_t* const end = p + payload.size();
            while (p != end) {
                if (count == 17) return {V::kMalformedNode, {}};
                // The two forms nearly every slot takes, without the general reader: empty (0x80),
                // and a 32-byte hash (0xa0, also a valid string in the value slot). Which of the
                // two is unpredictable, so the step is computed rather than branched on.
                const std::size_t len = *p == 0x80 ? 1 : 33;
                if ((*p | 0x20) == 0xa0 && static_cast<std::size_t>(end - p) >= len) {
                    if (count == want) chosen = Item{ByteView{p, len}, ByteView{p + 1, len - 1}, false};
                    p += len;
                } else {
                    ByteView rest{p, static_cast<std::size_t>(end - p)};
                    Item item;
                    if (!next_item(rest, item)) return {V::kMalformedNode, {}};
                    if (count < 16) {
                        const Ref r = classify(item);
                        if (bad(r)) return {verdict_of(r), {}};
                    } else if (item.list) {
                        return {V::kMalformedNode, {}};  // the value slot holds a string
                    }
                    if (count == want) chosen = item;
                    p = rest.data();
                }
                ++count;
            }
            if (count != 17) return {V::kMalformedNode, {}};
            if (want == 16) {
                resolved = true;
                if (!chosen.payload.empty()) value = chosen.payload;
            } else {
                ++pos;
                if (!chosen.list && chosen.payload.empty()) {
                    resolved = true;  // no child on the key's path: absent
                } else {
                    child = chosen;
                }
            }
        } else {
            // Hex-prefix path (appendix C): the first nibble says leaf (2, 3) or extension (0, 1)
            // and odd (1, 3) or even (0, 2, followed by a zero nibble) length.
            if (first.list || first.payload.empty()) return {V::kMalformedNode, {}};
            const ByteView p = first.payload;
            const uint8_t flag = p[0] >> 4;
            if (flag > 3) return {V::kMalformedNode, {}};
            const bool odd = flag & 1;
            if (!odd && (p[0] & 0x0f) != 0) return {V::kMalformedNode, {}};
            const std::size_t start = odd ? 1 : 2;  // the path's first nibble within p
            const std::size_t n = p.size() * 2 - start;
            const bool match = pos + n <= key_nibbles && same_nibbles(p, start, key, pos, n);

            if (flag >= 2) {
                if (second.list || second.payload.empty()) return {V::kMalformedNode, {}};
                resolved = true;
                if (match && pos + n == key_nibbles) value = second.payload;
            } else {
                if (n == 0) return {V::kMalformedNode, {}};
                const Ref r = classify(second);
                if (r == Ref::kEmpty) return {V::kMalformedNode, {}};
                if (bad(r)) return {verdict_of(r), {}};
                if (match) {
                    pos += n;
                    child = second;
                } else {
                    resolved = true;  // the key leaves the extension's path: absent
                }
            }
        }

        if (resolved) {
            if (next < nodes.size()) return {leftover(encoding, nodes[next]), {}};
            return {V::kValid, value};
        }
        if (child.list) {
            // Embedded: read from the parent; skip the copy a proof may list after it.
            encoding = child.full;
            if (next < nodes.size() && ByteView{nodes[next]} == encoding) ++next;
            continue;
        }
        if (next == nodes.size()) return {V::kProofTooShort, {}};
        const ByteView candidate = nodes[next];
        const Hash h = hash_of(next++);
        if (!same_hash(child.payload, h)) {
            return {refers_to(encoding, h) ? V::kPathMismatch : V::kNodeHashMismatch, {}};
        }
        if (candidate.size() < 32) return {V::kNonCanonicalNode, {}};
        encoding = candidate;
    }
}

// Proofs longer than this are hashed node by node as the walk reaches them (a real one has at
// most 65 nodes: one per nibble of a 32-byte key, plus the leaf).
constexpr std::size_t kMaxBatch = 192;

// Room for a batch's hashes and views, left uninitialised: value-initialising a few kilobytes on
// every call would be a noticeable share of a proof's verification.
template <typename T>
struct Buffer {
    alignas(T) unsigned char bytes[kMaxBatch * sizeof(T)];
    T* get() noexcept { return reinterpret_cast<T*>(bytes); }
};

// Adds the views of `nodes` to a batch being collected; false when the batch would overflow.
bool collect(ByteView* views, std::size_t& n, std::span<const Bytes> nodes) noexcept {
    if (nodes.size() > kMaxBatch - n) return false;
    for (const auto& node : nodes) std::construct_at(views + n++, node);
    return true;
}

AccountResult account_from(const ProofView& r) noexcept {
    if (r.verdict != ProofVerdict::kValid) return {r.verdict, std::nullopt};
    if (!r.value) return {ProofVerdict::kValid, std::nullopt};
    ByteView in = *r.value;
    auto account = decode_account(in);
    if (!account || !in.empty()) return {ProofVerdict::kMalformedValue, std::nullopt};
    return {ProofVerdict::kValid, std::move(*account)};
}

StorageResult storage_from(const ProofView& r) noexcept {
    if (r.verdict != ProofVerdict::kValid) return {r.verdict, 0};
    if (!r.value) return {ProofVerdict::kValid, 0};
    ByteView in = *r.value;
    auto value = rlp::decode_u256(in);
    if (!value || !in.empty() || value->is_zero()) return {ProofVerdict::kMalformedValue, 0};
    return {ProofVerdict::kValid, std::move(*value)};
}

}  // namespace

ProofView verify_proof_view(const Hash& root, ByteView key, std::span<const Bytes> nodes) noexcept {
    Buffer<ByteView> views;
    Buffer<Hash> hashes;
    std::size_t n = 0;
    if (nodes.size() < 2 || !collect(views.get(), n, nodes)) return walk(root, key, nodes, nullptr);
    keccak256_batch({views.get(), n}, hashes.get());
    return walk(root, key, nodes, hashes.get());
}

ProofResult verify_proof(const Hash& root, ByteView key, std::span<const Bytes> nodes) {
    const ProofView r = verify_proof_view(root, key, nodes);
    ProofResult out;
    out.verdict = r.verdict;
    if (r.value) out.value = Bytes(*r.value);
    return out;
}

std::expected<Account, rlp::DecodingError> decode_account(ByteView& from) noexcept {
    auto payload = rlp::decode_list(from);
    if (!payload) return std::unexpected(payload.error());
    ByteView in = *payload;
    Account a;
    auto nonce = rlp::decode_uint64(in);
    if (!nonce) return std::unexpected(nonce.error());
    a.nonce = *nonce;
    if (in.empty()) return std::unexpected(rlp::DecodingError::kTooFewElements);
    auto balance = rlp::decode_u256(in);
    if (!balance) return std::unexpected(balance.error());
    a.balance = *balance;
    if (in.empty()) return std::unexpected(rlp::DecodingError::kTooFewElements);
    auto storage = rlp::decode_fixed<32>(in);
    if (!storage) return std::unexpected(storage.error());
    a.storage_root = *storage;
    if (in.empty()) return std::unexpected(rlp::DecodingError::kTooFewElements);
    auto code = rlp::decode_fixed<32>(in);
    if (!code) return std::unexpected(code.error());
    a.code_hash = *code;
    if (!in.empty()) return std::unexpected(rlp::DecodingError::kListLengthMismatch);
    return a;
}

void encode(Bytes& to, const Account& account) {
    const std::size_t payload = rlp::length(account.nonce) + rlp::length(account.balance) +
                                rlp::length(account.storage_root) + rlp::length(account.code_hash);
    rlp::encode_header(to, {true, payload});
    rlp::encode(to, account.nonce);
    rlp::encode(to, account.balance);
    rlp::encode(to, account.storage_root);
    rlp::encode(to, account.code_hash);
}

namespace {

// keccak256 of `key` then of every node, in one batch, and the walk; or, for an oversized proof,
// node by node.
ProofView verify_hashed_key(const Hash& root, ByteView key, std::span<const Bytes> nodes) noexcept {
    Buffer<ByteView> views;
    Buffer<Hash> hashes;
    std::construct_at(views.get(), key);
    std::size_t n = 1;
    if (!collect(views.get(), n, nodes)) {
        const Hash hashed = keccak256(key);
        return walk(root, hashed.view(), nodes, nullptr);
    }
    keccak256_batch({views.get(), n}, hashes.get());
    return walk(root, hashes.get()[0].view(), nodes, hashes.get() + 1);
}

}  // namespace

AccountResult verify_account(const Hash& state_root, const Address& address,
                             std::span<const Bytes> account_proof) {
    return account_from(verify_hashed_key(state_root, address.view(), account_proof));
}

StorageResult verify_storage(const Hash& storage_root, const Hash& slot,
                             std::span<const Bytes> storage_proof) {
    return storage_from(verify_hashed_key(storage_root, slot.view(), storage_proof));
}

namespace {

// The whole EIP-1186 check; records what it proved only when asked (the verdict-only entry point
// allocates nothing). The address, the slots and every node of every proof are hashed in one
// batch when they fit, so that the vectorised keccak runs with full lanes.
ProofVerdict check_eip1186(const Hash& state_root, const jsonrpc::AccountProof& proof,
                           Eip1186Report* report) {
    const std::size_t slots = proof.storage_proof.size();
    Buffer<ByteView> views;
    Buffer<Hash> buffer;
    Hash* hashes = nullptr;
    if (1 + slots <= kMaxBatch) {
        std::size_t n = 0;
        std::construct_at(views.get() + n++, proof.address.view());
        for (const auto& sp : proof.storage_proof) std::construct_at(views.get() + n++, sp.key.view());
        bool fits = collect(views.get(), n, proof.account_proof);
        for (std::size_t i = 0; fits && i < slots; ++i)
            fits = collect(views.get(), n, proof.storage_proof[i].proof);
        if (fits) {
            keccak256_batch({views.get(), n}, buffer.get());
            hashes = buffer.get();
        }
    }
    // Where each proof's node hashes start in the batch.
    std::size_t offset = 1 + slots;

    const AccountResult account =
        hashes ? account_from(walk(state_root, hashes[0].view(), proof.account_proof, hashes + offset))
               : verify_account(state_root, proof.address, proof.account_proof);
    if (account.verdict != ProofVerdict::kValid) return account.verdict;
    offset += proof.account_proof.size();

    const Hash* storage_root = &empty_root();
    if (account.account) {
        if (report) {
            report->account_exists = true;
            report->account = *account.account;
        }
        storage_root = &account.account->storage_root;
        if (proof.nonce != account.account->nonce || proof.balance != account.account->balance ||
            proof.storage_hash != account.account->storage_root ||
            proof.code_hash != account.account->code_hash) {
            return ProofVerdict::kValueMismatch;
        }
    } else {
        // Clients describe a missing account differently: geth with zero hashes, others with the
        // empty trie and empty code hashes. Anything else claims an account that is not there.
        const bool storage_ok = proof.storage_hash.is_zero() || proof.storage_hash == empty_root();
        const bool code_ok = proof.code_hash.is_zero() || proof.code_hash == empty_code_hash();
        if (proof.nonce != 0 || proof.balance != 0 || !storage_ok || !code_ok)
            return ProofVerdict::kValueMismatch;
    }

    if (report) report->storage_values.reserve(slots);
    for (std::size_t i = 0; i < slots; ++i) {
        const auto& sp = proof.storage_proof[i];
        const StorageResult s =
            hashes ? storage_from(walk(*storage_root, hashes[1 + i].view(), sp.proof, hashes + offset))
                   : verify_storage(*storage_root, sp.key, sp.proof);
        offset += sp.proof.size();
        if (s.verdict != ProofVerdict::kValid || s.value != sp.value) {
            if (report) report->failed_storage = i;
            return s.verdict != ProofVerdict::kValid ? s.verdict : ProofVerdict::kValueMismatch;
        }
        if (report) report->storage_values.push_back(s.value);
    }
    return ProofVerdict::kValid;
}

}  // namespace

Eip1186Report verify_eip1186_report(const Hash& state_root, const jsonrpc::AccountProof& proof) {
    Eip1186Report report;
    report.verdict = check_eip1186(state_root, proof, &report);
    return report;
}

ProofVerdict verify_eip1186(const Hash& state_root, const jsonrpc::AccountProof& proof) {
    return check_eip1186(state_root, proof, nullptr);
}

}  // namespace causeway::mpt
