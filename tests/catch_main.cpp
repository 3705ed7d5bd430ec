// The main of every Catch2 test executable. A run without failures in which a test case skipped
// (tests/support/skip.hpp) exits with kSkipExitCode, which CTest reports as Skipped; failures win.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "tests/support/skip.hpp"

int main(int argc, char* argv[]) {
    const int result = Catch::Session().run(argc, argv);
    // Catch exits with the number of failed assertions: 77 of them must not read as a skip.
    if (result == causeway::test::kSkipExitCode) return 1;
    if (result == 0 && causeway::test::skipped() > 0) return causeway::test::kSkipExitCode;
    return result;
}
