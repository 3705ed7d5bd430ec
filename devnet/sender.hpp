// The devnet's own transactions (deployments, configuration, proposals, margin moves): one key on
// one chain through chain::TransactionSender, each transaction waited for, and any failure thrown
// with what was being done ("deploy Mailbox: transaction 0x... reverted").
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chain/json_rpc_client.hpp"
#include "chain/transaction_sender.hpp"
#include "core/abi.hpp"
#include "core/bytes.hpp"
#include "core/jsonrpc.hpp"
#include "core/secp256k1.hpp"
#include "core/u256.hpp"

namespace causeway::devnet {

class Sender {
  public:
    // Throws std::runtime_error when the endpoint cannot be reached.
    Sender(const std::string& rpc_url, PrivateKey key);

    // Sends and waits for the receipt; throws (with `what`) when it reverts or times out.
    jsonrpc::Receipt send(const std::optional<Address>& to, Bytes data, const std::string& what,
                          const u256& value = u256{});
    // Deploys creation code + constructor arguments; returns the new contract's address.
    Address deploy(ByteView creation_code, ByteView constructor_args, const std::string& what);
    // eth_call from this key.
    Bytes call(const Address& to, Bytes data);

    [[nodiscard]] chain::ChainClient& client() noexcept { return *client_; }
    [[nodiscard]] const Address& address() const noexcept { return sender_->address(); }
    [[nodiscard]] uint64_t chain_id() const noexcept { return sender_->chain_id(); }

  private:
    std::unique_ptr<chain::HttpJsonRpcClient> client_;
    std::unique_ptr<chain::TransactionSender> sender_;
};

// The creation code of a contract from forge's output (out/<File>.sol/<Name>.json, bytecode.object).
Bytes creation_code(const std::filesystem::path& artifacts, const std::string& file, const std::string& name);
// Its runtime code (deployedBytecode.object), for anvil_setCode.
Bytes runtime_code(const std::filesystem::path& artifact_json);

// selector + ABI-encoded arguments of `signature` ("proposeL2Output(bytes32,uint256,bytes32,uint256)").
Bytes calldata(std::string_view signature, const std::vector<abi::Value>& args);
// ABI-encoded constructor arguments ("address,uint256").
Bytes constructor_args(std::string_view types, const std::vector<abi::Value>& args);

}  // namespace causeway::devnet
