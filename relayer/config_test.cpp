// The daemons' configuration: a full validator file, the shape the devnet writes, environment
// overrides, and errors that name the file and the key.
#include "relayer/config.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>

#include "core/hex.hpp"
#include "tests/support/temp_dir.hpp"

using namespace causeway;
using relayer::ConfigError;
using relayer::load_validator_config;

namespace {

const std::string kMailbox = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const std::string kOracle = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";

const std::string kFull = R"(# a validator
key_file: "/keys/validator-1.key"
database: "postgresql://causeway@127.0.0.1:5432/causeway"
schema: validator_1
listen: "127.0.0.1:9101"
log: {format: json, level: debug}
trust:
  quorum: 2
  tag: safe
  checkpoint: {number: 100, hash: "0x1111111111111111111111111111111111111111111111111111111111111111"}
chains:
  - name: l1
    chain_id: 900
    family: l1
    rpc: ["http://127.0.0.1:8545", "http://127.0.0.1:8546"]
    ws: "ws://127.0.0.1:8545"
  - name: l2a
    chain_id: 901
    domain: 901
    family: opstack
    rpc: "http://127.0.0.1:9545"
    confirmations: 3
    poll_interval_ms: 250
    start_block: 7
    output_oracle: ")" + kOracle +
                          R"("
    finalization_period_seconds: 12
    contracts:
      mailbox: ")" + kMailbox +
                          R"("
      mailbox_dispatched_slot: 3
      vault: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"
)";

// Environment variables a case sets, unset again when it ends.
struct Env {
    explicit Env(std::vector<std::pair<const char*, const char*>> vars) : names() {
        for (const auto& [name, value] : vars) {
            ::setenv(name, value, 1);
            names.push_back(name);
        }
    }
    ~Env() {
        for (const auto* n : names) ::unsetenv(n);
    }
    std::vector<const char*> names;
};

std::string error_of(const std::filesystem::path& file) {
    try {
        (void)load_validator_config(file);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("a validator's config: every setting read, defaults for the rest", "[relayer][config]") {
    ::unsetenv("CAUSEWAY_DB_URL");
    ::unsetenv("CAUSEWAY_LOG_FORMAT");
    ::unsetenv("CAUSEWAY_LOG_LEVEL");
    test::TempDir dir("causeway-config");
    const auto c = load_validator_config(dir.write("validator.yaml", kFull));
    CHECK(c.key_file == std::filesystem::path("/keys/validator-1.key"));
    CHECK(c.database_url == "postgresql://causeway@127.0.0.1:5432/causeway");
    CHECK(c.schema == "validator_1");
    CHECK(c.listen_host == "127.0.0.1");
    CHECK(c.listen_port == 9101);
    CHECK(c.log.format == log::Format::kJson);
    CHECK(c.log.level == log::Level::kDebug);
    CHECK(c.trust.quorum == 2);
    CHECK(c.trust.tag == chain::BlockTag::kSafe);
    REQUIRE(c.trust.checkpoint);
    CHECK(c.trust.checkpoint->number == 100);
    REQUIRE(c.chains.size() == 2);
    CHECK(c.l1().name == "l1");
    CHECK(c.l1().rpc.size() == 2);
    CHECK(c.l1().ws == "ws://127.0.0.1:8545");
    CHECK(c.l1().domain == 900);  // the chain id unless given
    const auto& l2 = c.chains[1];
    CHECK(l2.family == relayer::ChainFamily::kOpStack);
    CHECK(l2.confirmations == 3);
    CHECK(l2.poll_interval == std::chrono::milliseconds(250));
    CHECK(l2.start_block == 7);
    CHECK(l2.output_oracle == address_from_hex(kOracle).value());
    CHECK(l2.finalization_period_seconds == 12);
    REQUIRE(l2.contracts);
    CHECK(l2.contracts->mailbox == address_from_hex(kMailbox).value());
    CHECK(l2.contracts->merkle_tree_hook == Hash::left_padded(l2.contracts->mailbox.view()));
    CHECK(l2.contracts->vault);

    // The environment wins over the file.
    Env over({{"CAUSEWAY_DB_URL", "postgresql://other@10.0.0.1/db"}, {"CAUSEWAY_LOG_LEVEL", "warn"}});
    const auto again = load_validator_config(dir.write("validator.yaml", kFull));
    CHECK(again.database_url == "postgresql://other@10.0.0.1/db");
    CHECK(again.log.level == log::Level::kWarn);
    CHECK(again.log.format == log::Format::kJson);
}

TEST_CASE("a validator's config: each problem named with its file and key", "[relayer][config]") {
    ::unsetenv("CAUSEWAY_DB_URL");
    test::TempDir dir("causeway-config");
    const auto with = [&](const std::string& from, const std::string& to) {
        std::string text = kFull;
        const auto at = text.find(from);
        REQUIRE(at != std::string::npos);
        text.replace(at, from.size(), to);
        return dir.write("validator.yaml", text);
    };
    const std::string file = (dir.path() / "validator.yaml").string();
    CHECK(error_of(with("chain_id: 901", "chain_idd: 901")) == file + ": chains[1].chain_idd: unknown key");
    CHECK(error_of(with("chain_id: 901", "chain_id: nine")) ==
          file + ": chains[1].chain_id: not a whole number up to 18446744073709551615: nine");
    CHECK(error_of(with("\"http://127.0.0.1:9545\"", "\"127.0.0.1:9545\"")) ==
          file + ": chains[1].rpc: URL must start with http://: 127.0.0.1:9545");
    CHECK(error_of(with("\"ws://127.0.0.1:8545\"", "\"http://127.0.0.1:8545\"")) ==
          file + ": chains[0].ws: URL must start with ws://: http://127.0.0.1:8545");
    CHECK(error_of(with("mailbox: \"" + kMailbox + "\"", "mailbox: \"0x1234\"")) ==
          file + ": chains[1].contracts.mailbox: not an address (0x and 40 hex digits): 0x1234");
    CHECK(error_of(with("family: opstack", "family: plasma")) ==
          file + ": chains[1].family: not a chain family (l1, opstack or zk): plasma");
    CHECK(error_of(with("family: opstack", "family: l1")) ==
          file + ": chains: exactly one chain of family l1 is needed, found 2");
    // A challenge window of 0 trusts the proposer alone: refused unless a devnet says so by name;
    // without the key, OP Mainnet's 7 days.
    CHECK(
        error_of(with("finalization_period_seconds: 12", "finalization_period_seconds: 0")) ==
        file +
            ": chains[1].finalization_period_seconds: 0 trusts the proposer alone (no challenge window); set "
            "unsafe_no_challenge_window: true to allow it on a devnet");
    CHECK(load_validator_config(with("finalization_period_seconds: 12",
                                     "finalization_period_seconds: 0\n    unsafe_no_challenge_window: true"))
              .chains[1]
              .finalization_period_seconds == 0);
    CHECK(error_of(with("finalization_period_seconds: 12",
                        "finalization_period_seconds: 0\n    unsafe_no_challenge_window: yes")) ==
          file + ": chains[1].unsafe_no_challenge_window: not true or false: yes");
    CHECK(load_validator_config(with("    finalization_period_seconds: 12\n", ""))
              .chains[1]
              .finalization_period_seconds == 7 * 24 * 3600);
    CHECK(error_of(with("family: opstack", "family: zk")) ==
          file + ": chains[1].zk_rollup: missing (a zk chain's L1 rollup contract)");
    {
        // A ZK chain: its rollup contract, and ScrollChain's finalizedStateRoots slot unless given.
        const auto zk =
            load_validator_config(with("family: opstack", "family: zk\n    zk_rollup: \"" + kOracle + "\""));
        CHECK(zk.chains[1].family == relayer::ChainFamily::kZk);
        CHECK(zk.chains[1].zk_rollup == address_from_hex(kOracle).value());
        CHECK(zk.chains[1].finalized_state_roots_slot == 158);
        const auto slot =
            load_validator_config(with("family: opstack", "family: zk\n    zk_rollup: \"" + kOracle +
                                                              "\"\n    finalized_state_roots_slot: 7"));
        CHECK(slot.chains[1].finalized_state_roots_slot == 7);
    }
    CHECK(error_of(with("quorum: 2", "quorum: 3")) ==
          file + ": trust.quorum: is 3 but the L1 has only 2 endpoint(s)");
    CHECK(error_of(with("level: debug", "level: loud")) ==
          file + ": log: not a log level (debug, info, warn or error): loud");
    CHECK(error_of(with("database: \"postgresql://causeway@127.0.0.1:5432/causeway\"\n", "")) ==
          file + ": database: missing (or set $CAUSEWAY_DB_URL)");
    CHECK(error_of(with("    output_oracle: \"" + kOracle + "\"\n", "")) ==
          file + ": chains[1].output_oracle: missing (an opstack chain's L1 anchor)");
    CHECK(error_of(with("listen: \"127.0.0.1:9101\"", "listen: \"127.0.0.1:99999\"")) ==
          file + ": listen (port): not a whole number up to 65535: 99999");
    CHECK(error_of(dir.path() / "missing.yaml") ==
          (dir.path() / "missing.yaml").string() + ": cannot read the file");
    CHECK(error_of(dir.write("bad.yaml", "chains: ["))
              .starts_with((dir.path() / "bad.yaml").string() + ": not YAML"));
}

namespace {

// The devnet's relayer file, with two L2s, their vaults and one committee route each way.
const std::string kRelayer = R"(# a relayer replica
replica: relayer-1
database: "postgresql://causeway@127.0.0.1:5432/causeway"
key_file: "/keys/relayer.key"
admin_token_file: "/config/admin-token"
listen: "127.0.0.1:9201"
relay: {batch_size: 50, replace_after_ms: 15000, lease_ms: 10000, max_fee_per_gas_gwei: 80}
chains:
  - name: l1
    chain_id: 900
    family: l1
    rpc: "http://127.0.0.1:8545"
  - name: l2a
    chain_id: 901
    family: opstack
    rpc: "http://127.0.0.1:9545"
    output_oracle: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"
    contracts: {mailbox: "0x5FbDB2315678afecb367f032d93F642f64180aa3", vault: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"}
  - name: l2b
    chain_id: 902
    family: opstack
    rpc: "http://127.0.0.1:9546"
    output_oracle: "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9"
    contracts: {mailbox: "0x5FbDB2315678afecb367f032d93F642f64180aa3", vault: "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9"}
routes:
  - origin: 901
    destination: 902
    security_mode: committee
    threshold: 2
    validators:
      - {address: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", url: "http://127.0.0.1:9101"}
      - {address: "0x90F79bf6EB2c4f870365E785982E1f101E93b906", url: "http://127.0.0.1:9102"}
      - {address: "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", url: "http://127.0.0.1:9103"}
  - origin: 902
    destination: 901
    threshold: 1
    validators:
      - {address: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", url: "http://127.0.0.1:9101"}
    pairs:
      - {sender: "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9", recipient: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"}
)";

std::string relayer_error_of(const std::filesystem::path& file) {
    try {
        (void)relayer::load_relayer_config(file);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("a relayer's config: routes, validators, pairs and relay settings read", "[relayer][config]") {
    ::unsetenv("CAUSEWAY_DB_URL");
    test::TempDir dir("causeway-config");
    const auto c = relayer::load_relayer_config(dir.write("relayer.yaml", kRelayer));
    CHECK(c.replica == "relayer-1");
    CHECK(c.listen_port == 9201);
    CHECK(c.admin_token_file == std::filesystem::path("/config/admin-token"));
    CHECK(c.relay.batch_size == 50);
    CHECK(c.relay.replace_after == std::chrono::milliseconds(15'000));
    CHECK(c.relay.lease == std::chrono::milliseconds(10'000));
    CHECK(c.relay.max_fee_per_gas_gwei == 80);
    CHECK(c.relay.signature_timeout == std::chrono::milliseconds(2'000));  // default
    REQUIRE(c.routes.size() == 2);
    CHECK(c.routes[0].threshold == 2);
    REQUIRE(c.routes[0].validators.size() == 3);
    CHECK(c.routes[0].validators[1].url == "http://127.0.0.1:9102");
    // Without `pairs`, the route relays the origin's vault to the destination's vault only.
    REQUIRE(c.routes[0].pairs.size() == 1);
    CHECK(to_checksum_hex(c.routes[0].pairs[0].first) == "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0");
    CHECK(to_checksum_hex(c.routes[0].pairs[0].second) == "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9");
    REQUIRE(c.routes[1].pairs.size() == 1);
    CHECK(c.chain_by_domain(902)->name == "l2b");
    CHECK(c.chain_by_domain(7) == nullptr);

    const Env env(
        std::vector<std::pair<const char*, const char*>>{{"CAUSEWAY_DB_URL", "postgresql://elsewhere/db"}});
    CHECK(relayer::load_relayer_config(dir.path() / "relayer.yaml").database_url ==
          "postgresql://elsewhere/db");
}

TEST_CASE("a relayer's config: each problem named with its file and key", "[relayer][config]") {
    ::unsetenv("CAUSEWAY_DB_URL");
    test::TempDir dir("causeway-config");
    const auto with = [&](const std::string& from, const std::string& to) {
        std::string text = kRelayer;
        const auto at = text.find(from);
        REQUIRE(at != std::string::npos);
        text.replace(at, from.size(), to);
        return dir.write("relayer.yaml", text);
    };
    const std::string file = (dir.path() / "relayer.yaml").string();
    CHECK(relayer_error_of(with("    threshold: 2", "    threshold: 4")) ==
          file + ": routes[0].threshold: not a whole number up to 3: 4");
    CHECK(relayer_error_of(with("    threshold: 2", "    threshold: 0")) ==
          file + ": routes[0].threshold: must be at least 1");
    CHECK(relayer_error_of(with("  - origin: 901", "  - origin: 903")) ==
          file + ": routes[0].origin: no L2 chain with this domain in chains");
    CHECK(relayer_error_of(with("security_mode: committee", "security_mode: optimistic")) ==
          file +
              ": routes[0].security_mode: the relayer serves committee routes (message-id multisig): "
              "optimistic");
    CHECK(relayer_error_of(with("url: \"http://127.0.0.1:9102\"", "url: \"127.0.0.1:9102\"")) ==
          file + ": routes[0].validators[1].url: URL must start with http://: 127.0.0.1:9102");
    CHECK(relayer_error_of(with(
              "{address: \"0x90F79bf6EB2c4f870365E785982E1f101E93b906\", url: \"http://127.0.0.1:9102\"}",
              "\"0x90F79bf6EB2c4f870365E785982E1f101E93b906\"")) ==
          file +
              ": routes[0].validators[1]: must be {address: 0x..., url: http://...} (the relayer fetches "
              "signatures)");
    CHECK(relayer_error_of(with("{sender: \"0xDc64", "{sendr: \"0xDc64")) ==
          file + ": routes[1].pairs[0].sendr: unknown key");
    CHECK(relayer_error_of(with("batch_size: 50", "batch_sise: 50")) ==
          file + ": relay.batch_sise: unknown key");
    CHECK(relayer_error_of(with("routes:\n", "routez:\n")) == file + ": routez: unknown key");
    // A key is never in the file: only a key file's path (or $CAUSEWAY_PRIVATE_KEY).
    CHECK(relayer_error_of(with("key_file: \"/keys/relayer.key\"", "private_key: \"0x59c6\"")) ==
          file + ": private_key: unknown key");
}
