// The devnet proposer: every few seconds, for each L2 of the devnet, its newest block is anchored on
// the L1 with the proposer key. An OP Stack style L2 gets the block's output root in OP Stack's
// format (version 0: keccak256(0 | stateRoot | L2ToL1MessagePasser storage root | blockHash)) posted
// to its DevnetOutputOracle; a ZK style L2 gets the next batch, ending at that block, finalized with
// the block's state root in its DevnetZkRollup (the devnet has no prover: the key stands for one).
#pragma once

#include <chrono>
#include <filesystem>

#include "core/secp256k1.hpp"
#include "logging/log.hpp"

namespace causeway::devnet {

struct ProposerOptions {
    std::filesystem::path dir = ".devnet";  // reads DIR/manifest.json
    std::chrono::milliseconds interval{2000};
    int rounds = 0;  // 0: until stopped
};

// Runs until SIGTERM/SIGINT (or `rounds`), logging one line per proposal and per failure on `log`.
// Returns the exit code: 0 when stopped, 1 when it cannot start (no devnet, no L1). `key` is the
// proposer's (the CLI loads it from the proposer's key file, see role_key_file).
int run_proposer(const ProposerOptions& options, const PrivateKey& key, const log::Logger& log);

}  // namespace causeway::devnet
