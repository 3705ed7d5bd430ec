#include "relayer/validator_daemon.hpp"

#include <boost/json.hpp>
#include <map>
#include <memory>
#include <thread>

#include "chain/failover_client.hpp"
#include "chain/json_rpc_client.hpp"
#include "chain/trusted_head.hpp"
#include "core/hex.hpp"
#include "db/migrate.hpp"
#include "http/server.hpp"
#include "relayer/checkpoints.hpp"
#include "relayer/evidence.hpp"
#include "relayer/validator.hpp"
#include "relayer/watcher.hpp"

namespace causeway::relayer {
namespace {

using Clock = std::chrono::steady_clock;

// A message waiting for its window is looked at again at most this long after: L1 time may run
// ahead of the wall clock (a devnet's warps), and one look costs a call and three proofs.
constexpr uint64_t kMaxFinalityWaitS = 5;

std::unique_ptr<chain::FailoverClient> client_for(const ChainSettings& chain) {
    std::vector<std::unique_ptr<chain::ChainClient>> endpoints;
    for (const auto& url : chain.rpc) {
        auto created = chain::HttpJsonRpcClient::create(url);
        if (!created) throw ConfigError(chain.name + ": " + created.error());
        endpoints.push_back(std::move(*created));
    }
    return std::make_unique<chain::FailoverClient>(std::move(endpoints));
}

// The OP Stack light client's verdict as the validator's loop reads it.
Verification verify_opstack(chain::ChainClient& l1, chain::ChainClient& l2,
                            const client::OpStackConfig& config,
                            const std::optional<chain::TrustedHead>& head, const db::QueuedMessage& m) {
    using namespace std::chrono_literals;
    if (!head) return Verification{VerifyOutcome::kNotYet, "no trusted L1 head yet", 1s};
    const auto check = check_opstack_message(l1, l2, config, *head, m.id, m.block_number);
    if (!check)
        return Verification{VerifyOutcome::kNotYet, check.error().message, check.error().not_yet ? 1s : 2s};
    if (!check->result.ok()) {
        return Verification{
            VerifyOutcome::kInvalid,
            "the light client refuses it: " + std::string(client::to_string(check->result.verdict)), 0ms};
    }
    if (check->result.is_final()) return Verification{VerifyOutcome::kFinal, "", 0ms};
    // Valid, final at final_at (L1 time): look again about then.
    const uint64_t wait_s = check->result.final_at && *check->result.final_at > check->l1_time
                                ? *check->result.final_at - check->l1_time
                                : 1;
    return Verification{VerifyOutcome::kNotYet,
                        "final at L1 time " + std::to_string(check->result.final_at.value_or(0)),
                        std::chrono::milliseconds(std::min<uint64_t>(wait_s, kMaxFinalityWaitS) * 1000)};
}

}  // namespace

int run_validator(const ValidatorConfig& config, const PrivateKey& key, const log::Logger& log,
                  const std::atomic<bool>& stop) {
    // The validator's own schema, brought up to date: nothing else writes it.
    const db::ConnectOptions db_options{config.database_url, config.schema, "causeway-validator"};
    auto conn = db::Connection::open(db_options);
    (void)db::migrate(conn);
    auto reads = db::Connection::open(db_options);

    CheckpointSigner signer(conn, key);
    const auto checked = signer.verify_store();
    log.info("store checked", {{"validator", to_checksum_hex(signer.address())}, {"checkpoints", checked}});

    std::map<std::string, std::unique_ptr<chain::FailoverClient>> clients;
    for (const auto& chain : config.chains) clients[chain.name] = client_for(chain);
    chain::FailoverClient& l1 = *clients.at(config.l1().name);

    chain::TrustedHeadTracker tracker(config.trust.checkpoint);
    const auto refresh_head = [&] {
        const auto endpoints = l1.endpoints();
        chain::QuorumSettings settings;
        settings.tag = config.trust.tag;
        settings.quorum = config.trust.quorum;
        const auto result = chain::quorum_head(endpoints, settings);
        const auto update = tracker.update(result);
        for (const auto& liar : result.disagreeing)
            log.warn("L1 endpoint disagrees with the quorum", {{"endpoint", liar}});
        if (update == chain::TrustedHeadTracker::Update::kConflict) {
            log.error("a quorum names another hash for the trusted L1 block: keeping the trusted head");
        } else if (update == chain::TrustedHeadTracker::Update::kAdvanced) {
            log.debug("trusted L1 head",
                      {{"number", tracker.head()->number}, {"hash", to_hex(tracker.head()->hash)}});
        }
    };

    std::vector<std::unique_ptr<Watcher>> watchers;
    std::vector<ValidatorOrigin> origins;
    for (const auto& chain : config.chains) {
        if (chain.family == ChainFamily::kL1) continue;
        chain::FailoverClient& l2 = *clients.at(chain.name);
        WatcherSettings w;
        w.domain = chain.domain;
        w.chain_id = chain.chain_id;
        w.mailbox = chain.contracts->mailbox;
        w.confirmations = chain.confirmations;
        w.start_block = chain.start_block;
        watchers.push_back(std::make_unique<Watcher>(l2, conn, w));
        if (chain.family != ChainFamily::kOpStack) {
            log.warn("no light client for this chain family yet: its messages are not signed",
                     {{"chain", chain.name}, {"family", std::string(to_string(chain.family))}});
            continue;
        }
        client::OpStackConfig op;
        op.oracle = *chain.output_oracle;
        op.mailbox = {chain.contracts->mailbox, u256(chain.contracts->mailbox_dispatched_slot)};
        op.policy = {chain.confirmations, chain.finalization_period_seconds, finality::Level::kAnchored};
        origins.push_back(ValidatorOrigin{chain.domain, chain.contracts->merkle_tree_hook,
                                          [&l1, &l2, op, &tracker](const db::QueuedMessage& m) {
                                              return verify_opstack(l1, l2, op, tracker.head(), m);
                                          }});
    }
    Validator validator(conn, signer, std::move(origins));

    http::ServerSettings server_settings;
    server_settings.host = config.listen_host;
    server_settings.port = config.listen_port;
    http::Server server(server_settings);
    CheckpointReader reader{reads, signer.address(), {}};
    serve_checkpoints(server, reader);
    std::atomic<bool> ready{false};
    server.get("/healthz", [](const http::Request&) {
        return http::json_response(boost::json::object{{"ok", true}});
    });
    server.get("/readyz", [&](const http::Request&) {
        const bool ok = ready.load();
        return http::json_response(boost::json::object{{"ready", ok}}, ok ? 200 : 503);
    });
    const auto port = server.start();
    log.info("validator started", {{"validator", to_checksum_hex(signer.address())},
                                   {"api", "http://" + config.listen_host + ":" + std::to_string(port)},
                                   {"origins", watchers.size()}});

    auto next_head = Clock::now();
    while (!stop) {
        try {
            if (Clock::now() >= next_head) {
                refresh_head();
                next_head = Clock::now() + config.trust.refresh;
            }
            for (auto& w : watchers) {
                const auto step = w->step();
                if (!step) {
                    log.warn("watcher", {{"stream", Watcher::stream_name(w->settings().mailbox)},
                                         {"error", step.error().message}});
                } else if (*step && (*step)->reorg) {
                    log.warn("reorg on the origin", {{"orphaned", (*step)->orphaned}});
                }
            }
            const auto s = validator.step();
            if (s.signed_checkpoints > 0) log.info("signed", {{"checkpoints", s.signed_checkpoints}});
            ready = tracker.head().has_value();
        } catch (const db::Error& e) {
            // The store refuses what would break the one-root rule, or the database is away: say so
            // and try again (nothing was signed).
            log.error("pass failed", {{"error", e.what()}});
        }
        const auto until = Clock::now() + std::chrono::milliseconds(200);
        while (!stop && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    server.stop();
    log.info("validator stopped");
    return 0;
}

}  // namespace causeway::relayer
