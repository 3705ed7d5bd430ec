#include "light-clients/headers/ethereum_header.hpp"

#include "core/keccak.hpp"

namespace causeway::headers {

std::string_view to_string(HeaderVerdict v) noexcept {
    switch (v) {
        case HeaderVerdict::kValid: return "valid";
        case HeaderVerdict::kMalformedRlp: return "malformed rlp";
        case HeaderVerdict::kWrongFieldCount: return "wrong field count";
        case HeaderVerdict::kWrongFieldType: return "wrong field type";
        case HeaderVerdict::kWrongFieldSize: return "wrong field size";
        case HeaderVerdict::kNonCanonical: return "non-canonical encoding";
        case HeaderVerdict::kFieldOverflow: return "field overflow";
        case HeaderVerdict::kTrailingBytes: return "trailing bytes";
        case HeaderVerdict::kHashMismatch: return "hash mismatch";
    }
    return "unknown";
}

HeaderVerdict verdict_of(rlp::DecodingError e) noexcept {
    using E = rlp::DecodingError;
    switch (e) {
        case E::kTooFewElements:
        case E::kListLengthMismatch: return HeaderVerdict::kWrongFieldCount;
        case E::kUnexpectedList: return HeaderVerdict::kWrongFieldType;
        case E::kUnexpectedLength: return HeaderVerdict::kWrongFieldSize;
        case E::kLeadingZero:
        case E::kNonCanonicalSize:
        case E::kNonCanonicalSingleByte: return HeaderVerdict::kNonCanonical;
        case E::kOverflow: return HeaderVerdict::kFieldOverflow;
        case E::kInputTooLong: return HeaderVerdict::kTrailingBytes;
        case E::kInputTooShort:
        case E::kUnexpectedString:
        case E::kTooDeep: return HeaderVerdict::kMalformedRlp;
    }
    return HeaderVerdict::kMalformedRlp;
}

HeaderCheck verify_header(ByteView rlp, const Hash& expected_hash) {
    HeaderCheck out;
    ByteView rest = rlp;
    auto header = decode_header(rest);
    if (!header) {
        out.verdict = verdict_of(header.error());
        out.decode_error = header.error();
        return out;
    }
    if (!rest.empty()) {
        out.verdict = HeaderVerdict::kTrailingBytes;
        out.decode_error = rlp::DecodingError::kInputTooLong;
        return out;
    }
    // The decoder is canonical: these bytes are encode_header(*header), no need to re-encode.
    out.computed = keccak256(rlp);
    out.header = std::move(*header);
    out.verdict = *out.computed == expected_hash ? HeaderVerdict::kValid : HeaderVerdict::kHashMismatch;
    return out;
}

HeaderVerdict verify_header(const BlockHeader& header, const Hash& expected_hash) {
    if (!layout_of(header)) return HeaderVerdict::kWrongFieldCount;
    return compute_hash(header) == expected_hash ? HeaderVerdict::kValid : HeaderVerdict::kHashMismatch;
}

std::string_view to_string(LinkVerdict v) noexcept {
    switch (v) {
        case LinkVerdict::kValid: return "valid";
        case LinkVerdict::kParentHashMismatch: return "parent hash mismatch";
        case LinkVerdict::kNumberNotSequential: return "number not sequential";
        case LinkVerdict::kTimestampNotIncreasing: return "timestamp not increasing";
        case LinkVerdict::kGasUsedAboveLimit: return "gas used above limit";
        case LinkVerdict::kUnknownLayout: return "unknown layout";
        case LinkVerdict::kLayoutRegressed: return "layout regressed";
    }
    return "unknown";
}

LinkVerdict verify_link(const BlockHeader& parent, const BlockHeader& child, LinkRules rules) {
    return verify_link(parent, compute_hash(parent), child, rules);
}

LinkVerdict verify_link(const BlockHeader& parent, const Hash& parent_hash, const BlockHeader& child,
                        LinkRules rules) {
    if (child.parent_hash != parent_hash) return LinkVerdict::kParentHashMismatch;
    if (parent.number == UINT64_MAX || child.number != parent.number + 1)
        return LinkVerdict::kNumberNotSequential;
    const bool time_ok = rules.timestamp == TimestampRule::kStrictlyIncreasing
                             ? child.timestamp > parent.timestamp
                             : child.timestamp >= parent.timestamp;
    if (!time_ok) return LinkVerdict::kTimestampNotIncreasing;
    if (child.gas_used > child.gas_limit) return LinkVerdict::kGasUsedAboveLimit;
    const auto parent_layout = layout_of(parent);
    const auto child_layout = layout_of(child);
    if (!parent_layout || !child_layout) return LinkVerdict::kUnknownLayout;
    if (*child_layout < *parent_layout) return LinkVerdict::kLayoutRegressed;
    return LinkVerdict::kValid;
}

}  // namespace causeway::headers
