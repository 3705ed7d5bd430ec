#include "relayer/validator_daemon.hpp"

#include <boost/json.hpp>
#include <map>
#include <memory>
#include <thread>

#include "chain/failover_client.hpp"
#include "chain/json_rpc_client.hpp"
#include "chain/trusted_head.hpp"
#include "core/abi.hpp"
#include "core/hex.hpp"
#include "db/migrate.hpp"
#include "http/server.hpp"
#include "monitoring/metrics.hpp"
#include "relayer/checkpoints.hpp"
#include "relayer/daemon_support.hpp"
#include "relayer/evidence.hpp"
#include "relayer/validator.hpp"
#include "relayer/watcher.hpp"

namespace causeway::relayer {
namespace {

using Clock = std::chrono::steady_clock;

// A message waiting for its window is looked at again at most this long after: L1 time may run
// ahead of the wall clock (a devnet's warps), and one look costs a call and three proofs.
constexpr uint64_t kMaxFinalityWaitS = 5;

// How one chain family's light client is asked about a message: the evidence fetched and checked
// as of a trusted L1 head.
using LightClientAsk = std::function<std::expected<LightClientCheck, EvidenceError>(
    const chain::TrustedHead& head, const Hash& message_id, uint64_t message_block)>;

// A light client's verdict as the validator's loop reads it. A message proven valid but not yet
// final (OP Stack: inside the challenge window) is remembered with the L1 time at which it will be,
// so that until then each look costs nothing but the trusted head's timestamp; at that time it is
// proven again in full (the output may have been deleted in its window), and only that second
// verdict can make it final. `covered_call` is the anchor contract's view of the newest L2 block it
// covers (an OP oracle's latestBlockNumber(), a ZK rollup's lastFinalizedBlock()).
class LightClientVerifier {
  public:
    LightClientVerifier(chain::ChainClient& l1, Address anchor, std::string_view covered_call,
                        LightClientAsk ask, const chain::TrustedHeadTracker& tracker)
        : l1_(l1), anchor_(anchor), covered_call_(covered_call), ask_(std::move(ask)), tracker_(tracker) {}

    Verification operator()(const db::QueuedMessage& m) {
        using namespace std::chrono_literals;
        const auto head = tracker_.head();
        if (!head) return Verification{VerifyOutcome::kNotYet, "no trusted L1 head yet", 1s};
        if (const auto known = final_at_.find(m.id); known != final_at_.end()) {
            const auto now = head_time(*head);
            if (now && *now < known->second) {
                return Verification{VerifyOutcome::kNotYet,
                                    "final at L1 time " + std::to_string(known->second),
                                    std::chrono::milliseconds(
                                        std::min<uint64_t>(known->second - *now, kMaxFinalityWaitS) * 1000)};
            }
        }
        // Above the newest L2 block the anchor covers, nothing can be proven yet: one call per head
        // says so for every such message (a burst is dispatched faster than outputs are posted).
        if (const auto covered = covered_block(*head); covered && m.block_number > *covered) {
            return Verification{VerifyOutcome::kNotYet,
                                "nothing anchored covers L2 block " + std::to_string(m.block_number) + " yet",
                                1s};
        }
        const auto check = ask_(*head, m.id, m.block_number);
        if (!check)
            return Verification{VerifyOutcome::kNotYet, check.error().message,
                                check.error().not_yet ? 1s : 2s};
        if (!check->result.ok()) {
            final_at_.erase(m.id);
            return Verification{
                VerifyOutcome::kInvalid,
                "the light client refuses it: " + std::string(client::to_string(check->result.verdict)), 0ms};
        }
        if (check->result.is_final()) {
            final_at_.erase(m.id);
            return Verification{VerifyOutcome::kFinal, "", 0ms};
        }
        const uint64_t final_at = check->result.final_at.value_or(check->l1_time + 1);
        final_at_[m.id] = final_at;
        if (final_at_.size() > kRemembered) final_at_.erase(final_at_.begin());
        const uint64_t wait_s = final_at > check->l1_time ? final_at - check->l1_time : 1;
        return Verification{VerifyOutcome::kNotYet, "final at L1 time " + std::to_string(final_at),
                            std::chrono::milliseconds(std::min<uint64_t>(wait_s, kMaxFinalityWaitS) * 1000)};
    }

  private:
    static constexpr std::size_t kRemembered = 1'000'000;

    // The newest L2 block the oracle has an output for at the trusted head, read once per head.
    std::optional<uint64_t> covered_block(const chain::TrustedHead& head) {
        if (covered_ && covered_->first == head.hash) return covered_->second;
        jsonrpc::CallRequest call;
        call.to = anchor_;
        const auto selector = abi::function_selector(covered_call_);
        call.data = Bytes(selector.bytes.begin(), selector.bytes.end());
        const auto word = l1_.call(call, jsonrpc::BlockId::number(head.number));
        if (!word || word->size() != 32) return std::nullopt;
        const u256 n = u256_from_be(*word);
        if (n > u256(std::numeric_limits<uint64_t>::max())) return std::nullopt;
        covered_ = std::pair(head.hash, static_cast<uint64_t>(n));
        return covered_->second;
    }

    // The trusted head's timestamp, read once per head.
    std::optional<uint64_t> head_time(const chain::TrustedHead& head) {
        if (head_time_ && head_time_->first == head.hash) return head_time_->second;
        const auto header = l1_.header_by_number(jsonrpc::BlockId::number(head.number));
        // The timestamp counts only from the header the trusted hash names.
        if (!header || !*header || compute_hash(**header) != head.hash) return std::nullopt;
        head_time_ = std::pair(head.hash, (*header)->timestamp);
        return (*header)->timestamp;
    }

    chain::ChainClient& l1_;
    Address anchor_;
    std::string covered_call_;
    LightClientAsk ask_;
    const chain::TrustedHeadTracker& tracker_;
    std::map<Hash, uint64_t> final_at_;
    std::optional<std::pair<Hash, uint64_t>> head_time_;
    std::optional<std::pair<Hash, uint64_t>> covered_;
};

// The validator's hint of the ids it asks about next, kept in an evidence cache's records.
template <typename Cache>
ExpectHint expect_into(std::shared_ptr<Cache> cache) {
    return [cache](std::span<const Hash> ids) { cache->records.expected.assign(ids.begin(), ids.end()); };
}

}  // namespace

namespace {

// What lives on the database connection: rebuilt whole when the database goes away (the store is
// checked again each time, so a store tampered with meanwhile is refused too).
struct Session {
    db::Connection conn;
    std::unique_ptr<CheckpointSigner> signer;
    std::vector<std::unique_ptr<Watcher>> watchers;
    std::unique_ptr<Validator> validator;
};

}  // namespace

int run_validator(const ValidatorConfig& config, const PrivateKey& key, const log::Logger& log,
                  const std::atomic<bool>& stop) {
    using namespace std::chrono_literals;
    // The validator's own schema, brought up to date: nothing else writes it.
    const db::ConnectOptions db_options{config.database_url, config.schema, "causeway-validator"};
    {
        auto conn = db::Connection::open(db_options);
        (void)db::migrate(conn, std::numeric_limits<int>::max(),
                          "causeway validator " + to_checksum_hex(key.address()));
    }

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

    // The verifiers outlive sessions: what they learned (when a message becomes final) stays.
    std::vector<ValidatorOrigin> origins;
    std::vector<WatcherSettings> watched;
    for (const auto& chain : config.chains) {
        if (chain.family == ChainFamily::kL1) continue;
        chain::FailoverClient& l2 = *clients.at(chain.name);
        watched.push_back(watcher_settings(chain));
        const client::MailboxConfig mailbox{chain.contracts->mailbox,
                                            u256(chain.contracts->mailbox_dispatched_slot)};
        std::shared_ptr<LightClientVerifier> verifier;
        ExpectHint expect;
        if (chain.family == ChainFamily::kOpStack) {
            client::OpStackConfig op;
            op.oracle = *chain.output_oracle;
            op.mailbox = mailbox;
            op.policy = {chain.confirmations, chain.finalization_period_seconds, finality::Level::kAnchored};
            auto cache = std::make_shared<OutputEvidenceCache>();
            expect = expect_into(cache);
            verifier = std::make_shared<LightClientVerifier>(
                l1, op.oracle, "latestBlockNumber()",
                [&l1, &l2, op, cache](const chain::TrustedHead& head, const Hash& id, uint64_t block) {
                    return check_opstack_message(l1, l2, op, head, id, block, cache.get());
                },
                tracker);
        } else {
            // A finalized batch's root is final once written: a validity proof was checked for it.
            client::ZkConfig zk;
            zk.anchor = {"zk rollup", *chain.zk_rollup, u256(chain.finalized_state_roots_slot)};
            zk.mailbox = mailbox;
            auto cache = std::make_shared<BatchEvidenceCache>();
            expect = expect_into(cache);
            verifier = std::make_shared<LightClientVerifier>(
                l1, zk.anchor.contract, "lastFinalizedBlock()",
                [&l1, &l2, zk, cache](const chain::TrustedHead& head, const Hash& id, uint64_t block) {
                    return check_zk_message(l1, l2, zk, head, id, block, cache.get());
                },
                tracker);
        }
        origins.push_back(ValidatorOrigin{chain.domain, chain.contracts->merkle_tree_hook,
                                          [verifier](const db::QueuedMessage& m) { return (*verifier)(m); },
                                          expect});
    }
    const auto open_session = [&] {
        auto s = std::make_unique<Session>(Session{db::Connection::open(db_options), nullptr, {}, nullptr});
        s->signer = std::make_unique<CheckpointSigner>(s->conn, key);
        const auto checked = s->signer->verify_store();
        log.info("store checked",
                 {{"validator", to_checksum_hex(s->signer->address())}, {"checkpoints", checked}});
        // Each watcher reads its own chain.
        for (const auto& chain : config.chains) {
            if (chain.family == ChainFamily::kL1) continue;
            for (const auto& w : watched) {
                if (w.domain == chain.domain)
                    s->watchers.push_back(std::make_unique<Watcher>(*clients.at(chain.name), s->conn, w));
            }
        }
        s->validator = std::make_unique<Validator>(s->conn, *s->signer, origins);
        return s;
    };
    // A store tampered with stops the start here.
    auto session = open_session();

    http::ServerSettings server_settings;
    server_settings.host = config.listen_host;
    server_settings.port = config.listen_port;
    http::Server server(server_settings);
    CheckpointReader reader{[&db_options] { return db::Connection::open(db_options); }, key.address()};
    serve_checkpoints(server, reader);
    std::atomic<bool> ready{false};
    server.get("/healthz", [](const http::Request&) {
        return http::json_response(boost::json::object{{"ok", true}});
    });
    server.get("/readyz", [&](const http::Request&) {
        const bool ok = ready.load();
        return http::json_response(boost::json::object{{"ready", ok}}, ok ? 200 : 503);
    });
    monitoring::Metrics metrics;
    metrics.set("causeway_up", {{"stage", "validator"}}, 1);
    server.get("/metrics", [&metrics](const http::Request&) {
        http::Response r;
        r.content_type = std::string(monitoring::kTextContentType);
        r.body = metrics.text();
        return r;
    });
    const std::string validator_label = to_checksum_hex(key.address());
    const auto export_indexes = [&](Validator& v) {
        for (const auto& w : watched) {
            const auto next = v.next_index(w.domain);
            if (next > 0)
                metrics.set("causeway_checkpoint_index",
                            {{"origin", std::to_string(w.domain)}, {"validator", validator_label}},
                            static_cast<double>(next - 1));
        }
    };
    const auto port = server.start();
    log.info("validator started", {{"validator", to_checksum_hex(key.address())},
                                   {"api", "http://" + config.listen_host + ":" + std::to_string(port)},
                                   {"origins", watched.size()}});

    auto next_head = Clock::now();
    auto retry_at = Clock::now();
    while (!stop) {
        if (!session) {
            if (Clock::now() < retry_at) {
                std::this_thread::sleep_for(50ms);
                continue;
            }
            try {
                session = open_session();
                export_indexes(*session->validator);
                log.info("database connected");
            } catch (const db::Error& e) {
                ready = false;
                log.warn("database unreachable: retrying", {{"error", e.what()}});
                retry_at = Clock::now() + 1s;
                continue;
            }
        }
        try {
            if (Clock::now() >= next_head) {
                refresh_head();
                next_head = Clock::now() + config.trust.refresh;
            }
            for (auto& w : session->watchers) {
                const auto step = w->step();
                if (!step) {
                    log.warn("watcher", {{"stream", Watcher::stream_name(w->settings().mailbox)},
                                         {"error", step.error().message}});
                } else if (*step && (*step)->reorg) {
                    log.warn("reorg on the origin", {{"orphaned", (*step)->orphaned}});
                }
            }
            const auto s = session->validator->step();
            if (s.signed_checkpoints > 0) {
                log.info("signed", {{"checkpoints", s.signed_checkpoints}});
                export_indexes(*session->validator);
            }
            ready = tracker.head().has_value();
            metrics.set("causeway_ready", {{"stage", "validator"}}, ready ? 1 : 0);
            if (s.verified + s.deferred + s.rejected + s.signed_checkpoints >= 50)
                continue;  // more is due: no pause
        } catch (const db::Error& e) {
            // The database is away, or the store refuses what would break the one-root rule:
            // nothing was signed. Start over on a fresh connection.
            ready = false;
            log.error("pass failed: reconnecting", {{"error", e.what()}});
            session.reset();
            retry_at = Clock::now() + 500ms;
            continue;
        }
        const auto until = Clock::now() + std::chrono::milliseconds(200);
        while (!stop && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    server.stop();
    log.info("validator stopped");
    return 0;
}

}  // namespace causeway::relayer
