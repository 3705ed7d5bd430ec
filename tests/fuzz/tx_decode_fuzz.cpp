// Fuzzes transaction decoding (core/transaction.hpp) and checks properties that hold for every input.
//
// Decoding is built on the strict RLP decoders (one accepted encoding per value) and every field of
// the raw form is kept in Transaction (v is split losslessly into chain id and parity), so the raw
// form is canonical: a decoded transaction must re-encode to exactly the bytes it was decoded from.
// If that failed, transaction_hash() of a decoded transaction would not be the hash the network uses.
//
// Properties:
//  * decode ok => encode(tx) == the consumed bytes, decoding those again gives the same transaction,
//    and transaction_hash(tx) == keccak256(consumed bytes);
//  * encode_for_signing writes one well-formed RLP item (after the type byte of a typed transaction)
//    and signing_hash is its keccak256;
//  * recover_sender and validate do not crash on anything decodable; a sender recovered under the
//    low-s rule is the one recovered without it; a kValid verdict implies a recoverable sender;
//  * signing the decoded transaction with a key derived from the input gives a transaction whose
//    recovered sender is the key's address and which survives encode/decode unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>

#include "core/keccak.hpp"
#include "core/rlp.hpp"
#include "core/transaction.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using namespace causeway;

// Decodes `raw` completely, or fails.
std::optional<Transaction> decode_all(ByteView raw) {
    auto tx = decode_transaction(raw);
    if (!tx || !raw.empty()) return std::nullopt;
    return std::move(*tx);
}

void check_signing_encoding(const Transaction& tx) {
    Bytes unsigned_form;
    encode_for_signing(unsigned_form, tx);
    CAUSEWAY_CHECK(signing_hash(tx) == keccak256(unsigned_form));
    ByteView rest = unsigned_form;
    if (tx.type != TxType::kLegacy) {
        CAUSEWAY_CHECK(!rest.empty() && rest[0] == static_cast<uint8_t>(tx.type));
        rest.remove_prefix(1);
    }
    auto item = rlp::decode_item(rest);
    CAUSEWAY_CHECK(item && item->list && rest.empty());
    // Legacy: 6 fields (+3 for EIP-155); 2930: 8; 1559: 9.
    const std::size_t fields = tx.type == TxType::kLegacy       ? (tx.chain_id ? 9 : 6)
                               : tx.type == TxType::kAccessList ? 8
                                                                : 9;
    CAUSEWAY_CHECK(item->items.size() == fields);
}

void check_signatures(const Transaction& tx) {
    auto strict = recover_sender(tx, LowS::kRequired);
    auto lax = recover_sender(tx, LowS::kAllowed);
    if (strict) CAUSEWAY_CHECK(lax && *lax == *strict);

    TxRules current;
    current.chain_id = tx.chain_id.value_or(1);
    const TxVerdict verdict = validate(tx, current);
    CAUSEWAY_CHECK(!to_string(verdict).empty());
    if (verdict == TxVerdict::kValid) CAUSEWAY_CHECK(strict.has_value());
    CAUSEWAY_CHECK(intrinsic_gas(tx, current) >= 21000);

    TxRules frontier{.chain_id = 1, .eip2028 = false, .eip3860 = false, .eip2930 = false, .eip1559 = false};
    const TxVerdict old = validate(tx, frontier);
    if (tx.type != TxType::kLegacy) CAUSEWAY_CHECK(old == TxVerdict::kEip2718UnsupportedType);
}

void check_sign_round_trip(const Transaction& decoded, ByteView raw) {
    auto key = PrivateKey::from_bytes(keccak256(raw));
    if (!key) return;  // keccak256 landed outside [1, n-1]: astronomically unlikely
    Transaction tx = decoded;
    auto signed_ok = sign(tx, *key);
    CAUSEWAY_CHECK(signed_ok.has_value());
    auto sender = recover_sender(tx);
    CAUSEWAY_CHECK(sender && *sender == key->address());
    Bytes re;
    encode(re, tx);
    auto back = decode_all(re);
    CAUSEWAY_CHECK(back && *back == tx);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const ByteView input{data, size};
    ByteView rest = input;
    auto tx = decode_transaction(rest);
    if (!tx) {
        CAUSEWAY_CHECK(!tx.error().message().empty());
        return 0;
    }
    const ByteView raw = input.substr(0, input.size() - rest.size());

    Bytes encoded;
    encode(encoded, *tx);
    CAUSEWAY_CHECK(ByteView{encoded} == raw);
    auto again = decode_all(encoded);
    CAUSEWAY_CHECK(again && *again == *tx);
    CAUSEWAY_CHECK(transaction_hash(*tx) == keccak256(raw));

    check_signing_encoding(*tx);
    check_signatures(*tx);
    check_sign_round_trip(*tx, raw);
    return 0;
}
