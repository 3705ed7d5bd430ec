#include "relayer/relayer_daemon.hpp"

#include <unistd.h>

#include <array>
#include <boost/json.hpp>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "chain/failover_client.hpp"
#include "chain/json_rpc_client.hpp"
#include "core/hex.hpp"
#include "db/ledger.hpp"
#include "db/migrate.hpp"
#include "db/routes.hpp"
#include "http/server.hpp"
#include "monitoring/metrics.hpp"
#include "relayer/admin_api.hpp"
#include "relayer/daemon_support.hpp"
#include "relayer/relayer.hpp"
#include "relayer/watcher.hpp"

namespace causeway::relayer {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// $CAUSEWAY_ADMIN_TOKEN, else the first line of the configured file.
std::optional<std::string> admin_token(const RelayerConfig& config) {
    if (const char* t = std::getenv("CAUSEWAY_ADMIN_TOKEN"); t != nullptr && *t != '\0')
        return std::string(t);
    if (!config.admin_token_file) return std::nullopt;
    std::ifstream in(*config.admin_token_file);
    std::string token;
    if (!in || !std::getline(in, token) || token.empty())
        throw ConfigError(config.file.string() + ": admin_token_file: cannot read a token from " +
                          config.admin_token_file->string());
    return token;
}

std::string domain_text(uint32_t d) {
    return std::to_string(d);
}

std::string default_replica() {
    char host[256] = {};
    (void)gethostname(host, sizeof host - 1);
    return "relayer-" + std::string(host) + "-" + std::to_string(getpid());
}

// What lives on database connections: rebuilt whole when the database goes away.
// Each stage runs on a thread of its own with its own connections, so that a slow stage (signatures
// still coming, a large simulation) never holds up another (submitting what is verified).
struct Session {
    db::Connection watch_conn;
    std::vector<std::unique_ptr<Watcher>> watchers;
    std::unique_ptr<Relayer> preparer;
    std::unique_ptr<Relayer> submitter;  // owns the nonce streams
    std::unique_ptr<Relayer> confirmer;
    db::Connection listen_conn;
    std::unique_ptr<db::QueueListener> listener;
    std::atomic<bool> failed{false};  // a stage met a database failure: the session is rebuilt
    std::string failure;
    std::mutex failure_mutex;
    std::vector<std::thread> stages;

    ~Session() {
        failed = true;
        for (auto& t : stages) {
            if (t.joinable()) t.join();
        }
    }
};

}  // namespace

int run_relayer(const RelayerConfig& config, const PrivateKey& key, const log::Logger& log,
                const std::atomic<bool>& stop) {
    const std::string replica = config.replica.empty() ? default_replica() : config.replica;
    const db::ConnectOptions db_options{config.database_url, config.schema, "causeway-relayer"};
    {
        auto conn = db::Connection::open(db_options);
        (void)db::migrate(conn, std::numeric_limits<int>::max(), "causeway relayer " + replica);
    }

    monitoring::Metrics metrics;
    metrics.set("causeway_up", {{"stage", "relayer"}}, 1);
    std::map<uint32_t, std::unique_ptr<chain::FailoverClient>> clients;
    for (const auto& chain : config.chains) clients[chain.domain] = client_for(chain, &metrics);

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
    // Each stage its own clients (one keep-alive connection per endpoint each): a simulation on one
    // does not queue a broadcast behind it.
    std::array<std::map<uint32_t, std::unique_ptr<chain::FailoverClient>>, 3> stage_clients;
    std::array<std::vector<DestinationChain>, 3> stage_destinations;
    for (std::size_t i = 0; i < 3; ++i) {
        for (const uint32_t domain : destination_domains) {
            const ChainSettings& c = *config.chain_by_domain(domain);
            stage_clients[i][domain] = client_for(c, &metrics);
            stage_destinations[i].push_back(DestinationChain{domain, c.chain_id, c.contracts->mailbox,
                                                             c.confirmations,
                                                             stage_clients[i].at(domain).get()});
        }
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
    settings.stopping = [&stop] { return stop.load(); };

    const auto open_session = [&] {
        auto s = std::make_unique<Session>(db::Connection::open(db_options),
                                           std::vector<std::unique_ptr<Watcher>>{}, nullptr, nullptr, nullptr,
                                           db::Connection::open(db_options), nullptr);
        for (const uint32_t domain : origins) {
            const ChainSettings& c = *config.chain_by_domain(domain);
            WatcherSettings w = watcher_settings(c);
            // Only the vault's messages weigh on route limits.
            if (c.contracts->vault)
                w.collateral_senders.push_back(Hash::left_padded(c.contracts->vault->view()));
            s->watchers.push_back(std::make_unique<Watcher>(*clients.at(domain), s->watch_conn, w));
        }
        s->preparer = std::make_unique<Relayer>(db_options, routes, stage_destinations[0], key, settings,
                                                log.child("relayer." + replica));
        s->submitter = std::make_unique<Relayer>(db_options, routes, stage_destinations[1], key, settings,
                                                 log.child("relayer." + replica));
        s->confirmer = std::make_unique<Relayer>(db_options, routes, stage_destinations[2], key, settings,
                                                 log.child("relayer." + replica));
        s->listener = std::make_unique<db::QueueListener>(
            s->listen_conn,
            std::vector<std::string>{s->listen_conn.queue_channel(), s->listen_conn.routes_channel()});
        return s;
    };

    Readiness readiness;
    http::ServerSettings server_settings;
    server_settings.host = config.listen_host;
    server_settings.port = config.listen_port;
    server_settings.token = admin_token(config);
    http::Server server(server_settings);
    // The routing modules' guardian key, for pauses on chain through the admin API: from the
    // environment only, erased once read.
    std::optional<PrivateKey> guardian;
    if (char* g = std::getenv("CAUSEWAY_GUARDIAN_KEY"); g != nullptr && *g != '\0') {
        auto parsed = PrivateKey::from_hex(std::string_view(g));
        std::memset(g, 0, std::strlen(g));
        ::unsetenv("CAUSEWAY_GUARDIAN_KEY");
        if (!parsed) throw ConfigError("$CAUSEWAY_GUARDIAN_KEY does not hold a private key (64 hex digits)");
        guardian = std::move(*parsed);
    }
    serve_admin(server, AdminContext{db_options, &metrics, &readiness, &config, std::move(guardian)});
    const auto port = server.start();

    // Gauges from the database and the chains, every few seconds.
    const auto refresh_metrics = [&](Session& session) {
        db::Queue queue(session.watch_conn);
        // Read first, then swapped in: a scrape meanwhile sees the old values, not none.
        const auto counts = queue.counts();
        metrics.clear("causeway_messages");
        metrics.clear("causeway_queue_oldest_age_seconds");
        for (const auto& c : counts) {
            const monitoring::Labels labels{{"origin", domain_text(c.origin)},
                                            {"destination", domain_text(c.destination)},
                                            {"stage", std::string(db::to_string(c.state))}};
            metrics.set("causeway_messages", labels, static_cast<double>(c.count));
            metrics.set("causeway_queue_oldest_age_seconds", labels, c.oldest_age_seconds);
        }
        for (const auto& r : db::list_routes(session.watch_conn)) {
            const std::string o = domain_text(r.origin);
            const std::string d = domain_text(r.destination);
            metrics.set("causeway_route_paused", {{"origin", o}, {"destination", d}}, r.paused ? 1 : 0);
            if (r.tokens)
                metrics.set("causeway_route_limit_headroom",
                            {{"origin", o}, {"destination", d}, {"reason", "rate_tokens"}}, *r.tokens);
            if (r.limits.daily_cap) {
                const u256 left =
                    *r.limits.daily_cap > r.admitted_24h ? *r.limits.daily_cap - r.admitted_24h : u256(0);
                metrics.set("causeway_route_limit_headroom",
                            {{"origin", o}, {"destination", d}, {"reason", "daily_cap_notional"}},
                            std::stod(to_decimal(left)));
            }
        }
        const std::string signer = to_checksum_hex(key.address());
        std::map<std::string, bool> chains_up;
        std::map<std::string, std::string> problems;
        for (const auto& c : config.chains) {
            auto& client = *clients.at(c.domain);
            chain::Batch batch;
            auto price = batch.add(chain::calls::gas_price());
            auto balance = batch.add(chain::calls::balance(key.address(), jsonrpc::BlockId::latest()));
            client.execute(batch);
            chains_up[c.name] = price.get().has_value();
            if (!price.get()) {
                problems[c.name] = price.get().error().to_string();
                continue;
            }
            metrics.set("causeway_gas_price_wei", {{"chain", c.name}}, std::stod(to_decimal(*price.get())));
            if (balance.get())
                metrics.set("causeway_signer_balance_wei", {{"chain", c.name}, {"signer", signer}},
                            std::stod(to_decimal(*balance.get())));
        }
        for (const auto& d : destinations) {
            const auto stored = db::stored_next_nonce(session.watch_conn, d.chain_id, key.address());
            const auto mined = d.client->nonce(key.address(), jsonrpc::BlockId::latest());
            if (stored && mined) {
                metrics.set("causeway_nonce_gap",
                            {{"chain", config.chain_by_domain(d.domain)->name}, {"signer", signer}},
                            static_cast<double>(*stored > *mined ? *stored - *mined : 0));
            }
        }
        const std::lock_guard lock(readiness.mutex);
        readiness.chains = std::move(chains_up);
        readiness.chain_problems = std::move(problems);
    };
    const auto record = [&](const StageResult& r) {
        for (const auto& d : r.delivered) {
            const monitoring::Labels labels{{"origin", domain_text(d.origin)},
                                            {"destination", domain_text(d.destination)}};
            metrics.add("causeway_messages_delivered_total", labels);
            metrics.observe("causeway_delivery_latency_seconds", labels, d.seconds);
        }
        for (const auto& f : r.dead_letters) {
            metrics.add("causeway_messages_failed_total", {{"origin", domain_text(f.origin)},
                                                           {"destination", domain_text(f.destination)},
                                                           {"reason", f.reason}});
        }
    };

    // One thread per stage; a database failure in any ends the session (all of them), which the
    // main loop then rebuilds.
    const auto start_stages = [&](Session& session) {
        const auto run = [&session, &stop, &record, &log](const char* name, Relayer& relayer,
                                                          StageResult (Relayer::*stage)()) {
            return std::thread([&session, &stop, &record, &log, name, &relayer, stage] {
                while (!stop && !session.failed) {
                    try {
                        const auto started = Clock::now();
                        const auto r = (relayer.*stage)();
                        record(r);
                        if (r.advanced + r.dead_lettered + r.sent_back + r.transactions > 0) {
                            log.info(name, {{"claimed", r.claimed},
                                            {"advanced", r.advanced},
                                            {"transactions", r.transactions},
                                            {"deferred", r.deferred},
                                            {"dead_lettered", r.dead_lettered},
                                            {"sent_back", r.sent_back},
                                            {"ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                                       Clock::now() - started)
                                                       .count()}});
                        }
                        if (r.claimed == 0) std::this_thread::sleep_for(50ms);
                    } catch (const db::Error& e) {
                        const std::lock_guard lock(session.failure_mutex);
                        session.failure = std::string(name) + ": " + e.what();
                        session.failed = true;
                    }
                }
            });
        };
        session.stages.push_back(run("prepare", *session.preparer, &Relayer::prepare));
        session.stages.push_back(run("submit", *session.submitter, &Relayer::submit));
        session.stages.push_back(run("confirm", *session.confirmer, &Relayer::confirm));
    };

    std::unique_ptr<Session> session;
    auto retry_at = Clock::now();
    auto next_metrics = Clock::now();
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
                readiness.database = true;
                // Ready as soon as the database and the chains answer: before the first pass, whatever
                // the backlog.
                refresh_metrics(*session);
                next_metrics = Clock::now() + 2s;
                start_stages(*session);
                log.info("database connected");
            } catch (const db::Error& e) {
                readiness.database = false;
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
                } else if (*step && (*step)->enqueued.inserted > 0) {
                    metrics.add("causeway_messages_observed_total",
                                {{"origin", domain_text(w->settings().domain)}},
                                static_cast<double>((*step)->enqueued.inserted));
                }
                if (step && *step && (*step)->reorg) {
                    log.warn("reorg on the origin",
                             {{"orphaned", (*step)->orphaned}, {"fork", (*step)->fork.value_or(0)}});
                }
            }
            // Every 2 s, and at once when a route changed (a pause anywhere is in /metrics within
            // the 100 ms wait below).
            if (Clock::now() >= next_metrics ||
                !session->listener->take_payloads(session->listen_conn.routes_channel()).empty()) {
                refresh_metrics(*session);
                next_metrics = Clock::now() + 2s;
            }
            if (session->failed) throw db::Error(session->failure);
            // Until a stage has work or a route changed (a notification), or a short poll: heads need one.
            (void)session->listener->wait(100ms);
            (void)session->listener->take_payloads();
        } catch (const db::Error& e) {
            readiness.database = false;
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
