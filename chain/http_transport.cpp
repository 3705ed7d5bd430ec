// The only translation unit that includes Boost.Beast: keep it that way (compile time).
#include "chain/http_transport.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <mutex>
#include <optional>

namespace causeway::chain {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

namespace {

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

// The first bytes of a body, for error messages.
std::string excerpt(std::string_view body) {
    constexpr std::size_t kMax = 200;
    std::string out(body.substr(0, kMax));
    for (auto& c : out) {
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    if (body.size() > kMax) out += "...";
    return out;
}

std::string host_port(const HttpUrl& url) {
    const bool ipv6 = url.host.find(':') != std::string::npos;
    return (ipv6 ? "[" + url.host + "]" : url.host) + ":" + std::to_string(url.port);
}

bool is_connection_closed(const error_code& ec) {
    return ec == http::error::end_of_stream || ec == asio::error::eof ||
           ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
           ec == asio::error::connection_aborted;
}

}  // namespace

// ----- URL -----

namespace {

// Everything after "scheme://".
std::expected<HttpUrl, std::string> parse_authority_and_target(std::string_view rest);

}  // namespace

std::expected<HttpUrl, std::string> HttpUrl::parse(std::string_view text) {
    const std::string scheme = lower_ascii(text.substr(0, text.find("://")));
    if (text.find("://") == std::string_view::npos) return std::unexpected("URL must start with http://");
    if (scheme == "https") return std::unexpected("https URLs are not supported yet; use http://");
    if (scheme == "ws" || scheme == "wss")
        return std::unexpected("a WebSocket URL where an HTTP one is needed; use http://");
    if (scheme != "http") return std::unexpected("URL must start with http://");
    return parse_authority_and_target(text.substr(text.find("://") + 3));
}

std::expected<HttpUrl, std::string> HttpUrl::parse_websocket(std::string_view text) {
    const std::string scheme = lower_ascii(text.substr(0, text.find("://")));
    if (text.find("://") == std::string_view::npos || (scheme != "ws" && scheme != "wss"))
        return std::unexpected("URL must start with ws://");
    if (scheme == "wss") return std::unexpected("wss URLs are not supported yet; use ws://");
    auto url = parse_authority_and_target(text.substr(text.find("://") + 3));
    if (url) url->scheme = "ws";
    return url;
}

namespace {

std::expected<HttpUrl, std::string> parse_authority_and_target(std::string_view rest) {
    if (const auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);

    const std::size_t path_start = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, path_start);
    std::string_view target =
        path_start == std::string_view::npos ? std::string_view{} : rest.substr(path_start);
    if (authority.find('@') != std::string_view::npos) {
        return std::unexpected("credentials in the URL are not supported");
    }

    HttpUrl url;
    std::string_view port_text;
    if (authority.starts_with("[")) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return std::unexpected("unterminated [IPv6] host in URL");
        url.host = std::string(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after[0] != ':') return std::unexpected("unexpected text after ] in URL");
            port_text = after.substr(1);
            if (port_text.empty()) return std::unexpected("empty port in URL");
        }
    } else {
        const auto colon = authority.find(':');
        url.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            port_text = authority.substr(colon + 1);
            if (port_text.empty()) return std::unexpected("empty port in URL");
        }
    }
    if (url.host.empty()) return std::unexpected("URL has no host");
    for (char c : url.host) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '.' || c == '-' || c == '_' || c == ':';
        if (!ok) return std::unexpected("invalid character in URL host");
    }
    if (!port_text.empty()) {
        unsigned port = 0;
        const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
            return std::unexpected("invalid port in URL: " + std::string(port_text));
        }
        url.port = static_cast<uint16_t>(port);
    }
    if (target.empty())
        url.target = "/";
    else if (target.front() == '?')
        url.target = "/" + std::string(target);
    else
        url.target = std::string(target);
    return url;
}

}  // namespace

std::string HttpUrl::redacted() const {
    return scheme + "://" + host_port(*this) + (target == "/" ? "/" : "/...");
}

// ----- transport -----

struct HttpTransport::Impl {
    // Why a single exchange failed, and whether a fresh connection may succeed.
    struct Failure {
        RpcError error;
        bool maybe_stale = false;  // nothing came back: the server may have closed an idle connection
    };
    struct Response {
        unsigned status = 0;
        std::string body;
    };

    Impl(HttpUrl u, HttpOptions o) : url(std::move(u)), options(std::move(o)) {}

    HttpUrl url;
    HttpOptions options;
    asio::io_context ioc{1};
    tcp::resolver resolver{ioc};
    tcp::socket socket{ioc};
    beast::flat_buffer buffer;
    std::mutex mutex;
    std::size_t connections = 0;
    Clock::time_point deadline;

    // Runs the started operation until its handler sets `done` or the deadline passes; then
    // cancels whatever is pending, drains the handlers and returns false.
    bool run(const bool& done) {
        ioc.restart();
        ioc.run_until(deadline);
        if (done) return true;
        resolver.cancel();
        close();
        ioc.restart();
        ioc.run();
        return false;
    }

    void close() {
        error_code ignored;
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
        buffer.clear();
    }

    RpcError timeout(std::string_view doing) const {
        return RpcError::transport_error(RpcError::Transport::kTimeout,
                                         "timed out " + std::string(doing) + " (deadline " +
                                             std::to_string(options.timeout.count()) + " ms)");
    }

    std::optional<RpcError> connect() {
        close();
        bool done = false;
        error_code ec;
        tcp::resolver::results_type endpoints;
        resolver.async_resolve(url.host, std::to_string(url.port),
                               [&](const error_code& e, tcp::resolver::results_type r) {
                                   ec = e;
                                   endpoints = std::move(r);
                                   done = true;
                               });
        if (!run(done)) return timeout("resolving " + url.host);
        if (ec)
            return RpcError::transport_error(RpcError::Transport::kResolve,
                                             "cannot resolve " + url.host + ": " + ec.message());

        done = false;
        asio::async_connect(socket, endpoints, [&](const error_code& e, const tcp::endpoint&) {
            ec = e;
            done = true;
        });
        if (!run(done)) {
            close();
            return timeout("connecting to " + host_port(url));
        }
        if (ec) {
            close();
            return RpcError::transport_error(RpcError::Transport::kConnect,
                                             "cannot connect to " + host_port(url) + ": " + ec.message());
        }
        error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        ++connections;
        return std::nullopt;
    }

    std::expected<Response, Failure> round_trip(const http::request<http::string_body>& request) {
        bool done = false;
        error_code ec;
        http::async_write(socket, request, [&](const error_code& e, std::size_t) {
            ec = e;
            done = true;
        });
        if (!run(done)) return std::unexpected(Failure{timeout("sending the request"), false});
        if (ec) {
            close();
            const auto why =
                is_connection_closed(ec) ? RpcError::Transport::kClosed : RpcError::Transport::kIo;
            return std::unexpected(
                Failure{RpcError::transport_error(why, "sending the request: " + ec.message()), true});
        }

        http::response_parser<http::string_body> parser;
        parser.body_limit(options.max_response_bytes);
        done = false;
        http::async_read(socket, buffer, parser, [&](const error_code& e, std::size_t) {
            ec = e;
            done = true;
        });
        if (!run(done)) return std::unexpected(Failure{timeout("waiting for the response"), false});
        if (ec) {
            const bool nothing_received = !parser.got_some();
            close();
            if (ec == http::error::body_limit) {
                return std::unexpected(
                    Failure{RpcError::malformed("response larger than " +
                                                std::to_string(options.max_response_bytes) + " bytes"),
                            false});
            }
            const bool closed = is_connection_closed(ec);
            return std::unexpected(Failure{
                RpcError::transport_error(
                    closed ? RpcError::Transport::kClosed : RpcError::Transport::kIo,
                    (closed ? "connection closed before a complete response: " : "reading the response: ") +
                        ec.message()),
                closed && nothing_received});
        }
        auto response = parser.release();
        if (!response.keep_alive()) close();
        return Response{response.result_int(), std::move(response.body())};
    }
};

HttpTransport::HttpTransport(HttpUrl url, HttpOptions options)
    : impl_(std::make_unique<Impl>(std::move(url), std::move(options))) {}

HttpTransport::~HttpTransport() {
    if (impl_) impl_->close();
}

std::string HttpTransport::endpoint() const {
    return impl_->url.redacted();
}

std::size_t HttpTransport::connections_opened() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->connections;
}

const HttpUrl& HttpTransport::url() const noexcept {
    return impl_->url;
}

RpcResult<json::value> HttpTransport::send(const json::value& payload) {
    std::lock_guard lock(impl_->mutex);
    Impl& m = *impl_;
    const auto failed = [&](RpcError e) {
        e.endpoint = m.url.redacted();
        return std::unexpected(std::move(e));
    };
    m.deadline = Clock::now() + m.options.timeout;

    http::request<http::string_body> request{http::verb::post, m.url.target, 11};
    request.set(http::field::host, host_port(m.url));
    request.set(http::field::user_agent, m.options.user_agent);
    request.set(http::field::content_type, "application/json");
    request.set(http::field::accept, "application/json");
    request.keep_alive(true);
    request.body() = json::serialize(payload);
    request.prepare_payload();

    // A reused connection may have been closed by the server while idle; when the failure shows
    // that nothing came back, send once more on a fresh connection. Resending is safe for the
    // calls causeway makes: reads, and raw transactions, which are identified by their hash.
    const bool reused = m.socket.is_open();
    if (!reused) {
        if (auto e = m.connect()) return failed(std::move(*e));
    }
    auto response = m.round_trip(request);
    if (!response && reused && response.error().maybe_stale) {
        if (auto e = m.connect()) return failed(std::move(*e));
        response = m.round_trip(request);
    }
    if (!response) return failed(std::move(response.error().error));

    if (response->status != 200) {
        const auto reason = http::obsolete_reason(static_cast<http::status>(response->status));
        return failed(RpcError::http_error(
            response->status, std::string(reason.data(), reason.size()) + ": " + excerpt(response->body)));
    }
    error_code ec;
    json::value v = json::parse(response->body, ec);
    if (ec)
        return failed(RpcError::malformed("response body is not JSON (" + ec.message() +
                                          "): " + excerpt(response->body)));
    return v;
}

}  // namespace causeway::chain
