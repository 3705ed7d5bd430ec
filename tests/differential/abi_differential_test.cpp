#include <catch2/catch.hpp>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "core/abi.hpp"
#include "core/hex.hpp"
#include "core/u256.hpp"
#include "tests/support/process.hpp"
#include "tests/support/vectors.hpp"

using namespace causeway;

namespace {

u256 number(std::string_view text) {
    auto n = parse_u256(text);
    if (!n) throw std::runtime_error("bad number in reference output: " + std::string(text));
    return *n;
}

// The JSON form abi_reference.mjs prints, read through the type it was generated for.
abi::Value value_from_json(const abi::Type& type, const boost::json::value& v) {
    using abi::Kind;
    switch (type.kind()) {
        case Kind::kUint: return number(v.as_string());
        case Kind::kInt: {
            const std::string_view text = v.as_string();
            if (text.starts_with('-')) return abi::Int256::from_magnitude(true, number(text.substr(1)));
            return abi::Int256{number(text)};
        }
        case Kind::kAddress: {
            auto a = address_from_hex(v.as_string());
            if (!a) throw std::runtime_error("bad address in reference output");
            return *a;
        }
        case Kind::kBool: return abi::Value(v.as_bool());
        case Kind::kFixedBytes:
        case Kind::kBytes: return test::bytes_from_any_hex(v.as_string());
        case Kind::kString: return std::string(v.as_string());
        case Kind::kArray:
        case Kind::kFixedArray: {
            std::vector<abi::Value> items;
            for (const auto& item : v.as_array()) items.push_back(value_from_json(type.element(), item));
            return items;
        }
        case Kind::kTuple: {
            const auto& array = v.as_array();
            if (array.size() != type.components().size()) throw std::runtime_error("tuple size mismatch");
            std::vector<abi::Value> items;
            for (std::size_t i = 0; i < array.size(); ++i) {
                items.push_back(value_from_json(type.components()[i], array[i]));
            }
            return items;
        }
    }
    throw std::runtime_error("unknown ABI kind");
}

}  // namespace

// ethers encodes random type trees with random values; ours must be byte-identical, must decode
// ethers' bytes back to the same values, and must agree on canonical type strings and selectors.
// CAUSEWAY_ABI_SEED overrides the seed (a failure prints its case number).
TEST_CASE("ABI encoding matches ethers on random inputs", "[differential][abi]") {
    constexpr std::size_t kCases = 10000;
    std::string seed = "20260611";
    if (const char* env = std::getenv("CAUSEWAY_ABI_SEED")) seed = env;
    INFO("seed " << seed);
    const auto doc = boost::json::parse(
        test::run_node("tests/differential/abi_reference.mjs", {seed, std::to_string(kCases)}));
    const auto& cases = doc.at("cases").as_array();
    REQUIRE(cases.size() == kCases);

    std::size_t n = 0;
    std::size_t encoded_bytes = 0;
    for (const auto& c : cases) {
        const auto& type_strings = c.at("types").as_array();
        const auto& canonical = c.at("canonical").as_array();
        const auto& json_values = c.at("values").as_array();
        std::string joined;
        for (const auto& t : type_strings) joined += std::string(t.as_string()) + " ";
        INFO("case " << n << ": " << joined);

        std::vector<abi::Type> types;
        std::vector<abi::Value> values;
        std::string signature = "f" + std::to_string(n) + "(";
        for (std::size_t i = 0; i < type_strings.size(); ++i) {
            auto t = abi::parse_type(type_strings[i].as_string());
            REQUIRE(t);
            REQUIRE(t->to_string() == std::string_view(canonical[i].as_string()));
            signature += (i > 0 ? "," : "") + t->to_string();
            values.push_back(value_from_json(*t, json_values[i]));
            types.push_back(std::move(*t));
        }
        signature += ")";
        REQUIRE(signature == std::string_view(c.at("signature").as_string()));
        REQUIRE(to_hex(abi::function_selector(signature)) == std::string_view(c.at("selector").as_string()));

        Bytes ours;
        const auto encoded = abi::encode(ours, types, values);
        REQUIRE(encoded);
        REQUIRE(to_hex(ours) == std::string_view(c.at("encoded").as_string()));

        const Bytes theirs = test::bytes_from_any_hex(c.at("encoded").as_string());
        const auto decoded = abi::decode(types, theirs);
        INFO("decode: " << (decoded ? "ok" : std::string(abi::to_string(decoded.error()))));
        REQUIRE(decoded);
        REQUIRE(*decoded == values);
        encoded_bytes += theirs.size();
        ++n;
    }
    REQUIRE(n == kCases);
    CHECK(encoded_bytes > kCases * 32);  // the cases are not trivially small
    test::report_cases("differential: ABI vs ethers", n);
}
