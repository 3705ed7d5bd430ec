#include <catch2/catch.hpp>
#include <limits>

#include "light-clients/finality.hpp"

using namespace causeway::finality;

TEST_CASE("finality levels parse and print", "[light-clients][finality]") {
    for (Level l : {Level::kLatest, Level::kSafe, Level::kFinalized, Level::kAnchored}) {
        CHECK(parse_level(to_string(l)) == l);
    }
    CHECK(!parse_level("final"));
    CHECK(!parse_level(""));
}

TEST_CASE("policies are validated once", "[light-clients][finality]") {
    CHECK(validate(Policy{}).has_value());
    CHECK(validate(Policy{0, 0, Level::kLatest}).error() == PolicyError::kZeroConfirmations);
    CHECK(validate(Policy{1, 0, Level::kAnchored}).error() == PolicyError::kAnchoredWithoutWindow);
    CHECK(validate(Policy{1, 604800, Level::kAnchored}).has_value());
}

TEST_CASE("block-number rules", "[light-clients][finality]") {
    const ChainView chain{100, 90, 64};
    CHECK(evaluate(Policy{1, 0, Level::kLatest}, 100, chain) == Verdict::kFinal);
    CHECK(evaluate(Policy{1, 0, Level::kLatest}, 101, chain) == Verdict::kAwaitingConfirmations);
    CHECK(evaluate(Policy{12, 0, Level::kLatest}, 89, chain) == Verdict::kFinal);
    CHECK(evaluate(Policy{12, 0, Level::kLatest}, 90, chain) == Verdict::kAwaitingConfirmations);
    CHECK(evaluate(Policy{1, 0, Level::kSafe}, 90, chain) == Verdict::kFinal);
    CHECK(evaluate(Policy{1, 0, Level::kSafe}, 91, chain) == Verdict::kAwaitingSafe);
    CHECK(evaluate(Policy{1, 0, Level::kFinalized}, 64, chain) == Verdict::kFinal);
    CHECK(evaluate(Policy{1, 0, Level::kFinalized}, 65, chain) == Verdict::kAwaitingFinalized);
    CHECK(evaluate(Policy{1, 0, Level::kFinalized}, 1, ChainView{100, {}, {}}) ==
          Verdict::kAwaitingFinalized);
}

TEST_CASE("challenge windows", "[light-clients][finality]") {
    const Policy policy{1, 3600, Level::kAnchored};
    uint64_t at = 0;
    CHECK(evaluate_anchor(policy, std::nullopt, 5000) == Verdict::kAwaitingAnchor);
    // Strictly after the window, as OptimismPortal checks it.
    CHECK(evaluate_anchor(policy, 1000, 4600, &at) == Verdict::kAwaitingChallengeWindow);
    CHECK(at == 4601);
    CHECK(evaluate_anchor(policy, 1000, 4601, &at) == Verdict::kFinal);
    CHECK(evaluate_anchor(policy, std::numeric_limits<uint64_t>::max() - 10, 0, &at) ==
          Verdict::kAwaitingChallengeWindow);
    CHECK(at == std::numeric_limits<uint64_t>::max());
}
