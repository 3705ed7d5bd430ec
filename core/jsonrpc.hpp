// Ethereum JSON-RPC values on Boost.JSON (execution-apis conventions), without any I/O:
// quantities and data, block identifiers, and the result objects causeway reads (block headers,
// receipts, logs, fee history, EIP-1186 proofs), plus the request objects it writes (log filters,
// call requests). Block headers re-encode to RLP so their hash can be recomputed.
//
// Decoders are strict and report where a value went wrong: every decode_* function takes the
// JSON path of its input ("result", say) and fails with an Error naming the offending field
// ("result.baseFeePerGas: quantity has leading zeros").
#pragma once

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/block_header.hpp"
#include "core/bytes.hpp"
#include "core/u256.hpp"

namespace causeway::jsonrpc {

struct Error {
    std::string path;     // "result.logs[2].topics[0]"; empty for the value itself
    std::string message;  // "quantity has leading zeros"

    // "path: message", or the message alone when the path is empty.
    [[nodiscard]] std::string to_string() const;
    friend bool operator==(const Error&, const Error&) = default;
};

template <typename T>
using Result = std::expected<T, Error>;

// ----- quantities: "0x0", "0x1a"; no leading zeros, no empty "0x", at most 256 bits -----
// Digits may be upper or lower case (clients accept both); the prefix must be "0x".

[[nodiscard]] std::string encode_quantity(uint64_t value);
[[nodiscard]] std::string encode_quantity(const u256& value);
[[nodiscard]] Result<uint64_t> parse_quantity_u64(std::string_view text);
[[nodiscard]] Result<u256> parse_quantity_u256(std::string_view text);
[[nodiscard]] Result<uint64_t> decode_u64(const boost::json::value& v, std::string_view path = {});
[[nodiscard]] Result<u256> decode_u256(const boost::json::value& v, std::string_view path = {});

// ----- data: "0x" followed by an even number of hex digits ("0x" alone is empty) -----

[[nodiscard]] std::string encode_data(ByteView bytes);
[[nodiscard]] Result<Bytes> parse_data(std::string_view text);
[[nodiscard]] Result<Bytes> decode_bytes(const boost::json::value& v, std::string_view path = {});
[[nodiscard]] Result<Hash> decode_hash(const boost::json::value& v, std::string_view path = {});
// Lower, upper or correctly EIP-55-checksummed mixed case.
[[nodiscard]] Result<Address> decode_address(const boost::json::value& v, std::string_view path = {});
template <std::size_t N>
[[nodiscard]] Result<FixedBytes<N>> decode_fixed(const boost::json::value& v, std::string_view path = {}) {
    auto bytes = decode_bytes(v, path);
    if (!bytes) return std::unexpected(std::move(bytes.error()));
    if (bytes->size() != N) {
        return std::unexpected(Error{std::string(path), "expected " + std::to_string(N) + " bytes, got " +
                                                            std::to_string(bytes->size())});
    }
    FixedBytes<N> out;
    std::copy(bytes->begin(), bytes->end(), out.bytes.begin());
    return out;
}

// ----- block identifiers -----

enum class BlockTag : uint8_t { kLatest, kEarliest, kPending, kSafe, kFinalized };
[[nodiscard]] std::string_view to_string(BlockTag tag) noexcept;

// A block by number or tag: what eth_getBlockByNumber and log filter bounds accept.
using BlockNumberOrTag = std::variant<BlockTag, uint64_t>;

// EIP-1898: a block by hash, optionally required to be on the canonical chain.
struct BlockHashRef {
    Hash hash;
    bool require_canonical = false;
    friend bool operator==(const BlockHashRef&, const BlockHashRef&) = default;
};

// The block parameter of state queries (eth_getBalance, eth_call, eth_getProof, ...).
struct BlockId {
    std::variant<BlockTag, uint64_t, BlockHashRef> value = BlockTag::kLatest;

    BlockId() = default;
    BlockId(BlockTag tag) : value(tag) {}      // NOLINT: implicit on purpose
    BlockId(BlockNumberOrTag v);               // NOLINT
    BlockId(BlockHashRef ref) : value(ref) {}  // NOLINT

    static BlockId latest() { return BlockTag::kLatest; }
    static BlockId earliest() { return BlockTag::kEarliest; }
    static BlockId pending() { return BlockTag::kPending; }
    static BlockId safe() { return BlockTag::kSafe; }
    static BlockId finalized() { return BlockTag::kFinalized; }
    static BlockId number(uint64_t n) {
        BlockId b;
        b.value = n;
        return b;
    }
    static BlockId hash(const Hash& h, bool require_canonical = false) {
        return BlockHashRef{h, require_canonical};
    }

    [[nodiscard]] const BlockTag* tag() const noexcept { return std::get_if<BlockTag>(&value); }
    [[nodiscard]] const uint64_t* block_number() const noexcept { return std::get_if<uint64_t>(&value); }
    [[nodiscard]] const BlockHashRef* block_hash() const noexcept {
        return std::get_if<BlockHashRef>(&value);
    }

    friend bool operator==(const BlockId&, const BlockId&) = default;
};

// "latest" | "0x1a" | {"blockHash": "0x..", "requireCanonical": true} (the flag only when set).
[[nodiscard]] boost::json::value to_json(const BlockId& id);
[[nodiscard]] boost::json::value to_json(const BlockNumberOrTag& id);
// The text form a person types: a tag name, a decimal or 0x-quantity number, or a 32-byte hash.
[[nodiscard]] Result<BlockId> parse_block_id(std::string_view text);
// "latest", "1234", "0xabcd..." (the hash).
[[nodiscard]] std::string to_string(const BlockId& id);

// ----- block headers -----

// The header type and its RLP live in core/block_header.hpp; these names stay for existing users.
using causeway::BlockHeader;
using causeway::BlockNonce;
using causeway::Bloom;
using causeway::compute_hash;
using causeway::encode_header;

// An eth_getBlockBy* object as a BlockHeader; `hash` is the response's claimed hash. Optional fields
// are present exactly when the JSON has them (null counts as absent); a set that matches no fork's
// layout (see causeway::layout_of) is rejected. Ignores fields that are not part of the header
// (size, totalDifficulty, transactions, ...).
[[nodiscard]] Result<BlockHeader> decode_header(const boost::json::value& v, std::string_view path = {});

// ----- logs and receipts -----

struct Log {
    Address address;
    std::vector<Hash> topics;
    Bytes data;
    // Absent (null) for pending logs.
    std::optional<uint64_t> block_number;
    std::optional<Hash> block_hash;
    std::optional<uint64_t> block_timestamp;
    std::optional<Hash> transaction_hash;
    std::optional<uint64_t> transaction_index;
    std::optional<uint64_t> log_index;
    bool removed = false;  // true when a reorg removed the log (subscriptions and filters)

    friend bool operator==(const Log&, const Log&) = default;
};

[[nodiscard]] Result<Log> decode_log(const boost::json::value& v, std::string_view path = {});
[[nodiscard]] Result<std::vector<Log>> decode_logs(const boost::json::value& v, std::string_view path = {});

struct Receipt {
    Hash transaction_hash;
    uint64_t transaction_index = 0;
    Hash block_hash;
    uint64_t block_number = 0;
    Address from;
    std::optional<Address> to;  // absent for contract creation
    uint64_t cumulative_gas_used = 0;
    uint64_t gas_used = 0;
    u256 effective_gas_price;
    std::optional<Address> contract_address;  // set for contract creation
    std::vector<Log> logs;
    Bloom logs_bloom;
    uint8_t type = 0;
    std::optional<bool> status;             // EIP-658 (Byzantium on): true = success
    std::optional<Hash> root;               // pre-Byzantium post-state root
    std::optional<uint64_t> blob_gas_used;  // EIP-4844 transactions
    std::optional<u256> blob_gas_price;

    // True unless the status says the transaction reverted (pre-Byzantium receipts cannot tell).
    [[nodiscard]] bool succeeded() const noexcept { return status.value_or(true); }
    friend bool operator==(const Receipt&, const Receipt&) = default;
};

[[nodiscard]] Result<Receipt> decode_receipt(const boost::json::value& v, std::string_view path = {});

// ----- fee history (eth_feeHistory) -----

struct FeeHistory {
    uint64_t oldest_block = 0;
    // One more entry than blocks: the last is the base fee of the block after the newest.
    std::vector<u256> base_fee_per_gas;
    std::vector<double> gas_used_ratio;
    // Per block, one entry per requested percentile; empty when no percentiles were asked for.
    std::vector<std::vector<u256>> reward;
    std::vector<u256> base_fee_per_blob_gas;  // Cancun on; empty before
    std::vector<double> blob_gas_used_ratio;

    friend bool operator==(const FeeHistory&, const FeeHistory&) = default;
};

[[nodiscard]] Result<FeeHistory> decode_fee_history(const boost::json::value& v, std::string_view path = {});

// ----- EIP-1186 proofs (eth_getProof) -----

struct StorageProof {
    // The slot as requested, left-padded to 32 bytes (clients echo it as a quantity, "0x0", or
    // as 32-byte data).
    Hash key;
    u256 value;
    std::vector<Bytes> proof;  // RLP trie nodes from the storage root down
    friend bool operator==(const StorageProof&, const StorageProof&) = default;
};

struct AccountProof {
    Address address;
    std::vector<Bytes> account_proof;  // RLP trie nodes from the state root down
    u256 balance;
    Hash code_hash;
    uint64_t nonce = 0;
    Hash storage_hash;
    std::vector<StorageProof> storage_proof;
    friend bool operator==(const AccountProof&, const AccountProof&) = default;
};

[[nodiscard]] Result<AccountProof> decode_account_proof(const boost::json::value& v,
                                                        std::string_view path = {});

// ----- request objects -----

// eth_getLogs / eth_newFilter. Either a block range (from_block, to_block) or a block hash.
struct LogFilter {
    std::optional<BlockNumberOrTag> from_block;
    std::optional<BlockNumberOrTag> to_block;
    std::optional<Hash> block_hash;
    std::vector<Address> addresses;  // empty: any contract
    // Position i matches any of topics[i]; an empty position matches anything.
    std::vector<std::vector<Hash>> topics;
};
[[nodiscard]] boost::json::object to_json(const LogFilter& filter);

// eth_call / eth_estimateGas transaction object; unset fields are left out.
struct CallRequest {
    std::optional<Address> from;
    std::optional<Address> to;
    std::optional<uint64_t> gas;
    std::optional<u256> gas_price;
    std::optional<u256> max_fee_per_gas;
    std::optional<u256> max_priority_fee_per_gas;
    std::optional<u256> value;
    Bytes data;  // sent as "data" when not empty
};
[[nodiscard]] boost::json::object to_json(const CallRequest& call);

}  // namespace causeway::jsonrpc
