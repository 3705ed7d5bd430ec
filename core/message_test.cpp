#include <catch2/catch.hpp>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "core/message.hpp"
#include "tests/support/vectors.hpp"

using namespace causeway;

namespace {

Message sample() {
    Message m;
    m.nonce = 0x01020304;
    m.origin = 1000;
    m.sender = Hash::left_padded(*from_hex("0x1111111111111111111111111111111111111111"));
    m.destination = 2000;
    m.recipient = Hash::left_padded(*from_hex("0x2222222222222222222222222222222222222222"));
    m.body = Bytes{0x12, 0x34};
    return m;
}

}  // namespace

// hyperlane-monorepo vectors/message.json: the fields of a v3 message and its id.
TEST_CASE("Hyperlane message.json ids", "[core][message][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto cases = test::read_vector_json("hyperlane/message.json").as_array();
    std::size_t n = 0;
    for (const auto& c : cases) {
        Message m;
        m.version = static_cast<uint8_t>(c.at("version").to_number<int>());
        m.nonce = c.at("nonce").to_number<uint32_t>();
        m.origin = c.at("origin").to_number<uint32_t>();
        m.sender = *hash_from_hex(test::json_string(c.at("sender")));
        m.destination = c.at("destination").to_number<uint32_t>();
        m.recipient = *hash_from_hex(test::json_string(c.at("recipient")));
        for (const auto& b : c.at("body").as_array())
            m.body.push_back(static_cast<uint8_t>(b.to_number<int>()));
        CHECK(to_hex(message_id(m)) == test::json_string(c.at("id")));

        Bytes encoded;
        encode(encoded, m);
        CHECK(encoded.size() == kMessageHeaderSize + m.body.size());
        ByteView in = encoded;
        const auto back = decode_message(in);
        REQUIRE(back);
        CHECK(in.empty());
        CHECK(*back == m);
        ++n;
    }
    REQUIRE(n == cases.size());
    test::report_cases("hyperlane/message.json", n);
}

TEST_CASE("message layout is abi.encodePacked of the v3 fields", "[core][message]") {
    Bytes out{0xee};  // encoders append
    encode(out, sample());
    CHECK(to_hex(out) ==
          "0xee"
          "03"
          "01020304"
          "000003e8"
          "0000000000000000000000001111111111111111111111111111111111111111"
          "000007d0"
          "0000000000000000000000002222222222222222222222222222222222222222"
          "1234");
    CHECK(message_id(sample()) == keccak256(ByteView(out).substr(1)));
}

TEST_CASE("message decoding is strict", "[core][message]") {
    Bytes encoded;
    Message empty_body = sample();
    empty_body.body.clear();
    encode(encoded, empty_body);
    REQUIRE(encoded.size() == kMessageHeaderSize);

    ByteView in = encoded;
    auto ok = decode_message(in);
    REQUIRE(ok);
    CHECK(ok->body.empty());
    CHECK(in.empty());

    // One byte short of the fixed fields.
    in = ByteView(encoded).substr(0, kMessageHeaderSize - 1);
    CHECK(decode_message(in).error() == MessageError::kTruncated);
    CHECK(in.size() == kMessageHeaderSize - 1);  // not consumed on error
    in = ByteView{};
    CHECK(decode_message(in).error() == MessageError::kTruncated);

    for (uint8_t version : {0, 1, 2, 4, 0xff}) {
        Bytes other = encoded;
        other[0] = version;
        in = other;
        CHECK(decode_message(in).error() == MessageError::kUnsupportedVersion);
    }
    CHECK(!to_string(MessageError::kTruncated).empty());
    CHECK(!to_string(MessageError::kUnsupportedVersion).empty());
}

TEST_CASE("every byte of a message changes its id", "[core][message]") {
    Bytes encoded;
    encode(encoded, sample());
    const Hash id = keccak256(encoded);
    std::size_t n = 0;
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        Bytes changed = encoded;
        changed[i] ^= 0x01;
        ByteView in = changed;
        auto m = decode_message(in);
        if (i == 0) {
            CHECK(!m);  // the version byte
            continue;
        }
        REQUIRE(m);
        CHECK(message_id(*m) != id);
        ++n;
    }
    CHECK(n == encoded.size() - 1);
    REQUIRE(n >= kMessageHeaderSize);  // the header but its version byte, and the body
}

// Hyperlane TokenMessage.format: abi.encodePacked(bytes32 recipient, uint256 amount, bytes metadata).
TEST_CASE("collateral body encodes and decodes", "[core][message][collateral]") {
    CollateralBody body;
    body.recipient = Hash::left_padded(*from_hex("0x70997970c51812dc3a010c7d01b50e0d17dc79c8"));
    body.amount = *parse_u256("1000000000000000000");
    body.metadata = Bytes{0x01, 0xaa};
    Bytes out;
    encode(out, body);
    CHECK(to_hex(out) ==
          "0x00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8"
          "0000000000000000000000000000000000000000000000000de0b6b3a7640000"
          "01aa");
    ByteView in = out;
    auto back = decode_collateral_body(in);
    REQUIRE(back);
    CHECK(in.empty());
    CHECK(*back == body);

    // Without metadata: exactly 64 bytes.
    body.metadata.clear();
    body.amount =
        *parse_u256("115792089237316195423570985008687907853269984665640564039457584007913129639935");
    out.clear();
    encode(out, body);
    REQUIRE(out.size() == 64);
    in = out;
    back = decode_collateral_body(in);
    REQUIRE(back);
    CHECK(*back == body);

    in = ByteView(out).substr(0, 63);
    CHECK(decode_collateral_body(in).error() == CollateralBodyError::kTruncated);
    CHECK(!to_string(CollateralBodyError::kTruncated).empty());

    // A message carrying a collateral body round-trips through both layers.
    Message m = sample();
    m.body = out;
    Bytes wire;
    encode(wire, m);
    in = wire;
    auto decoded = decode_message(in);
    REQUIRE(decoded);
    ByteView body_view = decoded->body;
    auto inner = decode_collateral_body(body_view);
    REQUIRE(inner);
    CHECK(*inner == body);
}
