// The layer under a JSON-RPC client: moves one JSON payload to an endpoint and brings back the
// response body. HTTP is the only transport today; a WebSocket transport (which also carries
// eth_subscribe notifications) and a failover transport over several endpoints with health
// scores are meant to slot in behind the same interface.
#pragma once

#include <boost/json/value.hpp>
#include <string>

#include "chain/rpc_error.hpp"

namespace causeway::chain {

class Transport {
  public:
    virtual ~Transport() = default;

    // Sends a JSON-RPC request object or batch array and returns the parsed response body.
    // Fails with kTransport, kHttpStatus, or kMalformed (the body is not JSON). Implementations
    // serialise concurrent callers.
    [[nodiscard]] virtual RpcResult<boost::json::value> send(const boost::json::value& payload) = 0;

    // Where requests go, safe to log (no credentials, no path that may hold an API key).
    [[nodiscard]] virtual std::string endpoint() const = 0;
};

}  // namespace causeway::chain
