#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands/verify.hpp"
#include "cli/commands/verify_checkpoint.hpp"
#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "core/message.hpp"
#include "core/secp256k1.hpp"
#include "light-clients/committee/checkpoint.hpp"
#include "tests/support/process.hpp"
#include "tests/support/vectors.hpp"

using namespace causeway;
using namespace causeway::cli;

namespace {

// A 3-of-5 committee with deterministic keys (tests only) and a checkpoint signed by validators
// 0, 2 and 4.
struct Fixture {
    VerifyCheckpointArgs args;
    std::vector<committee::SignatureBytes> signatures;  // all five, in set order
    committee::Checkpoint checkpoint;
};

std::string metadata_hex(const committee::Checkpoint& c, std::vector<committee::SignatureBytes> sigs) {
    Bytes out;
    committee::encode(out, committee::Metadata{c.merkle_tree_hook, c.root, c.index, std::move(sigs)});
    return to_hex(out);
}

Fixture fixture() {
    Fixture f;
    f.checkpoint.origin = 901;
    f.checkpoint.merkle_tree_hook =
        Hash::left_padded(*from_hex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
    f.checkpoint.root = keccak256(to_view("root"));
    f.checkpoint.index = 7;
    f.checkpoint.message_id = keccak256(to_view("message"));
    const Hash d = committee::digest(f.checkpoint);
    for (std::size_t i = 0; i < 5; ++i) {
        const auto key =
            PrivateKey::from_bytes(keccak256(to_view("causeway cli test validator " + std::to_string(i))));
        REQUIRE(key);
        f.args.validators.push_back(to_checksum_hex(key->address()));
        f.signatures.push_back(committee::to_rsv(*sign(*key, d)));
    }
    f.args.origin = f.checkpoint.origin;
    f.args.merkle_hook = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    f.args.root = to_hex(f.checkpoint.root);
    f.args.index = f.checkpoint.index;
    f.args.message_id = to_hex(f.checkpoint.message_id);
    f.args.metadata = metadata_hex(f.checkpoint, {f.signatures[0], f.signatures[2], f.signatures[4]});
    f.args.threshold = 3;
    return f;
}

struct Run {
    int code = -1;
    std::string out;
    std::string err;
    boost::json::object json() const { return boost::json::parse(out).as_object(); }
};

Run run(const VerifyCheckpointArgs& args) {
    std::ostringstream out, err;
    Run r;
    r.code = run_verify_checkpoint(args, out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
}

std::vector<std::string> argv_of(const VerifyCheckpointArgs& a) {
    std::string validators;
    for (const auto& v : a.validators) validators += (validators.empty() ? "" : ",") + v;
    return {CAUSEWAY_BIN,
            "verify",
            "checkpoint",
            "--origin",
            std::to_string(a.origin),
            "--merkle-hook",
            a.merkle_hook,
            "--root",
            a.root,
            "--index",
            std::to_string(a.index),
            "--message-id",
            a.message_id,
            "--metadata",
            a.metadata,
            "--validators",
            validators,
            "--threshold",
            std::to_string(a.threshold)};
}

}  // namespace

TEST_CASE("verify checkpoint: a valid 3-of-5 checkpoint", "[cli][committee]") {
    const Fixture f = fixture();
    const Run r = run(f.args);
    INFO(r.out << r.err);
    REQUIRE(r.code == kVerifyValid);
    const auto j = r.json();
    CHECK(j.at("valid").as_bool());
    CHECK(j.at("rule").as_string() == "valid");
    CHECK(j.at("checkpoint").at("index").to_number<uint32_t>() == 7);
    CHECK(j.at("digest").as_string() == to_hex(committee::digest(f.checkpoint)));
    const auto& sigs = j.at("metadata").at("signatures").as_array();
    REQUIRE(sigs.size() == 3);
    CHECK(sigs[1].at("signer").as_string() == f.args.validators[2]);
    CHECK(sigs[1].at("validator").to_number<int>() == 2);
    // A bytes32 hook is the same hook.
    VerifyCheckpointArgs padded = f.args;
    padded.merkle_hook = to_hex(f.checkpoint.merkle_tree_hook);
    CHECK(run(padded).code == kVerifyValid);
}

TEST_CASE("verify checkpoint: invalid checkpoints exit 1 and name the rule", "[cli][committee]") {
    const Fixture f = fixture();
    const auto& s = f.signatures;
    auto rule_of = [](const VerifyCheckpointArgs& a) {
        const Run r = run(a);
        INFO(r.out << r.err);
        CHECK(r.code == kVerifyInvalid);
        CHECK(r.err.empty());
        const auto j = r.json();
        CHECK(!j.at("valid").as_bool());
        return std::string(j.at("rule").as_string());
    };
    VerifyCheckpointArgs a = f.args;
    a.metadata = metadata_hex(f.checkpoint, {s[2], s[0], s[4]});
    CHECK(rule_of(a) == "signers_out_of_order");
    a.metadata = metadata_hex(f.checkpoint, {s[0], s[0], s[4]});
    CHECK(rule_of(a) == "duplicate_signer");
    a.metadata = metadata_hex(f.checkpoint, {s[0], s[4]});
    CHECK(rule_of(a) == "threshold_not_met");
    a.metadata = f.args.metadata + "00";
    CHECK(rule_of(a) == "malformed_metadata");
    a = f.args;
    a.origin = 902;  // another origin's domain: the signers recover outside the set
    CHECK(rule_of(a) == "not_a_validator");
    a = f.args;
    a.merkle_hook = "0x0000000000000000000000000000000000000001";
    CHECK(rule_of(a) == "wrong_domain");
    a = f.args;
    a.index = 8;
    CHECK(rule_of(a) == "checkpoint_mismatch");
    a = f.args;
    a.message_id = to_hex(keccak256(to_view("another message")));
    CHECK(rule_of(a) == "not_a_validator");
    a = f.args;
    a.validators.erase(a.validators.begin() + 2);
    a.validators.push_back(to_checksum_hex(Address::left_padded(*from_hex("0x01"))));
    CHECK(rule_of(a) == "not_a_validator");
    a = f.args;
    committee::SignatureBytes bad_v = s[2];
    bad_v[64] = 1;
    a.metadata = metadata_hex(f.checkpoint, {s[0], bad_v, s[4]});
    CHECK(rule_of(a) == "invalid_signature");
}

TEST_CASE("verify checkpoint: values that do not parse exit 2", "[cli][committee]") {
    const Fixture f = fixture();
    auto usage = [](const VerifyCheckpointArgs& a) {
        const Run r = run(a);
        CHECK(r.out.empty());
        CHECK(r.err.starts_with("causeway verify checkpoint: error: "));
        return r.code;
    };
    VerifyCheckpointArgs a = f.args;
    a.root = "0x1234";
    CHECK(usage(a) == kVerifyUsage);
    a = f.args;
    a.message_id = f.args.message_id.substr(2);  // no 0x
    CHECK(usage(a) == kVerifyUsage);
    a = f.args;
    a.metadata = "0xzz";
    CHECK(usage(a) == kVerifyUsage);
    a = f.args;
    a.merkle_hook = "0x5fbdb2315678afecb367f032d93F642f64180aa3";  // broken EIP-55 checksum
    CHECK(usage(a) == kVerifyUsage);
    a = f.args;
    a.validators.push_back(a.validators[0]);
    CHECK(usage(a) == kVerifyUsage);  // a duplicate validator
    a = f.args;
    a.threshold = 6;
    CHECK(usage(a) == kVerifyUsage);
    a = f.args;
    a.validators[1] = "0x12";
    CHECK(usage(a) == kVerifyUsage);
}

// hyperlane-monorepo multisigIsmMessageIdCheckpoint.json (Sealevel test data), through the executable.
TEST_CASE("causeway verify checkpoint on the Hyperlane Sealevel vector", "[cli][committee][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto doc = test::read_vector_json("hyperlane/multisigIsmMessageIdCheckpoint.json");
    const auto& m = doc.at("message");
    Message message;
    message.nonce = m.at("nonce").to_number<uint32_t>();
    message.origin = m.at("origin").to_number<uint32_t>();
    message.sender = *hash_from_hex(test::json_string(m.at("sender")));
    message.destination = m.at("destination").to_number<uint32_t>();
    message.recipient = *hash_from_hex(test::json_string(m.at("recipient")));
    for (const auto& b : m.at("body").as_array())
        message.body.push_back(static_cast<uint8_t>(b.to_number<int>()));
    const auto& c = doc.at("checkpoint");
    VerifyCheckpointArgs a;
    a.origin = c.at("mailbox_domain").to_number<uint32_t>();
    a.merkle_hook = test::json_string(c.at("merkle_tree_hook_address"));
    a.root = test::json_string(c.at("root"));
    a.index = c.at("index").to_number<uint32_t>();
    a.message_id = to_hex(message_id(message));
    std::vector<std::string> sigs;
    for (const auto& v : doc.at("validators").as_array()) {
        a.validators.push_back(test::json_string(v.at("address")));
        sigs.push_back(test::json_string(v.at("signature")).substr(2));
    }
    a.threshold = 2;
    const std::string prefix = a.merkle_hook + a.root.substr(2) + "00000046";  // index 70
    a.metadata = prefix + sigs[0] + sigs[1];

    const auto ok = test::run_command(argv_of(a));
    INFO(ok.out);
    CHECK(ok.exit_code == 0);
    const auto j = boost::json::parse(ok.out).as_object();
    CHECK(j.at("signing_hash").as_string() == test::json_string(doc.at("signing_hash")));
    CHECK(j.at("rule").as_string() == "valid");

    a.metadata = prefix + sigs[1] + sigs[0];
    const auto wrong_order = test::run_command(argv_of(a));
    CHECK(wrong_order.exit_code == 1);
    CHECK(boost::json::parse(wrong_order.out).at("rule").as_string() == "signers_out_of_order");

    // CLI11's own usage errors: a missing option, a number out of range.
    auto missing = argv_of(a);
    missing.resize(missing.size() - 2);
    CHECK(test::run_command(missing).exit_code == 2);
    auto bad_threshold = argv_of(a);
    bad_threshold.back() = "0";
    CHECK(test::run_command(bad_threshold).exit_code == 2);
    auto bad_origin = argv_of(a);
    bad_origin[4] = "4294967296";
    CHECK(test::run_command(bad_origin).exit_code == 2);
    auto bad_root = argv_of(a);
    bad_root[8] = "0x00";
    CHECK(test::run_command(bad_root).exit_code == 2);
    test::report_cases("hyperlane/multisigIsmMessageIdCheckpoint.json (cli)", 2);
}
