// The one error classifier: the destination's reverts by selector (permanent or retryable, with
// the name), RPC failures by kind, refused broadcasts by the node's words.
#include "relayer/errors.hpp"

#include <catch2/catch.hpp>

#include "core/abi.hpp"
#include "core/hex.hpp"
#include "core/keccak.hpp"

using namespace causeway;
using relayer::classify;
using relayer::classify_revert;

namespace {

Bytes revert(std::string_view signature, std::vector<abi::Value> args = {}) {
    Bytes out;
    REQUIRE(abi::encode_call(out, *abi::parse_function(signature), args));
    return out;
}

}  // namespace

TEST_CASE("destination reverts are classified by their selector", "[relayer][errors]") {
    const Hash id = keccak256(to_view("a message"));
    const auto delivered =
        classify_revert(revert("AlreadyDelivered(bytes32)", {abi::Value(Bytes(id.view()))}));
    CHECK(delivered.already_delivered);

    const auto not_contract =
        classify_revert(revert("RecipientNotContract(address)", {abi::Value(Address{})}));
    CHECK(not_contract.permanent());
    CHECK(not_contract.error_class == db::ErrorClass::kRejectedByDestination);
    CHECK(not_contract.reason == "RecipientNotContract(address)");
    CHECK(classify_revert(revert("WrongDestination(uint32)", {abi::Value(uint32_t{7})})).error_class ==
          db::ErrorClass::kInvalidMessage);
    CHECK(classify_revert(
              revert("SignerNotValidator(uint256,address)", {abi::Value(u256(0)), abi::Value(Address{})}))
              .permanent());

    // Not enough signatures yet, or a module that may be un-paused: try again.
    const auto threshold =
        classify_revert(revert("ThresholdNotMet(uint256,uint8)", {abi::Value(u256(1)), abi::Value(u256(2))}));
    CHECK(!threshold.permanent());
    CHECK(threshold.error_class == db::ErrorClass::kEvidenceNotReady);
    // A recipient's own revert, a string or nothing at all: retryable, and said.
    const auto text =
        classify_revert(revert("Error(string)", {abi::Value(std::string("vault: no liquidity"))}));
    CHECK(!text.permanent());
    CHECK(text.reason == "Error(\"vault: no liquidity\")");
    CHECK(!classify_revert({}).permanent());
    CHECK(classify_revert(Bytes{0xde, 0xad, 0xbe, 0xef, 0}).reason == "reverted with 0xdeadbeef...");
}

TEST_CASE("RPC failures and refused broadcasts are classified by kind", "[relayer][errors]") {
    using chain::RpcError;
    CHECK(classify(RpcError::transport_error(RpcError::Transport::kTimeout, "slow")).error_class ==
          db::ErrorClass::kRpcTimeout);
    CHECK(classify(RpcError::transport_error(RpcError::Transport::kConnect, "refused")).error_class ==
          db::ErrorClass::kRpcUnavailable);
    CHECK(classify(RpcError::http_error(429, "too many requests")).error_class ==
          db::ErrorClass::kRpcUnavailable);
    CHECK(!classify(RpcError::http_error(503, "down")).permanent());
    CHECK(classify(RpcError::json_rpc_error(-32000, "replacement transaction underpriced")).error_class ==
          db::ErrorClass::kUnderpriced);
    CHECK(classify(RpcError::json_rpc_error(-32000, "nonce too low")).error_class ==
          db::ErrorClass::kNonceConflict);
    CHECK(relayer::is_already_known(RpcError::json_rpc_error(-32000, "already known")));
    CHECK(!relayer::is_already_known(RpcError::json_rpc_error(-32000, "nonce too low")));

    // An execution revert carries the revert data: classified as the destination's revert.
    Bytes data;
    REQUIRE(abi::encode_call(data, *abi::parse_function("IsmNotContract(address)"), {abi::Value(Address{})}));
    const auto reverted = classify(
        RpcError::json_rpc_error(3, "execution reverted", boost::json::value("0x" + to_hex(data, false))));
    CHECK(reverted.permanent());
    CHECK(reverted.reason == "reverted: IsmNotContract(address)");
    // Without data: retryable.
    CHECK(!classify(RpcError::json_rpc_error(3, "execution reverted")).permanent());
}
