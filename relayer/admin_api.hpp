// The relayer's admin API, on causeway::http's server: health, readiness and metrics for
// orchestrators and Prometheus; routes (list, pause, resume) and messages (list, inspect with the
// evidence that justified a delivery, retry) for operators. Reads are open to whoever reaches the
// port; every change needs the bearer token and is audited in the database (actor, reason, before,
// after). Errors are JSON with a stable code (http/server.hpp).
//
//   GET  /healthz                      {"ok": true} while the process runs
//   GET  /readyz                       200 when the database and every chain answered lately, else 503
//   GET  /metrics                      Prometheus text (monitoring/metrics.hpp)
//   GET  /v1/routes
//   POST /v1/routes/pause              {"origin", "destination" | "chain" | "all", "reason", "actor",
//                                       "onchain"}: with "onchain": true each configured route in scope
//                                       is also paused in its destination's routing module (guardian)
//   POST /v1/routes/resume             same body, without "onchain" (only the module's owner resumes
//                                       on chain: `causeway routes resume --onchain`)
//   GET  /v1/messages?state=&origin=&destination=&limit=
//   GET  /v1/messages/{id}             the message, its checkpoint and signatures, its transactions
//   POST /v1/messages/{id}/retry       {"reason", "actor"}
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/secp256k1.hpp"
#include "db/connection.hpp"
#include "http/server.hpp"
#include "monitoring/metrics.hpp"
#include "relayer/config.hpp"

namespace causeway::relayer {

// What the daemon's loop knows and the API reports.
struct Readiness {
    std::atomic<bool> database{false};
    mutable std::mutex mutex;
    std::map<std::string, std::string> chain_problems;  // chain name -> what failed; empty: all answered
    std::map<std::string, bool> chains;                 // chain name -> answered lately
};

struct AdminContext {
    db::ConnectOptions db;
    const monitoring::Metrics* metrics = nullptr;
    const Readiness* readiness = nullptr;
    // For a pause with "onchain": true, the chains and routing modules, and the modules' guardian
    // key ($CAUSEWAY_GUARDIAN_KEY); without a key such a pause is refused (409).
    const RelayerConfig* config = nullptr;
    std::optional<PrivateKey> guardian{};
};

void serve_admin(http::Server& server, const AdminContext& context);

}  // namespace causeway::relayer
