#include "chain/json_rpc_client.hpp"

#include <unordered_map>

namespace causeway::chain {

namespace json = boost::json;

namespace {

json::object envelope(const RpcCall& call, uint64_t id) {
    return json::object{{"jsonrpc", "2.0"}, {"id", id}, {"method", call.method}, {"params", call.params}};
}

std::optional<uint64_t> id_of(const json::object& response) {
    const json::value* id = response.if_contains("id");
    if (id == nullptr) return std::nullopt;
    if (id->is_uint64()) return id->get_uint64();
    if (id->is_int64() && id->get_int64() >= 0) return static_cast<uint64_t>(id->get_int64());
    return std::nullopt;
}

// The result of one response object, or its error classified.
RpcResult<json::value> interpret(const json::object& response, std::string_view method) {
    if (const json::value* version = response.if_contains("jsonrpc");
        version != nullptr && !(version->is_string() && version->get_string() == "2.0")) {
        return std::unexpected(RpcError::malformed(std::string(method) + ": response is not JSON-RPC 2.0"));
    }
    if (const json::value* error = response.if_contains("error"); error != nullptr && !error->is_null()) {
        if (!error->is_object())
            return std::unexpected(RpcError::malformed(std::string(method) + ": error is not an object"));
        const auto& e = error->get_object();
        const json::value* code = e.if_contains("code");
        const json::value* message = e.if_contains("message");
        if (code == nullptr || !(code->is_int64() || code->is_uint64()) || message == nullptr ||
            !message->is_string()) {
            return std::unexpected(RpcError::malformed(
                std::string(method) + ": error object without an integer code and a message"));
        }
        const int64_t c = code->is_int64() ? code->get_int64() : static_cast<int64_t>(code->get_uint64());
        const json::value* data = e.if_contains("data");
        return std::unexpected(RpcError::json_rpc_error(c, std::string(message->get_string()),
                                                        data != nullptr ? *data : json::value(nullptr)));
    }
    const json::value* result = response.if_contains("result");
    if (result == nullptr)
        return std::unexpected(
            RpcError::malformed(std::string(method) + ": response has neither result nor error"));
    return *result;
}

template <typename T>
RpcResult<T> with_endpoint(RpcResult<T> r, const std::string& endpoint) {
    if (!r && r.error().endpoint.empty()) r.error().endpoint = endpoint;
    return r;
}

}  // namespace

JsonRpcClient::JsonRpcClient(std::unique_ptr<Transport> transport) : transport_(std::move(transport)) {}

JsonRpcClient::~JsonRpcClient() = default;

std::string JsonRpcClient::endpoint() const {
    return transport_->endpoint();
}

RpcResult<json::value> JsonRpcClient::request(const RpcCall& call) {
    const uint64_t id = next_id_.fetch_add(1);
    auto response = transport_->send(envelope(call, id));
    if (!response) return std::unexpected(std::move(response.error()));
    if (!response->is_object()) {
        return with_endpoint<json::value>(
            std::unexpected(RpcError::malformed(call.method + ": response is not a JSON object")),
            endpoint());
    }
    const auto& object = response->get_object();
    auto result = interpret(object, call.method);
    // An error about the request as a whole (a parse error, say) may come back with a null id.
    const auto got = id_of(object);
    const bool request_level_error = !result && !got;
    if (got != id && !request_level_error) {
        result =
            std::unexpected(RpcError::malformed(call.method + ": response id does not match the request"));
    }
    return with_endpoint(std::move(result), endpoint());
}

std::vector<RpcResult<json::value>> JsonRpcClient::request_batch(std::span<const RpcCall> calls) {
    std::vector<RpcResult<json::value>> out;
    if (calls.empty()) return out;
    const uint64_t first_id = next_id_.fetch_add(calls.size());
    json::array payload;
    payload.reserve(calls.size());
    for (std::size_t i = 0; i < calls.size(); ++i) payload.push_back(envelope(calls[i], first_id + i));

    const auto all = [&](const RpcError& e) {
        out.assign(calls.size(), std::unexpected(e));
        return out;
    };
    auto response = transport_->send(payload);
    if (!response) return all(response.error());

    if (response->is_object()) {
        // The server rejected the batch as a whole (too large, batches disabled, ...).
        auto whole = interpret(response->get_object(), "batch");
        RpcError e = whole ? RpcError::malformed("batch: expected an array of responses, got an object")
                           : whole.error();
        e.endpoint = endpoint();
        return all(e);
    }
    if (!response->is_array()) {
        RpcError e = RpcError::malformed("batch: response is not a JSON array");
        e.endpoint = endpoint();
        return all(e);
    }
    std::unordered_map<uint64_t, const json::object*> by_id;
    for (const auto& item : response->get_array()) {
        if (!item.is_object()) continue;
        if (const auto id = id_of(item.get_object());
            id && *id >= first_id && *id < first_id + calls.size()) {
            by_id.emplace(*id, &item.get_object());
        }
    }
    out.reserve(calls.size());
    for (std::size_t i = 0; i < calls.size(); ++i) {
        const auto it = by_id.find(first_id + i);
        if (it == by_id.end()) {
            out.push_back(with_endpoint<json::value>(
                std::unexpected(RpcError::malformed(calls[i].method + ": no response in the batch")),
                endpoint()));
        } else {
            out.push_back(with_endpoint(interpret(*it->second, calls[i].method), endpoint()));
        }
    }
    return out;
}

HttpJsonRpcClient::HttpJsonRpcClient(HttpUrl url, HttpOptions options)
    : HttpJsonRpcClient(std::make_unique<HttpTransport>(std::move(url), std::move(options))) {}

HttpJsonRpcClient::HttpJsonRpcClient(std::unique_ptr<HttpTransport> transport)
    : JsonRpcClient(std::move(transport)), http_(static_cast<HttpTransport*>(&this->transport())) {}

std::expected<std::unique_ptr<HttpJsonRpcClient>, std::string> HttpJsonRpcClient::create(
    std::string_view url, HttpOptions options) {
    auto parsed = HttpUrl::parse(url);
    if (!parsed) return std::unexpected(std::move(parsed.error()));
    return std::make_unique<HttpJsonRpcClient>(std::move(*parsed), std::move(options));
}

}  // namespace causeway::chain
