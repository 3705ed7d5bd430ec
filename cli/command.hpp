// The command groups of the `causeway` executable. Each registers its subcommands on the CLI11 app
// (parsing and checking options only) and, when one is chosen, leaves the function main runs:
// it calls a function of cli/commands, which does the work and writes on an output stream.
#pragma once

#include <functional>

#include "cli/commands/command_error.hpp"

namespace CLI {
class App;
}

namespace causeway::cli {

// Set by the chosen subcommand while the command line is parsed; returns the exit code.
using Command = std::function<int()>;

void add_transfer_command(CLI::App& app, Command& selected);   // transfer_command.cpp
void add_verify_command(CLI::App& app, Command& selected);     // verify_command.cpp
void add_db_command(CLI::App& app, Command& selected);         // db_command.cpp
void add_routes_command(CLI::App& app, Command& selected);     // routes_command.cpp
void add_messages_command(CLI::App& app, Command& selected);   // messages_command.cpp
void add_bench_command(CLI::App& app, Command& selected);      // bench_command.cpp
void add_devnet_command(CLI::App& app, Command& selected);     // devnet_command.cpp
void add_validator_command(CLI::App& app, Command& selected);  // validator_command.cpp
void add_relayer_command(CLI::App& app, Command& selected);    // relayer_command.cpp

}  // namespace causeway::cli
