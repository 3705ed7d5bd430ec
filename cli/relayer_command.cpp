// `causeway relayer --config FILE`: the relayer daemon (relayer/relayer_daemon.hpp).
#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>

#include "cli/command.hpp"
#include "cli/commands/keys.hpp"
#include "cli/options.hpp"
#include "relayer/relayer_daemon.hpp"

namespace causeway::cli {
namespace {

std::atomic<bool> stop_requested{false};
void on_signal(int) {
    stop_requested = true;
}

}  // namespace

void add_relayer_command(CLI::App& app, Command& selected) {
    auto config_file = std::make_shared<std::string>();
    CLI::App* cmd = app.add_subcommand(
        "relayer",
        "Run a relayer: carry each routed message to its destination with the committee's signatures");
    cmd->add_option("--config", *config_file,
                    "the relayer's YAML file (the devnet writes config/relayer.yaml)")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->footer(
        "The key comes from the file's key_file or $CAUSEWAY_PRIVATE_KEY; the database from the file or "
        "$CAUSEWAY_DB_URL; the admin token from $CAUSEWAY_ADMIN_TOKEN or the file's admin_token_file. "
        "Replicas may "
        "share one database. Stops on SIGTERM or SIGINT.");
    cmd->callback([config_file, &selected] {
        selected = [config_file] {
            relayer::RelayerConfig config;
            try {
                config = relayer::load_relayer_config(*config_file);
            } catch (const relayer::ConfigError& e) {
                throw CommandError(e.what());
            }
            const auto key = load_private_key(config.key_file, std::cerr);
            const auto logger = log::Logger::to_stderr("relayer", config.log);
            std::signal(SIGTERM, on_signal);
            std::signal(SIGINT, on_signal);
            return guarded([&] { return relayer::run_relayer(config, key.key, logger, stop_requested); },
                           "")();
        };
    });
}

}  // namespace causeway::cli
