// Test helpers that drive a running anvil through causeway's own JSON-RPC client: cheat codes
// (storage, code), mining, and fetching the new head with its hash checked from its RLP.
// Header-only: only tests that already link causeway::chain include it.
#pragma once

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "core/block_header.hpp"
#include "core/hex.hpp"
#include "chain/json_rpc_client.hpp"
#include "tests/support/anvil.hpp"

namespace causeway::test {

inline std::unique_ptr<chain::HttpJsonRpcClient> connect(const Anvil& anvil) {
    auto client = chain::HttpJsonRpcClient::create(anvil.url());
    REQUIRE(client);
    return std::move(*client);
}

// A call whose result does not matter; failing it fails the test.
inline void anvil_call(chain::ChainClient& client, std::string method, boost::json::array params) {
    const auto r = client.request(chain::RpcCall{std::move(method), std::move(params)});
    if (!r) FAIL(r.error().to_string());
}

inline void set_storage(chain::ChainClient& client, const Address& account, const Hash& slot,
                        const Hash& value) {
    anvil_call(client, "anvil_setStorageAt",
               {boost::json::string(to_hex(account)), boost::json::string(to_hex(slot)),
                boost::json::string(to_hex(value))});
}

// Some code, so that the account is a contract as the real one would be.
inline void set_code(chain::ChainClient& client, const Address& account, std::string_view code = "0x6000") {
    anvil_call(client, "anvil_setCode", {boost::json::string(to_hex(account)), boost::json::string(code)});
}

// Mines a block (`advance_s` seconds after the last, when non-zero) and returns its header, checked:
// keccak256(rlp(header)) is the hash the node gives.
inline BlockHeader mine(chain::ChainClient& client, uint64_t advance_s = 0) {
    if (advance_s != 0) anvil_call(client, "evm_increaseTime", {advance_s});
    anvil_call(client, "evm_mine", {});
    auto header = client.header_by_number(jsonrpc::BlockId::latest());
    REQUIRE(header);
    REQUIRE(*header);
    REQUIRE((*header)->hash);
    REQUIRE(compute_hash(**header) == *(*header)->hash);
    return **header;
}

}  // namespace causeway::test
