#include <catch2/catch.hpp>

#include <boost/json.hpp>
#include <cctype>
#include <filesystem>
#include <functional>
#include <map>
#include <sstream>

#include "core/hex.hpp"
#include "core/jsonrpc.hpp"
#include "core/keccak.hpp"
#include "tests/support/vectors.hpp"

using namespace causeway;
using namespace causeway::jsonrpc;
namespace json = boost::json;

namespace {

json::value str(std::string_view s) {
    return json::value(s);
}

std::string error_of(const auto& result) {
    REQUIRE(!result.has_value());
    return result.error().to_string();
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Vector files may be bare results or wrapped as {jsonrpc, id, result}.
const json::value& unwrap(const json::value& v) {
    if (v.is_object() && v.as_object().contains("jsonrpc") && v.as_object().contains("result")) {
        return v.as_object().at("result");
    }
    return v;
}

// Responses ("<< {...}" lines) of an execution-apis .io transcript.
std::vector<json::value> io_responses(std::string_view relative) {
    std::istringstream in(test::read_vector_file(relative));
    std::vector<json::value> out;
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("<< ")) out.push_back(json::parse(line.substr(3)));
    }
    return out;
}

std::vector<std::string> io_files(std::string_view folder) {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(*test::vectors_dir() / folder)) {
        if (e.path().extension() == ".io")
            out.push_back(std::string(folder) + "/" + e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

Hash hash_of(std::string_view hex) {
    auto h = hash_from_hex(hex);
    REQUIRE(h);
    return *h;
}

const std::string kZeroBloom = "0x" + std::string(512, '0');

// A minimal London header, for field-level negative cases.
json::object london_header() {
    return json::object{
        {"parentHash", "0x" + std::string(64, '1')},
        {"sha3Uncles", "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347"},
        {"miner", "0x" + std::string(40, '0')},
        {"stateRoot", "0x" + std::string(64, '2')},
        {"transactionsRoot", "0x" + std::string(64, '3')},
        {"receiptsRoot", "0x" + std::string(64, '4')},
        {"logsBloom", kZeroBloom},
        {"difficulty", "0x0"},
        {"number", "0x10"},
        {"gasLimit", "0x1c9c380"},
        {"gasUsed", "0x0"},
        {"timestamp", "0x64"},
        {"extraData", "0x"},
        {"mixHash", "0x" + std::string(64, '5')},
        {"nonce", "0x0000000000000000"},
        {"baseFeePerGas", "0x3b9aca00"},
    };
}

}  // namespace

TEST_CASE("quantities encode minimally", "[core][jsonrpc]") {
    CHECK(encode_quantity(uint64_t{0}) == "0x0");
    CHECK(encode_quantity(uint64_t{0x1a}) == "0x1a");
    CHECK(encode_quantity(UINT64_MAX) == "0xffffffffffffffff");
    CHECK(encode_quantity(u256(0)) == "0x0");
    CHECK(encode_quantity(~u256(0)) == "0x" + std::string(64, 'f'));
    for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{15}, uint64_t{16}, uint64_t{1} << 40, UINT64_MAX}) {
        CHECK(parse_quantity_u64(encode_quantity(v)) == v);
        CHECK(parse_quantity_u256(encode_quantity(u256(v))) == u256(v));
    }
}

TEST_CASE("quantities parse strictly", "[core][jsonrpc]") {
    CHECK(parse_quantity_u64("0x0") == uint64_t{0});
    CHECK(parse_quantity_u64("0x1a") == uint64_t{26});
    CHECK(parse_quantity_u64("0x1A") == uint64_t{26});
    CHECK(parse_quantity_u64("0xffffffffffffffff") == UINT64_MAX);
    CHECK(parse_quantity_u256("0x" + std::string(64, 'f')) == ~u256(0));
    CHECK(parse_quantity_u256("0x10000000000000000") == u256(1) << 64);

    // Leading zeros.
    CHECK(error_of(parse_quantity_u64("0x01")) == "quantity has leading zeros");
    CHECK(error_of(parse_quantity_u64("0x00")) == "quantity has leading zeros");
    CHECK(error_of(parse_quantity_u256("0x0001")) == "quantity has leading zeros");
    // No digits.
    CHECK(error_of(parse_quantity_u64("0x")) == "quantity has no digits");
    CHECK(error_of(parse_quantity_u256("0x")) == "quantity has no digits");
    // Missing prefix, including decimal text and the upper-case 0X.
    CHECK(error_of(parse_quantity_u64("1a")) == "quantity must start with 0x");
    CHECK(error_of(parse_quantity_u64("26")) == "quantity must start with 0x");
    CHECK(error_of(parse_quantity_u64("")) == "quantity must start with 0x");
    CHECK(error_of(parse_quantity_u64("0X1a")) == "quantity must start with 0x");
    CHECK(error_of(parse_quantity_u64(" 0x1")) == "quantity must start with 0x");
    CHECK(error_of(parse_quantity_u256("-0x1")) == "quantity must start with 0x");
    // Non-hex digits.
    CHECK(error_of(parse_quantity_u64("0xg")) == "invalid hex digit at offset 2 in quantity");
    CHECK(error_of(parse_quantity_u64("0x1 ")) == "invalid hex digit at offset 3 in quantity");
    CHECK(error_of(parse_quantity_u256("0x1_0")) == "invalid hex digit at offset 3 in quantity");
    // Width.
    CHECK(error_of(parse_quantity_u64("0x10000000000000000")) == "quantity exceeds 64 bits");
    CHECK(error_of(parse_quantity_u256("0x1" + std::string(64, '0'))) == "quantity exceeds 256 bits");

    // JSON values: only strings are quantities.
    CHECK(decode_u64(str("0x1a")) == uint64_t{26});
    CHECK(error_of(decode_u64(json::value(26), "result")) ==
          "result: expected a quantity string, got a number");
    CHECK(error_of(decode_u256(json::value(nullptr), "result")) ==
          "result: expected a quantity string, got null");
    CHECK(error_of(decode_u256(str("0x01"), "result.value")) == "result.value: quantity has leading zeros");
}

TEST_CASE("data encodes and parses strictly", "[core][jsonrpc]") {
    CHECK(encode_data(Bytes{}) == "0x");
    CHECK(encode_data(Bytes{0x00, 0xab}) == "0x00ab");
    CHECK(parse_data("0x") == Bytes{});
    CHECK(parse_data("0x00ff10") == Bytes{0x00, 0xff, 0x10});
    CHECK(parse_data("0x00FF") == Bytes{0x00, 0xff});

    CHECK(error_of(parse_data("abcd")) == "data must start with 0x");
    CHECK(error_of(parse_data("")) == "data must start with 0x");
    CHECK(error_of(parse_data("0Xabcd")) == "data must start with 0x");
    CHECK(error_of(parse_data("0xabc")) == "data has an odd number of hex digits");
    CHECK(error_of(parse_data("0x0")) == "data has an odd number of hex digits");
    CHECK(error_of(parse_data("0x12g4")) == "invalid hex digit at offset 4");

    CHECK(error_of(decode_bytes(json::value(true), "params[0]")) ==
          "params[0]: expected a hex data string, got a boolean");
    CHECK(decode_hash(str("0x" + std::string(64, 'a'))).has_value());
    CHECK(error_of(decode_hash(str("0x" + std::string(62, 'a')), "h")) == "h: expected 32 bytes, got 31");
    CHECK(error_of(decode_hash(str("0x" + std::string(66, 'a')), "h")) == "h: expected 32 bytes, got 33");
    CHECK(error_of(decode_hash(str(std::string(64, 'a')), "h")) == "h: data must start with 0x");

    const auto addr = decode_address(str("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"));
    REQUIRE(addr);
    CHECK(to_checksum_hex(*addr) == "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
    CHECK(decode_address(str("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")) == *addr);
    CHECK(error_of(decode_address(str("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"), "to")) ==
          "to: address has an invalid EIP-55 checksum");
    CHECK(error_of(decode_address(str("0x" + std::string(38, '0')), "to")) ==
          "to: expected 20 bytes, got 19");
    CHECK(error_of(decode_address(str(std::string(40, '0')), "to")) == "to: address must start with 0x");
    CHECK(error_of(decode_fixed<8>(str("0x00"), "nonce")) == "nonce: expected 8 bytes, got 1");
}

TEST_CASE("block identifiers", "[core][jsonrpc]") {
    CHECK(json::serialize(to_json(BlockId::latest())) == R"("latest")");
    CHECK(json::serialize(to_json(BlockId::earliest())) == R"("earliest")");
    CHECK(json::serialize(to_json(BlockId::pending())) == R"("pending")");
    CHECK(json::serialize(to_json(BlockId::safe())) == R"("safe")");
    CHECK(json::serialize(to_json(BlockId::finalized())) == R"("finalized")");
    CHECK(json::serialize(to_json(BlockId::number(0))) == R"("0x0")");
    CHECK(json::serialize(to_json(BlockId::number(0x1b4))) == R"("0x1b4")");
    const Hash h = hash_of("0x" + std::string(62, '0') + "ab");
    CHECK(json::serialize(to_json(BlockId::hash(h))) == R"({"blockHash":")" + to_hex(h) + R"("})");
    CHECK(json::serialize(to_json(BlockId::hash(h, true))) ==
          R"({"blockHash":")" + to_hex(h) + R"(","requireCanonical":true})");
    CHECK(json::serialize(to_json(BlockNumberOrTag{uint64_t{5}})) == R"("0x5")");

    CHECK(parse_block_id("finalized") == BlockId::finalized());
    CHECK(parse_block_id("1234") == BlockId::number(1234));
    CHECK(parse_block_id("0x4d2") == BlockId::number(1234));
    CHECK(parse_block_id(to_hex(h)) == BlockId::hash(h));
    CHECK(!parse_block_id("0x04d2"));
    CHECK(!parse_block_id("newest"));
    CHECK(!parse_block_id(""));
    CHECK(!parse_block_id("18446744073709551616"));
    CHECK(to_string(BlockId::number(7)) == "7");
    CHECK(to_string(BlockId::safe()) == "safe");
}

TEST_CASE("header errors name the field", "[core][jsonrpc]") {
    const json::value ok = london_header();
    const auto header = decode_header(ok, "result");
    REQUIRE(header);
    CHECK(header->number == 16);
    CHECK(header->base_fee_per_gas == u256(1'000'000'000));
    CHECK(!header->withdrawals_root);
    CHECK(!header->hash);

    auto with = [](std::string_view key, json::value v) {
        json::object o = london_header();
        o[key] = std::move(v);
        return json::value(std::move(o));
    };
    CHECK(error_of(decode_header(with("baseFeePerGas", "0x01"), "result")) ==
          "result.baseFeePerGas: quantity has leading zeros");
    CHECK(error_of(decode_header(with("number", "0x"), "result")) == "result.number: quantity has no digits");
    CHECK(error_of(decode_header(with("gasLimit", 30000000), "result")) ==
          "result.gasLimit: expected a quantity string, got a number");
    CHECK(error_of(decode_header(with("logsBloom", "0x00"), "result")) ==
          "result.logsBloom: expected 256 bytes, got 1");
    CHECK(error_of(decode_header(with("nonce", "0x0"), "result")) ==
          "result.nonce: data has an odd number of hex digits");
    CHECK(error_of(decode_header(with("extraData", "0xabc"), "result")) ==
          "result.extraData: data has an odd number of hex digits");
    CHECK(error_of(decode_header(with("blobGasUsed", "0x0"), "result")) ==
          "result.blobGasUsed: present without withdrawalsRoot");
    {
        json::object cancun = london_header();
        cancun["withdrawalsRoot"] = "0x" + std::string(64, '6');
        cancun["blobGasUsed"] = "0x0";
        CHECK(error_of(decode_header(cancun, "result")) ==
              "result.excessBlobGas: missing (Cancun headers carry blobGasUsed, excessBlobGas and "
              "parentBeaconBlockRoot together)");
        cancun["excessBlobGas"] = "0x0";
        CHECK(error_of(decode_header(cancun, "result")).starts_with("result.parentBeaconBlockRoot: missing"));
        cancun["parentBeaconBlockRoot"] = "0x" + std::string(64, '7');
        CHECK(decode_header(cancun, "result").has_value());
    }
    CHECK(error_of(decode_header(with("hash", "0x12"), "")) == "hash: expected 32 bytes, got 1");
    json::object missing = london_header();
    missing.erase("stateRoot");
    CHECK(error_of(decode_header(missing, "result")) == "result.stateRoot: missing");
    CHECK(error_of(decode_header(json::value(nullptr), "result")) == "result: expected an object, got null");
    // null optional fields read as absent.
    const auto null_base_fee = decode_header(with("withdrawalsRoot", nullptr));
    REQUIRE(null_base_fee);
    CHECK(!null_base_fee->withdrawals_root);
}

// Every header listed in headers/INDEX.json parses; those the index marks hashMatchesRlp hash to
// their own `hash`; headers without a hash are checked against their child's parentHash.
TEST_CASE("real headers from the vector index hash to their block hash", "[core][jsonrpc][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto index = test::read_vector_json("headers/INDEX.json");
    const auto& entries = index.at("headers").as_array();

    std::map<std::string, json::value> files;
    auto file = [&](const std::string& name) -> const json::value& {
        auto it = files.find(name);
        if (it == files.end()) it = files.emplace(name, test::read_vector_json(name)).first;
        return it->second;
    };

    // Finds the header object with this parentHash (ethereumjs fixtures use other field names).
    std::function<const json::object*(const json::value&, const std::string&)> find =
        [&](const json::value& v, const std::string& parent) -> const json::object* {
        if (v.is_object()) {
            const auto& o = v.as_object();
            if (const auto* p = o.if_contains("parentHash");
                p && p->is_string() && lower(test::json_string(*p)) == parent) {
                return &o;
            }
            for (const auto& kv : o) {
                if (const auto* found = find(kv.value(), parent)) return found;
            }
        } else if (v.is_array()) {
            for (const auto& item : v.as_array()) {
                if (const auto* found = find(item, parent)) return found;
            }
        }
        return nullptr;
    };
    const std::pair<const char*, const char*> ethereumjs_names[] = {
        {"uncleHash", "sha3Uncles"},     {"coinbase", "miner"},  {"transactionsTrie", "transactionsRoot"},
        {"receiptTrie", "receiptsRoot"}, {"bloom", "logsBloom"},
    };

    std::map<std::pair<std::string, uint64_t>, Hash> computed;       // (chain, number) -> hash
    std::map<std::pair<std::string, uint64_t>, Hash> parent_hashes;  // (chain, number) -> parentHash
    std::map<std::pair<std::string, uint64_t>, Hash> known_hashes;   // from fixtures' expected_block_hash
    std::size_t parsed = 0, hash_matches = 0;
    for (const auto& entry_value : entries) {
        const auto& entry = entry_value.as_object();
        const std::string name = test::json_string(entry.at("file"));
        const std::string chain = test::json_string(entry.at("chain"));
        const uint64_t number = entry.at("number").to_number<uint64_t>();
        const std::string parent = lower(test::json_string(entry.at("parentHash")));
        INFO(name << " #" << number);
        const json::value& root = file(name);
        const json::object* found = find(root, parent);
        REQUIRE(found != nullptr);
        json::object object = *found;
        for (const auto& [from, to] : ethereumjs_names) {
            if (object.contains(from) && !object.contains(to)) object[to] = object.at(from);
        }
        const auto header = decode_header(object, "header");
        if (!header) FAIL(header.error().to_string());
        ++parsed;
        CHECK(header->number == number);
        CHECK(to_hex(header->parent_hash) == parent);
        // The optional fields present are the ones the index lists, in RLP order.
        std::vector<std::string> optional;
        if (header->base_fee_per_gas) optional.push_back("baseFeePerGas");
        if (header->withdrawals_root) optional.push_back("withdrawalsRoot");
        if (header->blob_gas_used) optional.push_back("blobGasUsed");
        if (header->excess_blob_gas) optional.push_back("excessBlobGas");
        if (header->parent_beacon_block_root) optional.push_back("parentBeaconBlockRoot");
        if (header->requests_hash) optional.push_back("requestsHash");
        std::vector<std::string> listed;
        for (const auto& f : entry.at("optionalFields").as_array()) listed.push_back(test::json_string(f));
        CHECK(optional == listed);

        const Hash hash = compute_hash(*header);
        computed[{chain, number}] = hash;
        parent_hashes[{chain, number}] = header->parent_hash;
        if (const auto* match = entry.if_contains("hashMatchesRlp"); match && match->as_bool()) {
            CHECK(to_hex(hash) == lower(test::json_string(entry.at("hash"))));
            REQUIRE(header->hash);
            CHECK(*header->hash == hash);
            ++hash_matches;
        }
        // Fixtures that execute block n+1 on top of a parent header name block n+1's hash.
        if (root.is_object()) {
            const auto& r = root.as_object();
            if (r.contains("expected_block_hash") && r.contains("parent_header")) {
                const auto parent_number =
                    parse_quantity_u64(test::json_string(r.at("parent_header").at("number")));
                REQUIRE(parent_number);
                known_hashes[{chain, *parent_number + 1}] =
                    hash_of(test::json_string(r.at("expected_block_hash")));
            }
        }
    }
    // Headers without their own hash: the next block's parentHash, or a fixture's expected hash.
    std::size_t linked = 0;
    for (const auto& [key, hash] : computed) {
        INFO(key.first << " #" << key.second);
        if (auto child = parent_hashes.find({key.first, key.second + 1}); child != parent_hashes.end()) {
            CHECK(child->second == hash);
            ++linked;
        }
        if (auto known = known_hashes.find(key); known != known_hashes.end()) {
            CHECK(known->second == hash);
            ++linked;
        }
    }
    CHECK(parsed == entries.size());
    CHECK(hash_matches >= 25);
    CHECK(linked >= 8);
    test::report_cases("headers/INDEX.json (parsed)", parsed);
    test::report_cases("headers/INDEX.json (hash equals keccak256(rlp(header)))", hash_matches);
    test::report_cases("headers/INDEX.json (hash equals the child's parentHash or fixture hash)", linked);
}

// execution-apis hive chain: eth_getBlockBy* responses across every fork, and raw header RLP.
TEST_CASE("hive chain headers re-encode to their hash and raw RLP", "[core][jsonrpc][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    std::size_t n = 0;
    std::map<uint64_t, BlockHeader> by_number;
    for (const char* folder :
         {"execution-apis-hive-chain/eth_getBlockByNumber", "execution-apis-hive-chain/eth_getBlockByHash"}) {
        for (const auto& name : io_files(folder)) {
            for (const auto& response : io_responses(name)) {
                const auto& result = response.at("result");
                if (result.is_null()) continue;
                INFO(name);
                const auto header = decode_header(result, "result");
                if (!header) FAIL(header.error().to_string());
                REQUIRE(header->hash);
                CHECK(compute_hash(*header) == *header->hash);
                // Any field change changes the hash.
                BlockHeader tampered = *header;
                tampered.gas_used += 1;
                CHECK(compute_hash(tampered) != *header->hash);
                by_number[header->number] = *header;
                ++n;
            }
        }
    }
    CHECK(n >= 10);
    test::report_cases("execution-apis-hive-chain/eth_getBlockBy*", n);

    // debug_getRawHeader of the genesis block equals our encoding of eth_getBlockByNumber("0x0").
    const auto raw = io_responses("execution-apis-hive-chain/debug_getRawHeader/get-genesis.io");
    REQUIRE(raw.size() == 1);
    REQUIRE(by_number.contains(0));
    CHECK(encode_data(encode_header(by_number.at(0))) == test::json_string(raw[0].at("result")));
    test::report_cases("execution-apis-hive-chain/debug_getRawHeader/get-genesis.io", 1);
}

TEST_CASE("receipts and logs", "[core][jsonrpc][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    {
        const auto responses =
            io_responses("execution-apis-hive-chain/eth_getTransactionReceipt/get-dynamic-fee.io");
        REQUIRE(responses.size() == 1);
        const auto r = decode_receipt(responses[0].at("result"), "result");
        if (!r) FAIL(r.error().to_string());
        CHECK(r->status == true);
        CHECK(r->succeeded());
        CHECK(r->type == 2);
        CHECK(r->block_number == 0x1b);
        CHECK(r->gas_used == 0xca9c);
        CHECK(r->effective_gas_price == u256(0x3b9aca01));
        CHECK(!r->contract_address);
        CHECK(r->to.has_value());
        REQUIRE(r->logs.size() == 1);
        CHECK(r->logs[0].topics.size() == 2);
        CHECK(r->logs[0].block_hash == r->block_hash);
        CHECK(r->logs[0].block_timestamp == uint64_t{0x10e});
        CHECK(r->logs[0].data.size() == 32);
        CHECK(!r->logs[0].removed);
    }
    {
        const auto responses =
            io_responses("execution-apis-hive-chain/eth_getTransactionReceipt/get-legacy-receipt.io");
        const auto r = decode_receipt(responses.at(0).at("result"));
        REQUIRE(r);
        CHECK(!r->status);
        CHECK(r->root.has_value());
        CHECK(r->type == 0);
    }
    std::size_t n = 0;
    for (const char* folder : {"execution-apis-hive-chain/eth_getTransactionReceipt",
                               "execution-apis-hive-chain/eth_getBlockReceipts"}) {
        for (const auto& name : io_files(folder)) {
            for (const auto& response : io_responses(name)) {
                const auto& result = response.at("result");
                INFO(name);
                if (result.is_array()) {
                    for (std::size_t i = 0; i < result.as_array().size(); ++i) {
                        const auto r =
                            decode_receipt(result.as_array()[i], "result[" + std::to_string(i) + "]");
                        if (!r) FAIL(r.error().to_string());
                        ++n;
                    }
                } else if (!result.is_null()) {
                    const auto r = decode_receipt(result, "result");
                    if (!r) FAIL(r.error().to_string());
                    ++n;
                }
            }
        }
    }
    const auto trin = test::read_vector_json("headers/mainnet/trin/receipts-19433902.json");
    const auto& trin_receipts = unwrap(trin).as_array();
    for (std::size_t i = 0; i < trin_receipts.size(); ++i) {
        const auto r = decode_receipt(trin_receipts[i], "result[" + std::to_string(i) + "]");
        if (!r) FAIL(r.error().to_string());
        CHECK(r->block_number == 19433902);
        for (const auto& log : r->logs) CHECK(log.block_hash == r->block_hash);
        ++n;
    }
    CHECK(n >= trin_receipts.size() + 8);
    test::report_cases("receipts (hive eth_getTransactionReceipt/eth_getBlockReceipts, trin 19433902)", n);

    // Field-level errors carry the path into nested logs.
    json::value bad = json::parse(
        R"({"address":"0x7dcd17433742f4c0ca53122ab541d0ba67fc27df","topics":["0x01"],"data":"0x"})");
    CHECK(error_of(decode_logs(json::array{bad}, "result")) ==
          "result[0].topics[0]: expected 32 bytes, got 1");
    json::value receipt =
        io_responses("execution-apis-hive-chain/eth_getTransactionReceipt/get-dynamic-fee.io")
            .at(0)
            .at("result");
    receipt.as_object()["status"] = "0x2";
    CHECK(error_of(decode_receipt(receipt, "result")) == "result.status: status must be 0x0 or 0x1");
    receipt.as_object().erase("status");
    CHECK(error_of(decode_receipt(receipt, "result")) == "result.status: missing (and no root either)");
    receipt.as_object()["status"] = "0x0";
    receipt.as_object()["logs"].as_array()[0].as_object()["logIndex"] = "0x00";
    CHECK(error_of(decode_receipt(receipt, "result")) ==
          "result.logs[0].logIndex: quantity has leading zeros");
}

TEST_CASE("EIP-1186 proofs", "[core][jsonrpc][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    std::size_t n = 0;
    // Hive: proofs against block 54, whose state root is in eth_getBlockByNumber/get-latest.io.
    const auto latest = decode_header(
        io_responses("execution-apis-hive-chain/eth_getBlockByNumber/get-latest.io").at(0).at("result"));
    REQUIRE(latest);
    for (const auto& name : io_files("execution-apis-hive-chain/eth_getProof")) {
        for (const auto& response : io_responses(name)) {
            INFO(name);
            const auto p = decode_account_proof(response.at("result"), "result");
            if (!p) FAIL(p.error().to_string());
            REQUIRE(!p->account_proof.empty());
            CHECK(keccak256(p->account_proof.front()) == latest->state_root);
            ++n;
        }
    }
    {
        const auto p = decode_account_proof(
            io_responses("execution-apis-hive-chain/eth_getProof/get-account-proof-with-storage.io")
                .at(0)
                .at("result"));
        REQUIRE(p);
        REQUIRE(p->storage_proof.size() == 1);
        CHECK(p->storage_proof[0].key == Hash{});  // echoed as the quantity "0x0"
    }
    // Helios: block 21925176 and two proofs against its state root.
    const auto block = decode_header(test::read_vector_json("proofs/mainnet-helios/block.json"));
    REQUIRE(block);
    for (const char* name :
         {"proofs/mainnet-helios/proof.json", "proofs/mainnet-helios/block_miner_proof.json"}) {
        INFO(name);
        const auto p = decode_account_proof(test::read_vector_json(name));
        if (!p) FAIL(p.error().to_string());
        CHECK(keccak256(p->account_proof.front()) == block->state_root);
        ++n;
    }
    const auto helios = decode_account_proof(test::read_vector_json("proofs/mainnet-helios/proof.json"));
    REQUIRE(helios);
    CHECK(helios->nonce == 1);
    REQUIRE(helios->storage_proof.size() == 1);
    CHECK(helios->storage_proof[0].key == u256_to_hash(1));
    CHECK(helios->storage_proof[0].proof.size() == 3);
    // Colibri: recorded mainnet responses; the manifest names each state root.
    const auto manifest = test::read_vector_json("proofs/mainnet-colibri/MANIFEST.json");
    for (const auto& entry : manifest.at("proofs").as_array()) {
        const std::string name = "proofs/mainnet-colibri/" + test::json_string(entry.at("file"));
        INFO(name);
        const auto file = test::read_vector_json(name);
        const auto p = decode_account_proof(unwrap(file), "result");
        if (!p) FAIL(p.error().to_string());
        CHECK(to_hex(keccak256(p->account_proof.front())) == lower(test::json_string(entry.at("stateRoot"))));
        CHECK(p->storage_proof.size() == entry.at("storageKeys").as_array().size());
        ++n;
    }
    // ethereumjs (Ropsten): one with an empty storage slot.
    for (const char* name : {"proofs/ropsten-ethereumjs/ropsten_validAccount.json",
                             "proofs/ropsten-ethereumjs/ropsten_nonexistentAccount.json",
                             "proofs/ropsten-ethereumjs/ropsten_contractWithStorage.json"}) {
        INFO(name);
        const auto p = decode_account_proof(test::read_vector_json(name));
        if (!p) FAIL(p.error().to_string());
        ++n;
    }
    CHECK(n >= 12);
    test::report_cases("eth_getProof results (hive, helios, colibri, ethereumjs)", n);

    json::value bad = test::read_vector_json("proofs/mainnet-helios/proof.json");
    bad.as_object()["storageProof"].as_array()[0].as_object()["proof"].as_array()[1] = "0xf87";
    CHECK(error_of(decode_account_proof(bad, "result")) ==
          "result.storageProof[0].proof[1]: data has an odd number of hex digits");
    bad.as_object()["storageProof"].as_array()[0].as_object()["key"] = "0x" + std::string(66, '1');
    CHECK(error_of(decode_account_proof(bad, "result")) ==
          "result.storageProof[0].key: storage key is longer than 32 bytes");
    bad.as_object()["nonce"] = "1";
    CHECK(error_of(decode_account_proof(bad, "result")) == "result.nonce: quantity must start with 0x");
}

// The example response in execution-apis' eth_feeHistory specification.
TEST_CASE("fee history", "[core][jsonrpc]") {
    const auto v = json::parse(R"({
        "oldestBlock": "0x10",
        "baseFeePerGas": ["0x3b9aca00", "0x3b9aca01", "0x3b9aca02"],
        "gasUsedRatio": [0.5, 0],
        "reward": [["0x0", "0x59682f00"], ["0x1", "0x2"]],
        "baseFeePerBlobGas": ["0x1", "0x1", "0x1"],
        "blobGasUsedRatio": [0, 1]
    })");
    const auto h = decode_fee_history(v, "result");
    REQUIRE(h);
    CHECK(h->oldest_block == 16);
    CHECK(h->base_fee_per_gas.back() == u256(1'000'000'002));
    CHECK(h->gas_used_ratio == std::vector<double>{0.5, 0.0});
    REQUIRE(h->reward.size() == 2);
    CHECK(h->reward[0][1] == u256(1'500'000'000));
    CHECK(h->base_fee_per_blob_gas.size() == 3);

    json::value bad = v;
    bad.as_object()["baseFeePerGas"].as_array().pop_back();
    CHECK(error_of(decode_fee_history(bad, "result")) ==
          "result.baseFeePerGas: expected 3 entries (blocks + 1), got 2");
    bad = v;
    bad.as_object()["gasUsedRatio"].as_array()[1] = "0x0";
    CHECK(error_of(decode_fee_history(bad, "result")) ==
          "result.gasUsedRatio[1]: expected a number, got a string");
    bad = v;
    bad.as_object()["reward"].as_array()[1].as_array()[0] = "0x01";
    CHECK(error_of(decode_fee_history(bad, "result")) == "result.reward[1][0]: quantity has leading zeros");
    bad = v;
    bad.as_object().erase("reward");
    const auto no_reward = decode_fee_history(bad);
    REQUIRE(no_reward);
    CHECK(no_reward->reward.empty());
}

TEST_CASE("request objects", "[core][jsonrpc]") {
    const Address a = *address_from_hex("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
    const Hash t = u256_to_hash(7);
    LogFilter filter;
    filter.from_block = uint64_t{16};
    filter.to_block = BlockTag::kLatest;
    filter.addresses = {a};
    filter.topics = {{t}, {}, {t, t}};
    CHECK(
        json::serialize(to_json(filter)) ==
        R"({"fromBlock":"0x10","toBlock":"latest","address":"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed","topics":[")" +
            to_hex(t) + R"(",null,[")" + to_hex(t) + R"(",")" + to_hex(t) + R"("]]})");
    LogFilter by_hash;
    by_hash.block_hash = t;
    by_hash.addresses = {a, a};
    CHECK(
        json::serialize(to_json(by_hash)) ==
        R"({"blockHash":")" + to_hex(t) +
            R"(","address":["0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed","0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"]})");

    CallRequest call;
    call.to = a;
    call.value = u256(1'000'000'000'000'000'000ull);
    call.data = Bytes{0x12, 0x34};
    CHECK(
        json::serialize(to_json(call)) ==
        R"({"to":"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed","value":"0xde0b6b3a7640000","data":"0x1234"})");
    CHECK(json::serialize(to_json(CallRequest{})) == "{}");
}
