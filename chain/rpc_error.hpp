// What can go wrong talking to a chain's RPC endpoint, classified so that callers (the error
// classifier, endpoint failover, health scores) can decide without parsing messages.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace causeway::chain {

struct RpcError {
    enum class Kind : uint8_t {
        kTransport,   // no HTTP response: resolve, connect, timeout, connection closed, I/O
        kHttpStatus,  // an HTTP response other than 200 (429 rate limit, 5xx, ...)
        kJsonRpc,     // a JSON-RPC error object (code, message, data)
        kMalformed,   // a response that is not valid JSON-RPC, or a result that does not decode
        kNotSent,     // the call never went out (a batch that was not executed)
    };
    enum class Transport : uint8_t {
        kNone,
        kResolve,  // the host name did not resolve
        kConnect,  // connection refused or unreachable
        kTimeout,  // the per-request deadline passed
        kClosed,   // the peer closed the connection before a complete response
        kIo,       // another socket error
    };

    Kind kind = Kind::kMalformed;
    Transport transport = Transport::kNone;  // for kTransport
    unsigned http_status = 0;                // for kHttpStatus
    int64_t code = 0;                        // for kJsonRpc: the error object's code
    std::string message;                     // human-readable detail (never contains credentials)
    boost::json::value data;                 // for kJsonRpc: the error object's data, null if none
    std::string endpoint;                    // where the request went (redacted URL), when known

    static RpcError transport_error(Transport why, std::string message);
    static RpcError http_error(unsigned status, std::string message);
    static RpcError json_rpc_error(int64_t code, std::string message, boost::json::value data = nullptr);
    static RpcError malformed(std::string message);
    static RpcError not_sent(std::string message);

    [[nodiscard]] bool is_transport() const noexcept { return kind == Kind::kTransport; }
    [[nodiscard]] bool is_timeout() const noexcept { return transport == Transport::kTimeout; }
    // "transport error (timeout): ... [http://127.0.0.1:8545/]", "JSON-RPC error -32601: ...".
    [[nodiscard]] std::string to_string() const;
};

[[nodiscard]] std::string_view to_string(RpcError::Kind kind) noexcept;
[[nodiscard]] std::string_view to_string(RpcError::Transport transport) noexcept;

template <typename T>
using RpcResult = std::expected<T, RpcError>;

}  // namespace causeway::chain
