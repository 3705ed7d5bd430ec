#include <catch2/catch.hpp>

#include "core/hex.hpp"
#include "core/rlp.hpp"
#include "tests/support/vectors.hpp"

using namespace causeway;
using rlp::DecodingError;

namespace {

std::expected<rlp::Item, DecodingError> decode_whole(ByteView in) {
    return rlp::decode_exact(in, [](ByteView& v) { return rlp::decode_item(v); });
}

// ethereum/tests RLPTests "in": a string, an integer, "#<decimal>" big integer, or a nested list.
rlp::Item item_from_test_json(const boost::json::value& v) {
    rlp::Item item;
    if (v.is_array()) {
        item.list = true;
        for (const auto& child : v.as_array()) item.items.push_back(item_from_test_json(child));
    } else if (v.is_int64() || v.is_uint64()) {
        item.bytes = u256_to_compact_be(u256(v.to_number<uint64_t>()));
    } else {
        const std::string s = test::json_string(v);
        if (s.starts_with("#")) {
            // Big integers may exceed 256 bits (the "bigint" case is 2^256).
            boost::multiprecision::cpp_int big(s.substr(1));
            while (big != 0) {
                item.bytes.insert(item.bytes.begin(), static_cast<uint8_t>(big & 0xff));
                big >>= 8;
            }
        } else {
            item.bytes.assign(to_view(s));
        }
    }
    return item;
}

// ethers testcases/rlp.json.gz "decoded": nested arrays of 0x-hex strings.
rlp::Item item_from_ethers_json(const boost::json::value& v) {
    rlp::Item item;
    if (v.is_array()) {
        item.list = true;
        for (const auto& child : v.as_array()) item.items.push_back(item_from_ethers_json(child));
    } else {
        item.bytes = test::bytes_from_any_hex(test::json_string(v));
    }
    return item;
}

Bytes hex(std::string_view s) {
    return *from_hex(s, HexPrefix::kOptional);
}

}  // namespace

TEST_CASE("RLP integers and strings encode canonically", "[core][rlp]") {
    Bytes out;
    rlp::encode(out, uint64_t{0});
    rlp::encode(out, uint64_t{0x7f});
    rlp::encode(out, uint64_t{0x80});
    rlp::encode(out, uint64_t{0x0400});
    CHECK(to_hex(out) ==
          "0x807f81808204"
          "00");
    out.clear();
    rlp::encode(out, to_view("dog"));
    CHECK(to_hex(out) == "0x83646f67");
    out.clear();
    rlp::encode(out, Bytes(56, 0xaa));
    CHECK(out.substr(0, 2) == hex("b838"));
    CHECK(rlp::length(Bytes(56, 0xaa)) == out.size());
    CHECK(rlp::length(uint64_t{0x0400}) == 3);
    CHECK(rlp::length(u256(1) << 255) == 33);
}

TEST_CASE("RLP decoding names each non-canonical form", "[core][rlp]") {
    struct Case {
        const char* hex;
        DecodingError error;
    };
    const Case cases[] = {
        {"", DecodingError::kInputTooShort},
        {"83646f", DecodingError::kInputTooShort},
        {"8100", DecodingError::kNonCanonicalSingleByte},
        {"817f", DecodingError::kNonCanonicalSingleByte},
        {"b800", DecodingError::kNonCanonicalSize},
        {"b80100", DecodingError::kNonCanonicalSize},
        {"b90040", DecodingError::kNonCanonicalSize},
        {"f80100", DecodingError::kNonCanonicalSize},
        {"c5010203", DecodingError::kInputTooShort},
        {"8080", DecodingError::kInputTooLong},
        {"c3808080ff", DecodingError::kInputTooLong},
    };
    for (const auto& c : cases) {
        INFO(c.hex);
        const auto r = decode_whole(hex(c.hex));
        REQUIRE(!r);
        CHECK(r.error() == c.error);
    }
}

TEST_CASE("RLP integer decoding rejects leading zeros and overflow", "[core][rlp]") {
    ByteView v;
    Bytes in = hex("820001");
    v = in;
    CHECK(rlp::decode_uint64(v).error() == DecodingError::kLeadingZero);
    in = hex("00");
    v = in;
    CHECK(rlp::decode_uint64(v).error() == DecodingError::kLeadingZero);
    in = hex("89010000000000000000");
    v = in;
    CHECK(rlp::decode_uint64(v).error() == DecodingError::kOverflow);
    in =
        hex("a1"
            "01" +
            std::string(64, '0'));
    v = in;
    CHECK(rlp::decode_u256(v).error() == DecodingError::kOverflow);
    in = hex("c0");
    v = in;
    CHECK(rlp::decode_uint64(v).error() == DecodingError::kUnexpectedList);
    in = hex("80");
    v = in;
    CHECK(rlp::decode_list(v).error() == DecodingError::kUnexpectedString);
    in = hex("8203e8");
    v = in;
    CHECK(*rlp::decode_uint64(v) == 1000);
    CHECK(v.empty());
    in = hex("83010203");
    v = in;
    CHECK(rlp::decode_fixed<4>(v).error() == DecodingError::kUnexpectedLength);
}

TEST_CASE("RLP rejects nesting beyond the depth limit", "[core][rlp]") {
    // 2000 nested one-item lists: each level is "c1"-style only at the bottom, so build bottom-up.
    Bytes enc = hex("c0");
    for (int i = 0; i < 2000; ++i) {
        Bytes outer;
        rlp::encode_header(outer, {true, enc.size()});
        outer += enc;
        enc = std::move(outer);
    }
    CHECK(decode_whole(enc).error() == DecodingError::kTooDeep);
}

// ethereum/tests RLPTests/rlptest.json.
TEST_CASE("RLP matches ethereum/tests rlptest.json", "[core][rlp][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto tests = test::read_vector_json("rlp/rlptest.json").as_object();
    std::size_t n = 0;
    for (const auto& [name, t] : tests) {
        INFO(std::string(name));
        const rlp::Item item = item_from_test_json(t.at("in"));
        Bytes out;
        rlp::encode(out, item);
        CHECK(to_hex(out) == test::json_string(t.at("out")));
        const auto decoded = decode_whole(out);
        REQUIRE(decoded);
        CHECK(*decoded == item);
        ++n;
    }
    REQUIRE(n == tests.size());
    test::report_cases("rlp/rlptest.json", n);
}

// ethereum/tests RLPTests/invalidRLPTest.json and RandomRLPTests/example.json.
TEST_CASE("RLP rejects every ethereum/tests invalid encoding", "[core][rlp][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto tests = test::read_vector_json("rlp/invalidRLPTest.json").as_object();
    std::size_t n = 0;
    for (const auto& [name, t] : tests) {
        INFO(std::string(name));
        CHECK(!decode_whole(test::bytes_from_any_hex(test::json_string(t.at("out")))));
        ++n;
    }
    REQUIRE(n == tests.size());
    test::report_cases("rlp/invalidRLPTest.json", n);

    const auto valid = test::read_vector_json("rlp/RandomRLPTests_example.json").as_object();
    std::size_t m = 0;
    for (const auto& [name, t] : valid) {
        const Bytes in = test::bytes_from_any_hex(test::json_string(t.at("out")));
        const auto decoded = decode_whole(in);
        REQUIRE(decoded);
        Bytes again;
        rlp::encode(again, *decoded);
        CHECK(again == in);
        ++m;
    }
    REQUIRE(m == 1);
    test::report_cases("rlp/RandomRLPTests_example.json", m);
}

// ethers testcases/rlp.json.gz.
TEST_CASE("RLP matches the ethers rlp vectors", "[core][rlp][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto cases = test::read_vector_json("rlp/ethers/rlp.json.gz").as_array();
    std::size_t n = 0;
    for (const auto& c : cases) {
        INFO(test::json_string(c.at("name")));
        const rlp::Item item = item_from_ethers_json(c.at("decoded"));
        Bytes out;
        rlp::encode(out, item);
        CHECK(to_hex(out) == test::json_string(c.at("encoded")));
        const auto decoded = decode_whole(test::bytes_from_any_hex(test::json_string(c.at("encoded"))));
        REQUIRE(decoded);
        CHECK(*decoded == item);
        ++n;
    }
    REQUIRE(n == 61);
    test::report_cases("rlp/ethers/rlp.json.gz", n);
}
