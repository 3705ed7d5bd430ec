// The subcommands of the `causeway` executable. Each one registers itself on the CLI11 app and,
// when chosen, leaves the function main runs. Failures inside a command are CommandErrors: main
// prints them on one line and exits non-zero.
#pragma once

#include <functional>
#include <stdexcept>

namespace CLI {
class App;
}

namespace causeway::cli {

class CommandError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Set by the chosen subcommand while the command line is parsed; returns the exit code.
using Command = std::function<int()>;

void add_transfer_command(CLI::App& app, Command& selected);
void add_verify_command(CLI::App& app, Command& selected);
void add_db_command(CLI::App& app, Command& selected);        // admin.cpp
void add_routes_command(CLI::App& app, Command& selected);    // admin.cpp
void add_messages_command(CLI::App& app, Command& selected);  // admin.cpp
void add_bench_command(CLI::App& app, Command& selected);     // bench_queue.cpp
void add_devnet_command(CLI::App& app, Command& selected);    // devnet_command.cpp

}  // namespace causeway::cli
