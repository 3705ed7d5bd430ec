// `causeway transfer`: send native currency with an EIP-1559 transaction signed by causeway's own
// signer, wait for its receipt, and check the including block's header (keccak256 of its RLP)
// against the receipt. A smoke test of the whole stack against any chain.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/jsonrpc.hpp"
#include "core/secp256k1.hpp"
#include "core/u256.hpp"

namespace causeway::cli {

struct TransferOptions {
    std::string rpc;  // http://host:port/path
    Address to;
    u256 value;                        // wei
    std::optional<uint64_t> chain_id;  // refuse to sign for any other chain
    uint64_t confirmations = 1;        // blocks, counting the including block
    std::optional<u256> priority_fee;  // wei per gas; default from eth_feeHistory
    std::chrono::milliseconds receipt_timeout{120'000};
    std::chrono::milliseconds poll_interval{500};
    std::chrono::milliseconds rpc_timeout{10'000};
};

struct TransferResult {
    Hash transaction;
    jsonrpc::Receipt receipt;
    jsonrpc::BlockHeader header;
};

// Runs the transfer, printing one line per step on `out`. Throws CommandError when a step fails.
TransferResult run_transfer(const TransferOptions& options, const PrivateKey& key,
                            std::string_view key_source, std::ostream& out);

// "1000" (wei), "0x3e8", "1ether", "1.5eth", "2gwei", "7wei". Throws CommandError.
[[nodiscard]] u256 parse_amount(std::string_view text);
// "1500000000000000000 wei (1.5 ether)".
[[nodiscard]] std::string format_wei(const u256& wei);

}  // namespace causeway::cli
