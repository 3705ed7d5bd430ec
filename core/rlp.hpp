// Recursive Length Prefix (Yellow Paper, appendix B).
// Decoders take a byte view, advance it past what they read, and return std::expected; they are
// strict: every non-canonical form is a named error. Encoders append to a caller's buffer.
#pragma once

#include <cstdint>
#include <expected>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "core/u256.hpp"

namespace causeway::rlp {

enum class DecodingError : uint8_t {
    kInputTooShort,           // a header or payload runs past the end of the input
    kInputTooLong,            // bytes follow the item where the input should end
    kLeadingZero,             // an integer with a leading zero byte
    kNonCanonicalSize,        // long form for a length below 56, or a length with leading zeros
    kNonCanonicalSingleByte,  // a single byte below 0x80 wrapped in a string header (0x81 0x05)
    kUnexpectedList,          // a list where a string was expected
    kUnexpectedString,        // a string where a list was expected
    kOverflow,                // a value wider than its target type
    kUnexpectedLength,        // a fixed-size string (hash, address) of another length
    kListLengthMismatch,      // a list's items do not fill its payload exactly
    kTooFewElements,          // a list ended before all of a structure's fields were read
    kTooDeep,                 // nesting deeper than kMaxDepth
};
[[nodiscard]] std::string_view to_string(DecodingError e) noexcept;

inline constexpr std::size_t kMaxDepth = 1024;

struct Header {
    bool list = false;
    std::size_t payload_length = 0;
};

// ----- decoding -----

// Reads a header; for a single byte below 0x80 consumes nothing and reports a 1-byte string.
[[nodiscard]] std::expected<Header, DecodingError> decode_header(ByteView& from) noexcept;
// A string item's payload (a view into `from`).
[[nodiscard]] std::expected<ByteView, DecodingError> decode_string(ByteView& from) noexcept;
// A list item's payload (a view into `from`), to be decoded item by item.
[[nodiscard]] std::expected<ByteView, DecodingError> decode_list(ByteView& from) noexcept;
[[nodiscard]] std::expected<uint64_t, DecodingError> decode_uint64(ByteView& from) noexcept;
[[nodiscard]] std::expected<u256, DecodingError> decode_u256(ByteView& from) noexcept;
[[nodiscard]] std::expected<bool, DecodingError> decode_bool(ByteView& from) noexcept;

template <std::size_t N>
[[nodiscard]] std::expected<FixedBytes<N>, DecodingError> decode_fixed(ByteView& from) noexcept {
    auto s = decode_string(from);
    if (!s) return std::unexpected(s.error());
    if (s->size() != N) return std::unexpected(DecodingError::kUnexpectedLength);
    FixedBytes<N> out;
    std::copy(s->begin(), s->end(), out.bytes.begin());
    return out;
}

// Splits a list payload into its items' encodings' payload views, without copying. Items that are
// lists are returned as their payload too; `kinds` (when given) records which were lists.
[[nodiscard]] std::expected<void, DecodingError> decode_list_items(ByteView payload,
                                                                   std::vector<ByteView>& items,
                                                                   std::vector<bool>* kinds = nullptr);

// Any item as a tree.
struct Item {
    bool list = false;
    Bytes bytes;              // a string's payload
    std::vector<Item> items;  // a list's items
    friend bool operator==(const Item&, const Item&) = default;
};
[[nodiscard]] std::expected<Item, DecodingError> decode_item(ByteView& from);

// Decodes one whole input with `decode`, and fails with kInputTooLong when bytes are left over.
template <typename F>
[[nodiscard]] auto decode_exact(ByteView input, F&& decode) -> decltype(decode(input)) {
    auto r = decode(input);
    if (r && !input.empty()) return std::unexpected(DecodingError::kInputTooLong);
    return r;
}

// ----- encoding -----

[[nodiscard]] std::size_t length_of_length(std::size_t payload_length) noexcept;
void encode_header(Bytes& to, Header header);
void encode(Bytes& to, ByteView string);
void encode(Bytes& to, uint64_t n);
void encode(Bytes& to, const u256& n);
template <std::size_t N>
void encode(Bytes& to, const FixedBytes<N>& b) {
    encode(to, b.view());
}
void encode(Bytes& to, const Item& item);

// Encoded sizes, for writing a list header before its items.
[[nodiscard]] std::size_t length(ByteView string) noexcept;
[[nodiscard]] std::size_t length(uint64_t n) noexcept;
[[nodiscard]] std::size_t length(const u256& n) noexcept;
template <std::size_t N>
[[nodiscard]] std::size_t length(const FixedBytes<N>& b) noexcept {
    return length(b.view());
}

}  // namespace causeway::rlp
