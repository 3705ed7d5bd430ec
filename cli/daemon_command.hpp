// What `causeway validator` and `causeway relayer` share: the --config option, the file read and
// validated (a ConfigError is the command's error), the key from the file's key_file or
// $CAUSEWAY_PRIVATE_KEY, a logger on standard error, and SIGTERM / SIGINT turned into a stop.
#pragma once

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "cli/command.hpp"
#include "cli/commands/keys.hpp"
#include "cli/options.hpp"
#include "logging/log.hpp"
#include "relayer/config.hpp"

namespace causeway::cli {

namespace detail {
inline std::atomic<bool> daemon_stop_requested{false};
inline void on_daemon_signal(int) {
    daemon_stop_requested = true;
}
}  // namespace detail

// `load(path)` reads the daemon's config; `run(config, key, logger, stop)` runs it.
template <typename Load, typename Run>
void add_daemon_command(CLI::App& app, Command& selected, const std::string& name, const std::string& help,
                        const std::string& file_help, const std::string& footer, Load load, Run run) {
    auto config_file = std::make_shared<std::string>();
    CLI::App* cmd = app.add_subcommand(name, help);
    cmd->add_option("--config", *config_file, file_help)->required()->check(CLI::ExistingFile);
    cmd->footer(footer);
    cmd->callback([config_file, &selected, name, load, run] {
        selected = [config_file, name, load, run] {
            decltype(load(std::filesystem::path{})) config;
            try {
                config = load(*config_file);
            } catch (const relayer::ConfigError& e) {
                throw CommandError(e.what());
            }
            const auto key = load_private_key(config.key_file, std::cerr);
            const auto logger = log::Logger::to_stderr(name, config.log);
            std::signal(SIGTERM, detail::on_daemon_signal);
            std::signal(SIGINT, detail::on_daemon_signal);
            return guarded([&] { return run(config, key.key, logger, detail::daemon_stop_requested); }, "")();
        };
    });
}

}  // namespace causeway::cli
