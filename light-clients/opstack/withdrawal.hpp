// OP Stack withdrawals (specs/protocol/withdrawals.md): an L2 -> L1 message is recorded by the
// L2ToL1MessagePasser predeploy as `sentMessages[withdrawalHash] = true`, and proven on L1 with a
// storage proof of that slot against the message passer storage root, a component of the output
// root (output_root.hpp).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "core/bytes.hpp"
#include "core/u256.hpp"
#include "light-clients/mpt/proof.hpp"
#include "light-clients/opstack/output_root.hpp"

namespace causeway::opstack {

// L2ToL1MessagePasser, predeployed at the same address on every OP Stack chain.
[[nodiscard]] const Address& message_passer_address() noexcept;
// `mapping(bytes32 => bool) public sentMessages` is the contract's first state variable: slot 0.
inline constexpr uint64_t kSentMessagesSlot = 0;

// `Types.WithdrawalTransaction`.
struct Withdrawal {
    u256 nonce;  // the message passer's versioned nonce (version in the top two bytes)
    Address sender;
    Address target;
    u256 value;
    u256 gas_limit;
    Bytes data;
    friend bool operator==(const Withdrawal&, const Withdrawal&) = default;
};

// Hashing.hashWithdrawal: keccak256(abi.encode(nonce, sender, target, value, gasLimit, data)).
[[nodiscard]] Hash withdrawal_hash(const Withdrawal& w);
// The storage key of sentMessages[hash]: keccak256(abi.encode(hash, uint256(0))).
[[nodiscard]] Hash sent_messages_slot(const Hash& withdrawal_hash) noexcept;

// Each value names the rule a withdrawal proof broke.
enum class [[nodiscard]] WithdrawalVerdict : uint8_t{
    kValid,
    kUnknownOutputVersion,  // the output root proof's version is not 0
    kOutputRootMismatch,    // the output root proof does not hash to the output root
    kStorageProofInvalid,   // the storage proof fails against the message passer root (see proof_verdict)
    kNotSent,               // the proof shows sentMessages[hash] unset: no such withdrawal
    kUnexpectedValue,       // the slot holds a value other than 1 (true)
};
[[nodiscard]] std::string_view to_string(WithdrawalVerdict v) noexcept;

struct WithdrawalResult {
    WithdrawalVerdict verdict = WithdrawalVerdict::kStorageProofInvalid;
    mpt::ProofVerdict proof_verdict = mpt::ProofVerdict::kValid;  // why, for kStorageProofInvalid
    [[nodiscard]] bool ok() const noexcept { return verdict == WithdrawalVerdict::kValid; }
};

// The storage proof of sentMessages[withdrawal_hash] against the message passer root alone (what
// OptimismPortal checks once it trusts the output root proof).
[[nodiscard]] WithdrawalResult verify_sent_message(const Hash& message_passer_storage_root,
                                                   const Hash& withdrawal_hash,
                                                   std::span<const Bytes> storage_proof);

// The whole L1-side check of OptimismPortal.proveWithdrawalTransaction: the output root proof
// hashes to `output_root` (read from the L1 anchor), and the storage proof shows
// sentMessages[withdrawal_hash] == 1 under its message passer storage root.
[[nodiscard]] WithdrawalResult verify_withdrawal(const OutputRootProof& output, const Hash& output_root,
                                                 const Hash& withdrawal_hash,
                                                 std::span<const Bytes> storage_proof);

// Optional check that the output's two roots agree: the account proof of the message passer
// against the output's state root holds the output's message passer storage root.
enum class [[nodiscard]] MessagePasserVerdict : uint8_t{
    kValid,
    kAccountProofInvalid,  // the account proof fails against the state root (see proof_verdict)
    kAccountAbsent,        // the proof shows no account at the message passer address
    kStorageRootMismatch,  // the account's storageRoot is not the output's message passer root
};
[[nodiscard]] std::string_view to_string(MessagePasserVerdict v) noexcept;

struct MessagePasserResult {
    MessagePasserVerdict verdict = MessagePasserVerdict::kAccountProofInvalid;
    mpt::ProofVerdict proof_verdict = mpt::ProofVerdict::kValid;
    [[nodiscard]] bool ok() const noexcept { return verdict == MessagePasserVerdict::kValid; }
};

// `account` defaults to the predeploy; tests may name a stand-in (op-node's own test does).
[[nodiscard]] MessagePasserResult verify_message_passer_account(
    const OutputRootProof& output, std::span<const Bytes> account_proof,
    const Address& account = message_passer_address());

}  // namespace causeway::opstack
