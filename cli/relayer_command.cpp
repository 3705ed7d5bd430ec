// `causeway relayer --config FILE`: the relayer daemon (relayer/relayer_daemon.hpp).
#include "cli/daemon_command.hpp"
#include "relayer/relayer_daemon.hpp"

namespace causeway::cli {

void add_relayer_command(CLI::App& app, Command& selected) {
    add_daemon_command(
        app, selected, "relayer",
        "Run a relayer: carry each routed message to its destination with the committee's signatures",
        "the relayer's YAML file (the devnet writes config/relayer-N.yaml)",
        "The key comes from the file's key_file or $CAUSEWAY_PRIVATE_KEY; the database from the file or "
        "$CAUSEWAY_DB_URL; the admin token from $CAUSEWAY_ADMIN_TOKEN or the file's admin_token_file. "
        "Replicas "
        "may share one database. Stops on SIGTERM or SIGINT.",
        [](const std::filesystem::path& file) { return relayer::load_relayer_config(file); },
        [](const auto&... args) { return relayer::run_relayer(args...); });
}

}  // namespace causeway::cli
