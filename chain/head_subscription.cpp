// The second and last translation unit with Boost.Beast (its WebSocket half): keep it that way.
#include "chain/head_subscription.hpp"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "chain/http_transport.hpp"
#include "core/hex.hpp"

namespace causeway::chain {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

namespace {

// A newHeads notification's head: {"method":"eth_subscription","params":{"result":{"number","hash"}}}.
std::optional<Head> head_of_notification(const json::value& message) {
    const auto* o = message.if_object();
    if (o == nullptr) return std::nullopt;
    const auto* method = o->if_contains("method");
    if (method == nullptr || !method->is_string() || method->get_string() != "eth_subscription")
        return std::nullopt;
    const auto* params = o->if_contains("params");
    const auto* result =
        params != nullptr && params->is_object() ? params->get_object().if_contains("result") : nullptr;
    if (result == nullptr || !result->is_object()) return std::nullopt;
    const auto* number = result->get_object().if_contains("number");
    const auto* hash = result->get_object().if_contains("hash");
    if (number == nullptr || hash == nullptr || !number->is_string() || !hash->is_string())
        return std::nullopt;
    const auto n = jsonrpc::parse_quantity_u64(std::string_view(number->get_string()));
    const auto h = hash_from_hex(std::string_view(hash->get_string()));
    if (!n || !h) return std::nullopt;
    return Head{*n, *h, true};
}

}  // namespace

struct HeadSubscription::Impl {
    Impl(ChainClient& p, HeadSubscriptionSettings s, OnHead h)
        : poller(p), settings(std::move(s)), on_head(std::move(h)) {
        if (settings.websocket_url) {
            auto parsed = HttpUrl::parse_websocket(*settings.websocket_url);
            if (!parsed) throw std::invalid_argument(*settings.websocket_url + ": " + parsed.error());
            url = std::move(*parsed);
        }
        thread = std::thread([this] { run(); });
    }

    ChainClient& poller;
    HeadSubscriptionSettings settings;
    OnHead on_head;
    std::optional<HttpUrl> url;

    std::atomic<bool> stopping{false};
    std::atomic<bool> subscribed{false};
    std::atomic<std::size_t> connections{0};
    mutable std::mutex mutex;
    std::condition_variable wake;
    std::optional<Head> latest;
    std::thread thread;

    void deliver(const Head& head) {
        {
            const std::lock_guard lock(mutex);
            if (stopping) return;
            if (latest && (head.number < latest->number ||
                           (head.number == latest->number && head.hash == latest->hash)))
                return;
            latest = head;
        }
        on_head(head);
    }

    void poll_once() {
        const auto number = poller.block_number();
        if (!number) return;
        {
            const std::lock_guard lock(mutex);
            // The same height: its hash is only fetched when the number moved (a reorg at the same
            // height shows up at the next block, or through the subscription).
            if (latest && latest->number == *number) return;
        }
        const auto header = poller.header_by_number(BlockId::number(*number));
        if (!header || !*header) return;
        deliver(Head{*number, jsonrpc::compute_hash(**header), false});
    }

    // Sleeps for `d` unless stopped meanwhile; false when stopping.
    bool sleep(std::chrono::milliseconds d) {
        std::unique_lock lock(mutex);
        return !wake.wait_for(lock, d, [this] { return stopping.load(); });
    }

    void run() {
        auto next_socket = Clock::now();
        auto delay = settings.reconnect_min;
        while (!stopping) {
            if (url && Clock::now() >= next_socket) {
                const bool got_heads = websocket_session();
                if (stopping) break;
                delay = got_heads ? settings.reconnect_min : std::min(delay * 2, settings.reconnect_max);
                next_socket = Clock::now() + delay;
            }
            poll_once();
            if (!sleep(settings.poll_interval)) break;
        }
    }

    // One socket: connect, subscribe, deliver heads until it fails or we stop. True when it
    // delivered at least one head (the endpoint works: come back soon).
    bool websocket_session() {
        asio::io_context ioc;
        tcp::resolver resolver(ioc);
        websocket::stream<beast::tcp_stream> ws(ioc);
        beast::flat_buffer buffer;
        bool done = false;
        bool got_heads = false;
        const std::string host = url->host;

        const auto finish = [&](const error_code&) {
            subscribed = false;
            done = true;
        };
        std::function<void()> read_next;
        read_next = [&] {
            ws.async_read(buffer, [&](const error_code& ec, std::size_t) {
                if (ec) return finish(ec);
                error_code parse_ec;
                const auto message = json::parse(beast::buffers_to_string(buffer.data()), parse_ec);
                buffer.consume(buffer.size());
                if (!parse_ec) {
                    if (const auto* o = message.if_object(); o != nullptr && o->contains("id")) {
                        // The answer to eth_subscribe: a subscription id, or an error (no newHeads).
                        if (o->contains("error")) return finish(error_code{});
                        subscribed = true;
                    } else if (auto head = head_of_notification(message)) {
                        got_heads = true;
                        deliver(*head);
                    }
                }
                read_next();
            });
        };
        resolver.async_resolve(
            host, std::to_string(url->port), [&](const error_code& ec, tcp::resolver::results_type results) {
                if (ec) return finish(ec);
                beast::get_lowest_layer(ws).expires_after(settings.handshake_timeout);
                beast::get_lowest_layer(ws).async_connect(results, [&](const error_code& ec2,
                                                                       const tcp::endpoint&) {
                    if (ec2) return finish(ec2);
                    ++connections;
                    ws.async_handshake(
                        host + ":" + std::to_string(url->port), url->target, [&](const error_code& ec3) {
                            if (ec3) return finish(ec3);
                            beast::get_lowest_layer(ws).expires_never();
                            websocket::stream_base::timeout timeouts{};
                            timeouts.handshake_timeout = settings.handshake_timeout;
                            timeouts.idle_timeout = settings.idle_timeout;
                            timeouts.keep_alive_pings = true;
                            ws.set_option(timeouts);
                            static const std::string subscribe =
                                R"({"jsonrpc":"2.0","id":1,"method":"eth_subscribe","params":["newHeads"]})";
                            ws.async_write(asio::buffer(subscribe), [&](const error_code& ec4, std::size_t) {
                                if (ec4) return finish(ec4);
                                read_next();
                            });
                        });
                });
            });
        while (!done) {
            ioc.run_for(std::chrono::milliseconds(100));
            if (stopping && !done) {
                beast::get_lowest_layer(ws).cancel();
                error_code ignored;
                beast::get_lowest_layer(ws).socket().close(ignored);
            }
            if (ioc.stopped() && !done) ioc.restart();
        }
        subscribed = false;
        return got_heads;
    }
};

HeadSubscription::HeadSubscription(ChainClient& poller, HeadSubscriptionSettings settings, OnHead on_head)
    : impl_(std::make_unique<Impl>(poller, std::move(settings), std::move(on_head))) {}

HeadSubscription::~HeadSubscription() {
    stop();
}

void HeadSubscription::stop() {
    if (!impl_->thread.joinable()) return;
    {
        const std::lock_guard lock(impl_->mutex);
        impl_->stopping = true;
    }
    impl_->wake.notify_all();
    impl_->thread.join();
}

bool HeadSubscription::subscribed() const noexcept {
    return impl_->subscribed;
}

std::optional<Head> HeadSubscription::latest() const {
    const std::lock_guard lock(impl_->mutex);
    return impl_->latest;
}

std::size_t HeadSubscription::connections() const noexcept {
    return impl_->connections;
}

}  // namespace causeway::chain
