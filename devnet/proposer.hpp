// The devnet proposer: every few seconds, for each L2 of the devnet, the output root of its newest
// block in OP Stack's format (version 0: keccak256(0 | stateRoot | L2ToL1MessagePasser storage root |
// blockHash)) is posted to that L2's DevnetOutputOracle on the L1, signed with the proposer key.
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
