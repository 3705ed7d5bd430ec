// A ChainClient over several endpoints of one chain: each call goes to the healthiest endpoint and
// moves on to the next when an endpoint fails (no answer, an HTTP error, a response that is not
// JSON-RPC). A JSON-RPC error object is an answer (a revert, a bad parameter), not a fault of the
// endpoint, and is returned as it is. Health is an exponentially weighted error rate and latency
// per endpoint; an endpoint that just failed waits out a cool-down (doubling while it keeps
// failing) behind the others, and is still tried when nothing else answers.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "chain/chain_client.hpp"

namespace causeway::chain {

struct FailoverSettings {
    double ewma_weight = 0.2;  // the weight of the newest observation in the averages
    std::chrono::milliseconds cooldown{1'000};
    std::chrono::milliseconds max_cooldown{60'000};
    // A latency this long weighs as much as failing every call: endpoints are ranked by error rate
    // plus latency / slow, in steps of a tenth, then in configuration order (a primary endpoint
    // stays first while it is about as good as the others).
    std::chrono::milliseconds slow{500};
};

struct EndpointHealth {
    std::string endpoint;  // safe to log
    uint64_t requests = 0;
    uint64_t faults = 0;
    double error_rate = 0;  // 0..1, weighted towards recent calls
    double latency_ms = 0;  // of answered calls, weighted towards recent ones
    bool cooling_down = false;
    std::string last_fault;  // one line, empty when none yet
};

// One call as it went, for metrics: which endpoint, which method, how long, and its fault if any.
struct CallRecord {
    std::string endpoint;
    std::string method;  // "batch" for a batch
    double seconds = 0;
    bool fault = false;  // the endpoint failed (RpcError kinds transport, HTTP status, malformed)
};
using CallObserver = std::function<void(const CallRecord&)>;

class FailoverClient final : public ChainClient {
  public:
    // At least one endpoint; throws std::invalid_argument otherwise.
    explicit FailoverClient(std::vector<std::unique_ptr<ChainClient>> endpoints,
                            FailoverSettings settings = {}, CallObserver observer = {});

    [[nodiscard]] RpcResult<boost::json::value> request(const RpcCall& call) override;
    [[nodiscard]] std::vector<RpcResult<boost::json::value>> request_batch(
        std::span<const RpcCall> calls) override;
    // "http://a:8545/, http://b:8545/": every endpoint, in configuration order.
    [[nodiscard]] std::string endpoint() const override;

    [[nodiscard]] std::vector<EndpointHealth> health() const;
    [[nodiscard]] std::size_t size() const noexcept { return endpoints_.size(); }
    // The endpoints themselves, for callers that must ask each one (a quorum of trusted heads).
    [[nodiscard]] std::vector<ChainClient*> endpoints() const;

  private:
    using Clock = std::chrono::steady_clock;
    struct Endpoint {
        std::unique_ptr<ChainClient> client;
        EndpointHealth health;
        Clock::time_point cool_until{};
        std::chrono::milliseconds cooldown{};
    };

    // Indexes of the endpoints in the order to try them now.
    [[nodiscard]] std::vector<std::size_t> order();
    void record(std::size_t index, const std::string& method, Clock::duration took, const RpcError* fault);

    std::vector<Endpoint> endpoints_;
    FailoverSettings settings_;
    CallObserver observer_;
    mutable std::mutex mutex_;
};

// Whether an error says the endpoint failed (rather than answering with an error about the call).
[[nodiscard]] bool is_endpoint_fault(const RpcError& error) noexcept;

}  // namespace causeway::chain
