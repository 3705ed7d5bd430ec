#include "chain/transaction_sender.hpp"

#include <algorithm>
#include <thread>
#include <vector>

#include "core/hex.hpp"

namespace causeway::chain {
namespace {

using Clock = std::chrono::steady_clock;

SendError rpc_failure(std::string_view method, const RpcError& error) {
    return SendError{SendErrorKind::kRpc, std::string(method) + ": " + error.to_string(), error, {}, {}};
}

u256 median(std::vector<u256> values) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

std::string seconds_text(Clock::duration d) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + " s";
}

}  // namespace

SendResult<Fees> fees_from_history(const FeeHistory& history, const FeeSettings& settings) {
    if (history.base_fee_per_gas.empty()) {
        return std::unexpected(SendError{SendErrorKind::kNoFeeMarket,
                                         "eth_feeHistory returned no base fee (not an EIP-1559 chain?)",
                                         {},
                                         {},
                                         {}});
    }
    Fees fees;
    fees.base_fee = history.base_fee_per_gas.back();  // the next block's
    std::vector<u256> rewards;
    for (const auto& block : history.reward) {
        if (!block.empty()) rewards.push_back(block.front());
    }
    fees.priority_fee = median(rewards);
    fees.priority_source =
        "median 50th-percentile tip of the last " + std::to_string(history.gas_used_ratio.size()) + " blocks";
    if (settings.priority_fee) {
        fees.priority_fee = *settings.priority_fee;
        fees.priority_source = "fixed";
    } else if (fees.priority_fee == 0) {
        fees.priority_fee = kDefaultPriorityFee;
        fees.priority_source = "default; recent blocks paid no tips";
    }
    fees.max_fee = 2 * fees.base_fee + fees.priority_fee;
    return fees;
}

TransactionSender::TransactionSender(ChainClient& client, PrivateKey key, uint64_t chain_id,
                                     uint64_t next_nonce, SenderSettings settings)
    : client_(&client),
      key_(std::move(key)),
      chain_id_(chain_id),
      next_nonce_(next_nonce),
      settings_(std::move(settings)) {}

SendResult<TransactionSender> TransactionSender::open(ChainClient& client, PrivateKey key,
                                                      SenderSettings settings) {
    Batch batch;
    auto chain_id = batch.add(calls::chain_id());
    auto nonce = batch.add(calls::nonce(key.address(), BlockId::pending()));
    client.execute(batch);
    auto id = chain_id.get();
    if (!id) return std::unexpected(rpc_failure("eth_chainId", id.error()));
    auto next = nonce.get();
    if (!next) return std::unexpected(rpc_failure("eth_getTransactionCount", next.error()));
    return TransactionSender(client, std::move(key), *id, *next, std::move(settings));
}

SendResult<Fees> TransactionSender::fees() {
    const double percentiles[] = {50.0};
    const auto history = client_->fee_history(settings_.fees.history_blocks, BlockTag::kLatest, percentiles);
    if (!history) return std::unexpected(rpc_failure("eth_feeHistory", history.error()));
    return fees_from_history(*history, settings_.fees);
}

SendResult<Transaction> TransactionSender::prepare(const TxRequest& request, const Fees& fees) {
    Transaction tx;
    tx.type = TxType::kDynamicFee;
    tx.chain_id = chain_id_;
    tx.nonce = next_nonce_;
    tx.max_priority_fee_per_gas = fees.priority_fee;
    tx.max_fee_per_gas = fees.max_fee;
    tx.to = request.to;
    tx.value = request.value;
    tx.data = request.data;
    if (request.gas_limit) {
        tx.gas_limit = *request.gas_limit;
    } else {
        CallRequest estimate;
        estimate.from = key_.address();
        estimate.to = request.to;
        estimate.value = request.value;
        if (!request.data.empty()) estimate.data = request.data;
        const auto gas = client_->estimate_gas(estimate);
        if (!gas) return std::unexpected(rpc_failure("eth_estimateGas", gas.error()));
        tx.gas_limit = *gas + *gas * settings_.gas_margin_percent / 100;
    }
    if (auto signed_ok = sign(tx, key_); !signed_ok) {
        return std::unexpected(SendError{SendErrorKind::kSigning,
                                         "signing failed: " + std::string(to_string(signed_ok.error())),
                                         {},
                                         {},
                                         {}});
    }
    return tx;
}

SendResult<Hash> TransactionSender::broadcast(const Transaction& signed_tx) {
    Bytes raw;
    encode(raw, signed_tx);
    const Hash hash = transaction_hash(signed_tx);
    const auto accepted = client_->send_raw_transaction(raw);
    if (!accepted) return std::unexpected(rpc_failure("eth_sendRawTransaction", accepted.error()));
    // The node took the nonce even if it names another hash.
    next_nonce_ = std::max(next_nonce_, signed_tx.nonce + 1);
    if (*accepted != hash) {
        return std::unexpected(SendError{
            SendErrorKind::kHashMismatch,
            "the node answered with transaction hash " + to_hex(*accepted) + ", expected " + to_hex(hash),
            {},
            *accepted,
            {}});
    }
    return hash;
}

SendResult<Receipt> TransactionSender::wait_for_receipt(const Hash& transaction) {
    const auto start = Clock::now();
    const auto deadline = start + settings_.receipt_timeout;
    std::string last_error;
    auto interval = std::min(settings_.poll_interval, std::chrono::milliseconds(100));
    while (true) {
        auto r = client_->transaction_receipt(transaction);
        if (r && *r) {
            if ((*r)->transaction_hash != transaction) {
                return std::unexpected(SendError{
                    SendErrorKind::kRpc, "the receipt is for another transaction", {}, transaction, {}});
            }
            return std::move(**r);
        }
        if (!r) {
            if (!r.error().is_transport() && r.error().kind != RpcError::Kind::kHttpStatus) {
                auto failure = rpc_failure("eth_getTransactionReceipt", r.error());
                failure.transaction = transaction;
                return std::unexpected(std::move(failure));
            }
            last_error = r.error().to_string();
        }
        if (Clock::now() + interval > deadline) {
            return std::unexpected(
                SendError{SendErrorKind::kNoReceipt,
                          "no receipt for " + to_hex(transaction) + " after " +
                              seconds_text(Clock::now() - start) + "; it may still be pending" +
                              (last_error.empty() ? "" : " (last error: " + last_error + ")"),
                          {},
                          transaction,
                          {}});
        }
        std::this_thread::sleep_for(interval);
        interval = std::min(settings_.poll_interval, interval * 2);
    }
}

SendResult<Receipt> TransactionSender::send(const TxRequest& request) {
    const auto quoted = fees();
    if (!quoted) return std::unexpected(quoted.error());
    const auto tx = prepare(request, *quoted);
    if (!tx) return std::unexpected(tx.error());
    const auto hash = broadcast(*tx);
    if (!hash) return std::unexpected(hash.error());
    auto receipt = wait_for_receipt(*hash);
    if (!receipt || receipt->succeeded()) return receipt;
    return std::unexpected(SendError{SendErrorKind::kReverted,
                                     "transaction " + to_hex(*hash) + " reverted",
                                     {},
                                     *hash,
                                     std::move(*receipt)});
}

}  // namespace causeway::chain
