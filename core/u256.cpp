#include "core/u256.hpp"

#include <algorithm>

namespace causeway {

std::string_view to_string(NumberError e) noexcept {
    switch (e) {
        case NumberError::kEmpty: return "no digits";
        case NumberError::kInvalidDigit: return "invalid digit";
        case NumberError::kOverflow: return "value does not fit in 256 bits";
        case NumberError::kLeadingZero: return "quantity has leading zeros";
        case NumberError::kMissingPrefix: return "hex quantity must start with 0x";
    }
    return "invalid number";
}

u256 u256_from_be(ByteView bytes) noexcept {
    // Assemble 64-bit words first: one wide shift per word instead of one per byte.
    if (bytes.size() > 32) bytes = bytes.substr(bytes.size() - 32);
    uint64_t words[4] = {0, 0, 0, 0};  // most significant first
    const std::size_t pad = 32 - bytes.size();
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const std::size_t pos = pad + i;
        words[pos / 8] |= static_cast<uint64_t>(bytes[i]) << (8 * (7 - pos % 8));
    }
    u256 r = words[0];
    for (int i = 1; i < 4; ++i) {
        r <<= 64;
        r |= words[i];
    }
    return r;
}

void u256_to_be(const u256& value, uint8_t out[32]) noexcept {
    u256 v = value;
    for (int i = 31; i >= 0; --i) {
        out[i] = static_cast<uint8_t>(v & 0xff);
        v >>= 8;
    }
}

Hash u256_to_hash(const u256& value) noexcept {
    Hash h;
    u256_to_be(value, h.data());
    return h;
}

std::size_t u256_byte_length(const u256& value) noexcept {
    if (value == 0) return 0;
    return static_cast<std::size_t>(boost::multiprecision::msb(value)) / 8 + 1;
}

Bytes u256_to_compact_be(const u256& value) {
    uint8_t full[32];
    u256_to_be(value, full);
    const std::size_t n = u256_byte_length(value);
    return Bytes(full + 32 - n, n);
}

std::expected<u256, NumberError> parse_u256(std::string_view text) noexcept {
    const bool hex = text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    if (hex) text.remove_prefix(2);
    if (text.empty()) return std::unexpected(NumberError::kEmpty);
    u256 r = 0;
    const u256 max = ~u256(0);
    const unsigned radix = hex ? 16 : 10;
    for (char c : text) {
        unsigned d;
        if (c >= '0' && c <= '9')
            d = static_cast<unsigned>(c - '0');
        else if (hex && c >= 'a' && c <= 'f')
            d = static_cast<unsigned>(c - 'a' + 10);
        else if (hex && c >= 'A' && c <= 'F')
            d = static_cast<unsigned>(c - 'A' + 10);
        else
            return std::unexpected(NumberError::kInvalidDigit);
        if (r > (max - d) / radix) return std::unexpected(NumberError::kOverflow);
        r = r * radix + d;
    }
    return r;
}

std::string to_decimal(const u256& value) {
    return value.str();
}

std::string to_hex_quantity(const u256& value) {
    if (value == 0) return "0x0";
    std::string digits;
    u256 v = value;
    constexpr char kDigits[] = "0123456789abcdef";
    while (v != 0) {
        digits += kDigits[static_cast<unsigned>(v & 0xf)];
        v >>= 4;
    }
    std::reverse(digits.begin(), digits.end());
    return "0x" + digits;
}

}  // namespace causeway
