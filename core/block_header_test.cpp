#include <catch2/catch.hpp>

#include <sstream>

#include "core/block_header.hpp"
#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "core/rlp.hpp"
#include "tests/support/vectors.hpp"

using namespace causeway;
using rlp::DecodingError;

namespace {

Hash filled(uint8_t b) {
    Hash h;
    h.bytes.fill(b);
    return h;
}

// A header with every field set to something distinct, in the given layout.
BlockHeader sample(HeaderLayout layout) {
    BlockHeader h;
    h.parent_hash = filled(0x11);
    h.ommers_hash = filled(0x22);
    h.beneficiary.bytes.fill(0x33);
    h.state_root = filled(0x44);
    h.transactions_root = filled(0x55);
    h.receipts_root = filled(0x66);
    h.logs_bloom.bytes.fill(0x77);
    h.difficulty = u256(131072);
    h.number = 1234567;
    h.gas_limit = 30'000'000;
    h.gas_used = 21'000;
    h.timestamp = 1'700'000'000;
    h.extra_data = Bytes{0x63, 0x61, 0x75, 0x73, 0x65};
    h.mix_hash = filled(0x88);
    h.nonce.bytes.fill(0x99);
    const auto n = static_cast<int>(layout);
    if (n >= 16) h.base_fee_per_gas = u256(7);
    if (n >= 17) h.withdrawals_root = filled(0xaa);
    if (n >= 20) {
        h.blob_gas_used = 131072;
        h.excess_blob_gas = 0;
        h.parent_beacon_block_root = filled(0xbb);
    }
    if (n >= 21) h.requests_hash = filled(0xcc);
    return h;
}

constexpr HeaderLayout kLayouts[] = {HeaderLayout::kFrontier, HeaderLayout::kLondon, HeaderLayout::kShanghai,
                                     HeaderLayout::kCancun, HeaderLayout::kPrague};

std::expected<BlockHeader, DecodingError> decode_all(ByteView in) {
    return rlp::decode_exact(in, [](ByteView& v) { return decode_header(v); });
}

// The header as a list of raw items, to build malformed variants.
rlp::Item items_of(const BlockHeader& h) {
    const Bytes enc = encode_header(h);
    ByteView v = enc;
    auto item = rlp::decode_item(v);
    REQUIRE(item);
    return *item;
}

Bytes encode_item(const rlp::Item& item) {
    Bytes out;
    rlp::encode(out, item);
    return out;
}

rlp::Item string_item(Bytes b) {
    return rlp::Item{.list = false, .bytes = std::move(b), .items = {}};
}

}  // namespace

TEST_CASE("headers of every layout round-trip through RLP", "[core][block_header]") {
    for (const HeaderLayout layout : kLayouts) {
        INFO(to_string(layout));
        const BlockHeader h = sample(layout);
        REQUIRE(layout_of(h) == layout);
        const Bytes enc = encode_header(h);
        CHECK(items_of(h).items.size() == static_cast<std::size_t>(layout));
        ByteView in = enc;
        const auto back = decode_header(in);
        REQUIRE(back);
        CHECK(in.empty());
        CHECK(*back == h);
        CHECK(!back->hash);
        CHECK(compute_hash(*back) == keccak256(enc));
        CHECK(encode_header(*back) == enc);
    }
}

TEST_CASE("the decoder reads one header and leaves what follows", "[core][block_header]") {
    const Bytes enc = encode_header(sample(HeaderLayout::kLondon));
    Bytes two = enc + Bytes{0x80};
    ByteView in = two;
    REQUIRE(decode_header(in));
    CHECK(in == ByteView(Bytes{0x80}));
    CHECK(decode_all(two).error() == DecodingError::kInputTooLong);
    // A failed decode leaves the input where it was.
    Bytes cut = enc.substr(0, enc.size() - 1);
    ByteView c = cut;
    CHECK(decode_header(c).error() == DecodingError::kInputTooShort);
    CHECK(c.size() == cut.size());
}

TEST_CASE("only the field counts of real forks decode", "[core][block_header]") {
    const rlp::Item prague = items_of(sample(HeaderLayout::kPrague));
    std::size_t accepted = 0;
    for (std::size_t count = 0; count <= 24; ++count) {
        INFO(count << " fields");
        rlp::Item item = prague;
        item.items.resize(std::min(count, prague.items.size()));
        while (item.items.size() < count) item.items.push_back(string_item(Bytes(32, 0xdd)));
        const auto r = decode_all(encode_item(item));
        switch (count) {
            case 15:
            case 16:
            case 17:
            case 20:
            case 21:
                REQUIRE(r);
                CHECK(static_cast<std::size_t>(*layout_of(*r)) == count);
                CHECK(encode_header(*r) == encode_item(item));
                ++accepted;
                break;
            default:
                REQUIRE(!r);
                CHECK(r.error() ==
                      (count > 21 ? DecodingError::kListLengthMismatch : DecodingError::kTooFewElements));
        }
    }
    CHECK(accepted == 5);
    // Not a list at all.
    CHECK(decode_all(Bytes{0x83, 1, 2, 3}).error() == DecodingError::kUnexpectedString);
    CHECK(decode_all(Bytes{}).error() == DecodingError::kInputTooShort);
    CHECK(decode_all(Bytes{0xc0}).error() == DecodingError::kTooFewElements);
}

TEST_CASE("fixed-size fields must have their size", "[core][block_header]") {
    const rlp::Item base = items_of(sample(HeaderLayout::kPrague));
    // field index -> its size
    const std::pair<std::size_t, std::size_t> fixed[] = {
        {0, 32},  {1, 32},  {2, 20}, {3, 32},  {4, 32},  {5, 32},
        {6, 256}, {13, 32}, {14, 8}, {16, 32}, {19, 32}, {20, 32},
    };
    for (const auto& [index, size] : fixed) {
        for (const std::size_t wrong : {std::size_t{0}, size - 1, size + 1}) {
            INFO("field " << index << " with " << wrong << " bytes");
            rlp::Item item = base;
            item.items[index] = string_item(Bytes(wrong, 0x42));
            CHECK(decode_all(encode_item(item)).error() == DecodingError::kUnexpectedLength);
        }
        rlp::Item item = base;
        item.items[index] = rlp::Item{.list = true, .bytes = {}, .items = {}};
        CHECK(decode_all(encode_item(item)).error() == DecodingError::kUnexpectedList);
    }
}

TEST_CASE("integers must be canonical and fit", "[core][block_header]") {
    const rlp::Item base = items_of(sample(HeaderLayout::kPrague));
    // difficulty, number, gasLimit, gasUsed, timestamp, baseFee, blobGasUsed, excessBlobGas
    const std::pair<std::size_t, std::size_t> ints[] = {{7, 32}, {8, 8},   {9, 8},  {10, 8},
                                                        {11, 8}, {15, 32}, {17, 8}, {18, 8}};
    for (const auto& [index, width] : ints) {
        INFO("field " << index);
        rlp::Item item = base;
        item.items[index] = string_item(Bytes{0x00, 0x01});
        CHECK(decode_all(encode_item(item)).error() == DecodingError::kLeadingZero);
        item.items[index] = string_item(Bytes{0x00});  // zero is the empty string, not 0x00
        CHECK(decode_all(encode_item(item)).error() == DecodingError::kLeadingZero);
        item.items[index] = string_item(Bytes(width + 1, 0x01));
        CHECK(decode_all(encode_item(item)).error() == DecodingError::kOverflow);
        item.items[index] = string_item(Bytes(width, 0xff));
        CHECK(decode_all(encode_item(item)));
        item.items[index] = rlp::Item{.list = true, .bytes = {}, .items = {}};
        CHECK(decode_all(encode_item(item)).error() == DecodingError::kUnexpectedList);
    }
    // 0x81 0x05: a small number wrapped in a string header (the encoder writes 0x05). Built by hand:
    // rlp::encode would write the canonical form.
    BlockHeader small = sample(HeaderLayout::kFrontier);
    small.number = 5;
    const rlp::Item item = items_of(small);
    Bytes payload;
    for (std::size_t i = 0; i < item.items.size(); ++i) {
        if (i == 8) {
            payload += Bytes{0x81, 0x05};
        } else {
            rlp::encode(payload, item.items[i]);
        }
    }
    Bytes wrapped;
    rlp::encode_header(wrapped, rlp::Header{.list = true, .payload_length = payload.size()});
    wrapped += payload;
    CHECK(decode_all(wrapped).error() == DecodingError::kNonCanonicalSingleByte);
}

TEST_CASE("a layout is the fork whose fields are present", "[core][block_header]") {
    BlockHeader h = sample(HeaderLayout::kPrague);
    h.withdrawals_root.reset();
    CHECK(!layout_of(h));  // a gap
    h = sample(HeaderLayout::kCancun);
    h.parent_beacon_block_root.reset();
    CHECK(!layout_of(h));  // part of the Cancun set
    h.excess_blob_gas.reset();
    CHECK(!layout_of(h));
    h.blob_gas_used.reset();
    CHECK(layout_of(h) == HeaderLayout::kShanghai);
    CHECK(to_string(HeaderLayout::kPrague) == "prague");
    // What cannot be a fork's layout does not decode back.
    h = sample(HeaderLayout::kCancun);
    h.parent_beacon_block_root.reset();
    CHECK(decode_all(encode_header(h)).error() == DecodingError::kTooFewElements);
}

// ethereum/tests BasicTests/genesishashestest.json: the mainnet genesis block RLP ([header, [], []])
// and its hash.
TEST_CASE("the mainnet genesis header decodes and hashes", "[core][block_header][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto v = test::read_vector_json("headers/mainnet/ethereum-tests/genesishashestest.json");
    const Bytes block = test::bytes_from_any_hex(test::json_string(v.at("genesis_rlp_hex")));
    ByteView in = block;
    auto body = rlp::decode_list(in);
    REQUIRE(body);
    CHECK(in.empty());
    const ByteView header_rlp = body->substr(0, body->size() - 2);
    CHECK(body->substr(body->size() - 2) == ByteView(Bytes{0xc0, 0xc0}));  // no transactions, no uncles
    const auto h = decode_all(header_rlp);
    REQUIRE(h);
    CHECK(h->number == 0);
    CHECK(layout_of(*h) == HeaderLayout::kFrontier);
    CHECK(to_hex(h->state_root) == "0x" + test::json_string(v.at("genesis_state_root")));
    CHECK(to_hex(compute_hash(*h)) == "0x" + test::json_string(v.at("genesis_hash")));
    CHECK(encode_header(*h) == Bytes(header_rlp));
    test::report_cases("headers/mainnet/ethereum-tests/genesishashestest.json", 1);
}
