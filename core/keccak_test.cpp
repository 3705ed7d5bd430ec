#include <catch2/catch.hpp>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "tests/support/vectors.hpp"

using namespace causeway;

TEST_CASE("keccak256 of known inputs", "[core][keccak]") {
    // keccak256("") and keccak256("abc"): the values every Ethereum client pins.
    CHECK(to_hex(keccak256({})) == "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    CHECK(to_hex(keccak256(to_view("abc"))) ==
          "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
}

TEST_CASE("incremental keccak256 equals one-shot at every split", "[core][keccak]") {
    Bytes data;
    for (int i = 0; i < 300; ++i) data.push_back(static_cast<uint8_t>(i * 7));
    const Hash whole = keccak256(data);
    Keccak256 h;
    for (std::size_t split = 0; split <= data.size(); split += 17) {
        h.update(ByteView{data}.substr(0, split));
        h.update(ByteView{data}.substr(split));
        CHECK(h.finalize() == whole);  // finalize resets, so the hasher is reused
    }
}

// ethers testcases/hashes.json.gz.
TEST_CASE("keccak256 matches the ethers hash vectors", "[core][keccak][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto cases = test::read_vector_json("keccak/ethers-hashes.json.gz").as_array();
    std::size_t n = 0;
    for (const auto& c : cases) {
        const Bytes data = test::bytes_from_any_hex(test::json_string(c.at("data")));
        INFO(test::json_string(c.at("name")));
        CHECK(to_hex(keccak256(data)) == test::json_string(c.at("keccak256")));
        ++n;
    }
    REQUIRE(n == 257);
    test::report_cases("keccak/ethers-hashes.json.gz", n);
}
