#include "chain/chain_client.hpp"

namespace causeway::chain {

namespace json = boost::json;
using jsonrpc::encode_data;
using jsonrpc::encode_quantity;
using jsonrpc::to_json;

RpcError undecodable_result(std::string_view method, const jsonrpc::Error& error) {
    return RpcError::malformed(std::string(method) + ": " + error.to_string());
}

namespace calls {

namespace {

template <typename T, typename F>
Call<T> make(std::string method, json::array params, F decode) {
    return Call<T>{
        RpcCall{std::move(method), std::move(params)},
        [decode](const json::value& result) -> jsonrpc::Result<T> { return decode(result, "result"); }};
}

// A decoder that maps a null result to nullopt.
template <typename T, typename F>
auto nullable(F decode) {
    return [decode](const json::value& v, std::string_view path) -> jsonrpc::Result<std::optional<T>> {
        if (v.is_null()) return std::optional<T>{};
        auto r = decode(v, path);
        if (!r) return std::unexpected(std::move(r.error()));
        return std::optional<T>(std::move(*r));
    };
}

}  // namespace

Call<uint64_t> chain_id() {
    return make<uint64_t>("eth_chainId", {}, jsonrpc::decode_u64);
}

Call<uint64_t> block_number() {
    return make<uint64_t>("eth_blockNumber", {}, jsonrpc::decode_u64);
}

Call<std::optional<BlockHeader>> header_by_number(const BlockId& block) {
    if (const auto* ref = block.block_hash()) return header_by_hash(ref->hash);
    return make<std::optional<BlockHeader>>("eth_getBlockByNumber", {to_json(block), false},
                                            nullable<BlockHeader>(jsonrpc::decode_header));
}

Call<std::optional<BlockHeader>> header_by_hash(const Hash& hash) {
    return make<std::optional<BlockHeader>>("eth_getBlockByHash", {encode_data(hash), false},
                                            nullable<BlockHeader>(jsonrpc::decode_header));
}

Call<u256> balance(const Address& account, const BlockId& block) {
    return make<u256>("eth_getBalance", {encode_data(account), to_json(block)}, jsonrpc::decode_u256);
}

Call<uint64_t> nonce(const Address& account, const BlockId& block) {
    return make<uint64_t>("eth_getTransactionCount", {encode_data(account), to_json(block)},
                          jsonrpc::decode_u64);
}

Call<Bytes> code(const Address& account, const BlockId& block) {
    return make<Bytes>("eth_getCode", {encode_data(account), to_json(block)}, jsonrpc::decode_bytes);
}

Call<Hash> storage_at(const Address& account, const Hash& slot, const BlockId& block) {
    return make<Hash>("eth_getStorageAt", {encode_data(account), encode_data(slot), to_json(block)},
                      jsonrpc::decode_hash);
}

Call<AccountProof> get_proof(const Address& account, std::span<const Hash> slots, const BlockId& block) {
    json::array keys;
    for (const auto& slot : slots) keys.emplace_back(encode_data(slot));
    return make<AccountProof>("eth_getProof", {encode_data(account), std::move(keys), to_json(block)},
                              jsonrpc::decode_account_proof);
}

Call<std::vector<Log>> get_logs(const LogFilter& filter) {
    return make<std::vector<Log>>("eth_getLogs", {to_json(filter)}, jsonrpc::decode_logs);
}

Call<Bytes> call(const CallRequest& request, const BlockId& block) {
    return make<Bytes>("eth_call", {to_json(request), to_json(block)}, jsonrpc::decode_bytes);
}

Call<uint64_t> estimate_gas(const CallRequest& request, const std::optional<BlockId>& block) {
    json::array params{to_json(request)};
    if (block) params.push_back(to_json(*block));
    return make<uint64_t>("eth_estimateGas", std::move(params), jsonrpc::decode_u64);
}

Call<FeeHistory> fee_history(uint64_t block_count, const BlockNumberOrTag& newest,
                             std::span<const double> reward_percentiles) {
    json::array percentiles;
    for (double p : reward_percentiles) percentiles.emplace_back(p);
    return make<FeeHistory>("eth_feeHistory",
                            {encode_quantity(block_count), to_json(newest), std::move(percentiles)},
                            jsonrpc::decode_fee_history);
}

Call<u256> gas_price() {
    return make<u256>("eth_gasPrice", {}, jsonrpc::decode_u256);
}

Call<u256> max_priority_fee_per_gas() {
    return make<u256>("eth_maxPriorityFeePerGas", {}, jsonrpc::decode_u256);
}

Call<Hash> send_raw_transaction(ByteView raw) {
    return make<Hash>("eth_sendRawTransaction", {encode_data(raw)}, jsonrpc::decode_hash);
}

Call<std::optional<Receipt>> transaction_receipt(const Hash& transaction) {
    return make<std::optional<Receipt>>("eth_getTransactionReceipt", {encode_data(transaction)},
                                        nullable<Receipt>(jsonrpc::decode_receipt));
}

}  // namespace calls

void ChainClient::execute(Batch& batch) {
    auto results = request_batch(batch.calls_);
    if (results.size() != batch.calls_.size()) {
        // An implementation bug; report it on every call rather than read out of bounds.
        results.assign(batch.calls_.size(),
                       std::unexpected(RpcError::malformed("batch returned " +
                                                           std::to_string(results.size()) + " results for " +
                                                           std::to_string(batch.calls_.size()) + " calls")));
    }
    *batch.results_ = std::move(results);
}

RpcResult<uint64_t> ChainClient::chain_id() {
    return run(calls::chain_id());
}
RpcResult<uint64_t> ChainClient::block_number() {
    return run(calls::block_number());
}
RpcResult<std::optional<BlockHeader>> ChainClient::header_by_number(const BlockId& block) {
    return run(calls::header_by_number(block));
}
RpcResult<std::optional<BlockHeader>> ChainClient::header_by_hash(const Hash& hash) {
    return run(calls::header_by_hash(hash));
}
RpcResult<u256> ChainClient::balance(const Address& account, const BlockId& block) {
    return run(calls::balance(account, block));
}
RpcResult<uint64_t> ChainClient::nonce(const Address& account, const BlockId& block) {
    return run(calls::nonce(account, block));
}
RpcResult<Bytes> ChainClient::code(const Address& account, const BlockId& block) {
    return run(calls::code(account, block));
}
RpcResult<Hash> ChainClient::storage_at(const Address& account, const Hash& slot, const BlockId& block) {
    return run(calls::storage_at(account, slot, block));
}
RpcResult<AccountProof> ChainClient::get_proof(const Address& account, std::span<const Hash> slots,
                                               const BlockId& block) {
    return run(calls::get_proof(account, slots, block));
}
RpcResult<std::vector<Log>> ChainClient::get_logs(const LogFilter& filter) {
    return run(calls::get_logs(filter));
}
RpcResult<Bytes> ChainClient::call(const CallRequest& request, const BlockId& block) {
    return run(calls::call(request, block));
}
RpcResult<uint64_t> ChainClient::estimate_gas(const CallRequest& request,
                                              const std::optional<BlockId>& block) {
    return run(calls::estimate_gas(request, block));
}
RpcResult<FeeHistory> ChainClient::fee_history(uint64_t block_count, const BlockNumberOrTag& newest,
                                               std::span<const double> reward_percentiles) {
    return run(calls::fee_history(block_count, newest, reward_percentiles));
}
RpcResult<u256> ChainClient::gas_price() {
    return run(calls::gas_price());
}
RpcResult<u256> ChainClient::max_priority_fee_per_gas() {
    return run(calls::max_priority_fee_per_gas());
}
RpcResult<Hash> ChainClient::send_raw_transaction(ByteView raw) {
    return run(calls::send_raw_transaction(raw));
}
RpcResult<std::optional<Receipt>> ChainClient::transaction_receipt(const Hash& transaction) {
    return run(calls::transaction_receipt(transaction));
}

}  // namespace causeway::chain
