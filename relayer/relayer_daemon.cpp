#include "relayer/relayer_daemon.hpp"

#include <unistd.h>

#include <boost/json.hpp>
#include <map>
#include <memory>
#include <thread>

#include "chain/failover_client.hpp"
#include "chain/json_rpc_client.hpp"
#include "core/hex.hpp"
#include "db/migrate.hpp"
#include "http/server.hpp"
#include "relayer/relayer.hpp"
#include "relayer/watcher.hpp"

namespace causeway::relayer {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

std::unique_ptr<chain::FailoverClient> client_for(const ChainSettings& chain) {
    std::vector<std::unique_ptr<chain::ChainClient>> endpoints;
    for (const auto& url : chain.rpc) {
        auto created = chain::HttpJsonRpcClient::create(url);
        if (!created) throw ConfigError(chain.name + ": " + created.error());
        endpoints.push_back(std::move(*created));
    }
    return std::make_unique<chain::FailoverClient>(std::move(endpoints));
}

std::string default_replica() {
    char host[256] = {};
    (void)gethostname(host, sizeof host - 1);
    return "relayer-" + std::string(host) + "-" + std::to_string(getpid());
}

// What lives on database connections: rebuilt whole when the database goes away.
struct Session {
    db::Connection watch_conn;
    std::vector<std::unique_ptr<Watcher>> watchers;
    std::unique_ptr<Relayer> relayer;
    db::Connection listen_conn;
    std::unique_ptr<db::QueueListener> listener;
};

}  // namespace

int run_relayer(const RelayerConfig& config, const PrivateKey& key, const log::Logger& log,
                const std::atomic<bool>& stop) {
    const std::string replica = config.replica.empty() ? default_replica() : config.replica;
    const db::ConnectOptions db_options{config.database_url, config.schema, "causeway-relayer"};
    {
        auto conn = db::Connection::open(db_options);
        (void)db::migrate(conn);
    }

    std::map<uint32_t, std::unique_ptr<chain::FailoverClient>> clients;
    for (const auto& chain : config.chains) clients[chain.domain] = client_for(chain);

    std::vector<RelayRoute> routes;
    std::set<uint32_t> origins;
    std::set<uint32_t> destination_domains;
    for (const auto& r : config.routes) {
        RelayRoute route;
        route.origin = r.origin;
        route.destination = r.destination;
        route.committee.origin = r.origin;
        route.committee.merkle_tree_hook = config.chain_by_domain(r.origin)->contracts->merkle_tree_hook;
        route.committee.threshold = r.threshold;
        for (const auto& v : r.validators)
            route.committee.validators.push_back(CommitteeValidator{v.address, v.url});
        for (const auto& [s, rcp] : r.pairs)
            route.pairs.insert({Hash::left_padded(s.view()), Hash::left_padded(rcp.view())});
        routes.push_back(std::move(route));
        origins.insert(r.origin);
        destination_domains.insert(r.destination);
    }
    std::vector<DestinationChain> destinations;
    for (const uint32_t domain : destination_domains) {
        const ChainSettings& c = *config.chain_by_domain(domain);
        destinations.push_back(DestinationChain{domain, c.chain_id, c.contracts->mailbox, c.confirmations,
                                                clients.at(domain).get()});
    }
    RelayerSettings settings;
    settings.owner = replica;
    settings.batch_size = config.relay.batch_size;
    settings.prepare_batch = config.relay.prepare_batch;
    settings.signature_timeout = config.relay.signature_timeout;
    settings.replace_after = config.relay.replace_after;
    settings.fee_bump_percent = config.relay.fee_bump_percent;
    settings.max_fee_per_gas = u256(config.relay.max_fee_per_gas_gwei) * u256(1'000'000'000);
    settings.lease = config.relay.lease;

    const auto open_session = [&] {
        auto s = std::make_unique<Session>(Session{
            db::Connection::open(db_options), {}, nullptr, db::Connection::open(db_options), nullptr});
        for (const uint32_t domain : origins) {
            const ChainSettings& c = *config.chain_by_domain(domain);
            WatcherSettings w;
            w.domain = domain;
            w.chain_id = c.chain_id;
            w.mailbox = c.contracts->mailbox;
            w.confirmations = c.confirmations;
            w.start_block = c.start_block;
            if (c.contracts->vault)
                w.collateral_senders.push_back(Hash::left_padded(c.contracts->vault->view()));
            s->watchers.push_back(std::make_unique<Watcher>(*clients.at(domain), s->watch_conn, w));
        }
        s->relayer = std::make_unique<Relayer>(db_options, routes, destinations, key, settings,
                                               log.child("relayer." + replica));
        s->listener = std::make_unique<db::QueueListener>(s->listen_conn);
        return s;
    };

    std::atomic<bool> ready{false};
    http::ServerSettings server_settings;
    server_settings.host = config.listen_host;
    server_settings.port = config.listen_port;
    http::Server server(server_settings);
    server.get("/healthz", [](const http::Request&) {
        return http::json_response(boost::json::object{{"ok", true}});
    });
    server.get("/readyz", [&](const http::Request&) {
        const bool ok = ready.load();
        return http::json_response(boost::json::object{{"ready", ok}}, ok ? 200 : 503);
    });
    const auto port = server.start();

    std::unique_ptr<Session> session;
    auto retry_at = Clock::now();
    log.info("relayer started", {{"replica", replica},
                                 {"signer", to_checksum_hex(key.address())},
                                 {"api", "http://" + config.listen_host + ":" + std::to_string(port)},
                                 {"routes", routes.size()}});
    while (!stop) {
        if (!session) {
            if (Clock::now() < retry_at) {
                std::this_thread::sleep_for(50ms);
                continue;
            }
            try {
                session = open_session();
                ready = true;
                log.info("database connected");
            } catch (const db::Error& e) {
                ready = false;
                log.warn("database unreachable: retrying", {{"error", e.what()}});
                retry_at = Clock::now() + 1s;
                continue;
            }
        }
        try {
            for (auto& w : session->watchers) {
                if (!w->lead()) continue;  // another replica watches this origin
                const auto step = w->step();
                if (!step) {
                    log.warn("watcher", {{"stream", Watcher::stream_name(w->settings().mailbox)},
                                         {"error", step.error().message}});
                } else if (*step && (*step)->reorg) {
                    log.warn("reorg on the origin",
                             {{"orphaned", (*step)->orphaned}, {"fork", (*step)->fork.value_or(0)}});
                }
            }
            const auto p = session->relayer->prepare();
            const auto s = session->relayer->submit();
            const auto c = session->relayer->confirm();
            if (p.advanced + s.advanced + c.advanced + p.dead_lettered + c.dead_lettered + c.sent_back > 0) {
                log.info("pass", {{"verified", p.advanced},
                                  {"submitted", s.advanced},
                                  {"transactions", s.transactions},
                                  {"delivered", c.advanced},
                                  {"dead_lettered", p.dead_lettered + s.dead_lettered + c.dead_lettered},
                                  {"sent_back", c.sent_back}});
            }
            const bool busy = p.claimed + s.claimed > 0 && (p.advanced + s.advanced > 0);
            if (!busy) {
                // Until a stage has work (a notification), or a short poll: receipts and heads need one.
                (void)session->listener->wait(200ms);
                (void)session->listener->take_payloads();
            }
        } catch (const db::Error& e) {
            ready = false;
            log.error("database failure: reconnecting", {{"error", e.what()}});
            session.reset();
            retry_at = Clock::now() + 500ms;
        }
    }
    server.stop();
    log.info("relayer stopped", {{"replica", replica}});
    return 0;
}

}  // namespace causeway::relayer
