#include "relayer/onchain_pause.hpp"

#include <boost/json.hpp>

#include "chain/transaction_sender.hpp"
#include "core/abi.hpp"
#include "core/hex.hpp"
#include "relayer/daemon_support.hpp"

namespace causeway::relayer {

std::vector<db::RouteKey> configured_routes_in(const RelayerConfig& config, const db::RouteScope& scope) {
    std::vector<db::RouteKey> out;
    for (const auto& r : config.routes) {
        const bool in = scope.all ||
                        (scope.origin && scope.destination && *scope.origin == r.origin &&
                         *scope.destination == r.destination) ||
                        (scope.origin && !scope.destination && *scope.origin == r.origin) ||
                        (scope.destination && !scope.origin && *scope.destination == r.destination) ||
                        (scope.chain && (*scope.chain == r.origin || *scope.chain == r.destination));
        if (in) out.emplace_back(r.origin, r.destination);
    }
    return out;
}

std::expected<OnchainChange, std::string> set_onchain_pause(const RelayerConfig& config,
                                                            const PrivateKey& key, uint32_t origin,
                                                            uint32_t destination, bool pause) {
    const std::string route = std::to_string(origin) + "->" + std::to_string(destination);
    const ChainSettings* chain = nullptr;
    for (const auto& c : config.chains) {
        if (c.domain == destination) chain = &c;
    }
    if (chain == nullptr)
        return std::unexpected(route + ": no chain with domain " + std::to_string(destination) +
                               " in the config");
    if (!chain->contracts || !chain->contracts->routing_ism)
        return std::unexpected(route + ": the config names no routing_ism for " + chain->name);
    const Address module = *chain->contracts->routing_ism;
    auto client = client_for(*chain);
    auto sender = chain::TransactionSender::open(*client, key);
    if (!sender) return std::unexpected(route + ": " + sender.error().message);
    chain::TxRequest request;
    request.to = module;
    const auto f = abi::parse_function(pause ? "pauseOrigin(uint32)" : "resumeOrigin(uint32)");
    if (!f || !abi::encode_call(request.data, *f, {abi::Value(u256(origin))}))
        return std::unexpected(route + ": the call did not encode");
    const auto receipt = sender->send(request);
    if (!receipt) {
        return std::unexpected(route + ": " + std::string(pause ? "pauseOrigin" : "resumeOrigin") + " on " +
                               to_checksum_hex(module) + " from " + to_checksum_hex(key.address()) + ": " +
                               receipt.error().message +
                               (pause ? " (is it the module's guardian?)" : " (is it the module's owner?)"));
    }
    // What the module says now, at the receipt's block.
    jsonrpc::CallRequest read;
    read.to = module;
    (void)abi::encode_call(read.data, *abi::parse_function("originPaused(uint32)"),
                           {abi::Value(u256(origin))});
    const auto word = client->call(read, jsonrpc::BlockId(jsonrpc::BlockNumberOrTag(receipt->block_number)));
    if (!word) return std::unexpected(route + ": originPaused: " + word.error().to_string());
    const bool paused = word->size() == 32 && (*word)[31] == 1;
    if (paused != pause) {
        return std::unexpected(route + ": the module reports originPaused(" + std::to_string(origin) +
                               ") = " + (paused ? "true" : "false") + " after the call");
    }
    return OnchainChange{origin, destination, module, receipt->transaction_hash, receipt->block_number};
}

std::string OnchainOutcome::target() const {
    return std::to_string(route.first) + "->" + std::to_string(route.second);
}

std::string OnchainOutcome::json() const {
    if (!change)
        return boost::json::serialize(boost::json::object{{"route", target()}, {"error", change.error()}});
    return boost::json::serialize(boost::json::object{{"route", target()},
                                                      {"module", to_checksum_hex(change->module)},
                                                      {"transaction", to_hex(change->transaction)},
                                                      {"block", change->block}});
}

std::vector<OnchainOutcome> set_onchain_pauses(const RelayerConfig& config, const PrivateKey& key,
                                               const db::RouteScope& scope, bool pause, db::Connection& conn,
                                               std::string_view actor, std::string_view reason) {
    std::vector<OnchainOutcome> out;
    for (const auto& route : configured_routes_in(config, scope)) {
        OnchainOutcome o{route, set_onchain_pause(config, key, route.first, route.second, pause)};
        if (o.change) {
            db::record_audit(conn, actor, pause ? "route.pause.onchain" : "route.resume.onchain", o.target(),
                             reason, o.json());
        }
        out.push_back(std::move(o));
    }
    return out;
}

}  // namespace causeway::relayer
