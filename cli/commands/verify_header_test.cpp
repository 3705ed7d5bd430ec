// `causeway verify header`: every real header file of the vectors, tampered headers, Arbitrum's
// extra fields, RLP input, and the exit codes, in process and through the executable.
#include <stdlib.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands/verify_header.hpp"
#include "core/hex.hpp"
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

Run run(VerifyHeaderOptions o) {
    std::ostringstream out;
    Run r;
    r.code = run_verify_header(o, out);
    const std::string text = out.str();
    REQUIRE(text.ends_with("\n"));
    REQUIRE(text.find('\n') == text.size() - 1);  // one line
    r.out = json::parse(text).as_object();
    return r;
}

Run run_json(const fs::path& file, std::optional<Hash> expect = std::nullopt) {
    VerifyHeaderOptions o;
    o.json_file = file;
    o.expect = expect;
    return run(o);
}

Run run_rlp(const std::string& hex, std::optional<Hash> expect = std::nullopt) {
    VerifyHeaderOptions o;
    o.rlp_hex = hex;
    o.expect = expect;
    return run(o);
}

std::string str(const json::value& v) {
    return std::string(v.as_string());
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// The header object of a vector file: the file itself, its `result`, or nothing.
const json::object* header_in(const json::value& v) {
    const json::value* r = &v;
    if (v.is_object() && v.as_object().contains("result")) r = &v.as_object().at("result");
    if (r->is_object() && r->as_object().contains("parentHash") && r->as_object().contains("hash")) {
        return &r->as_object();
    }
    return nullptr;
}

// The hive chain's genesis header RLP (execution-apis debug_getRawHeader/get-genesis.io) and hash
// (eth_getBlockByNumber/get-genesis.io).
std::pair<std::string, std::string> hive_genesis() {
    const auto line = [](std::string_view file) {
        std::istringstream in(test::read_vector_file(file));
        for (std::string l; std::getline(in, l);) {
            if (l.starts_with("<< ")) return json::parse(l.substr(3));
        }
        FAIL("no response in " << file);
        return json::value{};
    };
    const auto raw = line("execution-apis-hive-chain/debug_getRawHeader/get-genesis.io");
    const auto block = line("execution-apis-hive-chain/eth_getBlockByNumber/get-genesis.io");
    return {str(raw.at("result")), str(block.at("result").at("hash"))};
}

}  // namespace

// Every header file listed in headers/INDEX.json with a hash that matches its RLP; the files that
// hold several headers (OP Mainnet, Arbitrum) or a header inside a fixture are split into one file
// per header first.
TEST_CASE("verify header --json accepts every real header with its hash", "[cli][headers][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    TempDir tmp;
    const auto index = test::read_vector_json("headers/INDEX.json");
    std::set<std::string> files;
    for (const auto& e : index.at("headers").as_array()) {
        const auto* m = e.as_object().if_contains("hashMatchesRlp");
        if (m && m->as_bool()) files.insert(test::json_string(e.at("file")));
    }
    std::size_t direct = 0, split = 0, arbitrum = 0;
    for (const auto& file : files) {
        INFO(file);
        const auto doc = test::read_vector_json(file);
        std::vector<json::value> headers;
        if (header_in(doc)) {
            const Run r = run_json(*test::vectors_dir() / file);
            CHECK(r.code == 0);
            CHECK(r.out.at("valid").as_bool());
            CHECK(str(r.out.at("hash")) == lower(str(header_in(doc)->at("hash"))));
            ++direct;
            continue;
        }
        if (doc.as_object().contains("blocks")) {
            for (const auto& b : doc.at("blocks").as_array()) headers.push_back(b.at("response"));
        } else if (doc.as_object().contains("header")) {
            headers.push_back(doc.at("header"));
        }
        REQUIRE(!headers.empty());
        for (const auto& h : headers) {
            const fs::path p = tmp.write("split.json", json::serialize(h));
            const Run r = run_json(p);
            CHECK(r.code == 0);
            CHECK(r.out.at("valid").as_bool());
            if (r.out.contains("arbitrum")) {
                const auto& result = h.at("result");
                CHECK(str(r.out.at("arbitrum").at("sendRoot")) == str(result.at("sendRoot")));
                ++arbitrum;
            }
            ++split;
        }
    }
    CHECK(direct + split >= 25);
    CHECK(arbitrum == 3);
    test::report_cases("headers/INDEX.json files (verify header --json)", direct + split);
}

TEST_CASE("verify header --json: a tampered header or a false claim exits 1 and names the rule",
          "[cli][headers][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    TempDir tmp;
    const std::string file =
        "headers/mainnet/colibri/eth_getLogs_electra/eth_getBlockByNumber_0x1564967_false.json";
    json::value doc = test::read_vector_json(file);
    const std::string hash = str(doc.at("result").at("hash"));

    // A changed field: the recomputed hash differs from the claimed one.
    doc.at("result").as_object()["gasUsed"] = "0x1";
    Run r = run_json(tmp.write("tampered.json", json::serialize(doc)));
    CHECK(r.code == 1);
    CHECK(!r.out.at("valid").as_bool());
    CHECK(str(r.out.at("rule")) == "hash mismatch");
    CHECK(str(r.out.at("claimed")) == hash);
    CHECK(str(r.out.at("computed")) != hash);

    // The genuine header against another expected hash.
    Hash other = *hash_from_hex(hash);
    other[0] ^= 1;
    r = run_json(*test::vectors_dir() / file, other);
    CHECK(r.code == 1);
    CHECK(str(r.out.at("expected")) == to_hex(other));
    CHECK(str(r.out.at("computed")) == hash);
    CHECK(run_json(*test::vectors_dir() / file, *hash_from_hex(hash)).code == 0);

    // Without its hash field there is nothing to check, unless --expect supplies it.
    doc = test::read_vector_json(file);
    doc.at("result").as_object().erase("hash");
    const fs::path unhashed = tmp.write("unhashed.json", json::serialize(doc));
    r = run_json(unhashed);
    CHECK(r.code == 2);
    CHECK(str(r.out.at("error")).find("no hash field") != std::string::npos);
    CHECK(run_json(unhashed, *hash_from_hex(hash)).code == 0);

    // Arbitrum: the extra fields are not hashed, so a false sendRoot keeps the hash but is caught.
    const auto arb = test::read_vector_json("arbitrum/arbitrum_one_headers.json");
    json::value block = arb.at("blocks").at(0).at("response");
    std::string send_root = str(block.at("result").at("sendRoot"));
    send_root[10] = send_root[10] == '0' ? '1' : '0';
    block.at("result").as_object()["sendRoot"] = send_root;
    r = run_json(tmp.write("arbitrum.json", json::serialize(block)));
    CHECK(r.code == 1);
    CHECK(str(r.out.at("rule")) == "send root mismatch");
    block = arb.at("blocks").at(0).at("response");
    block.at("result").as_object()["sendCount"] = "0x1";
    CHECK(str(run_json(tmp.write("arbitrum.json", json::serialize(block))).out.at("rule")) ==
          "send count mismatch");
    block = arb.at("blocks").at(0).at("response");
    block.at("result").as_object()["l1BlockNumber"] = "0x1";
    CHECK(str(run_json(tmp.write("arbitrum.json", json::serialize(block))).out.at("rule")) ==
          "l1 block number mismatch");
}

TEST_CASE("verify header --json: unreadable input exits 2", "[cli][headers]") {
    TempDir tmp;
    CHECK(run_json("/nonexistent/causeway-header.json").code == 2);
    CHECK(run_json(tmp.write("bad.json", "{not json")).code == 2);
    CHECK(run_json(tmp.write("null.json", R"({"jsonrpc":"2.0","id":1,"result":null})")).code == 2);
    CHECK(
        run_json(tmp.write("error.json", R"({"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"x"}})"))
            .code == 2);
    const Run r = run_json(tmp.write("partial.json", R"({"number":"0x1","hash":"0x00"})"));
    CHECK(r.code == 2);
    CHECK(str(r.out.at("error")).find("parentHash: missing") != std::string::npos);
    VerifyHeaderOptions none;
    CHECK(run(none).code == 2);
}

TEST_CASE("verify header --rlp decodes and prints, and the output verifies as --json",
          "[cli][headers][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    TempDir tmp;
    const auto [rlp, hash] = hive_genesis();
    Run r = run_rlp(rlp);
    CHECK(r.code == 0);
    CHECK(str(r.out.at("hash")) == hash);
    CHECK(r.out.at("number").as_int64() == 0);
    CHECK(str(r.out.at("layout")) == "frontier");
    CHECK(str(r.out.at("header").at("extraData")) == "0x68697665636861696e");  // "hivechain"
    // The printed header is a valid --json input with the same hash.
    const Run again = run_json(tmp.write("printed.json", json::serialize(r.out.at("header"))));
    CHECK(again.code == 0);
    CHECK(str(again.out.at("hash")) == hash);

    CHECK(run_rlp(rlp.substr(2)).code == 0);  // the 0x prefix is optional
    CHECK(run_rlp(rlp, *hash_from_hex(hash)).code == 0);
    Hash other = *hash_from_hex(hash);
    other[31] ^= 1;
    r = run_rlp(rlp, other);
    CHECK(r.code == 1);
    CHECK(str(r.out.at("rule")) == "hash mismatch");

    // Not a header: the decoding rule is named.
    r = run_rlp(rlp.substr(0, rlp.size() - 2));
    CHECK(r.code == 1);
    CHECK(str(r.out.at("rule")) == "malformed rlp");
    CHECK(run_rlp(rlp + "80").out.at("rule") == "trailing bytes");
    CHECK(run_rlp("0xc0").out.at("rule") == "wrong field count");
    // Not hex: a parse error.
    CHECK(run_rlp("0xzz").code == 2);
    CHECK(run_rlp("0xabc").code == 2);
}

namespace {

test::CommandResult verify_header_command(std::vector<std::string> more) {
    std::vector<std::string> argv{CAUSEWAY_BIN, "verify", "header"};
    argv.insert(argv.end(), more.begin(), more.end());
    return test::run_command(argv);
}

}  // namespace

TEST_CASE("the causeway executable: verify header usage errors", "[cli][headers]") {
    const auto with = verify_header_command;
    CHECK(with({}).exit_code == 2);                                     // neither --json nor --rlp
    CHECK(with({"--json", "a.json", "--rlp", "0xc0"}).exit_code == 2);  // both
    CHECK(with({"--rlp", "0xc0", "--expect", "0x12"}).exit_code == 2);  // a malformed hash
    CHECK(with({"--rlp", "0xc0"}).exit_code == 1);
    CHECK(with({"--json", "/nonexistent/causeway-header.json"}).exit_code == 2);
}

TEST_CASE("the causeway executable: verify header exit codes", "[cli][headers][vectors]") {
    const auto with = verify_header_command;
    CAUSEWAY_REQUIRE_VECTORS();
    const auto [rlp, hash] = hive_genesis();
    const auto ok = with({"--rlp", rlp, "--expect", hash});
    CHECK(ok.exit_code == 0);
    CHECK(json::parse(ok.out).at("hash").as_string() == hash);
    const std::string file =
        (*test::vectors_dir() /
         "headers/mainnet/colibri/eth_getLogs_electra/eth_getBlockByNumber_0x1564967_false.json")
            .string();
    const auto valid = with({"--json", file});
    CHECK(valid.exit_code == 0);
    CHECK(json::parse(valid.out).at("layout").as_string() == "prague");
    std::string wrong = hash;
    wrong[2] = wrong[2] == 'a' ? 'b' : 'a';
    CHECK(with({"--json", file, "--expect", wrong}).exit_code == 1);
}
