// `causeway verify ...`: check a header, a proof, an output root or a checkpoint without trusting
// anyone. Each prints JSON on stdout and exits 0 when valid, 1 when invalid (the JSON says which
// rule failed), 2 on a usage or parse error.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <expected>
#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>

#include "cli/commands/format.hpp"

namespace causeway::cli {

// Exit codes shared by the verify subcommands.
inline constexpr int kVerifyValid = 0;
inline constexpr int kVerifyInvalid = 1;
inline constexpr int kVerifyUsage = 2;

// Prints {"error": message} and returns kVerifyUsage.
int print_usage_error(std::ostream& out, const std::string& message);

// An RPC result read from a JSON file that holds it bare or as a whole JSON-RPC response
// ({jsonrpc, id, result} or {result}). `path` is where the result sat, for error messages.
struct RpcResultFile {
    boost::json::value result;
    std::string path;
};
// The error is a one-line message naming the file; `what` names the result ("block", "proof").
[[nodiscard]] std::expected<RpcResultFile, std::string> read_rpc_result_file(
    const std::filesystem::path& file, std::string_view what);

}  // namespace causeway::cli
