#include <catch2/catch.hpp>

#include "core/hex.hpp"
#include "tests/support/vectors.hpp"

using namespace causeway;

TEST_CASE("hex parsing is strict", "[core][hex]") {
    CHECK(from_hex("0x") == Bytes{});
    CHECK(from_hex("0x00ff10") == Bytes{0x00, 0xff, 0x10});
    CHECK(from_hex("0XABcd") == Bytes{0xab, 0xcd});
    CHECK(from_hex("abcd").error().code == HexError::Code::kMissingPrefix);
    CHECK(from_hex("abcd", HexPrefix::kOptional) == Bytes{0xab, 0xcd});
    CHECK(from_hex("0xabc").error().code == HexError::Code::kOddLength);
    const auto bad = from_hex("0x12g4");
    REQUIRE(!bad);
    CHECK(bad.error().code == HexError::Code::kInvalidDigit);
    CHECK(bad.error().position == 4);
    CHECK(bad.error().message() == "invalid hex digit at offset 4");
    CHECK(from_hex("0x1 ").error().position == 3);
    CHECK(from_hex("").error().code == HexError::Code::kMissingPrefix);
    CHECK(to_hex(Bytes{0x00, 0xab}) == "0x00ab");
    CHECK(to_hex(Bytes{}) == "0x");
}

TEST_CASE("fixed-size values check their length", "[core][hex]") {
    const auto short_hash = hash_from_hex("0x1234");
    REQUIRE(!short_hash);
    CHECK(short_hash.error().code == HexError::Code::kWrongLength);
    CHECK(short_hash.error().message() == "expected 32 bytes, got 2");
    CHECK(hash_from_hex("0x" + std::string(64, 'f')).has_value());
    CHECK(!address_from_hex("0x" + std::string(42, '0')).has_value());
}

// EIP-55's own examples (eips.ethereum.org/EIPS/eip-55).
TEST_CASE("EIP-55 checksums", "[core][hex]") {
    const char* examples[] = {
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        "0x52908400098527886E0F7030069857D2E4169EE7", "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77", "0x27b1fdb04752bbc536007a920d24acb045561c26",
    };
    for (const char* text : examples) {
        const auto a = address_from_hex(text);
        REQUIRE(a);
        CHECK(to_checksum_hex(*a) == text);
    }
    // Lower-case and upper-case forms carry no checksum and are accepted.
    CHECK(address_from_hex("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed").has_value());
    CHECK(address_from_hex("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED").has_value());
    // One flipped capital breaks the checksum.
    const auto wrong = address_from_hex("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD");
    REQUIRE(!wrong);
    CHECK(wrong.error().code == HexError::Code::kBadChecksum);
}

// ethers testcases/accounts.json.gz: checksummed addresses.
TEST_CASE("ethers account addresses round-trip through EIP-55", "[core][hex][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto cases = test::read_vector_json("secp256k1/ethers/accounts.json.gz").as_array();
    std::size_t n = 0;
    for (const auto& c : cases) {
        const std::string address = test::json_string(c.at("address"));
        const auto a = address_from_hex(address);
        REQUIRE(a);
        CHECK(to_checksum_hex(*a) == address);
        ++n;
    }
    CHECK(n == cases.size());
    test::report_cases("secp256k1/ethers/accounts.json.gz (EIP-55)", n);
}
