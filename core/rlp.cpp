#include "core/rlp.hpp"

namespace causeway::rlp {

std::string_view to_string(DecodingError e) noexcept {
    switch (e) {
        case DecodingError::kInputTooShort: return "input too short";
        case DecodingError::kInputTooLong: return "input too long (trailing bytes)";
        case DecodingError::kLeadingZero: return "integer has a leading zero";
        case DecodingError::kNonCanonicalSize: return "non-canonical length";
        case DecodingError::kNonCanonicalSingleByte: return "single byte below 0x80 wrapped as a string";
        case DecodingError::kUnexpectedList: return "unexpected list";
        case DecodingError::kUnexpectedString: return "unexpected string";
        case DecodingError::kOverflow: return "value overflows its type";
        case DecodingError::kUnexpectedLength: return "unexpected length";
        case DecodingError::kListLengthMismatch: return "list items do not fill the list";
        case DecodingError::kTooFewElements: return "list has too few elements";
        case DecodingError::kTooDeep: return "nesting too deep";
    }
    return "invalid RLP";
}

namespace {

// Reads a big-endian length of `n` bytes (the long forms); rejects leading zeros and values that
// the short form should have carried.
std::expected<std::size_t, DecodingError> read_long_length(ByteView& from, std::size_t n) noexcept {
    if (from.size() < n) return std::unexpected(DecodingError::kInputTooShort);
    if (n > 8) return std::unexpected(DecodingError::kOverflow);
    if (from[0] == 0) return std::unexpected(DecodingError::kNonCanonicalSize);
    uint64_t len = 0;
    for (std::size_t i = 0; i < n; ++i) len = (len << 8) | from[i];
    from.remove_prefix(n);
    if (len < 56) return std::unexpected(DecodingError::kNonCanonicalSize);
    return static_cast<std::size_t>(len);
}

}  // namespace

std::expected<Header, DecodingError> decode_header(ByteView& from) noexcept {
    if (from.empty()) return std::unexpected(DecodingError::kInputTooShort);
    const uint8_t b = from[0];
    Header h;
    if (b < 0x80) {
        h.payload_length = 1;
        return h;  // the byte is its own payload: nothing consumed
    }
    from.remove_prefix(1);
    if (b <= 0xb7) {
        h.payload_length = b - 0x80u;
        if (h.payload_length == 1) {
            if (from.empty()) return std::unexpected(DecodingError::kInputTooShort);
            if (from[0] < 0x80) return std::unexpected(DecodingError::kNonCanonicalSingleByte);
        }
    } else if (b <= 0xbf) {
        auto len = read_long_length(from, b - 0xb7u);
        if (!len) return std::unexpected(len.error());
        h.payload_length = *len;
    } else if (b <= 0xf7) {
        h.list = true;
        h.payload_length = b - 0xc0u;
    } else {
        h.list = true;
        auto len = read_long_length(from, b - 0xf7u);
        if (!len) return std::unexpected(len.error());
        h.payload_length = *len;
    }
    if (h.payload_length > from.size()) return std::unexpected(DecodingError::kInputTooShort);
    return h;
}

std::expected<ByteView, DecodingError> decode_string(ByteView& from) noexcept {
    auto h = decode_header(from);
    if (!h) return std::unexpected(h.error());
    if (h->list) return std::unexpected(DecodingError::kUnexpectedList);
    ByteView payload = from.substr(0, h->payload_length);
    from.remove_prefix(h->payload_length);
    return payload;
}

std::expected<ByteView, DecodingError> decode_list(ByteView& from) noexcept {
    auto h = decode_header(from);
    if (!h) return std::unexpected(h.error());
    if (!h->list) return std::unexpected(DecodingError::kUnexpectedString);
    ByteView payload = from.substr(0, h->payload_length);
    from.remove_prefix(h->payload_length);
    return payload;
}

std::expected<uint64_t, DecodingError> decode_uint64(ByteView& from) noexcept {
    auto s = decode_string(from);
    if (!s) return std::unexpected(s.error());
    if (s->size() > 8) return std::unexpected(DecodingError::kOverflow);
    if (!s->empty() && (*s)[0] == 0) return std::unexpected(DecodingError::kLeadingZero);
    uint64_t n = 0;
    for (uint8_t b : *s) n = (n << 8) | b;
    return n;
}

std::expected<u256, DecodingError> decode_u256(ByteView& from) noexcept {
    auto s = decode_string(from);
    if (!s) return std::unexpected(s.error());
    if (s->size() > 32) return std::unexpected(DecodingError::kOverflow);
    if (!s->empty() && (*s)[0] == 0) return std::unexpected(DecodingError::kLeadingZero);
    return u256_from_be(*s);
}

std::expected<bool, DecodingError> decode_bool(ByteView& from) noexcept {
    auto n = decode_uint64(from);
    if (!n) return std::unexpected(n.error());
    if (*n > 1) return std::unexpected(DecodingError::kOverflow);
    return *n == 1;
}

std::expected<void, DecodingError> decode_list_items(ByteView payload, std::vector<ByteView>& items,
                                                     std::vector<bool>* kinds) {
    items.clear();
    if (kinds) kinds->clear();
    while (!payload.empty()) {
        auto h = decode_header(payload);
        if (!h) return std::unexpected(h.error());
        items.push_back(payload.substr(0, h->payload_length));
        if (kinds) kinds->push_back(h->list);
        payload.remove_prefix(h->payload_length);
    }
    return {};
}

namespace {

std::expected<Item, DecodingError> decode_item_at(ByteView& from, std::size_t depth) {
    if (depth > kMaxDepth) return std::unexpected(DecodingError::kTooDeep);
    auto h = decode_header(from);
    if (!h) return std::unexpected(h.error());
    Item item;
    item.list = h->list;
    ByteView payload = from.substr(0, h->payload_length);
    from.remove_prefix(h->payload_length);
    if (!h->list) {
        item.bytes.assign(payload);
        return item;
    }
    while (!payload.empty()) {
        auto child = decode_item_at(payload, depth + 1);
        if (!child) return std::unexpected(child.error());
        item.items.push_back(std::move(*child));
    }
    return item;
}

}  // namespace

std::expected<Item, DecodingError> decode_item(ByteView& from) {
    return decode_item_at(from, 0);
}

// ----- encoding -----

std::size_t length_of_length(std::size_t payload_length) noexcept {
    if (payload_length < 56) return 1;
    std::size_t n = 0;
    for (std::size_t v = payload_length; v != 0; v >>= 8) ++n;
    return 1 + n;
}

void encode_header(Bytes& to, Header header) {
    const uint8_t short_base = header.list ? 0xc0 : 0x80;
    if (header.payload_length < 56) {
        to.push_back(static_cast<uint8_t>(short_base + header.payload_length));
        return;
    }
    const std::size_t n = length_of_length(header.payload_length) - 1;
    to.push_back(static_cast<uint8_t>(short_base + 55 + n));
    for (std::size_t i = n; i-- > 0;) to.push_back(static_cast<uint8_t>(header.payload_length >> (8 * i)));
}

void encode(Bytes& to, ByteView string) {
    if (string.size() == 1 && string[0] < 0x80) {
        to.push_back(string[0]);
        return;
    }
    encode_header(to, {false, string.size()});
    to.append(string);
}

void encode(Bytes& to, uint64_t n) {
    if (n == 0) {
        to.push_back(0x80);
        return;
    }
    if (n < 0x80) {
        to.push_back(static_cast<uint8_t>(n));
        return;
    }
    uint8_t buf[8];
    std::size_t len = 0;
    for (uint64_t v = n; v != 0; v >>= 8) ++len;
    for (std::size_t i = 0; i < len; ++i) buf[i] = static_cast<uint8_t>(n >> (8 * (len - 1 - i)));
    to.push_back(static_cast<uint8_t>(0x80 + len));
    to.append(buf, len);
}

void encode(Bytes& to, const u256& n) {
    uint8_t full[32];
    u256_to_be(n, full);
    const std::size_t len = u256_byte_length(n);
    encode(to, ByteView{full + 32 - len, len});
}

void encode(Bytes& to, const Item& item) {
    if (!item.list) {
        encode(to, item.bytes);
        return;
    }
    Bytes payload;
    for (const Item& child : item.items) encode(payload, child);
    encode_header(to, {true, payload.size()});
    to.append(payload);
}

std::size_t length(ByteView string) noexcept {
    if (string.size() == 1 && string[0] < 0x80) return 1;
    return length_of_length(string.size()) + string.size();
}

std::size_t length(uint64_t n) noexcept {
    if (n < 0x80) return 1;
    std::size_t len = 0;
    for (uint64_t v = n; v != 0; v >>= 8) ++len;
    return 1 + len;
}

std::size_t length(const u256& n) noexcept {
    if (n < 0x80) return 1;
    return 1 + u256_byte_length(n);
}

}  // namespace causeway::rlp
