// Ethereum transactions: legacy (with and without EIP-155), EIP-2930 and EIP-1559.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "core/rlp.hpp"
#include "core/secp256k1.hpp"
#include "core/u256.hpp"

namespace causeway {

enum class TxType : uint8_t { kLegacy = 0, kAccessList = 1, kDynamicFee = 2 };

struct AccessListEntry {
    Address account;
    std::vector<Hash> storage_keys;
    friend bool operator==(const AccessListEntry&, const AccessListEntry&) = default;
};

struct Transaction {
    TxType type = TxType::kDynamicFee;
    std::optional<uint64_t> chain_id;  // a legacy transaction without EIP-155 replay protection has none
    uint64_t nonce = 0;
    u256 gas_price;                 // legacy and EIP-2930
    u256 max_priority_fee_per_gas;  // EIP-1559
    u256 max_fee_per_gas;           // EIP-1559
    uint64_t gas_limit = 0;
    std::optional<Address> to;  // none for contract creation
    u256 value;
    Bytes data;
    std::vector<AccessListEntry> access_list;

    bool odd_y_parity = false;
    u256 r;
    u256 s;

    friend bool operator==(const Transaction&, const Transaction&) = default;
};

struct TxDecodingError {
    enum class Code : uint8_t {
        kRlp,              // see `rlp`
        kUnsupportedType,  // EIP-2718 type byte this implementation does not know
        kInvalidTo,        // `to` neither empty nor 20 bytes
        kInvalidV,         // legacy v neither 27/28 nor an EIP-155 value; typed yParity above 1
    };
    Code code;
    rlp::DecodingError rlp = rlp::DecodingError::kInputTooShort;
    [[nodiscard]] std::string message() const;
};

// The raw form: a typed envelope (type byte || RLP payload) or a legacy RLP list. `from` is
// advanced past the transaction.
[[nodiscard]] std::expected<Transaction, TxDecodingError> decode_transaction(ByteView& from);
void encode(Bytes& to, const Transaction& tx);
// What the signature covers (EIP-155 adds chain id, 0, 0 to legacy transactions).
void encode_for_signing(Bytes& to, const Transaction& tx);

[[nodiscard]] Hash signing_hash(const Transaction& tx);
// keccak256 of the raw form: the hash nodes and explorers show.
[[nodiscard]] Hash transaction_hash(const Transaction& tx);

// Signs in place (sets odd_y_parity, r, s).
[[nodiscard]] std::expected<void, CryptoError> sign(Transaction& tx, const PrivateKey& key) noexcept;
// Transactions since Homestead must have low s (EIP-2); LowS::kAllowed recovers older ones.
[[nodiscard]] std::expected<Address, CryptoError> recover_sender(const Transaction& tx,
                                                                 LowS rule = LowS::kRequired) noexcept;

// Validity rules that can be checked from the transaction alone (no state), by fork.
struct TxRules {
    uint64_t chain_id = 1;
    bool eip2028 = true;  // Istanbul: 16 gas per non-zero calldata byte (else 68)
    bool eip3860 = true;  // Shanghai: initcode size limit and word cost
    bool eip2930 = true;  // Berlin: typed access-list transactions
    bool eip1559 = true;  // London: dynamic-fee transactions
};

enum class [[nodiscard]] TxVerdict : uint8_t{
    kValid,
    kEip2718UnsupportedType,
    kEip2681NonceAtLimit,  // nonce 2^64 - 1 can never be incremented
    kEip155ChainIdMismatch,
    kYellowPaperSignatureRange,  // r or s zero or not below the curve order
    kEip2HighS,
    kYellowPaperIntrinsicGas,  // gas limit below the intrinsic cost
    kEip3860InitCodeTooLarge,
    kEip1559PriorityAboveMaxFee,
    kYellowPaperFeeOverflow,     // gas limit times (max) gas price overflows 256 bits
    kYellowPaperSenderRecovery,  // no sender recovers from the signature
};
[[nodiscard]] std::string_view to_string(TxVerdict v) noexcept;

[[nodiscard]] uint64_t intrinsic_gas(const Transaction& tx, const TxRules& rules) noexcept;
TxVerdict validate(const Transaction& tx, const TxRules& rules) noexcept;

}  // namespace causeway
