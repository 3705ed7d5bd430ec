// Ethereum block headers as a light client checks them: a header's RLP against a trusted hash, and
// the link from a parent to its child. Every fork from Frontier to Osaka (see causeway::HeaderLayout);
// OP Stack and Arbitrum Nitro headers use the same format and the same checks.
//
// A forward link (child.parentHash == hash(parent)) does not make a child trustworthy: anyone can
// build a header on top of a trusted one. Trust flows backwards: a trusted header commits to its
// parent through parentHash, hence to every ancestor. HeaderStore applies this: headers above the
// checkpoint are candidates until a trusted source finalizes one of them.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/block_header.hpp"
#include "core/bytes.hpp"
#include "core/rlp.hpp"

namespace causeway::headers {

// Each value names the rule a header's RLP broke.
enum class [[nodiscard]] HeaderVerdict : uint8_t{
    kValid,            // decodes as one header and hashes to the expected hash
    kMalformedRlp,     // not one RLP list, or an item runs past its list or the input
    kWrongFieldCount,  // a field count no fork has (15, 16, 17, 20 and 21 are the real ones)
    kWrongFieldType,   // a field that is a list where a string belongs
    kWrongFieldSize,   // a hash not 32 bytes, an address not 20, the bloom not 256, the nonce not 8
    kNonCanonical,     // a non-canonical integer or length (two encodings of one header would exist)
    kFieldOverflow,    // an integer wider than its field (64 bits, or 256 for difficulty and base fee)
    kTrailingBytes,    // bytes after the header
    kHashMismatch,     // keccak256(rlp) is not the expected hash
};
[[nodiscard]] std::string_view to_string(HeaderVerdict v) noexcept;
// The rule a header decoding error breaks.
[[nodiscard]] HeaderVerdict verdict_of(rlp::DecodingError e) noexcept;

struct HeaderCheck {
    HeaderVerdict verdict = HeaderVerdict::kMalformedRlp;
    std::optional<BlockHeader> header;               // when it decoded
    std::optional<Hash> computed;                    // keccak256 of the header's bytes, when it decoded
    std::optional<rlp::DecodingError> decode_error;  // why it did not
};

// Decodes `rlp` (exactly one header) and compares keccak256 of its bytes with `expected_hash`.
// The decoder accepts only canonical encodings, so the hash is the one of the decoded header too.
[[nodiscard]] HeaderCheck verify_header(ByteView rlp, const Hash& expected_hash);
// A header that came in another form (JSON-RPC): kWrongFieldCount when its optional fields match no
// fork's layout, else kValid or kHashMismatch.
[[nodiscard]] HeaderVerdict verify_header(const BlockHeader& header, const Hash& expected_hash);

// Each value names the rule a parent -> child link broke.
enum class [[nodiscard]] LinkVerdict : uint8_t{
    kValid,
    kParentHashMismatch,      // child.parentHash != keccak256(rlp(parent))
    kNumberNotSequential,     // child.number != parent.number + 1
    kTimestampNotIncreasing,  // child.timestamp <= parent.timestamp (< under kNonDecreasing)
    kGasUsedAboveLimit,       // child.gasUsed > child.gasLimit
    kUnknownLayout,           // either header's optional fields match no fork's layout
    kLayoutRegressed,         // the child has fewer fork fields than its parent (forks only add fields)
};
[[nodiscard]] std::string_view to_string(LinkVerdict v) noexcept;

enum class TimestampRule : uint8_t {
    kStrictlyIncreasing,  // Ethereum and OP Stack (a block per slot)
    kNonDecreasing,       // Arbitrum Nitro: several blocks may share a second
};

struct LinkRules {
    TimestampRule timestamp = TimestampRule::kStrictlyIncreasing;
};

[[nodiscard]] LinkVerdict verify_link(const BlockHeader& parent, const BlockHeader& child,
                                      LinkRules rules = {});
// The same, with the parent's hash already computed (a store keeps it).
[[nodiscard]] LinkVerdict verify_link(const BlockHeader& parent, const Hash& parent_hash,
                                      const BlockHeader& child, LinkRules rules = {});

}  // namespace causeway::headers
