// New heads of one chain as they come: eth_subscribe("newHeads") over a WebSocket when a ws:// URL
// is configured, and polling (eth_blockNumber, then the header for its hash) when none is or while
// the socket is down; a lost socket is tried again after a growing delay. A head is a signal that
// work may be waiting, not evidence: callers read block ranges from their own cursor and verify
// what they read, so a head missed during a reconnect loses nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "chain/chain_client.hpp"
#include "core/bytes.hpp"

namespace causeway::chain {

struct Head {
    uint64_t number = 0;
    Hash hash;
    bool from_subscription = false;  // pushed over the WebSocket, not found by polling
    friend bool operator==(const Head&, const Head&) = default;
};

struct HeadSubscriptionSettings {
    std::optional<std::string> websocket_url;  // ws://host:port[/path]; none: polling only
    std::chrono::milliseconds poll_interval{1'000};
    std::chrono::milliseconds reconnect_min{500};
    std::chrono::milliseconds reconnect_max{30'000};
    std::chrono::milliseconds handshake_timeout{5'000};
    // Silence this long (pings unanswered) ends a socket: polling takes over.
    std::chrono::milliseconds idle_timeout{30'000};
};

class HeadSubscription {
  public:
    using OnHead = std::function<void(const Head&)>;

    // Starts its own thread at once; `on_head` runs on it, for each head that differs from the
    // last one delivered (a higher number, or another hash at the same number after a reorg).
    // `poller` must outlive this object. Throws std::invalid_argument for a bad WebSocket URL.
    HeadSubscription(ChainClient& poller, HeadSubscriptionSettings settings, OnHead on_head);
    ~HeadSubscription();
    HeadSubscription(const HeadSubscription&) = delete;
    HeadSubscription& operator=(const HeadSubscription&) = delete;

    // Whether the socket is up and subscribed right now.
    [[nodiscard]] bool subscribed() const noexcept;
    [[nodiscard]] std::optional<Head> latest() const;
    // Sockets opened so far (a reconnect opens another).
    [[nodiscard]] std::size_t connections() const noexcept;
    // Stops the thread (also done by the destructor); no head is delivered after it returns.
    void stop();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace causeway::chain
