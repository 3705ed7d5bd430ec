#include "core/secp256k1.hpp"

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <cctype>
#include <cstring>
#include <string>

#include "core/hex.hpp"
#include "core/keccak.hpp"

namespace causeway {

namespace {

const secp256k1_context* context() noexcept {
    // Created once; read-only afterwards, so safe to share between threads.
    static const secp256k1_context* ctx = [] {
        secp256k1_context* c = secp256k1_context_create(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY);
        return c;
    }();
    return ctx;
}

// n/2, the largest low s (secp256k1 group order halved).
constexpr uint8_t kHalfOrder[32] = {0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                    0xff, 0xff, 0xff, 0xff, 0xff, 0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4,
                                    0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0};
constexpr uint8_t kOrder[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
                                0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};

void secure_wipe(void* p, std::size_t n) noexcept {
    volatile uint8_t* v = static_cast<volatile uint8_t*>(p);
    while (n--) *v++ = 0;
}

PublicKey serialize(const secp256k1_pubkey& pk) noexcept {
    uint8_t out[65];
    std::size_t len = sizeof(out);
    secp256k1_ec_pubkey_serialize(context(), out, &len, &pk, SECP256K1_EC_UNCOMPRESSED);
    PublicKey key;
    std::memcpy(key.data(), out + 1, 64);
    return key;
}

}  // namespace

std::string_view to_string(CryptoError e) noexcept {
    switch (e) {
        case CryptoError::kInvalidPrivateKey: return "invalid private key";
        case CryptoError::kInvalidPublicKey: return "invalid public key";
        case CryptoError::kInvalidSignature: return "invalid signature";
        case CryptoError::kHighS: return "signature s is above n/2 (EIP-2)";
        case CryptoError::kInvalidRecoveryId: return "invalid recovery id";
        case CryptoError::kRecoveryFailed: return "public key recovery failed";
        case CryptoError::kSigningFailed: return "signing failed";
    }
    return "crypto error";
}

std::expected<PrivateKey, CryptoError> PrivateKey::from_bytes(ByteView secret) noexcept {
    if (secret.size() != 32) return std::unexpected(CryptoError::kInvalidPrivateKey);
    if (!secp256k1_ec_seckey_verify(context(), secret.data())) {
        return std::unexpected(CryptoError::kInvalidPrivateKey);
    }
    PrivateKey key;
    std::memcpy(key.secret_.data(), secret.data(), 32);
    secp256k1_pubkey pk;
    if (!secp256k1_ec_pubkey_create(context(), &pk, key.secret_.data())) {
        return std::unexpected(CryptoError::kInvalidPrivateKey);
    }
    key.public_key_ = serialize(pk);
    key.address_ = to_address(key.public_key_);
    return key;
}

std::expected<PrivateKey, CryptoError> PrivateKey::from_hex(std::string_view text) noexcept {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    auto bytes = causeway::from_hex(text, HexPrefix::kOptional);
    if (!bytes) return std::unexpected(CryptoError::kInvalidPrivateKey);
    auto key = from_bytes(*bytes);
    secure_wipe(bytes->data(), bytes->size());
    return key;
}

PrivateKey::~PrivateKey() {
    secure_wipe(secret_.data(), secret_.size());
}

Address to_address(const PublicKey& key) noexcept {
    const Hash h = keccak256(key.view());
    Address a;
    std::memcpy(a.data(), h.data() + 12, 20);
    return a;
}

bool is_low_s(const Hash& s) noexcept {
    return std::memcmp(s.data(), kHalfOrder, 32) <= 0;
}

bool is_valid_scalar(const Hash& v) noexcept {
    return !v.is_zero() && std::memcmp(v.data(), kOrder, 32) < 0;
}

std::expected<Signature, CryptoError> sign(const PrivateKey& key, const Hash& digest) noexcept {
    secp256k1_ecdsa_recoverable_signature rsig;
    if (!secp256k1_ecdsa_sign_recoverable(context(), &rsig, digest.data(), key.secret().data(), nullptr,
                                          nullptr)) {
        return std::unexpected(CryptoError::kSigningFailed);
    }
    uint8_t compact[64];
    int recid = 0;
    secp256k1_ecdsa_recoverable_signature_serialize_compact(context(), compact, &recid, &rsig);
    Signature sig;
    std::memcpy(sig.r.data(), compact, 32);
    std::memcpy(sig.s.data(), compact + 32, 32);
    sig.recovery_id = static_cast<uint8_t>(recid);
    return sig;
}

std::expected<PublicKey, CryptoError> recover_public_key(const Hash& digest, const Signature& sig,
                                                         LowS rule) noexcept {
    if (sig.recovery_id > 3) return std::unexpected(CryptoError::kInvalidRecoveryId);
    if (!is_valid_scalar(sig.r) || !is_valid_scalar(sig.s)) {
        return std::unexpected(CryptoError::kInvalidSignature);
    }
    if (rule == LowS::kRequired && !is_low_s(sig.s)) return std::unexpected(CryptoError::kHighS);
    uint8_t compact[64];
    std::memcpy(compact, sig.r.data(), 32);
    std::memcpy(compact + 32, sig.s.data(), 32);
    secp256k1_ecdsa_recoverable_signature rsig;
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(context(), &rsig, compact, sig.recovery_id)) {
        return std::unexpected(CryptoError::kInvalidSignature);
    }
    secp256k1_pubkey pk;
    if (!secp256k1_ecdsa_recover(context(), &pk, &rsig, digest.data())) {
        return std::unexpected(CryptoError::kRecoveryFailed);
    }
    return serialize(pk);
}

std::expected<Address, CryptoError> recover_address(const Hash& digest, const Signature& sig,
                                                    LowS rule) noexcept {
    auto pk = recover_public_key(digest, sig, rule);
    if (!pk) return std::unexpected(pk.error());
    return to_address(*pk);
}

std::expected<bool, CryptoError> verify_der(ByteView public_key_sec1, const Hash& digest, ByteView der,
                                            LowS rule) noexcept {
    secp256k1_pubkey pk;
    if (!secp256k1_ec_pubkey_parse(context(), &pk, public_key_sec1.data(), public_key_sec1.size())) {
        return std::unexpected(CryptoError::kInvalidPublicKey);
    }
    secp256k1_ecdsa_signature sig;
    if (!secp256k1_ecdsa_signature_parse_der(context(), &sig, der.data(), der.size())) {
        return false;
    }
    // libsecp256k1 accepts some BER leniencies (e.g. trailing garbage is rejected, but long-form
    // lengths are not); re-serialise and compare so only exact DER passes.
    uint8_t canonical[72];
    std::size_t len = sizeof(canonical);
    secp256k1_ecdsa_signature_serialize_der(context(), canonical, &len, &sig);
    if (len != der.size() || std::memcmp(canonical, der.data(), len) != 0) return false;
    if (rule == LowS::kAllowed) secp256k1_ecdsa_signature_normalize(context(), &sig, &sig);
    return secp256k1_ecdsa_verify(context(), &sig, digest.data(), &pk) == 1;
}

std::expected<bool, CryptoError> verify_compact(ByteView public_key_sec1, const Hash& digest, ByteView r_s,
                                                LowS rule) noexcept {
    secp256k1_pubkey pk;
    if (!secp256k1_ec_pubkey_parse(context(), &pk, public_key_sec1.data(), public_key_sec1.size())) {
        return std::unexpected(CryptoError::kInvalidPublicKey);
    }
    if (r_s.size() != 64) return false;
    secp256k1_ecdsa_signature sig;
    if (!secp256k1_ecdsa_signature_parse_compact(context(), &sig, r_s.data())) return false;
    if (rule == LowS::kAllowed) secp256k1_ecdsa_signature_normalize(context(), &sig, &sig);
    return secp256k1_ecdsa_verify(context(), &sig, digest.data(), &pk) == 1;
}

Hash personal_message_hash(ByteView message) noexcept {
    const std::string prefix =
        "\x19"
        "Ethereum Signed Message:\n" +
        std::to_string(message.size());
    Keccak256 h;
    h.update(to_view(prefix));
    h.update(message);
    return h.finalize();
}

}  // namespace causeway
