#include <catch2/catch.hpp>

#include "core/hex.hpp"
#include "core/transaction.hpp"
#include "tests/support/process.hpp"
#include "tests/support/vectors.hpp"

using namespace causeway;

namespace {

u256 quantity(const boost::json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    if (!v || v->is_null()) return 0;
    if (v->is_number()) return v->to_number<uint64_t>();
    return *parse_u256(std::string_view(v->as_string()));
}

}  // namespace

// ethers signs random legacy, EIP-155, EIP-2930 and EIP-1559 transactions with random keys; we
// sign the same fields with the same keys and must produce the same bytes (RFC 6979 signatures
// are deterministic), the same hash and the same sender.
TEST_CASE("transaction signing matches ethers on random inputs", "[differential][tx]") {
    constexpr int kCases = 10000;
    const auto doc = boost::json::parse(
        test::run_node("tests/differential/tx_reference.mjs", {"20261125", std::to_string(kCases)}));
    std::size_t n = 0;
    for (const auto& c : doc.as_array()) {
        const auto& o = c.as_object();
        const auto& f = o.at("tx").as_object();
        INFO("case " << n << ": " << boost::json::serialize(f));
        Transaction tx;
        tx.type = static_cast<TxType>(f.at("type").as_int64());
        if (tx.type != TxType::kLegacy || o.at("eip155").as_bool()) {
            tx.chain_id = static_cast<uint64_t>(quantity(f, "chainId"));
        }
        tx.nonce = static_cast<uint64_t>(f.at("nonce").to_number<uint64_t>());
        tx.gas_limit = static_cast<uint64_t>(quantity(f, "gasLimit"));
        tx.gas_price = quantity(f, "gasPrice");
        tx.max_fee_per_gas = quantity(f, "maxFeePerGas");
        tx.max_priority_fee_per_gas = quantity(f, "maxPriorityFeePerGas");
        tx.value = quantity(f, "value");
        if (!f.at("to").is_null()) tx.to = *address_from_hex(std::string_view(f.at("to").as_string()));
        tx.data = *from_hex(std::string_view(f.at("data").as_string()));
        if (const auto* list = f.if_contains("accessList")) {
            for (const auto& e : list->as_array()) {
                AccessListEntry entry{*address_from_hex(std::string_view(e.at("address").as_string())), {}};
                for (const auto& k : e.at("storageKeys").as_array()) {
                    entry.storage_keys.push_back(*hash_from_hex(std::string_view(k.as_string())));
                }
                tx.access_list.push_back(std::move(entry));
            }
        }
        Bytes unsigned_rlp;
        encode_for_signing(unsigned_rlp, tx);
        REQUIRE(to_hex(unsigned_rlp) == std::string_view(o.at("unsigned").as_string()));

        const auto key = PrivateKey::from_hex(std::string_view(o.at("key").as_string()));
        REQUIRE(key);
        REQUIRE(sign(tx, *key));
        Bytes signed_rlp;
        encode(signed_rlp, tx);
        REQUIRE(to_hex(signed_rlp) == std::string_view(o.at("signed").as_string()));
        REQUIRE(to_hex(transaction_hash(tx)) == std::string_view(o.at("hash").as_string()));
        ByteView view = signed_rlp;
        const auto decoded = decode_transaction(view);
        REQUIRE(decoded);
        REQUIRE(*decoded == tx);
        REQUIRE(to_hex(recover_sender(*decoded)->view()) == std::string_view(o.at("from").as_string()));
        ++n;
    }
    REQUIRE(n == kCases);
    test::report_cases("differential: transaction signing vs ethers", n);
}
