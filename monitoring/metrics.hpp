// The metric catalogue: every metric causeway exports, declared once here (name, type, labels,
// help), following design §8: names prefixed causeway_, counters ending in _total, durations as
// histograms in _seconds, labels from a small fixed set. The daemons record through a Metrics
// object built from the catalogue and serve its text on GET /metrics; a name or label set that is
// not in the catalogue is refused (std::invalid_argument), so nothing is exported undeclared.
#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace causeway::monitoring {

enum class MetricType : uint8_t { kCounter, kGauge, kHistogram };

struct MetricSpec {
    std::string_view name;
    MetricType type;
    std::vector<std::string_view> labels;  // in this order
    std::string_view help;
    std::vector<double> buckets{};  // histograms
};

// Every metric, in a fixed order.
[[nodiscard]] std::span<const MetricSpec> catalogue();
[[nodiscard]] const MetricSpec* find_metric(std::string_view name);

using Labels = std::map<std::string, std::string>;

class Metrics {
  public:
    Metrics();
    ~Metrics();
    Metrics(const Metrics&) = delete;
    Metrics& operator=(const Metrics&) = delete;

    // Each throws std::invalid_argument when `name` is not a catalogued metric of that type or the
    // labels are not exactly its label names. Thread-safe.
    void add(std::string_view counter, const Labels& labels, double by = 1);
    void set(std::string_view gauge, const Labels& labels, double value);
    void observe(std::string_view histogram, const Labels& labels, double value);
    // Forgets every series of a gauge (before setting those that still exist, e.g. queue states).
    void clear(std::string_view gauge);

    // The Prometheus text exposition format of everything recorded.
    [[nodiscard]] std::string text() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace causeway::monitoring
