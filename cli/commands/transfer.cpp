#include "cli/commands/transfer.hpp"

#include <algorithm>
#include <optional>
#include <thread>

#include "chain/json_rpc_client.hpp"
#include "chain/transaction_sender.hpp"
#include "cli/commands/command_error.hpp"
#include "core/hex.hpp"
#include "core/transaction.hpp"

namespace causeway::cli {

namespace {

using chain::Batch;
using chain::RpcResult;
namespace calls = chain::calls;
using Clock = std::chrono::steady_clock;

template <typename T>
T need(RpcResult<T> r, std::string_view what) {
    if (!r) throw CommandError(std::string(what) + ": " + r.error().to_string());
    return std::move(*r);
}

// A step of chain::TransactionSender, or its one-line error.
template <typename T>
T sent(chain::SendResult<T> r) {
    if (!r) throw CommandError(r.error().message);
    return std::move(*r);
}

std::string elapsed_s(Clock::duration d) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + " s";
}

}  // namespace

u256 parse_amount(std::string_view text) {
    const std::string original(text);
    if (text.starts_with("0x")) {
        auto v = jsonrpc::parse_quantity_u256(text);
        if (!v) throw CommandError("invalid amount " + original + ": " + v.error().message);
        return *v;
    }
    unsigned decimals = 0;
    for (const auto& [suffix, d] :
         {std::pair<std::string_view, unsigned>{"ether", 18}, {"eth", 18}, {"gwei", 9}, {"wei", 0}}) {
        if (text.ends_with(suffix)) {
            decimals = d;
            text.remove_suffix(suffix.size());
            break;
        }
    }
    const auto dot = text.find('.');
    std::string_view whole = text.substr(0, dot);
    std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
    if (whole.empty() && fraction.empty()) throw CommandError("invalid amount " + original + ": no digits");
    if (dot != std::string_view::npos && fraction.empty()) throw CommandError("invalid amount " + original);
    if (fraction.size() > decimals) {
        throw CommandError("invalid amount " + original + ": more than " + std::to_string(decimals) +
                           " decimal places for its unit");
    }
    const std::string digits =
        std::string(whole) + std::string(fraction) + std::string(decimals - fraction.size(), '0');
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        throw CommandError("invalid amount " + original + " (use wei, or a unit: 1ether, 2.5gwei)");
    }
    auto v = parse_u256(digits);
    if (!v) throw CommandError("invalid amount " + original + ": " + std::string(to_string(v.error())));
    return *v;
}

std::string format_wei(const u256& wei) {
    std::string out = to_decimal(wei) + " wei";
    const u256 ether = u256(1'000'000'000'000'000'000ull);
    if (wei >= ether / 1000) {
        std::string whole = to_decimal(wei / ether);
        std::string frac = to_decimal(wei % ether);
        frac = std::string(18 - frac.size(), '0') + frac;
        while (!frac.empty() && frac.back() == '0') frac.pop_back();
        out += " (" + whole + (frac.empty() ? "" : "." + frac) + " ether)";
    }
    return out;
}

TransferResult run_transfer(const TransferOptions& options, const PrivateKey& key,
                            std::string_view key_source, std::ostream& out) {
    chain::HttpOptions http;
    http.timeout = options.rpc_timeout;
    auto created = chain::HttpJsonRpcClient::create(options.rpc, http);
    if (!created) throw CommandError("--rpc " + options.rpc + ": " + created.error());
    chain::ChainClient& client = **created;
    const Address from = key.address();

    // Everything the transaction needs, in one batch.
    chain::SenderSettings settings;
    settings.fees.priority_fee = options.priority_fee;
    settings.receipt_timeout = options.receipt_timeout;
    settings.poll_interval = options.poll_interval;
    Batch batch;
    const double percentiles[] = {50.0};
    auto chain_id_call = batch.add(calls::chain_id());
    auto head_call = batch.add(calls::block_number());
    auto nonce_call = batch.add(calls::nonce(from, jsonrpc::BlockId::pending()));
    auto balance_call = batch.add(calls::balance(from, jsonrpc::BlockId::latest()));
    auto fees_call =
        batch.add(calls::fee_history(settings.fees.history_blocks, jsonrpc::BlockTag::kLatest, percentiles));
    client.execute(batch);

    const uint64_t chain_id = need(chain_id_call.get(), "eth_chainId");
    const uint64_t head = need(head_call.get(), "eth_blockNumber");
    out << "rpc: " << client.endpoint() << " chain id " << chain_id << ", head block " << head << std::endl;
    if (options.chain_id && *options.chain_id != chain_id) {
        throw CommandError("the endpoint serves chain id " + std::to_string(chain_id) +
                           ", not the expected " + std::to_string(*options.chain_id) + "; nothing was sent");
    }
    const uint64_t nonce = need(nonce_call.get(), "eth_getTransactionCount");
    const u256 balance = need(balance_call.get(), "eth_getBalance");
    out << "sender: " << to_checksum_hex(from) << " (" << key_source << "), balance " << format_wei(balance)
        << ", nonce " << nonce << std::endl;

    chain::TransactionSender sender(client, key, chain_id, nonce, settings);
    const chain::Fees fees =
        sent(chain::fees_from_history(need(fees_call.get(), "eth_feeHistory"), settings.fees));
    out << "fees: base fee " << to_decimal(fees.base_fee) << " wei, priority fee "
        << to_decimal(fees.priority_fee) << " wei ("
        << (options.priority_fee ? "--priority-fee" : fees.priority_source) << "), max fee "
        << to_decimal(fees.max_fee) << " wei" << std::endl;

    const Transaction tx =
        sent(sender.prepare(chain::TxRequest{options.to, options.value, {}, std::nullopt}, fees));
    out << "gas: limit " << tx.gas_limit << " (eth_estimateGas)" << std::endl;
    const u512 cost = u512(tx.gas_limit) * u512(tx.max_fee_per_gas) + u512(options.value);
    if (cost > u512(balance)) {
        throw CommandError("insufficient balance: value + gas limit x max fee = " + cost.str() +
                           " wei, balance " + to_decimal(balance) + " wei");
    }
    Bytes raw;
    encode(raw, tx);
    const Hash hash = transaction_hash(tx);
    out << "signed: EIP-1559 transaction " << to_hex(hash) << " (" << raw.size() << " bytes, nonce "
        << tx.nonce << ")" << std::endl;

    (void)sent(sender.broadcast(tx));
    out << "sent: " << to_hex(hash) << " to " << to_checksum_hex(options.to) << ", value "
        << format_wei(options.value) << std::endl;

    // Transport trouble while polling is retried until the deadline.
    const auto start = Clock::now();
    const auto deadline = start + options.receipt_timeout;
    auto receipt = std::make_optional(sent(sender.wait_for_receipt(hash)));
    out << "receipt: block " << receipt->block_number << " (" << to_hex(receipt->block_hash) << "), status "
        << (receipt->succeeded() ? "success" : "reverted") << ", gas used " << receipt->gas_used
        << ", effective gas price " << to_decimal(receipt->effective_gas_price) << " wei, after "
        << elapsed_s(Clock::now() - start) << std::endl;
    if (!receipt->succeeded()) throw CommandError("transaction " + to_hex(hash) + " reverted");

    // Confirmations: the including block counts as the first.
    if (options.confirmations > 1) {
        const uint64_t target = receipt->block_number + options.confirmations - 1;
        while (true) {
            const uint64_t now = need(client.block_number(), "eth_blockNumber");
            if (now >= target) {
                out << "confirmed: head block " << now << ", " << (now - receipt->block_number + 1)
                    << " confirmations" << std::endl;
                break;
            }
            if (Clock::now() + options.poll_interval > deadline) {
                const uint64_t have = now >= receipt->block_number ? now - receipt->block_number + 1 : 0;
                throw CommandError("only " + std::to_string(have) + " of " +
                                   std::to_string(options.confirmations) +
                                   " confirmations before the deadline");
            }
            std::this_thread::sleep_for(options.poll_interval);
        }
    }

    // The canonical block at that height must be the receipt's block, and its header must hash to it.
    const auto header = need(client.header_by_number(jsonrpc::BlockId::number(receipt->block_number)),
                             "eth_getBlockByNumber");
    if (!header) throw CommandError("block " + std::to_string(receipt->block_number) + " is not available");
    if (header->number != receipt->block_number) {
        throw CommandError("asked for block " + std::to_string(receipt->block_number) +
                           ", got header number " + std::to_string(header->number));
    }
    const Hash computed = jsonrpc::compute_hash(*header);
    if (header->hash && *header->hash != computed) {
        throw CommandError("block " + std::to_string(header->number) + ": the node reports hash " +
                           to_hex(*header->hash) + " but keccak256(rlp(header)) is " + to_hex(computed));
    }
    if (computed != receipt->block_hash) {
        throw CommandError("block " + std::to_string(header->number) + " hashes to " + to_hex(computed) +
                           ", not the receipt's " + to_hex(receipt->block_hash) + " (reorganised?)");
    }
    out << "header: block " << header->number << " keccak256(rlp(header)) = " << to_hex(computed)
        << " matches the receipt's block hash" << std::endl;
    out << "done: transferred " << format_wei(options.value) << " to " << to_checksum_hex(options.to)
        << " in block " << header->number << std::endl;
    return TransferResult{hash, std::move(*receipt), *header};
}

}  // namespace causeway::cli
