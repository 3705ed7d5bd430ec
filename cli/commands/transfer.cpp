#include "cli/commands/transfer.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <memory>
#include <thread>

#include "core/hex.hpp"
#include "core/transaction.hpp"
#include "chain/json_rpc_client.hpp"
#include "cli/commands/commands.hpp"
#include "cli/commands/keys.hpp"

namespace causeway::cli {

namespace {

using chain::Batch;
using chain::RpcResult;
namespace calls = chain::calls;
using Clock = std::chrono::steady_clock;

// Without a fee market signal (empty blocks report zero rewards), tip this much.
const u256 kDefaultPriorityFee = u256(1'000'000'000);  // 1 gwei
constexpr uint64_t kFeeHistoryBlocks = 5;

template <typename T>
T need(RpcResult<T> r, std::string_view what) {
    if (!r) throw CommandError(std::string(what) + ": " + r.error().to_string());
    return std::move(*r);
}

u256 median(std::vector<u256> values) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
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
    Batch batch;
    const double percentiles[] = {50.0};
    auto chain_id_call = batch.add(calls::chain_id());
    auto head_call = batch.add(calls::block_number());
    auto nonce_call = batch.add(calls::nonce(from, jsonrpc::BlockId::pending()));
    auto balance_call = batch.add(calls::balance(from, jsonrpc::BlockId::latest()));
    auto fees_call =
        batch.add(calls::fee_history(kFeeHistoryBlocks, jsonrpc::BlockTag::kLatest, percentiles));
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

    const auto fees = need(fees_call.get(), "eth_feeHistory");
    if (fees.base_fee_per_gas.empty())
        throw CommandError("eth_feeHistory returned no base fee (not an EIP-1559 chain?)");
    const u256 base_fee = fees.base_fee_per_gas.back();  // the next block's
    std::vector<u256> rewards;
    for (const auto& block : fees.reward) {
        if (!block.empty()) rewards.push_back(block.front());
    }
    u256 tip = median(rewards);
    std::string tip_source =
        "median 50th-percentile tip of the last " + std::to_string(fees.gas_used_ratio.size()) + " blocks";
    if (options.priority_fee) {
        tip = *options.priority_fee;
        tip_source = "--priority-fee";
    } else if (tip == 0) {
        tip = kDefaultPriorityFee;
        tip_source = "default; recent blocks paid no tips";
    }
    const u256 max_fee = 2 * base_fee + tip;
    out << "fees: base fee " << to_decimal(base_fee) << " wei, priority fee " << to_decimal(tip) << " wei ("
        << tip_source << "), max fee " << to_decimal(max_fee) << " wei" << std::endl;

    Transaction tx;
    tx.type = TxType::kDynamicFee;
    tx.chain_id = chain_id;
    tx.nonce = nonce;
    tx.max_priority_fee_per_gas = tip;
    tx.max_fee_per_gas = max_fee;
    tx.to = options.to;
    tx.value = options.value;
    jsonrpc::CallRequest estimate;
    estimate.from = from;
    estimate.to = options.to;
    estimate.value = options.value;
    tx.gas_limit = need(client.estimate_gas(estimate), "eth_estimateGas");
    out << "gas: limit " << tx.gas_limit << " (eth_estimateGas)" << std::endl;

    const u512 cost = u512(tx.gas_limit) * u512(max_fee) + u512(options.value);
    if (cost > u512(balance)) {
        throw CommandError("insufficient balance: value + gas limit x max fee = " + cost.str() +
                           " wei, balance " + to_decimal(balance) + " wei");
    }

    if (auto signed_ok = sign(tx, key); !signed_ok) {
        throw CommandError("signing failed: " + std::string(to_string(signed_ok.error())));
    }
    Bytes raw;
    encode(raw, tx);
    const Hash hash = transaction_hash(tx);
    out << "signed: EIP-1559 transaction " << to_hex(hash) << " (" << raw.size() << " bytes, nonce " << nonce
        << ")" << std::endl;

    const Hash accepted = need(client.send_raw_transaction(raw), "eth_sendRawTransaction");
    if (accepted != hash) {
        throw CommandError("the node answered with transaction hash " + to_hex(accepted) + ", expected " +
                           to_hex(hash));
    }
    out << "sent: " << to_hex(hash) << " to " << to_checksum_hex(options.to) << ", value "
        << format_wei(options.value) << std::endl;

    // Wait for the receipt; transport trouble while polling is retried until the deadline.
    const auto start = Clock::now();
    const auto deadline = start + options.receipt_timeout;
    std::optional<jsonrpc::Receipt> receipt;
    std::string last_error;
    // Poll quickly at first (dev chains mine at once), backing off to the configured interval.
    auto interval = std::min(options.poll_interval, std::chrono::milliseconds(100));
    while (true) {
        auto r = client.transaction_receipt(hash);
        if (r && *r) {
            receipt = std::move(**r);
            break;
        }
        if (!r) {
            if (!r.error().is_transport() && r.error().kind != chain::RpcError::Kind::kHttpStatus) {
                throw CommandError("eth_getTransactionReceipt: " + r.error().to_string());
            }
            last_error = r.error().to_string();
        }
        if (Clock::now() + interval > deadline) {
            throw CommandError("no receipt for " + to_hex(hash) + " after " +
                               elapsed_s(Clock::now() - start) + "; it may still be pending" +
                               (last_error.empty() ? "" : " (last error: " + last_error + ")"));
        }
        std::this_thread::sleep_for(interval);
        interval = std::min(options.poll_interval, interval * 2);
    }
    out << "receipt: block " << receipt->block_number << " (" << to_hex(receipt->block_hash) << "), status "
        << (receipt->succeeded() ? "success" : "reverted") << ", gas used " << receipt->gas_used
        << ", effective gas price " << to_decimal(receipt->effective_gas_price) << " wei, after "
        << elapsed_s(Clock::now() - start) << std::endl;
    if (!receipt->succeeded()) throw CommandError("transaction " + to_hex(hash) + " reverted");
    if (receipt->transaction_hash != hash) throw CommandError("the receipt is for another transaction");

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

void add_transfer_command(CLI::App& app, Command& selected) {
    struct Args {
        std::string rpc;
        std::string key_file;
        std::string to;
        std::string value;
        std::optional<uint64_t> chain_id;
        uint64_t confirmations = 1;
        uint64_t timeout_s = 120;
        std::string priority_fee;
    };
    auto args = std::make_shared<Args>();
    CLI::App* cmd = app.add_subcommand(
        "transfer",
        "Send native currency with an EIP-1559 transaction and verify the including block's header");
    cmd->add_option("--rpc", args->rpc, "JSON-RPC endpoint, http://host:port[/path]")->required();
    cmd->add_option("--key-file", args->key_file,
                    "file holding the sender's hex private key, mode 0600 (default: $CAUSEWAY_PRIVATE_KEY)");
    cmd->add_option("--to", args->to, "recipient address")->required();
    cmd->add_option("--value", args->value, "amount: wei, or with a unit (1ether, 2.5gwei)")->required();
    cmd->add_option("--chain-id", args->chain_id, "expected chain id; refuse to send on any other chain");
    cmd->add_option("--confirmations", args->confirmations,
                    "blocks to wait for, counting the including block")
        ->capture_default_str()
        ->check(CLI::Range(uint64_t{1}, uint64_t{10'000}));
    cmd->add_option("--timeout", args->timeout_s, "seconds to wait for the receipt and confirmations")
        ->capture_default_str()
        ->check(CLI::Range(uint64_t{1}, uint64_t{86'400}));
    cmd->add_option("--priority-fee", args->priority_fee,
                    "priority fee per gas (default: from eth_feeHistory)");
    cmd->callback([args, &selected] {
        selected = [args] {
            TransferOptions options;
            options.rpc = args->rpc;
            const auto to = address_from_hex(args->to);
            if (!to) throw CommandError("--to " + args->to + ": " + to.error().message());
            options.to = *to;
            options.value = parse_amount(args->value);
            options.chain_id = args->chain_id;
            options.confirmations = args->confirmations;
            options.receipt_timeout = std::chrono::seconds(args->timeout_s);
            if (!args->priority_fee.empty()) options.priority_fee = parse_amount(args->priority_fee);
            std::optional<std::filesystem::path> key_file;
            if (!args->key_file.empty()) key_file = args->key_file;
            const LoadedKey key = load_private_key(key_file, std::cerr);
            run_transfer(options, key.key, key.source, std::cout);
            return 0;
        };
    });
}

}  // namespace causeway::cli
