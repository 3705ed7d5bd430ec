// JSON-RPC over HTTP/1.1 (Boost.Beast, kept out of this header): one keep-alive connection,
// reconnected once when the server closed it while idle, and a deadline per request.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <string_view>

#include "chain/transport.hpp"

namespace causeway::chain {

// "http://host[:port][/path][?query]" (or "ws://..." for a WebSocket); host may be a name, an IPv4
// address or "[IPv6]".
struct HttpUrl {
    std::string host;  // without brackets
    uint16_t port = 80;
    std::string target = "/";  // path and query, sent as the request target
    std::string scheme = "http";

    // Rejects other schemes (https is not supported yet), user info, bad ports and empty hosts.
    [[nodiscard]] static std::expected<HttpUrl, std::string> parse(std::string_view url);
    // The same for "ws://" URLs (wss is not supported yet).
    [[nodiscard]] static std::expected<HttpUrl, std::string> parse_websocket(std::string_view url);
    // "http://host:port/" or, when there is a path (which may hold an API key), "http://host:port/...".
    [[nodiscard]] std::string redacted() const;
    friend bool operator==(const HttpUrl&, const HttpUrl&) = default;
};

struct HttpOptions {
    // The whole exchange: connect (when needed), send, and receive the complete response.
    std::chrono::milliseconds timeout{10'000};
    std::size_t max_response_bytes = 64u << 20;
    std::string user_agent = "causeway";
};

class HttpTransport final : public Transport {
  public:
    explicit HttpTransport(HttpUrl url, HttpOptions options = {});
    ~HttpTransport() override;
    HttpTransport(const HttpTransport&) = delete;
    HttpTransport& operator=(const HttpTransport&) = delete;

    [[nodiscard]] RpcResult<boost::json::value> send(const boost::json::value& payload) override;
    [[nodiscard]] std::string endpoint() const override;

    // TCP connections opened so far (keep-alive keeps this at 1 while the server cooperates).
    [[nodiscard]] std::size_t connections_opened() const;
    [[nodiscard]] const HttpUrl& url() const noexcept;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace causeway::chain
