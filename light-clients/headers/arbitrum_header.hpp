// Arbitrum Nitro L2 headers: Ethereum's London layout (16 fields), hashed and linked like L1 headers
// (ethereum_header.hpp, with TimestampRule::kNonDecreasing: several blocks may share a second).
// Nitro packs its outbox state into two fields:
//  * extraData = sendRoot, the root of the outbox Merkle tree after this block (32 bytes);
//  * mixHash = sendCount (u64 BE) | L1 block number (u64 BE) | ArbOS version (u64 BE) | 8 bytes.
// The RPC also reports sendRoot, sendCount and l1BlockNumber as extra JSON fields; they are not part
// of the hash, so a client must take them from the hashed fields, never from the JSON.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string_view>

#include "core/block_header.hpp"
#include "core/bytes.hpp"

namespace causeway::headers {

struct ArbitrumHeaderInfo {
    Hash send_root;
    uint64_t send_count = 0;
    uint64_t l1_block_number = 0;
    uint64_t arbos_version = 0;
    friend bool operator==(const ArbitrumHeaderInfo&, const ArbitrumHeaderInfo&) = default;
};

// Each value names the Arbitrum header rule broken.
enum class [[nodiscard]] ArbitrumVerdict : uint8_t{
    kValid,
    kExtraDataNotSendRoot,   // extraData is not 32 bytes
    kSendRootMismatch,       // a claimed sendRoot differs from extraData
    kSendCountMismatch,      // a claimed sendCount differs from mixHash[0..8]
    kL1BlockNumberMismatch,  // a claimed l1BlockNumber differs from mixHash[8..16]
};
[[nodiscard]] std::string_view to_string(ArbitrumVerdict v) noexcept;

[[nodiscard]] std::expected<ArbitrumHeaderInfo, ArbitrumVerdict> arbitrum_header_info(
    const BlockHeader& header);

// What an RPC response claims beside the header (any may be absent).
struct ArbitrumClaims {
    std::optional<Hash> send_root;
    std::optional<uint64_t> send_count;
    std::optional<uint64_t> l1_block_number;
};

// The claims against the header's own fields.
[[nodiscard]] ArbitrumVerdict verify_arbitrum_claims(const BlockHeader& header, const ArbitrumClaims& claims);

}  // namespace causeway::headers
