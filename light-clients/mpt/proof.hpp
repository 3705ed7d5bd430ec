// Merkle-Patricia trie proofs (Yellow Paper appendix D; EIP-1186 eth_getProof) and trie roots.
// No I/O: a proof is a list of RLP-encoded trie nodes from the root down.
//
// The verifier is strict about the list: it walks the key's path from the root, each hashed node
// must be the next one in the list, and nothing may follow the node that resolves the key. A node
// embedded in its parent (encoding under 32 bytes) is read from the parent; a proof may repeat it
// as its own entry right after the parent (as @ethereumjs/mpt's createMerkleProof does) or leave
// it out (as geth does). Nothing is copied on the way: only the final value is.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "core/bytes.hpp"
#include "core/jsonrpc.hpp"
#include "core/rlp.hpp"
#include "core/u256.hpp"

namespace causeway::mpt {

// keccak256 of RLP(""): the root of an empty trie (and the storage root of an account without storage).
inline constexpr std::string_view kEmptyRootHex =
    "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421";
[[nodiscard]] const Hash& empty_root() noexcept;
// keccak256(""): the code hash of an account without code.
[[nodiscard]] const Hash& empty_code_hash() noexcept;

// Each value names the rule a proof broke.
enum class [[nodiscard]] ProofVerdict : uint8_t{
    kValid,             // inclusion or exclusion proven
    kNodeHashMismatch,  // a node is not the one its parent (or the root) commits to
    kMalformedNode,     // not a branch (17 items), extension or leaf (2 items) node; bad hex-prefix
    kNonCanonicalNode,  // a node that should be embedded is hashed, or the reverse (< 32 bytes rule)
    kPathMismatch,      // the proof follows another key than the one asked about
    kProofTooShort,     // the nodes end before the key's path is resolved
    kProofTooLong,      // nodes remain after the path resolved
    kValueMismatch,     // the proven value differs from the claimed one
    kMalformedValue,    // the leaf value does not decode (account RLP, storage RLP integer)
};
[[nodiscard]] std::string_view to_string(ProofVerdict v) noexcept;

// Proves the value at `key` (the raw path: keccak256(address) or keccak256(slot) for the secure
// tries of Ethereum state) under `root`. On kValid, `value` holds the leaf's value, or nullopt when
// the proof shows the key absent.
struct ProofResult {
    ProofVerdict verdict = ProofVerdict::kMalformedNode;
    std::optional<Bytes> value;
};
[[nodiscard]] ProofResult verify_proof(const Hash& root, ByteView key, std::span<const Bytes> nodes);

// As verify_proof, without copying: `value` views into `nodes`, valid as long as they are.
struct ProofView {
    ProofVerdict verdict = ProofVerdict::kMalformedNode;
    std::optional<ByteView> value;
};
[[nodiscard]] ProofView verify_proof_view(const Hash& root, ByteView key,
                                          std::span<const Bytes> nodes) noexcept;

struct Account {
    uint64_t nonce = 0;
    u256 balance;
    Hash storage_root;
    Hash code_hash;
    friend bool operator==(const Account&, const Account&) = default;
};

// The state trie's leaf value: RLP([nonce, balance, storageRoot, codeHash]), strict.
[[nodiscard]] std::expected<Account, rlp::DecodingError> decode_account(ByteView& from) noexcept;
void encode(Bytes& to, const Account& account);

// The account at `address` under a state root; `account` is nullopt when proven absent.
struct AccountResult {
    ProofVerdict verdict = ProofVerdict::kMalformedNode;
    std::optional<Account> account;
};
[[nodiscard]] AccountResult verify_account(const Hash& state_root, const Address& address,
                                           std::span<const Bytes> account_proof);

// The value of storage slot `slot` (the 32-byte key, before hashing) under an account's storage
// root; an absent slot is proven as value zero. A stored zero (which no client writes: zero
// deletes) is kMalformedValue.
struct StorageResult {
    ProofVerdict verdict = ProofVerdict::kMalformedNode;
    u256 value;
};
[[nodiscard]] StorageResult verify_storage(const Hash& storage_root, const Hash& slot,
                                           std::span<const Bytes> storage_proof);

// A whole eth_getProof result against a state root: the account proof, the claimed account fields
// (an absent account must claim nonce 0, balance 0, and the empty or zero storage and code hashes,
// as clients differ), and every storage proof with its claimed value. The storage proofs of an
// absent account must prove their slots absent from the empty trie.
ProofVerdict verify_eip1186(const Hash& state_root, const jsonrpc::AccountProof& proof);

// verify_eip1186 with what it proved and where it stopped, for reports (`causeway verify proof`).
struct Eip1186Report {
    ProofVerdict verdict = ProofVerdict::kMalformedNode;
    // Which proof broke the rule: nullopt for the account proof (or the claimed account fields),
    // else the index into storage_proof.
    std::optional<std::size_t> failed_storage;
    bool account_exists = false;
    Account account;                   // as proven (all zero when absent); valid when verdict is kValid
    std::vector<u256> storage_values;  // as proven, one per storage proof checked
};
[[nodiscard]] Eip1186Report verify_eip1186_report(const Hash& state_root, const jsonrpc::AccountProof& proof);

// Root of a trie holding `entries` (raw keys; the caller hashes them for a secure trie).
// Later entries with the same key replace earlier ones; an empty value deletes.
[[nodiscard]] Hash trie_root(std::span<const std::pair<Bytes, Bytes>> entries);
// Root of a list trie keyed by RLP(index): transactionsRoot, receiptsRoot, withdrawalsRoot.
[[nodiscard]] Hash ordered_trie_root(std::span<const Bytes> values);

// A proof, in geth's form (hashed nodes only, root first), for `key` in the trie of `entries`
// (same rules as trie_root): of its value when present, of its absence otherwise. For tests, tools
// and fuzzing; a light client only verifies.
[[nodiscard]] std::vector<Bytes> trie_proof(std::span<const std::pair<Bytes, Bytes>> entries, ByteView key);

}  // namespace causeway::mpt
