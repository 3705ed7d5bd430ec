#include "core/message.hpp"

#include "core/keccak.hpp"

namespace causeway {

namespace {

void put_u32(Bytes& out, uint32_t v) {
    const uint8_t b[4] = {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
                          static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
    out.append(b, 4);
}

// Callers have checked the size.
uint32_t take_u32(ByteView& in) noexcept {
    const uint32_t v = (uint32_t{in[0]} << 24) | (uint32_t{in[1]} << 16) | (uint32_t{in[2]} << 8) | in[3];
    in.remove_prefix(4);
    return v;
}

Hash take_hash(ByteView& in) noexcept {
    Hash h;
    std::copy_n(in.begin(), 32, h.bytes.begin());
    in.remove_prefix(32);
    return h;
}

}  // namespace

std::string_view to_string(MessageError e) noexcept {
    switch (e) {
        case MessageError::kTruncated: return "message shorter than its 77 bytes of fixed fields";
        case MessageError::kUnsupportedVersion: return "message version is not 3";
    }
    return "message error";
}

std::string_view to_string(CollateralBodyError e) noexcept {
    switch (e) {
        case CollateralBodyError::kTruncated:
            return "collateral body shorter than recipient and amount (64 bytes)";
    }
    return "collateral body error";
}

void encode(Bytes& out, const Message& message) {
    out.reserve(out.size() + kMessageHeaderSize + message.body.size());
    out.push_back(message.version);
    put_u32(out, message.nonce);
    put_u32(out, message.origin);
    out.append(message.sender.view());
    put_u32(out, message.destination);
    out.append(message.recipient.view());
    out.append(message.body);
}

std::expected<Message, MessageError> decode_message(ByteView& from) {
    if (from.size() < kMessageHeaderSize) return std::unexpected(MessageError::kTruncated);
    if (from[0] != kMessageVersion) return std::unexpected(MessageError::kUnsupportedVersion);
    ByteView in = from;
    Message m;
    m.version = in[0];
    in.remove_prefix(1);
    m.nonce = take_u32(in);
    m.origin = take_u32(in);
    m.sender = take_hash(in);
    m.destination = take_u32(in);
    m.recipient = take_hash(in);
    m.body = Bytes(in);
    from.remove_prefix(from.size());
    return m;
}

Hash message_id(const Message& message) {
    Bytes encoded;
    encode(encoded, message);
    return keccak256(encoded);
}

void encode(Bytes& out, const CollateralBody& body) {
    out.reserve(out.size() + 64 + body.metadata.size());
    out.append(body.recipient.view());
    out.append(u256_to_hash(body.amount).view());
    out.append(body.metadata);
}

std::expected<CollateralBody, CollateralBodyError> decode_collateral_body(ByteView& from) {
    if (from.size() < 64) return std::unexpected(CollateralBodyError::kTruncated);
    ByteView in = from;
    CollateralBody b;
    b.recipient = take_hash(in);
    b.amount = u256_from_be(in.substr(0, 32));
    in.remove_prefix(32);
    b.metadata = Bytes(in);
    from.remove_prefix(from.size());
    return b;
}

}  // namespace causeway
