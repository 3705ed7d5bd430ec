#include "relayer/cli/verify.hpp"

#include <CLI/CLI.hpp>

namespace causeway::cli {

void add_verify_command(CLI::App& app, Command& selected) {
    CLI::App* verify = app.add_subcommand("verify", "Verify a header, proof, output root or checkpoint");
    verify->require_subcommand(1);
    add_verify_header_command(*verify, selected);
    add_verify_proof_command(*verify, selected);
    add_verify_op_output_command(*verify, selected);
    add_verify_checkpoint_command(*verify, selected);
}

}  // namespace causeway::cli
