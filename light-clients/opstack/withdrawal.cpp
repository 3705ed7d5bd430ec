#include "light-clients/opstack/withdrawal.hpp"

#include <cstring>

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
    // abi.encode(uint256 nonce, address sender, address target, uint256 value, uint256 gasLimit,
    // bytes data), written out: five head words, the offset of `data` (six words in), then its
    // length and its bytes padded to a word. Every field has a fixed place, so nothing can fail
    // (the tests compare it with OP's own hashes).
    constexpr std::size_t kHeadWords = 6;
    Bytes encoded;
    encoded.reserve((kHeadWords + 1) * 32 + (w.data.size() + 31) / 32 * 32);
    const auto word = [&](const Hash& h) { encoded.append(h.view()); };
    word(u256_to_hash(w.nonce));
    word(Hash::left_padded(w.sender.view()));
    word(Hash::left_padded(w.target.view()));
    word(u256_to_hash(w.value));
    word(u256_to_hash(w.gas_limit));
    word(u256_to_hash(u256(kHeadWords * 32)));
    word(u256_to_hash(u256(w.data.size())));
    encoded.append(ByteView(w.data));
    encoded.append((32 - w.data.size() % 32) % 32, 0);
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
