#include "light-clients/headers/arbitrum_header.hpp"

namespace causeway::headers {

namespace {

uint64_t read_be64(const Hash& h, std::size_t offset) noexcept {
    uint64_t v = 0;
    for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | h[offset + i];
    return v;
}

}  // namespace

std::string_view to_string(ArbitrumVerdict v) noexcept {
    switch (v) {
        case ArbitrumVerdict::kValid: return "valid";
        case ArbitrumVerdict::kExtraDataNotSendRoot: return "extra data is not a send root";
        case ArbitrumVerdict::kSendRootMismatch: return "send root mismatch";
        case ArbitrumVerdict::kSendCountMismatch: return "send count mismatch";
        case ArbitrumVerdict::kL1BlockNumberMismatch: return "l1 block number mismatch";
    }
    return "unknown";
}

std::expected<ArbitrumHeaderInfo, ArbitrumVerdict> arbitrum_header_info(const BlockHeader& header) {
    if (header.extra_data.size() != 32) return std::unexpected(ArbitrumVerdict::kExtraDataNotSendRoot);
    ArbitrumHeaderInfo info;
    std::copy(header.extra_data.begin(), header.extra_data.end(), info.send_root.bytes.begin());
    info.send_count = read_be64(header.mix_hash, 0);
    info.l1_block_number = read_be64(header.mix_hash, 8);
    info.arbos_version = read_be64(header.mix_hash, 16);
    return info;
}

ArbitrumVerdict verify_arbitrum_claims(const BlockHeader& header, const ArbitrumClaims& claims) {
    const auto info = arbitrum_header_info(header);
    if (!info) return info.error();
    if (claims.send_root && *claims.send_root != info->send_root) return ArbitrumVerdict::kSendRootMismatch;
    if (claims.send_count && *claims.send_count != info->send_count)
        return ArbitrumVerdict::kSendCountMismatch;
    if (claims.l1_block_number && *claims.l1_block_number != info->l1_block_number) {
        return ArbitrumVerdict::kL1BlockNumberMismatch;
    }
    return ArbitrumVerdict::kValid;
}

}  // namespace causeway::headers
