// Trie roots against the shared vectors: ethereum/tests TrieTests, and the transactions, receipts
// and withdrawals roots of real blocks (mainnet and the execution-apis hive chain).
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <sstream>

#include "core/hex.hpp"
#include "core/jsonrpc.hpp"
#include "core/keccak.hpp"
#include "core/rlp.hpp"
#include "core/transaction.hpp"
#include "light-clients/mpt/node.hpp"
#include "light-clients/mpt/proof.hpp"
#include "tests/support/vectors.hpp"

using namespace causeway;
using namespace causeway::mpt;
namespace json = boost::json;

namespace {

using Entries = std::vector<std::pair<Bytes, Bytes>>;

// TrieTests: "0x.." is hex, anything else ASCII; null is a delete (the empty value).
Bytes trie_text(const json::value& v) {
    if (v.is_null()) return {};
    const std::string s = test::json_string(v);
    if (s.starts_with("0x")) return test::bytes_from_any_hex(s);
    return Bytes(to_view(s));
}

Hash hash_of(std::string_view hex) {
    auto h = hash_from_hex(hex);
    REQUIRE(h);
    return *h;
}

// Checks the root, then proves every key left in the trie and every deleted key absent. Returns
// the number of proofs checked.
std::size_t check_trie(const Entries& entries, const Hash& expected, bool secure) {
    Entries applied;
    std::map<Bytes, Bytes> model;
    std::set<Bytes> touched;
    for (const auto& [k, v] : entries) {
        Bytes key = secure ? Bytes(keccak256(k).view()) : k;
        applied.emplace_back(key, v);
        touched.insert(key);
        if (v.empty()) {
            model.erase(key);
        } else {
            model[key] = v;
        }
    }
    const Hash root = trie_root(applied);
    CHECK(to_hex(root) == to_hex(expected));
    std::size_t proofs = 0;
    for (const auto& key : touched) {
        const auto r = verify_proof(root, key, trie_proof(applied, key));
        CHECK(r.verdict == ProofVerdict::kValid);
        const auto it = model.find(key);
        if (it == model.end()) {
            CHECK(!r.value);
        } else {
            REQUIRE(r.value);
            CHECK(*r.value == it->second);
        }
        ++proofs;
    }
    return proofs;
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

const json::value& unwrap(const json::value& v) {
    if (v.is_object() && v.as_object().contains("result")) return v.as_object().at("result");
    return v;
}

u256 quantity(const json::value& v) {
    auto r = parse_u256(test::json_string(v));
    REQUIRE(r);
    return *r;
}

// A transaction from its eth_getBlockBy* JSON fields (types 0, 1, 2), or nullopt for other types.
std::optional<Transaction> tx_from_rpc(const json::object& t) {
    const uint64_t type = static_cast<uint64_t>(quantity(t.at("type")));
    if (type > 2) return std::nullopt;
    Transaction tx;
    tx.type = static_cast<TxType>(type);
    tx.nonce = static_cast<uint64_t>(quantity(t.at("nonce")));
    tx.gas_limit = static_cast<uint64_t>(quantity(t.at("gas")));
    tx.value = quantity(t.at("value"));
    tx.data = test::bytes_from_any_hex(test::json_string(t.at("input")));
    if (const auto* to = t.if_contains("to"); to && !to->is_null())
        tx.to = *address_from_hex(test::json_string(*to));
    tx.r = quantity(t.at("r"));
    tx.s = quantity(t.at("s"));
    const u256 v = quantity(t.at("v"));
    if (tx.type == TxType::kLegacy) {
        tx.gas_price = quantity(t.at("gasPrice"));
        if (v == 27 || v == 28) {
            tx.odd_y_parity = v == 28;
        } else {
            tx.chain_id = static_cast<uint64_t>((v - 35) / 2);
            tx.odd_y_parity = ((v - 35) % 2) == 1;
        }
        return tx;
    }
    tx.chain_id = static_cast<uint64_t>(quantity(t.at("chainId")));
    tx.odd_y_parity = v == 1;
    if (tx.type == TxType::kAccessList) {
        tx.gas_price = quantity(t.at("gasPrice"));
    } else {
        tx.max_fee_per_gas = quantity(t.at("maxFeePerGas"));
        tx.max_priority_fee_per_gas = quantity(t.at("maxPriorityFeePerGas"));
    }
    for (const auto& e : t.at("accessList").as_array()) {
        AccessListEntry entry{*address_from_hex(test::json_string(e.at("address"))), {}};
        for (const auto& k : e.at("storageKeys").as_array())
            entry.storage_keys.push_back(hash_of(test::json_string(k)));
        tx.access_list.push_back(std::move(entry));
    }
    return tx;
}

// EIP-4895 withdrawal: RLP([index, validatorIndex, address, amount in gwei]).
Bytes encode_withdrawal(const json::object& w) {
    Bytes payload;
    rlp::encode(payload, static_cast<uint64_t>(quantity(w.at("index"))));
    rlp::encode(payload, static_cast<uint64_t>(quantity(w.at("validatorIndex"))));
    rlp::encode(payload, *address_from_hex(test::json_string(w.at("address"))));
    rlp::encode(payload, quantity(w.at("amount")));
    Bytes out;
    rlp::encode_header(out, {true, payload.size()});
    return out + payload;
}

// Consensus receipt encoding (EIP-2718): type || RLP([status or post-state root, cumulativeGasUsed,
// logsBloom, logs]), the type byte absent for legacy receipts.
Bytes encode_receipt(const jsonrpc::Receipt& r) {
    Bytes logs;
    for (const auto& log : r.logs) {
        Bytes topics;
        for (const auto& t : log.topics) rlp::encode(topics, t);
        Bytes entry;
        rlp::encode(entry, log.address);
        rlp::encode_header(entry, {true, topics.size()});
        entry += topics;
        rlp::encode(entry, log.data);
        rlp::encode_header(logs, {true, entry.size()});
        logs += entry;
    }
    Bytes payload;
    if (r.root) {
        rlp::encode(payload, *r.root);
    } else {
        rlp::encode(payload, static_cast<uint64_t>(r.status.value_or(false) ? 1 : 0));
    }
    rlp::encode(payload, r.cumulative_gas_used);
    rlp::encode(payload, r.logs_bloom);
    rlp::encode_header(payload, {true, logs.size()});
    payload += logs;
    Bytes out;
    if (r.type != 0) out.push_back(r.type);
    rlp::encode_header(out, {true, payload.size()});
    return out + payload;
}

std::vector<Bytes> receipts_from_json(const json::value& result) {
    std::vector<Bytes> out;
    const auto& list = result.as_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
        auto r = jsonrpc::decode_receipt(list[i], "result[" + std::to_string(i) + "]");
        REQUIRE(r);
        out.push_back(encode_receipt(*r));
    }
    return out;
}

// The items of an RLP list payload, each as its whole encoding.
std::vector<detail::Item> items_of(ByteView payload) {
    std::vector<detail::Item> out;
    detail::Item item;
    while (!payload.empty()) {
        REQUIRE(detail::next_item(payload, item));
        out.push_back(item);
    }
    return out;
}

// A block from chain.rlp: its header fields and body lists.
struct RawBlock {
    std::vector<detail::Item> header;
    std::vector<detail::Item> body;  // [header, transactions, ommers, (withdrawals)]
};

std::vector<RawBlock> hive_blocks(const std::string& chain) {
    std::vector<RawBlock> out;
    ByteView in = to_view(chain);
    detail::Item block;
    while (!in.empty()) {
        REQUIRE(detail::next_item(in, block));
        RawBlock b;
        b.body = items_of(block.payload);
        b.header = items_of(b.body.at(0).payload);
        out.push_back(std::move(b));
    }
    return out;
}

}  // namespace

// ethereum/tests TrieTests (trie/README in the vectors): ordered inserts and deletes, any-order
// inserts, their secure-trie variants (path = keccak256(key)), and hex-encoded account tries.
TEST_CASE("TrieTests roots", "[light-clients][mpt][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    for (const auto& [file, secure] : {std::pair{"trie/trietest.json", false},
                                       {"trie/trietest_secureTrie.json", true},
                                       {"trie/trieanyorder.json", false},
                                       {"trie/trieanyorder_secureTrie.json", true},
                                       {"trie/hex_encoded_securetrie_test.json", true}}) {
        const auto doc = test::read_vector_json(file);
        std::size_t cases = 0;
        std::size_t proofs = 0;
        for (const auto& [name, c] : doc.as_object()) {
            INFO(file << " " << name);
            Entries entries;
            const auto& in = c.at("in");
            if (in.is_array()) {
                for (const auto& kv : in.as_array())
                    entries.emplace_back(trie_text(kv.at(0)), trie_text(kv.at(1)));
            } else {
                for (const auto& [k, v] : in.as_object())
                    entries.emplace_back(trie_text(json::value(k)), trie_text(v));
            }
            proofs += check_trie(entries, hash_of(test::json_string(c.at("root"))), secure);
            ++cases;
        }
        CHECK(cases > 0);
        test::report_cases(file, cases);
        test::report_cases(std::string(file) + " (proofs of every key from the built trie)", proofs);
    }
}

// trie/trietestnextprev.json is an iterator test (next/previous key in key order), which a root
// builder and a proof verifier cannot run. What they can check: the trie of its keys proves each
// listed key present or absent as the key set says, and each test's neighbours present.
TEST_CASE("TrieTests next/prev keys as inclusion and exclusion proofs", "[light-clients][mpt][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto doc = test::read_vector_json("trie/trietestnextprev.json");
    std::size_t n = 0;
    for (const auto& [name, c] : doc.as_object()) {
        Entries entries;
        std::set<Bytes> keys;
        for (const auto& k : c.at("in").as_array()) {
            const Bytes key(to_view(test::json_string(k)));
            entries.emplace_back(key, key);
            keys.insert(key);
        }
        const Hash root = trie_root(entries);
        for (const auto& t : c.at("tests").as_array()) {
            const Bytes key(to_view(test::json_string(t.at(0))));
            const Bytes prev(to_view(test::json_string(t.at(1))));
            const Bytes next(to_view(test::json_string(t.at(2))));
            INFO(name << " " << to_string_view(key));
            const auto r = verify_proof(root, key, trie_proof(entries, key));
            CHECK(r.verdict == ProofVerdict::kValid);
            CHECK(r.value.has_value() == keys.contains(key));
            for (const Bytes* neighbour : {&prev, &next}) {
                if (neighbour->empty()) continue;
                const auto nr = verify_proof(root, *neighbour, trie_proof(entries, *neighbour));
                CHECK(nr.verdict == ProofVerdict::kValid);
                CHECK(nr.value == *neighbour);
            }
            // The neighbours bracket the key in the trie's (byte-wise) key order.
            if (!prev.empty()) CHECK(prev < key);
            if (!next.empty()) CHECK(key < next);
            ++n;
        }
    }
    test::report_cases("trie/trietestnextprev.json", n);
}

// Mainnet blocks with full transactions (trin test_assets): every transaction is rebuilt from its
// JSON fields, must hash to its `hash`, and the list must give the header's transactionsRoot; the
// withdrawals give withdrawalsRoot.
TEST_CASE("transactionsRoot and withdrawalsRoot of mainnet blocks", "[light-clients][mpt][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    for (const char* file :
         {"headers/mainnet/trin/block_14764013_value.json", "headers/mainnet/trin/block_17034871_value.json",
          "headers/mainnet/trin/block_19433902_value.json"}) {
        const auto doc = test::read_vector_json(file);
        const auto& block = unwrap(doc).as_object();
        std::vector<Bytes> raw;
        for (const auto& t : block.at("transactions").as_array()) {
            const auto tx = tx_from_rpc(t.as_object());
            REQUIRE(tx);
            Bytes encoded;
            encode(encoded, *tx);
            REQUIRE(to_hex(keccak256(encoded)) == test::json_string(t.at("hash")));
            raw.push_back(std::move(encoded));
        }
        CHECK(ordered_trie_root(raw) == hash_of(test::json_string(block.at("transactionsRoot"))));
        test::report_cases(std::string(file) + " (transactionsRoot)", raw.size());
        if (const auto* ws = block.if_contains("withdrawals")) {
            std::vector<Bytes> withdrawals;
            for (const auto& w : ws->as_array()) withdrawals.push_back(encode_withdrawal(w.as_object()));
            CHECK(ordered_trie_root(withdrawals) == hash_of(test::json_string(block.at("withdrawalsRoot"))));
            test::report_cases(std::string(file) + " (withdrawalsRoot)", withdrawals.size());
        }
    }
}

// trin test_assets/infura_batch/receipts-19433902.json against block 19433902's receiptsRoot.
TEST_CASE("receiptsRoot of mainnet block 19433902", "[light-clients][mpt][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto receipts =
        receipts_from_json(unwrap(test::read_vector_json("headers/mainnet/trin/receipts-19433902.json")));
    const auto block = test::read_vector_json("headers/mainnet/trin/block_19433902_value.json");
    CHECK(receipts.size() == 171);
    CHECK(ordered_trie_root(receipts) == hash_of(test::json_string(unwrap(block).at("receiptsRoot"))));
    test::report_cases("headers/mainnet/trin/receipts-19433902.json", receipts.size());
}

// execution-apis hive chain: all 54 blocks of chain.rlp (raw transactions of every type, including
// blob and set-code ones, and withdrawals from Shanghai on) against their headers, plus the
// receipts of blocks 1, 3 and 54 from debug_getRawReceipts and eth_getBlockReceipts.
TEST_CASE("hive chain: transactions, withdrawals and receipts roots", "[light-clients][mpt][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const std::string chain = test::read_vector_file("execution-apis-hive-chain/chain.rlp");
    const auto blocks = hive_blocks(chain);
    REQUIRE(blocks.size() == 54);
    std::size_t txs = 0;
    std::size_t withdrawals = 0;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        const auto& b = blocks[i];
        INFO("block " << i + 1);
        std::vector<Bytes> values;
        // A typed transaction is an RLP string holding type || payload; a legacy one is a list.
        for (const auto& t : items_of(b.body.at(1).payload)) values.emplace_back(t.list ? t.full : t.payload);
        CHECK(ordered_trie_root(values) == Hash::left_padded(b.header.at(4).payload));
        txs += values.size();
        if (b.body.size() > 3) {
            std::vector<Bytes> ws;
            for (const auto& w : items_of(b.body[3].payload)) ws.emplace_back(w.full);
            REQUIRE(b.header.size() > 16);
            CHECK(ordered_trie_root(ws) == Hash::left_padded(b.header[16].payload));
            withdrawals += ws.size();
        }
    }
    test::report_cases("execution-apis-hive-chain/chain.rlp (transactionsRoot, 54 blocks)", txs);
    test::report_cases("execution-apis-hive-chain/chain.rlp (withdrawalsRoot)", withdrawals);

    const auto raw = io_responses("execution-apis-hive-chain/debug_getRawReceipts/get-block-n.io").at(0);
    std::vector<Bytes> receipts;
    for (const auto& r : raw.at("result").as_array())
        receipts.push_back(test::bytes_from_any_hex(test::json_string(r)));
    CHECK(!receipts.empty());
    CHECK(ordered_trie_root(receipts) == Hash::left_padded(blocks[2].header.at(5).payload));
    test::report_cases("execution-apis-hive-chain/debug_getRawReceipts/get-block-n.io", receipts.size());

    for (const auto& [file, number] :
         {std::pair{"execution-apis-hive-chain/eth_getBlockReceipts/get-block-receipts-n.io", 1},
          {"execution-apis-hive-chain/eth_getBlockReceipts/get-block-receipts-latest.io", 54}}) {
        const auto from_json = receipts_from_json(io_responses(file).at(0).at("result"));
        CHECK(!from_json.empty());
        CHECK(ordered_trie_root(from_json) == Hash::left_padded(blocks[number - 1].header.at(5).payload));
        test::report_cases(file, from_json.size());
    }
}
