// `causeway verify proof`: check an EIP-1186 account and storage proof (an eth_getProof result)
// against a state root, without trusting whoever produced it.
//
//   --state-root HEX --proof FILE        FILE is an eth_getProof result, bare or as the whole
//                                        {jsonrpc, id, result} response
//   --rpc URL --address ADDR [--slot KEY ...] [--block N|TAG|HASH]
//                                        fetches the block's header (default latest) and checks that
//                                        keccak256(rlp(header)) is the hash the node reports, then
//                                        fetches eth_getProof at that block hash and checks it against
//                                        the header's stateRoot
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace causeway::cli {

struct VerifyProofOptions {
    // From a file: both set.
    std::optional<std::string> state_root;  // 32-byte 0x-hex
    std::optional<std::filesystem::path> proof_file;
    // From a node: rpc and address set.
    std::optional<std::string> rpc;
    std::optional<std::string> address;
    std::vector<std::string> slots;    // 32-byte hex, or a number (decimal or 0x) left-padded
    std::optional<std::string> block;  // a number, a tag (latest, safe, finalized, ...) or a block hash
    std::chrono::milliseconds rpc_timeout{10'000};
};

// Prints one JSON object on `out` and returns the exit code:
//  * 0 valid: {"valid":true,"stateRoot":..,"address":..,"account":{"exists":..,"nonce":..,
//    "balance":..,"storageHash":..,"codeHash":..},"storage":[{"key":..,"value":..}, ...]} (with
//    "block":{"number":..,"hash":..} when fetched from a node);
//  * 1 invalid: {"valid":false,"rule":"node hash mismatch","proof":"account" or "storage[i]",..}:
//    a rule of the proof verifier, or "header hash mismatch" (the node's header does not hash to
//    the hash it reports), or "response does not match the request" (another address or slots);
//  * 2 nothing verified: bad arguments (bad hex, both or neither source), an unreadable file,
//    JSON that is not an eth_getProof result, or a node that cannot be reached or answers with an
//    error: {"error":"..."}.
int run_verify_proof(const VerifyProofOptions& options, std::ostream& out);

}  // namespace causeway::cli
