// The only translation unit that includes cpp-httplib's server: keep it that way (compile time).
#include "http/server.hpp"

#include <httplib.h>

#include <boost/json/serialize.hpp>
#include <stdexcept>
#include <thread>

namespace causeway::http {
namespace {

std::string lower(std::string s) {
    for (auto& c : s) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return s;
}

}  // namespace

std::optional<std::string> Request::query_value(const std::string& name) const {
    const auto it = query.find(name);
    if (it == query.end()) return std::nullopt;
    return it->second;
}

Response json_response(const boost::json::value& value, int status) {
    Response r;
    r.status = status;
    r.body = boost::json::serialize(value) + "\n";
    return r;
}

Response error_response(const ApiError& e) {
    boost::json::object o{{"code", e.code}, {"error", e.error}, {"message", e.message}};
    if (e.field) o["field"] = *e.field;
    return json_response(o, e.status);
}

ApiException not_found(std::string message) {
    return ApiException(ApiError{404, 40400, "not_found", std::move(message), std::nullopt});
}

ApiException bad_parameter(std::string field, std::string message) {
    return ApiException(ApiError{400, 40001, "bad_parameter", std::move(message), std::move(field)});
}

bool equal_in_constant_time(std::string_view a, std::string_view b) noexcept {
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    const std::size_t n = std::max(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
        const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
        diff |= static_cast<unsigned char>(x ^ y);
    }
    return diff == 0;
}

struct Server::Impl {
    explicit Impl(ServerSettings s) : settings(std::move(s)) {
        server.set_payload_max_length(settings.max_body_bytes);
        server.set_read_timeout(settings.read_timeout);
        server.set_write_timeout(settings.write_timeout);
        const std::size_t threads = std::max<std::size_t>(1, settings.threads);
        server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
        // Errors httplib answers itself (no route, a body over the limit) in the same JSON form.
        server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
            if (!res.body.empty()) return;
            ApiError e{res.status, res.status * 100, "http_error", "HTTP " + std::to_string(res.status),
                       std::nullopt};
            if (res.status == 404) e = ApiError{404, 40400, "not_found", "no such endpoint", std::nullopt};
            if (res.status == 413)
                e = ApiError{413, 41300, "too_large", "the request body is too large", std::nullopt};
            const auto r = error_response(e);
            res.set_content(r.body, r.content_type);
        });
    }

    ServerSettings settings;
    httplib::Server server;
    std::thread thread;
    uint16_t port = 0;

    httplib::Server::Handler wrap(Handler handler, Access access) {
        return [this, handler = std::move(handler), access](const httplib::Request& req,
                                                            httplib::Response& res) {
            Response out;
            try {
                if (access == Access::kToken) authorize(req);
                Request r;
                r.method = req.method;
                r.path = req.path;
                for (std::size_t i = 1; i < req.matches.size(); ++i)
                    r.captures.push_back(req.matches[i].str());
                for (const auto& [k, v] : req.params) r.query.emplace(k, v);
                for (const auto& [k, v] : req.headers) r.headers[lower(k)] = v;
                r.body = req.body;
                out = handler(r);
            } catch (const ApiException& e) {
                out = error_response(e.error());
            } catch (const std::exception&) {
                out = error_response(
                    ApiError{500, 50000, "internal", "the request failed inside the server", std::nullopt});
            }
            res.status = out.status;
            for (const auto& [k, v] : out.headers) res.set_header(k, v);
            res.set_content(out.body, out.content_type);
        };
    }

    void authorize(const httplib::Request& req) const {
        if (!settings.token) {
            throw ApiException(ApiError{503, 50301, "no_token",
                                        "changes are disabled: no admin token is configured", std::nullopt});
        }
        const std::string header = req.get_header_value("Authorization");
        constexpr std::string_view kBearer = "Bearer ";
        if (header.size() <= kBearer.size() || header.compare(0, kBearer.size(), kBearer) != 0 ||
            !equal_in_constant_time(std::string_view(header).substr(kBearer.size()), *settings.token)) {
            throw ApiException(
                ApiError{401, 40100, "unauthorized", "a valid bearer token is needed", std::nullopt});
        }
    }
};

Server::Server(ServerSettings settings) : impl_(std::make_unique<Impl>(std::move(settings))) {}

Server::~Server() {
    stop();
}

void Server::get(const std::string& pattern, Handler handler, Access access) {
    impl_->server.Get(pattern, impl_->wrap(std::move(handler), access));
}

void Server::post(const std::string& pattern, Handler handler, Access access) {
    impl_->server.Post(pattern, impl_->wrap(std::move(handler), access));
}

uint16_t Server::start() {
    int port = 0;
    if (impl_->settings.port == 0) {
        port = impl_->server.bind_to_any_port(impl_->settings.host);
    } else {
        port = impl_->server.bind_to_port(impl_->settings.host, impl_->settings.port) ? impl_->settings.port
                                                                                      : -1;
    }
    if (port <= 0) {
        throw std::runtime_error("cannot listen on " + impl_->settings.host + ":" +
                                 std::to_string(impl_->settings.port));
    }
    impl_->port = static_cast<uint16_t>(port);
    impl_->thread = std::thread([this] { impl_->server.listen_after_bind(); });
    return impl_->port;
}

void Server::stop() {
    if (!impl_->thread.joinable()) return;
    impl_->server.stop();
    impl_->thread.join();
}

uint16_t Server::port() const noexcept {
    return impl_->port;
}

std::string Server::url() const {
    return "http://" + impl_->settings.host + ":" + std::to_string(impl_->port);
}

}  // namespace causeway::http
