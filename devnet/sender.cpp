#include "devnet/sender.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/hex.hpp"

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

// Devnet chains mine at once: poll for receipts often, give up after 10 s.
chain::SenderSettings devnet_settings() {
    chain::SenderSettings settings;
    settings.gas_margin_percent = 20;
    settings.receipt_timeout = std::chrono::seconds(10);
    settings.poll_interval = std::chrono::milliseconds(25);
    return settings;
}

}  // namespace

Sender::Sender(const std::string& rpc_url, PrivateKey key) {
    auto created = chain::HttpJsonRpcClient::create(rpc_url);
    if (!created) throw std::runtime_error(rpc_url + ": " + created.error());
    client_ = std::move(*created);
    auto opened = chain::TransactionSender::open(*client_, std::move(key), devnet_settings());
    if (!opened) throw std::runtime_error(rpc_url + ": " + opened.error().message);
    sender_ = std::make_unique<chain::TransactionSender>(std::move(*opened));
}

jsonrpc::Receipt Sender::send(const std::optional<Address>& to, Bytes data, const std::string& what,
                              const u256& value) {
    auto receipt = sender_->send(chain::TxRequest{to, value, std::move(data), std::nullopt});
    if (!receipt) throw std::runtime_error(what + ": " + receipt.error().message);
    return std::move(*receipt);
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
    request.from = sender_->address();
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
