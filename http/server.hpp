// causeway's own HTTP APIs (the validator's checkpoints, the daemons' admin APIs, the router's
// routing API) on one small server over cpp-httplib, kept out of this header: routes by regular
// expression, JSON errors with a stable code, request size and time limits, and a bearer token
// that every mutating call needs.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

namespace causeway::http {

struct Request {
    std::string method;
    std::string path;
    std::vector<std::string> captures;  // the route pattern's groups, in order
    std::multimap<std::string, std::string> query;
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;

    [[nodiscard]] std::optional<std::string> query_value(const std::string& name) const;
};

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

// An error every API reports the same way: {"code": 40401, "error": "not_found", "message": "...",
// "field": "index"} with the HTTP status in the code's first three digits.
struct ApiError {
    int status = 400;
    int code = 40000;
    std::string error;  // a stable name
    std::string message;
    std::optional<std::string> field;
};

[[nodiscard]] Response json_response(const boost::json::value& value, int status = 200);
[[nodiscard]] Response error_response(const ApiError& error);

// What a handler may throw to answer with an error (anything else is a 500 that says nothing of
// its insides).
class ApiException : public std::exception {
  public:
    explicit ApiException(ApiError error) : error_(std::move(error)) {}
    [[nodiscard]] const ApiError& error() const noexcept { return error_; }
    [[nodiscard]] const char* what() const noexcept override { return error_.message.c_str(); }

  private:
    ApiError error_;
};

[[nodiscard]] ApiException not_found(std::string message);
[[nodiscard]] ApiException bad_parameter(std::string field, std::string message);

using Handler = std::function<Response(const Request&)>;

enum class Access : uint8_t {
    kOpen,   // reads: anyone who can reach the port
    kToken,  // changes: `Authorization: Bearer <token>` must match the configured token
};

struct ServerSettings {
    std::string host = "127.0.0.1";
    uint16_t port = 0;  // 0: any free port (see Server::port)
    std::size_t max_body_bytes = 64 * 1024;
    std::chrono::milliseconds read_timeout{5'000};
    std::chrono::milliseconds write_timeout{5'000};
    std::optional<std::string> token;  // none: kToken routes answer 503 (no token configured)
    std::size_t threads = 4;
};

class Server {
  public:
    explicit Server(ServerSettings settings);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Routes, before start(). `pattern` is a regular expression over the whole path ("/a/(\\d+)").
    void get(const std::string& pattern, Handler handler, Access access = Access::kOpen);
    void post(const std::string& pattern, Handler handler, Access access = Access::kToken);

    // Binds and serves on a thread of its own; returns the port. Throws std::runtime_error when it
    // cannot bind.
    uint16_t start();
    // Stops accepting, lets requests in flight finish, joins the thread. Also done on destruction.
    void stop();

    [[nodiscard]] uint16_t port() const noexcept;
    // "http://127.0.0.1:PORT".
    [[nodiscard]] std::string url() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Compares without timing that depends on where the strings differ.
[[nodiscard]] bool equal_in_constant_time(std::string_view a, std::string_view b) noexcept;

}  // namespace causeway::http
