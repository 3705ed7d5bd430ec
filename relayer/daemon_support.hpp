// What both daemons build from their configuration: a failover client per chain and a watcher's
// settings per origin.
#pragma once

#include <memory>

#include "chain/failover_client.hpp"
#include "monitoring/metrics.hpp"
#include "relayer/config.hpp"
#include "relayer/watcher.hpp"

namespace causeway::relayer {

// Every endpoint of the chain behind one failover client. With `metrics`, each request is
// counted, timed and, when the endpoint failed, counted as an error, per endpoint. Throws
// ConfigError for an endpoint that cannot be used.
[[nodiscard]] std::unique_ptr<chain::FailoverClient> client_for(const ChainSettings& chain,
                                                                monitoring::Metrics* metrics = nullptr);

// The watcher of an L2 origin's Mailbox as the chain's settings describe it.
[[nodiscard]] WatcherSettings watcher_settings(const ChainSettings& chain);

}  // namespace causeway::relayer
