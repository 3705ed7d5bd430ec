// Fuzzes the hex parsers (core/hex.hpp) on arbitrary text and checks properties that hold for every
// input. Every parser runs on every input, so no input byte is spent on choosing one.
//
// Hex is not canonical in one respect: digits may be upper or lower case (and the prefix 0x or 0X),
// while to_hex writes lower case. So the round-trip property is "to_hex(parse(text)) equals the
// lower-cased text", not plain identity. Properties:
//  * from_hex ok  => to_hex(bytes) == lower(text) (with or without the prefix, as the input had it);
//  * from_hex errors are the documented ones: kMissingPrefix exactly when a required prefix is
//    absent, kOddLength exactly for an odd digit count, kInvalidDigit pointing at the first
//    character that is not a hex digit;
//  * HexPrefix::kRequired and kOptional agree on prefixed input;
//  * hash_from_hex ok <=> from_hex ok with 32 bytes (same bytes); kWrongLength reports the size;
//  * address_from_hex ok => from_hex gives the same 20 bytes, and a mixed-case input is exactly the
//    EIP-55 form; it fails with kBadChecksum only for mixed case; and the EIP-55 form of any parsed
//    address parses back to it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "core/hex.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using namespace causeway;

bool is_hex_digit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

bool has_prefix(std::string_view text) {
    return text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
}

// Checks one from_hex result against a direct reading of the text.
void check_from_hex(std::string_view text, HexPrefix mode, const std::expected<Bytes, HexError>& r) {
    if (!r) (void)r.error().message();
    const bool prefixed = has_prefix(text);
    if (!prefixed && mode == HexPrefix::kRequired) {
        CAUSEWAY_CHECK(!r && r.error().code == HexError::Code::kMissingPrefix);
        return;
    }
    const std::string_view digits = prefixed ? text.substr(2) : text;
    const std::size_t base = text.size() - digits.size();
    if (digits.size() % 2 != 0) {
        CAUSEWAY_CHECK(!r && r.error().code == HexError::Code::kOddLength);
        return;
    }
    std::size_t bad = 0;
    while (bad < digits.size() && is_hex_digit(digits[bad])) ++bad;
    if (bad < digits.size()) {
        CAUSEWAY_CHECK(!r && r.error().code == HexError::Code::kInvalidDigit);
        CAUSEWAY_CHECK(r.error().position == base + bad);
        CAUSEWAY_CHECK(!is_hex_digit(text[r.error().position]));
        return;
    }
    CAUSEWAY_CHECK(r.has_value());
    CAUSEWAY_CHECK(r->size() * 2 == digits.size());
    CAUSEWAY_CHECK(to_hex(*r, prefixed) == lower(text));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const std::string_view text{reinterpret_cast<const char*>(data), size};

    auto required = from_hex(text, HexPrefix::kRequired);
    check_from_hex(text, HexPrefix::kRequired, required);
    auto optional = from_hex(text, HexPrefix::kOptional);
    check_from_hex(text, HexPrefix::kOptional, optional);
    if (has_prefix(text)) {
        CAUSEWAY_CHECK(required.has_value() == optional.has_value());
        if (required) CAUSEWAY_CHECK(*required == *optional);
    }

    for (HexPrefix mode : {HexPrefix::kRequired, HexPrefix::kOptional}) {
        const auto& bytes = mode == HexPrefix::kRequired ? required : optional;

        auto hash = hash_from_hex(text, mode);
        CAUSEWAY_CHECK(hash.has_value() == (bytes.has_value() && bytes->size() == 32));
        if (hash) {
            CAUSEWAY_CHECK(hash->view() == ByteView{*bytes});
        } else if (bytes) {
            CAUSEWAY_CHECK(hash.error().code == HexError::Code::kWrongLength);
            CAUSEWAY_CHECK(hash.error().expected == 32 && hash.error().actual == bytes->size());
        } else {
            CAUSEWAY_CHECK(hash.error() == bytes.error());
        }

        auto address = address_from_hex(text, mode);
        if (!bytes || bytes->size() != 20) {
            CAUSEWAY_CHECK(!address);
            if (bytes) CAUSEWAY_CHECK(address.error().code == HexError::Code::kWrongLength);
            continue;
        }
        const std::string_view digits = text.substr(text.size() - 40);
        const bool mixed = digits.find_first_of("abcdef") != std::string_view::npos &&
                           digits.find_first_of("ABCDEF") != std::string_view::npos;
        const Address expected = Address::left_padded(*bytes);
        const std::string checksummed = to_checksum_hex(expected);
        CAUSEWAY_CHECK(checksummed.size() == 42 && lower(checksummed) == "0x" + lower(digits));
        if (address) {
            CAUSEWAY_CHECK(*address == expected);
            if (mixed) CAUSEWAY_CHECK(std::string_view{checksummed}.substr(2) == digits);
        } else {
            CAUSEWAY_CHECK(mixed && address.error().code == HexError::Code::kBadChecksum);
            CAUSEWAY_CHECK(std::string_view{checksummed}.substr(2) != digits);
        }
        auto back = address_from_hex(checksummed);
        CAUSEWAY_CHECK(back && *back == expected);
    }
    return 0;
}
