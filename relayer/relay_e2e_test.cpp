// End to end on the devnet (`causeway devnet up`: three validators, two relayer replicas sharing one
// database and signer), counted on chain: each message's delivered(id) on the destination Mailbox,
// its ProcessId event exactly once, the trader's vault margin, and the relayer's own record of
// what it sent (no message in two mined transactions, none reverted). $CAUSEWAY_E2E_MESSAGES sets
// the messages per direction (default 200; `make bench` runs 1,000).
#include <signal.h>

#include <httplib.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <pqxx/pqxx>
#include <set>
#include <sstream>
#include <thread>

#include "chain/json_rpc_client.hpp"
#include "chain/transaction_sender.hpp"
#include "core/abi.hpp"
#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "core/secp256k1.hpp"
#include "db/connection.hpp"
#include "db/queue.hpp"
#include "db/test_messages.hpp"
#include "http/client.hpp"
#include "os/process.hpp"
#include "tests/support/anvil.hpp"
#include "tests/support/devnet.hpp"

using namespace causeway;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

uint32_t messages_per_direction() {
    const char* v = std::getenv("CAUSEWAY_E2E_MESSAGES");
    return v != nullptr && std::atoi(v) > 0 ? static_cast<uint32_t>(std::atoi(v)) : 200;
}

std::string text(const json::value& v) {
    return std::string(v.as_string());
}

struct Moves {
    std::vector<Hash> ids;
    int exit_code = 0;
    std::string out;
};

// `devnet move-margin --count N --json` (and --wait S): the ids it dispatched.
Moves move(const test::Devnet& net, uint32_t from, uint32_t to, uint32_t count, uint32_t wait_s,
           uint32_t amount = 1) {
    const auto r =
        net.cli({"devnet", "move-margin", "--dir", net.dir().string(), "--from", std::to_string(from), "--to",
                 std::to_string(to), "--amount", std::to_string(amount), "--count", std::to_string(count),
                 "--wait", std::to_string(wait_s), "--json"});
    Moves m{{}, r.exit_code, r.out};
    if (r.out.empty()) return m;
    const auto doc = json::parse(r.out.substr(0, r.out.find('\n')));
    for (const auto& item : doc.at("messages").as_array())
        m.ids.push_back(hash_from_hex(text(item.at("id"))).value());
    return m;
}

struct Chain {
    std::unique_ptr<chain::HttpJsonRpcClient> client;
    Address mailbox;
    Address vault;
};

Chain chain_of(const test::Devnet& net, uint32_t domain) {
    for (const auto& c : net.manifest().at("chains").as_array()) {
        if (c.at("chain_id").to_number<uint32_t>() != domain) continue;
        return Chain{chain::HttpJsonRpcClient::create(text(c.at("rpc"))).value(),
                     address_from_hex(text(c.at("contracts").at("mailbox"))).value(),
                     address_from_hex(text(c.at("contracts").at("vault"))).value()};
    }
    throw std::runtime_error("no chain " + std::to_string(domain));
}

u256 word_call(chain::ChainClient& client, const Address& to, std::string_view signature,
               std::vector<abi::Value> args) {
    jsonrpc::CallRequest call;
    call.to = to;
    REQUIRE(abi::encode_call(call.data, *abi::parse_function(signature), args));
    const auto r = client.call(call, jsonrpc::BlockId());
    REQUIRE(r);
    REQUIRE(r->size() == 32);
    return u256_from_be(*r);
}

Address trader(const test::Devnet& net) {
    return address_from_hex(text(net.manifest().at("keys").at("trader").at("address"))).value();
}

// ProcessId events per message id on a Mailbox, over the whole chain.
std::map<Hash, int> process_events(chain::ChainClient& client, const Address& mailbox) {
    jsonrpc::LogFilter filter;
    filter.from_block = uint64_t{0};
    filter.to_block = jsonrpc::BlockTag::kLatest;
    filter.addresses = {mailbox};
    filter.topics = {std::vector<Hash>{abi::event_topic("ProcessId(bytes32)")}};
    const auto logs = client.get_logs(filter);
    REQUIRE(logs);
    std::map<Hash, int> out;
    for (const auto& l : *logs) ++out[l.topics.at(1)];
    return out;
}

struct Tally {
    std::size_t sent = 0, delivered = 0, duplicated = 0, lost = 0;
};

// Every id delivered on `to`, with exactly one ProcessId each; prints the line the closing note quotes.
Tally tally(const std::string& name, const std::vector<Hash>& ids, const Chain& to) {
    const auto events = process_events(*to.client, to.mailbox);
    Tally t;
    t.sent = ids.size();
    for (const auto& id : ids) {
        const bool on_chain = word_call(*to.client, to.mailbox, "delivered(bytes32)",
                                        {abi::Value(Bytes(id.view()))}) == u256(1);
        const auto e = events.find(id);
        const int n = e == events.end() ? 0 : e->second;
        if (on_chain && n >= 1) ++t.delivered;
        if (n > 1) ++t.duplicated;
        if (!on_chain || n == 0) ++t.lost;
    }
    WARN(name << ": sent " << t.sent << ", delivered " << t.delivered << ", duplicated " << t.duplicated
              << ", lost " << t.lost);
    return t;
}

// Waits until every id is delivered on `to` (or `limit` passes).
void wait_delivered(const std::vector<Hash>& ids, const Chain& to, std::chrono::seconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    std::set<Hash> pending(ids.begin(), ids.end());
    while (!pending.empty() && std::chrono::steady_clock::now() < until) {
        for (auto it = pending.begin(); it != pending.end();) {
            it = word_call(*to.client, to.mailbox, "delivered(bytes32)", {abi::Value(Bytes(it->view()))}) ==
                         u256(1)
                     ? pending.erase(it)
                     : std::next(it);
        }
        if (!pending.empty()) std::this_thread::sleep_for(500ms);
    }
}

// The relayer's own record: no message in two mined delivery transactions, none reverted.
void check_relayer_record(const test::Devnet& net) {
    auto conn = db::Connection::open({text(net.manifest().at("postgres").at("url")), "causeway", "e2e-test"});
    pqxx::read_transaction tx(conn.raw());
    const auto twice = tx.exec1(
                             "SELECT count(*) FROM (SELECT id FROM (SELECT unnest(message_ids) AS id FROM "
                             "tx_attempts WHERE status = 'mined')"
                             " t GROUP BY id HAVING count(*) > 1) d")[0]
                           .as<int64_t>();
    const auto reverted =
        tx.exec1("SELECT count(*) FROM tx_attempts WHERE status = 'reverted'")[0].as<int64_t>();
    const auto dead =
        tx.exec1("SELECT count(*) FROM messages WHERE state = 'failed_permanent'")[0].as<int64_t>();
    CHECK(twice == 0);
    CHECK(reverted == 0);
    CHECK(dead == 0);
}

}  // namespace

TEST_CASE("messages each way with two relayer replicas are each delivered exactly once",
          "[e2e][relayer][devnet]") {
    test::Devnet net(CAUSEWAY_BIN);
    const uint32_t n = messages_per_direction();
    const Chain a = chain_of(net, 901);
    const Chain b = chain_of(net, 902);
    const u256 margin_b = word_call(*b.client, b.vault, "marginOf(address)", {abi::Value(trader(net))});
    const u256 margin_a = word_call(*a.client, a.vault, "marginOf(address)", {abi::Value(trader(net))});

    Moves there, back;
    std::thread t1([&] { there = move(net, 901, 902, n, 600); });
    std::thread t2([&] { back = move(net, 902, 901, n, 600); });
    t1.join();
    t2.join();
    INFO(there.out << back.out);
    REQUIRE(there.ids.size() == n);
    REQUIRE(back.ids.size() == n);
    CHECK(there.exit_code == 0);
    CHECK(back.exit_code == 0);

    const auto ab = tally("901 -> 902", there.ids, b);
    const auto ba = tally("902 -> 901", back.ids, a);
    CHECK(ab.delivered == n);
    CHECK(ba.delivered == n);
    CHECK(ab.duplicated + ba.duplicated == 0);
    // Each move debits 1 token of margin on its origin and credits it on its destination: n each
    // way leaves both where they were, and a lost or doubled credit would not.
    CHECK(word_call(*b.client, b.vault, "marginOf(address)", {abi::Value(trader(net))}) == margin_b);
    CHECK(word_call(*a.client, a.vault, "marginOf(address)", {abi::Value(trader(net))}) == margin_a);
    check_relayer_record(net);
}

TEST_CASE("messages are delivered exactly once while relayer replicas are SIGKILLed every few seconds",
          "[e2e][relayer][devnet]") {
    test::Devnet net(CAUSEWAY_BIN);
    const uint32_t n = messages_per_direction();
    const Chain a = chain_of(net, 901);
    const Chain b = chain_of(net, 902);

    // A replica killed is started again at once with its own file, as a supervisor would.
    std::atomic<bool> done{false};
    int kills = 0;
    std::thread killer([&] {
        for (int turn = 0; !done; ++turn) {
            for (int i = 0; i < 30 && !done; ++i) std::this_thread::sleep_for(100ms);
            if (done) break;
            const auto r = net.cli({"devnet", "restart", "--dir", net.dir().string(),
                                    "relayer-" + std::to_string(turn % 2 + 1), "--kill"});
            if (r.exit_code == 0) ++kills;
        }
    });
    Moves there, back;
    std::thread t1([&] { there = move(net, 901, 902, n, 0); });
    std::thread t2([&] { back = move(net, 902, 901, n, 0); });
    t1.join();
    t2.join();
    wait_delivered(there.ids, b, 600s);
    wait_delivered(back.ids, a, 600s);
    done = true;
    killer.join();
    INFO(there.out << back.out);
    WARN("relayer replicas SIGKILLed " << kills << " times");
    CHECK(kills >= 3);
    REQUIRE(there.ids.size() == n);
    REQUIRE(back.ids.size() == n);
    const auto ab = tally("901 -> 902 under SIGKILL", there.ids, b);
    const auto ba = tally("902 -> 901 under SIGKILL", back.ids, a);
    CHECK(ab.delivered == n);
    CHECK(ba.delivered == n);
    CHECK(ab.duplicated + ba.duplicated == 0);
    check_relayer_record(net);
}

TEST_CASE(
    "a route paused mid-run gets no delivery broadcast after the pause returns, and resume delivers the rest",
    "[e2e][relayer][devnet]") {
    test::Devnet net(CAUSEWAY_BIN);
    const uint32_t n = messages_per_direction();
    const Chain b = chain_of(net, 902);
    const std::string url = text(net.manifest().at("postgres").at("url"));

    // The first half is delivered, then the route is paused, then the second half is dispatched.
    const auto first = move(net, 901, 902, n / 2, 300);
    REQUIRE(first.exit_code == 0);
    // On chain too: a key that is not the routing module's guardian is refused (the queue's pause
    // stands, the module is unchanged), then the guardian's pause goes through.
    const std::string config = (net.dir() / "config" / "relayer-1.yaml").string();
    const auto stranger = net.dir() / "keys" / "trader.key";
    const auto refused = net.cli({"routes", "pause", "--db", url, "--origin", "901", "--destination", "902",
                                  "--actor", "e2e-test", "--reason", "mid-run pause", "--onchain", "--config",
                                  config, "--key-file", stranger.string()});
    CHECK(refused.exit_code == 1);
    CHECK(refused.out.find("is it the module's guardian?") != std::string::npos);
    CHECK(refused.out.find("the queue's pause stands") != std::string::npos);
    const auto routing_ism =
        address_from_hex(text(net.manifest().at("chains").as_array()[2].at("contracts").at("routing_ism")))
            .value();
    const auto origin_paused = [&] {
        jsonrpc::CallRequest read;
        read.to = routing_ism;
        (void)abi::encode_call(read.data, *abi::parse_function("originPaused(uint32)"),
                               {abi::Value(u256(901))});
        const auto word = b.client->call(read, jsonrpc::BlockId());
        REQUIRE(word);
        return word->size() == 32 && (*word)[31] == 1;
    };
    CHECK_FALSE(origin_paused());
    const auto guardian = net.dir() / "keys" / "deployer.key";  // the devnet's guardian and owner
    const auto paused = net.cli({"routes", "pause", "--db", url, "--origin", "901", "--destination", "902",
                                 "--actor", "e2e-test", "--reason", "mid-run pause", "--onchain", "--config",
                                 config, "--key-file", guardian.string()});
    INFO(paused.out << paused.err);
    REQUIRE(paused.exit_code == 0);
    CHECK(paused.out.find("on chain: 901->902 paused in") != std::string::npos);
    CHECK(origin_paused());
    std::set<Hash> before_pause;  // what the relayer had recorded (so possibly broadcast) by then
    {
        auto conn = db::Connection::open({url, "causeway", "e2e-test"});
        pqxx::read_transaction tx(conn.raw());
        for (const auto& row : tx.exec("SELECT encode(tx_hash, 'hex') FROM tx_attempts"))
            before_pause.insert(hash_from_hex("0x" + row[0].as<std::string>()).value());
    }
    const auto second = move(net, 901, 902, n - n / 2, 0);
    REQUIRE(second.ids.size() == n - n / 2);
    // Until the validators have signed the second half's last index (the relayer could deliver it
    // then, were the route open), and a few blocks more.
    const auto last_index = std::to_string(n - 1);
    const std::string validator = text(net.manifest().at("validators").as_array()[0].at("api"));
    const auto until = std::chrono::steady_clock::now() + 120s;
    bool signed_all = false;
    while (!signed_all && std::chrono::steady_clock::now() < until) {
        const auto r = http::get_json(validator + "/checkpoints/901/" + last_index, 2s);
        signed_all = r && r->status == 200;
        if (!signed_all) std::this_thread::sleep_for(500ms);
    }
    REQUIRE(signed_all);
    std::this_thread::sleep_for(5s);

    // Every ProcessId on 902 came from a transaction recorded before the pause returned.
    jsonrpc::LogFilter filter;
    filter.from_block = uint64_t{0};
    filter.to_block = jsonrpc::BlockTag::kLatest;
    filter.addresses = {b.mailbox};
    filter.topics = {std::vector<Hash>{abi::event_topic("ProcessId(bytes32)")}};
    const auto logs = b.client->get_logs(filter);
    REQUIRE(logs);
    std::size_t from_later = 0;
    for (const auto& l : *logs) from_later += before_pause.contains(*l.transaction_hash) ? 0 : 1;
    CHECK(from_later == 0);
    const auto held = tally("901 -> 902 second half, while paused", second.ids, b);
    CHECK(held.delivered == 0);

    const auto resumed = net.cli({"routes", "resume", "--db", url, "--origin", "901", "--destination", "902",
                                  "--actor", "e2e-test", "--reason", "resume", "--onchain", "--config",
                                  config, "--key-file", guardian.string()});
    INFO(resumed.out << resumed.err);
    REQUIRE(resumed.exit_code == 0);
    CHECK_FALSE(origin_paused());
    {
        auto conn = db::Connection::open({url, "causeway", "e2e-test"});
        pqxx::read_transaction tx(conn.raw());
        CHECK(tx.exec("SELECT 1 FROM audit_log WHERE action = 'route.pause.onchain' AND target = '901->902'"
                      " AND after ? 'transaction'")
                  .size() == 1);
        CHECK(tx.exec("SELECT 1 FROM audit_log WHERE action = 'route.resume.onchain'").size() == 1);
    }
    wait_delivered(second.ids, b, 120s);
    std::vector<Hash> all = first.ids;
    all.insert(all.end(), second.ids.begin(), second.ids.end());
    const auto t = tally("901 -> 902 paused and resumed", all, b);
    CHECK(t.delivered == n);
    CHECK(t.duplicated == 0);
    check_relayer_record(net);
}

TEST_CASE("the daemons recover by themselves when PostgreSQL restarts mid-run", "[e2e][relayer][devnet]") {
    test::Devnet net(CAUSEWAY_BIN);
    const uint32_t n = messages_per_direction();
    const Chain a = chain_of(net, 901);
    const Chain b = chain_of(net, 902);

    Moves there, back;
    std::thread t1([&] { there = move(net, 901, 902, n, 0); });
    std::thread t2([&] { back = move(net, 902, 901, n, 0); });
    t1.join();
    t2.join();
    REQUIRE(there.ids.size() == n);
    REQUIRE(back.ids.size() == n);
    // Once deliveries have begun, the database goes away and comes back.
    const auto until = std::chrono::steady_clock::now() + 120s;
    while (process_events(*b.client, b.mailbox).empty() && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(200ms);
    const auto restarted = net.cli({"devnet", "restart", "--dir", net.dir().string(), "postgres"});
    INFO(restarted.out);
    REQUIRE(restarted.exit_code == 0);
    WARN(restarted.out);
    wait_delivered(there.ids, b, 300s);
    wait_delivered(back.ids, a, 300s);
    const auto ab = tally("901 -> 902 across a PostgreSQL restart", there.ids, b);
    const auto ba = tally("902 -> 901 across a PostgreSQL restart", back.ids, a);
    CHECK(ab.delivered == n);
    CHECK(ba.delivered == n);
    CHECK(ab.duplicated + ba.duplicated == 0);
    check_relayer_record(net);
    // Every daemon is still up: none gave up on the database.
    const auto status = net.cli({"devnet", "status", "--dir", net.dir().string()});
    INFO(status.out);
    CHECK(status.exit_code == 0);
}

TEST_CASE("a validator killed and restarted mid-run never signs a second root for an index",
          "[e2e][relayer][validator][devnet]") {
    test::Devnet net(CAUSEWAY_BIN);
    const uint32_t n = messages_per_direction();
    const Chain b = chain_of(net, 902);

    Moves there;
    std::thread t1([&] { there = move(net, 901, 902, n, 0); });
    for (int i = 0; i < 3; ++i) {
        std::this_thread::sleep_for(4s);
        const auto r = net.cli({"devnet", "restart", "--dir", net.dir().string(), "validator-2", "--kill"});
        INFO(r.out);
        REQUIRE(r.exit_code == 0);
    }
    t1.join();
    REQUIRE(there.ids.size() == n);
    wait_delivered(there.ids, b, 300s);
    const auto t = tally("901 -> 902 with validator-2 SIGKILLed 3 times", there.ids, b);
    CHECK(t.delivered == n);
    CHECK(t.duplicated == 0);

    // Each validator served one root per index, the same for all three (the Mailbox's), and the
    // restarted one signed through to the last index.
    std::map<uint32_t, Hash> roots;
    std::size_t compared = 0;
    for (const auto& v : net.manifest().at("validators").as_array()) {
        const std::string api = text(v.at("api"));
        // Two signatures of three delivered the messages: the third validator may still be catching up.
        const auto until = std::chrono::steady_clock::now() + 120s;
        while (std::chrono::steady_clock::now() < until) {
            const auto r = http::get_json(api + "/checkpoints/901/" + std::to_string(n - 1), 2s);
            if (r && r->status == 200) break;
            std::this_thread::sleep_for(500ms);
        }
        for (uint32_t i = 0; i < n; i += std::max<uint32_t>(1, n / 20)) {
            const auto r = http::get_json(api + "/checkpoints/901/" + std::to_string(i), 2s);
            REQUIRE(r);
            REQUIRE(r->status == 200);
            const Hash root = hash_from_hex(text(r->body.at("root"))).value();
            const auto [it, fresh] = roots.emplace(i, root);
            CHECK(it->second == root);
            ++compared;
        }
        const auto last = http::get_json(api + "/checkpoints/901/latest", 2s);
        REQUIRE(last);
        CHECK(last->body.at("index").to_number<uint32_t>() == n - 1);
    }
    CHECK(compared >= 3 * 20);
    // And its store holds one row per index, intact (the restarts checked its hash chain).
    auto conn =
        db::Connection::open({text(net.manifest().at("postgres").at("url")), "validator_2", "e2e-test"});
    pqxx::read_transaction tx(conn.raw());
    CHECK(tx.exec1("SELECT count(*) - count(DISTINCT (origin, idx)) FROM signed_checkpoints")[0]
              .as<int64_t>() == 0);
    CHECK(tx.exec1("SELECT count(*) FROM signed_checkpoints WHERE origin = 901")[0].as<int64_t>() == n);
}

TEST_CASE("a reorg on the origin: nothing from the dropped blocks is delivered, a re-included message is",
          "[e2e][relayer][devnet]") {
    test::Devnet net(CAUSEWAY_BIN);
    const Chain a = chain_of(net, 901);
    const Chain b = chain_of(net, 902);
    auto conn = db::Connection::open({text(net.manifest().at("postgres").at("url")), "causeway", "e2e-test"});
    const auto observed = [&](const Hash& id) {
        const auto until = std::chrono::steady_clock::now() + 30s;
        while (std::chrono::steady_clock::now() < until) {
            if (db::find_message(conn, id)) return true;
            std::this_thread::sleep_for(100ms);
        }
        return false;
    };
    // Two moves in two blocks, both seen by the relayer's watcher (one confirmation on the devnet).
    const auto kept = move(net, 901, 902, 1, 0, 1);
    REQUIRE(kept.ids.size() == 1);
    REQUIRE(observed(kept.ids[0]));
    const auto dropped = move(net, 901, 902, 1, 0, 2);
    REQUIRE(dropped.ids.size() == 1);
    REQUIRE(observed(dropped.ids[0]));
    const uint64_t first_block = json::parse(kept.out.substr(0, kept.out.find('\n')))
                                     .at("messages")
                                     .as_array()[0]
                                     .at("block")
                                     .to_number<uint64_t>();
    const uint64_t head = a.client->block_number().value();

    // Every block from the first move's on is replaced; only the first move is mined again (the
    // same call from the same state: the same message, at the same Mailbox nonce).
    Bytes data;
    REQUIRE(abi::encode_call(data, *abi::parse_function("moveMargin(uint32,uint256,bytes32)"),
                             {abi::Value(uint32_t{902}), abi::Value(u256(1'000'000'000'000'000'000ull)),
                              abi::Value(Bytes(Hash::left_padded(trader(net).view()).view()))}));
    json::object tx{{"from", to_checksum_hex(trader(net))},
                    {"to", to_checksum_hex(a.vault)},
                    {"data", to_hex(data)},
                    {"gas", "0x100000"}};
    const auto reorg = a.client->request(
        chain::RpcCall{"anvil_reorg", json::array{head - first_block + 1, json::array{json::array{tx, 0}}}});
    INFO((reorg ? std::string("ok") : reorg.error().to_string()));
    REQUIRE(reorg);
    CHECK(word_call(*a.client, a.mailbox, "dispatched(bytes32)", {abi::Value(Bytes(kept.ids[0].view()))}) ==
          u256(1));
    CHECK(word_call(*a.client, a.mailbox, "dispatched(bytes32)",
                    {abi::Value(Bytes(dropped.ids[0].view()))}) == u256(0));

    // The re-included message arrives; the dropped one does not, long after it could have.
    wait_delivered(kept.ids, b, 120s);
    const auto t = tally("901 -> 902 re-included after a reorg", kept.ids, b);
    CHECK(t.delivered == 1);
    std::this_thread::sleep_for(20s);
    const auto d = tally("901 -> 902 dropped by a reorg", dropped.ids, b);
    CHECK(d.delivered == 0);
    const auto m = db::find_message(conn, dropped.ids[0]);
    REQUIRE(m);
    CHECK(m->state == db::MessageState::kOrphaned);
}

TEST_CASE("a lying L1 endpoint in a quorum of three changes nothing", "[e2e][validator][devnet]") {
    test::Devnet net(CAUSEWAY_BIN);
    const uint32_t n = std::max<uint32_t>(2, messages_per_direction() / 2);
    const Chain b = chain_of(net, 902);
    // Another chain under the L1's id, with blocks of its own: it answers every question, wrongly.
    test::Anvil liar(test::AnvilOptions{900, 1, std::nullopt, {"--slots-in-an-epoch", "1"}});
    // Far ahead of the devnet's L1, so that its `finalized` block is always past the honest one and
    // it names a hash of its own for every block the quorum asks about (a liar behind would only
    // look unreachable).
    {
        auto liar_client = chain::HttpJsonRpcClient::create(liar.url()).value();
        (void)liar_client->request(chain::RpcCall{"anvil_mine", json::array{"0x1f4"}});  // answers null
        REQUIRE(liar_client->block_number().value() >= 500);
    }
    const std::string l1 = text(net.manifest().at("chains").as_array()[0].at("rpc"));
    const std::string l1_again = "http://localhost:" + l1.substr(l1.rfind(':') + 1);
    // Each validator asks the L1 through three endpoints (two honest) and needs two to agree.
    for (int v = 1; v <= 3; ++v) {
        const auto file = net.dir() / "config" / ("validator-" + std::to_string(v) + ".yaml");
        std::stringstream content;
        content << std::ifstream(file).rdbuf();
        std::string yaml = content.str();
        const std::string one = "rpc: \"" + l1 + "\"";
        const auto at = yaml.find(one);
        REQUIRE(at != std::string::npos);
        yaml.replace(at, one.size(), "rpc: [\"" + l1 + "\", \"" + l1_again + "\", \"" + liar.url() + "\"]");
        const std::string trust = "trust: {quorum: 1, tag: finalized}";
        const auto t = yaml.find(trust);
        REQUIRE(t != std::string::npos);
        yaml.replace(t, trust.size(), "trust: {quorum: 2, tag: finalized}");
        std::ofstream(file) << yaml;
        const auto r =
            net.cli({"devnet", "restart", "--dir", net.dir().string(), "validator-" + std::to_string(v)});
        INFO(r.out);
        REQUIRE(r.exit_code == 0);
    }
    const auto moved = move(net, 901, 902, n, 180);
    INFO(moved.out);
    CHECK(moved.exit_code == 0);
    const auto t = tally("901 -> 902 with a lying L1 endpoint in each validator's quorum", moved.ids, b);
    CHECK(t.delivered == n);
    CHECK(t.duplicated == 0);
    // Each validator named the liar.
    for (int v = 1; v <= 3; ++v) {
        std::stringstream log;
        log << std::ifstream(net.dir() / "logs" / ("validator-" + std::to_string(v) + ".log")).rdbuf();
        CHECK(log.str().find("disagrees with the quorum") != std::string::npos);
        CHECK(log.str().find(std::to_string(liar.port())) != std::string::npos);
    }
}

TEST_CASE("a stuck delivery transaction is replaced with a higher fee, and the message delivered once",
          "[e2e][relayer][devnet]") {
    test::Devnet net(CAUSEWAY_BIN);
    const Chain b = chain_of(net, 902);
    const std::string url = text(net.manifest().at("postgres").at("url"));
    // Replace after 2 s rather than the devnet's 15.
    for (int r = 1; r <= 2; ++r) {
        const auto file = net.dir() / "config" / ("relayer-" + std::to_string(r) + ".yaml");
        std::stringstream content;
        content << std::ifstream(file).rdbuf();
        std::string yaml = content.str();
        const auto at = yaml.find("replace_after_ms: 15000");
        REQUIRE(at != std::string::npos);
        yaml.replace(at, std::string("replace_after_ms: 15000").size(), "replace_after_ms: 2000");
        std::ofstream(file) << yaml;
        REQUIRE(net.cli({"devnet", "restart", "--dir", net.dir().string(), "relayer-" + std::to_string(r)})
                    .exit_code == 0);
    }
    // 902 stops mining: whatever the relayer sends there waits in the pool.
    REQUIRE(b.client->request(chain::RpcCall{"evm_setIntervalMining", json::array{0}}));
    const auto moved = move(net, 901, 902, 1, 0);
    REQUIRE(moved.ids.size() == 1);
    auto conn = db::Connection::open({url, "causeway", "e2e-test"});
    const auto attempts = [&] {
        return db::test::scalar(conn, "SELECT count(*) FROM tx_attempts WHERE chain_id = 902");
    };
    const auto until = std::chrono::steady_clock::now() + 120s;
    while (attempts() < 2 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(250ms);
    REQUIRE(attempts() >= 2);
    // Each replacement at the first attempt's nonce, each with a higher fee than the one before.
    {
        pqxx::read_transaction tx(conn.raw());
        const auto rows =
            tx.exec("SELECT nonce, max_fee_per_gas::text FROM tx_attempts WHERE chain_id = 902 ORDER BY id");
        for (std::size_t i = 1; i < rows.size(); ++i) {
            CHECK(rows[i][0].as<int64_t>() == rows[0][0].as<int64_t>());
            CHECK(parse_u256(rows[i][1].c_str()).value() > parse_u256(rows[i - 1][1].c_str()).value());
        }
    }
    REQUIRE(b.client->request(chain::RpcCall{"evm_setIntervalMining", json::array{1}}));
    wait_delivered(moved.ids, b, 60s);
    const auto t = tally("901 -> 902 with a stuck transaction replaced", moved.ids, b);
    CHECK(t.delivered == 1);
    CHECK(t.duplicated == 0);
    // One attempt mined, the others replaced, once the relayer has confirmed it.
    const auto confirmed = std::chrono::steady_clock::now() + 30s;
    while (db::test::scalar(
               conn, "SELECT count(*) FROM tx_attempts WHERE chain_id = 902 AND status = 'mined'") == 0 &&
           std::chrono::steady_clock::now() < confirmed)
        std::this_thread::sleep_for(250ms);
    CHECK(db::test::scalar(
              conn, "SELECT count(*) FROM tx_attempts WHERE chain_id = 902 AND status = 'mined'") == 1);
    CHECK(db::test::scalar(
              conn, "SELECT count(*) FROM tx_attempts WHERE chain_id = 902 AND status = 'pending'") == 0);
}

TEST_CASE(
    "a message delivered by someone else while its batch waits is confirmed from the Mailbox, not sent again",
    "[e2e][relayer][devnet]") {
    test::Devnet net(CAUSEWAY_BIN);
    const Chain b = chain_of(net, 902);
    const std::string url = text(net.manifest().at("postgres").at("url"));
    auto conn = db::Connection::open({url, "causeway", "e2e-test"});
    // 902 stops mining: the relayer's delivery waits in the pool.
    REQUIRE(b.client->request(chain::RpcCall{"evm_setIntervalMining", json::array{0}}));
    const auto moved = move(net, 901, 902, 2, 0);
    REQUIRE(moved.ids.size() == 2);
    const auto until = std::chrono::steady_clock::now() + 120s;
    std::optional<std::string> ours;
    while (!ours && std::chrono::steady_clock::now() < until) {
        pqxx::read_transaction tx(conn.raw());
        const auto rows = tx.exec(
            "SELECT '0x' || encode(tx_hash, 'hex') FROM tx_attempts WHERE chain_id = 902 ORDER BY id LIMIT "
            "1");
        if (!rows.empty()) ours = rows[0][0].as<std::string>();
        tx.commit();
        if (!ours) std::this_thread::sleep_for(250ms);
    }
    INFO("the relayer sent no delivery");
    REQUIRE(ours);

    // Someone else takes the first message out of the relayer's pending transaction (its metadata
    // is public in the pool) and delivers it alone, tipping more, so it is mined first.
    const auto pending = b.client->request(chain::RpcCall{"eth_getTransactionByHash", json::array{*ours}});
    REQUIRE(pending);
    const Bytes input = from_hex(text(pending->at("input"))).value();
    REQUIRE(input.size() > 4);
    const auto args =
        abi::decode({abi::Type::array(abi::Type::bytes()), abi::Type::array(abi::Type::bytes())},
                    ByteView(input).substr(4));
    REQUIRE(args);
    const auto* metadata = (*args)[0].get_if<std::vector<abi::Value>>();
    const auto* messages = (*args)[1].get_if<std::vector<abi::Value>>();
    REQUIRE(metadata);
    REQUIRE(messages);
    REQUIRE(!messages->empty());
    const Bytes first_message = *(*messages)[0].get_if<Bytes>();
    const Hash taken = keccak256(first_message);
    Bytes front_run;
    REQUIRE(abi::encode_call(front_run, *abi::parse_function("processBatch(bytes[],bytes[])"),
                             {abi::Value::list({(*metadata)[0]}), abi::Value::list({(*messages)[0]})}));
    std::ifstream key_file(text(net.manifest().at("keys").at("trader").at("key_file")));
    std::string key_hex;
    key_file >> key_hex;
    auto someone = chain::TransactionSender::open(*b.client, PrivateKey::from_hex(key_hex).value()).value();
    auto fees = someone.fees().value();
    fees.priority_fee = u256(100'000'000'000);
    fees.max_fee = fees.base_fee * 2 + fees.priority_fee;
    const auto tx =
        someone.prepare(chain::TxRequest{b.mailbox, u256{}, front_run, uint64_t{1'000'000}}, fees);
    REQUIRE(tx);
    const auto front_run_hash = someone.broadcast(*tx);
    REQUIRE(front_run_hash);
    REQUIRE(b.client->request(chain::RpcCall{"evm_setIntervalMining", json::array{1}}));
    // It delivered the taken message, ahead of the relayer's transaction.
    const auto front_run_receipt = someone.wait_for_receipt(*front_run_hash);
    REQUIRE(front_run_receipt);
    CHECK(front_run_receipt->status == true);
    bool took_it = false;
    for (const auto& log : front_run_receipt->logs) {
        took_it =
            took_it || (log.address == b.mailbox && log.topics.size() == 2 &&
                        log.topics[0] == abi::event_topic("ProcessId(bytes32)") && log.topics[1] == taken);
    }
    CHECK(took_it);

    wait_delivered(moved.ids, b, 60s);
    const auto t = tally("901 -> 902 with one message delivered by someone else", moved.ids, b);
    CHECK(t.delivered == 2);
    CHECK(t.duplicated == 0);
    // The relayer's transaction was mined without a revert and without an event for the taken
    // message; the relayer reads the Mailbox, records it delivered, and sends it nowhere again.
    const auto confirmed = std::chrono::steady_clock::now() + 30s;
    const auto delivered_in_queue = [&] {
        return db::test::scalar(conn, "SELECT count(*) FROM messages_history WHERE state = 'delivered'");
    };
    while (delivered_in_queue() < 2 && std::chrono::steady_clock::now() < confirmed)
        std::this_thread::sleep_for(250ms);
    CHECK(delivered_in_queue() == 2);
    CHECK(process_events(*b.client, b.mailbox).at(taken) == 1);
    CHECK(db::test::scalar(conn, "SELECT count(*) FROM tx_attempts WHERE chain_id = 902 AND '\\x" +
                                     to_hex(taken).substr(2) + "'::bytea = ANY (message_ids)") == 1);
    check_relayer_record(net);
}
