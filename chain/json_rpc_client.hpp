// ChainClient over a Transport: builds JSON-RPC 2.0 envelopes, matches responses to requests by
// id, and classifies error objects.
#pragma once

#include <atomic>
#include <memory>

#include "chain/chain_client.hpp"
#include "chain/http_transport.hpp"
#include "chain/transport.hpp"

namespace causeway::chain {

class JsonRpcClient : public ChainClient {
  public:
    explicit JsonRpcClient(std::unique_ptr<Transport> transport);
    ~JsonRpcClient() override;

    [[nodiscard]] RpcResult<boost::json::value> request(const RpcCall& call) override;
    [[nodiscard]] std::vector<RpcResult<boost::json::value>> request_batch(
        std::span<const RpcCall> calls) override;
    [[nodiscard]] std::string endpoint() const override;

    [[nodiscard]] Transport& transport() noexcept { return *transport_; }

  private:
    std::unique_ptr<Transport> transport_;
    std::atomic<uint64_t> next_id_{1};
};

// JSON-RPC over HTTP/1.1 with keep-alive.
class HttpJsonRpcClient final : public JsonRpcClient {
  public:
    explicit HttpJsonRpcClient(HttpUrl url, HttpOptions options = {});
    // Parses the URL; fails with its problem ("https URLs are not supported yet; use http://").
    [[nodiscard]] static std::expected<std::unique_ptr<HttpJsonRpcClient>, std::string> create(
        std::string_view url, HttpOptions options = {});

    [[nodiscard]] std::size_t connections_opened() const { return http_->connections_opened(); }

  private:
    HttpJsonRpcClient(std::unique_ptr<HttpTransport> transport);
    HttpTransport* http_;
};

}  // namespace causeway::chain
