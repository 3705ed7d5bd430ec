// `causeway devnet`: everything on one machine, on loopback only. `up` starts a throwaway
// PostgreSQL cluster and three anvil chains (an L1, id 900, and two L2s, 901 and 902) in a folder
// of its own, deploys the contracts, and writes DIR/manifest.json (URLs, chain ids, PIDs, devnet
// keys) and configs for the daemons; `status` checks each part; `down` stops what `up` started, by
// PID. Devnet only: it uses anvil's public development keys.
#pragma once

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>

#include "core/secp256k1.hpp"

namespace causeway::devnet {

enum class Output : uint8_t { kText, kJson };

struct DevnetOptions {
    std::filesystem::path dir = ".devnet";
    Output output = Output::kText;
    // `up`: once deployed, each chain mines a block this often, so that time passes and latency
    // means what it means on a real chain; 0 keeps anvil's block per transaction.
    uint32_t block_time_s = 1;
    // `up`: relayer replicas to start (sharing the database and the signer).
    uint32_t relayers = 2;
};

// What `down` does with DIR once everything has stopped.
enum class Folder : uint8_t { kRemove, kKeep };

// Each prints its result on `out` and returns the exit code; a failure throws std::runtime_error
// with one line saying what went wrong (`up` first stops whatever it had started).
int devnet_up(const DevnetOptions& options, std::ostream& out);
// 0 when every part is healthy, 1 otherwise (the report says which part fails); throws when DIR
// holds no devnet.
int devnet_status(const DevnetOptions& options, std::ostream& out);
// Stops one part (postgres, validator-N, relayer-N) and starts it again with its own settings,
// keeping the manifest right: the fault drills of the end-to-end tests, or an operator's.
enum class RestartSignal : uint8_t { kTerm, kKill };
int devnet_restart(const DevnetOptions& options, const std::string& part, RestartSignal how,
                   std::ostream& out);
// 0 when everything stopped and its ports are free (also when nothing was up).
int devnet_down(const DevnetOptions& options, Folder folder, std::ostream& out);

// Moves `amount` whole tokens of the devnet trader's margin from one L2 to the other through the
// vaults (CollateralVault.moveMargin), then shows where the message stands on both chains.
struct MoveMarginOptions {
    uint32_t from = 901;
    uint32_t to = 902;
    uint64_t amount = 100;
    uint32_t count = 1;   // moves, sent back to back
    uint32_t wait_s = 0;  // wait this long for delivery on the destination (0: do not wait)
};
// `trader` signs (the CLI loads it from the trader's key file, see role_key_file).
int devnet_move_margin(const DevnetOptions& options, const MoveMarginOptions& move, const PrivateKey& trader,
                       std::ostream& out);

// The chains of a devnet, in manifest order. `family` is the chain family the daemons' configs
// name: how an L2 anchors its state on the L1, hence which light client proves its messages.
struct DevnetChain {
    const char* name;
    uint64_t chain_id;
    const char* role;
    const char* family;
};
inline constexpr DevnetChain kDevnetChains[] = {
    {"l1", 900, "L1", "l1"},
    // Output roots posted to an L2OutputOracle, final after a challenge window.
    {"l2a", 901, "L2 (OP Stack style)", "opstack"},
    // State roots finalized by batch in a ScrollChain-like contract, final once written.
    {"l2b", 902, "L2 (ZK rollup style)", "zk"},
};

}  // namespace causeway::devnet
