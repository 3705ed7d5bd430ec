// chain::FailoverClient against scripted endpoints: which endpoint answers, when it moves on,
// what it counts, and what it returns when nothing answers.
#include "chain/failover_client.hpp"

#include <catch2/catch.hpp>
#include <functional>
#include <thread>

using namespace causeway;
using namespace causeway::chain;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

// An endpoint whose answers a test scripts.
class Scripted final : public ChainClient {
  public:
    using Answer = std::function<RpcResult<json::value>(const RpcCall&)>;
    Scripted(std::string name, Answer answer) : name_(std::move(name)), answer_(std::move(answer)) {}

    RpcResult<json::value> request(const RpcCall& call) override {
        ++calls;
        return answer_(call);
    }
    std::vector<RpcResult<json::value>> request_batch(std::span<const RpcCall> calls_in) override {
        ++calls;
        std::vector<RpcResult<json::value>> out;
        for (const auto& c : calls_in) out.push_back(answer_(c));
        return out;
    }
    std::string endpoint() const override { return name_; }

    int calls = 0;

  private:
    std::string name_;
    Answer answer_;
};

Scripted::Answer answers(json::value v, std::chrono::milliseconds delay = 0ms) {
    return [v, delay](const RpcCall&) -> RpcResult<json::value> {
        if (delay > 0ms) std::this_thread::sleep_for(delay);
        return v;
    };
}

Scripted::Answer refuses() {
    return [](const RpcCall&) -> RpcResult<json::value> {
        return std::unexpected(
            RpcError::transport_error(RpcError::Transport::kConnect, "connection refused"));
    };
}

struct Endpoints {
    std::vector<Scripted*> scripted;
    std::unique_ptr<FailoverClient> client;
};

Endpoints make(std::vector<std::pair<std::string, Scripted::Answer>> specs, FailoverSettings settings = {},
               CallObserver observer = {}) {
    Endpoints e;
    std::vector<std::unique_ptr<ChainClient>> clients;
    for (auto& [name, answer] : specs) {
        auto s = std::make_unique<Scripted>(name, std::move(answer));
        e.scripted.push_back(s.get());
        clients.push_back(std::move(s));
    }
    e.client = std::make_unique<FailoverClient>(std::move(clients), settings, std::move(observer));
    return e;
}

const RpcCall kBlockNumber{"eth_blockNumber", {}};

}  // namespace

TEST_CASE("failover: the first healthy endpoint answers, the others are not asked", "[chain][failover]") {
    auto e = make({{"a", answers("0x10")}, {"b", answers("0x20")}});
    CHECK(e.client->request(kBlockNumber).value() == "0x10");
    CHECK(e.client->block_number().value() == 16);
    CHECK(e.scripted[0]->calls == 2);
    CHECK(e.scripted[1]->calls == 0);
    CHECK(e.client->endpoint() == "a, b");
    CHECK(e.client->size() == 2);
    CHECK_THROWS_AS(FailoverClient({}), std::invalid_argument);
}

TEST_CASE("failover: a failing endpoint is passed over and cools down", "[chain][failover]") {
    std::vector<CallRecord> records;
    FailoverSettings settings;
    settings.cooldown = 10s;
    auto e = make({{"a", refuses()}, {"b", answers("0x20")}}, settings,
                  [&](const CallRecord& r) { records.push_back(r); });
    CHECK(e.client->request(kBlockNumber).value() == "0x20");
    CHECK(e.scripted[0]->calls == 1);
    CHECK(e.scripted[1]->calls == 1);
    // While a cools down, b is asked first.
    CHECK(e.client->request(kBlockNumber).value() == "0x20");
    CHECK(e.scripted[0]->calls == 1);
    CHECK(e.scripted[1]->calls == 2);

    const auto health = e.client->health();
    REQUIRE(health.size() == 2);
    CHECK(health[0].endpoint == "a");
    CHECK(health[0].requests == 1);
    CHECK(health[0].faults == 1);
    CHECK(health[0].cooling_down);
    CHECK(health[0].error_rate == Approx(0.2));
    CHECK(health[0].last_fault.find("connection refused") != std::string::npos);
    CHECK(health[1].faults == 0);
    CHECK_FALSE(health[1].cooling_down);

    REQUIRE(records.size() == 3);
    CHECK(records[0].endpoint == "a");
    CHECK(records[0].fault);
    CHECK(records[0].method == "eth_blockNumber");
    CHECK(records[1].endpoint == "b");
    CHECK_FALSE(records[1].fault);
}

TEST_CASE("failover: a JSON-RPC error is an answer, not a fault of the endpoint", "[chain][failover]") {
    auto reverts = [](const RpcCall&) -> RpcResult<json::value> {
        return std::unexpected(RpcError::json_rpc_error(3, "execution reverted"));
    };
    auto e = make({{"a", reverts}, {"b", answers("0x")}});
    const auto r = e.client->request(RpcCall{"eth_call", {}});
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == RpcError::Kind::kJsonRpc);
    CHECK(e.scripted[1]->calls == 0);
    CHECK(e.client->health()[0].faults == 0);
    CHECK_FALSE(is_endpoint_fault(r.error()));
    CHECK(is_endpoint_fault(RpcError::http_error(503, "unavailable")));
    CHECK(is_endpoint_fault(RpcError::malformed("not JSON-RPC")));
}

TEST_CASE("failover: when nothing answers, the last fault is returned", "[chain][failover]") {
    auto e = make({{"a", refuses()}, {"b", refuses()}});
    const auto r = e.client->request(kBlockNumber);
    REQUIRE_FALSE(r);
    CHECK(r.error().is_transport());
    CHECK(e.scripted[0]->calls == 1);
    CHECK(e.scripted[1]->calls == 1);
    // Both cool down; both are still tried rather than nothing.
    CHECK_FALSE(e.client->request(kBlockNumber));
    CHECK(e.scripted[0]->calls + e.scripted[1]->calls == 4);
}

TEST_CASE("failover: a batch whose exchange failed goes to the next endpoint whole", "[chain][failover]") {
    auto e = make({{"a", refuses()}, {"b", answers("0x1")}});
    Batch batch;
    auto one = batch.add(calls::block_number());
    auto two = batch.add(calls::chain_id());
    e.client->execute(batch);
    CHECK(one.get().value() == 1);
    CHECK(two.get().value() == 1);
    CHECK(e.scripted[0]->calls == 1);
    CHECK(e.scripted[1]->calls == 1);

    // One call of a batch failing alone is that call's answer: no failover.
    int n = 0;
    auto mixed = make({{"a",
                        [&](const RpcCall&) -> RpcResult<json::value> {
                            if (n++ == 0)
                                return std::unexpected(RpcError::malformed("no response in the batch"));
                            return json::value("0x2");
                        }},
                       {"b", answers("0x3")}});
    Batch second;
    auto first_call = second.add(calls::block_number());
    auto second_call = second.add(calls::block_number());
    mixed.client->execute(second);
    CHECK_FALSE(first_call.get());
    CHECK(second_call.get().value() == 2);
    CHECK(mixed.scripted[1]->calls == 0);
}

TEST_CASE("failover: among healthy endpoints a much faster one answers", "[chain][failover]") {
    FailoverSettings settings;
    settings.slow = 10ms;  // 30 ms weighs as three failures in a row
    auto e = make({{"slow", answers("0x1", 30ms)}, {"fast", answers("0x2")}}, settings);
    // The first call learns the slow endpoint's latency; the fast one ranks first from then on.
    CHECK(e.client->request(kBlockNumber).value() == "0x1");
    for (int i = 0; i < 5; ++i) CHECK(e.client->request(kBlockNumber).value() == "0x2");
    CHECK(e.scripted[0]->calls == 1);
    const auto health = e.client->health();
    CHECK(health[0].latency_ms >= 25);
    CHECK(health[1].latency_ms < health[0].latency_ms);

    // Within a step of each other, the configured order holds.
    auto close = make({{"primary", answers("0x1", 2ms)}, {"backup", answers("0x2")}});
    for (int i = 0; i < 5; ++i) CHECK(close.client->request(kBlockNumber).value() == "0x1");
    CHECK(close.scripted[1]->calls == 0);
}
