// `causeway verify op-output`: the output root of real vectors, exit codes for each outcome, and
// usage errors, both in process and through the executable.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands/verify_op_output.hpp"
#include "core/hex.hpp"
#include "tests/support/process.hpp"
#include "tests/support/vectors.hpp"

using namespace causeway;
using namespace causeway::cli;

namespace {

// op-node's TestOutputAtBlock (ethereum-optimism/optimism op-node/node/server_test.go, file commit
// 2d08d190a95fa8727cedafefb0b1e5a86ef4c8b6; also opstack/output_root_op-node_TestOutputAtBlock.json).
constexpr const char* kStateRoot = "0xb46d4bcb0e471e1b8506031a1f34ebc6f200253cbaba56246dd2320e8e2c8f13";
constexpr const char* kPasserRoot = "0xc1917a80cb25ccc50d0d1921525a44fb619b4601194ca726ae32312f08a799f8";
constexpr const char* kBlockHash = "0x8512bee03061475e4b069171f7b406097184f16b22c3f5c97c0abfc49591c524";
constexpr const char* kOutputRoot = "0xc861dbdc5bf1d8bbbc0bca7cd876ab6a70748c50b2054a46e8f30e99002170ab";
constexpr const char* kOtherRoot = "0xc861dbdc5bf1d8bbbc0bca7cd876ab6a70748c50b2054a46e8f30e99002170ac";

OpOutputOptions options() {
    return {*hash_from_hex(kStateRoot), *hash_from_hex(kPasserRoot), *hash_from_hex(kBlockHash), Hash{},
            std::nullopt};
}

boost::json::object run(const OpOutputOptions& o, int expected_code) {
    std::ostringstream out;
    CHECK(run_verify_op_output(o, out) == expected_code);
    return boost::json::parse(out.str()).as_object();
}

std::vector<std::string> command_line(std::vector<std::string> args) {
    args.insert(args.begin(), {CAUSEWAY_BIN, "verify", "op-output"});
    return args;
}

}  // namespace

TEST_CASE("verify op-output in process", "[cli][opstack]") {
    // Without --expect: the root computed, nothing claimed valid.
    auto r = run(options(), 0);
    CHECK(r.at("outputRoot").as_string() == kOutputRoot);
    CHECK(!r.at("checked").as_bool());
    CHECK(!r.contains("valid"));
    CHECK(!r.contains("reason"));

    auto o = options();
    o.expect = *hash_from_hex(kOutputRoot);
    r = run(o, 0);
    CHECK(r.at("checked").as_bool());
    CHECK(r.at("valid").as_bool());

    o.expect = *hash_from_hex(kOtherRoot);
    r = run(o, 1);
    CHECK(r.at("outputRoot").as_string() == kOutputRoot);
    CHECK(!r.at("valid").as_bool());
    CHECK(r.at("expected").as_string() == kOtherRoot);
    CHECK(r.at("reason").as_string() == "the output root proof does not hash to the output root");

    o = options();
    o.version[31] = 1;
    r = run(o, 1);
    CHECK(r.at("outputRoot").is_null());
    CHECK(!r.at("valid").as_bool());
    CHECK(r.at("reason").as_string() ==
          "unknown output root version 0x0000000000000000000000000000000000000000000000000000000000000001");
}

TEST_CASE("verify op-output: real output roots", "[cli][opstack]") {
    CAUSEWAY_REQUIRE_VECTORS();
    // Source: NethermindEth/nethermind IOptimismOptimismRpcModule.cs ExampleResponse (commit
    // 5f409a90266c3918081f74da9e2644d3db212f9a), OP Sepolia block 27982526.
    const auto v = test::read_vector_json("opstack/output_root_op-sepolia_nethermind_example.json");
    const auto& r = v.at("optimism_outputAtBlock_result");
    OpOutputOptions o{*hash_from_hex(test::json_string(r.at("stateRoot"))),
                      *hash_from_hex(test::json_string(r.at("withdrawalStorageRoot"))),
                      *hash_from_hex(test::json_string(r.at("blockRef").at("hash"))),
                      *hash_from_hex(test::json_string(r.at("version"))),
                      *hash_from_hex(test::json_string(r.at("outputRoot")))};
    const auto out = run(o, 0);
    CHECK(out.at("outputRoot").as_string() == test::json_string(r.at("outputRoot")));
    CHECK(out.at("valid").as_bool());
}

TEST_CASE("causeway verify op-output: exit codes", "[cli][opstack]") {
    const std::vector<std::string> parts{"--state-root", kStateRoot,     "--message-passer-root",
                                         kPasserRoot,    "--block-hash", kBlockHash};
    auto with = [&](std::vector<std::string> extra) {
        auto args = parts;
        args.insert(args.end(), extra.begin(), extra.end());
        return test::run_command(command_line(args));
    };

    auto r = with({});
    CHECK(r.exit_code == 0);
    CHECK(r.out == std::string("{\"outputRoot\":\"") + kOutputRoot + "\",\"checked\":false}\n");
    r = with({"--expect", kOutputRoot});
    CHECK(r.exit_code == 0);
    CHECK(r.out == std::string("{\"outputRoot\":\"") + kOutputRoot + "\",\"checked\":true,\"valid\":true}\n");
    r = with({"--version", "0x" + std::string(64, '0'), "--expect", kOutputRoot});
    CHECK(r.exit_code == 0);
    r = with({"--expect", kOtherRoot});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("\"valid\":false") != std::string::npos);
    r = with({"--version", "0x" + std::string(63, '0') + "1"});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("\"outputRoot\":null") != std::string::npos);

    // Usage and parse errors exit 2 and print nothing on stdout.
    for (const auto& bad : std::vector<std::vector<std::string>>{
             {"--expect", "0x1234"},                            // too short
             {"--expect", std::string(kOutputRoot).substr(2)},  // no 0x
             {"--expect", "0x" + std::string(63, '0') + "g"},   // not hex
             {"--version", "0x00"},                             // not 32 bytes
             {"--unknown-option", "1"},
         }) {
        r = with(bad);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
    }
    CHECK(
        test::run_command(command_line({"--state-root", kStateRoot, "--block-hash", kBlockHash})).exit_code ==
        2);
    CHECK(test::run_command(command_line({})).exit_code == 2);
    CHECK(test::run_command(command_line({"--state-root", "0x12", "--message-passer-root", kPasserRoot,
                                          "--block-hash", kBlockHash}))
              .exit_code == 2);
}
