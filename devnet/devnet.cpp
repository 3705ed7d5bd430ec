#include "devnet/devnet.hpp"

#include <signal.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "core/hex.hpp"
#include "core/secp256k1.hpp"
#include "db/migrate.hpp"
#include "db/routes.hpp"
#include "chain/json_rpc_client.hpp"
#include "devnet/manifest.hpp"
#include "devnet/processes.hpp"
#include "devnet/sender.hpp"

namespace causeway::devnet {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

class DevnetError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// anvil's default accounts (mnemonic "test test ... junk"): public development keys, funded with
// 10000 ETH on every anvil chain. Devnet only: never anywhere else.
struct Role {
    const char* name;
    const char* key;
};
constexpr Role kRoles[] = {
    {"deployer", "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"},
    {"relayer", "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"},
    {"validator-1", "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"},
    {"validator-2", "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6"},
    {"validator-3", "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a"},
    {"proposer", "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba"},
    {"liquidity-provider", "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e"},
    {"trader", "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356"},
};

fs::path anvil_binary() {
    if (const char* env = std::getenv("CAUSEWAY_ANVIL"); env != nullptr && *env != '\0') return env;
    const fs::path pinned = fs::path(CAUSEWAY_SOURCE_DIR) / "node_modules/.bin/anvil";
    if (fs::exists(pinned)) return pinned;
    return "anvil";
}

fs::path pg_bin() {
    if (const char* env = std::getenv("CAUSEWAY_PG_BIN"); env != nullptr && *env != '\0') return env;
    return "/usr/lib/postgresql/15/bin";
}

// PostgreSQL refuses to run as root: then it runs as the `postgres` user (exec'd in place, so
// the PID we keep is the server's own).
std::vector<std::string> as_server_user(std::vector<std::string> argv) {
    if (geteuid() != 0) return argv;
    std::vector<std::string> out = {"setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"};
    out.insert(out.end(), argv.begin(), argv.end());
    return out;
}

void write_file(const fs::path& path, const std::string& content,
                fs::perms perms = fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                  fs::perms::others_read) {
    const fs::path tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        if (!out) throw DevnetError("cannot write " + tmp.string());
        out << content;
    }
    fs::permissions(tmp, perms);
    fs::rename(tmp, path);
}

std::string seconds_since(Clock::time_point start) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", std::chrono::duration<double>(Clock::now() - start).count());
    return buf;
}

// Every PID a manifest names, with the signal that shuts it down cleanly.
std::vector<std::pair<pid_t, int>> manifest_pids(const json::object& m) {
    std::vector<std::pair<pid_t, int>> out;
    if (const auto* proposer = m.if_contains("proposer")) {
        out.emplace_back(static_cast<pid_t>(proposer->at("pid").to_number<int64_t>()), SIGTERM);
    }
    for (const auto& chain : m.at("chains").as_array()) {
        out.emplace_back(static_cast<pid_t>(chain.at("pid").to_number<int64_t>()), SIGTERM);
    }
    // SIGINT: PostgreSQL's fast shutdown.
    out.emplace_back(static_cast<pid_t>(m.at("postgres").at("pid").to_number<int64_t>()), SIGINT);
    return out;
}

void stop_all(const std::vector<std::pair<pid_t, int>>& pids) {
    for (const auto& [pid, sig] : pids) (void)stop(pid, sig, 20s);
}

struct Health {
    bool ok = false;
    std::string detail;
};

Health chain_health(const std::string& url, uint64_t expected_id) {
    auto client = chain::HttpJsonRpcClient::create(url, chain::HttpOptions{.timeout = 3s});
    if (!client) return {false, client.error()};
    const auto id = (*client)->chain_id();
    if (!id) return {false, id.error().to_string()};
    if (*id != expected_id)
        return {false, "chain id " + std::to_string(*id) + ", expected " + std::to_string(expected_id)};
    const auto block = (*client)->block_number();
    if (!block) return {false, block.error().to_string()};
    return {true, "chain " + std::to_string(*id) + ", block " + std::to_string(*block)};
}

Health postgres_health(const std::string& url) {
    try {
        auto conn = db::Connection::open({url, std::string(db::kDefaultSchema), "causeway-devnet"});
        return {true, "schema version " + std::to_string(db::schema_version(conn))};
    } catch (const std::exception& e) {
        return {false, e.what()};
    }
}

std::string yaml_quote(const std::string& s) {
    return "\"" + s + "\"";
}

// forge's artifacts (`make build` compiles the contracts there).
fs::path contracts_out() {
    if (const char* env = std::getenv("CAUSEWAY_CONTRACTS_OUT"); env != nullptr && *env != '\0') return env;
    return CAUSEWAY_CONTRACTS_OUT;
}

// OP's L2ToL1MessagePasser, compiled by Optimism (npm @eth-optimism/contracts-bedrock).
fs::path message_passer_artifact() {
    return fs::path(CAUSEWAY_SOURCE_DIR) /
           "node_modules/@eth-optimism/contracts-bedrock/forge-artifacts/L2ToL1MessagePasser.sol/"
           "L2ToL1MessagePasser.json";
}

constexpr std::string_view kMessagePasser = "0x4200000000000000000000000000000000000016";
// The devnet's challenge window: seconds from an output's proposal to its finality.
constexpr uint64_t kFinalizationSeconds = 12;

void write_manifest(const fs::path& dir, const json::object& manifest) {
    write_file(dir / "manifest.json", json::serialize(manifest) + "\n",
               fs::perms::owner_read | fs::perms::owner_write);
}

fs::path self_executable() {
    return fs::read_symlink("/proc/self/exe");
}

struct Deployed {
    Address mailbox, multisig_ism, routing_ism, token, vault;
};

abi::Value word(const Address& a) {
    return abi::Value(Bytes(Hash::left_padded(a.view()).view()));
}

// The contracts on one L2 (domain `domain`): Mailbox, message-id multisig ISM, routing ISM as the
// Mailbox's default, a test token and the collateral vault. The deployer owns them and is their
// guardian on the devnet.
Deployed deploy_l2(Sender& deployer, uint32_t domain, const fs::path& out) {
    const Address owner = deployer.address();
    Deployed d;
    d.mailbox = deployer.deploy(creation_code(out, "Mailbox.sol", "Mailbox"),
                                constructor_args("uint32,address,address",
                                                 {abi::Value(domain), abi::Value(owner), abi::Value(owner)}),
                                "Mailbox");
    d.multisig_ism = deployer.deploy(
        creation_code(out, "MessageIdMultisigIsm.sol", "MessageIdMultisigIsm"),
        constructor_args("address,address", {abi::Value(owner), abi::Value(owner)}), "MessageIdMultisigIsm");
    d.routing_ism =
        deployer.deploy(creation_code(out, "RoutingIsm.sol", "RoutingIsm"),
                        constructor_args("address,address,address",
                                         {abi::Value(d.mailbox), abi::Value(owner), abi::Value(owner)}),
                        "RoutingIsm");
    (void)deployer.send(d.mailbox, calldata("setDefaultIsm(address)", {abi::Value(d.routing_ism)}),
                        "setDefaultIsm");
    d.token = deployer.deploy(
        creation_code(out, "TestERC20.sol", "TestERC20"),
        constructor_args("string,string,uint8",
                         {abi::Value("Devnet USD"), abi::Value("dUSD"), abi::Value(uint8_t{18})}),
        "TestERC20");
    d.vault = deployer.deploy(
        creation_code(out, "CollateralVault.sol", "CollateralVault"),
        constructor_args("address,address,address,address",
                         {abi::Value(d.mailbox), abi::Value(d.token), abi::Value(owner), abi::Value(owner)}),
        "CollateralVault");
    return d;
}

// Tokens: 10^18 base units each.
u256 tokens(uint64_t n) {
    return u256(n) * u256(1'000'000'000'000'000'000ULL);
}

}  // namespace

int devnet_up(const DevnetOptions& o) {
    const auto start = Clock::now();
    std::vector<std::pair<pid_t, int>> started;
    try {
        if (auto existing = read_manifest(o.dir)) {
            for (const auto& [pid, sig] : manifest_pids(*existing)) {
                if (alive(pid)) {
                    throw DevnetError("a devnet is already up in " + o.dir.string() +
                                      " (see `causeway devnet status`; stop it with `causeway devnet down`)");
                }
            }
        }
        // A folder left by an earlier devnet that is no longer running starts afresh.
        fs::remove_all(o.dir);
        fs::create_directories(o.dir / "logs");
        fs::create_directories(o.dir / "keys");
        fs::create_directories(o.dir / "config");
        const fs::path dir = fs::absolute(o.dir);
        fs::permissions(dir / "keys", fs::perms::owner_all);

        // PostgreSQL: a cluster of its own in DIR/postgres.
        const fs::path pg_dir = dir / "postgres";
        fs::create_directories(pg_dir / "sock");
        if (geteuid() == 0) {
            const auto chown = run({"chown", "-R", "postgres:", pg_dir.string()});
            if (chown.exit_code != 0)
                throw DevnetError("cannot hand " + pg_dir.string() + " to postgres: " + chown.output);
        }
        if (geteuid() == 0 && run(as_server_user({"test", "-w", pg_dir.string()})).exit_code != 0) {
            throw DevnetError("PostgreSQL runs as the postgres user, which cannot reach " + pg_dir.string() +
                              ": let others traverse its parent folders (chmod o+x) or choose another --dir");
        }
        const auto initdb =
            run(as_server_user({(pg_bin() / "initdb").string(), "-D", (pg_dir / "data").string(), "-U",
                                "causeway", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"}));
        if (initdb.exit_code != 0) throw DevnetError("initdb failed:\n" + initdb.output);
        const int pg_port = free_loopback_port();
        const pid_t pg_pid = spawn_detached(
            as_server_user({(pg_bin() / "postgres").string(), "-D", (pg_dir / "data").string(), "-p",
                            std::to_string(pg_port), "-k", (pg_dir / "sock").string(), "-c",
                            "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off"}),
            dir / "logs/postgres.log");
        started.emplace_back(pg_pid, SIGINT);

        // The chains, started together.
        json::array chains;
        std::vector<int> ports;
        for (const auto& c : kDevnetChains) {
            const int port = free_loopback_port();
            const pid_t pid =
                spawn_detached({anvil_binary().string(), "--host", "127.0.0.1", "--port",
                                std::to_string(port), "--chain-id", std::to_string(c.chain_id)},
                               dir / "logs" / (std::string("anvil-") + std::to_string(c.chain_id) + ".log"));
            started.emplace_back(pid, SIGTERM);
            ports.push_back(port);
            chains.push_back(json::object{
                {"name", c.name},
                {"role", c.role},
                {"chain_id", c.chain_id},
                {"domain", c.chain_id},
                {"rpc", "http://127.0.0.1:" + std::to_string(port)},
                {"port", port},
                {"pid", pid},
                {"log",
                 (dir / "logs" / (std::string("anvil-") + std::to_string(c.chain_id) + ".log")).string()}});
        }

        if (!wait_for_port(pg_port, 20s, pg_pid)) {
            throw DevnetError("PostgreSQL did not start: see " + (dir / "logs/postgres.log").string());
        }
        const std::string db_url = "postgresql://causeway@127.0.0.1:" + std::to_string(pg_port) + "/causeway";
        // The server may accept connections a moment before it accepts logins.
        Captured created;
        for (int attempt = 0; attempt < 50; ++attempt) {
            created = run({(pg_bin() / "createdb").string(), "-h", "127.0.0.1", "-p", std::to_string(pg_port),
                           "-U", "causeway", "causeway"});
            if (created.exit_code == 0) break;
            std::this_thread::sleep_for(100ms);
        }
        if (created.exit_code != 0) throw DevnetError("createdb failed: " + created.output);
        {
            auto conn = db::Connection::open({db_url, std::string(db::kDefaultSchema), "causeway-devnet"});
            (void)db::migrate(conn);
        }

        for (std::size_t i = 0; i < ports.size(); ++i) {
            const auto pid = static_cast<pid_t>(chains[i].at("pid").to_number<int64_t>());
            if (!wait_for_port(ports[i], 20s, pid)) {
                throw DevnetError("anvil for chain " + std::to_string(kDevnetChains[i].chain_id) +
                                  " did not start: see " + chains[i].at("log").as_string().c_str());
            }
            const auto health =
                chain_health(chains[i].at("rpc").as_string().c_str(), kDevnetChains[i].chain_id);
            if (!health.ok)
                throw DevnetError("chain " + std::to_string(kDevnetChains[i].chain_id) + ": " +
                                  health.detail);
        }

        // Devnet keys: one file per role (daemons read keys from files), listed in the manifest.
        json::object keys;
        for (const auto& role : kRoles) {
            auto key = PrivateKey::from_hex(role.key);
            if (!key) throw DevnetError("bad built-in devnet key");
            const fs::path file = dir / "keys" / (std::string(role.name) + ".key");
            write_file(file, std::string(role.key) + "\n", fs::perms::owner_read | fs::perms::owner_write);
            keys[role.name] = json::object{{"address", to_checksum_hex(key->address())},
                                           {"private_key", role.key},
                                           {"key_file", file.string()}};
        }

        // L1 anchors: one output oracle per L2, posted to by the proposer.
        const auto key_of = [&](const char* role) {
            for (const auto& r : kRoles) {
                if (std::string_view(r.name) == role) return *PrivateKey::from_hex(r.key);
            }
            throw DevnetError(std::string("no devnet role ") + role);
        };
        {
            Sender l1(chains[0].at("rpc").as_string().c_str(), key_of("deployer"));
            const Bytes oracle_code =
                creation_code(contracts_out(), "DevnetOutputOracle.sol", "DevnetOutputOracle");
            for (std::size_t i = 1; i < chains.size(); ++i) {
                const Address oracle = l1.deploy(
                    oracle_code,
                    constructor_args("address,uint256", {abi::Value(key_of("proposer").address()),
                                                         abi::Value(u256(kFinalizationSeconds))}),
                    std::string("DevnetOutputOracle for ") + chains[i].at("name").as_string().c_str());
                chains[i].as_object()["output_oracle"] = to_checksum_hex(oracle);
                chains[i].as_object()["finalization_period_seconds"] = kFinalizationSeconds;
            }
        }
        // OP's L2ToL1MessagePasser at its predeploy address on each L2.
        {
            const Bytes passer_code = runtime_code(message_passer_artifact());
            for (std::size_t i = 1; i < chains.size(); ++i) {
                auto client = chain::HttpJsonRpcClient::create(chains[i].at("rpc").as_string().c_str());
                if (!client) throw DevnetError(client.error());
                const auto set = (*client)->request(chain::RpcCall{
                    "anvil_setCode", json::array{std::string(kMessagePasser), to_hex(passer_code)}});
                if (!set) throw DevnetError("anvil_setCode: " + set.error().to_string());
                // A block after it, so that the L2's head state (and every output root) includes it.
                const auto mined = (*client)->request(chain::RpcCall{"evm_mine", json::array{}});
                if (!mined) throw DevnetError("evm_mine: " + mined.error().to_string());
                chains[i].as_object()["message_passer"] = std::string(kMessagePasser);
            }
        }

        // The bridge contracts on each L2, wired to each other: routes 901 <-> 902 under a 2-of-3
        // validator committee, vaults enrolled as each other's remote, LP liquidity, a funded trader.
        {
            std::vector<std::unique_ptr<Sender>> deployers;
            std::vector<Deployed> deployed;
            for (std::size_t i = 1; i < chains.size(); ++i) {
                deployers.push_back(
                    std::make_unique<Sender>(chains[i].at("rpc").as_string().c_str(), key_of("deployer")));
                deployed.push_back(deploy_l2(
                    *deployers.back(), static_cast<uint32_t>(kDevnetChains[i].chain_id), contracts_out()));
            }
            std::vector<abi::Value> validators;
            for (const char* v : {"validator-1", "validator-2", "validator-3"})
                validators.emplace_back(key_of(v).address());
            for (std::size_t a = 0; a < deployed.size(); ++a) {
                Sender& owner = *deployers[a];
                const Deployed& here = deployed[a];
                for (std::size_t b = 0; b < deployed.size(); ++b) {
                    if (a == b) continue;
                    const auto remote = static_cast<uint32_t>(kDevnetChains[b + 1].chain_id);
                    (void)owner.send(
                        here.multisig_ism,
                        calldata("setValidators(uint32,address[],uint8)",
                                 {abi::Value(remote), abi::Value::list(validators), abi::Value(uint8_t{2})}),
                        "setValidators");
                    (void)owner.send(here.routing_ism,
                                     calldata("setModule(uint32,address)",
                                              {abi::Value(remote), abi::Value(here.multisig_ism)}),
                                     "setModule");
                    (void)owner.send(here.vault,
                                     calldata("enrollRemoteVault(uint32,bytes32)",
                                              {abi::Value(remote), word(deployed[b].vault)}),
                                     "enrollRemoteVault");
                }
                const std::string rpc = chains[a + 1].at("rpc").as_string().c_str();
                Sender lp(rpc, key_of("liquidity-provider"));
                (void)lp.send(here.token,
                              calldata("mint(address,uint256)",
                                       {abi::Value(lp.address()), abi::Value(tokens(1'000'000))}),
                              "mint");
                (void)lp.send(here.token,
                              calldata("approve(address,uint256)",
                                       {abi::Value(here.vault), abi::Value(tokens(1'000'000))}),
                              "approve");
                (void)lp.send(here.vault, calldata("addLiquidity(uint256)", {abi::Value(tokens(500'000))}),
                              "addLiquidity");
                Sender trader(rpc, key_of("trader"));
                (void)trader.send(here.token,
                                  calldata("mint(address,uint256)",
                                           {abi::Value(trader.address()), abi::Value(tokens(100'000))}),
                                  "mint");
                (void)trader.send(here.token,
                                  calldata("approve(address,uint256)",
                                           {abi::Value(here.vault), abi::Value(tokens(100'000))}),
                                  "approve");
                (void)trader.send(here.vault, calldata("deposit(uint256)", {abi::Value(tokens(10'000))}),
                                  "deposit");
                chains[a + 1].as_object()["contracts"] =
                    json::object{{"mailbox", to_checksum_hex(here.mailbox)},
                                 {"merkle_tree_hook", to_checksum_hex(here.mailbox)},
                                 {"multisig_ism", to_checksum_hex(here.multisig_ism)},
                                 {"routing_ism", to_checksum_hex(here.routing_ism)},
                                 {"token", to_checksum_hex(here.token)},
                                 {"vault", to_checksum_hex(here.vault)},
                                 {"mailbox_dispatched_slot", 3}};
            }
        }
        // The same routes in the relayer's database.
        {
            auto conn = db::Connection::open({db_url, std::string(db::kDefaultSchema), "causeway-devnet"});
            for (const auto& [origin, destination] : {std::pair<uint32_t, uint32_t>{901, 902}, {902, 901}}) {
                db::RouteUpdate route;
                route.origin = origin;
                route.destination = destination;
                route.security_mode = "committee";
                db::update_route(conn, route, "causeway devnet", "devnet route");
            }
        }

        json::object manifest{
            {"version", 1},
            {"dir", dir.string()},
            {"started_at", std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count())},
            {"postgres", json::object{{"url", db_url},
                                      {"port", pg_port},
                                      {"pid", pg_pid},
                                      {"data", (pg_dir / "data").string()},
                                      {"log", (dir / "logs/postgres.log").string()}}},
            {"chains", chains},
            {"keys", keys},
            {"note", "devnet only: these keys are anvil's public development keys"},
        };

        // Configs the daemons take (each role reads its own key file).
        std::ostringstream chains_yaml;
        for (const auto& c : chains) {
            chains_yaml << "  - name: " << c.at("name").as_string().c_str()
                        << "\n    chain_id: " << c.at("chain_id").to_number<int64_t>()
                        << "\n    domain: " << c.at("domain").to_number<int64_t>()
                        << "\n    rpc: " << yaml_quote(c.at("rpc").as_string().c_str()) << "\n";
            if (const auto* oracle = c.as_object().if_contains("output_oracle")) {
                chains_yaml << "    output_oracle: " << yaml_quote(oracle->as_string().c_str())
                            << "  # on the L1\n    finalization_period_seconds: " << kFinalizationSeconds
                            << "\n";
            }
            if (const auto* contracts = c.as_object().if_contains("contracts")) {
                chains_yaml << "    contracts:\n";
                for (const auto& [name, value] : contracts->as_object()) {
                    chains_yaml << "      " << std::string(name) << ": "
                                << (value.is_string() ? yaml_quote(value.as_string().c_str())
                                                      : json::serialize(value))
                                << "\n";
                }
            }
        }
        // The committee every route trusts on the devnet: 2 of these 3.
        std::string committee = "routes:\n";
        for (const auto& [origin, destination] : {std::pair<int, int>{901, 902}, {902, 901}}) {
            committee += "  - origin: " + std::to_string(origin) +
                         "\n    destination: " + std::to_string(destination) +
                         "\n    security_mode: committee\n    threshold: 2\n    validators:\n";
            for (const char* v : {"validator-1", "validator-2", "validator-3"}) {
                committee += "      - " + yaml_quote(keys.at(v).at("address").as_string().c_str()) + "\n";
            }
        }
        chains_yaml << committee;
        const auto key_file = [&](const char* role) {
            return yaml_quote(keys.at(role).at("key_file").as_string().c_str());
        };
        write_file(dir / "config/relayer.yaml",
                   "# causeway relayer on the devnet (written by `causeway devnet up`)\n"
                   "database: " +
                       yaml_quote(db_url) + "\nkey_file: " + key_file("relayer") + "\nchains:\n" +
                       chains_yaml.str());
        for (int v = 1; v <= 3; ++v) {
            const std::string role = "validator-" + std::to_string(v);
            write_file(dir / "config" / (role + ".yaml"),
                       "# causeway validator " + std::to_string(v) + " of 3 on the devnet\nkey_file: " +
                           key_file(role.c_str()) + "\nchains:\n" + chains_yaml.str());
        }
        write_file(dir / "config/router.yaml",
                   "# causeway router on the devnet\ndatabase: " + yaml_quote(db_url) +
                       "\nlisten: \"127.0.0.1:0\"\nchains:\n" + chains_yaml.str());
        write_manifest(dir, manifest);

        // The proposer, a process of its own, reads the manifest.
        const pid_t proposer =
            spawn_detached({self_executable().string(), "devnet", "proposer", "--dir", dir.string()},
                           dir / "logs/proposer.log");
        started.emplace_back(proposer, SIGTERM);
        manifest["proposer"] = json::object{
            {"pid", proposer}, {"log", (dir / "logs/proposer.log").string()}, {"interval_ms", 2000}};
        write_manifest(dir, manifest);
        if (o.json) {
            std::cout << json::serialize(json::object{
                             {"up", true},
                             {"seconds", std::chrono::duration<double>(Clock::now() - start).count()},
                             {"manifest", (dir / "manifest.json").string()}})
                      << std::endl;
        } else {
            std::cout << "devnet up in " << seconds_since(start) << " (" << dir.string() << ")\n";
            std::cout << "  postgres   " << db_url << "\n";
            for (const auto& c : chains) {
                std::cout << "  " << c.at("name").as_string().c_str() << " ("
                          << c.at("chain_id").to_number<int64_t>() << ")  " << c.at("rpc").as_string().c_str()
                          << "\n";
            }
            std::cout << "  manifest   " << (dir / "manifest.json").string() << "\n"
                      << "  configs    " << (dir / "config").string() << "/\n"
                      << "status: causeway devnet status --dir " << o.dir.string()
                      << "    stop: causeway devnet down --dir " << o.dir.string() << std::endl;
        }
        return 0;
    } catch (const std::exception& e) {
        stop_all(started);
        std::cerr << "causeway devnet up: error: " << e.what() << std::endl;
        return 1;
    }
}

int devnet_status(const DevnetOptions& o) {
    try {
        const auto manifest = read_manifest(o.dir);
        if (!manifest) {
            std::cerr << "causeway devnet status: no devnet in " << o.dir.string()
                      << " (start one with `causeway devnet up`)" << std::endl;
            return 1;
        }
        bool all_ok = true;
        json::array parts;
        const auto& pg = manifest->at("postgres").as_object();
        {
            const auto pid = static_cast<pid_t>(pg.at("pid").to_number<int64_t>());
            Health h =
                alive(pid) ? postgres_health(pg.at("url").as_string().c_str()) : Health{false, "not running"};
            all_ok = all_ok && h.ok;
            parts.push_back(json::object{{"part", "postgres"},
                                         {"pid", pid},
                                         {"endpoint", pg.at("url")},
                                         {"ok", h.ok},
                                         {"detail", h.detail}});
        }
        for (const auto& c : manifest->at("chains").as_array()) {
            const auto pid = static_cast<pid_t>(c.at("pid").to_number<int64_t>());
            Health h = alive(pid) ? chain_health(c.at("rpc").as_string().c_str(),
                                                 static_cast<uint64_t>(c.at("chain_id").to_number<int64_t>()))
                                  : Health{false, "not running"};
            all_ok = all_ok && h.ok;
            parts.push_back(
                json::object{{"part", std::string(c.at("name").as_string().c_str()) + " (" +
                                          std::to_string(c.at("chain_id").to_number<int64_t>()) + ")"},
                             {"pid", pid},
                             {"endpoint", c.at("rpc")},
                             {"ok", h.ok},
                             {"detail", h.detail}});
        }
        for (const auto& c : manifest->at("chains").as_array()) {
            const auto* contracts = c.as_object().if_contains("contracts");
            if (contracts == nullptr) continue;
            auto client = chain::HttpJsonRpcClient::create(c.at("rpc").as_string().c_str());
            std::size_t answering = 0;
            std::size_t expected = 0;
            for (const auto& [name, value] : contracts->as_object()) {
                if (!value.is_string()) continue;
                ++expected;
                const auto code = client
                                      ? (*client)->code(address_from_hex(value.as_string().c_str()).value())
                                      : chain::RpcResult<Bytes>(std::unexpected(chain::RpcError{}));
                if (code && !code->empty()) ++answering;
            }
            const bool ok = expected > 0 && answering == expected;
            all_ok = all_ok && ok;
            parts.push_back(json::object{
                {"part", std::string("contracts ") + std::to_string(c.at("chain_id").to_number<int64_t>())},
                {"pid", 0},
                {"endpoint", c.at("contracts").at("mailbox")},
                {"ok", ok},
                {"detail", std::to_string(answering) + " of " + std::to_string(expected) +
                               " have code (mailbox, ISMs, token, vault)"}});
        }
        if (const auto* proposer = manifest->if_contains("proposer")) {
            const auto pid = static_cast<pid_t>(proposer->at("pid").to_number<int64_t>());
            Health h{alive(pid), "not running"};
            if (h.ok) {
                // How many outputs each L2's oracle holds.
                h.detail.clear();
                auto l1 = chain::HttpJsonRpcClient::create(
                    manifest->at("chains").as_array()[0].at("rpc").as_string().c_str());
                for (const auto& c : manifest->at("chains").as_array()) {
                    const auto* oracle = c.as_object().if_contains("output_oracle");
                    if (oracle == nullptr || !l1) continue;
                    jsonrpc::CallRequest call;
                    call.to = address_from_hex(oracle->as_string().c_str()).value();
                    call.data = calldata("nextOutputIndex()", {});
                    const auto out = (*l1)->call(call);
                    if (!h.detail.empty()) h.detail += ", ";
                    h.detail +=
                        std::string(c.at("name").as_string().c_str()) + " " +
                        (out && out->size() == 32 ? to_decimal(u256_from_be(*out)) : std::string("?")) +
                        " outputs";
                }
            }
            all_ok = all_ok && h.ok;
            parts.push_back(json::object{{"part", "proposer"},
                                         {"pid", pid},
                                         {"endpoint", "L1 output oracles"},
                                         {"ok", h.ok},
                                         {"detail", h.detail}});
        }
        if (o.json) {
            std::cout << json::serialize(json::object{{"ok", all_ok}, {"parts", parts}}) << std::endl;
        } else {
            std::cout << "devnet " << manifest->at("dir").as_string().c_str() << ": "
                      << (all_ok ? "healthy" : "NOT healthy") << "\n";
            char line[512];
            std::snprintf(line, sizeof line, "%-14s %-8s %-50s %s\n", "PART", "PID", "ENDPOINT", "HEALTH");
            std::cout << line;
            for (const auto& p : parts) {
                const std::string health = std::string(p.at("ok").as_bool() ? "ok: " : "FAILING: ") +
                                           p.at("detail").as_string().c_str();
                const auto pid = p.at("pid").to_number<int64_t>();
                std::snprintf(line, sizeof line, "%-14s %-8s %-50s %s\n", p.at("part").as_string().c_str(),
                              pid > 0 ? std::to_string(pid).c_str() : "-",
                              p.at("endpoint").as_string().c_str(), health.c_str());
                std::cout << line;
            }
        }
        return all_ok ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "causeway devnet status: error: " << e.what() << std::endl;
        return 1;
    }
}

int devnet_down(const DevnetOptions& o) {
    try {
        const auto manifest = read_manifest(o.dir);
        if (!manifest) {
            std::cout << "no devnet in " << o.dir.string() << ": nothing to stop" << std::endl;
            return 0;
        }
        const auto pids = manifest_pids(*manifest);
        stop_all(pids);
        std::vector<std::string> problems;
        for (const auto& [pid, sig] : pids) {
            if (alive(pid)) problems.push_back("process " + std::to_string(pid) + " is still running");
        }
        std::vector<int> ports = {static_cast<int>(manifest->at("postgres").at("port").to_number<int64_t>())};
        for (const auto& c : manifest->at("chains").as_array())
            ports.push_back(static_cast<int>(c.at("port").to_number<int64_t>()));
        for (const int port : ports) {
            if (port_open(port)) problems.push_back("port " + std::to_string(port) + " still answers");
        }
        if (!problems.empty()) {
            std::cerr << "causeway devnet down: error:";
            for (const auto& p : problems) std::cerr << " " << p << ";";
            std::cerr << std::endl;
            return 1;
        }
        if (o.keep) {
            fs::remove(o.dir / "manifest.json");
        } else {
            fs::remove_all(o.dir);
        }
        std::cout << "devnet down: stopped " << pids.size() << " processes; ports " << ports.size() << " free"
                  << (o.keep ? "; kept " + o.dir.string() : "") << std::endl;
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "causeway devnet down: error: " << e.what() << std::endl;
        return 1;
    }
}

}  // namespace causeway::devnet

namespace causeway::devnet {

int devnet_move_margin(const DevnetOptions& o, const MoveMarginOptions& move, const PrivateKey& key) {
    try {
        const auto manifest = read_manifest(o.dir);
        if (!manifest)
            throw DevnetError("no devnet in " + o.dir.string() + " (start one with `causeway devnet up`)");
        const json::object* from = nullptr;
        const json::object* to = nullptr;
        for (const auto& c : manifest->at("chains").as_array()) {
            const auto id = c.at("chain_id").to_number<uint64_t>();
            if (id == move.from) from = &c.as_object();
            if (id == move.to) to = &c.as_object();
        }
        if (from == nullptr || to == nullptr || from == to || !from->contains("contracts") ||
            !to->contains("contracts")) {
            throw DevnetError("--from and --to must be two different L2s of the devnet (901, 902)");
        }
        const auto address_at = [](const json::object& chain, const char* name) {
            return address_from_hex(chain.at("contracts").at(name).as_string().c_str()).value();
        };
        const Address trader = key.address();
        Sender origin(from->at("rpc").as_string().c_str(), key);
        Sender destination(to->at("rpc").as_string().c_str(), key);
        const auto read_u256 = [](Sender& s, const Address& at, Bytes data) {
            return u256_from_be(s.call(at, std::move(data)));
        };
        const auto margin = [&](Sender& s, const json::object& chain) {
            return read_u256(s, address_at(chain, "vault"),
                             calldata("marginOf(address)", {abi::Value(trader)}));
        };
        const auto whole = [](const u256& v) { return to_decimal(v / tokens(1)); };

        std::cout << "trader " << to_checksum_hex(trader) << ": margin " << whole(margin(origin, *from))
                  << " on " << move.from << ", " << whole(margin(destination, *to)) << " on " << move.to
                  << "\n";
        const auto receipt =
            origin.send(address_at(*from, "vault"),
                        calldata("moveMargin(uint32,uint256,bytes32)",
                                 {abi::Value(move.to), abi::Value(tokens(move.amount)), word(trader)}),
                        "moveMargin");
        // The Mailbox's Dispatch(sender, destination, recipient, message) and DispatchId(id).
        const Hash dispatch_topic = abi::event_topic("Dispatch(address,uint32,bytes32,bytes)");
        const Hash id_topic = abi::event_topic("DispatchId(bytes32)");
        std::optional<Hash> id;
        Bytes message;
        for (const auto& log : receipt.logs) {
            if (log.topics.empty()) continue;
            if (log.topics[0] == id_topic && log.topics.size() == 2) id = log.topics[1];
            if (log.topics[0] == dispatch_topic) {
                const auto decoded = abi::decode(*abi::parse_types("bytes"), log.data);
                if (decoded && !decoded->empty()) message = *decoded->front().get_if<Bytes>();
            }
        }
        if (!id) throw DevnetError("moveMargin emitted no DispatchId");
        std::cout << "moveMargin: " << move.amount << " tokens " << move.from << " -> " << move.to
                  << " in block " << receipt.block_number << " (tx " << to_hex(receipt.transaction_hash)
                  << ")\n"
                  << "message " << to_hex(*id) << " (" << message.size() << " bytes)\n";

        const Address origin_mailbox = address_at(*from, "mailbox");
        const bool dispatched =
            read_u256(origin, origin_mailbox,
                      calldata("dispatched(bytes32)", {abi::Value(Bytes(id->view()))})) == 1;
        const auto count = read_u256(origin, origin_mailbox, calldata("count()", {}));
        const bool delivered =
            read_u256(destination, address_at(*to, "mailbox"),
                      calldata("delivered(bytes32)", {abi::Value(Bytes(id->view()))})) == 1;
        std::cout
            << "  on " << move.from << ": dispatched " << (dispatched ? "yes" : "NO")
            << ", merkle tree index " << to_decimal(count - 1) << " of the origin Mailbox; trader margin now "
            << whole(margin(origin, *from)) << "\n"
            << "  on " << move.to << ": delivered " << (delivered ? "yes" : "not yet")
            << " (needs 2 of 3 validator signatures over the checkpoint, then a relayer's process call)\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "causeway devnet move-margin: error: " << e.what() << std::endl;
        return 1;
    }
}

}  // namespace causeway::devnet
