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
// never accept what it rejects, nor prove a different value.
TEST_CASE("Merkle-Patricia proof verdicts match @ethereumjs/mpt", "[differential][mpt]") {
    constexpr int kGenerated = 10000;
    const auto doc = boost::json::parse(
        test::run_node("tests/differential/mpt_reference.mjs", {"20261125", std::to_string(kGenerated)}));
    std::map<std::string, std::size_t> counts;
    std::size_t same = 0;
    std::size_t strict_rejected_by_us_only = 0;
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
        INFO("case " << same + strict_rejected_by_us_only << " (" << category << "), key " << to_hex(key)
                     << ", ours: " << mpt::to_string(ours.verdict));
        if (category == "strict") {
            if (ours_ok) {
                REQUIRE(ejs_ok);
                REQUIRE(ours.value == ejs_value);
            } else if (ejs_ok) {
                ++strict_rejected_by_us_only;
            }
        } else {
            REQUIRE(ours_ok == ejs_ok);
            if (ours_ok) REQUIRE(ours.value == ejs_value);
        }
        if (category != "strict" || ours_ok == ejs_ok) ++same;
        ++counts[category + (ours_ok ? (ours.value ? " (value)" : " (absent)") : " (rejected)")];
    }
    CHECK(counts["generated (value)"] > 0);
    CHECK(counts["generated (absent)"] > 0);
    CHECK(counts["generated-mutated (rejected)"] > 0);
    if (test::vectors_dir()) {
        CHECK(same >= kGenerated);
        CHECK(counts["real (value)"] > 0);
        CHECK(counts["real (absent)"] > 0);
        CHECK(counts["real-mutated (rejected)"] > 500);
    } else {
        WARN("test vectors not found: the real proofs and their mutations were skipped");
    }
    for (const auto& [name, n] : counts)
        test::report_cases("differential: MPT vs @ethereumjs/mpt: " + name, n);
    test::report_cases("differential: MPT vs @ethereumjs/mpt: same verdict and value", same);
    test::report_cases("differential: MPT strict cases @ethereumjs/mpt accepts (extra/reordered nodes)",
                       strict_rejected_by_us_only);
}
