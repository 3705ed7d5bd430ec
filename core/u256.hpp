// 256-bit unsigned integers with Ethereum's byte and text forms.
#pragma once

#include <boost/multiprecision/cpp_int.hpp>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

#include "core/bytes.hpp"

namespace causeway {

using u256 = boost::multiprecision::uint256_t;
// Wide enough for products of two u256 values (gas limit times gas price, say).
using u512 = boost::multiprecision::uint512_t;

enum class NumberError : uint8_t {
    kEmpty,          // no digits
    kInvalidDigit,   // a character outside the radix
    kOverflow,       // the value needs more than 256 bits
    kLeadingZero,    // "0x0123" where a JSON-RPC quantity must be minimal
    kMissingPrefix,  // hex quantity without 0x
};
[[nodiscard]] std::string_view to_string(NumberError e) noexcept;

// Big-endian bytes (at most 32) to a number; shorter input is treated as left-padded.
[[nodiscard]] u256 u256_from_be(ByteView bytes) noexcept;
// The number as 32 big-endian bytes.
void u256_to_be(const u256& value, uint8_t out[32]) noexcept;
[[nodiscard]] Hash u256_to_hash(const u256& value) noexcept;
// Minimal big-endian form: no leading zero bytes, empty for zero (RLP's integer form).
[[nodiscard]] Bytes u256_to_compact_be(const u256& value);
[[nodiscard]] std::size_t u256_byte_length(const u256& value) noexcept;

// Decimal digits, or hex digits after "0x" (leading zeros allowed in both).
[[nodiscard]] std::expected<u256, NumberError> parse_u256(std::string_view text) noexcept;
[[nodiscard]] std::string to_decimal(const u256& value);
// Minimal "0x"-prefixed hex, "0x0" for zero (a JSON-RPC quantity).
[[nodiscard]] std::string to_hex_quantity(const u256& value);

}  // namespace causeway
