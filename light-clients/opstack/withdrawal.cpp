#include "light-clients/opstack/withdrawal.hpp"

#include <cstring>
#include <stdexcept>
#include <string>

#include "core/abi.hpp"
#include "core/keccak.hpp"

namespace causeway::opstack {

const Address& message_passer_address() noexcept {
    static const Address address = [] {
        Address a;
        a[0] = 0x42;
        a[19] = 0x16;
        return a;
    }();
    return address;
}

Hash withdrawal_hash(const Withdrawal& w) {
    static const std::vector<abi::Type> types = {abi::Type::uint(),    abi::Type::address(),
                                                 abi::Type::address(), abi::Type::uint(),
                                                 abi::Type::uint(),    abi::Type::bytes()};
    Bytes encoded;
    // Every value has its type's kind and fits it (uint256 takes any u256, bytes any length), so
    // encoding cannot fail. Were that to change, the hash of the empty preimage left behind would pass
    // for this withdrawal's: a failure stops here rather than being discarded.
    if (const auto r =
            abi::encode(encoded, types, {w.nonce, w.sender, w.target, w.value, w.gas_limit, w.data});
        !r) {
        throw std::logic_error("withdrawal_hash: abi.encode failed: " +
                               std::string(abi::to_string(r.error())));
    }
    return keccak256(encoded);
}

Hash sent_messages_slot(const Hash& withdrawal_hash) noexcept {
    uint8_t preimage[64] = {};
    std::memcpy(preimage, withdrawal_hash.data(), 32);
    preimage[63] = static_cast<uint8_t>(kSentMessagesSlot);
    return keccak256(ByteView(preimage, sizeof(preimage)));
}

std::string_view to_string(WithdrawalVerdict v) noexcept {
    switch (v) {
        case WithdrawalVerdict::kValid: return "valid";
        case WithdrawalVerdict::kUnknownOutputVersion: return "unknown output root version";
        case WithdrawalVerdict::kOutputRootMismatch:
            return "the output root proof does not hash to the output root";
        case WithdrawalVerdict::kStorageProofInvalid:
            return "the sentMessages storage proof fails against the message passer storage root";
        case WithdrawalVerdict::kNotSent: return "the withdrawal hash is not in sentMessages";
        case WithdrawalVerdict::kUnexpectedValue: return "sentMessages holds a value other than true";
    }
    return "unknown";
}

WithdrawalResult verify_sent_message(const Hash& message_passer_storage_root, const Hash& withdrawal_hash,
                                     std::span<const Bytes> storage_proof) {
    const auto storage =
        mpt::verify_storage(message_passer_storage_root, sent_messages_slot(withdrawal_hash), storage_proof);
    if (storage.verdict != mpt::ProofVerdict::kValid) {
        return {WithdrawalVerdict::kStorageProofInvalid, storage.verdict};
    }
    if (storage.value == 0) return {WithdrawalVerdict::kNotSent, storage.verdict};
    if (storage.value != 1) return {WithdrawalVerdict::kUnexpectedValue, storage.verdict};
    return {WithdrawalVerdict::kValid, storage.verdict};
}

WithdrawalResult verify_withdrawal(const OutputRootProof& output, const Hash& output_root,
                                   const Hash& withdrawal_hash, std::span<const Bytes> storage_proof) {
    switch (verify_output_root(output, output_root)) {
        case OutputVerdict::kValid: break;
        case OutputVerdict::kUnknownVersion: return {WithdrawalVerdict::kUnknownOutputVersion};
        case OutputVerdict::kOutputRootMismatch: return {WithdrawalVerdict::kOutputRootMismatch};
    }
    return verify_sent_message(output.message_passer_storage_root, withdrawal_hash, storage_proof);
}

std::string_view to_string(MessagePasserVerdict v) noexcept {
    switch (v) {
        case MessagePasserVerdict::kValid: return "valid";
        case MessagePasserVerdict::kAccountProofInvalid:
            return "the message passer account proof fails against the state root";
        case MessagePasserVerdict::kAccountAbsent:
            return "the state has no account at the message passer address";
        case MessagePasserVerdict::kStorageRootMismatch:
            return "the message passer's storage root differs from the output's";
    }
    return "unknown";
}

MessagePasserResult verify_message_passer_account(const OutputRootProof& output,
                                                  std::span<const Bytes> account_proof,
                                                  const Address& account) {
    const auto result = mpt::verify_account(output.state_root, account, account_proof);
    if (result.verdict != mpt::ProofVerdict::kValid) {
        return {MessagePasserVerdict::kAccountProofInvalid, result.verdict};
    }
    if (!result.account) return {MessagePasserVerdict::kAccountAbsent, result.verdict};
    if (result.account->storage_root != output.message_passer_storage_root) {
        return {MessagePasserVerdict::kStorageRootMismatch, result.verdict};
    }
    return {MessagePasserVerdict::kValid, result.verdict};
}

}  // namespace causeway::opstack
