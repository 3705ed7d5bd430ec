// Strict 0x-prefixed hex parsing and formatting, and EIP-55 checksummed addresses.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

#include "core/bytes.hpp"

namespace causeway {

struct HexError {
    enum class Code : uint8_t {
        kMissingPrefix,  // text does not start with "0x"
        kOddLength,      // an odd number of digits where whole bytes are expected
        kInvalidDigit,   // a character that is not [0-9a-fA-F]
        kWrongLength,    // the value has another size than the fixed type needs
        kBadChecksum,    // mixed-case address whose capitalisation breaks EIP-55
    };
    Code code;
    std::size_t position = 0;  // offset in the input of the offending character, when meaningful
    std::size_t expected = 0;  // expected byte count for kWrongLength
    std::size_t actual = 0;

    [[nodiscard]] std::string message() const;
    friend bool operator==(const HexError&, const HexError&) = default;
};

enum class HexPrefix : uint8_t { kRequired, kOptional };

// Parses hex digits into bytes; "0x" alone is the empty string.
[[nodiscard]] std::expected<Bytes, HexError> from_hex(std::string_view text,
                                                      HexPrefix prefix = HexPrefix::kRequired);

// Lower-case hex with "0x" prefix.
[[nodiscard]] std::string to_hex(ByteView bytes, bool with_prefix = true);

[[nodiscard]] std::expected<Hash, HexError> hash_from_hex(std::string_view text,
                                                          HexPrefix prefix = HexPrefix::kRequired);

// Accepts all-lower, all-upper or a correct EIP-55 mixed-case checksum; rejects a wrong checksum.
[[nodiscard]] std::expected<Address, HexError> address_from_hex(std::string_view text,
                                                                HexPrefix prefix = HexPrefix::kRequired);

// EIP-55 mixed-case checksum encoding, "0x"-prefixed.
[[nodiscard]] std::string to_checksum_hex(const Address& address);

template <std::size_t N>
[[nodiscard]] std::string to_hex(const FixedBytes<N>& b) {
    return to_hex(b.view());
}

}  // namespace causeway
