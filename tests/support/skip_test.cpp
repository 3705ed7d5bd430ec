// The skip contract of tests/support/skip.hpp and tests/catch_main.cpp, which CTest relies on
// (SKIP_RETURN_CODE): a test case that skips exits 77, a failure in the same run outranks the skip,
// nothing after a skip runs, and a filter matching no test still fails. Checked on skip_probe's
// hidden test cases, each run in a child process.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/support/process.hpp"
#include "tests/support/skip.hpp"

using namespace causeway;

namespace {

test::CommandResult probe(const std::vector<std::string>& args, const test::EnvChanges& env = {}) {
    std::vector<std::string> argv{CAUSEWAY_SKIP_PROBE};
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run_command(argv, env);
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a test case that skips exits 77 and a failure outranks a skip", "[support][skip]") {
    CHECK(probe({"probe: passes"}).exit_code == 0);

    const auto skipped = probe({"probe: skips and runs nothing after the skip"});
    INFO(skipped.out);
    CHECK(skipped.exit_code == test::kSkipExitCode);
    CHECK(contains(skipped.out, "skipped: probe input absent"));
    CHECK(!contains(skipped.out, "ran past the skip"));

    CHECK(probe({"probe: fails then skips"}).exit_code == 1);
    // Catch's own exit code counts failed assertions: 77 of them are still a failure, not a skip.
    CHECK(probe({"probe: fails 77 times"}).exit_code == 1);
    CHECK(probe({"probe: one section skips and another passes"}).exit_code == test::kSkipExitCode);
    // All of them in one run: the one failed assertion decides (the FAIL after the skip never ran).
    CHECK(probe({"[.probe]"}).exit_code == 1);
    // As CTest runs them: a name that matches no test case fails rather than skips.
    CHECK(probe({"-w", "NoTests", "probe: no such test"}).exit_code == 2);
}

TEST_CASE("CAUSEWAY_REQUIRE_VECTORS skips when the vectors are absent", "[support][skip]") {
    const auto r = probe({"probe: needs the vectors"}, {{"CAUSEWAY_VECTORS", "/nonexistent"}});
    INFO(r.out);
    CHECK(r.exit_code == test::kSkipExitCode);
    CHECK(contains(r.out, "skipped: test vectors not found"));
}
