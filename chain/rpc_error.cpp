#include "chain/rpc_error.hpp"

#include <boost/json/serialize.hpp>

namespace causeway::chain {

std::string_view to_string(RpcError::Kind kind) noexcept {
    switch (kind) {
        case RpcError::Kind::kTransport: return "transport error";
        case RpcError::Kind::kHttpStatus: return "HTTP error";
        case RpcError::Kind::kJsonRpc: return "JSON-RPC error";
        case RpcError::Kind::kMalformed: return "malformed response";
        case RpcError::Kind::kNotSent: return "not sent";
    }
    return "RPC error";
}

std::string_view to_string(RpcError::Transport transport) noexcept {
    switch (transport) {
        case RpcError::Transport::kNone: return "none";
        case RpcError::Transport::kResolve: return "resolve";
        case RpcError::Transport::kConnect: return "connect";
        case RpcError::Transport::kTimeout: return "timeout";
        case RpcError::Transport::kClosed: return "closed";
        case RpcError::Transport::kIo: return "i/o";
    }
    return "unknown";
}

RpcError RpcError::transport_error(Transport why, std::string message) {
    RpcError e;
    e.kind = Kind::kTransport;
    e.transport = why;
    e.message = std::move(message);
    return e;
}

RpcError RpcError::http_error(unsigned status, std::string message) {
    RpcError e;
    e.kind = Kind::kHttpStatus;
    e.http_status = status;
    e.message = std::move(message);
    return e;
}

RpcError RpcError::json_rpc_error(int64_t code, std::string message, boost::json::value data) {
    RpcError e;
    e.kind = Kind::kJsonRpc;
    e.code = code;
    e.message = std::move(message);
    e.data = std::move(data);
    return e;
}

RpcError RpcError::malformed(std::string message) {
    RpcError e;
    e.kind = Kind::kMalformed;
    e.message = std::move(message);
    return e;
}

RpcError RpcError::not_sent(std::string message) {
    RpcError e;
    e.kind = Kind::kNotSent;
    e.message = std::move(message);
    return e;
}

std::string RpcError::to_string() const {
    std::string out(chain::to_string(kind));
    switch (kind) {
        case Kind::kTransport: out += " (" + std::string(chain::to_string(transport)) + ")"; break;
        case Kind::kHttpStatus: out += " " + std::to_string(http_status); break;
        case Kind::kJsonRpc: out += " " + std::to_string(code); break;
        default: break;
    }
    out += ": " + message;
    if (kind == Kind::kJsonRpc && !data.is_null()) {
        std::string d = boost::json::serialize(data);
        if (d.size() > 200) d = d.substr(0, 200) + "...";
        out += " (data: " + d + ")";
    }
    if (!endpoint.empty()) out += " [" + endpoint + "]";
    return out;
}

}  // namespace causeway::chain
