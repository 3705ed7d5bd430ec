#include "relayer/daemon_support.hpp"

#include "chain/json_rpc_client.hpp"

namespace causeway::relayer {

std::unique_ptr<chain::FailoverClient> client_for(const ChainSettings& chain, monitoring::Metrics* metrics) {
    std::vector<std::unique_ptr<chain::ChainClient>> endpoints;
    for (const auto& url : chain.rpc) {
        auto created = chain::HttpJsonRpcClient::create(url);
        if (!created) throw ConfigError(chain.name + ": " + created.error());
        endpoints.push_back(std::move(*created));
    }
    chain::CallObserver observer;
    if (metrics != nullptr) {
        observer = [metrics, name = chain.name](const chain::CallRecord& call) {
            const monitoring::Labels labels{{"chain", name}, {"endpoint", call.endpoint}};
            metrics->add("causeway_rpc_requests_total", labels);
            metrics->observe("causeway_rpc_request_duration_seconds", labels, call.seconds);
            if (call.fault) metrics->add("causeway_rpc_errors_total", labels);
        };
    }
    return std::make_unique<chain::FailoverClient>(std::move(endpoints), chain::FailoverSettings{},
                                                   std::move(observer));
}

WatcherSettings watcher_settings(const ChainSettings& chain) {
    WatcherSettings w;
    w.domain = chain.domain;
    w.chain_id = chain.chain_id;
    w.mailbox = chain.contracts->mailbox;
    w.confirmations = chain.confirmations;
    w.start_block = chain.start_block;
    return w;
}

}  // namespace causeway::relayer
