// `causeway validator --config FILE`: the validator daemon (relayer/validator_daemon.hpp).
#include "cli/daemon_command.hpp"
#include "relayer/validator_daemon.hpp"

namespace causeway::cli {

void add_validator_command(CLI::App& app, Command& selected) {
    add_daemon_command(
        app, selected, "validator",
        "Run a validator: verify each origin message with its light client, sign and serve checkpoints",
        "the validator's YAML file (the devnet writes config/validator-N.yaml)",
        "The key comes from the file's key_file or $CAUSEWAY_PRIVATE_KEY; the database from the file or "
        "$CAUSEWAY_DB_URL. Stops on SIGTERM or SIGINT.",
        [](const std::filesystem::path& file) { return relayer::load_validator_config(file); },
        [](const auto&... args) { return relayer::run_validator(args...); });
}

}  // namespace causeway::cli
