#include "relayer/cli/verify.hpp"

#include <CLI/CLI.hpp>
#include <boost/json/serialize.hpp>

namespace causeway::cli {

int print_json(std::ostream& out, const boost::json::object& result, int code) {
    out << boost::json::serialize(result) << std::endl;
    return code;
}

int print_usage_error(std::ostream& out, const std::string& message) {
    return print_json(out, boost::json::object{{"error", message}}, kVerifyUsage);
}

void add_verify_command(CLI::App& app, Command& selected) {
    CLI::App* verify = app.add_subcommand("verify", "Verify a header, proof, output root or checkpoint");
    verify->require_subcommand(1);
    add_verify_header_command(*verify, selected);
    add_verify_proof_command(*verify, selected);
    add_verify_op_output_command(*verify, selected);
    add_verify_checkpoint_command(*verify, selected);
}

}  // namespace causeway::cli
