// Typed access to one chain's execution JSON-RPC API.
//
// Layers, bottom up:
//   Transport        moves a JSON payload to an endpoint (HTTP today; WebSocket later)
//   ChainClient      the JSON-RPC envelope: ids, batches, error objects (request/request_batch are
//                    the virtual primitives; HttpJsonRpcClient implements them over HTTP, and a
//                    failover client over several endpoints can implement them over other clients)
//   typed calls      chain_id(), header_by_number(), get_proof(), ... built on the primitives
//
// Each typed call is also available as a `Call<T>` descriptor (namespace calls), so the same
// request and decoder serve a single call and a batch:
//
//   Batch batch;
//   auto id = batch.add(calls::chain_id());
//   auto head = batch.add(calls::block_number());
//   client.execute(batch);
//   RpcResult<uint64_t> chain_id = id.get();
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "chain/rpc_error.hpp"
#include "core/bytes.hpp"
#include "core/jsonrpc.hpp"
#include "core/u256.hpp"

namespace causeway::chain {

using jsonrpc::AccountProof;
using jsonrpc::BlockHeader;
using jsonrpc::BlockId;
using jsonrpc::BlockNumberOrTag;
using jsonrpc::BlockTag;
using jsonrpc::CallRequest;
using jsonrpc::FeeHistory;
using jsonrpc::Log;
using jsonrpc::LogFilter;
using jsonrpc::Receipt;

// One JSON-RPC method call, before ids are assigned.
struct RpcCall {
    std::string method;
    boost::json::array params;
};

// A call together with the decoder of its result.
template <typename T>
struct Call {
    RpcCall rpc;
    std::function<jsonrpc::Result<T>(const boost::json::value& result)> decode;
};

// The error for a result that does not decode: "eth_getBlockByNumber: result.number: ...".
[[nodiscard]] RpcError undecodable_result(std::string_view method, const jsonrpc::Error& error);

template <typename T>
[[nodiscard]] RpcResult<T> decode_result(const Call<T>& call, const RpcResult<boost::json::value>& raw) {
    if (!raw) return std::unexpected(raw.error());
    auto decoded = call.decode(*raw);
    if (!decoded) return std::unexpected(undecodable_result(call.rpc.method, decoded.error()));
    return std::move(*decoded);
}

// Builders for every typed call.
namespace calls {

[[nodiscard]] Call<uint64_t> chain_id();
[[nodiscard]] Call<uint64_t> block_number();
// eth_getBlockByNumber (tags, numbers) or eth_getBlockByHash (a hash BlockId); nullopt when the
// node does not have the block. A pending block that a node reports with a null number or hash
// fails to decode (kMalformed): headers here are sealed ones.
[[nodiscard]] Call<std::optional<BlockHeader>> header_by_number(const BlockId& block);
[[nodiscard]] Call<std::optional<BlockHeader>> header_by_hash(const Hash& hash);
[[nodiscard]] Call<u256> balance(const Address& account, const BlockId& block);
// eth_getTransactionCount: with BlockTag::kPending, the next nonce to use.
[[nodiscard]] Call<uint64_t> nonce(const Address& account, const BlockId& block);
[[nodiscard]] Call<Bytes> code(const Address& account, const BlockId& block);
[[nodiscard]] Call<Hash> storage_at(const Address& account, const Hash& slot, const BlockId& block);
[[nodiscard]] Call<AccountProof> get_proof(const Address& account, std::span<const Hash> slots,
                                           const BlockId& block);
[[nodiscard]] Call<std::vector<Log>> get_logs(const LogFilter& filter);
[[nodiscard]] Call<Bytes> call(const CallRequest& request, const BlockId& block);
// The block parameter is left out when not given (not every node accepts one).
[[nodiscard]] Call<uint64_t> estimate_gas(const CallRequest& request,
                                          const std::optional<BlockId>& block = {});
[[nodiscard]] Call<FeeHistory> fee_history(uint64_t block_count, const BlockNumberOrTag& newest,
                                           std::span<const double> reward_percentiles);
[[nodiscard]] Call<u256> gas_price();
[[nodiscard]] Call<u256> max_priority_fee_per_gas();
[[nodiscard]] Call<Hash> send_raw_transaction(ByteView raw);
// nullopt while the transaction is pending or unknown.
[[nodiscard]] Call<std::optional<Receipt>> transaction_receipt(const Hash& transaction);

}  // namespace calls

namespace detail {
using BatchResults = std::vector<RpcResult<boost::json::value>>;
}

// A result in a batch, available once the batch has been executed.
template <typename T>
class Pending {
  public:
    [[nodiscard]] RpcResult<T> get() const {
        if (index_ >= results_->size()) {
            return std::unexpected(
                RpcError::not_sent(call_.rpc.method + ": the batch has not been executed"));
        }
        return decode_result(call_, (*results_)[index_]);
    }

  private:
    friend class Batch;
    Pending(Call<T> call, std::shared_ptr<const detail::BatchResults> results, std::size_t index)
        : call_(std::move(call)), results_(std::move(results)), index_(index) {}
    Call<T> call_;
    std::shared_ptr<const detail::BatchResults> results_;
    std::size_t index_;
};

// Calls sent together as one JSON-RPC batch (one HTTP request).
class Batch {
  public:
    Batch() : results_(std::make_shared<detail::BatchResults>()) {}

    template <typename T>
    Pending<T> add(Call<T> call) {
        calls_.push_back(call.rpc);
        return Pending<T>(std::move(call), results_, calls_.size() - 1);
    }

    [[nodiscard]] std::size_t size() const noexcept { return calls_.size(); }
    [[nodiscard]] bool executed() const noexcept { return !results_->empty() || calls_.empty(); }

  private:
    friend class ChainClient;
    std::vector<RpcCall> calls_;
    std::shared_ptr<detail::BatchResults> results_;
};

class ChainClient {
  public:
    virtual ~ChainClient() = default;

    // ----- primitives an implementation provides -----

    // One call; the `result` member of the response (null when the node returned null).
    [[nodiscard]] virtual RpcResult<boost::json::value> request(const RpcCall& call) = 0;
    // One result per call, in order. A failure of the whole exchange (transport, HTTP status, a
    // response that is not a batch) is reported for every call.
    [[nodiscard]] virtual std::vector<RpcResult<boost::json::value>> request_batch(
        std::span<const RpcCall> calls) = 0;
    // Where calls go, safe to log.
    [[nodiscard]] virtual std::string endpoint() const = 0;

    // ----- typed calls -----

    template <typename T>
    [[nodiscard]] RpcResult<T> run(const Call<T>& call) {
        return decode_result(call, request(call.rpc));
    }
    // Sends every call of the batch in one request; results are read through the Pending handles.
    void execute(Batch& batch);

    RpcResult<uint64_t> chain_id();
    RpcResult<uint64_t> block_number();
    RpcResult<std::optional<BlockHeader>> header_by_number(const BlockId& block);
    RpcResult<std::optional<BlockHeader>> header_by_hash(const Hash& hash);
    RpcResult<u256> balance(const Address& account, const BlockId& block = BlockId::latest());
    RpcResult<uint64_t> nonce(const Address& account, const BlockId& block = BlockId::latest());
    RpcResult<Bytes> code(const Address& account, const BlockId& block = BlockId::latest());
    RpcResult<Hash> storage_at(const Address& account, const Hash& slot,
                               const BlockId& block = BlockId::latest());
    RpcResult<AccountProof> get_proof(const Address& account, std::span<const Hash> slots,
                                      const BlockId& block = BlockId::latest());
    RpcResult<std::vector<Log>> get_logs(const LogFilter& filter);
    RpcResult<Bytes> call(const CallRequest& request, const BlockId& block = BlockId::latest());
    RpcResult<uint64_t> estimate_gas(const CallRequest& request, const std::optional<BlockId>& block = {});
    RpcResult<FeeHistory> fee_history(uint64_t block_count, const BlockNumberOrTag& newest,
                                      std::span<const double> reward_percentiles);
    RpcResult<u256> gas_price();
    RpcResult<u256> max_priority_fee_per_gas();
    RpcResult<Hash> send_raw_transaction(ByteView raw);
    RpcResult<std::optional<Receipt>> transaction_receipt(const Hash& transaction);
};

}  // namespace causeway::chain
