#include <catch2/catch.hpp>

#include "core/hex.hpp"
#include "core/rlp.hpp"
#include "tests/support/process.hpp"
#include "tests/support/vectors.hpp"

using namespace causeway;

namespace {

rlp::Item item_from_hex_tree(const boost::json::value& v) {
    rlp::Item item;
    if (v.is_array()) {
        item.list = true;
        for (const auto& child : v.as_array()) item.items.push_back(item_from_hex_tree(child));
    } else {
        item.bytes = *from_hex(std::string_view(v.as_string()));
    }
    return item;
}

}  // namespace

// @ethereumjs/rlp and ethers encode the same random trees; ours must be byte-identical to both and
// decode back to the tree.
TEST_CASE("RLP round trips match @ethereumjs/rlp and ethers", "[differential][rlp]") {
    constexpr int kCases = 10000;
    const auto doc = boost::json::parse(
        test::run_node("tests/differential/rlp_reference.mjs", {"20261125", std::to_string(kCases)}));
    std::size_t n = 0;
    for (const auto& c : doc.as_array()) {
        const rlp::Item item = item_from_hex_tree(c.at("tree"));
        Bytes ours;
        rlp::encode(ours, item);
        const std::string ours_hex = to_hex(ours);
        INFO("case " << n);
        REQUIRE(ours_hex == std::string_view(c.at("ejs").as_string()));
        REQUIRE(ours_hex == std::string_view(c.at("ethers").as_string()));
        ByteView view = ours;
        const auto decoded = rlp::decode_item(view);
        REQUIRE(decoded);
        REQUIRE(view.empty());
        REQUIRE(*decoded == item);
        ++n;
    }
    REQUIRE(n == kCases);
    test::report_cases("differential: RLP vs @ethereumjs/rlp and ethers", n);
}
