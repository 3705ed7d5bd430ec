// chain::TransactionSender: fees from a fee history, and sending on a real anvil chain (nonces,
// gas, receipts, reverts).
#include "chain/transaction_sender.hpp"

#include <catch2/catch.hpp>

#include "chain/json_rpc_client.hpp"
#include "core/abi.hpp"
#include "core/hex.hpp"
#include "tests/support/anvil.hpp"

using namespace causeway;
using namespace causeway::chain;

namespace {

const u256 kGwei = u256(1'000'000'000);

FeeHistory history(std::vector<u256> base_fees, std::vector<std::vector<u256>> rewards) {
    FeeHistory h;
    h.base_fee_per_gas = std::move(base_fees);
    h.reward = std::move(rewards);
    h.gas_used_ratio.assign(h.reward.size(), 0.5);
    return h;
}

template <typename T>
T sent(SendResult<T> r) {
    if (!r) FAIL(r.error().message);
    return std::move(*r);
}

}  // namespace

TEST_CASE("fees: the next block's base fee, the median tip, twice the base fee as headroom",
          "[chain][sender]") {
    const auto fees =
        fees_from_history(history({10 * kGwei, 12 * kGwei, 14 * kGwei}, {{3 * kGwei}, {1 * kGwei}}), {});
    REQUIRE(fees);
    CHECK(fees->base_fee == 14 * kGwei);  // the entry after the newest block
    CHECK(fees->priority_fee == 3 * kGwei);
    CHECK(fees->max_fee == 31 * kGwei);
    CHECK(fees->priority_source == "median 50th-percentile tip of the last 2 blocks");

    // Empty blocks pay no tips: the default.
    const auto quiet = fees_from_history(history({kGwei, kGwei}, {{u256{}}}), {});
    REQUIRE(quiet);
    CHECK(quiet->priority_fee == kDefaultPriorityFee);
    CHECK(quiet->priority_source == "default; recent blocks paid no tips");

    // A fixed tip wins.
    FeeSettings fixed_tip;
    fixed_tip.priority_fee = 7 * kGwei;
    const auto fixed = fees_from_history(history({kGwei, kGwei}, {{5 * kGwei}}), fixed_tip);
    REQUIRE(fixed);
    CHECK(fixed->priority_fee == 7 * kGwei);
    CHECK(fixed->max_fee == 9 * kGwei);
    CHECK(fixed->priority_source == "fixed");

    // No base fee: not an EIP-1559 chain, nothing to offer.
    const auto none = fees_from_history(FeeHistory{}, {});
    REQUIRE_FALSE(none);
    CHECK(none.error().kind == SendErrorKind::kNoFeeMarket);
}

TEST_CASE("sending on anvil: nonces advance, receipts come back, a revert is an error",
          "[chain][sender][anvil]") {
    CAUSEWAY_REQUIRE_ANVIL();
    test::Anvil anvil;
    auto client = HttpJsonRpcClient::create(anvil.url());
    REQUIRE(client);
    const auto key = PrivateKey::from_hex(test::Anvil::kDevKeys[0]);
    REQUIRE(key);
    SenderSettings settings;
    settings.gas_margin_percent = 20;
    settings.poll_interval = std::chrono::milliseconds(50);
    auto sender = sent(TransactionSender::open(**client, *key, settings));
    CHECK(sender.chain_id() == anvil.chain_id());
    CHECK(sender.next_nonce() == 0);
    CHECK(sender.address() == *address_from_hex(test::Anvil::kDevAddresses[0]));

    const Address to = *address_from_hex(test::Anvil::kDevAddresses[1]);
    const auto first = sent(sender.send(TxRequest{to, u256(1000), {}, {}}));
    CHECK(first.succeeded());
    CHECK(first.from == sender.address());
    CHECK(sender.next_nonce() == 1);
    const auto second = sent(sender.send(TxRequest{to, u256(1000), {}, {}}));
    CHECK(second.block_number == first.block_number + 1);
    CHECK(sender.next_nonce() == 2);
    CHECK((*client)->nonce(sender.address()).value() == 2);

    // The margin is on the estimate: a plain transfer estimates 21000.
    const auto fees = sent(sender.fees());
    const auto tx = sent(sender.prepare(TxRequest{to, u256(1), {}, {}}, fees));
    CHECK(tx.gas_limit == 21000 + 4200);
    CHECK(tx.nonce == 2);
    CHECK(tx.chain_id == anvil.chain_id());
    CHECK(tx.max_fee_per_gas == fees.max_fee);
    CHECK(sender.next_nonce() == 2);  // prepared, not sent

    // Code that always reverts (PUSH0 PUSH0 REVERT), sent with a fixed gas limit (an estimate of a
    // reverting call fails): mined with status 0, reported as kReverted with its receipt.
    const auto deployed =
        sent(sender.send(TxRequest{std::nullopt, u256{}, *from_hex("0x6003600c60003960036000f35f5ffd"), {}}));
    REQUIRE(deployed.contract_address);
    const auto reverted = sender.send(TxRequest{*deployed.contract_address, u256{}, {}, uint64_t{100'000}});
    REQUIRE_FALSE(reverted);
    CHECK(reverted.error().kind == SendErrorKind::kReverted);
    REQUIRE(reverted.error().receipt);
    CHECK_FALSE(reverted.error().receipt->succeeded());
    CHECK(reverted.error().message == "transaction " + to_hex(*reverted.error().transaction) + " reverted");
    CHECK(sender.next_nonce() == 4);

    // Without the fixed gas limit the estimate fails and nothing is sent.
    const auto refused = sender.send(TxRequest{*deployed.contract_address, u256{}, {}, {}});
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == SendErrorKind::kRpc);
    CHECK(refused.error().message.starts_with("eth_estimateGas: "));
    CHECK(sender.next_nonce() == 4);
}

TEST_CASE("a receipt that never comes is reported with the hash, after the deadline",
          "[chain][sender][anvil]") {
    CAUSEWAY_REQUIRE_ANVIL();
    // No automine: the transaction stays pending.
    test::AnvilOptions options;
    options.extra_args = {"--no-mining"};
    test::Anvil anvil(options);
    auto client = HttpJsonRpcClient::create(anvil.url());
    REQUIRE(client);
    SenderSettings settings;
    settings.receipt_timeout = std::chrono::milliseconds(300);
    settings.poll_interval = std::chrono::milliseconds(50);
    auto sender =
        sent(TransactionSender::open(**client, *PrivateKey::from_hex(test::Anvil::kDevKeys[0]), settings));
    const auto pending =
        sender.send(TxRequest{*address_from_hex(test::Anvil::kDevAddresses[1]), u256(1), {}, {}});
    REQUIRE_FALSE(pending);
    CHECK(pending.error().kind == SendErrorKind::kNoReceipt);
    REQUIRE(pending.error().transaction);
    CHECK(pending.error().message.starts_with("no receipt for " + to_hex(*pending.error().transaction)));
    CHECK(sender.next_nonce() == 1);  // the node took it
}
