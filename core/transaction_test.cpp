#include <catch2/catch.hpp>
#include <filesystem>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "core/transaction.hpp"
#include "tests/support/vectors.hpp"

using namespace causeway;

namespace {

std::expected<Transaction, TxDecodingError> decode_whole(ByteView in) {
    auto tx = decode_transaction(in);
    if (tx && !in.empty()) {
        return std::unexpected(
            TxDecodingError{TxDecodingError::Code::kRlp, rlp::DecodingError::kInputTooLong});
    }
    return tx;
}

u256 json_u256(const boost::json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    if (!v) return 0;
    if (v->is_number()) return v->to_number<uint64_t>();
    const auto r = parse_u256(test::json_string(*v));
    REQUIRE(r);
    return *r;
}

// ethers' transaction object (testcases/transactions.json.gz); missing fields are zero or empty.
Transaction tx_from_ethers(const boost::json::object& t, TxType type, bool eip155) {
    Transaction tx;
    tx.type = type;
    if (type != TxType::kLegacy || eip155) tx.chain_id = static_cast<uint64_t>(json_u256(t, "chainId"));
    tx.nonce = static_cast<uint64_t>(json_u256(t, "nonce"));
    tx.gas_limit = static_cast<uint64_t>(json_u256(t, "gasLimit"));
    if (type == TxType::kDynamicFee) {
        tx.max_fee_per_gas = json_u256(t, "maxFeePerGas");
        tx.max_priority_fee_per_gas = json_u256(t, "maxPriorityFeePerGas");
    } else {
        tx.gas_price = json_u256(t, "gasPrice");
    }
    tx.value = json_u256(t, "value");
    if (const auto* to = t.if_contains("to"); to && to->is_string() && !to->as_string().empty()) {
        tx.to = *address_from_hex(test::json_string(*to));
    }
    if (const auto* data = t.if_contains("data"))
        tx.data = test::bytes_from_any_hex(test::json_string(*data));
    if (type != TxType::kLegacy) {
        if (const auto* list = t.if_contains("accessList")) {
            for (const auto& e : list->as_array()) {
                AccessListEntry entry{*address_from_hex(test::json_string(e.at("address"))), {}};
                for (const auto& k : e.at("storageKeys").as_array()) {
                    entry.storage_keys.push_back(*hash_from_hex(test::json_string(k)));
                }
                tx.access_list.push_back(std::move(entry));
            }
        }
    }
    return tx;
}

// The newest fork an ethereum/tests TransactionTests case states a result for.
const boost::json::object* newest_result(const boost::json::object& results, std::string* fork) {
    for (const char* f : {"Cancun", "Shanghai", "Paris", "London"}) {
        if (const auto* r = results.if_contains(f)) {
            *fork = f;
            return &r->as_object();
        }
    }
    return nullptr;
}

}  // namespace

// ethers testcases/transactions.json.gz: exact unsigned and signed RLP, hash and sender for legacy,
// EIP-155, EIP-2930 and EIP-1559 forms of 3200 random transactions (RFC 6979 signatures).
TEST_CASE("transactions match ethers byte for byte", "[core][tx][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto cases = test::read_vector_json("tx/ethers/transactions.json.gz").as_array();
    struct Form {
        const char* name;
        TxType type;
        bool eip155;
    };
    const Form forms[] = {{"Legacy", TxType::kLegacy, false},
                          {"Eip155", TxType::kLegacy, true},
                          {"Berlin", TxType::kAccessList, false},
                          {"London", TxType::kDynamicFee, false}};
    std::size_t n = 0;
    for (const auto& c : cases) {
        const auto& obj = c.as_object();
        const auto key = PrivateKey::from_hex(test::json_string(obj.at("privateKey")));
        REQUIRE(key);
        for (const Form& form : forms) {
            INFO(test::json_string(obj.at("name")) << " " << form.name);
            // ethers leaves a form empty where it does not apply (EIP-155 without a chain id).
            if (obj.at(std::string("signed") + form.name).as_string().empty()) continue;
            Transaction tx = tx_from_ethers(obj.at("transaction").as_object(), form.type, form.eip155);
            Bytes unsigned_rlp;
            encode_for_signing(unsigned_rlp, tx);
            CHECK(to_hex(unsigned_rlp) == test::json_string(obj.at(std::string("unsigned") + form.name)));
            REQUIRE(sign(tx, *key));
            Bytes signed_rlp;
            encode(signed_rlp, tx);
            const std::string expected = test::json_string(obj.at(std::string("signed") + form.name));
            CHECK(to_hex(signed_rlp) == expected);
            CHECK(transaction_hash(tx) == keccak256(test::bytes_from_any_hex(expected)));
            const auto decoded = decode_whole(test::bytes_from_any_hex(expected));
            REQUIRE(decoded);
            CHECK(*decoded == tx);
            CHECK(recover_sender(*decoded) == key->address());
            ++n;
        }
    }
    REQUIRE(n >= cases.size() * 3);
    test::report_cases("tx/ethers/transactions.json.gz", n);
}

// ethereum/tests TransactionTests: valid cases give the stated hash and sender (and intrinsic
// gas); every invalid case is rejected, by the decoder or by validation.
TEST_CASE("ethereum/tests TransactionTests verdicts", "[core][tx][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto root = *test::vectors_dir() / "tx" / "ethereum-tests";
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
        if (e.path().extension() == ".json") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    std::size_t valid = 0, invalid = 0;
    const TxRules rules{};  // Cancun-era rules on chain 1
    for (const auto& file : files) {
        const auto doc = boost::json::parse(test::read_file(file)).as_object();
        for (const auto& [name, t] : doc) {
            std::string fork;
            const auto* result = newest_result(t.at("result").as_object(), &fork);
            REQUIRE(result);
            INFO(file.filename().string() << " " << std::string(name) << " at " << fork);
            const Bytes raw = test::bytes_from_any_hex(test::json_string(t.at("txbytes")));
            const auto tx = decode_whole(raw);
            const TxVerdict verdict = tx ? validate(*tx, rules) : TxVerdict::kValid;
            if (result->contains("exception")) {
                INFO("expected " << test::json_string(result->at("exception")));
                CHECK((!tx || verdict != TxVerdict::kValid));
                ++invalid;
                continue;
            }
            REQUIRE(tx);
            INFO("verdict " << to_string(verdict));
            REQUIRE(verdict == TxVerdict::kValid);
            CHECK(to_hex(keccak256(raw)) == test::json_string(result->at("hash")));
            CHECK(to_hex(recover_sender(*tx)->view()) == test::json_string(result->at("sender")));
            CHECK(intrinsic_gas(*tx, rules) == *parse_u256(test::json_string(result->at("intrinsicGas"))));
            ++valid;
        }
    }
    CHECK(valid > 0);
    CHECK(invalid > 0);
    test::report_cases("tx/ethereum-tests (" + std::to_string(files.size()) + " files, " +
                           std::to_string(valid) + " valid, " + std::to_string(invalid) + " invalid)",
                       valid + invalid);
}

// ethereumjs packages/tx/test/json: eip1559.json (network form), eip1559txs.json, eip2930txs.json,
// ttTransactionTestEip155VitaliksTests.json.
TEST_CASE("ethereumjs transaction vectors", "[core][tx][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    {
        const auto cases = test::read_vector_json("tx/ethereumjs/eip1559.json").as_array();
        std::size_t n = 0;
        for (const auto& c : cases) {
            const auto& o = c.as_object();
            // The network form wraps the typed envelope in an RLP string.
            const Bytes network = test::bytes_from_any_hex(test::json_string(o.at("signedTransactionRLP")));
            ByteView v = network;
            const auto envelope = rlp::decode_string(v);
            REQUIRE(envelope);
            const auto tx = decode_whole(*envelope);
            REQUIRE(tx);
            CHECK(tx->nonce == o.at("nonce").to_number<uint64_t>());
            CHECK(tx->value == o.at("value").to_number<uint64_t>());
            CHECK(tx->gas_limit == o.at("gasLimit").to_number<uint64_t>());
            CHECK(tx->max_fee_per_gas == o.at("maxFeePerGas").to_number<uint64_t>());
            CHECK(tx->max_priority_fee_per_gas == o.at("maxPriorityFeePerGas").to_number<uint64_t>());
            const auto key = PrivateKey::from_hex(test::json_string(o.at("privateKey")));
            CHECK(recover_sender(*tx) == key->address());
            Transaction resigned = *tx;
            REQUIRE(sign(resigned, *key));
            CHECK(resigned == *tx);  // deterministic signatures reproduce the vector
            ++n;
        }
        test::report_cases("tx/ethereumjs/eip1559.json", n);
    }
    for (const char* file : {"tx/ethereumjs/eip1559txs.json", "tx/ethereumjs/eip2930txs.json"}) {
        const auto cases = test::read_vector_json(file).as_array();
        std::size_t n = 0;
        for (const auto& c : cases) {
            const auto& o = c.as_object();
            // `raw` is the field list; rebuild the envelope from it.
            rlp::Item list{true, {}, {}};
            for (const auto& f : o.at("raw").as_array()) {
                if (f.is_array()) {
                    rlp::Item al{true, {}, {}};
                    for (const auto& e : f.as_array()) {
                        rlp::Item entry{true, {}, {}};
                        entry.items.push_back(
                            {false, test::bytes_from_any_hex(test::json_string(e.at(0))), {}});
                        rlp::Item keys{true, {}, {}};
                        for (const auto& k : e.at(1).as_array()) {
                            keys.items.push_back({false, test::bytes_from_any_hex(test::json_string(k)), {}});
                        }
                        entry.items.push_back(keys);
                        al.items.push_back(entry);
                    }
                    list.items.push_back(al);
                } else {
                    list.items.push_back({false, test::bytes_from_any_hex(test::json_string(f)), {}});
                }
            }
            Bytes raw{
                static_cast<uint8_t>(std::string_view(file).find("1559") != std::string_view::npos ? 2 : 1)};
            rlp::encode(raw, list);
            const auto tx = decode_whole(raw);
            REQUIRE(tx);
            Bytes again;
            encode(again, *tx);
            CHECK(again == raw);
            // The stored signature is not by `privateKey` (ethereumjs re-signs in its test): sign with
            // it and check the stated sender.
            Transaction resigned = *tx;
            const auto key = PrivateKey::from_hex(test::json_string(o.at("privateKey")));
            REQUIRE(sign(resigned, *key));
            CHECK(to_hex(recover_sender(resigned)->view(), false) ==
                  test::json_string(o.at("sendersAddress")));
            ++n;
        }
        test::report_cases(file, n);
    }
    {
        const auto cases =
            test::read_vector_json("tx/ethereumjs/ttTransactionTestEip155VitaliksTests.json").as_array();
        std::size_t n = 0;
        for (const auto& c : cases) {
            const Bytes raw = test::bytes_from_any_hex(test::json_string(c.at("rlp")));
            const auto tx = decode_whole(raw);
            REQUIRE(tx);
            // `hash` here is the EIP-155 signing hash, not the transaction hash.
            CHECK(to_hex(signing_hash(*tx), false) == test::json_string(c.at("hash")));
            CHECK(to_hex(recover_sender(*tx)->view(), false) == test::json_string(c.at("sender")));
            ++n;
        }
        test::report_cases("tx/ethereumjs/ttTransactionTestEip155VitaliksTests.json", n);
    }
}

// ethereum/tests BasicTests/txtest.json: pre-EIP-155 transactions, unsigned and signed RLP.
TEST_CASE("ethereum/tests BasicTests txtest", "[core][tx][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto doc = test::read_vector_json("secp256k1/ethereum-tests/txtest.json");
    std::size_t n = 0;
    const auto visit = [&](const boost::json::object& o) {
        const auto key = PrivateKey::from_hex(test::json_string(o.at("key")));
        REQUIRE(key);
        const auto signed_tx = decode_whole(test::bytes_from_any_hex(test::json_string(o.at("signed"))));
        REQUIRE(signed_tx);
        // The "unsigned" form of that era is the signing payload plus three empty v, r, s fields.
        Bytes unsigned_rlp;
        encode_for_signing(unsigned_rlp, *signed_tx);
        ByteView view = unsigned_rlp;
        auto item = rlp::decode_item(view);
        REQUIRE(item);
        item->items.resize(item->items.size() + 3);
        Bytes with_blanks;
        rlp::encode(with_blanks, *item);
        CHECK(to_hex(with_blanks, false) == test::json_string(o.at("unsigned")));
        // Frontier-era signatures may have high s.
        CHECK(recover_sender(*signed_tx, LowS::kAllowed) == key->address());
        Transaction resigned = *signed_tx;
        REQUIRE(sign(resigned, *key));
        CHECK(recover_sender(resigned) == key->address());
        ++n;
    };
    if (doc.is_array()) {
        for (const auto& c : doc.as_array()) visit(c.as_object());
    } else {
        for (const auto& [name, c] : doc.as_object()) visit(c.as_object());
    }
    REQUIRE(n > 0);
    test::report_cases("secp256k1/ethereum-tests/txtest.json", n);
}

TEST_CASE("transaction decoding errors are named", "[core][tx]") {
    CHECK(decode_whole(Bytes{0x05, 0xc0}).error().code == TxDecodingError::Code::kUnsupportedType);
    CHECK(decode_whole(Bytes{}).error().code == TxDecodingError::Code::kRlp);
    // A legacy list with too few fields.
    CHECK(decode_whole(*from_hex("0xc3808080")).error().rlp == rlp::DecodingError::kTooFewElements);
    // `to` of 19 bytes.
    Bytes bad_to;
    rlp::Item list{true, {}, {}};
    list.items.push_back({false, {}, {}});
    list.items.push_back({false, {}, {}});
    list.items.push_back({false, Bytes{0x52, 0x08}, {}});
    list.items.push_back({false, Bytes(19, 0x11), {}});
    for (int i = 0; i < 5; ++i) list.items.push_back({false, Bytes{0x1b}, {}});
    rlp::encode(bad_to, list);
    CHECK(decode_whole(bad_to).error().code == TxDecodingError::Code::kInvalidTo);
}

TEST_CASE("validation names the rule a transaction breaks", "[core][tx]") {
    const auto key = *PrivateKey::from_hex(std::string(64, '2'));
    Transaction tx;
    tx.type = TxType::kDynamicFee;
    tx.chain_id = 1;
    tx.gas_limit = 21000;
    tx.max_fee_per_gas = 10;
    tx.max_priority_fee_per_gas = 1;
    tx.to = Address{};
    REQUIRE(sign(tx, key));
    const TxRules rules{};
    CHECK(validate(tx, rules) == TxVerdict::kValid);

    Transaction t = tx;
    t.gas_limit = 20999;
    REQUIRE(sign(t, key));
    CHECK(validate(t, rules) == TxVerdict::kYellowPaperIntrinsicGas);
    t = tx;
    t.chain_id = 5;
    REQUIRE(sign(t, key));
    CHECK(validate(t, rules) == TxVerdict::kEip155ChainIdMismatch);
    t = tx;
    t.max_priority_fee_per_gas = 11;
    REQUIRE(sign(t, key));
    CHECK(validate(t, rules) == TxVerdict::kEip1559PriorityAboveMaxFee);
    t = tx;
    t.nonce = std::numeric_limits<uint64_t>::max();
    REQUIRE(sign(t, key));
    CHECK(validate(t, rules) == TxVerdict::kEip2681NonceAtLimit);
    t = tx;
    t.s = *parse_u256("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141") - t.s;
    CHECK(validate(t, rules) == TxVerdict::kEip2HighS);
    t = tx;
    t.r = 0;
    CHECK(validate(t, rules) == TxVerdict::kYellowPaperSignatureRange);
    t = tx;
    t.to.reset();
    t.gas_limit = 10'000'000;
    t.data = Bytes(49153, 0);
    REQUIRE(sign(t, key));
    CHECK(validate(t, rules) == TxVerdict::kEip3860InitCodeTooLarge);
    t = tx;
    t.max_fee_per_gas = ~u256(0);
    REQUIRE(sign(t, key));
    CHECK(validate(t, rules) == TxVerdict::kYellowPaperFeeOverflow);
    TxRules frontier{};
    frontier.eip1559 = false;
    CHECK(validate(tx, frontier) == TxVerdict::kEip2718UnsupportedType);
}
