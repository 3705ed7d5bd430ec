#include "tests/support/skip.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <string>

namespace causeway::test {

namespace {
std::atomic<std::size_t> skips{0};
}  // namespace

void skip(std::string_view why, std::source_location where) {
    ++skips;
    // What WARN expands to, with the caller's file and line rather than this one.
    Catch::AssertionHandler handler("SKIP", Catch::SourceLineInfo(where.file_name(), where.line()),
                                    Catch::StringRef(), Catch::ResultDisposition::ContinueOnFailure);
    handler.handleMessage(Catch::ResultWas::Warning, "skipped: " + std::string(why));
    handler.complete();
    // Catch ends a test case quietly on this exception: it is how a failed REQUIRE stops one, the
    // failure itself having been recorded before.
    throw Catch::TestFailureException{};
}

std::size_t skipped() {
    return skips.load();
}

}  // namespace causeway::test
