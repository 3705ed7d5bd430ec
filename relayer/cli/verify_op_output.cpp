#include <CLI/CLI.hpp>

#include "relayer/cli/verify.hpp"

namespace causeway::cli {

void add_verify_op_output_command(CLI::App& /*verify*/, Command& /*selected*/) {}

}  // namespace causeway::cli
