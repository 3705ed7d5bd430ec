#include "light-clients/committee/checkpoint.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "core/keccak.hpp"

namespace causeway::committee {

namespace {

constexpr std::string_view kHyperlane = "HYPERLANE";
constexpr std::string_view kPersonalPrefix32 =
    "\x19"
    "Ethereum Signed Message:\n32";

void put_u32(uint8_t* out, uint32_t v) noexcept {
    out[0] = static_cast<uint8_t>(v >> 24);
    out[1] = static_cast<uint8_t>(v >> 16);
    out[2] = static_cast<uint8_t>(v >> 8);
    out[3] = static_cast<uint8_t>(v);
}

uint32_t get_u32(const uint8_t* in) noexcept {
    return (uint32_t{in[0]} << 24) | (uint32_t{in[1]} << 16) | (uint32_t{in[2]} << 8) | in[3];
}

// keccak256(domainHash | root | u32 index [| messageId]).
Hash checkpoint_hash(const Hash& domain, const Hash& root, uint32_t index, const Hash* message_id) noexcept {
    uint8_t buf[32 + 32 + 4 + 32];
    std::memcpy(buf, domain.data(), 32);
    std::memcpy(buf + 32, root.data(), 32);
    put_u32(buf + 64, index);
    std::size_t size = 68;
    if (message_id) {
        std::memcpy(buf + 68, message_id->data(), 32);
        size += 32;
    }
    return keccak256({buf, size});
}

// The metadata's fixed fields, read in place.
struct MetadataView {
    Hash merkle_tree_hook;
    Hash root;
    uint32_t index = 0;
    ByteView signatures;  // n x 65 bytes
    [[nodiscard]] std::size_t count() const noexcept { return signatures.size() / kSignatureSize; }
};

std::expected<MetadataView, MetadataError> view_metadata(ByteView in) noexcept {
    if (in.size() < kMetadataPrefixSize) return std::unexpected(MetadataError::kTruncated);
    MetadataView v;
    std::memcpy(v.merkle_tree_hook.data(), in.data(), 32);
    std::memcpy(v.root.data(), in.data() + 32, 32);
    v.index = get_u32(in.data() + 64);
    v.signatures = in.substr(kMetadataPrefixSize);
    if (v.signatures.size() % kSignatureSize != 0) return std::unexpected(MetadataError::kPartialSignature);
    if (v.count() > kMaxSignatures) return std::unexpected(MetadataError::kTooManySignatures);
    return v;
}

// `signature(i)` gives the i-th 65-byte signature; there are at least threshold of them.
template <typename SignatureAt>
Verdict verify_ordered(const Hash& digest, SignatureAt signature, std::size_t count,
                       const ValidatorSet& set) noexcept {
    const std::span<const Address> validators = set.validators();
    const std::size_t threshold = set.threshold();
    if (count < threshold) return Verdict::kThresholdNotMet;

    // Positions of the validators counted so far (increasing), kept only to name a failure.
    std::array<uint8_t, kMaxValidators> counted;
    std::size_t next = 0;  // validators before `next` are counted or were skipped
    for (std::size_t i = 0; i < threshold; ++i) {
        const auto sig = from_rsv(signature(i));
        if (!sig) return Verdict::kInvalidSignature;
        const auto signer = recover_address(digest, *sig, LowS::kRequired);
        if (!signer)
            return signer.error() == CryptoError::kHighS ? Verdict::kEip2HighS : Verdict::kInvalidSignature;

        const std::size_t from = next;
        while (next < validators.size() && validators[next] != *signer) ++next;
        if (next == validators.size()) {
            // Not found ahead: behind us (a repeat or a wrong order) or nowhere.
            const auto behind = std::find(validators.begin(), validators.begin() + from, *signer);
            if (behind == validators.begin() + from) return Verdict::kNotAValidator;
            const auto position = static_cast<uint8_t>(behind - validators.begin());
            const bool repeat =
                std::find(counted.begin(), counted.begin() + i, position) != counted.begin() + i;
            return repeat ? Verdict::kDuplicateSigner : Verdict::kSignersOutOfOrder;
        }
        counted[i] = static_cast<uint8_t>(next);
        ++next;
    }
    return Verdict::kValid;
}

Verdict verify_view(const MetadataView& m, uint32_t origin, const Hash& message_id,
                    const ValidatorSet& validators) noexcept {
    // Counted before hashing anything: a short list fails without work.
    if (m.count() < validators.threshold()) return Verdict::kThresholdNotMet;
    const Checkpoint c{origin, m.merkle_tree_hook, m.root, m.index, message_id};
    const Hash d = digest(c);
    return verify_ordered(
        d, [&](std::size_t i) { return m.signatures.substr(i * kSignatureSize, kSignatureSize); }, m.count(),
        validators);
}

}  // namespace

Hash domain_hash(uint32_t origin, const Hash& merkle_tree_hook) noexcept {
    uint8_t buf[4 + 32 + kHyperlane.size()];
    put_u32(buf, origin);
    std::memcpy(buf + 4, merkle_tree_hook.data(), 32);
    std::memcpy(buf + 36, kHyperlane.data(), kHyperlane.size());
    return keccak256({buf, sizeof(buf)});
}

Hash personal_hash32(const Hash& value) noexcept {
    uint8_t buf[kPersonalPrefix32.size() + 32];
    std::memcpy(buf, kPersonalPrefix32.data(), kPersonalPrefix32.size());
    std::memcpy(buf + kPersonalPrefix32.size(), value.data(), 32);
    return keccak256({buf, sizeof(buf)});
}

Hash signing_hash(const Checkpoint& c) noexcept {
    return checkpoint_hash(domain_hash(c.origin, c.merkle_tree_hook), c.root, c.index, &c.message_id);
}

Hash digest(const Checkpoint& c) noexcept {
    return personal_hash32(signing_hash(c));
}

Hash legacy_digest(uint32_t origin, const Hash& merkle_tree_hook, const Hash& root, uint32_t index) noexcept {
    return personal_hash32(checkpoint_hash(domain_hash(origin, merkle_tree_hook), root, index, nullptr));
}

SignatureBytes to_rsv(const Signature& sig) noexcept {
    SignatureBytes out;
    std::memcpy(out.data(), sig.r.data(), 32);
    std::memcpy(out.data() + 32, sig.s.data(), 32);
    out[64] = static_cast<uint8_t>(27 + sig.recovery_id);
    return out;
}

std::expected<Signature, CryptoError> from_rsv(ByteView rsv) noexcept {
    if (rsv.size() != kSignatureSize) return std::unexpected(CryptoError::kInvalidSignature);
    if (rsv[64] != 27 && rsv[64] != 28) return std::unexpected(CryptoError::kInvalidRecoveryId);
    Signature sig;
    std::memcpy(sig.r.data(), rsv.data(), 32);
    std::memcpy(sig.s.data(), rsv.data() + 32, 32);
    sig.recovery_id = static_cast<uint8_t>(rsv[64] - 27);
    return sig;
}

std::string_view to_string(MetadataError e) noexcept {
    switch (e) {
        case MetadataError::kTruncated:
            return "metadata shorter than merkle-tree hook, root and index (68 bytes)";
        case MetadataError::kPartialSignature: return "metadata signatures are not whole 65-byte signatures";
        case MetadataError::kTooManySignatures: return "metadata has more than 255 signatures";
    }
    return "metadata error";
}

void encode(Bytes& out, const Metadata& m) {
    out.reserve(out.size() + kMetadataPrefixSize + m.signatures.size() * kSignatureSize);
    out.append(m.merkle_tree_hook.view());
    out.append(m.root.view());
    uint8_t index[4];
    put_u32(index, m.index);
    out.append(index, 4);
    for (const auto& s : m.signatures) out.append(s.view());
}

std::expected<Metadata, MetadataError> decode_metadata(ByteView& from) {
    auto v = view_metadata(from);
    if (!v) return std::unexpected(v.error());
    Metadata m{v->merkle_tree_hook, v->root, v->index, {}};
    m.signatures.resize(v->count());
    for (std::size_t i = 0; i < m.signatures.size(); ++i) {
        std::memcpy(m.signatures[i].data(), v->signatures.data() + i * kSignatureSize, kSignatureSize);
    }
    from.remove_prefix(from.size());
    return m;
}

std::string_view to_string(ValidatorSetError e) noexcept {
    switch (e) {
        case ValidatorSetError::kEmpty: return "the validator set is empty";
        case ValidatorSetError::kTooManyValidators: return "more than 255 validators";
        case ValidatorSetError::kZeroThreshold: return "the threshold is zero";
        case ValidatorSetError::kThresholdAboveSize: return "the threshold is above the number of validators";
        case ValidatorSetError::kDuplicateValidator: return "a validator appears twice";
        case ValidatorSetError::kZeroAddress: return "the zero address is not a validator";
    }
    return "validator set error";
}

std::expected<ValidatorSet, ValidatorSetError> ValidatorSet::create(std::vector<Address> validators,
                                                                    std::size_t threshold) {
    if (validators.empty()) return std::unexpected(ValidatorSetError::kEmpty);
    if (validators.size() > kMaxValidators) return std::unexpected(ValidatorSetError::kTooManyValidators);
    if (threshold == 0) return std::unexpected(ValidatorSetError::kZeroThreshold);
    if (threshold > validators.size()) return std::unexpected(ValidatorSetError::kThresholdAboveSize);
    if (std::any_of(validators.begin(), validators.end(), [](const Address& a) { return a.is_zero(); })) {
        return std::unexpected(ValidatorSetError::kZeroAddress);
    }
    std::vector<Address> sorted = validators;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
        return std::unexpected(ValidatorSetError::kDuplicateValidator);
    }
    ValidatorSet set;
    set.validators_ = std::move(validators);
    set.threshold_ = threshold;
    return set;
}

std::string_view to_string(Verdict v) noexcept {
    switch (v) {
        case Verdict::kValid: return "valid";
        case Verdict::kMalformedMetadata: return "malformed metadata";
        case Verdict::kWrongDomain: return "metadata names another merkle-tree hook than the route's origin";
        case Verdict::kCheckpointMismatch: return "metadata root or index differs from the checkpoint";
        case Verdict::kThresholdNotMet: return "fewer signatures than the threshold";
        case Verdict::kInvalidSignature: return "invalid signature";
        case Verdict::kEip2HighS: return "signature s is above n/2 (EIP-2)";
        case Verdict::kNotAValidator: return "a signer is not in the validator set";
        case Verdict::kDuplicateSigner: return "a validator signed twice";
        case Verdict::kSignersOutOfOrder: return "signatures are not in validator-set order";
    }
    return "unknown verdict";
}

std::string_view rule_name(Verdict v) noexcept {
    switch (v) {
        case Verdict::kValid: return "valid";
        case Verdict::kMalformedMetadata: return "malformed_metadata";
        case Verdict::kWrongDomain: return "wrong_domain";
        case Verdict::kCheckpointMismatch: return "checkpoint_mismatch";
        case Verdict::kThresholdNotMet: return "threshold_not_met";
        case Verdict::kInvalidSignature: return "invalid_signature";
        case Verdict::kEip2HighS: return "eip2_high_s";
        case Verdict::kNotAValidator: return "not_a_validator";
        case Verdict::kDuplicateSigner: return "duplicate_signer";
        case Verdict::kSignersOutOfOrder: return "signers_out_of_order";
    }
    return "unknown";
}

Verdict verify_message_id_multisig(uint32_t origin, const Hash& message_id, ByteView metadata,
                                   const ValidatorSet& validators) noexcept {
    const auto m = view_metadata(metadata);
    if (!m) return Verdict::kMalformedMetadata;
    return verify_view(*m, origin, message_id, validators);
}

Verdict verify_checkpoint(const Checkpoint& expected, ByteView metadata,
                          const ValidatorSet& validators) noexcept {
    const auto m = view_metadata(metadata);
    if (!m) return Verdict::kMalformedMetadata;
    if (m->merkle_tree_hook != expected.merkle_tree_hook) return Verdict::kWrongDomain;
    if (m->root != expected.root || m->index != expected.index) return Verdict::kCheckpointMismatch;
    return verify_view(*m, expected.origin, expected.message_id, validators);
}

Verdict verify_signatures(const Hash& digest, std::span<const SignatureBytes> signatures,
                          const ValidatorSet& validators) noexcept {
    return verify_ordered(
        digest, [&](std::size_t i) { return signatures[i].view(); }, signatures.size(), validators);
}

}  // namespace causeway::committee
