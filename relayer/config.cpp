#include "relayer/config.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdlib>
#include <set>

#include "chain/http_transport.hpp"
#include "core/hex.hpp"

namespace causeway::relayer {
namespace {

// A node and where it is in the file, for messages.
struct At {
    YAML::Node node;
    std::string path;  // "chains[1].rpc"; empty at the top
    const std::string* file;

    [[noreturn]] void fail(const std::string& problem) const {
        throw ConfigError(*file + ": " + (path.empty() ? std::string("(top)") : path) + ": " + problem);
    }
    [[nodiscard]] At key(const std::string& name) const {
        return At{node[name], path.empty() ? name : path + "." + name, file};
    }
    [[nodiscard]] At item(std::size_t i) const {
        return At{node[i], path + "[" + std::to_string(i) + "]", file};
    }
    [[nodiscard]] bool present() const { return node.IsDefined() && !node.IsNull(); }

    // Every key of this map must be one of `known`.
    void only(std::initializer_list<const char*> known) const {
        if (!node.IsMap()) fail("must be a map of keys");
        const std::set<std::string> allowed(known.begin(), known.end());
        for (const auto& kv : node) {
            const auto name = kv.first.as<std::string>();
            if (!allowed.contains(name)) key(name).fail("unknown key");
        }
    }
    [[nodiscard]] std::string text() const {
        if (!present()) fail("missing");
        if (!node.IsScalar()) fail("must be a single value");
        return node.Scalar();
    }
    [[nodiscard]] uint64_t number(uint64_t max = std::numeric_limits<uint64_t>::max()) const {
        const auto t = text();
        uint64_t v = 0;
        const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
        if (ec != std::errc{} || end != t.data() + t.size() || v > max)
            fail("not a whole number up to " + std::to_string(max) + ": " + t);
        return v;
    }
    [[nodiscard]] bool boolean() const {
        const auto t = text();
        if (t == "true") return true;
        if (t == "false") return false;
        fail("not true or false: " + t);
    }
    [[nodiscard]] Address address() const {
        const auto t = text();
        const auto a = address_from_hex(t);
        if (!a) fail("not an address (0x and 40 hex digits): " + t);
        return *a;
    }
    [[nodiscard]] Hash hash() const {
        const auto t = text();
        const auto h = hash_from_hex(t);
        if (!h) fail("not a 32-byte 0x-hex value: " + t);
        return *h;
    }
    [[nodiscard]] std::string http_url() const {
        const auto t = text();
        if (const auto u = chain::HttpUrl::parse(t); !u) fail(u.error() + ": " + t);
        return t;
    }
    [[nodiscard]] std::string ws_url() const {
        const auto t = text();
        if (const auto u = chain::HttpUrl::parse_websocket(t); !u) fail(u.error() + ": " + t);
        return t;
    }
    // One value or a list of them.
    template <typename F>
    auto one_or_more(F each) const {
        std::vector<decltype(each(*this))> out;
        if (!present()) fail("missing");
        if (node.IsSequence()) {
            if (node.size() == 0) fail("must not be empty");
            for (std::size_t i = 0; i < node.size(); ++i) out.push_back(each(item(i)));
        } else {
            out.push_back(each(*this));
        }
        return out;
    }
};

ChainFamily family_of(const At& at) {
    const auto t = at.text();
    if (t == "l1") return ChainFamily::kL1;
    if (t == "opstack") return ChainFamily::kOpStack;
    if (t == "zk") return ChainFamily::kZk;
    at.fail("not a chain family (l1, opstack or zk): " + t);
}

ContractSettings contracts_of(const At& at) {
    at.only({"mailbox", "merkle_tree_hook", "mailbox_dispatched_slot", "multisig_ism", "routing_ism", "token",
             "vault"});
    ContractSettings c;
    c.mailbox = at.key("mailbox").address();
    c.merkle_tree_hook = Hash::left_padded(c.mailbox.view());
    if (const auto hook = at.key("merkle_tree_hook"); hook.present()) {
        // An address (left-padded) or a bytes32.
        const auto t = hook.text();
        if (const auto a = address_from_hex(t)) {
            c.merkle_tree_hook = Hash::left_padded(a->view());
        } else {
            c.merkle_tree_hook = hook.hash();
        }
    }
    if (const auto slot = at.key("mailbox_dispatched_slot"); slot.present())
        c.mailbox_dispatched_slot = slot.number();
    const auto optional_address = [&](const char* name) -> std::optional<Address> {
        const auto k = at.key(name);
        return k.present() ? std::optional(k.address()) : std::nullopt;
    };
    c.multisig_ism = optional_address("multisig_ism");
    c.routing_ism = optional_address("routing_ism");
    c.token = optional_address("token");
    c.vault = optional_address("vault");
    return c;
}

ChainSettings chain_of(const At& at) {
    at.only({"name", "chain_id", "domain", "family", "rpc", "ws", "confirmations", "poll_interval_ms",
             "start_block", "contracts", "output_oracle", "finalization_period_seconds",
             "unsafe_no_challenge_window", "zk_rollup", "finalized_state_roots_slot"});
    ChainSettings c;
    c.name = at.key("name").text();
    c.chain_id = at.key("chain_id").number();
    if (c.chain_id == 0) at.key("chain_id").fail("must not be 0");
    c.domain =
        static_cast<uint32_t>(at.key("domain").present() ? at.key("domain").number(0xFFFFFFFF) : c.chain_id);
    if (const auto f = at.key("family"); f.present()) {
        c.family = family_of(f);
    } else {
        // The devnet's first files: an L2 is the one with an output oracle.
        c.family = at.key("output_oracle").present() ? ChainFamily::kOpStack : ChainFamily::kL1;
    }
    c.rpc = at.key("rpc").one_or_more([](const At& a) { return a.http_url(); });
    if (const auto ws = at.key("ws"); ws.present()) c.ws = ws.ws_url();
    if (const auto n = at.key("confirmations"); n.present())
        c.confirmations = std::max<uint64_t>(1, n.number(10'000));
    if (const auto n = at.key("poll_interval_ms"); n.present())
        c.poll_interval = std::chrono::milliseconds(std::max<uint64_t>(10, n.number(3'600'000)));
    if (const auto n = at.key("start_block"); n.present()) c.start_block = n.number();
    if (const auto k = at.key("contracts"); k.present()) c.contracts = contracts_of(k);
    if (const auto k = at.key("output_oracle"); k.present()) c.output_oracle = k.address();
    if (const auto k = at.key("finalization_period_seconds"); k.present())
        c.finalization_period_seconds = k.number();
    // A window of 0 makes an output final the moment it is proposed: the proposer alone decides
    // what the validators sign. Only a devnet may ask for that, by name.
    const bool no_window_allowed =
        at.key("unsafe_no_challenge_window").present() && at.key("unsafe_no_challenge_window").boolean();
    if (c.family == ChainFamily::kOpStack && c.finalization_period_seconds == 0 && !no_window_allowed) {
        at.key("finalization_period_seconds")
            .fail(
                "0 trusts the proposer alone (no challenge window); set unsafe_no_challenge_window: true "
                "to allow it on a devnet");
    }
    if (const auto k = at.key("zk_rollup"); k.present()) c.zk_rollup = k.address();
    if (const auto k = at.key("finalized_state_roots_slot"); k.present())
        c.finalized_state_roots_slot = k.number();
    if (c.family == ChainFamily::kOpStack && !c.output_oracle)
        at.key("output_oracle").fail("missing (an opstack chain's L1 anchor)");
    if (c.family == ChainFamily::kZk && !c.zk_rollup)
        at.key("zk_rollup").fail("missing (a zk chain's L1 rollup contract)");
    if (c.family != ChainFamily::kL1 && !c.contracts) at.key("contracts").fail("missing (an L2's Mailbox)");
    return c;
}

chain::BlockTag tag_of(const At& at) {
    const auto t = at.text();
    if (t == "finalized") return chain::BlockTag::kFinalized;
    if (t == "safe") return chain::BlockTag::kSafe;
    if (t == "latest") return chain::BlockTag::kLatest;
    at.fail("not a block tag (finalized, safe or latest): " + t);
}

TrustSettings trust_of(const At& at) {
    TrustSettings t;
    if (!at.present()) return t;
    at.only({"quorum", "tag", "checkpoint", "refresh_ms"});
    if (const auto q = at.key("quorum"); q.present()) {
        t.quorum = q.number(64);
        if (t.quorum == 0) q.fail("must be at least 1");
    }
    if (const auto tag = at.key("tag"); tag.present()) t.tag = tag_of(tag);
    if (const auto cp = at.key("checkpoint"); cp.present()) {
        cp.only({"number", "hash"});
        t.checkpoint = chain::TrustedHead{cp.key("number").number(), cp.key("hash").hash(), "checkpoint"};
    }
    if (const auto r = at.key("refresh_ms"); r.present())
        t.refresh = std::chrono::milliseconds(std::max<uint64_t>(100, r.number()));
    return t;
}

const char* env(const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? v : nullptr;
}

// $CAUSEWAY_LOG_FORMAT and $CAUSEWAY_LOG_LEVEL over the file's `log:`.
log::Settings log_of(const At& at, const std::string& file) {
    log::Settings s;
    const auto apply = [&](const std::string& where, const std::string& format, const std::string& level) {
        if (!format.empty()) {
            const auto f = log::parse_format(format);
            if (!f) throw ConfigError(file + ": " + where + ": not a log format (text or json): " + format);
            s.format = *f;
        }
        if (!level.empty()) {
            const auto l = log::parse_level(level);
            if (!l)
                throw ConfigError(file + ": " + where +
                                  ": not a log level (debug, info, warn or error): " + level);
            s.level = *l;
        }
    };
    if (at.present()) {
        at.only({"format", "level"});
        apply("log", at.key("format").present() ? at.key("format").text() : "",
              at.key("level").present() ? at.key("level").text() : "");
    }
    apply("$CAUSEWAY_LOG_FORMAT / $CAUSEWAY_LOG_LEVEL",
          env("CAUSEWAY_LOG_FORMAT") ? env("CAUSEWAY_LOG_FORMAT") : "",
          env("CAUSEWAY_LOG_LEVEL") ? env("CAUSEWAY_LOG_LEVEL") : "");
    return s;
}

YAML::Node parse_file(const std::filesystem::path& file) {
    try {
        return YAML::LoadFile(file.string());
    } catch (const YAML::BadFile&) {
        throw ConfigError(file.string() + ": cannot read the file");
    } catch (const YAML::ParserException& e) {
        throw ConfigError(file.string() + ": not YAML: " + e.what());
    }
}

std::string database_of(const At& top) {
    if (const char* url = env("CAUSEWAY_DB_URL")) return url;
    if (const auto db = top.key("database"); db.present()) return db.text();
    top.key("database").fail("missing (or set $CAUSEWAY_DB_URL)");
}

void listen_of(const At& l, std::string& host, uint16_t& port) {
    if (!l.present()) return;
    const auto t = l.text();
    const auto colon = t.rfind(':');
    if (colon == std::string::npos) l.fail("not host:port: " + t);
    host = t.substr(0, colon);
    const At p{YAML::Node(t.substr(colon + 1)), l.path + " (port)", l.file};
    port = static_cast<uint16_t>(p.number(65535));
}

std::vector<ChainSettings> chains_of(const At& chains) {
    if (!chains.present() || !chains.node.IsSequence() || chains.node.size() == 0)
        chains.fail("a list of chains is needed");
    std::vector<ChainSettings> out;
    std::set<uint32_t> domains;
    std::size_t l1s = 0;
    for (std::size_t i = 0; i < chains.node.size(); ++i) {
        out.push_back(chain_of(chains.item(i)));
        if (!domains.insert(out.back().domain).second)
            chains.item(i).key("domain").fail("repeats another chain's");
        if (out.back().family == ChainFamily::kL1) ++l1s;
    }
    if (l1s != 1) chains.fail("exactly one chain of family l1 is needed, found " + std::to_string(l1s));
    return out;
}

std::chrono::milliseconds millis_of(const At& at, uint64_t min, uint64_t max) {
    return std::chrono::milliseconds(std::max(min, at.number(max)));
}

}  // namespace

std::string_view to_string(ChainFamily family) noexcept {
    switch (family) {
        case ChainFamily::kL1: return "l1";
        case ChainFamily::kOpStack: return "opstack";
        case ChainFamily::kZk: return "zk";
    }
    return "l1";
}

const ChainSettings& ValidatorConfig::l1() const {
    for (const auto& c : chains) {
        if (c.family == ChainFamily::kL1) return c;
    }
    throw ConfigError(file.string() + ": chains: no chain of family l1");
}

ValidatorConfig load_validator_config(const std::filesystem::path& file) {
    const std::string name = file.string();
    const At top{parse_file(file), "", &name};
    if (!top.node.IsMap()) top.fail("the file must be a map of keys");
    top.only({"key_file", "database", "schema", "listen", "log", "trust", "chains", "routes"});
    ValidatorConfig c;
    c.file = file;
    if (const auto k = top.key("key_file"); k.present()) c.key_file = k.text();
    c.database_url = database_of(top);
    if (const auto s = top.key("schema"); s.present()) c.schema = s.text();
    listen_of(top.key("listen"), c.listen_host, c.listen_port);
    c.log = log_of(top.key("log"), name);
    c.trust = trust_of(top.key("trust"));
    c.chains = chains_of(top.key("chains"));
    if (c.trust.quorum > c.l1().rpc.size()) {
        top.key("trust").key("quorum").fail("is " + std::to_string(c.trust.quorum) + " but the L1 has only " +
                                            std::to_string(c.l1().rpc.size()) + " endpoint(s)");
    }
    // `routes:` is read by the relayer; a validator signs for every message of its origins.
    return c;
}

const ChainSettings* RelayerConfig::chain_by_domain(uint32_t domain) const {
    for (const auto& c : chains) {
        if (c.domain == domain) return &c;
    }
    return nullptr;
}

RelayerConfig load_relayer_config(const std::filesystem::path& file) {
    const std::string name = file.string();
    const At top{parse_file(file), "", &name};
    if (!top.node.IsMap()) top.fail("the file must be a map of keys");
    top.only({"key_file", "database", "schema", "replica", "listen", "admin_token_file", "log", "relay",
              "trust", "chains", "routes"});
    RelayerConfig c;
    c.file = file;
    if (const auto k = top.key("key_file"); k.present()) c.key_file = k.text();
    c.database_url = database_of(top);
    if (const auto s = top.key("schema"); s.present()) c.schema = s.text();
    if (const auto r = top.key("replica"); r.present()) c.replica = r.text();
    listen_of(top.key("listen"), c.listen_host, c.listen_port);
    if (const auto t = top.key("admin_token_file"); t.present()) c.admin_token_file = t.text();
    c.log = log_of(top.key("log"), name);
    if (const auto r = top.key("relay"); r.present()) {
        r.only({"batch_size", "prepare_batch", "signature_timeout_ms", "replace_after_ms", "fee_bump_percent",
                "max_fee_per_gas_gwei", "lease_ms"});
        if (const auto k = r.key("batch_size"); k.present())
            c.relay.batch_size = static_cast<int>(std::max<uint64_t>(1, k.number(1'000)));
        if (const auto k = r.key("prepare_batch"); k.present())
            c.relay.prepare_batch = static_cast<int>(std::max<uint64_t>(1, k.number(10'000)));
        if (const auto k = r.key("signature_timeout_ms"); k.present())
            c.relay.signature_timeout = millis_of(k, 50, 60'000);
        if (const auto k = r.key("replace_after_ms"); k.present())
            c.relay.replace_after = millis_of(k, 1'000, 3'600'000);
        if (const auto k = r.key("fee_bump_percent"); k.present())
            c.relay.fee_bump_percent = static_cast<uint32_t>(std::max<uint64_t>(10, k.number(1'000)));
        if (const auto k = r.key("max_fee_per_gas_gwei"); k.present())
            c.relay.max_fee_per_gas_gwei = k.number(1'000'000);
        if (const auto k = r.key("lease_ms"); k.present()) c.relay.lease = millis_of(k, 1'000, 3'600'000);
    }
    c.chains = chains_of(top.key("chains"));
    const auto routes = top.key("routes");
    if (!routes.present() || !routes.node.IsSequence() || routes.node.size() == 0)
        routes.fail("a list of routes is needed (what the relayer relays)");
    for (std::size_t i = 0; i < routes.node.size(); ++i) {
        const At r = routes.item(i);
        r.only({"origin", "destination", "security_mode", "threshold", "validators", "pairs"});
        RouteSettings route;
        route.origin = static_cast<uint32_t>(r.key("origin").number(0xFFFFFFFF));
        route.destination = static_cast<uint32_t>(r.key("destination").number(0xFFFFFFFF));
        const ChainSettings* origin = c.chain_by_domain(route.origin);
        const ChainSettings* destination = c.chain_by_domain(route.destination);
        if (origin == nullptr || !origin->contracts)
            r.key("origin").fail("no L2 chain with this domain in chains");
        if (destination == nullptr || !destination->contracts)
            r.key("destination").fail("no L2 chain with this domain in chains");
        if (const auto m = r.key("security_mode"); m.present()) {
            route.security_mode = m.text();
            if (route.security_mode != "committee")
                m.fail("the relayer serves committee routes (message-id multisig): " + route.security_mode);
        }
        const auto validators = r.key("validators");
        if (!validators.present() || !validators.node.IsSequence() || validators.node.size() == 0)
            validators.fail("a list of {address, url} is needed");
        for (std::size_t v = 0; v < validators.node.size(); ++v) {
            const At item = validators.item(v);
            if (!item.node.IsMap())
                item.fail("must be {address: 0x..., url: http://...} (the relayer fetches signatures)");
            item.only({"address", "url"});
            route.validators.push_back(
                RouteValidator{item.key("address").address(), item.key("url").http_url()});
        }
        route.threshold = r.key("threshold").number(route.validators.size());
        if (route.threshold == 0) r.key("threshold").fail("must be at least 1");
        if (const auto pairs = r.key("pairs"); pairs.present()) {
            if (!pairs.node.IsSequence()) pairs.fail("a list of {sender, recipient}");
            for (std::size_t p = 0; p < pairs.node.size(); ++p) {
                const At item = pairs.item(p);
                item.only({"sender", "recipient"});
                route.pairs.emplace_back(item.key("sender").address(), item.key("recipient").address());
            }
        } else if (origin->contracts->vault && destination->contracts->vault) {
            route.pairs.emplace_back(*origin->contracts->vault, *destination->contracts->vault);
        } else {
            r.key("pairs").fail("missing, and the chains name no vaults to default to");
        }
        c.routes.push_back(std::move(route));
    }
    return c;
}

}  // namespace causeway::relayer
