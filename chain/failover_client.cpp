#include "chain/failover_client.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace causeway::chain {

bool is_endpoint_fault(const RpcError& error) noexcept {
    switch (error.kind) {
        case RpcError::Kind::kTransport:
        case RpcError::Kind::kHttpStatus:
        case RpcError::Kind::kMalformed: return true;
        case RpcError::Kind::kJsonRpc:
        case RpcError::Kind::kNotSent: return false;
    }
    return false;
}

FailoverClient::FailoverClient(std::vector<std::unique_ptr<ChainClient>> endpoints, FailoverSettings settings,
                               CallObserver observer)
    : settings_(settings), observer_(std::move(observer)) {
    if (endpoints.empty()) throw std::invalid_argument("a failover client needs at least one endpoint");
    for (auto& client : endpoints) {
        if (!client) throw std::invalid_argument("a failover client's endpoint is missing");
        Endpoint e;
        e.health.endpoint = client->endpoint();
        e.client = std::move(client);
        e.cooldown = settings_.cooldown;
        endpoints_.push_back(std::move(e));
    }
}

std::string FailoverClient::endpoint() const {
    std::string out;
    for (const auto& e : endpoints_) out += (out.empty() ? "" : ", ") + e.health.endpoint;
    return out;
}

std::vector<EndpointHealth> FailoverClient::health() const {
    const std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    std::vector<EndpointHealth> out;
    for (const auto& e : endpoints_) {
        out.push_back(e.health);
        out.back().cooling_down = e.cool_until > now;
    }
    return out;
}

std::vector<ChainClient*> FailoverClient::endpoints() const {
    std::vector<ChainClient*> out;
    for (const auto& e : endpoints_) out.push_back(e.client.get());
    return out;
}

std::vector<std::size_t> FailoverClient::order() {
    const std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    std::vector<std::size_t> out(endpoints_.size());
    std::iota(out.begin(), out.end(), std::size_t{0});
    // Endpoints cooling down go last; the others by their score in steps of a tenth, then in
    // configuration order (steps keep the order strict: a tolerance would not be transitive).
    const double slow_ms = std::max(1.0, static_cast<double>(settings_.slow.count()));
    const auto step = [&](const Endpoint& e) {
        return static_cast<int64_t>((e.health.error_rate + e.health.latency_ms / slow_ms) * 10);
    };
    std::stable_sort(out.begin(), out.end(), [&](std::size_t a, std::size_t b) {
        const auto& x = endpoints_[a];
        const auto& y = endpoints_[b];
        const bool x_cool = x.cool_until > now;
        const bool y_cool = y.cool_until > now;
        if (x_cool != y_cool) return !x_cool;
        return step(x) < step(y);
    });
    return out;
}

void FailoverClient::record(std::size_t index, const std::string& method, Clock::duration took,
                            const RpcError* fault) {
    const double seconds = std::chrono::duration<double>(took).count();
    {
        const std::lock_guard lock(mutex_);
        Endpoint& e = endpoints_[index];
        const double w = settings_.ewma_weight;
        ++e.health.requests;
        e.health.error_rate = (1 - w) * e.health.error_rate + w * (fault != nullptr ? 1.0 : 0.0);
        if (fault != nullptr) {
            ++e.health.faults;
            e.health.last_fault = fault->to_string();
            e.cool_until = Clock::now() + e.cooldown;
            e.cooldown = std::min(e.cooldown * 2, settings_.max_cooldown);
        } else {
            const double ms = seconds * 1000;
            e.health.latency_ms = e.health.requests == 1 ? ms : (1 - w) * e.health.latency_ms + w * ms;
            e.cooldown = settings_.cooldown;
            e.cool_until = {};
        }
    }
    if (observer_)
        observer_(CallRecord{endpoints_[index].health.endpoint, method, seconds, fault != nullptr});
}

RpcResult<boost::json::value> FailoverClient::request(const RpcCall& call) {
    std::optional<RpcError> last;
    for (const std::size_t i : order()) {
        const auto start = Clock::now();
        auto result = endpoints_[i].client->request(call);
        const bool fault = !result && is_endpoint_fault(result.error());
        record(i, call.method, Clock::now() - start, fault ? &result.error() : nullptr);
        if (!fault) return result;
        last = std::move(result.error());
    }
    return std::unexpected(std::move(*last));
}

std::vector<RpcResult<boost::json::value>> FailoverClient::request_batch(std::span<const RpcCall> calls) {
    std::vector<RpcResult<boost::json::value>> last;
    for (const std::size_t i : order()) {
        const auto start = Clock::now();
        auto results = endpoints_[i].client->request_batch(calls);
        // The exchange as a whole failed when every call carries the same endpoint fault.
        const RpcError* fault = nullptr;
        if (!results.empty() && !results.front() && is_endpoint_fault(results.front().error())) {
            const bool all = std::all_of(results.begin(), results.end(), [&](const auto& r) {
                return !r && r.error().kind == results.front().error().kind &&
                       r.error().message == results.front().error().message;
            });
            if (all) fault = &results.front().error();
        }
        record(i, "batch", Clock::now() - start, fault);
        if (fault == nullptr) return results;
        last = std::move(results);
    }
    return last;
}

}  // namespace causeway::chain
