#include "devnet/sender.hpp"

#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "core/hex.hpp"
#include "core/transaction.hpp"

namespace causeway::devnet {
namespace {

template <typename T>
T need(chain::RpcResult<T> r, const std::string& what) {
    if (!r) throw std::runtime_error(what + ": " + r.error().to_string());
    return std::move(*r);
}

Bytes code_from(const std::filesystem::path& json_file, const char* member) {
    std::ifstream in(json_file);
    if (!in)
        throw std::runtime_error("no contract artifact " + json_file.string() +
                                 " (build the contracts first)");
    std::stringstream text;
    text << in.rdbuf();
    const auto doc = boost::json::parse(text.str()).as_object();
    const auto& object = doc.at(member).at("object").as_string();
    auto bytes = from_hex(std::string_view(object.data(), object.size()), HexPrefix::kOptional);
    if (!bytes || bytes->empty())
        throw std::runtime_error("no " + std::string(member) + " in " + json_file.string());
    return *std::move(bytes);
}

}  // namespace

Sender::Sender(const std::string& rpc_url, PrivateKey key) : key_(std::move(key)) {
    auto created = chain::HttpJsonRpcClient::create(rpc_url);
    if (!created) throw std::runtime_error(rpc_url + ": " + created.error());
    client_ = std::move(*created);
    chain_id_ = need(client_->chain_id(), rpc_url + " eth_chainId");
    nonce_ = need(client_->nonce(key_.address(), jsonrpc::BlockId::pending()), "eth_getTransactionCount");
}

jsonrpc::Receipt Sender::send(const std::optional<Address>& to, Bytes data, const std::string& what,
                              const u256& value) {
    Transaction tx;
    tx.type = TxType::kDynamicFee;
    tx.chain_id = chain_id_;
    tx.nonce = nonce_;
    tx.to = to;
    tx.value = value;
    tx.data = std::move(data);
    const u256 base_fee = need(client_->gas_price(), what + ": eth_gasPrice");
    tx.max_priority_fee_per_gas = u256(1'000'000'000);
    tx.max_fee_per_gas = 2 * base_fee + tx.max_priority_fee_per_gas;
    jsonrpc::CallRequest estimate;
    estimate.from = key_.address();
    estimate.to = to;
    estimate.value = value;
    estimate.data = tx.data;
    const uint64_t gas = need(client_->estimate_gas(estimate), what + ": eth_estimateGas");
    tx.gas_limit = gas + gas / 5;
    if (!sign(tx, key_)) throw std::runtime_error(what + ": signing failed");
    Bytes raw;
    encode(raw, tx);
    const Hash hash = need(client_->send_raw_transaction(raw), what + ": eth_sendRawTransaction");
    ++nonce_;
    for (int i = 0; i < 400; ++i) {
        auto receipt = need(client_->transaction_receipt(hash), what + ": eth_getTransactionReceipt");
        if (receipt) {
            if (receipt->status != true)
                throw std::runtime_error(what + ": transaction " + to_hex(hash) + " reverted");
            return *receipt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    throw std::runtime_error(what + ": no receipt for " + to_hex(hash) + " after 10 s");
}

Address Sender::deploy(ByteView creation_code, ByteView constructor_args, const std::string& what) {
    Bytes data(creation_code);
    data.append(constructor_args);
    const auto receipt = send(std::nullopt, std::move(data), "deploy " + what);
    if (!receipt.contract_address)
        throw std::runtime_error("deploy " + what + ": no contract address in the receipt");
    return *receipt.contract_address;
}

Bytes Sender::call(const Address& to, Bytes data) {
    jsonrpc::CallRequest request;
    request.from = key_.address();
    request.to = to;
    request.data = std::move(data);
    return need(client_->call(request), "eth_call");
}

Bytes creation_code(const std::filesystem::path& artifacts, const std::string& file,
                    const std::string& name) {
    return code_from(artifacts / file / (name + ".json"), "bytecode");
}

Bytes runtime_code(const std::filesystem::path& artifact_json) {
    return code_from(artifact_json, "deployedBytecode");
}

}  // namespace causeway::devnet

namespace causeway::devnet {

Bytes calldata(std::string_view signature, const std::vector<abi::Value>& args) {
    const auto function = abi::parse_function(signature);
    if (!function) throw std::runtime_error("bad function signature " + std::string(signature));
    Bytes out;
    if (!abi::encode_call(out, *function, args))
        throw std::runtime_error("cannot encode a call of " + std::string(signature));
    return out;
}

Bytes constructor_args(std::string_view types, const std::vector<abi::Value>& args) {
    const auto parsed = abi::parse_types(types);
    if (!parsed) throw std::runtime_error("bad constructor types " + std::string(types));
    Bytes out;
    if (!abi::encode(out, *parsed, args))
        throw std::runtime_error("cannot encode constructor arguments " + std::string(types));
    return out;
}

}  // namespace causeway::devnet
