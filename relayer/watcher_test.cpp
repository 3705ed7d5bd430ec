// The watcher against a real Mailbox on anvil and a throwaway PostgreSQL: messages read once into
// the queue, the cursor resumed by a new watcher, confirmations waited for, ranges bounded, a
// reorg's dropped message orphaned and a re-included one back, and the collateral amounts only of
// configured senders.
#include "relayer/watcher.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "chain/json_rpc_client.hpp"
#include "chain/transaction_sender.hpp"
#include "core/abi.hpp"
#include "core/hex.hpp"
#include "core/message.hpp"
#include "db/queue.hpp"
#include "tests/support/anvil.hpp"
#include "tests/support/postgres.hpp"

using namespace causeway;
namespace json = boost::json;

namespace {

constexpr uint32_t kDomain = 901;

Bytes creation_code(const std::string& file, const std::string& name) {
    std::ifstream in(std::string(CAUSEWAY_CONTRACTS_OUT) + "/" + file + "/" + name + ".json");
    REQUIRE(in);
    std::stringstream text;
    text << in.rdbuf();
    const auto doc = json::parse(text.str());
    auto code = from_hex(std::string_view(doc.at("bytecode").at("object").as_string()), HexPrefix::kOptional);
    REQUIRE(code);
    return *code;
}

Bytes encoded(std::string_view types, const std::vector<abi::Value>& args) {
    Bytes out;
    REQUIRE(abi::encode(out, *abi::parse_types(types), args));
    return out;
}

Bytes call_data(std::string_view signature, const std::vector<abi::Value>& args) {
    Bytes out;
    REQUIRE(abi::encode_call(out, *abi::parse_function(signature), args));
    return out;
}

template <typename T>
T sent(chain::SendResult<T> r) {
    if (!r) FAIL(r.error().message);
    return std::move(*r);
}

// An anvil chain with a Mailbox for domain 901, a sender, and a migrated database.
struct Fixture {
    test::Postgres pg;
    db::Connection conn = pg.migrated();
    test::Anvil anvil;
    std::unique_ptr<chain::HttpJsonRpcClient> client = chain::HttpJsonRpcClient::create(anvil.url()).value();
    chain::TransactionSender sender =
        chain::TransactionSender::open(*client, *PrivateKey::from_hex(test::Anvil::kDevKeys[0])).value();
    Address mailbox;

    Fixture() {
        Bytes code = creation_code("Mailbox.sol", "Mailbox");
        const Bytes args =
            encoded("uint32,address,address",
                    {abi::Value(kDomain), abi::Value(sender.address()), abi::Value(sender.address())});
        code.insert(code.end(), args.begin(), args.end());
        const auto receipt = sent(sender.send(chain::TxRequest{std::nullopt, u256{}, code, std::nullopt}));
        REQUIRE(receipt.contract_address);
        mailbox = *receipt.contract_address;
    }

    chain::TxRequest dispatch_request(const Bytes& body) {
        Hash recipient;
        recipient[31] = 0x42;
        return chain::TxRequest{
            mailbox, u256{},
            call_data("dispatch(uint32,bytes32,bytes)",
                      {abi::Value(uint32_t{902}), abi::Value(Bytes(recipient.view())), abi::Value(body)}),
            std::nullopt};
    }

    // Dispatches `body`; returns the message id (the DispatchId log) and the block.
    std::pair<Hash, uint64_t> dispatch(const Bytes& body) {
        const auto receipt = sent(sender.send(dispatch_request(body)));
        const Hash id_topic = abi::event_topic("DispatchId(bytes32)");
        for (const auto& log : receipt.logs) {
            if (log.topics.size() == 2 && log.topics[0] == id_topic)
                return {log.topics[1], receipt.block_number};
        }
        FAIL("no DispatchId");
        return {};
    }

    relayer::WatcherSettings settings() const {
        relayer::WatcherSettings s;
        s.domain = kDomain;
        s.chain_id = anvil.chain_id();
        s.mailbox = mailbox;
        return s;
    }

    void mine(int n = 1) {
        for (int i = 0; i < n; ++i) REQUIRE(client->request(chain::RpcCall{"evm_mine", {}}));
    }
};

Bytes text_body(const std::string& s) {
    return Bytes(s.begin(), s.end());
}

relayer::WatchStep step(relayer::Watcher& watcher) {
    auto r = watcher.step();
    if (!r) FAIL(r.error().message);
    REQUIRE(*r);
    return **r;
}

}  // namespace

TEST_CASE("the watcher puts each dispatched message in the queue once and resumes from its cursor",
          "[relayer][watcher][anvil]") {
    CAUSEWAY_REQUIRE_ANVIL();
    Fixture f;
    std::vector<std::pair<Hash, uint64_t>> dispatched;
    for (int i = 0; i < 3; ++i) dispatched.push_back(f.dispatch(text_body("hello " + std::to_string(i))));

    relayer::Watcher watcher(*f.client, f.conn, f.settings());
    const auto first = step(watcher);
    REQUIRE(first.range);
    CHECK(first.range->first == 0);
    CHECK(first.range->second == dispatched.back().second);
    CHECK(first.messages == 3);
    CHECK(first.enqueued.inserted == 3);
    CHECK_FALSE(first.reorg);
    for (const auto& [id, block] : dispatched) {
        const auto m = db::find_message(f.conn, id);
        REQUIRE(m);
        CHECK(m->block_number == block);
        CHECK(m->message.origin == kDomain);
        CHECK(m->message.destination == 902);
        CHECK(message_id(m->message) == id);
        CHECK(m->state == db::MessageState::kObserved);
    }
    // Nothing new: nothing happens.
    CHECK_FALSE(watcher.step().value());

    // Another watcher on the same database resumes at the cursor: no gap, no block read twice.
    const auto later = f.dispatch(text_body("later"));
    relayer::Watcher restarted(*f.client, f.conn, f.settings());
    const auto second = step(restarted);
    REQUIRE(second.range);
    CHECK(second.range->first == first.range->second + 1);
    CHECK(second.range->second == later.second);
    CHECK(second.messages == 1);
    CHECK(second.enqueued.inserted == 1);
    CHECK(second.enqueued.duplicates == 0);
    CHECK(db::find_message(f.conn, later.first));
    CHECK(watcher.skipped() == 0);
}

TEST_CASE("the watcher waits for the confirmations and reads bounded ranges", "[relayer][watcher][anvil]") {
    CAUSEWAY_REQUIRE_ANVIL();
    Fixture f;
    auto settings = f.settings();
    settings.confirmations = 3;
    settings.max_range = 2;
    const auto [id, block] = f.dispatch(text_body("confirm me"));
    relayer::Watcher watcher(*f.client, f.conn, settings);
    // Read in ranges of at most two blocks, up to the head less two: the message's block is the head.
    uint64_t read_to = 0;
    for (int i = 0; i < 10; ++i) {
        const auto r = watcher.step().value();
        if (!r) break;
        REQUIRE(r->range);
        CHECK(r->range->second - r->range->first + 1 <= 2);
        read_to = r->range->second;
    }
    CHECK(read_to == block - 2);
    CHECK_FALSE(db::find_message(f.conn, id));
    f.mine(2);
    for (int i = 0; i < 10 && !db::find_message(f.conn, id); ++i) REQUIRE(watcher.step().value());
    const auto m = db::find_message(f.conn, id);
    REQUIRE(m);
    CHECK(m->block_number == block);
}

TEST_CASE("a reorg orphans the dropped message and brings the re-included one back",
          "[relayer][watcher][anvil]") {
    CAUSEWAY_REQUIRE_ANVIL();
    Fixture f;
    (void)f.dispatch(text_body("before"));
    relayer::Watcher watcher(*f.client, f.conn, f.settings());
    (void)step(watcher);

    const auto snapshot = f.client->request(chain::RpcCall{"evm_snapshot", {}}).value();
    // Two messages the reorg will drop: one comes back in the new branch, the other does not.
    const auto fees = sent(f.sender.fees());
    const auto kept_tx = sent(f.sender.prepare(f.dispatch_request(text_body("re-included")), fees));
    Bytes kept_raw;
    encode(kept_raw, kept_tx);
    REQUIRE(f.client->send_raw_transaction(kept_raw));
    f.sender =
        chain::TransactionSender::open(*f.client, *PrivateKey::from_hex(test::Anvil::kDevKeys[0])).value();
    const auto [dropped_id, dropped_block] = f.dispatch(text_body("dropped"));
    const auto read = step(watcher);
    CHECK(read.messages == 2);

    // The new branch: an empty block where the first message was, then that message again, and
    // blocks beyond the old head.
    REQUIRE(f.client->request(chain::RpcCall{"evm_revert", json::array{snapshot}}).value() == true);
    f.mine();
    REQUIRE(f.client->send_raw_transaction(kept_raw));
    f.mine(2);

    const auto after = step(watcher);
    CHECK(after.reorg);
    REQUIRE(after.fork);
    CHECK(*after.fork < dropped_block - 1);
    CHECK(after.orphaned == 2);
    CHECK(after.enqueued.revived == 1);
    CHECK(db::find_message(f.conn, dropped_id)->state == db::MessageState::kOrphaned);
    std::size_t observed = 0;
    for (const auto& m :
         db::list_messages(f.conn, db::MessageFilter{db::MessageState::kObserved, {}, {}, 50})) {
        if (std::string(m.message.body.begin(), m.message.body.end()) == "re-included") {
            ++observed;
            CHECK(m.block_number > *after.fork + 1);  // in its new block
        }
    }
    CHECK(observed == 1);
}

TEST_CASE("only configured collateral senders' amounts count against route limits",
          "[relayer][watcher][anvil]") {
    CAUSEWAY_REQUIRE_ANVIL();
    Fixture f;
    Bytes body;
    encode(body, CollateralBody{Hash{}, u256(5'000), {}});
    const auto [stranger, block] = f.dispatch(body);
    relayer::Watcher watcher(*f.client, f.conn, f.settings());
    (void)step(watcher);
    CHECK(db::find_message(f.conn, stranger)->amount == u256{0});

    auto settings = f.settings();
    settings.collateral_senders = {Hash::left_padded(f.sender.address().view())};
    const auto [vault, vault_block] = f.dispatch(body);
    relayer::Watcher configured(*f.client, f.conn, settings);
    (void)step(configured);
    CHECK(db::find_message(f.conn, vault)->amount == u256(5'000));
}
