// Fuzzes the RLP decoders (core/rlp.hpp) and checks properties that hold for every input.
//
// The decoders are strict: every non-canonical form (a single byte below 0x80 wrapped in a string
// header, a long-form length below 56, a length with leading zeros, an integer with a leading zero
// byte) is an error. Each value therefore has exactly one accepted encoding, so whatever decodes must
// re-encode to exactly the bytes it consumed. A lenient decoder would make this fail, which is the
// point: two encodings of one value mean two transaction/trie-node hashes for one value.
//
// Properties, for the input as a whole and for its first item:
//  * decode_item ok => encode(item) == the consumed prefix, and decode_exact agrees on trailing bytes;
//  * decode_header / decode_string / decode_list / decode_uint64 / decode_u256 / decode_bool ok =>
//    re-encoding gives the consumed prefix, and they agree with decode_item on kind and payload;
//  * decode_list_items splits a list payload into the same items decode_item found;
//  * rlp::length() and length_of_length() equal the size encode() writes.
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "core/rlp.hpp"
#include "core/u256.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using namespace causeway;

ByteView consumed(ByteView before, ByteView after) {
    return before.substr(0, before.size() - after.size());
}

std::size_t item_length(const rlp::Item& item) {
    if (!item.list) return rlp::length(ByteView{item.bytes});
    std::size_t payload = 0;
    for (const auto& child : item.items) payload += item_length(child);
    return rlp::length_of_length(payload) + payload;
}

// The item's payload encoding: what decode_list/decode_string return as a view.
Bytes payload_of(const rlp::Item& item) {
    if (!item.list) return item.bytes;
    Bytes out;
    for (const auto& child : item.items) rlp::encode(out, child);
    return out;
}

void check_item(ByteView input) {
    ByteView rest = input;
    auto item = rlp::decode_item(rest);

    ByteView exact_input = input;
    auto exact = rlp::decode_exact(exact_input, [](ByteView& v) { return rlp::decode_item(v); });
    CAUSEWAY_CHECK(exact.has_value() == (item.has_value() && rest.empty()));
    if (!item) {
        // Only trailing-byte errors may differ between the two.
        if (!exact) CAUSEWAY_CHECK(exact.error() == item.error());
        return;
    }
    if (!rest.empty()) CAUSEWAY_CHECK(!exact && exact.error() == rlp::DecodingError::kInputTooLong);
    if (exact) CAUSEWAY_CHECK(*exact == *item);

    const ByteView used = consumed(input, rest);
    CAUSEWAY_CHECK(!used.empty());
    Bytes encoded;
    rlp::encode(encoded, *item);
    CAUSEWAY_CHECK(ByteView{encoded} == used);
    CAUSEWAY_CHECK(item_length(*item) == used.size());

    // The header and payload readers see the same item.
    ByteView h_view = input;
    auto header = rlp::decode_header(h_view);
    CAUSEWAY_CHECK(header.has_value());
    CAUSEWAY_CHECK(header->list == item->list);
    const Bytes payload = payload_of(*item);
    CAUSEWAY_CHECK(header->payload_length == payload.size());
    Bytes header_bytes;
    rlp::encode_header(header_bytes, *header);
    if (!(header->payload_length == 1 && !item->list && input[0] < 0x80)) {
        // A byte below 0x80 is its own header (decode_header consumes nothing for it).
        CAUSEWAY_CHECK(ByteView{header_bytes} == consumed(input, h_view));
        CAUSEWAY_CHECK(header_bytes.size() + payload.size() == used.size());
    } else {
        CAUSEWAY_CHECK(h_view.size() == input.size());
    }

    ByteView s_view = input;
    auto str = rlp::decode_string(s_view);
    ByteView l_view = input;
    auto list = rlp::decode_list(l_view);
    if (item->list) {
        CAUSEWAY_CHECK(!str && str.error() == rlp::DecodingError::kUnexpectedList);
        CAUSEWAY_CHECK(list && *list == ByteView{payload} && l_view.size() == rest.size());
        std::vector<ByteView> items;
        std::vector<bool> kinds;
        auto split = rlp::decode_list_items(*list, items, &kinds);
        CAUSEWAY_CHECK(split.has_value());
        CAUSEWAY_CHECK(items.size() == item->items.size() && kinds.size() == items.size());
        for (std::size_t i = 0; i < items.size(); ++i) {
            CAUSEWAY_CHECK(kinds[i] == item->items[i].list);
            CAUSEWAY_CHECK(items[i] == ByteView{payload_of(item->items[i])});
        }
    } else {
        CAUSEWAY_CHECK(!list && list.error() == rlp::DecodingError::kUnexpectedString);
        CAUSEWAY_CHECK(str && *str == ByteView{item->bytes} && s_view.size() == rest.size());
        Bytes re;
        rlp::encode(re, *str);
        CAUSEWAY_CHECK(ByteView{re} == used);
        CAUSEWAY_CHECK(rlp::length(*str) == used.size());
    }

    // Integers: minimal big-endian strings only.
    const bool is_integer = !item->list && (item->bytes.empty() || item->bytes[0] != 0);
    ByteView u64_view = input;
    auto u64 = rlp::decode_uint64(u64_view);
    CAUSEWAY_CHECK(u64.has_value() == (is_integer && item->bytes.size() <= 8));
    if (u64) {
        Bytes re;
        rlp::encode(re, *u64);
        CAUSEWAY_CHECK(ByteView{re} == used && rlp::length(*u64) == used.size());
        ByteView b_view = input;
        auto b = rlp::decode_bool(b_view);
        CAUSEWAY_CHECK(b.has_value() == (*u64 <= 1));
        if (b) CAUSEWAY_CHECK(*b == (*u64 == 1));
    }
    ByteView u256_view = input;
    auto big = rlp::decode_u256(u256_view);
    CAUSEWAY_CHECK(big.has_value() == (is_integer && item->bytes.size() <= 32));
    if (big) {
        Bytes re;
        rlp::encode(re, *big);
        CAUSEWAY_CHECK(ByteView{re} == used && rlp::length(*big) == used.size());
        if (u64) CAUSEWAY_CHECK(*big == u256(*u64));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    check_item(ByteView{data, size});
    return 0;
}
