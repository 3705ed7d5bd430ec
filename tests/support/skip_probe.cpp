// Test cases that skip_test.cpp runs in a child process, to see the exit code tests/catch_main.cpp
// gives each outcome. Hidden ([.]): a run of the suite never picks them up.
#include <catch2/catch.hpp>

#include "tests/support/skip.hpp"
#include "tests/support/vectors.hpp"

TEST_CASE("probe: passes", "[.probe]") {
    CHECK(1 + 1 == 2);
}

TEST_CASE("probe: skips and runs nothing after the skip", "[.probe]") {
    causeway::test::skip("probe input absent");
    FAIL("ran past the skip");
}

TEST_CASE("probe: fails then skips", "[.probe]") {
    CHECK(1 + 1 == 3);
    causeway::test::skip("probe input absent");
}

TEST_CASE("probe: fails 77 times", "[.probe-many]") {
    for (int i = 0; i < 77; ++i) CHECK(i < 0);
}

TEST_CASE("probe: one section skips and another passes", "[.probe]") {
    SECTION("passes") {
        CHECK(1 + 1 == 2);
    }
    SECTION("skips") {
        causeway::test::skip("probe input absent");
    }
}

TEST_CASE("probe: needs the vectors", "[.probe]") {
    CAUSEWAY_REQUIRE_VECTORS();
    CHECK(causeway::test::vectors_dir());
}
