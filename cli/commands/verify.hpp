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

#include "cli/commands/commands.hpp"

namespace CLI {
class App;
}

namespace causeway::cli {

// Exit codes shared by the verify subcommands.
inline constexpr int kVerifyValid = 0;
inline constexpr int kVerifyInvalid = 1;
inline constexpr int kVerifyUsage = 2;

// Prints one line of JSON and returns `code`.
int print_json(std::ostream& out, const boost::json::object& result, int code);
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

void add_verify_header_command(CLI::App& verify, Command& selected);      // verify_header.cpp
void add_verify_proof_command(CLI::App& verify, Command& selected);       // verify_proof.cpp
void add_verify_op_output_command(CLI::App& verify, Command& selected);   // verify_op_output.cpp
void add_verify_checkpoint_command(CLI::App& verify, Command& selected);  // verify_checkpoint.cpp

}  // namespace causeway::cli
