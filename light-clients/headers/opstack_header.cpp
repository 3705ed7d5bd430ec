#include "light-clients/headers/opstack_header.hpp"

#include "core/hex.hpp"

namespace causeway::headers {

namespace {

uint64_t read_be(ByteView bytes) noexcept {
    uint64_t v = 0;
    for (uint8_t b : bytes) v = (v << 8) | b;
    return v;
}

Hash constant(std::string_view hex) {
    auto h = hash_from_hex(hex);
    return h ? *h : Hash{};
}

}  // namespace

std::string_view to_string(OpHeaderVerdict v) noexcept {
    switch (v) {
        case OpHeaderVerdict::kValid: return "valid";
        case OpHeaderVerdict::kNonZeroDifficulty: return "non-zero difficulty";
        case OpHeaderVerdict::kNonZeroNonce: return "non-zero nonce";
        case OpHeaderVerdict::kOmmersNotEmpty: return "ommers not empty";
        case OpHeaderVerdict::kExtraDataUnknownVersion: return "extra data unknown version";
        case OpHeaderVerdict::kExtraDataWrongLength: return "extra data wrong length";
        case OpHeaderVerdict::kRequestsHashNotEmpty: return "requests hash not empty";
    }
    return "unknown";
}

const Hash& empty_ommers_hash() noexcept {
    static const Hash h = constant("0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347");
    return h;
}

const Hash& empty_requests_hash() noexcept {
    static const Hash h = constant("0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    return h;
}

std::expected<OpExtraData, OpHeaderVerdict> decode_op_extra_data(ByteView extra) noexcept {
    if (extra.empty()) return std::unexpected(OpHeaderVerdict::kExtraDataWrongLength);
    OpExtraData out;
    out.version = extra[0];
    std::size_t want = 0;
    switch (out.version) {
        case 0: want = 9; break;
        case 1: want = 17; break;
        default: return std::unexpected(OpHeaderVerdict::kExtraDataUnknownVersion);
    }
    if (extra.size() != want) return std::unexpected(OpHeaderVerdict::kExtraDataWrongLength);
    out.eip1559_denominator = static_cast<uint32_t>(read_be(extra.substr(1, 4)));
    out.eip1559_elasticity = static_cast<uint32_t>(read_be(extra.substr(5, 4)));
    if (out.version == 1) out.min_base_fee = read_be(extra.substr(9, 8));
    return out;
}

OpHeaderVerdict verify_op_header(const BlockHeader& header) {
    if (header.difficulty != 0) return OpHeaderVerdict::kNonZeroDifficulty;
    if (!header.nonce.is_zero()) return OpHeaderVerdict::kNonZeroNonce;
    if (header.ommers_hash != empty_ommers_hash()) return OpHeaderVerdict::kOmmersNotEmpty;
    if (!header.extra_data.empty()) {
        if (auto e = decode_op_extra_data(header.extra_data); !e) return e.error();
    }
    if (header.requests_hash && *header.requests_hash != empty_requests_hash()) {
        return OpHeaderVerdict::kRequestsHashNotEmpty;
    }
    return OpHeaderVerdict::kValid;
}

std::optional<Hash> op_message_passer_root(const BlockHeader& header) noexcept {
    if (!header.requests_hash) return std::nullopt;
    return header.withdrawals_root;
}

}  // namespace causeway::headers
