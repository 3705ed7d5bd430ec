// `causeway transfer`: native currency sent with causeway's own signer (cli/commands/transfer.hpp).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/command.hpp"
#include "cli/commands/keys.hpp"
#include "cli/commands/transfer.hpp"
#include "core/hex.hpp"

namespace causeway::cli {

void add_transfer_command(CLI::App& app, Command& selected) {
    struct Args {
        std::string rpc;
        std::string key_file;
        std::string to;
        std::string value;
        std::optional<uint64_t> chain_id;
        uint64_t confirmations = 1;
        uint64_t timeout_s = 120;
        std::string priority_fee;
    };
    auto args = std::make_shared<Args>();
    CLI::App* cmd = app.add_subcommand(
        "transfer",
        "Send native currency with an EIP-1559 transaction and verify the including block's header");
    cmd->add_option("--rpc", args->rpc, "JSON-RPC endpoint, http://host:port[/path]")->required();
    cmd->add_option("--key-file", args->key_file,
                    "file holding the sender's hex private key, mode 0600 (default: $CAUSEWAY_PRIVATE_KEY)");
    cmd->add_option("--to", args->to, "recipient address")->required();
    cmd->add_option("--value", args->value, "amount: wei, or with a unit (1ether, 2.5gwei)")->required();
    cmd->add_option("--chain-id", args->chain_id, "expected chain id; refuse to send on any other chain");
    cmd->add_option("--confirmations", args->confirmations,
                    "blocks to wait for, counting the including block")
        ->capture_default_str()
        ->check(CLI::Range(uint64_t{1}, uint64_t{10'000}));
    cmd->add_option("--timeout", args->timeout_s, "seconds to wait for the receipt and confirmations")
        ->capture_default_str()
        ->check(CLI::Range(uint64_t{1}, uint64_t{86'400}));
    cmd->add_option("--priority-fee", args->priority_fee,
                    "priority fee per gas (default: from eth_feeHistory)");
    cmd->callback([args, &selected] {
        selected = [args] {
            TransferOptions options;
            options.rpc = args->rpc;
            const auto to = address_from_hex(args->to);
            if (!to) throw CommandError("--to " + args->to + ": " + to.error().message());
            options.to = *to;
            options.value = parse_amount(args->value);
            options.chain_id = args->chain_id;
            options.confirmations = args->confirmations;
            options.receipt_timeout = std::chrono::seconds(args->timeout_s);
            if (!args->priority_fee.empty()) options.priority_fee = parse_amount(args->priority_fee);
            std::optional<std::filesystem::path> key_file;
            if (!args->key_file.empty()) key_file = args->key_file;
            const LoadedKey key = load_private_key(key_file, std::cerr);
            run_transfer(options, key.key, key.source, std::cout);
            return 0;
        };
    });
}

}  // namespace causeway::cli
