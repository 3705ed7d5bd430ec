// secp256k1 keys and recoverable ECDSA as Ethereum uses them (libsecp256k1).
#pragma once

#include <array>
#include <cstdint>
#include <expected>
#include <string_view>

#include "core/bytes.hpp"

namespace causeway {

enum class CryptoError : uint8_t {
    kInvalidPrivateKey,  // zero, not below the curve order, or not 32 bytes
    kInvalidPublicKey,   // not a point on the curve
    kInvalidSignature,   // r or s zero or not below the curve order, or bad DER
    kHighS,              // s above n/2 (EIP-2; malleable form)
    kInvalidRecoveryId,  // recovery id other than 0..3 (or v out of range)
    kRecoveryFailed,     // no public key recovers from this signature and digest
    kSigningFailed,
};
[[nodiscard]] std::string_view to_string(CryptoError e) noexcept;

// An uncompressed public key without the 0x04 prefix: x || y.
using PublicKey = FixedBytes<64>;

// r || s and the parity of R's y coordinate (the "recovery id", 0 or 1 for Ethereum).
struct Signature {
    Hash r;
    Hash s;
    uint8_t recovery_id = 0;
    friend bool operator==(const Signature&, const Signature&) = default;
};

// A private key. Its bytes are wiped on destruction and there is deliberately no way to print it.
class PrivateKey {
  public:
    [[nodiscard]] static std::expected<PrivateKey, CryptoError> from_bytes(ByteView secret) noexcept;
    // 64 hex digits, with or without 0x; surrounding white space (a trailing newline in a key
    // file) is ignored.
    [[nodiscard]] static std::expected<PrivateKey, CryptoError> from_hex(std::string_view text) noexcept;

    PrivateKey(const PrivateKey&) = default;
    PrivateKey& operator=(const PrivateKey&) = default;
    ~PrivateKey();

    [[nodiscard]] const PublicKey& public_key() const noexcept { return public_key_; }
    [[nodiscard]] const Address& address() const noexcept { return address_; }
    [[nodiscard]] ByteView secret() const noexcept { return {secret_.data(), secret_.size()}; }

  private:
    PrivateKey() = default;
    std::array<uint8_t, 32> secret_{};
    PublicKey public_key_;
    Address address_;
};

// Address = last 20 bytes of keccak256(x || y).
[[nodiscard]] Address to_address(const PublicKey& key) noexcept;

// Deterministic (RFC 6979) recoverable signature; libsecp256k1 always produces low s.
[[nodiscard]] std::expected<Signature, CryptoError> sign(const PrivateKey& key, const Hash& digest) noexcept;

[[nodiscard]] bool is_low_s(const Hash& s) noexcept;
// r and s in [1, n-1].
[[nodiscard]] bool is_valid_scalar(const Hash& v) noexcept;

enum class LowS : uint8_t { kRequired, kAllowed };

[[nodiscard]] std::expected<PublicKey, CryptoError> recover_public_key(const Hash& digest,
                                                                       const Signature& sig,
                                                                       LowS rule = LowS::kRequired) noexcept;
[[nodiscard]] std::expected<Address, CryptoError> recover_address(const Hash& digest, const Signature& sig,
                                                                  LowS rule = LowS::kRequired) noexcept;

// Plain ECDSA verification of a DER signature against a public key given in SEC1 form
// (33 or 65 bytes). With LowS::kAllowed, a high-s signature is normalised before checking.
[[nodiscard]] std::expected<bool, CryptoError> verify_der(ByteView public_key_sec1, const Hash& digest,
                                                          ByteView der, LowS rule) noexcept;

// The same for a raw r || s signature (IEEE P1363, 64 bytes); r or s out of range is invalid.
[[nodiscard]] std::expected<bool, CryptoError> verify_compact(ByteView public_key_sec1, const Hash& digest,
                                                              ByteView r_s, LowS rule) noexcept;

// EIP-191 version 0x45: keccak256("\x19Ethereum Signed Message:\n" || len(message) || message).
[[nodiscard]] Hash personal_message_hash(ByteView message) noexcept;

}  // namespace causeway
