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
