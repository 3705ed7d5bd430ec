// Skipping a test case whose inputs are absent (the shared vectors, anvil), so that CTest shows it
// as skipped rather than passed. Catch2 v2 has no skip: skip() records one and ends the test case,
// and the main (tests/catch_main.cpp) exits with kSkipExitCode when a run that had no failures
// skipped something; causeway_test gives every test that SKIP_RETURN_CODE.
#pragma once

#include <cstddef>
#include <source_location>
#include <string_view>

namespace causeway::test {

// automake's convention for "skipped", which CTest maps to Skipped through SKIP_RETURN_CODE.
inline constexpr int kSkipExitCode = 77;

// Prints "skipped: <why>" as a Catch warning at the caller's line, records the skip and ends the
// test case there (through Catch's own abort, as a failed REQUIRE does, without a failure). Call it
// from the test case's thread only, and not inside a try block that catches everything.
[[noreturn]] void skip(std::string_view why, std::source_location where = std::source_location::current());

// How many test cases of this run skipped.
[[nodiscard]] std::size_t skipped();

}  // namespace causeway::test
