// Evidence fetched from the devnet's own chains for margin moves, checked by the light clients.
// OP Stack (901): valid but not final inside the challenge window, final after it (L1 time). ZK
// (902): final once its batch is. Both refused for a message the Mailbox never recorded or a
// trusted hash the L1 never had.
#include "relayer/evidence.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <thread>

#include "chain/json_rpc_client.hpp"
#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "tests/support/devnet.hpp"

using namespace causeway;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

chain::TrustedHead latest_head(chain::ChainClient& l1) {
    const auto header = l1.header_by_number(chain::BlockId::latest()).value().value();
    return chain::TrustedHead{header.number, jsonrpc::compute_hash(header), "the test's own L1 endpoint"};
}

// The first check that finds the message anchored, asking every 100 ms for 10 s; until then each
// answer must say "not yet", nothing worse.
template <typename Ask>
std::optional<relayer::LightClientCheck> first_anchored(Ask ask) {
    for (int i = 0; i < 100; ++i) {
        auto r = ask();
        if (r) return *r;
        INFO(r.error().message);
        REQUIRE(r.error().not_yet);
        std::this_thread::sleep_for(100ms);
    }
    return std::nullopt;
}

}  // namespace

TEST_CASE("OP Stack evidence for a devnet margin move: valid, final after the window, refused when forged",
          "[relayer][evidence][devnet]") {
    const test::Devnet devnet(CAUSEWAY_BIN);
    auto l1 = chain::HttpJsonRpcClient::create(test::text_at(devnet.chain(0), "rpc")).value();
    auto l2 = chain::HttpJsonRpcClient::create(test::text_at(devnet.chain(1), "rpc")).value();
    const auto [id, block] = devnet.move_margin(5);

    client::OpStackConfig config;
    config.oracle = address_from_hex(test::text_at(devnet.chain(1), "output_oracle")).value();
    const auto& contracts = devnet.chain(1).at("contracts").as_object();
    config.mailbox = {address_from_hex(test::text_at(contracts, "mailbox")).value(),
                      u256(contracts.at("mailbox_dispatched_slot").to_number<uint64_t>())};
    const uint64_t window = devnet.chain(1).at("finalization_period_seconds").to_number<uint64_t>();
    config.policy = {1, window, finality::Level::kAnchored};

    // The proposer posts an output covering the block within a few seconds.
    const auto check = first_anchored(
        [&] { return relayer::check_opstack_message(*l1, *l2, config, latest_head(*l1), id, block); });
    REQUIRE(check);
    INFO(client::to_string(check->result.verdict));
    REQUIRE(check->result.verdict == client::Verdict::kValid);
    CHECK(*check->result.l2_block_number >= block);
    CHECK_FALSE(check->result.is_final());
    REQUIRE(check->result.final_at);
    CHECK(*check->result.final_at > check->l1_time);

    // L1 time moves past the window: the same message is final under the same output.
    REQUIRE(l1->request(chain::RpcCall{"evm_increaseTime", json::array{window + 2}}));
    REQUIRE(l1->request(chain::RpcCall{"evm_mine", {}}));
    const auto later = relayer::check_opstack_message(*l1, *l2, config, latest_head(*l1), id, block).value();
    CHECK(later.result.is_final());
    CHECK(later.result.final_at == check->result.final_at);

    // A message the Mailbox never recorded, and a trusted hash the L1 never had.
    const Hash stranger = keccak256(id.view());
    CHECK(
        relayer::check_opstack_message(*l1, *l2, config, latest_head(*l1), stranger, block)->result.verdict ==
        client::Verdict::kMessageNotRecorded);
    auto forged_head = latest_head(*l1);
    forged_head.hash = stranger;
    CHECK(relayer::check_opstack_message(*l1, *l2, config, forged_head, id, block)->result.verdict ==
          client::Verdict::kL1CheckpointMismatch);
    // Through a cache, as a validator asks: the shared part is fetched once per output and trusted
    // head, and each message still needs its own record; a forged head is not answered from the
    // cache of a real one.
    relayer::OutputEvidenceCache cache;
    const auto head = latest_head(*l1);
    const auto first = relayer::fetch_opstack_evidence(*l1, *l2, config, head, id, block, &cache).value();
    CHECK(cache.l1_hash == head.hash);
    REQUIRE(cache.index);
    CHECK(*cache.index == first.output_index);
    const auto again = relayer::fetch_opstack_evidence(*l1, *l2, config, head, id, block, &cache).value();
    CHECK(again.oracle_account_proof == first.oracle_account_proof);
    CHECK(again.l2_header == first.l2_header);
    CHECK(again.message.storage_proof == first.message.storage_proof);
    CHECK(relayer::check_opstack_message(*l1, *l2, config, head, id, block, &cache)->result.is_final());
    CHECK(relayer::check_opstack_message(*l1, *l2, config, head, stranger, block, &cache)->result.verdict ==
          client::Verdict::kMessageNotRecorded);
    CHECK(relayer::check_opstack_message(*l1, *l2, config, forged_head, id, block, &cache)->result.verdict ==
          client::Verdict::kL1CheckpointMismatch);
    CHECK(cache.l1_hash == forged_head.hash);  // refetched for the other head, not reused
    CHECK(relayer::check_opstack_message(*l1, *l2, config, head, id, block, &cache)->result.is_final());

    // Records of the ids expected next come with the first one asked, in one call, each its own.
    relayer::OutputEvidenceCache together;
    together.records.expected = {stranger, id};
    const auto with_others =
        relayer::fetch_opstack_evidence(*l1, *l2, config, head, id, block, &together).value();
    CHECK(with_others.message.storage_proof == first.message.storage_proof);
    CHECK(with_others.message.account_proof == first.message.account_proof);
    REQUIRE(together.records.found.contains(stranger));
    CHECK(together.records.found.at(stranger).message_id == stranger);
    CHECK(!together.records.found.contains(id));
    CHECK(together.records.expected.size() == 2);  // kept for the next output or head
    CHECK(
        relayer::check_opstack_message(*l1, *l2, config, head, stranger, block, &together)->result.verdict ==
        client::Verdict::kMessageNotRecorded);
    CHECK(relayer::check_opstack_message(*l1, *l2, config, head, id, block, &together)->result.is_final());

    // A block no output covers yet.
    const auto future = relayer::check_opstack_message(*l1, *l2, config, latest_head(*l1), id, 1'000'000);
    REQUIRE_FALSE(future);
    CHECK(future.error().not_yet);
}

TEST_CASE("ZK evidence for a devnet margin move: final once its batch is, refused when forged",
          "[relayer][evidence][devnet]") {
    const test::Devnet devnet(CAUSEWAY_BIN);
    auto l1 = chain::HttpJsonRpcClient::create(test::text_at(devnet.chain(0), "rpc")).value();
    auto l2 = chain::HttpJsonRpcClient::create(test::text_at(devnet.chain(2), "rpc")).value();
    // 902 is the devnet's ZK style L2: its messages go out from there.
    const auto [id, block] = devnet.move_margin(5, 902, 901);

    client::ZkConfig config;
    config.anchor = {"devnet", address_from_hex(test::text_at(devnet.chain(2), "zk_rollup")).value(),
                     u256(devnet.chain(2).at("finalized_state_roots_slot").to_number<uint64_t>())};
    const auto& contracts = devnet.chain(2).at("contracts").as_object();
    config.mailbox = {address_from_hex(test::text_at(contracts, "mailbox")).value(),
                      u256(contracts.at("mailbox_dispatched_slot").to_number<uint64_t>())};

    // The proposer finalizes a batch covering the block within a few seconds; then the message is
    // final at once (no window: the batch's validity proof stands behind the root).
    const auto check = first_anchored(
        [&] { return relayer::check_zk_message(*l1, *l2, config, latest_head(*l1), id, block); });
    REQUIRE(check);
    INFO(client::to_string(check->result.verdict));
    REQUIRE(check->result.verdict == client::Verdict::kValid);
    CHECK(check->result.is_final());
    REQUIRE(check->result.l2_state_root);

    // A message the Mailbox never recorded, a trusted hash the L1 never had, and a batch that is
    // not the one named (its root is another state's: the Mailbox proof fails against it).
    const Hash stranger = keccak256(id.view());
    CHECK(relayer::check_zk_message(*l1, *l2, config, latest_head(*l1), stranger, block)->result.verdict ==
          client::Verdict::kMessageNotRecorded);
    auto forged_head = latest_head(*l1);
    forged_head.hash = stranger;
    CHECK(relayer::check_zk_message(*l1, *l2, config, forged_head, id, block)->result.verdict ==
          client::Verdict::kL1CheckpointMismatch);
    const auto head = latest_head(*l1);
    auto e = relayer::fetch_zk_evidence(*l1, *l2, config, head, id, block).value();
    CHECK(client::verify_zk(config, e, check->l1_time).is_final());
    e.batch += 1'000;  // a batch never finalized
    CHECK(client::verify_zk(config, e, check->l1_time).verdict != client::Verdict::kValid);

    // Through a cache: the L1 part fetched once per batch and head; each message its own record.
    relayer::BatchEvidenceCache cache;
    const auto first = relayer::fetch_zk_evidence(*l1, *l2, config, head, id, block, &cache).value();
    CHECK(cache.l1_hash == head.hash);
    REQUIRE(cache.batch);
    CHECK(*cache.batch == first.batch);
    const auto again = relayer::fetch_zk_evidence(*l1, *l2, config, head, id, block, &cache).value();
    CHECK(again.anchor_storage_proof == first.anchor_storage_proof);
    CHECK(again.message.storage_proof == first.message.storage_proof);
    CHECK(relayer::check_zk_message(*l1, *l2, config, head, stranger, block, &cache)->result.verdict ==
          client::Verdict::kMessageNotRecorded);
    CHECK(relayer::check_zk_message(*l1, *l2, config, forged_head, id, block, &cache)->result.verdict ==
          client::Verdict::kL1CheckpointMismatch);
    CHECK(relayer::check_zk_message(*l1, *l2, config, head, id, block, &cache)->result.is_final());
    relayer::BatchEvidenceCache together;
    together.records.expected = {id, stranger};
    CHECK(relayer::check_zk_message(*l1, *l2, config, head, id, block, &together)->result.is_final());
    CHECK(together.records.found.contains(stranger));
    CHECK(relayer::check_zk_message(*l1, *l2, config, head, stranger, block, &together)->result.verdict ==
          client::Verdict::kMessageNotRecorded);

    // A block no batch covers yet.
    const auto future = relayer::check_zk_message(*l1, *l2, config, latest_head(*l1), id, 1'000'000);
    REQUIRE_FALSE(future);
    CHECK(future.error().not_yet);
}
