// `causeway validator --config FILE`: the validator daemon (relayer/validator_daemon.hpp).
#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>

#include "cli/command.hpp"
#include "cli/commands/keys.hpp"
#include "cli/options.hpp"
#include "relayer/validator_daemon.hpp"

namespace causeway::cli {
namespace {

std::atomic<bool> stop_requested{false};
void on_signal(int) {
    stop_requested = true;
}

}  // namespace

void add_validator_command(CLI::App& app, Command& selected) {
    auto config_file = std::make_shared<std::string>();
    CLI::App* cmd = app.add_subcommand(
        "validator",
        "Run a validator: verify each origin message with its light client, sign and serve checkpoints");
    cmd->add_option("--config", *config_file,
                    "the validator's YAML file (the devnet writes config/validator-N.yaml)")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->footer(
        "The key comes from the file's key_file or $CAUSEWAY_PRIVATE_KEY; the database from the file or "
        "$CAUSEWAY_DB_URL. Stops on SIGTERM or SIGINT.");
    cmd->callback([config_file, &selected] {
        selected = [config_file] {
            relayer::ValidatorConfig config;
            try {
                config = relayer::load_validator_config(*config_file);
            } catch (const relayer::ConfigError& e) {
                throw CommandError(e.what());
            }
            const auto key = load_private_key(config.key_file, std::cerr);
            const auto logger = log::Logger::to_stderr("validator", config.log);
            std::signal(SIGTERM, on_signal);
            std::signal(SIGINT, on_signal);
            return guarded([&] { return relayer::run_validator(config, key.key, logger, stop_requested); },
                           "")();
        };
    });
}

}  // namespace causeway::cli
