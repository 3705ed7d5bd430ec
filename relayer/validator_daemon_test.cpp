// The validator daemon on the devnet, through the causeway executable: a margin move is verified by
// the OP Stack light client once its output is final, signed at its index over the Mailbox's own
// tree, and served over HTTP.
#include <httplib.h>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <thread>

#include "chain/json_rpc_client.hpp"
#include "core/abi.hpp"
#include "core/hex.hpp"
#include "light-clients/committee/checkpoint.hpp"
#include "tests/support/devnet.hpp"

using namespace causeway;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

std::string text(const json::value& v) {
    return std::string(v.as_string());
}

std::string quoted(const std::string& s) {
    return "\"" + s + "\"";
}

// A validator's file for the devnet's chains (one L1 endpoint, trusted at its latest block: the
// devnet's anvil does not move `finalized`).
std::string validator_yaml(const json::object& manifest, const std::string& key_file, int port) {
    std::ostringstream y;
    y << "key_file: " << quoted(key_file) << "\ndatabase: " << quoted(text(manifest.at("postgres").at("url")))
      << "\nschema: validator_test\nlisten: \"127.0.0.1:" << port
      << "\"\ntrust: {quorum: 1, tag: latest, refresh_ms: 200}\nchains:\n";
    for (const auto& c : manifest.at("chains").as_array()) {
        const auto& o = c.as_object();
        y << "  - name: " << text(o.at("name"))
          << "\n    chain_id: " << o.at("chain_id").to_number<uint64_t>()
          << "\n    rpc: " << quoted(text(o.at("rpc"))) << "\n    poll_interval_ms: 200\n";
        if (!o.contains("contracts")) {
            y << "    family: l1\n";
            continue;
        }
        if (o.contains("zk_rollup")) {
            y << "    family: zk\n    zk_rollup: " << quoted(text(o.at("zk_rollup")))
              << "\n    finalized_state_roots_slot: "
              << o.at("finalized_state_roots_slot").to_number<uint64_t>();
        } else {
            y << "    family: opstack\n    output_oracle: " << quoted(text(o.at("output_oracle")))
              << "\n    finalization_period_seconds: "
              << o.at("finalization_period_seconds").to_number<uint64_t>();
        }
        y << "\n    contracts:\n      mailbox: " << quoted(text(o.at("contracts").at("mailbox")))
          << "\n      mailbox_dispatched_slot: "
          << o.at("contracts").at("mailbox_dispatched_slot").to_number<uint64_t>() << "\n";
    }
    return y.str();
}

// The checkpoint at `path` once the validator serves it, asking every 100 ms for 20 s.
std::optional<json::object> served(httplib::Client& api, const std::string& path) {
    for (int i = 0; i < 200; ++i) {
        if (const auto r = api.Get(path); r && r->status == 200) return json::parse(r->body).as_object();
        std::this_thread::sleep_for(100ms);
    }
    return std::nullopt;
}

}  // namespace

TEST_CASE(
    "the validator daemon signs devnet margin moves once final (OP window, ZK batch) and serves the "
    "checkpoints",
    "[relayer][validator][devnet]") {
    const test::Devnet devnet(CAUSEWAY_BIN);
    const auto& manifest = devnet.manifest();
    const auto& chains = manifest.at("chains").as_array();
    const auto& keys = manifest.at("keys").as_object();
    const int port = test::free_loopback_port();
    const auto& tmp = devnet.scratch();
    const auto config = tmp.write(
        "validator.yaml", validator_yaml(manifest, text(keys.at("validator-1").at("key_file")), port));
    const auto log_file = tmp.path() / "validator.log";
    test::ChildProcess validator({CAUSEWAY_BIN, "validator", "--config", config.string()},
                                 os::SpawnOptions{log_file, os::LogMode::kTruncate});
    httplib::Client api("127.0.0.1", port);
    const auto log_text = [&] {
        std::ifstream f(log_file);
        std::stringstream s;
        s << f.rdbuf();
        return s.str();
    };
    bool ready = false;
    for (int i = 0; i < 100 && !ready; ++i) {
        const auto r = api.Get("/readyz");
        ready = r && r->status == 200;
        if (!ready) std::this_thread::sleep_for(100ms);
    }
    INFO(log_text());
    REQUIRE(ready);

    const Hash id = devnet.move_margin(7).id;

    // Inside the window nothing is signed; L1 time moved past it, the checkpoint comes.
    auto l1 = chain::HttpJsonRpcClient::create(text(chains[0].at("rpc"))).value();
    std::this_thread::sleep_for(3s);  // the proposer posts an output covering the block
    CHECK(api.Get("/checkpoints/901/0")->status == 404);
    const uint64_t window = chains[1].at("finalization_period_seconds").to_number<uint64_t>();
    REQUIRE(l1->request(chain::RpcCall{"evm_increaseTime", json::array{window + 2}}));
    REQUIRE(l1->request(chain::RpcCall{"evm_mine", {}}));
    const auto checkpoint = served(api, "/checkpoints/901/0");
    INFO(log_text());
    REQUIRE(checkpoint);
    CHECK(text(checkpoint->at("message_id")) == to_hex(id));
    CHECK(checkpoint->at("index") == 0);
    // The root is the origin Mailbox's own tree root.
    auto l2 = chain::HttpJsonRpcClient::create(text(chains[1].at("rpc"))).value();
    jsonrpc::CallRequest root_call;
    root_call.to = address_from_hex(text(chains[1].at("contracts").at("mailbox"))).value();
    const auto selector = abi::function_selector("root()");
    root_call.data = Bytes(selector.view());
    const auto root = l2->call(root_call).value();
    CHECK(text(checkpoint->at("root")) == to_hex(ByteView(root)));
    // Signed by validator-1 over Hyperlane's checkpoint digest.
    const committee::Checkpoint signed_over{901,
                                            hash_from_hex(text(checkpoint->at("merkle_tree_hook"))).value(),
                                            hash_from_hex(text(checkpoint->at("root"))).value(), 0, id};
    const auto sig = committee::from_rsv(from_hex(text(checkpoint->at("signature"))).value()).value();
    CHECK(to_checksum_hex(recover_address(committee::digest(signed_over), sig).value()) ==
          text(keys.at("validator-1").at("address")));
    CHECK(json::parse(api.Get("/checkpoints/901/latest")->body).at("index") == 0);
    // Its metrics say so too.
    const auto metrics = api.Get("/metrics");
    REQUIRE(metrics);
    CHECK(metrics->body.find("causeway_checkpoint_index{origin=\"901\",validator=\"" +
                             text(keys.at("validator-1").at("address")) + "\"} 0") != std::string::npos);

    // 902 is ZK style: its message is signed as soon as a finalized batch covers its block, with
    // no window (L1 time is not moved for it).
    const Hash back = devnet.move_margin(3, 902, 901).id;
    const auto zk_checkpoint = served(api, "/checkpoints/902/0");
    INFO(log_text());
    REQUIRE(zk_checkpoint);
    CHECK(text(zk_checkpoint->at("message_id")) == to_hex(back));
    auto l2b = chain::HttpJsonRpcClient::create(text(chains[2].at("rpc"))).value();
    root_call.to = address_from_hex(text(chains[2].at("contracts").at("mailbox"))).value();
    CHECK(text(zk_checkpoint->at("root")) == to_hex(ByteView(l2b->call(root_call).value())));

    validator.stop();
    CHECK(log_text().find("validator stopped") != std::string::npos);
}
