#include "monitoring/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <variant>

namespace causeway::monitoring {
namespace {

// Seconds from a millisecond to several minutes: RPC calls at the low end, deliveries (finality
// windows included) at the high end.
const std::vector<double> kLatencyBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,   2.5,
                                             5,     10,   15,    20,   30,  45,   60,  120, 300};

const std::vector<MetricSpec>& specs() {
    using enum MetricType;
    static const std::vector<MetricSpec> all = {
        {"causeway_messages",
         kGauge,
         {"origin", "destination", "stage"},
         "Messages in the queue per route and state (stage label: the state)"},
        {"causeway_queue_oldest_age_seconds",
         kGauge,
         {"origin", "destination", "stage"},
         "Age of the oldest message per route and state, since it was observed"},
        {"causeway_messages_observed_total",
         kCounter,
         {"origin"},
         "Messages this process put in the queue from its origin's logs"},
        {"causeway_messages_delivered_total",
         kCounter,
         {"origin", "destination"},
         "Messages this process confirmed delivered on their destination"},
        {"causeway_messages_failed_total",
         kCounter,
         {"origin", "destination", "reason"},
         "Messages this process dead-lettered, by error class"},
        {"causeway_delivery_latency_seconds",
         kHistogram,
         {"origin", "destination"},
         "From a message observed on its origin to its delivery confirmed on its destination",
         kLatencyBuckets},
        {"causeway_rpc_requests_total",
         kCounter,
         {"chain", "endpoint"},
         "JSON-RPC requests (a batch counts once)"},
        {"causeway_rpc_errors_total",
         kCounter,
         {"chain", "endpoint"},
         "JSON-RPC requests that failed at the endpoint (transport, HTTP status, malformed)"},
        {"causeway_rpc_request_duration_seconds",
         kHistogram,
         {"chain", "endpoint"},
         "JSON-RPC request duration",
         kLatencyBuckets},
        {"causeway_gas_price_wei", kGauge, {"chain"}, "The chain's gas price (eth_gasPrice)"},
        {"causeway_signer_balance_wei", kGauge, {"chain", "signer"}, "The relayer signer's balance"},
        {"causeway_nonce_gap",
         kGauge,
         {"chain", "signer"},
         "Nonces the relayer has recorded but the chain has not mined yet"},
        {"causeway_transactions_total",
         kCounter,
         {"chain", "stage"},
         "Delivery transactions broadcast (stage: submit, replace, rebroadcast)"},
        {"causeway_checkpoint_index",
         kGauge,
         {"origin", "validator"},
         "The newest checkpoint index a validator has signed"},
        {"causeway_route_paused", kGauge, {"origin", "destination"}, "1 while the route is paused"},
        {"causeway_route_limit_headroom",
         kGauge,
         {"origin", "destination", "reason"},
         "What a route's limit still admits (reason: rate_tokens, daily_cap_notional)"},
        {"causeway_up", kGauge, {"stage"}, "1 while the daemon runs (stage: relayer, validator)"},
        {"causeway_ready", kGauge, {"stage"}, "1 while the daemon is ready (database and chains reachable)"},
    };
    return all;
}

std::string key_of(const Labels& labels) {
    std::string k;
    for (const auto& [n, v] : labels) k += n + "=" + v + ";";
    return k;
}

}  // namespace

std::span<const MetricSpec> catalogue() {
    return specs();
}

const MetricSpec* find_metric(std::string_view name) {
    for (const auto& s : specs()) {
        if (s.name == name) return &s;
    }
    return nullptr;
}

struct Metrics::Impl {
    std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
    using AnyFamily =
        std::variant<prometheus::Family<prometheus::Counter>*, prometheus::Family<prometheus::Gauge>*,
                     prometheus::Family<prometheus::Histogram>*>;
    std::map<std::string, AnyFamily, std::less<>> families;
    std::map<std::string, std::set<std::string>, std::less<>> gauge_series;  // for clear()
    std::map<std::string, std::map<std::string, prometheus::Gauge*>, std::less<>> gauges;
    mutable std::mutex mutex;

    const MetricSpec& checked(std::string_view name, MetricType type, const Labels& labels) const {
        const MetricSpec* spec = find_metric(name);
        if (spec == nullptr) throw std::invalid_argument("not a catalogued metric: " + std::string(name));
        if (spec->type != type) throw std::invalid_argument(std::string(name) + ": used as another type");
        if (labels.size() != spec->labels.size())
            throw std::invalid_argument(std::string(name) + ": wrong label set");
        for (const auto& l : spec->labels) {
            if (!labels.contains(std::string(l)))
                throw std::invalid_argument(std::string(name) + ": missing label " + std::string(l));
        }
        return *spec;
    }
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {
    for (const auto& s : specs()) {
        const std::string name(s.name);
        const std::string help(s.help);
        switch (s.type) {
            case MetricType::kCounter:
                impl_->families.emplace(
                    name, &prometheus::BuildCounter().Name(name).Help(help).Register(*impl_->registry));
                break;
            case MetricType::kGauge:
                impl_->families.emplace(
                    name, &prometheus::BuildGauge().Name(name).Help(help).Register(*impl_->registry));
                break;
            case MetricType::kHistogram:
                impl_->families.emplace(
                    name, &prometheus::BuildHistogram().Name(name).Help(help).Register(*impl_->registry));
                break;
        }
    }
}

Metrics::~Metrics() = default;

void Metrics::add(std::string_view name, const Labels& labels, double by) {
    const std::lock_guard lock(impl_->mutex);
    impl_->checked(name, MetricType::kCounter, labels);
    auto* family = std::get<prometheus::Family<prometheus::Counter>*>(impl_->families.find(name)->second);
    family->Add({labels.begin(), labels.end()}).Increment(by);
}

void Metrics::set(std::string_view name, const Labels& labels, double value) {
    const std::lock_guard lock(impl_->mutex);
    impl_->checked(name, MetricType::kGauge, labels);
    auto& series = impl_->gauges[std::string(name)];
    const std::string key = key_of(labels);
    auto it = series.find(key);
    if (it == series.end()) {
        auto* family = std::get<prometheus::Family<prometheus::Gauge>*>(impl_->families.find(name)->second);
        it = series.emplace(key, &family->Add({labels.begin(), labels.end()})).first;
    }
    it->second->Set(value);
}

void Metrics::observe(std::string_view name, const Labels& labels, double value) {
    const std::lock_guard lock(impl_->mutex);
    const MetricSpec& spec = impl_->checked(name, MetricType::kHistogram, labels);
    auto* family = std::get<prometheus::Family<prometheus::Histogram>*>(impl_->families.find(name)->second);
    family->Add({labels.begin(), labels.end()}, spec.buckets).Observe(value);
}

void Metrics::clear(std::string_view name) {
    const std::lock_guard lock(impl_->mutex);
    if (find_metric(name) == nullptr || find_metric(name)->type != MetricType::kGauge)
        throw std::invalid_argument("not a catalogued gauge: " + std::string(name));
    auto* family = std::get<prometheus::Family<prometheus::Gauge>*>(impl_->families.find(name)->second);
    auto& series = impl_->gauges[std::string(name)];
    for (auto& [key, gauge] : series) family->Remove(gauge);
    series.clear();
}

std::string Metrics::text() const {
    const std::lock_guard lock(impl_->mutex);
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, impl_->registry->Collect());
    return out.str();
}

}  // namespace causeway::monitoring
