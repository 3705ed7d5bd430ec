#include <catch2/catch.hpp>

#include "core/hex.hpp"
#include "core/u256.hpp"

using namespace causeway;

TEST_CASE("u256 text forms", "[core][u256]") {
    const std::string max_dec =
        "115792089237316195423570985008687907853269984665640564039457584007913129639935";
    const auto max = parse_u256(max_dec);
    REQUIRE(max);
    CHECK(*max == ~u256(0));
    CHECK(to_decimal(*max) == max_dec);
    CHECK(to_hex_quantity(*max) == "0x" + std::string(64, 'f'));
    CHECK(parse_u256("115792089237316195423570985008687907853269984665640564039457584007913129639936")
              .error() == NumberError::kOverflow);
    CHECK(parse_u256("0x1" + std::string(64, '0')).error() == NumberError::kOverflow);
    CHECK(parse_u256("").error() == NumberError::kEmpty);
    CHECK(parse_u256("0x").error() == NumberError::kEmpty);
    CHECK(parse_u256("12a").error() == NumberError::kInvalidDigit);
    CHECK(parse_u256("0xfg").error() == NumberError::kInvalidDigit);
    CHECK(*parse_u256("0x00ff") == 255);
    CHECK(to_hex_quantity(0) == "0x0");
    CHECK(to_hex_quantity(0x1a) == "0x1a");
}

TEST_CASE("u256 big-endian bytes", "[core][u256]") {
    const Bytes be = *from_hex("0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");
    const u256 v = u256_from_be(be);
    CHECK(to_hex(u256_to_hash(v).view()) == to_hex(be));
    CHECK(u256_to_compact_be(v) == be.substr(0));
    CHECK(u256_from_be(Bytes{0x01, 0x00}) == 256);
    CHECK(u256_to_compact_be(0).empty());
    CHECK(u256_to_compact_be(256) == Bytes{0x01, 0x00});
    CHECK(u256_byte_length(255) == 1);
    CHECK(u256_byte_length(u256(1) << 255) == 32);
}
