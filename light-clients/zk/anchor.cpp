#include "light-clients/zk/anchor.hpp"

#include "core/hex.hpp"
#include "core/keccak.hpp"

namespace causeway::zk {

const AnchorConfig& scroll_mainnet() noexcept {
    static const AnchorConfig config{
        "scroll",
        *address_from_hex("0xa13BAF47339d63B743e7Da8741db5456DAc1E556"),
        u256(kScrollFinalizedStateRootsSlot),
    };
    return config;
}

Hash mapping_entry_slot(const u256& batch, const u256& mapping_slot) noexcept {
    uint8_t preimage[64];
    u256_to_be(batch, preimage);
    u256_to_be(mapping_slot, preimage + 32);
    return keccak256(ByteView(preimage, sizeof(preimage)));
}

std::string_view to_string(AnchorVerdict v) noexcept {
    switch (v) {
        case AnchorVerdict::kValid: return "valid";
        case AnchorVerdict::kWrongAccount: return "the proof is for another account than the anchor contract";
        case AnchorVerdict::kMissingStorageProof: return "no storage proof for the batch's mapping entry";
        case AnchorVerdict::kAccountProofInvalid:
            return "the anchor account proof fails against the L1 state root";
        case AnchorVerdict::kAnchorAccountAbsent: return "the L1 state has no account at the anchor address";
        case AnchorVerdict::kStorageProofInvalid:
            return "the storage proof fails against the anchor account's storage root";
        case AnchorVerdict::kNotFinalized: return "the batch has no finalized state root";
        case AnchorVerdict::kRootMismatch: return "the finalized state root differs from the claimed one";
    }
    return "unknown";
}

AnchorResult read_finalized_root(const Hash& l1_state_root, const AnchorConfig& config, const u256& batch,
                                 std::span<const Bytes> account_proof, std::span<const Bytes> storage_proof) {
    const auto account = mpt::verify_account(l1_state_root, config.contract, account_proof);
    if (account.verdict != mpt::ProofVerdict::kValid)
        return {AnchorVerdict::kAccountProofInvalid, account.verdict};
    if (!account.account) return {AnchorVerdict::kAnchorAccountAbsent, account.verdict};
    const auto storage = mpt::verify_storage(account.account->storage_root,
                                             mapping_entry_slot(batch, config.mapping_slot), storage_proof);
    if (storage.verdict != mpt::ProofVerdict::kValid)
        return {AnchorVerdict::kStorageProofInvalid, storage.verdict};
    if (storage.value == 0) return {AnchorVerdict::kNotFinalized, storage.verdict};
    return {AnchorVerdict::kValid, storage.verdict, u256_to_hash(storage.value)};
}

AnchorResult read_finalized_root(const Hash& l1_state_root, const AnchorConfig& config, const u256& batch,
                                 const jsonrpc::AccountProof& proof) {
    if (proof.address != config.contract) return {AnchorVerdict::kWrongAccount};
    const Hash key = mapping_entry_slot(batch, config.mapping_slot);
    for (const auto& entry : proof.storage_proof) {
        if (entry.key == key) {
            return read_finalized_root(l1_state_root, config, batch, proof.account_proof, entry.proof);
        }
    }
    return {AnchorVerdict::kMissingStorageProof};
}

AnchorResult verify_finalized_root(const Hash& l1_state_root, const AnchorConfig& config, const u256& batch,
                                   const Hash& claimed, std::span<const Bytes> account_proof,
                                   std::span<const Bytes> storage_proof) {
    auto result = read_finalized_root(l1_state_root, config, batch, account_proof, storage_proof);
    if (result.ok() && *result.state_root != claimed) result.verdict = AnchorVerdict::kRootMismatch;
    return result;
}

}  // namespace causeway::zk
