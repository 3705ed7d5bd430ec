// Trie node reading shared by the verifier and the root builder (internal to light-clients/mpt).
// Everything is a view into the node's bytes; nothing allocates.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/bytes.hpp"

namespace causeway::mpt::detail {

// One RLP item: its whole encoding and its payload.
struct Item {
    ByteView full;
    ByteView payload;
    bool list = false;
};

// Reads one item from the front of `in`, with core/rlp's canonical-form rules (a byte below 0x80
// is never wrapped, long forms only from 56 bytes, no leading zeros in lengths). Inline because
// a proof reads hundreds of items and the call would cost as much as the read.
[[nodiscard, gnu::always_inline]] inline bool next_item(ByteView& in, Item& out) noexcept {
    if (in.empty()) return false;
    const uint8_t b = in[0];
    if (b < 0x80) {
        out.full = out.payload = ByteView{in.data(), 1};
        out.list = false;
        in.remove_prefix(1);
        return true;
    }
    std::size_t header = 1;
    std::size_t length = 0;
    if (b <= 0xb7 || (b >= 0xc0 && b <= 0xf7)) {
        length = b <= 0xb7 ? b - 0x80u : b - 0xc0u;
        if (b == 0x81 && (in.size() < 2 || in[1] < 0x80)) return false;
    } else {
        const std::size_t n = b <= 0xbf ? b - 0xb7u : b - 0xf7u;
        if (in.size() < 1 + n || in[1] == 0) return false;
        uint64_t len = 0;
        for (std::size_t i = 1; i <= n; ++i) len = (len << 8) | in[i];
        if (len < 56) return false;
        if (len > in.size()) return false;
        header = 1 + n;
        length = static_cast<std::size_t>(len);
    }
    if (length > in.size() - header) return false;
    out.full = ByteView{in.data(), header + length};
    out.payload = ByteView{in.data() + header, length};
    out.list = b >= 0xc0;
    in.remove_prefix(header + length);
    return true;
}

// A decoded node: a branch has 17 items, an extension or a leaf 2.
struct Node {
    Item items[17];
    std::size_t count = 0;
};

// True when `encoding` is exactly one list of 2 or 17 well-formed items.
[[nodiscard]] inline bool parse_node(ByteView encoding, Node& node) noexcept {
    Item whole;
    if (!next_item(encoding, whole) || !whole.list || !encoding.empty()) return false;
    ByteView payload = whole.payload;
    node.count = 0;
    while (!payload.empty()) {
        if (node.count == 17 || !next_item(payload, node.items[node.count])) return false;
        ++node.count;
    }
    return node.count == 17 || node.count == 2;
}

// The i-th nibble of a byte string, high nibble first.
[[nodiscard]] inline uint8_t nibble_at(ByteView bytes, std::size_t i) noexcept {
    const uint8_t b = bytes[i >> 1];
    return (i & 1) ? (b & 0x0f) : (b >> 4);
}

}  // namespace causeway::mpt::detail
