#include "core/transaction.hpp"

#include "core/keccak.hpp"

namespace causeway {

namespace {

using rlp::DecodingError;

std::unexpected<TxDecodingError> rlp_error(DecodingError e) {
    return std::unexpected(TxDecodingError{TxDecodingError::Code::kRlp, e});
}

// ----- encoding -----

std::size_t to_length(const std::optional<Address>& to) {
    return to ? 21 : 1;
}

void encode_to(Bytes& out, const std::optional<Address>& to) {
    if (to)
        rlp::encode(out, *to);
    else
        out.push_back(0x80);
}

std::size_t access_list_payload_length(const std::vector<AccessListEntry>& list) {
    std::size_t total = 0;
    for (const auto& e : list) {
        const std::size_t keys = 33 * e.storage_keys.size();
        const std::size_t entry = 21 + rlp::length_of_length(keys) + keys;
        total += rlp::length_of_length(entry) + entry;
    }
    return total;
}

void encode_access_list(Bytes& out, const std::vector<AccessListEntry>& list) {
    rlp::encode_header(out, {true, access_list_payload_length(list)});
    for (const auto& e : list) {
        const std::size_t keys = 33 * e.storage_keys.size();
        rlp::encode_header(out, {true, 21 + rlp::length_of_length(keys) + keys});
        rlp::encode(out, e.account);
        rlp::encode_header(out, {true, keys});
        for (const auto& k : e.storage_keys) rlp::encode(out, k);
    }
}

// The fields shared by every form, in their type's order, without the signature.
std::size_t fields_length(const Transaction& tx) {
    std::size_t n = rlp::length(tx.nonce) + rlp::length(tx.gas_limit) + to_length(tx.to) +
                    rlp::length(tx.value) + rlp::length(tx.data);
    if (tx.type == TxType::kLegacy) return n + rlp::length(tx.gas_price);
    const std::size_t al = access_list_payload_length(tx.access_list);
    n += rlp::length(tx.chain_id.value_or(0)) + rlp::length_of_length(al) + al;
    if (tx.type == TxType::kAccessList) return n + rlp::length(tx.gas_price);
    return n + rlp::length(tx.max_priority_fee_per_gas) + rlp::length(tx.max_fee_per_gas);
}

void encode_fields(Bytes& out, const Transaction& tx) {
    if (tx.type != TxType::kLegacy) rlp::encode(out, tx.chain_id.value_or(0));
    rlp::encode(out, tx.nonce);
    if (tx.type == TxType::kDynamicFee) {
        rlp::encode(out, tx.max_priority_fee_per_gas);
        rlp::encode(out, tx.max_fee_per_gas);
    } else {
        rlp::encode(out, tx.gas_price);
    }
    rlp::encode(out, tx.gas_limit);
    encode_to(out, tx.to);
    rlp::encode(out, tx.value);
    rlp::encode(out, tx.data);
    if (tx.type != TxType::kLegacy) encode_access_list(out, tx.access_list);
}

u256 legacy_v(const Transaction& tx) {
    const unsigned parity = tx.odd_y_parity ? 1 : 0;
    if (!tx.chain_id) return 27 + parity;
    return u256(*tx.chain_id) * 2 + 35 + parity;
}

// ----- decoding -----

std::expected<std::optional<Address>, TxDecodingError> decode_to(ByteView& from) {
    auto s = rlp::decode_string(from);
    if (!s) return rlp_error(s.error());
    if (s->empty()) return std::optional<Address>{};
    if (s->size() != 20) return std::unexpected(TxDecodingError{TxDecodingError::Code::kInvalidTo});
    Address a;
    std::copy(s->begin(), s->end(), a.bytes.begin());
    return std::optional<Address>{a};
}

std::expected<std::vector<AccessListEntry>, DecodingError> decode_access_list(ByteView& from) {
    auto payload = rlp::decode_list(from);
    if (!payload) return std::unexpected(payload.error());
    std::vector<AccessListEntry> list;
    while (!payload->empty()) {
        auto entry = rlp::decode_list(*payload);
        if (!entry) return std::unexpected(entry.error());
        AccessListEntry e;
        auto account = rlp::decode_fixed<20>(*entry);
        if (!account) return std::unexpected(account.error());
        e.account = *account;
        auto keys = rlp::decode_list(*entry);
        if (!keys) return std::unexpected(keys.error());
        while (!keys->empty()) {
            auto key = rlp::decode_fixed<32>(*keys);
            if (!key) return std::unexpected(key.error());
            e.storage_keys.push_back(*key);
        }
        if (!entry->empty()) return std::unexpected(DecodingError::kListLengthMismatch);
        list.push_back(std::move(e));
    }
    return list;
}

// Reads one field with `decode` into `field`; an exhausted list means too few elements.
#define CAUSEWAY_TX_FIELD(field, decode)                                       \
    do {                                                                       \
        if (payload.empty()) return rlp_error(DecodingError::kTooFewElements); \
        auto decoded_ = decode(payload);                                       \
        if (!decoded_) return rlp_error(decoded_.error());                     \
        field = *decoded_;                                                     \
    } while (false)

// `to`, `value` and `data`: the run of fields every transaction type shares.
std::expected<void, TxDecodingError> decode_to_value_data(ByteView& payload, Transaction& tx) {
    if (payload.empty()) return rlp_error(DecodingError::kTooFewElements);
    auto to = decode_to(payload);
    if (!to) return std::unexpected(to.error());
    tx.to = *to;
    CAUSEWAY_TX_FIELD(tx.value, rlp::decode_u256);
    if (payload.empty()) return rlp_error(DecodingError::kTooFewElements);
    auto data = rlp::decode_string(payload);
    if (!data) return rlp_error(data.error());
    tx.data.assign(*data);
    return {};
}

std::expected<Transaction, TxDecodingError> decode_legacy(ByteView& from) {
    auto list = rlp::decode_list(from);
    if (!list) return rlp_error(list.error());
    ByteView payload = *list;
    Transaction tx;
    tx.type = TxType::kLegacy;
    CAUSEWAY_TX_FIELD(tx.nonce, rlp::decode_uint64);
    CAUSEWAY_TX_FIELD(tx.gas_price, rlp::decode_u256);
    CAUSEWAY_TX_FIELD(tx.gas_limit, rlp::decode_uint64);
    if (auto r = decode_to_value_data(payload, tx); !r) return std::unexpected(r.error());
    u256 v;
    CAUSEWAY_TX_FIELD(v, rlp::decode_u256);
    CAUSEWAY_TX_FIELD(tx.r, rlp::decode_u256);
    CAUSEWAY_TX_FIELD(tx.s, rlp::decode_u256);
    if (!payload.empty()) return rlp_error(DecodingError::kListLengthMismatch);
    if (v == 27 || v == 28) {
        tx.odd_y_parity = v == 28;
    } else if (v >= 35) {
        const u256 chain = (v - 35) / 2;
        if (chain > std::numeric_limits<uint64_t>::max()) return rlp_error(DecodingError::kOverflow);
        tx.chain_id = static_cast<uint64_t>(chain);
        tx.odd_y_parity = ((v - 35) % 2) == 1;
    } else {
        return std::unexpected(TxDecodingError{TxDecodingError::Code::kInvalidV});
    }
    return tx;
}

std::expected<Transaction, TxDecodingError> decode_typed(ByteView& from) {
    Transaction tx;
    tx.type = static_cast<TxType>(from[0]);
    from.remove_prefix(1);
    auto list = rlp::decode_list(from);
    if (!list) return rlp_error(list.error());
    ByteView payload = *list;
    uint64_t chain_id = 0;
    CAUSEWAY_TX_FIELD(chain_id, rlp::decode_uint64);
    tx.chain_id = chain_id;
    CAUSEWAY_TX_FIELD(tx.nonce, rlp::decode_uint64);
    if (tx.type == TxType::kDynamicFee) {
        CAUSEWAY_TX_FIELD(tx.max_priority_fee_per_gas, rlp::decode_u256);
        CAUSEWAY_TX_FIELD(tx.max_fee_per_gas, rlp::decode_u256);
    } else {
        CAUSEWAY_TX_FIELD(tx.gas_price, rlp::decode_u256);
    }
    CAUSEWAY_TX_FIELD(tx.gas_limit, rlp::decode_uint64);
    if (auto r = decode_to_value_data(payload, tx); !r) return std::unexpected(r.error());
    if (payload.empty()) return rlp_error(DecodingError::kTooFewElements);
    auto access_list = decode_access_list(payload);
    if (!access_list) return rlp_error(access_list.error());
    tx.access_list = std::move(*access_list);
    uint64_t parity = 0;
    CAUSEWAY_TX_FIELD(parity, rlp::decode_uint64);
    if (parity > 1) return std::unexpected(TxDecodingError{TxDecodingError::Code::kInvalidV});
    tx.odd_y_parity = parity == 1;
    CAUSEWAY_TX_FIELD(tx.r, rlp::decode_u256);
    CAUSEWAY_TX_FIELD(tx.s, rlp::decode_u256);
    if (!payload.empty()) return rlp_error(DecodingError::kListLengthMismatch);
    return tx;
}

#undef CAUSEWAY_TX_FIELD

}  // namespace

std::string TxDecodingError::message() const {
    switch (code) {
        case Code::kRlp: return "malformed RLP: " + std::string(rlp::to_string(rlp));
        case Code::kUnsupportedType: return "unsupported transaction type (EIP-2718)";
        case Code::kInvalidTo: return "`to` must be empty or 20 bytes";
        case Code::kInvalidV: return "invalid signature v / yParity";
    }
    return "invalid transaction";
}

std::expected<Transaction, TxDecodingError> decode_transaction(ByteView& from) {
    if (from.empty()) return rlp_error(DecodingError::kInputTooShort);
    if (from[0] >= 0xc0) return decode_legacy(from);
    if (from[0] == 0x01 || from[0] == 0x02) return decode_typed(from);
    return std::unexpected(TxDecodingError{TxDecodingError::Code::kUnsupportedType});
}

void encode_for_signing(Bytes& to, const Transaction& tx) {
    std::size_t len = fields_length(tx);
    if (tx.type == TxType::kLegacy) {
        if (tx.chain_id) len += rlp::length(*tx.chain_id) + 2;
        rlp::encode_header(to, {true, len});
        encode_fields(to, tx);
        if (tx.chain_id) {
            rlp::encode(to, *tx.chain_id);
            to.push_back(0x80);
            to.push_back(0x80);
        }
        return;
    }
    to.push_back(static_cast<uint8_t>(tx.type));
    rlp::encode_header(to, {true, len});
    encode_fields(to, tx);
}

void encode(Bytes& to, const Transaction& tx) {
    std::size_t len = fields_length(tx) + rlp::length(tx.r) + rlp::length(tx.s);
    if (tx.type == TxType::kLegacy) {
        const u256 v = legacy_v(tx);
        rlp::encode_header(to, {true, len + rlp::length(v)});
        encode_fields(to, tx);
        rlp::encode(to, v);
    } else {
        to.push_back(static_cast<uint8_t>(tx.type));
        rlp::encode_header(to, {true, len + 1});
        encode_fields(to, tx);
        rlp::encode(to, uint64_t{tx.odd_y_parity ? 1u : 0u});
    }
    rlp::encode(to, tx.r);
    rlp::encode(to, tx.s);
}

Hash signing_hash(const Transaction& tx) {
    Bytes buf;
    encode_for_signing(buf, tx);
    return keccak256(buf);
}

Hash transaction_hash(const Transaction& tx) {
    Bytes buf;
    encode(buf, tx);
    return keccak256(buf);
}

std::expected<void, CryptoError> sign(Transaction& tx, const PrivateKey& key) noexcept {
    auto sig = causeway::sign(key, signing_hash(tx));
    if (!sig) return std::unexpected(sig.error());
    tx.r = u256_from_be(sig->r);
    tx.s = u256_from_be(sig->s);
    tx.odd_y_parity = sig->recovery_id == 1;
    return {};
}

std::expected<Address, CryptoError> recover_sender(const Transaction& tx, LowS rule) noexcept {
    Signature sig{u256_to_hash(tx.r), u256_to_hash(tx.s), static_cast<uint8_t>(tx.odd_y_parity ? 1 : 0)};
    return recover_address(signing_hash(tx), sig, rule);
}

std::string_view to_string(TxVerdict v) noexcept {
    switch (v) {
        case TxVerdict::kValid: return "valid";
        case TxVerdict::kEip2718UnsupportedType: return "transaction type not enabled (EIP-2718)";
        case TxVerdict::kEip2681NonceAtLimit: return "nonce at 2^64-1 (EIP-2681)";
        case TxVerdict::kEip155ChainIdMismatch: return "chain id mismatch (EIP-155)";
        case TxVerdict::kYellowPaperSignatureRange: return "r or s out of range";
        case TxVerdict::kEip2HighS: return "s above n/2 (EIP-2)";
        case TxVerdict::kYellowPaperIntrinsicGas: return "gas limit below intrinsic gas";
        case TxVerdict::kEip3860InitCodeTooLarge: return "initcode larger than 49152 bytes (EIP-3860)";
        case TxVerdict::kEip1559PriorityAboveMaxFee: return "max priority fee above max fee (EIP-1559)";
        case TxVerdict::kYellowPaperFeeOverflow: return "gas limit times gas price overflows 256 bits";
        case TxVerdict::kYellowPaperSenderRecovery: return "sender cannot be recovered";
    }
    return "invalid";
}

uint64_t intrinsic_gas(const Transaction& tx, const TxRules& rules) noexcept {
    uint64_t gas = 21000;
    if (!tx.to) gas += 32000;
    for (uint8_t b : tx.data) gas += b == 0 ? 4 : (rules.eip2028 ? 16 : 68);
    for (const auto& e : tx.access_list) gas += 2400 + 1900 * e.storage_keys.size();
    if (!tx.to && rules.eip3860) gas += 2 * ((tx.data.size() + 31) / 32);
    return gas;
}

TxVerdict validate(const Transaction& tx, const TxRules& rules) noexcept {
    if ((tx.type == TxType::kAccessList && !rules.eip2930) ||
        (tx.type == TxType::kDynamicFee && !rules.eip1559)) {
        return TxVerdict::kEip2718UnsupportedType;
    }
    if (tx.chain_id && *tx.chain_id != rules.chain_id) return TxVerdict::kEip155ChainIdMismatch;
    const Hash r = u256_to_hash(tx.r), s = u256_to_hash(tx.s);
    if (!is_valid_scalar(r) || !is_valid_scalar(s)) return TxVerdict::kYellowPaperSignatureRange;
    if (!is_low_s(s)) return TxVerdict::kEip2HighS;
    if (tx.nonce == std::numeric_limits<uint64_t>::max()) return TxVerdict::kEip2681NonceAtLimit;
    if (!tx.to && rules.eip3860 && tx.data.size() > 49152) return TxVerdict::kEip3860InitCodeTooLarge;
    if (tx.gas_limit < intrinsic_gas(tx, rules)) return TxVerdict::kYellowPaperIntrinsicGas;
    const u256& price = tx.type == TxType::kDynamicFee ? tx.max_fee_per_gas : tx.gas_price;
    if (u512(tx.gas_limit) * u512(price) > u512(~u256(0))) return TxVerdict::kYellowPaperFeeOverflow;
    if (tx.type == TxType::kDynamicFee && tx.max_priority_fee_per_gas > tx.max_fee_per_gas) {
        return TxVerdict::kEip1559PriorityAboveMaxFee;
    }
    if (!recover_sender(tx)) return TxVerdict::kYellowPaperSenderRecovery;
    return TxVerdict::kValid;
}

}  // namespace causeway
