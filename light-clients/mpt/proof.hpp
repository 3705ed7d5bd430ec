// Merkle-Patricia trie proofs (Yellow Paper appendix D; EIP-1186 eth_getProof) and trie roots.
// No I/O: a proof is a list of RLP-encoded trie nodes from the root down.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "core/bytes.hpp"
#include "core/jsonrpc.hpp"
#include "core/u256.hpp"

namespace causeway::mpt {

// keccak256 of RLP(""): the root of an empty trie (and the storage root of an account without storage).
inline constexpr std::string_view kEmptyRootHex = "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421";
[[nodiscard]] const Hash& empty_root() noexcept;
// keccak256(""): the code hash of an account without code.
[[nodiscard]] const Hash& empty_code_hash() noexcept;

// Each value names the rule a proof broke.
enum class [[nodiscard]] ProofVerdict : uint8_t {
    kValid,                // inclusion or exclusion proven
    kNodeHashMismatch,     // a node is not the one its parent (or the root) commits to
    kMalformedNode,        // not a branch (17 items), extension or leaf (2 items) node; bad hex-prefix
    kNonCanonicalNode,     // a node that should be embedded is hashed, or the reverse (< 32 bytes rule)
    kPathMismatch,         // the proof follows another key than the one asked about
    kProofTooShort,        // the nodes end before the key's path is resolved
    kProofTooLong,         // nodes remain after the path resolved
    kValueMismatch,        // the proven value differs from the claimed one
    kMalformedValue,       // the leaf value does not decode (account RLP, storage RLP integer)
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

struct Account {
    uint64_t nonce = 0;
    u256 balance;
    Hash storage_root;
    Hash code_hash;
    friend bool operator==(const Account&, const Account&) = default;
};

// The account at `address` under a state root; `account` is nullopt when proven absent.
struct AccountResult {
    ProofVerdict verdict = ProofVerdict::kMalformedNode;
    std::optional<Account> account;
};
[[nodiscard]] AccountResult verify_account(const Hash& state_root, const Address& address,
                                           std::span<const Bytes> account_proof);

// The value of storage slot `slot` (the 32-byte key, before hashing) under an account's storage
// root; an absent slot is proven as value zero.
struct StorageResult {
    ProofVerdict verdict = ProofVerdict::kMalformedNode;
    u256 value;
};
[[nodiscard]] StorageResult verify_storage(const Hash& storage_root, const Hash& slot,
                                           std::span<const Bytes> storage_proof);

// A whole eth_getProof result against a state root: the account proof, the claimed account fields
// (an absent account must claim nonce 0, balance 0, and the empty or zero storage and code hashes,
// as clients differ), and every storage proof with its claimed value.
ProofVerdict verify_eip1186(const Hash& state_root, const jsonrpc::AccountProof& proof);

// Root of a trie holding `entries` (raw keys; the caller hashes them for a secure trie).
// Later entries with the same key replace earlier ones; an empty value deletes.
[[nodiscard]] Hash trie_root(std::span<const std::pair<Bytes, Bytes>> entries);
// Root of a list trie keyed by RLP(index): transactionsRoot, receiptsRoot, withdrawalsRoot.
[[nodiscard]] Hash ordered_trie_root(std::span<const Bytes> values);

}  // namespace causeway::mpt
