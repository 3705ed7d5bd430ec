// The catalogue keeps design §8's naming rules, and the registry refuses what it does not declare.
#include "monitoring/metrics.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <stdexcept>
#include <string>

using namespace causeway::monitoring;

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

TEST_CASE("every catalogued metric follows the naming rules", "[monitoring]") {
    const std::set<std::string_view> allowed_labels = {"origin", "destination", "chain",  "stage",
                                                       "reason", "endpoint",    "signer", "validator"};
    std::set<std::string_view> names;
    for (const auto& m : catalogue()) {
        INFO(m.name);
        CHECK(m.name.starts_with("causeway_"));
        CHECK(names.insert(m.name).second);
        CHECK(!m.help.empty());
        CHECK(ends_with(m.name, "_total") == (m.type == MetricType::kCounter));
        if (m.type == MetricType::kHistogram) {
            CHECK(ends_with(m.name, "_seconds"));
            CHECK(!m.buckets.empty());
        }
        for (const auto& l : m.labels) CHECK(allowed_labels.contains(l));
    }
    // What issue 12 names: messages per state and route, queue age, latency, RPC, gas, balance,
    // nonce gap, checkpoint index, pause state, limit headroom.
    for (const auto* name :
         {"causeway_messages", "causeway_queue_oldest_age_seconds", "causeway_delivery_latency_seconds",
          "causeway_rpc_requests_total", "causeway_rpc_errors_total", "causeway_rpc_request_duration_seconds",
          "causeway_gas_price_wei", "causeway_signer_balance_wei", "causeway_nonce_gap",
          "causeway_checkpoint_index", "causeway_route_paused", "causeway_route_limit_headroom"}) {
        CHECK(find_metric(name) != nullptr);
    }
}

TEST_CASE("the registry exports what is recorded and refuses what is not catalogued", "[monitoring]") {
    Metrics m;
    m.set("causeway_messages", {{"origin", "901"}, {"destination", "902"}, {"stage", "observed"}}, 7);
    m.add("causeway_messages_delivered_total", {{"origin", "901"}, {"destination", "902"}}, 3);
    m.observe("causeway_delivery_latency_seconds", {{"origin", "901"}, {"destination", "902"}}, 21.5);
    const auto text = m.text();
    CHECK(text.find("# TYPE causeway_messages gauge") != std::string::npos);
    CHECK(text.find("causeway_messages{destination=\"902\",origin=\"901\",stage=\"observed\"} 7") !=
          std::string::npos);
    CHECK(text.find("causeway_messages_delivered_total{destination=\"902\",origin=\"901\"} 3") !=
          std::string::npos);
    CHECK(text.find(
              "causeway_delivery_latency_seconds_bucket{destination=\"902\",origin=\"901\",le=\"30\"} 1") !=
          std::string::npos);
    CHECK(text.find(
              "causeway_delivery_latency_seconds_bucket{destination=\"902\",origin=\"901\",le=\"20\"} 0") !=
          std::string::npos);

    CHECK_THROWS_AS(m.set("causeway_nope", {}, 1), std::invalid_argument);
    CHECK_THROWS_AS(m.add("causeway_messages", {{"origin", "1"}, {"destination", "2"}, {"stage", "x"}}),
                    std::invalid_argument);  // a gauge used as a counter
    CHECK_THROWS_AS(m.set("causeway_messages", {{"origin", "1"}}, 1), std::invalid_argument);
    CHECK_THROWS_AS(m.set("causeway_messages", {{"origin", "1"}, {"destination", "2"}, {"state", "x"}}, 1),
                    std::invalid_argument);

    // A gauge cleared loses its series (a state no message is in any more).
    m.clear("causeway_messages");
    CHECK(m.text().find("causeway_messages{") == std::string::npos);
}
