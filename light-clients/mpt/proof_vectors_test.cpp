// EIP-1186 proofs from the shared vectors (proofs/, the hive chain's eth_getProof transcripts, the
// op-node output-root fixture), inclusion and exclusion, and mutation tests on every one of them:
// each single-byte change of each node, truncations, extra nodes, reordered nodes, wrong keys.
#include <catch2/catch.hpp>
#include <map>
#include <sstream>

#include "core/hex.hpp"
#include "core/jsonrpc.hpp"
#include "core/keccak.hpp"
#include "core/rlp.hpp"
#include "light-clients/mpt/proof.hpp"
#include "tests/support/vectors.hpp"

using namespace causeway;
using namespace causeway::mpt;
namespace json = boost::json;

namespace {

struct RealProof {
    std::string name;  // "<vector file>" or "<vector file> <case>"
    Hash root;
    jsonrpc::AccountProof proof;
    bool mainnet = false;
};

Hash hash_of(std::string_view hex) {
    auto h = hash_from_hex(hex);
    REQUIRE(h);
    return *h;
}

const json::value& unwrap(const json::value& v) {
    if (v.is_object() && v.as_object().contains("jsonrpc") && v.as_object().contains("result")) {
        return v.as_object().at("result");
    }
    return v;
}

jsonrpc::AccountProof account_proof(const json::value& v, std::string_view where) {
    auto p = jsonrpc::decode_account_proof(v);
    INFO(where);
    if (!p) FAIL(p.error().to_string());
    return *p;
}

std::vector<json::value> io_responses(std::string_view relative) {
    std::istringstream in(test::read_vector_file(relative));
    std::vector<json::value> out;
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("<< ")) out.push_back(json::parse(line.substr(3)));
    }
    return out;
}

std::vector<Bytes> nodes_of(const json::value& list) {
    std::vector<Bytes> out;
    for (const auto& n : list.as_array()) out.push_back(test::bytes_from_any_hex(test::json_string(n)));
    return out;
}

// Verifies one proof and returns the report, requiring kValid.
Eip1186Report require_valid(const RealProof& p) {
    INFO(p.name);
    const auto report = verify_eip1186_report(p.root, p.proof);
    INFO("verdict: " << to_string(report.verdict));
    REQUIRE(report.verdict == ProofVerdict::kValid);
    return report;
}

// proofs/mainnet-helios: the beacon deposit contract (1 slot) and the block's fee recipient (an EOA)
// at mainnet block 21925176, whose stateRoot is in block.json (and the header hashes correctly).
std::vector<RealProof> helios_proofs() {
    const auto block = jsonrpc::decode_header(test::read_vector_json("proofs/mainnet-helios/block.json"));
    REQUIRE(block);
    REQUIRE(block->hash == jsonrpc::compute_hash(*block));
    std::vector<RealProof> out;
    for (const char* f :
         {"proofs/mainnet-helios/proof.json", "proofs/mainnet-helios/block_miner_proof.json"}) {
        out.push_back({f, block->state_root, account_proof(unwrap(test::read_vector_json(f)), f), true});
    }
    return out;
}

// proofs/mainnet-colibri/MANIFEST.json: each file with the state root of its block.
std::vector<RealProof> colibri_proofs(std::vector<std::string>* notes = nullptr) {
    const auto manifest = test::read_vector_json("proofs/mainnet-colibri/MANIFEST.json");
    std::vector<RealProof> out;
    for (const auto& e : manifest.at("proofs").as_array()) {
        const std::string file = "proofs/mainnet-colibri/" + test::json_string(e.at("file"));
        RealProof p{file, hash_of(test::json_string(e.at("stateRoot"))),
                    account_proof(unwrap(test::read_vector_json(file)), file), true};
        // The manifest's address and storage keys are the file's.
        CHECK(p.proof.address == *address_from_hex(test::json_string(e.at("address"))));
        const auto& keys = e.at("storageKeys").as_array();
        REQUIRE(keys.size() == p.proof.storage_proof.size());
        for (std::size_t i = 0; i < keys.size(); ++i)
            CHECK(p.proof.storage_proof[i].key == hash_of(test::json_string(keys[i])));
        if (notes) notes->push_back(test::json_string(e.at("notes").at(0)));
        out.push_back(std::move(p));
    }
    return out;
}

// proofs/ropsten-ethereumjs: three proofs at one Ropsten block, whose state root the files do not
// state: it is keccak256 of the shared first node, so these check consistency, not provenance.
std::vector<RealProof> ropsten_proofs() {
    std::vector<RealProof> out;
    for (const char* f : {"proofs/ropsten-ethereumjs/ropsten_validAccount.json",
                          "proofs/ropsten-ethereumjs/ropsten_nonexistentAccount.json",
                          "proofs/ropsten-ethereumjs/ropsten_contractWithStorage.json"}) {
        auto p = account_proof(unwrap(test::read_vector_json(f)), f);
        const Hash root = keccak256(p.account_proof.at(0));
        out.push_back({f, root, std::move(p), false});
    }
    return out;
}

// proofs/reth_trie_proof_tests.json: (a) the custom genesis of reth_proof-genesis.json, whose root
// we build from its alloc; (b) mainnet genesis, root stated; (c) Holesky genesis deposit contract,
// root = keccak256(accountProof[0]) (not stated by the source).
std::vector<RealProof> reth_proofs(std::vector<bool>* exists = nullptr) {
    const auto genesis = test::read_vector_json("proofs/reth_proof-genesis.json");
    std::vector<std::pair<Bytes, Bytes>> alloc;
    std::map<Address, u256> balances;
    for (const auto& [addr, acc] : genesis.at("alloc").as_object()) {
        const Address a = *address_from_hex(std::string(addr));
        const u256 balance = *parse_u256(test::json_string(acc.at("balance")));
        balances[a] = balance;
        Bytes encoded;
        encode(encoded, Account{0, balance, empty_root(), empty_code_hash()});
        alloc.emplace_back(Bytes(keccak256(a.view()).view()), encoded);
    }
    const Hash custom_root = trie_root(alloc);

    const auto doc = test::read_vector_json("proofs/reth_trie_proof_tests.json");
    std::vector<RealProof> out;
    for (const auto& c : doc.at("cases").as_array()) {
        const std::string name = test::json_string(c.at("name"));
        RealProof p;
        p.name = "proofs/reth_trie_proof_tests.json " + name;
        p.proof.address = *address_from_hex(test::json_string(c.at("address")));
        p.proof.account_proof = nodes_of(c.at("accountProof"));
        const bool account_exists = c.at("accountExists").as_bool();
        if (name.starts_with("testspec")) {
            p.root = custom_root;
            CHECK(keccak256(p.proof.account_proof.at(0)) == custom_root);
        } else if (c.at("stateRoot").is_string()) {
            p.root = hash_of(test::json_string(c.at("stateRoot")));
            p.mainnet = name.starts_with("mainnet");
        } else {
            p.root = keccak256(p.proof.account_proof.at(0));
        }
        // Claimed fields: stated ones, else what the proof should show (genesis accounts have no
        // code or storage except where stated).
        const auto account = verify_account(p.root, p.proof.address, p.proof.account_proof);
        REQUIRE(account.verdict == ProofVerdict::kValid);
        REQUIRE(account.account.has_value() == account_exists);
        if (account_exists) {
            if (name.starts_with("testspec")) {
                CHECK(account.account->balance == balances.at(p.proof.address));
                CHECK(account.account->storage_root == empty_root());
                CHECK(account.account->code_hash == empty_code_hash());
            }
            if (const auto* b = c.as_object().if_contains("balance")) {
                CHECK(account.account->balance == *parse_u256(test::json_string(*b)));
                CHECK(account.account->nonce == *parse_u256(test::json_string(c.at("nonce"))));
                CHECK(account.account->code_hash == hash_of(test::json_string(c.at("codeHash"))));
                CHECK(account.account->storage_root == hash_of(test::json_string(c.at("storageHash"))));
            }
            p.proof.nonce = account.account->nonce;
            p.proof.balance = account.account->balance;
            p.proof.storage_hash = account.account->storage_root;
            p.proof.code_hash = account.account->code_hash;
        }
        for (const auto& s : c.at("storageProof").as_array()) {
            p.proof.storage_proof.push_back({hash_of(test::json_string(s.at("key"))),
                                             *parse_u256(test::json_string(s.at("value"))),
                                             nodes_of(s.at("proof"))});
            if (exists) exists->push_back(s.at("exists").as_bool());
        }
        out.push_back(std::move(p));
    }
    return out;
}

// execution-apis hive chain: eth_getProof for one account at `latest` (block 54), by tag, by
// default and by block hash, with and without a storage slot; stateRoot from get-latest.io.
std::vector<RealProof> hive_proofs() {
    const auto latest = io_responses("execution-apis-hive-chain/eth_getBlockByNumber/get-latest.io").at(0);
    const auto header = jsonrpc::decode_header(latest.at("result"));
    REQUIRE(header);
    REQUIRE(header->hash == jsonrpc::compute_hash(*header));
    std::vector<RealProof> out;
    for (const char* f : {"execution-apis-hive-chain/eth_getProof/get-account-proof-blockhash.io",
                          "execution-apis-hive-chain/eth_getProof/get-account-proof-default-block.io",
                          "execution-apis-hive-chain/eth_getProof/get-account-proof-latest.io",
                          "execution-apis-hive-chain/eth_getProof/get-account-proof-with-storage.io"}) {
        const auto response = io_responses(f).at(0);
        out.push_back({f, header->state_root, account_proof(response.at("result"), f), false});
    }
    return out;
}

// opstack/output_root_op-node_TestOutputAtBlock.json: a mainnet deposit-contract proof at block
// 14474377, against its header (which hashes to the fixture's hash).
RealProof op_node_proof() {
    auto doc = test::read_vector_json("opstack/output_root_op-node_TestOutputAtBlock.json");
    const auto header = jsonrpc::decode_header(doc.at("header"));
    REQUIRE(header);
    REQUIRE(header->hash == jsonrpc::compute_hash(*header));
    auto response = doc.at("accountProofResponse").as_object();
    if (!response.contains("storageProof")) response["storageProof"] = json::array{};
    return {"opstack/output_root_op-node_TestOutputAtBlock.json", header->state_root,
            account_proof(response, "op-node fixture"), true};
}

std::vector<RealProof> all_real_proofs() {
    std::vector<RealProof> out;
    for (auto&& group : {helios_proofs(), colibri_proofs(), ropsten_proofs(), reth_proofs(), hive_proofs()}) {
        for (auto& p : group) out.push_back(p);
    }
    out.push_back(op_node_proof());
    return out;
}

}  // namespace

TEST_CASE("mainnet proofs: helios", "[light-clients][mpt][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto proofs = helios_proofs();
    const auto deposit = require_valid(proofs[0]);
    CHECK(deposit.account_exists);
    CHECK(deposit.account.nonce == 1);
    REQUIRE(deposit.storage_values.size() == 1);
    CHECK(deposit.storage_values[0] != 0);
    const auto miner = require_valid(proofs[1]);
    CHECK(miner.account_exists);
    CHECK(miner.account.code_hash == empty_code_hash());
    test::report_cases("proofs/mainnet-helios/proof.json", 1 + proofs[0].proof.storage_proof.size());
    test::report_cases("proofs/mainnet-helios/block_miner_proof.json", 1);
}

TEST_CASE("mainnet proofs: colibri, inclusion and exclusion", "[light-clients][mpt][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    std::vector<std::string> notes;
    const auto proofs = colibri_proofs(&notes);
    REQUIRE(proofs.size() == 6);
    std::size_t exclusions = 0;
    for (std::size_t i = 0; i < proofs.size(); ++i) {
        const auto report = require_valid(proofs[i]);
        const bool account_absent = notes[i].starts_with("ACCOUNT EXCLUSION");
        CHECK(report.account_exists == !account_absent);
        if (account_absent) ++exclusions;
        if (notes[i].starts_with("STORAGE EXCLUSION")) {
            REQUIRE(report.storage_values.size() == 1);
            CHECK(report.storage_values[0] == 0);
            ++exclusions;
        }
        test::report_cases(proofs[i].name, 1 + proofs[i].proof.storage_proof.size());
    }
    CHECK(exclusions == 2);
    // The one header in the folder hashes correctly and carries the manifest's state root.
    const auto header = jsonrpc::decode_header(unwrap(test::read_vector_json(
        "proofs/mainnet-colibri/eth_getBalance1/eth_getBlockByNumber_0x14d0303_false.json")));
    REQUIRE(header);
    CHECK(header->hash == jsonrpc::compute_hash(*header));
    CHECK(header->state_root == proofs[1].root);
    test::report_cases("proofs/mainnet-colibri/MANIFEST.json", proofs.size());
}

TEST_CASE("ropsten proofs: account, absent account, contract storage", "[light-clients][mpt][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto proofs = ropsten_proofs();
    CHECK(proofs[0].root == proofs[1].root);
    CHECK(proofs[0].root == proofs[2].root);
    CHECK(require_valid(proofs[0]).account_exists);
    CHECK(!require_valid(proofs[1]).account_exists);
    const auto contract = require_valid(proofs[2]);
    CHECK(contract.account_exists);
    REQUIRE(contract.storage_values.size() == 2);
    CHECK(contract.storage_values[0] != 0);
    CHECK(contract.storage_values[1] == 0);  // the second key is empty: a storage exclusion proof
    for (const auto& p : proofs) test::report_cases(p.name, 1 + p.proof.storage_proof.size());
}

TEST_CASE("reth proof tests: custom genesis, mainnet genesis, Holesky", "[light-clients][mpt][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    std::vector<bool> exists;
    const auto proofs = reth_proofs(&exists);
    REQUIRE(proofs.size() == 7);
    std::size_t n = 0;
    std::size_t slot = 0;
    for (const auto& p : proofs) {
        const auto report = require_valid(p);
        for (std::size_t i = 0; i < p.proof.storage_proof.size(); ++i, ++slot) {
            CHECK((report.storage_values[i] != 0) == exists.at(slot));
            ++n;
        }
        ++n;
    }
    CHECK(!require_valid(proofs[5]).account_exists);  // mainnet genesis, 0x..3281
    test::report_cases("proofs/reth_trie_proof_tests.json", n);
    test::report_cases("proofs/reth_proof-genesis.json (state root built from alloc)", 4);
}

TEST_CASE("hive chain eth_getProof transcripts", "[light-clients][mpt][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    for (const auto& p : hive_proofs()) {
        const auto report = require_valid(p);
        CHECK(report.account_exists);
        test::report_cases(p.name, 1 + p.proof.storage_proof.size());
    }
    const auto op = op_node_proof();
    require_valid(op);
    test::report_cases(op.name + " (accountProofResponse)", 1);
}

// Every single-byte change of every node of every real proof (XOR 0x01 and XOR 0xff, so both a
// low-bit change and a whole-byte change), and every one-byte truncation of a node, must be
// rejected; so must dropped, extra, duplicated and swapped nodes, and proofs asked about the wrong
// key or root.
TEST_CASE("mutated real proofs are rejected", "[light-clients][mpt][vectors][mutation]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto proofs = all_real_proofs();
    std::map<ProofVerdict, std::size_t> verdicts;
    std::size_t node_bytes = 0;
    std::size_t byte_changes = 0;
    std::size_t mainnet_byte_changes = 0;
    std::size_t structural = 0;

    const auto rejected = [&](const Hash& root, const jsonrpc::AccountProof& p) {
        const ProofVerdict v = verify_eip1186(root, p);
        ++verdicts[v];
        return v != ProofVerdict::kValid;
    };

    for (const auto& real : proofs) {
        INFO(real.name);
        REQUIRE(verify_eip1186(real.root, real.proof) == ProofVerdict::kValid);
        // Every node list of the proof: the account proof, then each storage proof.
        std::vector<std::vector<Bytes>*> lists;
        jsonrpc::AccountProof p = real.proof;
        lists.push_back(&p.account_proof);
        for (auto& s : p.storage_proof) lists.push_back(&s.proof);

        for (std::size_t l = 0; l < lists.size(); ++l) {
            auto& nodes = *lists[l];
            for (std::size_t i = 0; i < nodes.size(); ++i) {
                Bytes& node = nodes[i];
                node_bytes += node.size();
                for (std::size_t b = 0; b < node.size(); ++b) {
                    const uint8_t original = node[b];
                    for (uint8_t x : {uint8_t{0x01}, uint8_t{0xff}}) {
                        node[b] = original ^ x;
                        INFO("list " << l << " node " << i << " byte " << b << " xor " << int(x));
                        REQUIRE(rejected(real.root, p));
                        ++byte_changes;
                        if (real.mainnet) ++mainnet_byte_changes;
                    }
                    node[b] = original;
                }
                // One byte shorter.
                const Bytes original = node;
                node.pop_back();
                REQUIRE(rejected(real.root, p));
                node = original;
                ++structural;
            }
            if (nodes.empty()) continue;
            const std::vector<Bytes> original = nodes;
            // Truncated: every proper prefix.
            for (std::size_t n = 0; n < original.size(); ++n) {
                nodes.assign(original.begin(), original.begin() + static_cast<std::ptrdiff_t>(n));
                // An empty storage proof of an empty-storage account is valid; these have nodes.
                REQUIRE(rejected(real.root, p));
                ++structural;
            }
            // Extra nodes: the last one repeated, another proof's node, a node at the front.
            nodes = original;
            nodes.push_back(original.back());
            REQUIRE(rejected(real.root, p));
            nodes = original;
            nodes.push_back(proofs[0].proof.account_proof.back());
            REQUIRE(rejected(real.root, p));
            nodes = original;
            nodes.insert(nodes.begin(), original.back());
            REQUIRE(rejected(real.root, p));
            structural += 3;
            // Swapped neighbours; reversed.
            for (std::size_t i = 0; i + 1 < original.size(); ++i) {
                nodes = original;
                std::swap(nodes[i], nodes[i + 1]);
                REQUIRE(rejected(real.root, p));
                ++structural;
            }
            if (original.size() > 1) {
                nodes.assign(original.rbegin(), original.rend());
                REQUIRE(rejected(real.root, p));
                ++structural;
            }
            nodes = original;
        }

        // Wrong keys: another address, another slot. Such a proof may still prove the other key
        // absent, but never the claimed account or value.
        jsonrpc::AccountProof wrong = real.proof;
        wrong.address[19] ^= 0x01;
        REQUIRE(rejected(real.root, wrong));
        ++structural;
        for (std::size_t s = 0; s < real.proof.storage_proof.size(); ++s) {
            wrong = real.proof;
            wrong.storage_proof[s].key[31] ^= 0x01;
            const auto v = verify_eip1186(real.root, wrong);
            const bool proves_zero = real.proof.storage_proof[s].value == 0;
            // An exclusion proof of one slot can also show a neighbour absent.
            if (!proves_zero || v != ProofVerdict::kValid) {
                REQUIRE(v != ProofVerdict::kValid);
                ++verdicts[v];
                ++structural;
            }
        }
        // Wrong root.
        Hash root = real.root;
        root[0] ^= 0x80;
        REQUIRE(rejected(root, real.proof));
        ++structural;
    }

    CHECK(mainnet_byte_changes > 90'000);
    // Every byte of every node was changed both ways, and each proof had its structural mutations:
    // at least a node cut short, the empty prefix, three extra nodes, a wrong address and root.
    REQUIRE(!proofs.empty());
    REQUIRE(node_bytes > 0);
    REQUIRE(byte_changes == 2 * node_bytes);
    REQUIRE(structural >= 7 * proofs.size());
    test::report_cases("mutation: single-byte changes of real proof nodes, all rejected", byte_changes);
    test::report_cases("mutation: ... of which mainnet proof nodes", mainnet_byte_changes);
    test::report_cases("mutation: truncated, extended, reordered, wrong key/root, all rejected", structural);
    for (const auto& [v, n] : verdicts) {
        test::report_cases("mutation verdict: " + std::string(to_string(v)), n);
    }
}
