#include "core/hex.hpp"

#include <array>

#include "core/keccak.hpp"

namespace causeway {

namespace {

constexpr char kDigits[] = "0123456789abcdef";

constexpr std::array<int8_t, 256> make_nibble_table() {
    std::array<int8_t, 256> t{};
    for (auto& v : t) v = -1;
    for (int i = 0; i < 10; ++i) t['0' + i] = static_cast<int8_t>(i);
    for (int i = 0; i < 6; ++i) {
        t['a' + i] = static_cast<int8_t>(10 + i);
        t['A' + i] = static_cast<int8_t>(10 + i);
    }
    return t;
}
constexpr auto kNibble = make_nibble_table();

std::expected<std::string_view, HexError> strip_prefix(std::string_view text, HexPrefix prefix) {
    if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        return text.substr(2);
    }
    if (prefix == HexPrefix::kRequired) return std::unexpected(HexError{HexError::Code::kMissingPrefix});
    return text;
}

template <std::size_t N>
std::expected<FixedBytes<N>, HexError> fixed_from_hex(std::string_view text, HexPrefix prefix) {
    auto bytes = from_hex(text, prefix);
    if (!bytes) return std::unexpected(bytes.error());
    if (bytes->size() != N) {
        return std::unexpected(HexError{HexError::Code::kWrongLength, 0, N, bytes->size()});
    }
    FixedBytes<N> out;
    std::copy(bytes->begin(), bytes->end(), out.bytes.begin());
    return out;
}

}  // namespace

std::string HexError::message() const {
    switch (code) {
        case Code::kMissingPrefix: return "hex value must start with 0x";
        case Code::kOddLength: return "hex value has an odd number of digits";
        case Code::kInvalidDigit: return "invalid hex digit at offset " + std::to_string(position);
        case Code::kWrongLength:
            return "expected " + std::to_string(expected) + " bytes, got " + std::to_string(actual);
        case Code::kBadChecksum: return "address has an invalid EIP-55 checksum";
    }
    return "invalid hex";
}

std::expected<Bytes, HexError> from_hex(std::string_view text, HexPrefix prefix) {
    const std::size_t offset = text.size();
    auto digits = strip_prefix(text, prefix);
    if (!digits) return std::unexpected(digits.error());
    const std::size_t base = offset - digits->size();
    if (digits->size() % 2 != 0) return std::unexpected(HexError{HexError::Code::kOddLength});
    Bytes out(digits->size() / 2, 0);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int8_t hi = kNibble[static_cast<uint8_t>((*digits)[2 * i])];
        const int8_t lo = kNibble[static_cast<uint8_t>((*digits)[2 * i + 1])];
        if (hi < 0) return std::unexpected(HexError{HexError::Code::kInvalidDigit, base + 2 * i});
        if (lo < 0) return std::unexpected(HexError{HexError::Code::kInvalidDigit, base + 2 * i + 1});
        out[i] = static_cast<uint8_t>((hi << 4) | lo);
    }
    return out;
}

std::string to_hex(ByteView bytes, bool with_prefix) {
    std::string out;
    out.reserve(bytes.size() * 2 + 2);
    if (with_prefix) out += "0x";
    for (uint8_t b : bytes) {
        out += kDigits[b >> 4];
        out += kDigits[b & 0xf];
    }
    return out;
}

std::expected<Hash, HexError> hash_from_hex(std::string_view text, HexPrefix prefix) {
    return fixed_from_hex<32>(text, prefix);
}

std::string to_checksum_hex(const Address& address) {
    const std::string lower = to_hex(address.view(), false);
    const Hash h = keccak256(to_view(lower));
    std::string out = "0x";
    for (std::size_t i = 0; i < lower.size(); ++i) {
        const uint8_t nibble = (i % 2 == 0) ? (h[i / 2] >> 4) : (h[i / 2] & 0xf);
        const char c = lower[i];
        out += (c >= 'a' && nibble >= 8) ? static_cast<char>(c - 'a' + 'A') : c;
    }
    return out;
}

std::expected<Address, HexError> address_from_hex(std::string_view text, HexPrefix prefix) {
    auto address = fixed_from_hex<20>(text, prefix);
    if (!address) return address;
    const std::string_view digits = text.substr(text.size() - 40);
    const bool has_lower = digits.find_first_of("abcdef") != std::string_view::npos;
    const bool has_upper = digits.find_first_of("ABCDEF") != std::string_view::npos;
    if (has_lower && has_upper && to_checksum_hex(*address).substr(2) != digits) {
        return std::unexpected(HexError{HexError::Code::kBadChecksum});
    }
    return address;
}

}  // namespace causeway
