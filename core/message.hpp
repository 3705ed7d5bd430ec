// Hyperlane v3 messages, byte for byte (so causeway relays for Mailboxes already deployed), and the
// warp-route collateral body they carry.
// Both are abi.encodePacked layouts: fixed-width big-endian fields, then the variable part to the end.
#pragma once

#include <cstdint>
#include <expected>
#include <string_view>

#include "core/bytes.hpp"
#include "core/u256.hpp"

namespace causeway {

inline constexpr uint8_t kMessageVersion = 3;
// version + nonce + origin + sender + destination + recipient, before the body.
inline constexpr std::size_t kMessageHeaderSize = 1 + 4 + 4 + 32 + 4 + 32;

// Senders and recipients are bytes32 so that non-EVM chains fit; an EVM address is left-padded.
struct Message {
    uint8_t version = kMessageVersion;
    uint32_t nonce = 0;
    uint32_t origin = 0;
    Hash sender;
    uint32_t destination = 0;
    Hash recipient;
    Bytes body;
    friend bool operator==(const Message&, const Message&) = default;
};

enum class MessageError : uint8_t {
    kTruncated,           // shorter than the fixed fields
    kUnsupportedVersion,  // a version byte other than 3
};
[[nodiscard]] std::string_view to_string(MessageError e) noexcept;

// u8 version | u32 nonce | u32 origin | bytes32 sender | u32 destination | bytes32 recipient | body.
void encode(Bytes& out, const Message& message);
// The body runs to the end of the input, so a message is the whole of `from`: it is consumed
// entirely. Only version 3 is accepted (the Mailbox rejects the rest).
[[nodiscard]] std::expected<Message, MessageError> decode_message(ByteView& from);
// keccak256 of the encoded message: the id the Mailbox emits, records and the tree commits to.
[[nodiscard]] Hash message_id(const Message& message);

// A warp-route (collateral) transfer body: bytes32 recipient | uint256 amount | bytes metadata.
struct CollateralBody {
    Hash recipient;
    u256 amount;
    Bytes metadata;
    friend bool operator==(const CollateralBody&, const CollateralBody&) = default;
};

enum class CollateralBodyError : uint8_t {
    kTruncated,  // shorter than recipient + amount (64 bytes)
};
[[nodiscard]] std::string_view to_string(CollateralBodyError e) noexcept;

void encode(Bytes& out, const CollateralBody& body);
// The metadata runs to the end of the input; `from` is consumed entirely.
[[nodiscard]] std::expected<CollateralBody, CollateralBodyError> decode_collateral_body(ByteView& from);

}  // namespace causeway
