// `causeway verify header`: recompute a block header's hash (keccak256 of its RLP) and compare it with
// the hash claimed for it. The header comes as an eth_getBlockBy* result (--json FILE, bare or
// wrapped as {jsonrpc, id, result}) or as RLP (--rlp HEX).
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

#include "core/bytes.hpp"

namespace causeway::cli {

struct VerifyHeaderOptions {
    std::optional<std::filesystem::path> json_file;  // exactly one of json_file, rlp_hex
    std::optional<std::string> rlp_hex;
    std::optional<Hash> expect;  // --expect: the hash the header must have
};

// Prints one JSON object on `out` and returns the exit code:
//  * 0 valid: the header hashes to every hash claimed for it (the file's `hash`, --expect), and an
//    Arbitrum header's sendRoot, sendCount and l1BlockNumber fields match its hashed fields; an
//    --rlp header without --expect is only decoded: {"valid":true,"hash":..,"header":{..}};
//  * 1 invalid: {"valid":false,"rule":"hash mismatch","computed":..,"claimed":..}, or the decoding
//    rule an --rlp header breaks ("wrong field count", "non-canonical encoding", ...);
//  * 2 a file or hex that cannot be read or parsed, or a --json header with no hash to check:
//    {"error":"..."}.
int run_verify_header(const VerifyHeaderOptions& options, std::ostream& out);

}  // namespace causeway::cli
