// `causeway relayer`: the relayer daemon. From its configuration: a failover client per chain, a
// watcher per origin into the relayer's queue (its schema, migrated at start), and the three stages
// (relayer/relayer.hpp) run in turn, woken by the queue's notifications. A database that goes away
// is waited for and reconnected; nothing is lost, since everything lives in it. Replicas may run
// side by side on one database.
#pragma once

#include <atomic>

#include "core/secp256k1.hpp"
#include "logging/log.hpp"
#include "relayer/config.hpp"

namespace causeway::relayer {

// Runs until `stop` turns true (SIGTERM or SIGINT), finishes the pass under way (whatever it
// leased is recorded, deferred or released) and returns 0. Throws for what stops it from starting.
int run_relayer(const RelayerConfig& config, const PrivateKey& key, const log::Logger& log,
                const std::atomic<bool>& stop);

}  // namespace causeway::relayer
