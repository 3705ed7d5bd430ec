#include "core/block_header.hpp"

#include "core/keccak.hpp"

namespace causeway {

std::string_view to_string(HeaderLayout layout) noexcept {
    switch (layout) {
        case HeaderLayout::kFrontier: return "frontier";
        case HeaderLayout::kLondon: return "london";
        case HeaderLayout::kShanghai: return "shanghai";
        case HeaderLayout::kCancun: return "cancun";
        case HeaderLayout::kPrague: return "prague";
    }
    return "unknown";
}

std::optional<HeaderLayout> layout_of(const BlockHeader& h) noexcept {
    // The optional fields in RLP order; the present ones must be a prefix of this list.
    const bool present[] = {
        h.base_fee_per_gas.has_value(), h.withdrawals_root.has_value(),         h.blob_gas_used.has_value(),
        h.excess_blob_gas.has_value(),  h.parent_beacon_block_root.has_value(), h.requests_hash.has_value(),
    };
    std::size_t prefix = 0;
    while (prefix < std::size(present) && present[prefix]) ++prefix;
    for (std::size_t i = prefix; i < std::size(present); ++i) {
        if (present[i]) return std::nullopt;
    }
    switch (prefix) {
        case 0: return HeaderLayout::kFrontier;
        case 1: return HeaderLayout::kLondon;
        case 2: return HeaderLayout::kShanghai;
        case 5: return HeaderLayout::kCancun;
        case 6: return HeaderLayout::kPrague;
        default: return std::nullopt;  // part of the Cancun set
    }
}

namespace {

template <typename F>
void for_each_field(const BlockHeader& h, F&& field) {
    field(h.parent_hash);
    field(h.ommers_hash);
    field(h.beneficiary);
    field(h.state_root);
    field(h.transactions_root);
    field(h.receipts_root);
    field(h.logs_bloom);
    field(h.difficulty);
    field(h.number);
    field(h.gas_limit);
    field(h.gas_used);
    field(h.timestamp);
    field(ByteView(h.extra_data));
    field(h.mix_hash);
    field(h.nonce);
    if (h.base_fee_per_gas) field(*h.base_fee_per_gas);
    if (h.withdrawals_root) field(*h.withdrawals_root);
    if (h.blob_gas_used) field(*h.blob_gas_used);
    if (h.excess_blob_gas) field(*h.excess_blob_gas);
    if (h.parent_beacon_block_root) field(*h.parent_beacon_block_root);
    if (h.requests_hash) field(*h.requests_hash);
}

// Assigns a decoded field or returns its error from decode_header.
#define CAUSEWAY_RLP_FIELD(target, expr)                     \
    do {                                                     \
        auto causeway_field_ = (expr);                       \
        if (!causeway_field_) {                              \
            return std::unexpected(causeway_field_.error()); \
        }                                                    \
        (target) = std::move(*causeway_field_);              \
    } while (false)

}  // namespace

void encode(Bytes& to, const BlockHeader& header) {
    std::size_t payload = 0;
    for_each_field(header, [&](const auto& v) { payload += rlp::length(v); });
    to.reserve(to.size() + rlp::length_of_length(payload) + payload);
    rlp::encode_header(to, rlp::Header{.list = true, .payload_length = payload});
    for_each_field(header, [&](const auto& v) { rlp::encode(to, v); });
}

Bytes encode_header(const BlockHeader& header) {
    Bytes out;
    encode(out, header);
    return out;
}

Hash compute_hash(const BlockHeader& header) {
    return keccak256(encode_header(header));
}

std::expected<BlockHeader, rlp::DecodingError> decode_header(ByteView& from) {
    ByteView input = from;
    auto list = rlp::decode_list(input);
    if (!list) return std::unexpected(list.error());
    ByteView p = *list;
    // Running out of fields inside the Frontier list is kTooFewElements, as rlp::decode_* would
    // report kInputTooShort on an empty view.
    const auto more = [&p] { return !p.empty(); };
    BlockHeader h;
#define CAUSEWAY_REQUIRED(target, expr)                                           \
    do {                                                                          \
        if (!more()) return std::unexpected(rlp::DecodingError::kTooFewElements); \
        CAUSEWAY_RLP_FIELD(target, expr);                                         \
    } while (false)
    CAUSEWAY_REQUIRED(h.parent_hash, rlp::decode_fixed<32>(p));
    CAUSEWAY_REQUIRED(h.ommers_hash, rlp::decode_fixed<32>(p));
    CAUSEWAY_REQUIRED(h.beneficiary, rlp::decode_fixed<20>(p));
    CAUSEWAY_REQUIRED(h.state_root, rlp::decode_fixed<32>(p));
    CAUSEWAY_REQUIRED(h.transactions_root, rlp::decode_fixed<32>(p));
    CAUSEWAY_REQUIRED(h.receipts_root, rlp::decode_fixed<32>(p));
    CAUSEWAY_REQUIRED(h.logs_bloom, rlp::decode_fixed<256>(p));
    CAUSEWAY_REQUIRED(h.difficulty, rlp::decode_u256(p));
    CAUSEWAY_REQUIRED(h.number, rlp::decode_uint64(p));
    CAUSEWAY_REQUIRED(h.gas_limit, rlp::decode_uint64(p));
    CAUSEWAY_REQUIRED(h.gas_used, rlp::decode_uint64(p));
    CAUSEWAY_REQUIRED(h.timestamp, rlp::decode_uint64(p));
    ByteView extra;
    CAUSEWAY_REQUIRED(extra, rlp::decode_string(p));
    h.extra_data.assign(extra);
    CAUSEWAY_REQUIRED(h.mix_hash, rlp::decode_fixed<32>(p));
    CAUSEWAY_REQUIRED(h.nonce, rlp::decode_fixed<8>(p));
    // The fork fields: each group is all there or the list ends before it.
    if (more()) {
        CAUSEWAY_RLP_FIELD(h.base_fee_per_gas, rlp::decode_u256(p));
        if (more()) {
            CAUSEWAY_RLP_FIELD(h.withdrawals_root, rlp::decode_fixed<32>(p));
            if (more()) {
                CAUSEWAY_RLP_FIELD(h.blob_gas_used, rlp::decode_uint64(p));
                CAUSEWAY_REQUIRED(h.excess_blob_gas, rlp::decode_uint64(p));
                CAUSEWAY_REQUIRED(h.parent_beacon_block_root, rlp::decode_fixed<32>(p));
                if (more()) {
                    CAUSEWAY_RLP_FIELD(h.requests_hash, rlp::decode_fixed<32>(p));
                    if (more()) return std::unexpected(rlp::DecodingError::kListLengthMismatch);
                }
            }
        }
    }
#undef CAUSEWAY_REQUIRED
    from = input;
    return h;
}

#undef CAUSEWAY_RLP_FIELD

}  // namespace causeway
