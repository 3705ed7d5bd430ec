#include "devnet/devnet.hpp"

#include <signal.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>
#include <utility>
#include <vector>

#include "chain/json_rpc_client.hpp"
#include "core/hex.hpp"
#include "db/migrate.hpp"
#include "db/routes.hpp"
#include "devnet/configs.hpp"
#include "devnet/contracts.hpp"
#include "devnet/internal.hpp"
#include "devnet/manifest.hpp"
#include "os/process.hpp"

namespace causeway::devnet {

namespace detail {

PrivateKey role_key(std::string_view role) {
    for (const auto& r : kRoles) {
        if (role == r.name) {
            auto key = PrivateKey::from_hex(r.key);
            if (!key) throw DevnetError("bad built-in devnet key for " + std::string(role));
            return *key;
        }
    }
    throw DevnetError("no devnet role " + std::string(role));
}

void write_file(const std::filesystem::path& path, const std::string& content, std::filesystem::perms perms) {
    const std::filesystem::path tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        if (!out) throw DevnetError("cannot write " + tmp.string());
        out << content;
        if (!out.flush()) throw DevnetError("cannot write " + tmp.string());
    }
    std::filesystem::permissions(tmp, perms);
    std::filesystem::rename(tmp, path);
}

Health chain_health(const std::string& url, uint64_t expected_id) {
    auto client =
        chain::HttpJsonRpcClient::create(url, chain::HttpOptions{.timeout = std::chrono::seconds(3)});
    if (!client) return {false, client.error()};
    const auto id = (*client)->chain_id();
    if (!id) return {false, id.error().to_string()};
    if (*id != expected_id)
        return {false, "chain id " + std::to_string(*id) + ", expected " + std::to_string(expected_id)};
    const auto block = (*client)->block_number();
    if (!block) return {false, block.error().to_string()};
    return {true, "chain " + std::to_string(*id) + ", block " + std::to_string(*block)};
}

u256 tokens(uint64_t n) {
    return u256(n) * u256(1'000'000'000'000'000'000ULL);
}

abi::Value word(const Address& a) {
    return abi::Value(Bytes(Hash::left_padded(a.view()).view()));
}

std::string text_of(const boost::json::object& o, std::string_view key) {
    return std::string(o.at(key).as_string());
}

}  // namespace detail

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace detail;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

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

// A command's exit code and everything it printed.
os::RunResult run(const std::vector<std::string>& argv) {
    return os::run(argv, os::Stderr::kMerge);
}

std::string seconds_since(Clock::time_point start) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", std::chrono::duration<double>(Clock::now() - start).count());
    return buf;
}

// Every PID a manifest names, with the signal that shuts it down cleanly.
std::vector<std::pair<pid_t, int>> manifest_pids(const json::object& m) {
    std::vector<std::pair<pid_t, int>> out;
    // Relayers first (they use the validators), then validators.
    for (const char* daemons : {"relayers", "validators"}) {
        if (const auto* list = m.if_contains(daemons)) {
            for (const auto& v : list->as_array())
                out.emplace_back(static_cast<pid_t>(v.at("pid").to_number<int64_t>()), SIGTERM);
        }
    }
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
    for (const auto& [pid, sig] : pids) (void)os::stop(pid, sig, 20s);
}

void write_manifest(const fs::path& dir, const json::object& manifest) {
    write_file(dir / "manifest.json", json::serialize(manifest) + "\n",
               fs::perms::owner_read | fs::perms::owner_write);
}

fs::path self_executable() {
    return fs::read_symlink("/proc/self/exe");
}

std::string log_path(const fs::path& dir, const std::string& name) {
    return (dir / "logs" / (name + ".log")).string();
}

// What `up` has started so far: stopped again if `up` fails half-way.
class Started {
  public:
    ~Started() {
        if (!committed_) stop_all(pids_);
    }
    void add(pid_t pid, int stop_signal) { pids_.emplace_back(pid, stop_signal); }
    void commit() { committed_ = true; }

  private:
    std::vector<std::pair<pid_t, int>> pids_;
    bool committed_ = false;
};

struct Postgres {
    pid_t pid = -1;
    int port = 0;
    fs::path data;
    std::string url;
};

// The server of the devnet's cluster (fsync off: a devnet's data is throwaway).
pid_t spawn_postgres(const fs::path& dir, const fs::path& data, int port) {
    return os::spawn(
        as_server_user({(pg_bin() / "postgres").string(), "-D", data.string(), "-p", std::to_string(port),
                        "-k", (dir / "postgres" / "sock").string(), "-c", "listen_addresses=127.0.0.1", "-c",
                        "fsync=off", "-c", "synchronous_commit=off"}),
        std::filesystem::path(log_path(dir, "postgres")));
}

// A cluster of its own in DIR/postgres, started (not yet accepting logins).
Postgres start_postgres(const fs::path& dir, Started& started) {
    const fs::path pg_dir = dir / "postgres";
    fs::create_directories(pg_dir / "sock");
    if (geteuid() == 0) {
        const auto chown = run({"chown", "-R", "postgres:", pg_dir.string()});
        if (chown.exit_code != 0)
            throw DevnetError("cannot hand " + pg_dir.string() + " to postgres: " + chown.out);
        if (run(as_server_user({"test", "-w", pg_dir.string()})).exit_code != 0) {
            throw DevnetError("PostgreSQL runs as the postgres user, which cannot reach " + pg_dir.string() +
                              ": let others traverse its parent folders (chmod o+x) or choose another --dir");
        }
    }
    Postgres pg;
    pg.data = pg_dir / "data";
    const auto initdb = run(as_server_user({(pg_bin() / "initdb").string(), "-D", pg.data.string(), "-U",
                                            "causeway", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"}));
    if (initdb.exit_code != 0) throw DevnetError("initdb failed:\n" + initdb.out);
    pg.port = os::free_loopback_port();
    pg.pid = spawn_postgres(dir, pg.data, pg.port);
    started.add(pg.pid, SIGINT);
    pg.url = "postgresql://causeway@127.0.0.1:" + std::to_string(pg.port) + "/causeway";
    return pg;
}

// Waits for the server, creates the database and migrates it.
void prepare_database(const fs::path& dir, const Postgres& pg) {
    if (!os::wait_for_port(pg.port, 20s, pg.pid)) {
        throw DevnetError("PostgreSQL did not start: see " + log_path(dir, "postgres"));
    }
    // The server may accept connections a moment before it accepts logins.
    os::RunResult created;
    for (int attempt = 0; attempt < 50; ++attempt) {
        created = run({(pg_bin() / "createdb").string(), "-h", "127.0.0.1", "-p", std::to_string(pg.port),
                       "-U", "causeway", "causeway"});
        if (created.exit_code == 0) break;
        std::this_thread::sleep_for(100ms);
    }
    if (created.exit_code != 0) throw DevnetError("createdb failed: " + created.out);
    auto conn = db::Connection::open({pg.url, std::string(db::kDefaultSchema), "causeway-devnet"});
    (void)db::migrate(conn);
}

// The anvil chains, started together; their manifest entries.
json::array start_chains(const fs::path& dir, Started& started) {
    json::array chains;
    for (const auto& c : kDevnetChains) {
        const int port = os::free_loopback_port();
        const std::string log = log_path(dir, "anvil-" + std::to_string(c.chain_id));
        std::vector<std::string> argv{
            anvil_binary().string(),   "--host", "127.0.0.1", "--port", std::to_string(port), "--chain-id",
            std::to_string(c.chain_id)};
        // One slot per epoch: the L1's `finalized` block trails its head by two, so that trusted
        // heads (a quorum on the finalized block) move on the devnet.
        if (c.chain_id == kDevnetChains[0].chain_id) argv.insert(argv.end(), {"--slots-in-an-epoch", "1"});
        const pid_t pid = os::spawn(argv, std::filesystem::path(log));
        started.add(pid, SIGTERM);
        chains.push_back(json::object{{"name", c.name},
                                      {"role", c.role},
                                      {"family", c.family},
                                      {"chain_id", c.chain_id},
                                      {"domain", c.chain_id},
                                      {"rpc", "http://127.0.0.1:" + std::to_string(port)},
                                      {"port", port},
                                      {"pid", pid},
                                      {"log", log}});
    }
    return chains;
}

void wait_for_chains(const json::array& chains) {
    for (std::size_t i = 0; i < chains.size(); ++i) {
        const auto& c = chains[i].as_object();
        const auto pid = static_cast<pid_t>(c.at("pid").to_number<int64_t>());
        if (!os::wait_for_port(static_cast<int>(c.at("port").to_number<int64_t>()), 20s, pid)) {
            throw DevnetError("anvil for chain " + std::to_string(kDevnetChains[i].chain_id) +
                              " did not start: see " + text_of(c, "log"));
        }
        const auto health = chain_health(text_of(c, "rpc"), kDevnetChains[i].chain_id);
        if (!health.ok)
            throw DevnetError("chain " + std::to_string(kDevnetChains[i].chain_id) + ": " + health.detail);
    }
}

// Devnet keys: one file per role (daemons read keys from files), listed in the manifest.
json::object write_keys(const fs::path& dir) {
    json::object keys;
    for (const auto& role : kRoles) {
        const auto key = role_key(role.name);
        const fs::path file = dir / "keys" / (std::string(role.name) + ".key");
        write_file(file, std::string(role.key) + "\n", fs::perms::owner_read | fs::perms::owner_write);
        keys[role.name] = json::object{{"address", to_checksum_hex(key.address())},
                                       {"private_key", role.key},
                                       {"key_file", file.string()}};
    }
    return keys;
}

// A secret for the admin APIs: 32 random bytes in hex.
std::string random_token() {
    std::ifstream urandom("/dev/urandom", std::ios::binary);
    std::array<uint8_t, 32> bytes{};
    urandom.read(reinterpret_cast<char*>(bytes.data()), bytes.size());
    if (!urandom) throw DevnetError("cannot read /dev/urandom for the admin token");
    return to_hex(ByteView(bytes.data(), bytes.size()), false);
}

// Daemons (validators, relayers) answer on their API port, or the devnet says which did not start.
void wait_for_daemons(const json::array& daemons) {
    for (const auto& d : daemons) {
        if (!os::wait_for_port(static_cast<int>(d.at("port").to_number<int64_t>()), 20s,
                               static_cast<pid_t>(d.at("pid").to_number<int64_t>()))) {
            throw DevnetError(text_of(d.as_object(), "name") + " did not start: see " +
                              text_of(d.as_object(), "log"));
        }
    }
}

// The committee routes in the relayer's database.
void create_routes(const std::string& db_url) {
    auto conn = db::Connection::open({db_url, std::string(db::kDefaultSchema), "causeway-devnet"});
    for (const auto& [origin, destination] : {std::pair<uint32_t, uint32_t>{901, 902}, {902, 901}}) {
        db::RouteUpdate route;
        route.origin = origin;
        route.destination = destination;
        route.security_mode = "committee";
        db::update_route(conn, route, "causeway devnet", "devnet route");
    }
}

}  // namespace

int devnet_up(const DevnetOptions& o, std::ostream& out) {
    const auto start = Clock::now();
    if (auto existing = read_manifest(o.dir)) {
        for (const auto& [pid, sig] : manifest_pids(*existing)) {
            if (os::alive(pid)) {
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

    Started started;
    const Postgres pg = start_postgres(dir, started);
    json::array chains = start_chains(dir, started);
    prepare_database(dir, pg);
    wait_for_chains(chains);
    const json::object keys = write_keys(dir);
    deploy_contracts(chains);
    create_routes(pg.url);

    // Deployed with a block per transaction (fast); from now on blocks come on a clock.
    if (o.block_time_s > 0) {
        for (const auto& c : chains) {
            auto client = chain::HttpJsonRpcClient::create(text_of(c.as_object(), "rpc"));
            if (!client) throw DevnetError(client.error());
            const auto set =
                (*client)->request(chain::RpcCall{"evm_setIntervalMining", json::array{o.block_time_s}});
            if (!set) throw DevnetError("evm_setIntervalMining: " + set.error().to_string());
        }
    }

    json::object manifest{
        {"version", 1},
        {"dir", dir.string()},
        {"started_at", std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count())},
        {"postgres", json::object{{"url", pg.url},
                                  {"port", pg.port},
                                  {"pid", pg.pid},
                                  {"data", pg.data.string()},
                                  {"log", log_path(dir, "postgres")}}},
        {"chains", chains},
        {"block_time_s", o.block_time_s},
        {"keys", keys},
        {"note", "devnet only: these keys are anvil's public development keys"},
    };
    std::vector<int> validator_ports;
    for (std::size_t v = 0; v < std::size(kValidators); ++v)
        validator_ports.push_back(os::free_loopback_port());
    std::vector<int> relayer_ports;
    for (uint32_t r = 0; r < o.relayers; ++r) relayer_ports.push_back(os::free_loopback_port());
    write_configs(dir / "config", chains, keys, pg.url, validator_ports, relayer_ports);
    write_file(dir / "config" / "admin-token", random_token() + "\n",
               fs::perms::owner_read | fs::perms::owner_write);
    write_manifest(dir, manifest);

    // The proposer, a process of its own, reads the manifest.
    const pid_t proposer =
        os::spawn({self_executable().string(), "devnet", "proposer", "--dir", dir.string()},
                  std::filesystem::path(log_path(dir, "proposer")));
    started.add(proposer, SIGTERM);
    manifest["proposer"] =
        json::object{{"pid", proposer}, {"log", log_path(dir, "proposer")}, {"interval_ms", 2000}};

    // The committee: each validator a process of its own, with its own schema and API.
    json::array validators;
    for (std::size_t v = 1; v <= validator_ports.size(); ++v) {
        const std::string role = "validator-" + std::to_string(v);
        const pid_t pid = os::spawn({self_executable().string(), "validator", "--config",
                                     (dir / "config" / (role + ".yaml")).string()},
                                    std::filesystem::path(log_path(dir, role)));
        started.add(pid, SIGTERM);
        validators.push_back(
            json::object{{"name", role},
                         {"pid", pid},
                         {"address", keys.at(role).at("address")},
                         {"api", "http://127.0.0.1:" + std::to_string(validator_ports[v - 1])},
                         {"port", validator_ports[v - 1]},
                         {"log", log_path(dir, role)}});
    }
    wait_for_daemons(validators);
    manifest["validators"] = validators;
    write_manifest(dir, manifest);

    // The relayer's replicas: one database, one signer, each with its admin API.
    json::array relayers;
    for (std::size_t r = 1; r <= relayer_ports.size(); ++r) {
        const std::string role = "relayer-" + std::to_string(r);
        const pid_t pid = os::spawn(
            {self_executable().string(), "relayer", "--config", (dir / "config" / (role + ".yaml")).string()},
            std::filesystem::path(log_path(dir, role)));
        started.add(pid, SIGTERM);
        relayers.push_back(json::object{{"name", role},
                                        {"pid", pid},
                                        {"api", "http://127.0.0.1:" + std::to_string(relayer_ports[r - 1])},
                                        {"port", relayer_ports[r - 1]},
                                        {"log", log_path(dir, role)}});
    }
    wait_for_daemons(relayers);
    manifest["relayers"] = relayers;
    manifest["admin_token_file"] = (dir / "config" / "admin-token").string();
    write_manifest(dir, manifest);
    started.commit();

    if (o.output == Output::kJson) {
        out << json::serialize(
                   json::object{{"up", true},
                                {"seconds", std::chrono::duration<double>(Clock::now() - start).count()},
                                {"manifest", (dir / "manifest.json").string()}})
            << std::endl;
        return 0;
    }
    out << "devnet up in " << seconds_since(start) << " (" << dir.string() << ")\n";
    out << "  postgres   " << pg.url << "\n";
    for (const auto& c : chains) {
        out << "  " << text_of(c.as_object(), "name") << " (" << c.at("chain_id").to_number<int64_t>()
            << ")  " << text_of(c.as_object(), "rpc") << "\n";
    }
    for (const auto& v : manifest.at("validators").as_array()) {
        out << "  " << text_of(v.as_object(), "name") << "  " << text_of(v.as_object(), "api") << "\n";
    }
    for (const auto& r : manifest.at("relayers").as_array()) {
        out << "  " << text_of(r.as_object(), "name") << "    " << text_of(r.as_object(), "api")
            << " (admin API; token in config/admin-token)\n";
    }
    out << "  manifest   " << (dir / "manifest.json").string() << "\n"
        << "  configs    " << (dir / "config").string() << "/\n"
        << "status: causeway devnet status --dir " << o.dir.string()
        << "    stop: causeway devnet down --dir " << o.dir.string() << std::endl;
    return 0;
}

int devnet_down(const DevnetOptions& o, Folder folder, std::ostream& out) {
    const auto manifest = read_manifest(o.dir);
    if (!manifest) {
        out << "no devnet in " << o.dir.string() << ": nothing to stop" << std::endl;
        return 0;
    }
    const auto pids = manifest_pids(*manifest);
    stop_all(pids);
    std::string problems;
    for (const auto& [pid, sig] : pids) {
        if (os::alive(pid)) problems += " process " + std::to_string(pid) + " is still running;";
    }
    std::vector<int> ports = {static_cast<int>(manifest->at("postgres").at("port").to_number<int64_t>())};
    for (const auto& c : manifest->at("chains").as_array())
        ports.push_back(static_cast<int>(c.at("port").to_number<int64_t>()));
    for (const char* daemons : {"validators", "relayers"}) {
        if (const auto* list = manifest->if_contains(daemons)) {
            for (const auto& v : list->as_array())
                ports.push_back(static_cast<int>(v.at("port").to_number<int64_t>()));
        }
    }
    for (const int port : ports) {
        if (os::port_open(port)) problems += " port " + std::to_string(port) + " still answers;";
    }
    if (!problems.empty()) throw DevnetError(problems.substr(1));
    if (folder == Folder::kKeep) {
        fs::remove(o.dir / "manifest.json");
    } else {
        fs::remove_all(o.dir);
    }
    out << "devnet down: stopped " << pids.size() << " processes; ports " << ports.size() << " free"
        << (folder == Folder::kKeep ? "; kept " + o.dir.string() : "") << std::endl;
    return 0;
}

int devnet_restart(const DevnetOptions& o, const std::string& part, RestartSignal how, std::ostream& out) {
    auto manifest = read_manifest(o.dir);
    if (!manifest)
        throw DevnetError("no devnet in " + o.dir.string() + " (start one with `causeway devnet up`)");
    const auto start = Clock::now();
    const int stop_signal = how == RestartSignal::kKill ? SIGKILL : SIGTERM;
    if (part == "postgres") {
        auto& pg = manifest->at("postgres").as_object();
        const auto pid = static_cast<pid_t>(pg.at("pid").to_number<int64_t>());
        const int port = static_cast<int>(pg.at("port").to_number<int64_t>());
        // SIGINT: PostgreSQL's fast shutdown (SIGKILL: a crash, recovered from its WAL at start).
        (void)os::stop(pid, how == RestartSignal::kKill ? SIGKILL : SIGINT, 20s);
        if (how == RestartSignal::kKill) {
            // The postmaster's children outlive a SIGKILLed postmaster for a moment and hold the port.
            for (int i = 0; i < 100 && os::port_open(port); ++i) std::this_thread::sleep_for(100ms);
        }
        const pid_t fresh = spawn_postgres(o.dir, text_of(pg, "data"), port);
        if (!os::wait_for_port(port, 20s, fresh))
            throw DevnetError("PostgreSQL did not start again: see " + log_path(o.dir, "postgres"));
        pg["pid"] = fresh;
        write_manifest(o.dir, *manifest);
        out << "postgres restarted in " << seconds_since(start) << " (pid " << fresh << ")" << std::endl;
        return 0;
    }
    for (const char* kind : {"validators", "relayers"}) {
        auto* list = manifest->if_contains(kind);
        if (list == nullptr) continue;
        for (auto& d : list->as_array()) {
            auto& daemon = d.as_object();
            if (text_of(daemon, "name") != part) continue;
            (void)os::stop(static_cast<pid_t>(daemon.at("pid").to_number<int64_t>()), stop_signal, 20s);
            const std::string command = std::string(kind) == "validators" ? "validator" : "relayer";
            const pid_t fresh = os::spawn({self_executable().string(), command, "--config",
                                           (o.dir / "config" / (part + ".yaml")).string()},
                                          std::filesystem::path(log_path(o.dir, part)));
            daemon["pid"] = fresh;
            write_manifest(o.dir, *manifest);
            wait_for_daemons(json::array{daemon});
            out << part << " restarted in " << seconds_since(start) << " (pid " << fresh << ")" << std::endl;
            return 0;
        }
    }
    throw DevnetError("no part named " + part +
                      " (postgres, validator-N or relayer-N; see `causeway devnet status`)");
}

}  // namespace causeway::devnet
