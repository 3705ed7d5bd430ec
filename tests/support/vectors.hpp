// Access to the shared test vectors ($CAUSEWAY_VECTORS, default ../shared/vectors) and small
// helpers the test suites share: gzip files, JSON, and a printed count of cases per vector file.
#pragma once

#include <boost/json.hpp>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "tests/support/skip.hpp"

namespace causeway::test {

// The vectors folder, or nullopt (with a message printed once) when it is absent.
std::optional<std::filesystem::path> vectors_dir();

// Reads a file below the vectors folder; `.gz` files are inflated.
std::string read_vector_file(std::string_view relative);
boost::json::value read_vector_json(std::string_view relative);

std::string read_file(const std::filesystem::path& path);
std::string gunzip(std::string_view compressed);

// Prints "vectors: <file>: <n> cases" so the test log shows how much of each file was exercised.
void report_cases(std::string_view relative, std::size_t count);

// Hex helpers for vector data that tolerate a missing 0x prefix.
Bytes bytes_from_any_hex(std::string_view text);
std::string json_string(const boost::json::value& v);
// A JSON string holding 0x-hex as a hash, an address or bytes; throws when it is not one.
Hash hash_of(const boost::json::value& v);
Address address_of(const boost::json::value& v);
Bytes bytes_of(const boost::json::value& v);

// Root of the source tree (for node_modules and scripts).
std::filesystem::path source_dir();

}  // namespace causeway::test

// Skips the test case (tests/support/skip.hpp) when the vectors are absent.
#define CAUSEWAY_REQUIRE_VECTORS()                                                   \
    do {                                                                             \
        if (!::causeway::test::vectors_dir())                                        \
            ::causeway::test::skip("test vectors not found (set CAUSEWAY_VECTORS)"); \
    } while (false)
