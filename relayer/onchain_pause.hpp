// A route paused on chain as well as in the queue: the destination's routing security module
// (RoutingIsm) refuses every message from the origin once its guardian called pauseOrigin(origin),
// whoever relays it; only its owner resumes (resumeOrigin). The queue's pause stops our relayers
// at once; this one also stops anybody else's.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "core/secp256k1.hpp"
#include "db/routes.hpp"
#include "db/submissions.hpp"
#include "relayer/config.hpp"

namespace causeway::relayer {

struct OnchainChange {
    uint32_t origin = 0;
    uint32_t destination = 0;
    Address module;  // the destination's routing security module
    Hash transaction;
    uint64_t block = 0;
};

// The configured routes in `scope`, as (origin, destination).
[[nodiscard]] std::vector<db::RouteKey> configured_routes_in(const RelayerConfig& config,
                                                             const db::RouteScope& scope);

// pauseOrigin(origin) (or resumeOrigin) on the routing module of `destination` named in the config,
// sent from `key`; the receipt waited for, then originPaused(origin) read back. The error says
// which step failed (no such chain or module in the config, the call reverted: not the guardian,
// or not the owner for a resume).
[[nodiscard]] std::expected<OnchainChange, std::string> set_onchain_pause(const RelayerConfig& config,
                                                                          const PrivateKey& key,
                                                                          uint32_t origin,
                                                                          uint32_t destination, bool pause);

// One route's on-chain change, or why it failed.
struct OnchainOutcome {
    db::RouteKey route;
    std::expected<OnchainChange, std::string> change;
    [[nodiscard]] std::string target() const;  // "901->902"
    [[nodiscard]] std::string json()
        const;  // {"route", "module", "transaction", "block"} or {"route", "error"}
};

// set_onchain_pause for each configured route in `scope`, each change that went through audited
// (route.pause.onchain / route.resume.onchain, with the transaction) by `actor` for `reason`.
[[nodiscard]] std::vector<OnchainOutcome> set_onchain_pauses(const RelayerConfig& config,
                                                             const PrivateKey& key,
                                                             const db::RouteScope& scope, bool pause,
                                                             db::Connection& conn, std::string_view actor,
                                                             std::string_view reason);

}  // namespace causeway::relayer
