// Committee (m-of-n validator) checkpoints, compatible with Hyperlane v3's message-id multisig ISM
// (the digest validators sign, the metadata a destination's security module reads). No I/O.
//
// A validator signs, with EIP-191 personal_sign, the hash of (domain hash, merkle root, index,
// message id); the domain hash binds the signature to one origin domain and one merkle-tree hook.
// Metadata carries the hook, root and index plus the signatures in validator-set order; the
// destination recovers the signers and walks the ordered set once (Hyperlane's MultisigIsm rule).
#pragma once

#include <cstdint>
#include <expected>
#include <span>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "core/secp256k1.hpp"

namespace causeway::committee {

// keccak256(u32 origin BE | bytes32 merkleTreeHook | "HYPERLANE").
[[nodiscard]] Hash domain_hash(uint32_t origin, const Hash& merkle_tree_hook) noexcept;

struct Checkpoint {
    uint32_t origin = 0;    // the origin Mailbox's domain
    Hash merkle_tree_hook;  // the origin merkle-tree hook, as bytes32
    Hash root;
    uint32_t index = 0;  // count of the tree when signed, minus one
    Hash message_id;
    friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// keccak256(domainHash | root | u32 index | messageId): what Hyperlane calls the signing hash.
[[nodiscard]] Hash signing_hash(const Checkpoint& checkpoint) noexcept;
// The EIP-191 personal-message hash of signing_hash: the digest validators' keys sign.
[[nodiscard]] Hash digest(const Checkpoint& checkpoint) noexcept;
// Hyperlane's earlier checkpoint without a message id: keccak256(domainHash | root | u32 index),
// EIP-191-wrapped. Only for reading old signatures (hyperlane/signedCheckpoint.json).
[[nodiscard]] Hash legacy_digest(uint32_t origin, const Hash& merkle_tree_hook, const Hash& root,
                                 uint32_t index) noexcept;

// EIP-191 personal-message hash of a 32-byte value, without allocating.
[[nodiscard]] Hash personal_hash32(const Hash& value) noexcept;

// ----- signatures and metadata -----

inline constexpr std::size_t kSignatureSize = 65;  // r | s | v, v = 27 or 28
// bytes32 merkleTreeHook | bytes32 root | u32 index, before the signatures.
inline constexpr std::size_t kMetadataPrefixSize = 32 + 32 + 4;

using SignatureBytes = FixedBytes<kSignatureSize>;

// r | s | v with v = 27 + recovery id, as ethers' signMessage and Hyperlane validators produce.
[[nodiscard]] SignatureBytes to_rsv(const Signature& sig) noexcept;
// Only v = 27 or 28 is accepted (OpenZeppelin's ECDSA.recover does the same).
[[nodiscard]] std::expected<Signature, CryptoError> from_rsv(ByteView rsv) noexcept;

struct Metadata {
    Hash merkle_tree_hook;
    Hash root;
    uint32_t index = 0;
    std::vector<SignatureBytes> signatures;
    friend bool operator==(const Metadata&, const Metadata&) = default;
};

enum class MetadataError : uint8_t {
    kTruncated,          // shorter than hook + root + index (68 bytes)
    kPartialSignature,   // the signature bytes are not a whole number of 65-byte signatures
    kTooManySignatures,  // more than kMaxSignatures
};
[[nodiscard]] std::string_view to_string(MetadataError e) noexcept;

// Hyperlane's thresholds are uint8, so no metadata needs more signatures than this.
inline constexpr std::size_t kMaxSignatures = 255;

void encode(Bytes& out, const Metadata& metadata);
// The signatures run to the end, so metadata is the whole of `from`: it is consumed entirely.
[[nodiscard]] std::expected<Metadata, MetadataError> decode_metadata(ByteView& from);

// ----- validator sets -----

enum class ValidatorSetError : uint8_t {
    kEmpty,
    kTooManyValidators,   // more than kMaxValidators
    kZeroThreshold,       // every checkpoint would pass
    kThresholdAboveSize,  // no checkpoint could pass
    kDuplicateValidator,  // one key would count twice in the ordered walk
    kZeroAddress,         // ecrecover's failure value; never a real signer
};
[[nodiscard]] std::string_view to_string(ValidatorSetError e) noexcept;

inline constexpr std::size_t kMaxValidators = 255;

// An ordered validator set and its threshold; the order is the one signatures must follow.
class ValidatorSet {
  public:
    [[nodiscard]] static std::expected<ValidatorSet, ValidatorSetError> create(
        std::vector<Address> validators, std::size_t threshold);
    [[nodiscard]] std::span<const Address> validators() const noexcept { return validators_; }
    [[nodiscard]] std::size_t threshold() const noexcept { return threshold_; }

  private:
    ValidatorSet() = default;
    std::vector<Address> validators_;
    std::size_t threshold_ = 0;
};

// ----- verification -----

// Each value names the rule a checkpoint's metadata broke; the first broken rule is reported.
enum class [[nodiscard]] Verdict : uint8_t{
    kValid,
    kMalformedMetadata,   // not hook | root | u32 index | n x 65-byte signatures
    kWrongDomain,         // the metadata names another merkle-tree hook than the route's origin hook
    kCheckpointMismatch,  // the metadata's root or index is not the checkpoint being verified
    kThresholdNotMet,     // fewer signatures than the threshold
    kInvalidSignature,    // v not 27/28, r or s outside [1, n-1], or no key recovers
    kEip2HighS,           // s above n/2: the malleable twin of a valid signature
    // A signer outside the set. A signature over another digest recovers to an unrelated key and
    // lands here too: another origin's domain hash, another root, index or message id.
    kNotAValidator,
    kDuplicateSigner,    // a validator already counted signed again
    kSignersOutOfOrder,  // a validator's signature after a later validator's (set order is required)
};
[[nodiscard]] std::string_view to_string(Verdict v) noexcept;
// The rule as a stable snake_case name (kNotAValidator -> "not_a_validator"), for JSON output and
// metric labels.
[[nodiscard]] std::string_view rule_name(Verdict v) noexcept;

// Hyperlane's MessageIdMultisigIsm.verify: the digest is built from the metadata's hook, root and
// index with `origin` and `message_id` taken from the message. Only the first `threshold`
// signatures are recovered (further ones are ignored, as on chain); each is recovered once and the
// ordered set is walked once, so the cost is threshold recoveries plus O(n) comparisons.
Verdict verify_message_id_multisig(uint32_t origin, const Hash& message_id, ByteView metadata,
                                   const ValidatorSet& validators) noexcept;

// The same for a relayer or validator that knows which checkpoint it expects: the metadata's hook
// must be the route's (else kWrongDomain) and its root and index the checkpoint's (else
// kCheckpointMismatch), before any signature is recovered.
Verdict verify_checkpoint(const Checkpoint& expected, ByteView metadata,
                          const ValidatorSet& validators) noexcept;

// The signature rule alone, for a digest already computed: signatures are 65-byte r | s | v.
Verdict verify_signatures(const Hash& digest, std::span<const SignatureBytes> signatures,
                          const ValidatorSet& validators) noexcept;

}  // namespace causeway::committee
