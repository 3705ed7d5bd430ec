// `causeway devnet up | status | down | move-margin | proposer`: the local devnet (devnet/).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cli/command.hpp"
#include "cli/commands/keys.hpp"
#include "cli/options.hpp"
#include "devnet/devnet.hpp"
#include "devnet/manifest.hpp"
#include "devnet/proposer.hpp"

namespace causeway::cli {
namespace {

// A devnet role's key, loaded like any signer's: from a key file only its owner can read.
PrivateKey devnet_key(const std::filesystem::path& dir, std::string_view role) {
    std::filesystem::path file;
    try {
        file = devnet::role_key_file(dir, role);
    } catch (const std::runtime_error& e) {
        throw CommandError(e.what());
    }
    return load_private_key(file, std::cerr).key;
}

// The devnet's failures are one-line errors of the command, as they are.
template <typename F>
Command reported(F body) {
    return guarded(std::move(body), "");
}

struct Args {
    std::filesystem::path dir = ".devnet";
    bool json = false;
    bool keep = false;
    uint32_t block_time_s = 1;
    uint32_t relayers = 2;

    [[nodiscard]] devnet::DevnetOptions options() const {
        return {dir, json ? devnet::Output::kJson : devnet::Output::kText, block_time_s, relayers};
    }
};

}  // namespace

void add_devnet_command(CLI::App& app, Command& selected) {
    auto* devnet = app.add_subcommand(
        "devnet",
        "The local devnet: PostgreSQL and three anvil chains (L1 900, L2s 901 and 902) on loopback");
    devnet->require_subcommand(1);
    auto o = std::make_shared<Args>();
    const auto common = [&](CLI::App* cmd) {
        cmd->add_option("--dir", o->dir, "the devnet's folder")->capture_default_str();
        cmd->add_flag("--json", o->json, "JSON on stdout");
    };
    auto* up =
        devnet->add_subcommand("up", "Start the devnet; writes DIR/manifest.json and DIR/config/*.yaml");
    common(up);
    up->add_option("--block-time", o->block_time_s,
                   "seconds between blocks once deployed (0: a block per transaction, for tests)")
        ->capture_default_str()
        ->check(CLI::Range(0u, 60u));
    up->add_option("--relayers", o->relayers, "relayer replicas to start (0: none)")
        ->capture_default_str()
        ->check(CLI::Range(0u, 8u));
    up->callback(
        [&selected, o] { selected = reported([o] { return devnet::devnet_up(o->options(), std::cout); }); });
    auto restart_part = std::make_shared<std::string>();
    auto restart_kill = std::make_shared<bool>(false);
    auto* restart = devnet->add_subcommand(
        "restart", "Stop one part of the devnet and start it again (postgres, validator-N, relayer-N)");
    common(restart);
    restart->add_option("part", *restart_part, "postgres, validator-1..3 or relayer-1..N")->required();
    restart->add_flag("--kill", *restart_kill, "SIGKILL it (a crash) instead of stopping it cleanly");
    restart->callback([&selected, o, restart_part, restart_kill] {
        selected = reported([o, restart_part, restart_kill] {
            return devnet::devnet_restart(
                o->options(), *restart_part,
                *restart_kill ? devnet::RestartSignal::kKill : devnet::RestartSignal::kTerm, std::cout);
        });
    });
    auto* status = devnet->add_subcommand("status", "Check each part; exit 0 when all are healthy");
    common(status);
    status->callback([&selected, o] {
        selected = reported([o] { return devnet::devnet_status(o->options(), std::cout); });
    });
    auto* down = devnet->add_subcommand("down", "Stop everything `up` started, by PID, and remove DIR");
    common(down);
    down->add_flag("--keep", o->keep, "keep DIR (logs, data)");
    down->callback([&selected, o] {
        selected = reported([o] {
            return devnet::devnet_down(o->options(),
                                       o->keep ? devnet::Folder::kKeep : devnet::Folder::kRemove, std::cout);
        });
    });
    auto m = std::make_shared<devnet::MoveMarginOptions>();
    auto* move = devnet->add_subcommand(
        "move-margin", "Move the devnet trader's margin from one L2 to the other through the vaults");
    common(move);
    move->add_option("--from", m->from, "origin L2")
        ->capture_default_str()
        ->check(CLI::IsMember({901u, 902u}));
    move->add_option("--to", m->to, "destination L2")
        ->capture_default_str()
        ->check(CLI::IsMember({901u, 902u}));
    move->add_option("--amount", m->amount, "whole tokens")
        ->capture_default_str()
        ->check(CLI::Range(1u, 10'000u));
    move->add_option("--count", m->count, "moves of --amount each, sent back to back")
        ->capture_default_str()
        ->check(CLI::Range(1u, 100'000u));
    move->add_option("--wait", m->wait_s,
                     "seconds to wait for delivery on the destination (with one move: print its path, each "
                     "step timed); "
                     "exit 1 when not all are delivered by then")
        ->capture_default_str()
        ->check(CLI::Range(0u, 3'600u));
    move->callback([&selected, o, m] {
        selected = reported([o, m] {
            return devnet::devnet_move_margin(o->options(), *m, devnet_key(o->dir, "trader"), std::cout);
        });
    });
    auto p = std::make_shared<devnet::ProposerOptions>();
    auto log_args = std::make_shared<LogArgs>();
    auto* proposer = devnet->add_subcommand(
        "proposer", "Post each L2's output root to its oracle on the L1 every few seconds (`up` starts it)");
    proposer->add_option("--dir", p->dir, "the devnet's folder")->capture_default_str();
    proposer->add_option("--rounds", p->rounds, "stop after this many rounds (0: run until stopped)");
    add_log_options(proposer, *log_args);
    proposer->callback([&selected, p, log_args] {
        const log::Settings settings = resolve_log(*log_args);
        selected = reported([p, settings] {
            const auto logger = log::Logger::to_stderr("proposer", settings);
            return devnet::run_proposer(*p, devnet_key(p->dir, "proposer"), logger);
        });
    });
}

}  // namespace causeway::cli
