// `causeway devnet`: everything on one machine, on loopback only (design §7). `up` starts a
// throwaway PostgreSQL cluster and three anvil chains (an L1, id 900, and two L2s, 901 and 902)
// in a folder of its own and writes DIR/manifest.json (URLs, chain ids, PIDs, devnet keys) and
// configs for the daemons; `status` checks each part; `down` stops what `up` started, by PID.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/secp256k1.hpp"

namespace causeway::devnet {

struct DevnetOptions {
    std::filesystem::path dir = ".devnet";
    bool json = false;
    bool keep = false;  // down: keep the folder (logs, data) instead of removing it
};

// Each returns the process exit code (0 ok, 1 failure with a message on stderr).
int devnet_up(const DevnetOptions& options);
int devnet_status(const DevnetOptions& options);
int devnet_down(const DevnetOptions& options);

// Moves `amount` whole tokens of the devnet trader's margin from one L2 to the other through the
// vaults (CollateralVault.moveMargin), then shows where the message stands on both chains.
struct MoveMarginOptions {
    uint32_t from = 901;
    uint32_t to = 902;
    uint64_t amount = 100;
};
// `trader` signs (the CLI loads it from the trader's key file, see role_key_file).
int devnet_move_margin(const DevnetOptions& options, const MoveMarginOptions& move, const PrivateKey& trader);

// The chains of a devnet, in manifest order.
struct DevnetChain {
    const char* name;
    uint64_t chain_id;
    const char* role;
};
inline constexpr DevnetChain kDevnetChains[] = {
    {"l1", 900, "L1"},
    {"l2a", 901, "L2 (OP Stack style)"},
    {"l2b", 902, "L2 (OP Stack style)"},
};

}  // namespace causeway::devnet
