// New heads from a real anvil: pushed over its WebSocket, found by polling when no socket is
// configured or while it is down, and the socket back after the node restarts.
#include "chain/head_subscription.hpp"

#include <catch2/catch.hpp>
#include <mutex>
#include <thread>
#include <vector>

#include "chain/json_rpc_client.hpp"
#include "tests/support/anvil.hpp"

using namespace causeway;
using namespace causeway::chain;
using namespace std::chrono_literals;

namespace {

// Heads as the subscription's thread delivers them, read on the test's thread.
struct Heads {
    std::mutex mutex;
    std::vector<Head> seen;

    HeadSubscription::OnHead sink() {
        return [this](const Head& h) {
            const std::lock_guard lock(mutex);
            seen.push_back(h);
        };
    }
    std::vector<Head> snapshot() {
        const std::lock_guard lock(mutex);
        return seen;
    }
    // Waits until a head numbered `number` arrived; returns it.
    std::optional<Head> wait_for(uint64_t number, std::chrono::milliseconds timeout = 10s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            for (const auto& h : snapshot()) {
                if (h.number == number) return h;
            }
            std::this_thread::sleep_for(10ms);
        }
        return std::nullopt;
    }
};

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(10ms);
    }
    return condition();
}

std::string ws_url(const test::Anvil& anvil) {
    return "ws://127.0.0.1:" + std::to_string(anvil.port());
}

void mine(ChainClient& client) {
    REQUIRE(client.request(RpcCall{"evm_mine", {}}));
}

}  // namespace

TEST_CASE("heads by polling: each new block once, with its hash", "[chain][heads][anvil]") {
    CAUSEWAY_REQUIRE_ANVIL();
    test::Anvil anvil;
    auto client = HttpJsonRpcClient::create(anvil.url()).value();
    Heads heads;
    HeadSubscriptionSettings settings;
    settings.poll_interval = 20ms;
    HeadSubscription subscription(*client, settings, heads.sink());
    REQUIRE(heads.wait_for(0));
    mine(*client);
    mine(*client);
    const auto second = heads.wait_for(2);
    REQUIRE(second);
    CHECK_FALSE(second->from_subscription);
    CHECK(second->hash ==
          jsonrpc::compute_hash(client->header_by_number(BlockId::number(2)).value().value()));
    CHECK_FALSE(subscription.subscribed());
    CHECK(subscription.connections() == 0);
    subscription.stop();
    const auto count = heads.snapshot().size();
    mine(*client);
    std::this_thread::sleep_for(100ms);
    CHECK(heads.snapshot().size() == count);  // nothing after stop
    // Each number once, in order.
    const auto seen = heads.snapshot();
    for (std::size_t i = 1; i < seen.size(); ++i) CHECK(seen[i].number > seen[i - 1].number);
}

TEST_CASE("heads over the WebSocket: pushed as blocks are mined", "[chain][heads][anvil]") {
    CAUSEWAY_REQUIRE_ANVIL();
    test::Anvil anvil;
    auto client = HttpJsonRpcClient::create(anvil.url()).value();
    Heads heads;
    HeadSubscriptionSettings settings;
    settings.websocket_url = ws_url(anvil);
    settings.poll_interval = 60s;  // so that only the socket can bring the next heads in time
    HeadSubscription subscription(*client, settings, heads.sink());
    REQUIRE(eventually([&] { return subscription.subscribed(); }));
    CHECK(subscription.connections() == 1);
    for (int i = 0; i < 3; ++i) mine(*client);
    const auto third = heads.wait_for(3, 5s);
    REQUIRE(third);
    CHECK(third->from_subscription);
    CHECK(third->hash == jsonrpc::compute_hash(client->header_by_number(BlockId::number(3)).value().value()));
    REQUIRE(subscription.latest());
    CHECK(subscription.latest()->number == 3);
}

TEST_CASE("heads: polling while the socket is refused, the socket again after a restart",
          "[chain][heads][anvil]") {
    CAUSEWAY_REQUIRE_ANVIL();
    auto anvil = std::make_unique<test::Anvil>();
    const int port = anvil->port();
    auto client = HttpJsonRpcClient::create(anvil->url()).value();
    Heads heads;
    HeadSubscriptionSettings settings;
    settings.websocket_url = ws_url(*anvil);
    settings.poll_interval = 50ms;
    settings.reconnect_min = 50ms;
    settings.reconnect_max = 200ms;
    HeadSubscription subscription(*client, settings, heads.sink());
    REQUIRE(eventually([&] { return subscription.subscribed(); }));

    // The node goes away: the socket closes.
    anvil.reset();
    REQUIRE(eventually([&] { return !subscription.subscribed(); }));

    // Back on the same port (a fresh chain): subscribed again on a new socket, heads pushed.
    test::AnvilOptions options;
    options.port = port;
    anvil = std::make_unique<test::Anvil>(options);
    REQUIRE(eventually([&] { return subscription.subscribed(); }));
    CHECK(subscription.connections() >= 2);
    mine(*client);
    mine(*client);
    REQUIRE(heads.wait_for(2));

    // Nothing listens for WebSockets there: polling alone brings the heads.
    Heads polled;
    HeadSubscriptionSettings refused;
    refused.websocket_url = "ws://127.0.0.1:1";
    refused.poll_interval = 20ms;
    HeadSubscription fallback(*client, refused, polled.sink());
    mine(*client);
    const auto third = polled.wait_for(3);
    REQUIRE(third);
    CHECK_FALSE(third->from_subscription);
    CHECK_FALSE(fallback.subscribed());

    CHECK_THROWS_AS(
        HeadSubscription(*client, HeadSubscriptionSettings{.websocket_url = "http://x"}, polled.sink()),
        std::invalid_argument);
}
