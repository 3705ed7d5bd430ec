// causeway: one executable, one subcommand group per role (transfer, verify, db, routes, messages,
// bench, devnet, validator and relayer today; the router slots in through command.hpp).
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>

#include "cli/command.hpp"

int main(int argc, char** argv) {
    CLI::App app{"causeway: cross-rollup bridge and messaging relayer", "causeway"};
    app.set_version_flag("--version", std::string("causeway ") + CAUSEWAY_VERSION);
    app.require_subcommand(1);

    causeway::cli::Command selected;
    causeway::cli::add_transfer_command(app, selected);
    causeway::cli::add_verify_command(app, selected);
    causeway::cli::add_db_command(app, selected);
    causeway::cli::add_routes_command(app, selected);
    causeway::cli::add_messages_command(app, selected);
    causeway::cli::add_bench_command(app, selected);
    causeway::cli::add_devnet_command(app, selected);
    causeway::cli::add_validator_command(app, selected);
    causeway::cli::add_relayer_command(app, selected);

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
        // The whole command path: "causeway routes pause: error: ...".
        std::string command = "causeway";
        for (CLI::App* sub = &app; !sub->get_subcommands().empty();) {
            sub = sub->get_subcommands().front();
            command += " " + sub->get_name();
        }
        std::cerr << command << ": error: " << e.what() << std::endl;
    } catch (const std::exception& e) {
        std::cerr << "causeway: unexpected error: " << e.what() << std::endl;
    }
    return 1;
}
