// The daemons' configuration: a YAML file (the devnet writes one per daemon), validated once at
// start into plain structs. A problem is a ConfigError naming the file and the key ("validator.yaml:
// chains[1].rpc[0]: not an http:// URL: ..."); unknown keys are errors too, so that a typo does not
// pass for a default. Some settings come from the environment instead, over the file:
// $CAUSEWAY_DB_URL (database), $CAUSEWAY_LOG_FORMAT and $CAUSEWAY_LOG_LEVEL. Keys are never in the
// file: it names a key file (or $CAUSEWAY_PRIVATE_KEY holds the key).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "chain/trusted_head.hpp"
#include "core/bytes.hpp"
#include "logging/log.hpp"

namespace causeway::relayer {

class ConfigError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

enum class ChainFamily : uint8_t { kL1, kOpStack, kZk };

// OP Mainnet's L2OutputOracle FINALIZATION_PERIOD_SECONDS: 7 days.
inline constexpr uint64_t kOpStackFinalizationPeriodSeconds = 7 * 24 * 3600;
[[nodiscard]] std::string_view to_string(ChainFamily family) noexcept;

// The contracts of an L2 origin or destination (`contracts:` in the file).
struct ContractSettings {
    Address mailbox;
    Hash merkle_tree_hook;                 // default: the Mailbox (causeway's Mailbox keeps the tree)
    uint64_t mailbox_dispatched_slot = 3;  // `mapping(bytes32 => bool) dispatched`
    std::optional<Address> multisig_ism;
    std::optional<Address> routing_ism;
    std::optional<Address> token;
    std::optional<Address> vault;  // its messages weigh on route limits
};

struct ChainSettings {
    std::string name;
    uint64_t chain_id = 0;
    uint32_t domain = 0;
    ChainFamily family = ChainFamily::kL1;
    std::vector<std::string> rpc;   // one or more http:// endpoints
    std::optional<std::string> ws;  // ws:// for new heads; polling without
    uint64_t confirmations = 1;
    std::chrono::milliseconds poll_interval{1'000};
    uint64_t start_block = 0;
    std::optional<ContractSettings> contracts;  // L2s
    // OP Stack: the output oracle on the L1 and its challenge window, OP Mainnet's 7 days unless
    // given. 0 (final when proposed) is refused unless `unsafe_no_challenge_window: true`.
    std::optional<Address> output_oracle;
    uint64_t finalization_period_seconds = kOpStackFinalizationPeriodSeconds;
    // ZK: the rollup's contract on the L1 and the slot of its `finalizedStateRoots` mapping
    // (ScrollChain's by default).
    std::optional<Address> zk_rollup;
    uint64_t finalized_state_roots_slot = 158;
};

// Where trusted L1 heads come from (`trust:`).
struct TrustSettings {
    std::size_t quorum = 1;  // L1 endpoints that must agree on the tagged block
    chain::BlockTag tag = chain::BlockTag::kFinalized;
    std::optional<chain::TrustedHead> checkpoint;  // an operator's pinned block
    std::chrono::milliseconds refresh{2'000};
};

struct ValidatorConfig {
    std::filesystem::path file;                     // where it was read from, for messages
    std::optional<std::filesystem::path> key_file;  // else $CAUSEWAY_PRIVATE_KEY
    std::string database_url;
    std::string schema = "causeway_validator";
    std::string listen_host = "127.0.0.1";
    uint16_t listen_port = 0;
    log::Settings log;
    TrustSettings trust;
    std::vector<ChainSettings> chains;

    [[nodiscard]] const ChainSettings& l1() const;  // the one chain of family l1
};

// Reads and validates `file`. Throws ConfigError.
[[nodiscard]] ValidatorConfig load_validator_config(const std::filesystem::path& file);

// A validator of a committee route, as the relayer reaches it.
struct RouteValidator {
    Address address;
    std::string url;  // its checkpoint API
};

// A route the relayer serves (`routes:`).
struct RouteSettings {
    uint32_t origin = 0;
    uint32_t destination = 0;
    std::string security_mode = "committee";
    std::size_t threshold = 0;
    std::vector<RouteValidator> validators;  // in the destination module's set order
    // The (sender, recipient) pairs relayed, as addresses; default: the origin's vault to the
    // destination's vault when both chains name one.
    std::vector<std::pair<Address, Address>> pairs;
};

// The relayer's own knobs (`relay:`).
struct RelaySettings {
    int batch_size = 100;
    int prepare_batch = 500;
    std::chrono::milliseconds signature_timeout{2'000};
    std::chrono::milliseconds replace_after{30'000};
    uint32_t fee_bump_percent = 25;
    uint64_t max_fee_per_gas_gwei = 500;
    std::chrono::milliseconds lease{30'000};
};

struct RelayerConfig {
    std::filesystem::path file;
    std::optional<std::filesystem::path> key_file;  // else $CAUSEWAY_PRIVATE_KEY
    std::string database_url;
    std::string schema = "causeway";
    std::string replica;  // lease owner and log name; default relayer-<host>-<pid>
    std::string listen_host = "127.0.0.1";
    uint16_t listen_port = 0;  // the admin API
    // The admin API's bearer token: $CAUSEWAY_ADMIN_TOKEN, else this file; without either, every
    // mutating call is refused (503).
    std::optional<std::filesystem::path> admin_token_file;
    log::Settings log;
    RelaySettings relay;
    std::vector<ChainSettings> chains;
    std::vector<RouteSettings> routes;

    [[nodiscard]] const ChainSettings* chain_by_domain(uint32_t domain) const;
};

[[nodiscard]] RelayerConfig load_relayer_config(const std::filesystem::path& file);

}  // namespace causeway::relayer
