#include "core/abi.hpp"

#include <catch2/catch.hpp>
#include <random>
#include <set>
#include <string>

#include "core/hex.hpp"
#include "core/keccak.hpp"

namespace Catch {
template <>
struct StringMaker<causeway::abi::Value> {
    static std::string convert(const causeway::abi::Value& v) { return causeway::abi::to_string(v); }
};
template <>
struct StringMaker<causeway::abi::AbiError> {
    static std::string convert(causeway::abi::AbiError e) { return std::string(causeway::abi::to_string(e)); }
};
}  // namespace Catch

namespace causeway::abi {
namespace {

Bytes hex(std::string_view text) {
    auto b = from_hex(text);
    REQUIRE(b);
    return *b;
}

Address addr(std::string_view text) {
    auto a = address_from_hex(text);
    REQUIRE(a);
    return *a;
}

Type type(std::string_view text) {
    auto t = parse_type(text);
    INFO(text);
    REQUIRE(t);
    return *t;
}

std::vector<Type> types(std::string_view text) {
    auto t = parse_types(text);
    INFO(text);
    REQUIRE(t);
    return *t;
}

Bytes encoded(const std::vector<Type>& ts, const std::vector<Value>& vs) {
    Bytes out;
    auto r = encode(out, ts, vs);
    INFO((r ? "ok" : std::string(to_string(r.error()))));
    REQUIRE(r);
    return out;
}

Bytes text_bytes(std::string_view s) {
    return Bytes(to_view(s));
}

// A 32-byte word: `n` as a big-endian number.
std::string word(uint64_t n) {
    Bytes w(32, 0);
    for (int i = 0; i < 8; ++i) w[31 - i] = static_cast<uint8_t>(n >> (8 * i));
    return to_hex(w, false);
}

std::expected<std::vector<Value>, AbiError> decoded(std::string_view type_list, const Bytes& data) {
    return decode(types(type_list), data);
}

AbiError decode_error(std::string_view type_list, const Bytes& data) {
    auto r = decode(types(type_list), data);
    REQUIRE_FALSE(r);
    return r.error();
}

}  // namespace

TEST_CASE("ABI type strings parse to canonical types", "[core][abi]") {
    for (std::string_view text :
         {"uint8", "uint256", "int8", "int104", "int256", "address", "bool", "bytes1", "bytes32", "bytes",
          "string", "uint256[]", "bytes32[2]", "string[3][]", "(uint256)", "(address,bytes32[2])[]",
          "((uint8,string)[],(bool,(bytes,int24[4])))[2][]", "uint256[4294967295]"}) {
        INFO(text);
        auto t = parse_type(text);
        REQUIRE(t);
        CHECK(t->to_string() == text);
    }

    CHECK(type("uint24").kind() == Kind::kUint);
    CHECK(type("uint24").size() == 24);
    CHECK(type("bytes7").size() == 7);
    CHECK(type("bytes7").kind() == Kind::kFixedBytes);
    CHECK(type("string[3][]").element() == type("string[3]"));
    CHECK(type("string[3]").size() == 3);
    CHECK(type("(uint8,bool)").components().size() == 2);

    CHECK_FALSE(type("uint256").is_dynamic());
    CHECK_FALSE(type("(uint256,bytes32[3])[2]").is_dynamic());
    CHECK(type("(uint256,bytes32[3])[2]").head_size() == 2 * 4 * 32);
    CHECK(type("bytes").is_dynamic());
    CHECK(type("uint8[]").is_dynamic());
    CHECK(type("(uint8,string)").is_dynamic());
    CHECK(type("string[2]").is_dynamic());
    CHECK(type("string[2]").head_size() == 32);
    CHECK(type("uint256[4294967295]").head_size() == 4294967295ull * 32);
    CHECK(type("uint8").depth() == 0);
    CHECK(type("(uint8[])[2]").depth() == 3);

    CHECK(Type::tuple({Type::uint(64), Type::fixed_bytes(4)}) == type("(uint64,bytes4)"));
    CHECK(Type::array(Type::sint(8)) == type("int8[]"));
    CHECK(Type::fixed_array(Type::address(), 3) == type("address[3]"));
    CHECK(type("bool") == Type::boolean());
    CHECK(type("string") == Type::string());
    CHECK(type("bytes") == Type::bytes());

    auto list = parse_types("uint256,(bool,string)[],bytes");
    REQUIRE(list);
    REQUIRE(list->size() == 3);
    CHECK((*list)[1].to_string() == "(bool,string)[]");
    auto empty = parse_types("");
    REQUIRE(empty);
    CHECK(empty->empty());
}

TEST_CASE("ABI type strings that are not canonical are rejected", "[core][abi]") {
    for (std::string_view text : {"",
                                  "uint",
                                  "int",
                                  "uint7",
                                  "uint0",
                                  "uint264",
                                  "uint08",
                                  "int512",
                                  "bytes0",
                                  "bytes33",
                                  "bytes01",
                                  "tuple(uint256)",
                                  "()",
                                  "(uint256",
                                  "(uint256,)",
                                  "(,uint256)",
                                  "uint256)",
                                  "uint256[",
                                  "uint256[0]",
                                  "uint256[01]",
                                  "uint256[-1]",
                                  "uint256[x]",
                                  "uint256[4294967296]",
                                  "uint256[99999999999]",
                                  " uint256",
                                  "uint256 ",
                                  "UINT256",
                                  "Address",
                                  "address[]x",
                                  "addresss",
                                  "bool1",
                                  "string8",
                                  "fixed128x18",
                                  "ufixed",
                                  "function",
                                  "uint256,bool",
                                  "(uint256 a)"}) {
        INFO(text);
        auto t = parse_type(text);
        REQUIRE_FALSE(t);
        CHECK(t.error() == AbiError::kInvalidType);
    }
    CHECK(parse_types("uint256,,bool").error() == AbiError::kInvalidType);
    CHECK(parse_types("uint256,").error() == AbiError::kInvalidType);
    CHECK(parse_types("uint256 bool").error() == AbiError::kInvalidType);
}

TEST_CASE("ABI type nesting is bounded", "[core][abi]") {
    std::string ok = "uint8";
    for (std::size_t i = 0; i < kMaxDepth; ++i) ok += "[]";
    CHECK(parse_type(ok));
    CHECK(parse_type(ok + "[]").error() == AbiError::kTooDeep);
    CHECK(parse_type(ok + "[2]").error() == AbiError::kTooDeep);

    const std::string parens_ok = std::string(kMaxDepth, '(') + "bool" + std::string(kMaxDepth, ')');
    CHECK(parse_type(parens_ok));
    const std::string parens_deep =
        std::string(kMaxDepth + 1, '(') + "bool" + std::string(kMaxDepth + 1, ')');
    CHECK(parse_type(parens_deep).error() == AbiError::kTooDeep);
    // A hostile string that would recurse a million times.
    CHECK(parse_type(std::string(1'000'000, '(')).error() == AbiError::kTooDeep);
    CHECK(parse_type("(" + ok + ")[]").error() == AbiError::kTooDeep);

    // Types built with the factories are bounded at encode and decode time.
    Type deep = Type::boolean();
    for (std::size_t i = 0; i <= kMaxDepth; ++i) deep = Type::tuple({deep});
    Bytes out;
    CHECK(encode(out, {deep}, {Value(true)}).error() == AbiError::kTooDeep);
    CHECK(decode({deep}, Bytes(32, 0)).error() == AbiError::kTooDeep);
}

// The examples of the Solidity ABI specification, "Examples" and "Use of Dynamic Types" sections:
// https://docs.soliditylang.org/en/latest/abi-spec.html#examples (hex copied from there, one line
// per 32-byte word).
TEST_CASE("ABI encoding reproduces the Solidity specification's examples", "[core][abi]") {
    struct Example {
        std::string_view signature;
        std::vector<Value> args;
        std::string_view calldata;
    };
    const std::vector<Example> examples{
        {"baz(uint32 x, bool y)",
         {Value(69u), Value(true)},
         "0xcdcd77c0"
         "0000000000000000000000000000000000000000000000000000000000000045"
         "0000000000000000000000000000000000000000000000000000000000000001"},
        {"bar(bytes3[2])",
         {Value::list({text_bytes("abc"), text_bytes("def")})},
         "0xfce353f6"
         "6162630000000000000000000000000000000000000000000000000000000000"
         "6465660000000000000000000000000000000000000000000000000000000000"},
        {"sam(bytes,bool,uint256[])",
         {text_bytes("dave"), Value(true), Value::list({1u, 2u, 3u})},
         "0xa5643bf2"
         "0000000000000000000000000000000000000000000000000000000000000060"
         "0000000000000000000000000000000000000000000000000000000000000001"
         "00000000000000000000000000000000000000000000000000000000000000a0"
         "0000000000000000000000000000000000000000000000000000000000000004"
         "6461766500000000000000000000000000000000000000000000000000000000"
         "0000000000000000000000000000000000000000000000000000000000000003"
         "0000000000000000000000000000000000000000000000000000000000000001"
         "0000000000000000000000000000000000000000000000000000000000000002"
         "0000000000000000000000000000000000000000000000000000000000000003"},
        {"f(uint256,uint32[],bytes10,bytes)",
         {Value(0x123u), Value::list({0x456u, 0x789u}), text_bytes("1234567890"),
          text_bytes("Hello, world!")},
         "0x8be65246"
         "0000000000000000000000000000000000000000000000000000000000000123"
         "0000000000000000000000000000000000000000000000000000000000000080"
         "3132333435363738393000000000000000000000000000000000000000000000"
         "00000000000000000000000000000000000000000000000000000000000000e0"
         "0000000000000000000000000000000000000000000000000000000000000002"
         "0000000000000000000000000000000000000000000000000000000000000456"
         "0000000000000000000000000000000000000000000000000000000000000789"
         "000000000000000000000000000000000000000000000000000000000000000d"
         "48656c6c6f2c20776f726c642100000000000000000000000000000000000000"},
        {"g(uint256[][],string[])",
         {Value::list({Value::list({1u, 2u}), Value::list({3u})}), Value::list({"one", "two", "three"})},
         "0x2289b18c"
         "0000000000000000000000000000000000000000000000000000000000000040"
         "0000000000000000000000000000000000000000000000000000000000000140"
         "0000000000000000000000000000000000000000000000000000000000000002"
         "0000000000000000000000000000000000000000000000000000000000000040"
         "00000000000000000000000000000000000000000000000000000000000000a0"
         "0000000000000000000000000000000000000000000000000000000000000002"
         "0000000000000000000000000000000000000000000000000000000000000001"
         "0000000000000000000000000000000000000000000000000000000000000002"
         "0000000000000000000000000000000000000000000000000000000000000001"
         "0000000000000000000000000000000000000000000000000000000000000003"
         "0000000000000000000000000000000000000000000000000000000000000003"
         "0000000000000000000000000000000000000000000000000000000000000060"
         "00000000000000000000000000000000000000000000000000000000000000a0"
         "00000000000000000000000000000000000000000000000000000000000000e0"
         "0000000000000000000000000000000000000000000000000000000000000003"
         "6f6e650000000000000000000000000000000000000000000000000000000000"
         "0000000000000000000000000000000000000000000000000000000000000003"
         "74776f0000000000000000000000000000000000000000000000000000000000"
         "0000000000000000000000000000000000000000000000000000000000000005"
         "7468726565000000000000000000000000000000000000000000000000000000"},
    };
    for (const auto& ex : examples) {
        INFO(ex.signature);
        auto fn = parse_function(ex.signature);
        REQUIRE(fn);
        Bytes calldata;
        REQUIRE(encode_call(calldata, *fn, ex.args));
        CHECK(to_hex(calldata) == ex.calldata);

        auto decoded = decode_call(*fn, calldata);
        REQUIRE(decoded);
        CHECK(*decoded == ex.args);
    }
}

TEST_CASE("ABI function selectors and event topics", "[core][abi]") {
    CHECK(to_hex(function_selector("transfer(address,uint256)")) == "0xa9059cbb");
    CHECK(to_hex(function_selector("balanceOf(address)")) == "0x70a08231");
    CHECK(to_hex(function_selector("approve(address,uint256)")) == "0x095ea7b3");
    CHECK(to_hex(event_topic("Transfer(address,address,uint256)")) ==
          "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");

    auto fn = parse_function("function transfer(address to, uint256 amount)");
    REQUIRE(fn);
    CHECK(fn->name == "transfer");
    CHECK(fn->signature() == "transfer(address,uint256)");
    CHECK(to_hex(fn->selector()) == "0xa9059cbb");
    REQUIRE(fn->inputs.size() == 2);
    CHECK(fn->inputs[0].name == "to");
    CHECK(fn->inputs[1].type == Type::uint());

    auto none = parse_function("totalSupply()");
    REQUIRE(none);
    CHECK(none->inputs.empty());
    CHECK(to_hex(none->selector()) == "0x18160ddd");

    auto nested = parse_function("submit((uint32,bytes32)[] items, bytes  metadata)");
    REQUIRE(nested);
    CHECK(nested->signature() == "submit((uint32,bytes32)[],bytes)");

    auto ev = parse_event("event Transfer(address indexed from, address indexed to, uint256 value)");
    REQUIRE(ev);
    CHECK(ev->signature() == "Transfer(address,address,uint256)");
    CHECK(ev->indexed_count() == 2);
    CHECK(ev->topic0() == event_topic("Transfer(address,address,uint256)"));

    for (std::string_view bad : {"transfer", "transfer(address", "(address)", "1x(uint256)", "f(uint256 a b)",
                                 "f(uint256) returns (bool)", "f(uint256 indexed)", "f(uint256,)", "f(,)"}) {
        INFO(bad);
        auto r = parse_function(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error() == AbiError::kInvalidSignature);
    }
    CHECK(parse_function("f(uint)").error() == AbiError::kInvalidType);
    CHECK(parse_event("E(uint256 indexed a, uint256 indexed b, uint256 indexed c, uint256 indexed d)")
              .error() == AbiError::kInvalidSignature);
    CHECK(parse_event(
        "E(uint256 indexed a, uint256 indexed b, uint256 indexed c, uint256 indexed d) anonymous"));
    CHECK(parse_event("E(uint256) payable").error() == AbiError::kInvalidSignature);
}

TEST_CASE("ABI decodes an ERC-20 Transfer log", "[core][abi]") {
    auto ev = parse_event("Transfer(address indexed from, address indexed to, uint256 value)");
    REQUIRE(ev);
    const Address from = addr("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
    const Address to = addr("0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359");
    const std::vector<Hash> topics{
        *hash_from_hex("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"),
        *hash_from_hex("0x0000000000000000000000005aaeb6053f3e94c9b9a09f33669435e7ef1beaed"),
        *hash_from_hex("0x000000000000000000000000fb6916095ca1df60bb79ce92ce3ea74c37c5d359"),
    };
    const Bytes data = hex("0x00000000000000000000000000000000000000000000000000000000000f4240");  // 1e6

    auto values = decode_log(*ev, topics, data);
    REQUIRE(values);
    REQUIRE(values->size() == 3);
    CHECK((*values)[0] == Value(from));
    CHECK((*values)[1] == Value(to));
    CHECK((*values)[2] == Value(1'000'000u));

    SECTION("wrong topic count") {
        CHECK(decode_log(*ev, std::span(topics).first(2), data).error() == AbiError::kTopicCountMismatch);
        std::vector<Hash> four = topics;
        four.push_back(Hash{});
        CHECK(decode_log(*ev, four, data).error() == AbiError::kTopicCountMismatch);
    }
    SECTION("another event's topic0") {
        std::vector<Hash> other = topics;
        other[0] = event_topic("Approval(address,address,uint256)");
        CHECK(decode_log(*ev, other, data).error() == AbiError::kTopicMismatch);
    }
    SECTION("dirty address topic") {
        std::vector<Hash> dirty = topics;
        dirty[1][0] = 1;
        CHECK(decode_log(*ev, dirty, data).error() == AbiError::kNonZeroPadding);
    }
    SECTION("truncated data") {
        CHECK(decode_log(*ev, topics, ByteView(data).substr(0, 31)).error() == AbiError::kTooShort);
    }
}

TEST_CASE("ABI logs with hashed and anonymous indexed inputs", "[core][abi]") {
    // A Hyperlane-style Dispatch plus indexed reference types, whose topics hold a hash.
    auto ev = parse_event(
        "Sent(uint32 indexed destination, string indexed tag, (uint8,bool) indexed pair, bytes message, "
        "int16 delta)");
    REQUIRE(ev);
    const Bytes tag_encoding = text_bytes("warp");
    const Hash tag_hash = keccak256(tag_encoding);
    const Hash pair_hash = keccak256(hex("0x" + word(7) + word(1)));
    const std::vector<Value> data_values{Value(hex("0x03010203")), Value(Int256::from_int64(-5))};
    const Bytes data = encoded(types("bytes,int16"), data_values);
    const std::vector<Hash> topics{ev->topic0(), *hash_from_hex("0x" + word(42161)), tag_hash, pair_hash};

    auto values = decode_log(*ev, topics, data);
    REQUIRE(values);
    REQUIRE(values->size() == 5);
    CHECK((*values)[0] == Value(42161u));
    CHECK((*values)[1] == Value(tag_hash));
    CHECK((*values)[2] == Value(pair_hash));
    CHECK((*values)[3] == data_values[0]);
    CHECK((*values)[4] == data_values[1]);

    auto anon = parse_event("Ping(bool indexed ok, bytes32 indexed id) anonymous");
    REQUIRE(anon);
    CHECK(anon->anonymous);
    const Hash id = keccak256(text_bytes("id"));
    const std::vector<Hash> anon_topics{*hash_from_hex("0x" + word(1)), id};
    auto anon_values = decode_log(*anon, anon_topics, {});
    REQUIRE(anon_values);
    CHECK(*anon_values == std::vector<Value>{Value(true), Value(Bytes(id.view()))});
    const std::vector<Hash> bad_bool{*hash_from_hex("0x" + word(2)), id};
    CHECK(decode_log(*anon, bad_bool, {}).error() == AbiError::kInvalidBool);
    CHECK(decode_log(*anon, std::span(anon_topics).first(1), {}).error() == AbiError::kTopicCountMismatch);
}

TEST_CASE("ABI signed integers", "[core][abi]") {
    CHECK(Int256::from_int64(-1).bits == ~u256(0));
    CHECK(Int256::from_int64(-1).is_negative());
    CHECK(Int256::from_int64(-1).magnitude() == 1);
    CHECK(Int256::from_int64(INT64_MIN).magnitude() == u256(uint64_t{1} << 63));
    CHECK(Int256::from_magnitude(true, 5) == Int256::from_int64(-5));
    CHECK(Int256::from_magnitude(false, 5) == Int256::from_int64(5));
    CHECK(Int256::from_int64(127).fits(8));
    CHECK_FALSE(Int256::from_int64(128).fits(8));
    CHECK(Int256::from_int64(-128).fits(8));
    CHECK_FALSE(Int256::from_int64(-129).fits(8));
    CHECK(Int256::from_magnitude(true, u256(1) << 255).fits(256));

    CHECK(to_hex(encoded({type("int8")}, {Int256::from_int64(-1)})) ==
          "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    CHECK(to_hex(encoded({type("int16")}, {Int256::from_int64(-32768)})) ==
          "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff8000");
    CHECK(to_hex(encoded({type("int16")}, {Int256::from_int64(32767)})) == "0x" + word(32767));
    CHECK(to_string(Value(Int256::from_int64(-42))) == "-42");
}

TEST_CASE("ABI values round-trip through encode and decode", "[core][abi]") {
    const u256 max = ~u256(0);
    const Address a = addr("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
    const std::string long_text(100, 'x');
    struct Case {
        std::string_view types;
        std::vector<Value> values;
    };
    const std::vector<Case> cases{
        {"", {}},
        {"uint8,uint256,int8,int256",
         {Value(255u), Value(max), Int256::from_int64(-128), Int256{u256(1) << 255}}},
        {"address,bool,bool,bytes1,bytes32", {a, Value(false), Value(true), hex("0xff"), Bytes(32, 0xab)}},
        {"bytes,string,bytes,string", {Bytes{}, "", Bytes(32, 7), long_text}},
        {"string", {"h\xc3\xa9llo \xe2\x82\xac"}},
        {"uint256[],string[],bytes32[2]",
         {Value::list({}), Value::list({}), Value::list({Bytes(32, 1), Bytes(32, 2)})}},
        {"(uint8,int16,address,bool,bytes1,bytes,string)[2]",
         {Value::list({Value::list({1u, Int256::from_int64(-2), a, true, hex("0x01"), hex("0x"), "a"}),
                       Value::list({2u, Int256::from_int64(3), Address{}, false, hex("0x02"), hex("0x0203"),
                                    "bc"})})}},
        {"(uint256[],(string,bytes32)[])[]",
         {Value::list({Value::list({Value::list({5u}), Value::list({Value::list({"x", Bytes(32, 9)})})}),
                       Value::list({Value::list({}), Value::list({})})})}},
        {"uint8[][2][]", {Value::list({Value::list({Value::list({1u}), Value::list({2u, 3u})})})}},
    };
    for (const auto& c : cases) {
        INFO(c.types);
        const auto ts = types(c.types);
        const Bytes data = encoded(ts, c.values);
        auto back = decode(ts, data);
        REQUIRE(back);
        CHECK(*back == c.values);
        CHECK(encoded(ts, *back) == data);
    }

    // Encoding appends to what the buffer already holds, with offsets relative to its own start.
    Bytes out = hex("0xdeadbeef");
    REQUIRE(encode(out, types("bytes"), {hex("0x01")}));
    CHECK(to_hex(out) == "0xdeadbeef" + word(32) + word(1) + "01" + std::string(62, '0'));
}

TEST_CASE("ABI encoding rejects values that do not fit their types", "[core][abi]") {
    struct Case {
        std::string_view types;
        std::vector<Value> values;
    };
    const std::vector<Case> cases{
        {"uint8", {Value(256u)}},
        {"uint8", {Int256::from_int64(1)}},
        {"int8", {Int256::from_int64(128)}},
        {"int8", {Int256::from_int64(-129)}},
        {"int256", {Value(1u)}},
        {"address", {Bytes(20, 0)}},
        {"bool", {Value(1u)}},
        {"bytes3", {hex("0x01020304")}},
        {"bytes3", {hex("0x0102")}},
        {"bytes3", {"abc"}},
        {"bytes", {"abc"}},
        {"string", {text_bytes("abc")}},
        {"uint8[2]", {Value::list({1u})}},
        {"uint8[]", {Value(1u)}},
        {"(uint8,bool)", {Value::list({1u})}},
        {"(uint8,bool)", {Value::list({1u, true, true})}},
        {"(uint8,bool)[]", {Value::list({Value::list({1u, Value(2u)})})}},
        {"uint8,bool", {Value(1u)}},
        {"uint8", {Value(1u), Value(2u)}},
        {"bytes32", {Hash{}}},
    };
    for (const auto& c : cases) {
        INFO(c.types);
        Bytes out = hex("0x1234");
        auto r = encode(out, types(c.types), c.values);
        REQUIRE_FALSE(r);
        CHECK(r.error() == AbiError::kValueMismatch);
        CHECK(out == hex("0x1234"));  // untouched
    }
}

TEST_CASE("ABI decoding is strict", "[core][abi]") {
    SECTION("truncated data") {
        CHECK(decode_error("uint256", hex("0x" + word(1).substr(2))) == AbiError::kTooShort);
        CHECK(decode_error("uint256,uint256", hex("0x" + word(1))) == AbiError::kTooShort);
        CHECK(decode_error("bytes32[2]", hex("0x" + word(1))) == AbiError::kTooShort);
        CHECK(decode_error("bytes", hex("0x")) == AbiError::kTooShort);
        // Payload of 2 bytes present, its padding missing.
        CHECK(decode_error("bytes", hex("0x" + word(32) + word(2) + "abcd")) == AbiError::kTooShort);
        // A static tuple in an array whose elements run past the end.
        CHECK(decode_error("(uint256,uint256)[]", hex("0x" + word(32) + word(1) + word(5))) ==
              AbiError::kLengthTooLarge);
        CHECK(decode_error("bytes[]", hex("0x" + word(32) + word(1))) == AbiError::kLengthTooLarge);
    }
    SECTION("offsets out of range") {
        CHECK(decode_error("bytes", hex("0x" + word(0x1000) + word(0))) == AbiError::kOffsetOutOfRange);
        CHECK(decode_error("bytes", hex("0x" + word(64) + word(0))) == AbiError::kOffsetOutOfRange);
        CHECK(decode_error("bytes", hex("0x" + word(33) + word(0))) == AbiError::kOffsetOutOfRange);
        // An offset with bits above 64.
        CHECK(decode_error("string", hex("0x01" + word(32).substr(2) + word(0))) ==
              AbiError::kOffsetOutOfRange);
        // Offsets inside an array are relative to the array's items.
        CHECK(decode_error("string[]", hex("0x" + word(32) + word(1) + word(64) + word(0))) ==
              AbiError::kOffsetOutOfRange);
        CHECK(decoded("string[]", hex("0x" + word(32) + word(1) + word(32) + word(0))) ==
              std::vector<Value>{Value::list({""})});
    }
    SECTION("lengths larger than the data") {
        CHECK(decode_error("bytes", hex("0x" + word(32) + word(33) + word(0))) == AbiError::kLengthTooLarge);
        CHECK(decode_error("bytes", hex("0x" + word(32) + "80" + word(0).substr(2))) ==
              AbiError::kLengthTooLarge);
        CHECK(decode_error("uint256[]", hex("0x" + word(32) + word(0xffffffff) + word(1))) ==
              AbiError::kLengthTooLarge);
        CHECK(decode_error("string[]", hex("0x" + word(32) + word(UINT64_MAX) + word(1))) ==
              AbiError::kLengthTooLarge);
        CHECK(decode_error("uint8[][]", hex("0x" + word(32) + word(3) + word(0) + word(0))) ==
              AbiError::kLengthTooLarge);
    }
    SECTION("non-zero padding") {
        CHECK(decode_error("uint8", hex("0x" + word(0x100))) == AbiError::kNonZeroPadding);
        CHECK(decode_error("uint248", hex("0x01" + word(0).substr(2))) == AbiError::kNonZeroPadding);
        CHECK(decoded("uint256", hex("0x01" + word(0).substr(2))));
        CHECK(decode_error("address", hex("0x000000000000000000000001" + std::string(40, 'f'))) ==
              AbiError::kNonZeroPadding);
        CHECK(decode_error("bool", hex("0x" + word(0x101))) == AbiError::kNonZeroPadding);
        CHECK(decoded("bytes3", hex("0x616263" + std::string(58, '0'))) ==
              std::vector<Value>{text_bytes("abc")});
        CHECK(decode_error("bytes3", hex("0x616263" + std::string(56, '0') + "01")) ==
              AbiError::kNonZeroPadding);
        CHECK(decode_error("bytes31", hex("0x" + std::string(62, 'a') + "01")) == AbiError::kNonZeroPadding);
        CHECK(decode_error("bytes", hex("0x" + word(32) + word(2) + "abcd01" + std::string(58, '0'))) ==
              AbiError::kNonZeroPadding);
        CHECK(decode_error("string", hex("0x" + word(32) + word(1) + "41" + std::string(61, '0') + "1")) ==
              AbiError::kNonZeroPadding);
    }
    SECTION("bool other than 0 or 1") {
        CHECK(decode_error("bool", hex("0x" + word(2))) == AbiError::kInvalidBool);
        CHECK(decode_error("bool", hex("0x" + word(0xff))) == AbiError::kInvalidBool);
        CHECK(decode_error("bool[]", hex("0x" + word(32) + word(2) + word(1) + word(3))) ==
              AbiError::kInvalidBool);
    }
    SECTION("sign extension") {
        CHECK(decode_error("int8", hex("0x" + word(0x80))) == AbiError::kInvalidSignExtension);
        CHECK(decode_error("int8", hex("0x" + std::string(62, 'f') + "7f")) ==
              AbiError::kInvalidSignExtension);
        CHECK(decode_error("int248", hex("0x80" + word(0).substr(2))) == AbiError::kInvalidSignExtension);
        CHECK(decoded("int8", hex("0x" + std::string(62, 'f') + "80")) ==
              std::vector<Value>{Int256::from_int64(-128)});
        CHECK(decoded("int256", hex("0x80" + word(0).substr(2))));
    }
    SECTION("trailing bytes after the encoding are ignored, as Solidity does") {
        CHECK(decoded("uint8", hex("0x" + word(1) + "ff")) == std::vector<Value>{Value(1u)});
    }
}

TEST_CASE("ABI decoding bounds overlapping offsets", "[core][abi]") {
    // uint256[][] whose n outer items all point at one inner array of n words: n^2 words of output
    // from about n words of input.
    const std::size_t n = 200;
    std::string data = "0x" + word(32) + word(n);
    for (std::size_t i = 0; i < n; ++i) data += word(32 * n);  // relative to the outer items
    data += word(n);
    for (std::size_t i = 0; i < n; ++i) data += word(i);
    CHECK(decode_error("uint256[][]", hex(data)) == AbiError::kInflationLimit);

    // A few shared tails are fine.
    std::string small = "0x" + word(32) + word(2) + word(64) + word(64) + word(1) + word(7);
    auto ok = decode(types("uint256[][]"), hex(small));
    REQUIRE(ok);
    CHECK(*ok == std::vector<Value>{Value::list({Value::list({7u}), Value::list({7u})})});
}

TEST_CASE("ABI selectors and calldata", "[core][abi]") {
    auto fn = parse_function("transfer(address,uint256)");
    REQUIRE(fn);
    Bytes calldata;
    REQUIRE(encode_call(calldata, *fn, {addr("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"), Value(10u)}));
    CHECK(to_hex(calldata.substr(0, 4)) == "0xa9059cbb");
    CHECK(decode_call(*fn, calldata));
    CHECK(decode_call(*fn, ByteView(calldata).substr(0, 3)).error() == AbiError::kTooShort);
    calldata[0] ^= 1;
    CHECK(decode_call(*fn, calldata).error() == AbiError::kSelectorMismatch);

    Bytes out;
    CHECK(encode_call(out, *fn, {Value(1u)}).error() == AbiError::kValueMismatch);
    CHECK(out.empty());
}

TEST_CASE("ABI error names", "[core][abi]") {
    std::set<std::string_view> names;
    for (int e = 0; e <= static_cast<int>(AbiError::kTopicMismatch); ++e) {
        const auto name = to_string(static_cast<AbiError>(e));
        CHECK_FALSE(name.empty());
        names.insert(name);
    }
    CHECK(names.size() == static_cast<std::size_t>(AbiError::kTopicMismatch) + 1);
}

TEST_CASE("ABI decoding survives random and mutated input", "[core][abi]") {
    std::mt19937_64 rng(20240611);
    const std::vector<std::string_view> type_lists{"uint256,bytes",
                                                   "string[],bool",
                                                   "(uint8,bytes)[],int16",
                                                   "uint256[][2],string",
                                                   "(bytes32,(string,uint64[])[])",
                                                   "bytes[3][],address"};
    const std::vector<std::vector<Value>> seeds{
        {Value(5u), hex("0x0102")},
        {Value::list({"a", "bcd"}), Value(true)},
        {Value::list({Value::list({1u, hex("0x")}), Value::list({2u, Bytes(40, 3)})}),
         Int256::from_int64(-3)},
        {Value::list({Value::list({1u}), Value::list({})}), "text"},
        {Value::list({Bytes(32, 1), Value::list({Value::list({"x", Value::list({9u})})})})},
        {Value::list({Value::list({hex("0x01"), hex("0x"), Bytes(33, 2)})}), Address{}},
    };
    std::size_t decoded = 0;
    for (std::size_t k = 0; k < type_lists.size(); ++k) {
        const auto ts = types(type_lists[k]);
        const Bytes valid = encoded(ts, seeds[k]);
        for (int i = 0; i < 2000; ++i) {
            Bytes data = valid;
            const int flips = 1 + static_cast<int>(rng() % 4);
            for (int f = 0; f < flips && !data.empty(); ++f) {
                const std::size_t pos = rng() % data.size();
                data[pos] =
                    (rng() % 2) ? static_cast<uint8_t>(rng()) : static_cast<uint8_t>(data[pos] ^ 0x20);
            }
            if (rng() % 8 == 0) data.resize(rng() % (data.size() + 1));
            auto r = decode(ts, data);
            if (r) {
                ++decoded;
                Bytes again;
                CHECK(encode(again, ts, *r));  // anything decoded is encodable
            }
        }
        for (int i = 0; i < 500; ++i) {
            Bytes data(rng() % 256, 0);
            for (auto& b : data) b = (rng() % 3 == 0) ? static_cast<uint8_t>(rng()) : 0;
            (void)decode(ts, data);  // any verdict: random words must only not crash the decoder
        }
    }
    CHECK(decoded > 0);
}

}  // namespace causeway::abi
