#include "relayer/admin_api.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <memory>

#include "core/hex.hpp"
#include "db/ledger.hpp"
#include "db/queue.hpp"
#include "db/routes.hpp"
#include "db/submissions.hpp"
#include "relayer/onchain_pause.hpp"

namespace causeway::relayer {
namespace {

namespace json = boost::json;

// One connection for the API's requests, opened on first use and again after a failure.
class Database {
  public:
    explicit Database(db::ConnectOptions options) : options_(std::move(options)) {}

    template <typename F>
    auto with(F&& f) -> decltype(f(std::declval<db::Connection&>())) {
        const std::lock_guard lock(mutex_);
        try {
            if (!conn_) conn_ = std::make_unique<db::Connection>(db::Connection::open(options_));
            return f(*conn_);
        } catch (const db::Error& e) {
            conn_.reset();
            throw http::ApiException(
                http::ApiError{503, 50301, "database_unavailable", e.what(), std::nullopt});
        }
    }

  private:
    db::ConnectOptions options_;
    std::mutex mutex_;
    std::unique_ptr<db::Connection> conn_;
};

json::value time_json(const std::optional<db::Timestamp>& t) {
    if (!t) return nullptr;
    return json::value(static_cast<double>(t->time_since_epoch().count()) / 1e6);
}

json::value text_json(const std::optional<std::string>& s) {
    return s ? json::value(*s) : json::value(nullptr);
}

json::object route_json(const db::Route& r) {
    json::object limits{
        {"rate_per_second", r.limits.rate_per_second ? json::value(*r.limits.rate_per_second) : nullptr},
        {"burst", r.limits.burst ? json::value(*r.limits.burst) : nullptr},
        {"daily_cap", r.limits.daily_cap ? json::value(to_decimal(*r.limits.daily_cap)) : nullptr}};
    return json::object{{"origin", r.origin},
                        {"destination", r.destination},
                        {"security_mode", r.security_mode},
                        {"paused", r.paused},
                        {"paused_by", text_json(r.paused_by)},
                        {"paused_reason", text_json(r.paused_reason)},
                        {"paused_at", time_json(r.paused_at)},
                        {"limits", limits},
                        {"tokens", r.tokens ? json::value(*r.tokens) : nullptr},
                        {"admitted_24h", to_decimal(r.admitted_24h)},
                        {"queued", r.queued}};
}

json::object message_json(const db::QueuedMessage& m) {
    return json::object{
        {"id", to_hex(m.id)},
        {"origin", m.message.origin},
        {"destination", m.message.destination},
        {"nonce", m.message.nonce},
        {"sender", to_hex(m.message.sender)},
        {"recipient", to_hex(m.message.recipient)},
        {"amount", to_decimal(m.amount)},
        {"block_number", m.block_number},
        {"block_hash", to_hex(m.block_hash)},
        {"state", db::to_string(m.state)},
        {"stage", m.stage ? json::value(db::to_string(*m.stage)) : nullptr},
        {"attempts", m.attempts},
        {"held_reason", text_json(m.held_reason)},
        {"last_error", text_json(m.last_error)},
        {"last_error_class", text_json(m.last_error_class)},
        {"observed_at", time_json(m.observed_at)},
        {"verified_at", time_json(m.verified_at)},
        {"submitted_at", time_json(m.submitted_at)},
        {"delivered_at", time_json(m.delivered_at)},
        {"delivery_tx_hash", m.delivery_tx_hash ? json::value(to_hex(*m.delivery_tx_hash)) : nullptr}};
}

json::object body_of(const http::Request& req) {
    if (req.body.empty()) return {};
    boost::system::error_code ec;
    auto v = json::parse(req.body, ec);
    if (ec || !v.is_object()) throw http::bad_parameter("body", "the body must be a JSON object");
    return v.as_object();
}

std::optional<uint32_t> domain_in(const json::object& body, const char* key) {
    const auto* v = body.if_contains(key);
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (!v->is_int64() || v->as_int64() < 0 || v->as_int64() > 0xFFFFFFFFLL)
        throw http::bad_parameter(key, std::string(key) + " must be a domain number");
    return static_cast<uint32_t>(v->as_int64());
}

std::string text_in(const json::object& body, const char* key, const std::string& fallback) {
    const auto* v = body.if_contains(key);
    if (v == nullptr || v->is_null()) return fallback;
    if (!v->is_string()) throw http::bad_parameter(key, std::string(key) + " must be a string");
    return std::string(v->as_string());
}

db::RouteScope scope_of(const json::object& body) {
    db::RouteScope scope;
    scope.origin = domain_in(body, "origin");
    scope.destination = domain_in(body, "destination");
    scope.chain = domain_in(body, "chain");
    if (const auto* all = body.if_contains("all"); all != nullptr && all->is_bool())
        scope.all = all->as_bool();
    if (const auto problem = scope.problem(); !problem.empty()) throw http::bad_parameter("scope", problem);
    return scope;
}

std::optional<uint32_t> domain_query(const http::Request& req, const char* key) {
    const auto v = req.query_value(key);
    if (!v) return std::nullopt;
    uint32_t out = 0;
    const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
    if (ec != std::errc{} || end != v->data() + v->size())
        throw http::bad_parameter(key, std::string(key) + " must be a domain number");
    return out;
}

Hash id_of(const http::Request& req) {
    const auto id = hash_from_hex(req.captures.at(0));
    if (!id) throw http::bad_parameter("id", "a message id is 0x and 64 hex digits");
    return *id;
}

}  // namespace

void serve_admin(http::Server& server, const AdminContext& context) {
    auto database = std::make_shared<Database>(context.db);
    const Readiness* readiness = context.readiness;
    const monitoring::Metrics* metrics = context.metrics;

    server.get("/healthz", [](const http::Request&) {
        return http::json_response(json::object{{"ok", true}});
    });
    server.get("/readyz", [readiness](const http::Request&) {
        const std::lock_guard lock(readiness->mutex);
        bool ok = readiness->database.load() && !readiness->chains.empty();
        json::object chains;
        for (const auto& [name, up] : readiness->chains) {
            ok = ok && up;
            const auto p = readiness->chain_problems.find(name);
            chains[name] =
                json::object{{"ok", up},
                             {"problem", p == readiness->chain_problems.end() ? json::value(nullptr)
                                                                              : json::value(p->second)}};
        }
        return http::json_response(
            json::object{{"ready", ok}, {"database", readiness->database.load()}, {"chains", chains}},
            ok ? 200 : 503);
    });
    server.get("/metrics", [metrics](const http::Request&) {
        http::Response r;
        r.content_type = std::string(monitoring::kTextContentType);
        r.body = metrics->text();
        return r;
    });
    server.get("/v1/routes", [database](const http::Request&) {
        return database->with([](db::Connection& conn) {
            json::array out;
            for (const auto& r : db::list_routes(conn)) out.push_back(route_json(r));
            return http::json_response(json::object{{"routes", out}});
        });
    });
    const RelayerConfig* config = context.config;
    const std::optional<PrivateKey> guardian = context.guardian;
    for (const bool pause : {true, false}) {
        server.post(pause ? "/v1/routes/pause" : "/v1/routes/resume", [database, pause, config,
                                                                       guardian](const http::Request& req) {
            const auto body = body_of(req);
            const auto scope = scope_of(body);
            const std::string actor = text_in(body, "actor", "admin-api");
            const std::string reason = text_in(body, "reason", "");
            if (pause && reason.empty())
                throw http::bad_parameter("reason", "a pause needs a reason (it is audited)");
            bool onchain = false;
            if (const auto* o = body.if_contains("onchain")) {
                if (!o->is_bool()) throw http::bad_parameter("onchain", "onchain must be true or false");
                onchain = o->get_bool();
            }
            if (onchain && !pause) {
                throw http::bad_parameter("onchain",
                                          "only the routing module's owner resumes on chain: "
                                          "causeway routes resume --onchain with the owner's key");
            }
            if (onchain && (config == nullptr || !guardian)) {
                throw http::ApiException(http::ApiError{
                    409, 40901, "no_guardian_key",
                    "this relayer has no guardian key ($CAUSEWAY_GUARDIAN_KEY): it cannot pause on chain",
                    "onchain"});
            }
            return database->with([&](db::Connection& conn) {
                const auto change = pause ? db::pause_routes(conn, scope, actor, reason)
                                          : db::resume_routes(conn, scope, actor, reason);
                json::array lifted;
                for (const auto& l : change.standing_lifted) lifted.push_back(json::value(l));
                json::object out{{"scope", scope.describe()},
                                 {"matched", change.matched},
                                 {"changed", change.changed},
                                 {"standing_added", change.standing_added},
                                 {"standing_lifted", lifted}};
                if (!onchain) return http::json_response(out);
                // The queue is paused (our relayers stop at once); then each chain.
                json::array changes;
                bool failed = false;
                for (const auto& o :
                     set_onchain_pauses(*config, *guardian, scope, true, conn, actor, reason)) {
                    failed = failed || !o.change;
                    changes.push_back(json::parse(o.json()));
                }
                out["onchain"] = std::move(changes);
                // The queue's pause stands either way; a chain that refused is a bad gateway.
                return http::json_response(out, failed ? 502 : 200);
            });
        });
    }
    server.get("/v1/messages", [database](const http::Request& req) {
        db::MessageFilter filter;
        if (const auto s = req.query_value("state")) {
            filter.state = db::parse_message_state(*s);
            if (!filter.state) throw http::bad_parameter("state", "not a message state: " + *s);
        }
        filter.origin = domain_query(req, "origin");
        filter.destination = domain_query(req, "destination");
        if (const auto l = domain_query(req, "limit"))
            filter.limit = static_cast<int>(std::clamp<uint32_t>(*l, 1, 1000));
        return database->with([&](db::Connection& conn) {
            json::array out;
            for (const auto& m : db::list_messages(conn, filter)) out.push_back(message_json(m));
            return http::json_response(json::object{{"messages", out}});
        });
    });
    server.get("/v1/messages/(0x[0-9a-fA-F]{64})", [database](const http::Request& req) {
        const Hash id = id_of(req);
        return database->with([&](db::Connection& conn) {
            const auto m = db::find_message(conn, id);
            if (!m) throw http::not_found("message " + to_hex(id) + " is not known here");
            json::object out = message_json(*m);
            const std::vector<Hash> ids = {id};
            const auto evidence = db::checkpoint_evidence(conn, ids);
            if (const auto e = evidence.find(id); e != evidence.end()) {
                json::array sigs;
                for (const auto& s : e->second.signatures) {
                    sigs.push_back(json::object{
                        {"validator", to_checksum_hex(s.validator)},
                        {"signature", to_hex(ByteView(s.signature.data(), s.signature.size()))}});
                }
                out["checkpoint"] =
                    json::object{{"origin", e->second.checkpoint.origin},
                                 {"merkle_tree_hook", to_hex(e->second.checkpoint.merkle_tree_hook)},
                                 {"index", e->second.checkpoint.index},
                                 {"root", to_hex(e->second.checkpoint.root)},
                                 {"signatures", sigs}};
            }
            json::array txs;
            for (const auto& a : db::attempts_for_message(conn, id)) {
                txs.push_back(json::object{
                    {"tx_hash", to_hex(a.attempt.tx_hash)},
                    {"chain_id", a.attempt.chain_id},
                    {"nonce", a.attempt.nonce},
                    {"status", a.attempt.status},
                    {"messages", a.attempt.message_ids.size()},
                    {"max_fee_per_gas", to_decimal(a.attempt.max_fee_per_gas)},
                    {"mined_block_number",
                     a.attempt.mined_block_number ? json::value(*a.attempt.mined_block_number) : nullptr}});
            }
            out["transactions"] = txs;
            return http::json_response(out);
        });
    });
    server.post("/v1/messages/(0x[0-9a-fA-F]{64})/retry", [database](const http::Request& req) {
        const Hash id = id_of(req);
        const auto body = body_of(req);
        const std::string actor = text_in(body, "actor", "admin-api");
        const std::string reason = text_in(body, "reason", "");
        return database->with([&](db::Connection& conn) {
            if (!db::find_message(conn, id))
                throw http::not_found("message " + to_hex(id) + " is not known here");
            const bool retried = db::retry_message(conn, id, actor, reason);
            if (!retried) {
                throw http::ApiException(http::ApiError{
                    409, 40901, "not_retryable",
                    "only a failed_permanent or retrying message that no worker holds can be retried",
                    std::nullopt});
            }
            return http::json_response(json::object{{"id", to_hex(id)}, {"retried", true}});
        });
    });
}

}  // namespace causeway::relayer
