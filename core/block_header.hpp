// Ethereum block headers (Yellow Paper section 4.3, then EIP-1559, EIP-4895, EIP-4844, EIP-4788 and
// EIP-7685): the field list, its RLP encoding and decoding, and the block hash keccak256(rlp(header)).
// OP Stack and Arbitrum Nitro headers use the same format.
//
// The RLP decoder is strict: it accepts exactly the field counts real forks produce (15, 16, 17, 20,
// 21), canonical integers only, and fixed sizes for the fixed fields. A header it accepts therefore
// re-encodes to the very bytes it was read from, so hashing the input and hashing the decoded header
// agree.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string_view>

#include "core/bytes.hpp"
#include "core/rlp.hpp"
#include "core/u256.hpp"

namespace causeway {

using Bloom = FixedBytes<256>;
using BlockNonce = FixedBytes<8>;

// Optional fields are present exactly when the header has them, and decide the RLP layout: London
// adds base_fee_per_gas, Shanghai withdrawals_root, Cancun blob_gas_used, excess_blob_gas and
// parent_beacon_block_root (together), Prague requests_hash. Only the layouts HeaderLayout names are
// encodable as a real header; a later field without every earlier one cannot be decoded back.
struct BlockHeader {
    Hash parent_hash;
    Hash ommers_hash;     // sha3Uncles
    Address beneficiary;  // miner
    Hash state_root;
    Hash transactions_root;
    Hash receipts_root;
    Bloom logs_bloom;
    u256 difficulty;
    uint64_t number = 0;
    uint64_t gas_limit = 0;
    uint64_t gas_used = 0;
    uint64_t timestamp = 0;
    Bytes extra_data;
    Hash mix_hash;  // prevRandao after the merge
    BlockNonce nonce;
    std::optional<u256> base_fee_per_gas;
    std::optional<Hash> withdrawals_root;
    std::optional<uint64_t> blob_gas_used;
    std::optional<uint64_t> excess_blob_gas;
    std::optional<Hash> parent_beacon_block_root;
    std::optional<Hash> requests_hash;

    // The hash a JSON-RPC response claimed (absent in some fixtures, never set by the RLP decoder);
    // not part of the RLP. Compare it with compute_hash() before trusting it.
    std::optional<Hash> hash;

    friend bool operator==(const BlockHeader&, const BlockHeader&) = default;
};

// The field lists of real forks, named after the fork that introduced each; the value is the RLP
// field count. Osaka added no header field (its headers use the Prague layout).
enum class HeaderLayout : uint8_t {
    kFrontier = 15,  // Frontier .. Berlin
    kLondon = 16,    // + baseFeePerGas (EIP-1559)
    kShanghai = 17,  // + withdrawalsRoot (EIP-4895)
    kCancun = 20,    // + blobGasUsed, excessBlobGas (EIP-4844), parentBeaconBlockRoot (EIP-4788)
    kPrague = 21,    // + requestsHash (EIP-7685); also Osaka
};
[[nodiscard]] std::string_view to_string(HeaderLayout layout) noexcept;

// The layout of the optional fields present, or nullopt when they match no fork (a gap, or part of
// the Cancun set): such a header cannot come from any client.
[[nodiscard]] std::optional<HeaderLayout> layout_of(const BlockHeader& header) noexcept;

// RLP of the header fields in consensus order.
void encode(Bytes& to, const BlockHeader& header);
[[nodiscard]] Bytes encode_header(const BlockHeader& header);
// keccak256(rlp(header)).
[[nodiscard]] Hash compute_hash(const BlockHeader& header);

// Reads one header and advances `from` past it. Errors:
//  * kTooFewElements: fewer than 15 fields, or 18 or 19 (part of the Cancun set);
//  * kListLengthMismatch: more than 21 fields;
//  * kUnexpectedList: a field that is a list;
//  * kUnexpectedLength: a hash that is not 32 bytes, an address not 20, the bloom not 256, the
//    nonce not 8;
//  * kLeadingZero, kNonCanonicalSingleByte, kNonCanonicalSize: a non-canonical integer or length;
//  * kOverflow: number, gasLimit, gasUsed, timestamp, blobGasUsed or excessBlobGas above 64 bits,
//    difficulty or baseFeePerGas above 256 bits;
//  * kInputTooShort, kUnexpectedString: not an RLP list, or one that runs past the input.
// `hash` is left empty.
[[nodiscard]] std::expected<BlockHeader, rlp::DecodingError> decode_header(ByteView& from);

}  // namespace causeway
