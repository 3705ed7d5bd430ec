// OP Stack L2 headers: Ethereum's format (Bedrock: London layout; Canyon: Shanghai; Ecotone: Cancun;
// Isthmus: Prague), hashed and linked like L1 headers (ethereum_header.hpp). What differs is what
// some fields carry:
//  * Holocene on: extraData holds the EIP-1559 parameters (version 0: 9 bytes); Jovian adds the
//    minimum base fee (version 1: 17 bytes);
//  * Isthmus on: withdrawalsRoot is the storage root of L2ToL1MessagePasser (0x42..16), the second
//    part of the output root, and requestsHash is sha256("") (no execution-layer requests on L2).
// Proof-of-stake-style constants hold from Bedrock on: difficulty 0, nonce 0, no ommers.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string_view>

#include "core/block_header.hpp"
#include "core/bytes.hpp"

namespace causeway::headers {

// Each value names the OP Stack header rule broken.
enum class [[nodiscard]] OpHeaderVerdict : uint8_t{
    kValid,
    kNonZeroDifficulty,        // difficulty must be 0 (Bedrock on)
    kNonZeroNonce,             // nonce must be 0
    kOmmersNotEmpty,           // sha3Uncles must be keccak256(rlp([]))
    kExtraDataUnknownVersion,  // extraData's first byte is neither 0 (Holocene) nor 1 (Jovian)
    kExtraDataWrongLength,     // 9 bytes for version 0, 17 for version 1
    kRequestsHashNotEmpty,     // Isthmus: requestsHash must be sha256("")
};
[[nodiscard]] std::string_view to_string(OpHeaderVerdict v) noexcept;

// The EIP-1559 parameters a Holocene or Jovian header carries in extraData.
struct OpExtraData {
    uint8_t version = 0;                   // 0: Holocene, 1: Jovian
    uint32_t eip1559_denominator = 0;      // big-endian bytes 1..5
    uint32_t eip1559_elasticity = 0;       // big-endian bytes 5..9
    std::optional<uint64_t> min_base_fee;  // Jovian: big-endian bytes 9..17, in wei
    friend bool operator==(const OpExtraData&, const OpExtraData&) = default;
};

// Decodes a Holocene or Jovian extraData (not the empty extraData of earlier blocks).
[[nodiscard]] std::expected<OpExtraData, OpHeaderVerdict> decode_op_extra_data(ByteView extra_data) noexcept;

// The rules above that need no rollup configuration: constants, extraData when not empty,
// requestsHash when present. The hash and the parent link are checked as for L1 headers.
[[nodiscard]] OpHeaderVerdict verify_op_header(const BlockHeader& header);

// Isthmus on (the header has requestsHash): the L2ToL1MessagePasser storage root, which with the
// state root and the block hash gives the output root without an eth_getProof call.
[[nodiscard]] std::optional<Hash> op_message_passer_root(const BlockHeader& header) noexcept;

// keccak256(rlp([])): the ommers hash of every header without uncles.
[[nodiscard]] const Hash& empty_ommers_hash() noexcept;
// sha256(""): EIP-7685's requestsHash of an empty request list.
[[nodiscard]] const Hash& empty_requests_hash() noexcept;

}  // namespace causeway::headers
