// The one way causeway sends a transaction: EIP-1559 fees from eth_feeHistory, the signer's next
// nonce, gas from eth_estimateGas, signing, broadcast (checking the hash the node answers), and
// the receipt. Every caller that sends goes through it: the `transfer` command step by step (it
// prints each step), the devnet and, next, the relayer's submitter.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>

#include "chain/chain_client.hpp"
#include "core/bytes.hpp"
#include "core/jsonrpc.hpp"
#include "core/secp256k1.hpp"
#include "core/transaction.hpp"
#include "core/u256.hpp"

namespace causeway::chain {

// Without a fee market signal (empty blocks report zero rewards), tip this much: 1 gwei.
inline const u256 kDefaultPriorityFee = u256(1'000'000'000);

struct FeeSettings {
    std::optional<u256> priority_fee;  // a fixed tip, wei per gas; default: what recent blocks paid
    uint64_t history_blocks = 5;       // blocks of eth_feeHistory to read
};

// What a transaction offers to pay per gas.
struct Fees {
    u256 base_fee;      // the next block's, from eth_feeHistory
    u256 priority_fee;  // the tip
    u256 max_fee;       // 2 x base fee + tip: room for the base fee to rise over several full blocks
    std::string priority_source;  // how the tip was chosen, for people
};

enum class SendErrorKind : uint8_t {
    kRpc,           // a call failed (see rpc)
    kNoFeeMarket,   // eth_feeHistory has no base fee: not an EIP-1559 chain
    kSigning,       // the key could not sign
    kHashMismatch,  // the node accepted the transaction under another hash
    kNoReceipt,     // no receipt before the deadline: it may still be pending
    kReverted,      // mined, with status 0
};

struct SendError {
    SendErrorKind kind = SendErrorKind::kRpc;
    std::string message;              // one line: "eth_estimateGas: JSON-RPC error 3: ..."
    std::optional<RpcError> rpc;      // for kRpc
    std::optional<Hash> transaction;  // once it was broadcast
    std::optional<Receipt> receipt;   // for kReverted
};

template <typename T>
using SendResult = std::expected<T, SendError>;

// The fees to offer from a fee history (read with the 50th reward percentile).
[[nodiscard]] SendResult<Fees> fees_from_history(const FeeHistory& history, const FeeSettings& settings);

// What to send.
struct TxRequest {
    std::optional<Address> to;  // nullopt: contract creation
    u256 value;
    Bytes data;
    // Given: used as is, without eth_estimateGas (which fails for a call that reverts, when the
    // transaction is meant to go out anyway).
    std::optional<uint64_t> gas_limit;
};

struct SenderSettings {
    FeeSettings fees;
    // Gas limit = eth_estimateGas x (100 + margin) / 100: estimates of contract calls can fall
    // short when state changes between estimate and inclusion.
    uint32_t gas_margin_percent = 0;
    std::chrono::milliseconds receipt_timeout{120'000};
    // Receipts are polled quickly at first (dev chains mine at once), backing off to this.
    std::chrono::milliseconds poll_interval{500};
};

// One signer on one chain. Not thread-safe: one sender per (chain, signer) owns its nonce stream.
class TransactionSender {
  public:
    // A signer on a chain whose id and the signer's next nonce are known (open() reads them).
    TransactionSender(ChainClient& client, PrivateKey key, uint64_t chain_id, uint64_t next_nonce,
                      SenderSettings settings = {});
    // Reads the chain id and the signer's pending nonce in one batch.
    [[nodiscard]] static SendResult<TransactionSender> open(ChainClient& client, PrivateKey key,
                                                            SenderSettings settings = {});
    // One nonce stream, one owner: a copy would send at the same nonces.
    TransactionSender(const TransactionSender&) = delete;
    TransactionSender& operator=(const TransactionSender&) = delete;
    TransactionSender(TransactionSender&&) noexcept = default;
    TransactionSender& operator=(TransactionSender&&) noexcept = default;

    // Fees for the next block, from eth_feeHistory.
    [[nodiscard]] SendResult<Fees> fees();
    // `request` as a signed EIP-1559 transaction at the next nonce, with its gas limit or one from
    // eth_estimateGas.
    [[nodiscard]] SendResult<Transaction> prepare(const TxRequest& request, const Fees& fees);
    // Broadcasts a prepared transaction; the next nonce advances once the node accepts it.
    [[nodiscard]] SendResult<Hash> broadcast(const Transaction& signed_tx);
    // Polls for the receipt until settings.receipt_timeout; transport trouble and HTTP errors
    // are retried until then, other errors end the wait. A reverted receipt is returned as is.
    [[nodiscard]] SendResult<Receipt> wait_for_receipt(const Hash& transaction);
    // fees, prepare, broadcast, wait_for_receipt; a reverted transaction is an error (kReverted).
    [[nodiscard]] SendResult<Receipt> send(const TxRequest& request);

    [[nodiscard]] const Address& address() const noexcept { return key_.address(); }
    [[nodiscard]] uint64_t chain_id() const noexcept { return chain_id_; }
    [[nodiscard]] uint64_t next_nonce() const noexcept { return next_nonce_; }
    [[nodiscard]] ChainClient& client() const noexcept { return *client_; }
    [[nodiscard]] const SenderSettings& settings() const noexcept { return settings_; }

  private:
    ChainClient* client_;
    PrivateKey key_;
    uint64_t chain_id_;
    uint64_t next_nonce_;
    SenderSettings settings_;
};

}  // namespace causeway::chain
