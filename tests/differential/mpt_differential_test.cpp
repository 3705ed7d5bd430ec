#include <catch2/catch.hpp>
#include <map>

#include "core/hex.hpp"
#include "light-clients/mpt/proof.hpp"
#include "tests/support/process.hpp"
#include "tests/support/vectors.hpp"

using namespace causeway;

// The same proofs through @ethereumjs/mpt's verifyMerkleProof (mpt_reference.mjs) and
// mpt::verify_proof: the real proofs of the vectors, mutated copies of them, and proofs for present
// and absent keys of random tries built by @ethereumjs/mpt. Both must accept the same proofs with
// the same value and reject the same ones; in the `strict` category (extra or reordered nodes,
// another key's proof), which @ethereumjs/mpt reads as an unordered set of nodes, causeway must
// never accept what it rejects, nor prove a different value. The generated and the real proofs are
// two test cases, so that without the vectors only the second one skips.

namespace {

constexpr const char* kScript = "tests/differential/mpt_reference.mjs";
constexpr const char* kSeed = "20261125";

struct Tally {
    std::map<std::string, std::size_t> counts;  // by category and our verdict
    std::size_t cases = 0;
    std::size_t same = 0;
    std::size_t strict_rejected_by_us_only = 0;
};

Tally compare(const boost::json::value& doc) {
    Tally t;
    for (const auto& c : doc.as_array()) {
        const std::string category = test::json_string(c.at("c"));
        const auto root = hash_from_hex(test::json_string(c.at("r")));
        REQUIRE(root);
        const Bytes key = test::bytes_from_any_hex(test::json_string(c.at("k")));
        std::vector<Bytes> proof;
        for (const auto& n : c.at("p").as_array())
            proof.push_back(test::bytes_from_any_hex(test::json_string(n)));
        const bool ejs_ok = c.at("ok").as_bool();
        std::optional<Bytes> ejs_value;
        if (!c.at("v").is_null()) ejs_value = test::bytes_from_any_hex(test::json_string(c.at("v")));

        const auto ours = mpt::verify_proof(*root, key, proof);
        const bool ours_ok = ours.verdict == mpt::ProofVerdict::kValid;
        INFO("case " << t.cases << " (" << category << "), key " << to_hex(key)
                     << ", ours: " << mpt::to_string(ours.verdict));
        if (category == "strict") {
            if (ours_ok) {
                REQUIRE(ejs_ok);
                REQUIRE(ours.value == ejs_value);
            } else if (ejs_ok) {
                ++t.strict_rejected_by_us_only;
            }
        } else {
            REQUIRE(ours_ok == ejs_ok);
            if (ours_ok) REQUIRE(ours.value == ejs_value);
        }
        if (category != "strict" || ours_ok == ejs_ok) ++t.same;
        ++t.counts[category + (ours_ok ? (ours.value ? " (value)" : " (absent)") : " (rejected)")];
        ++t.cases;
    }
    return t;
}

void report(const Tally& t) {
    for (const auto& [name, n] : t.counts)
        test::report_cases("differential: MPT vs @ethereumjs/mpt: " + name, n);
}

}  // namespace

TEST_CASE("Merkle-Patricia proof verdicts match @ethereumjs/mpt: generated tries", "[differential][mpt]") {
    constexpr std::size_t kGenerated = 10000;
    auto t = compare(
        boost::json::parse(test::run_node(kScript, {kSeed, std::to_string(kGenerated), "generated"})));
    // The script writes exactly COUNT generated, mutated and strict cases.
    REQUIRE(t.cases == kGenerated);
    CHECK(t.same + t.strict_rejected_by_us_only == t.cases);
    CHECK(t.counts["generated (value)"] > 0);
    CHECK(t.counts["generated (absent)"] > 0);
    CHECK(t.counts["generated-mutated (rejected)"] > 0);
    report(t);
    test::report_cases("differential: MPT vs @ethereumjs/mpt: generated, same verdict and value", t.same);
    test::report_cases("differential: MPT strict cases @ethereumjs/mpt accepts (extra/reordered nodes)",
                       t.strict_rejected_by_us_only);
}

TEST_CASE("Merkle-Patricia proof verdicts match @ethereumjs/mpt: real proofs and their mutations",
          "[differential][mpt][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    auto t = compare(boost::json::parse(test::run_node(kScript, {kSeed, "0", "real"})));
    // No strict cases here: every real proof and mutation gets the same verdict from both.
    CHECK(t.same == t.cases);
    CHECK(t.counts["real (value)"] > 0);
    CHECK(t.counts["real (absent)"] > 0);
    CHECK(t.counts["real-mutated (rejected)"] > 500);
    report(t);
    test::report_cases("differential: MPT vs @ethereumjs/mpt: real, same verdict and value", t.same);
}
