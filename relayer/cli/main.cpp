// causeway: one executable, one subcommand per role (transfer today; relayer, validator, router,
// devnet, routes, messages, verify, db and bench slot in through commands.hpp).
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "relayer/cli/commands.hpp"

int main(int argc, char** argv) {
    CLI::App app{"causeway: cross-rollup bridge and messaging relayer", "causeway"};
    app.set_version_flag("--version", std::string("causeway ") + CAUSEWAY_VERSION);
    app.require_subcommand(1);

    causeway::cli::Command selected;
    causeway::cli::add_transfer_command(app, selected);
    causeway::cli::add_verify_command(app, selected);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version exit 0; every usage error exits 2, whatever CLI11's own code.
        const int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }
    try {
        return selected ? selected() : 2;
    } catch (const causeway::cli::CommandError& e) {
        std::cerr << "causeway " << app.get_subcommands().front()->get_name() << ": error: " << e.what()
                  << std::endl;
    } catch (const std::exception& e) {
        std::cerr << "causeway: unexpected error: " << e.what() << std::endl;
    }
    return 1;
}
