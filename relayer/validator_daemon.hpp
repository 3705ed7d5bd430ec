// `causeway validator`: the validator daemon. From its configuration: a failover client per chain,
// trusted L1 heads from a quorum of the L1's endpoints (or the pinned checkpoint), a watcher per
// L2 origin into the validator's own queue (its own schema, migrated at start), each message
// checked by its family's light client under the route's finality rule, checkpoints signed in
// index order, recorded, and served over HTTP with /healthz and /readyz.
#pragma once

#include <atomic>

#include "core/secp256k1.hpp"
#include "logging/log.hpp"
#include "relayer/config.hpp"

namespace causeway::relayer {

// Runs until `stop` turns true (the command sets it on SIGTERM or SIGINT), then returns 0 within a
// pass. Throws for what stops it from starting (no database, a tampered store, a port in use).
int run_validator(const ValidatorConfig& config, const PrivateKey& key, const log::Logger& log,
                  const std::atomic<bool>& stop);

}  // namespace causeway::relayer
