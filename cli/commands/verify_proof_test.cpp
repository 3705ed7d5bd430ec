// `causeway verify proof`: the real proofs of the vectors from files, tampered files, usage errors,
// and the --rpc path against anvil (random storage) and against a scripted node that lies about its
// header or its proof; in process and through the executable.
#include <stdlib.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "chain/json_rpc_client.hpp"
#include "cli/commands/verify_proof.hpp"
#include "core/hex.hpp"
#include "core/jsonrpc.hpp"
#include "light-clients/mpt/proof.hpp"
#include "tests/support/anvil.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/vectors.hpp"

using namespace causeway;
using namespace causeway::cli;
namespace fs = std::filesystem;
namespace json = boost::json;
using test::TempDir;

namespace {

struct Run {
    int code = -1;
    json::object out;
};

Run run(const VerifyProofOptions& o) {
    std::ostringstream out;
    Run r;
    r.code = run_verify_proof(o, out);
    const json::value v = json::parse(out.str());
    REQUIRE(v.is_object());
    r.out = v.as_object();
    return r;
}

VerifyProofOptions from_file(const std::string& root, const fs::path& file) {
    VerifyProofOptions o;
    o.state_root = root;
    o.proof_file = file;
    return o;
}

std::string str(const json::value& v) {
    return std::string(v.as_string());
}

std::vector<json::value> io_responses(std::string_view relative) {
    std::istringstream in(test::read_vector_file(relative));
    std::vector<json::value> out;
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("<< ")) out.push_back(json::parse(line.substr(3)));
    }
    return out;
}

}  // namespace

TEST_CASE("verify proof: real proofs from files", "[cli][verify-proof][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto dir = *test::vectors_dir();
    std::size_t n = 0;
    // Helios: the deposit contract with one slot; the state root is the block's.
    const std::string helios_root =
        str(test::read_vector_json("proofs/mainnet-helios/block.json").at("stateRoot"));
    {
        const auto r = run(from_file(helios_root, dir / "proofs/mainnet-helios/proof.json"));
        CHECK(r.code == 0);
        CHECK(r.out.at("valid").as_bool());
        CHECK(str(r.out.at("address")) == "0x00000000219ab540356cBB839Cbe05303d7705Fa");
        CHECK(r.out.at("account").at("exists").as_bool());
        CHECK(str(r.out.at("account").at("nonce")) == "0x1");
        CHECK(str(r.out.at("account").at("balance")) == "0x2fb161afe600a5b2605040");
        REQUIRE(r.out.at("storage").as_array().size() == 1);
        CHECK(str(r.out.at("storage").at(0).at("value")) ==
              "0x2394e3bc4086a9625ae88307145a40ff4a4bf2c9a6755435bff86b22d6175d5f");
        ++n;
    }
    // Colibri: wrapped responses, including the absent account and the absent slot.
    const json::value manifest = test::read_vector_json("proofs/mainnet-colibri/MANIFEST.json");
    for (const auto& e : manifest.at("proofs").as_array()) {
        const auto r =
            run(from_file(str(e.at("stateRoot")), dir / "proofs/mainnet-colibri" / str(e.at("file"))));
        INFO(str(e.at("file")));
        CHECK(r.code == 0);
        const bool absent = str(e.at("notes").at(0)).starts_with("ACCOUNT EXCLUSION");
        CHECK(r.out.at("account").at("exists").as_bool() == !absent);
        if (absent) CHECK(str(r.out.at("account").at("codeHash")) == to_hex(mpt::empty_code_hash()));
        ++n;
    }
    // The manifest lists 7 proofs: an empty or misread manifest must not pass.
    REQUIRE(n >= 7);
    test::report_cases("verify proof: proofs/ files through the command", n);
}

TEST_CASE("verify proof: tampered files are invalid, bad input is a usage error",
          "[cli][verify-proof][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    TempDir tmp;
    const std::string root = str(test::read_vector_json("proofs/mainnet-helios/block.json").at("stateRoot"));
    const json::value original = test::read_vector_json("proofs/mainnet-helios/proof.json");

    // A flipped byte in an account proof node.
    {
        json::value doc = original;
        auto& node = doc.at("accountProof").as_array().at(3).as_string();
        node[100] = node[100] == '0' ? '1' : '0';
        const auto r = run(from_file(root, tmp.write("flipped.json", json::serialize(doc))));
        CHECK(r.code == 1);
        CHECK(!r.out.at("valid").as_bool());
        CHECK(str(r.out.at("rule")) == "node hash mismatch");
        CHECK(str(r.out.at("proof")) == "account");
    }
    // A storage value that is not the proven one.
    {
        json::value doc = original;
        doc.at("storageProof").as_array().at(0).as_object()["value"] = "0x1";
        const auto r = run(from_file(root, tmp.write("value.json", json::serialize(doc))));
        CHECK(r.code == 1);
        CHECK(str(r.out.at("rule")) == "value mismatch");
        CHECK(str(r.out.at("proof")) == "storage[0]");
        CHECK(str(r.out.at("key")) == "0x0000000000000000000000000000000000000000000000000000000000000001");
    }
    // A claimed balance that is not the proven one.
    {
        json::value doc = original;
        doc.as_object()["balance"] = "0x1";
        const auto r = run(from_file(root, tmp.write("balance.json", json::serialize(doc))));
        CHECK(r.code == 1);
        CHECK(str(r.out.at("rule")) == "value mismatch");
        CHECK(str(r.out.at("proof")) == "account");
    }
    // A truncated account proof; another block's state root.
    {
        json::value doc = original;
        doc.at("accountProof").as_array().pop_back();
        CHECK(str(run(from_file(root, tmp.write("short.json", json::serialize(doc)))).out.at("rule")) ==
              "proof too short");
        const std::string other = "0x" + std::string(64, '1');
        const auto r = run(from_file(other, tmp.write("proof.json", json::serialize(original))));
        CHECK(r.code == 1);
        CHECK(str(r.out.at("rule")) == "node hash mismatch");
    }

    // Usage and parse errors: exit 2 with {"error": ...}.
    const fs::path good = tmp.write("good.json", json::serialize(original));
    const auto usage = [](const VerifyProofOptions& o) {
        const auto r = run(o);
        CHECK(r.code == 2);
        CHECK(r.out.contains("error"));
        return r.code;
    };
    usage(from_file("0x1234", good));
    usage(from_file("0x" + std::string(64, 'g'), good));
    usage(from_file(root, tmp.path() / "missing.json"));
    usage(from_file(root, tmp.write("garbage.json", "{not json")));
    usage(from_file(root, tmp.write("header.json", json::serialize(test::read_vector_json(
                                                       "proofs/mainnet-helios/block.json")))));
    usage(from_file(
        root, tmp.write("error.json", R"({"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"no"}})")));
    usage(from_file(root, tmp.write("null.json", R"({"jsonrpc":"2.0","id":1,"result":null})")));
    {
        json::value doc = original;
        doc.at("accountProof").as_array().at(0) = "0xzz";
        usage(from_file(root, tmp.write("badhex.json", json::serialize(doc))));
    }
    VerifyProofOptions neither;
    usage(neither);
    VerifyProofOptions both = from_file(root, good);
    both.rpc = "http://127.0.0.1:1";
    both.address = "0x" + std::string(40, '1');
    usage(both);
    VerifyProofOptions half;
    half.state_root = root;
    usage(half);
    VerifyProofOptions no_address;
    no_address.rpc = "http://127.0.0.1:1";
    usage(no_address);
    VerifyProofOptions bad_slot;
    bad_slot.rpc = "http://127.0.0.1:1";
    bad_slot.address = "0x" + std::string(40, '1');
    bad_slot.slots = {"0xnothex"};
    usage(bad_slot);
    VerifyProofOptions bad_address = bad_slot;
    bad_address.slots.clear();
    bad_address.address = "0x1234";
    usage(bad_address);
    VerifyProofOptions unreachable = bad_address;
    unreachable.address = "0x" + std::string(40, '1');
    unreachable.rpc_timeout = std::chrono::milliseconds(2000);
    usage(unreachable);  // nothing to verify
}

TEST_CASE("verify proof --rpc: anvil storage, present and absent", "[cli][verify-proof][anvil]") {
    CAUSEWAY_REQUIRE_ANVIL();
    test::Anvil anvil;
    auto client = chain::HttpJsonRpcClient::create(anvil.url());
    REQUIRE(client);
    const std::string account = "0x00000000000000000000000000000000c0ffee00";
    const auto cheat = [&](std::string method, json::array params) {
        REQUIRE((*client)->request(chain::RpcCall{std::move(method), std::move(params)}));
    };
    cheat("anvil_setCode", {account, "0x00"});
    cheat("anvil_setStorageAt",
          {account, "0x" + std::string(63, '0') + "3", "0x" + std::string(62, '0') + "2a"});
    cheat("anvil_setStorageAt", {account, "0x" + std::string(64, 'a'), "0x" + std::string(64, 'f')});
    cheat("evm_mine", {});

    VerifyProofOptions o;
    o.rpc = anvil.url();
    o.address = account;
    o.slots = {"3", "0x" + std::string(64, 'a'), "0x4"};
    const auto r = run(o);
    INFO(json::serialize(r.out));
    CHECK(r.code == 0);
    CHECK(r.out.at("account").at("exists").as_bool());
    const auto& storage = r.out.at("storage").as_array();
    REQUIRE(storage.size() == 3);
    CHECK(str(storage[0].at("value")) == "0x2a");
    CHECK(str(storage[1].at("value")) == "0x" + std::string(64, 'f'));
    CHECK(str(storage[2].at("value")) == "0x0");
    CHECK(r.out.at("block").at("number").as_int64() == 1);

    // By number and by tag; an absent account.
    o.block = "1";
    CHECK(run(o).code == 0);
    o.block = "latest";
    o.address = "0x" + std::string(40, '7');
    o.slots.clear();
    const auto absent = run(o);
    CHECK(absent.code == 0);
    CHECK(!absent.out.at("account").at("exists").as_bool());
    o.block = "999";
    CHECK(run(o).code == 2);  // no such block

    // Through the executable.
    const auto exe = test::run_command({CAUSEWAY_BIN, "verify", "proof", "--rpc", anvil.url(), "--address",
                                        account, "--slot", "3", "--slot", "0x4"});
    CHECK(exe.exit_code == 0);
    CHECK(json::parse(exe.out).at("valid").as_bool());
}

// A node that answers from the hive chain's recorded responses, optionally lying: a header whose
// fields no longer hash to its hash, or a proof with a changed balance.
TEST_CASE("verify proof --rpc: a lying node is caught", "[cli][verify-proof][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    TempDir tmp;
    json::value header =
        io_responses("execution-apis-hive-chain/eth_getBlockByNumber/get-latest.io").at(0).at("result");
    json::value proof =
        io_responses("execution-apis-hive-chain/eth_getProof/get-account-proof-with-storage.io")
            .at(0)
            .at("result");
    const std::string address = str(proof.at("address"));
    const auto serve = [&](const json::value& h, const json::value& p) {
        // node: a one-file JSON-RPC server on a free port, answering by method.
        const std::string script = R"(
import http from 'node:http';
import fs from 'node:fs';
const [port, file] = process.argv.slice(2);
const answers = JSON.parse(fs.readFileSync(file, 'utf8'));
http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const call = JSON.parse(body);
    const result = answers[call.method] ?? null;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ jsonrpc: '2.0', id: call.id, result }));
  });
}).listen(Number(port), '127.0.0.1');
)";
        const fs::path js = tmp.write("node.mjs", script);
        const fs::path answers = tmp.write("answers.json", json::serialize(json::object{
                                                               {"eth_getBlockByNumber", h},
                                                               {"eth_getBlockByHash", h},
                                                               {"eth_getProof", p},
                                                           }));
        return js.string() + "|" + answers.string();
    };
    const auto node_binary = [] {
        const auto pinned = test::source_dir() / "node_modules" / ".bin" / "node";
        return fs::exists(pinned) ? pinned.string() : std::string("node");
    }();
    const auto check = [&](const json::value& h, const json::value& p, int expected_code, std::string rule) {
        const std::string files = serve(h, p);
        const int port = test::free_loopback_port();
        test::ChildProcess server({node_binary, files.substr(0, files.find('|')), std::to_string(port),
                                   files.substr(files.find('|') + 1)});
        REQUIRE(test::wait_for_port(port, std::chrono::seconds(10)));
        VerifyProofOptions o;
        o.rpc = "http://127.0.0.1:" + std::to_string(port);
        o.address = address;
        o.slots = {"0x0"};
        const auto r = run(o);
        INFO(json::serialize(r.out));
        CHECK(r.code == expected_code);
        if (!rule.empty()) CHECK(str(r.out.at("rule")) == rule);
        return r;
    };

    const auto honest = check(header, proof, 0, "");
    CHECK(honest.out.at("block").at("number").as_int64() == 54);
    CHECK(str(honest.out.at("storage").at(0).at("value")) == "0x38");

    json::value forged_header = header;
    forged_header.as_object()["stateRoot"] = "0x" + std::string(64, '5');
    check(forged_header, proof, 1, "header hash mismatch");

    json::value forged_proof = proof;
    forged_proof.as_object()["balance"] = "0x77";
    const auto lie = check(header, forged_proof, 1, "value mismatch");
    CHECK(str(lie.out.at("proof")) == "account");

    json::value other_account = proof;
    other_account.as_object()["address"] = "0x" + std::string(40, '1');
    check(header, other_account, 1, "response does not match the request");
    test::report_cases("verify proof --rpc: execution-apis-hive-chain eth_getProof (honest and forged)", 4);
}

TEST_CASE("verify proof: the executable's exit codes", "[cli][verify-proof][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto dir = *test::vectors_dir();
    const std::string root = str(test::read_vector_json("proofs/mainnet-helios/block.json").at("stateRoot"));
    const std::string file = (dir / "proofs/mainnet-helios/proof.json").string();
    const auto ok =
        test::run_command({CAUSEWAY_BIN, "verify", "proof", "--state-root", root, "--proof", file});
    CHECK(ok.exit_code == 0);
    CHECK(json::parse(ok.out).at("valid").as_bool());
    const auto bad = test::run_command(
        {CAUSEWAY_BIN, "verify", "proof", "--state-root", "0x" + std::string(64, '0'), "--proof", file});
    CHECK(bad.exit_code == 1);
    CHECK(str(json::parse(bad.out).at("rule")) == "node hash mismatch");
    CHECK(test::run_command({CAUSEWAY_BIN, "verify", "proof", "--state-root", "0x12", "--proof", file})
              .exit_code == 2);
    CHECK(test::run_command({CAUSEWAY_BIN, "verify", "proof", "--state-root", root, "--proof", file, "--rpc",
                             "http://127.0.0.1:1"})
              .exit_code == 2);  // CLI11: the two sources exclude each other
    CHECK(test::run_command({CAUSEWAY_BIN, "verify", "proof"}).exit_code == 2);
}
