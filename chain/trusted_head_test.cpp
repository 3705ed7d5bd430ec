// Trusted heads from a quorum of endpoints, on real anvil chains: two endpoints of one chain
// against one of another chain (a liar whose headers are self-consistent), lagging, forging and
// unreachable endpoints, and the tracker that keeps the newest head.
#include "chain/trusted_head.hpp"

#include <catch2/catch.hpp>
#include <functional>

#include "chain/json_rpc_client.hpp"
#include "core/hex.hpp"
#include "tests/support/anvil.hpp"

using namespace causeway;
using namespace causeway::chain;
namespace json = boost::json;

namespace {

// Forwards to another client, optionally rewriting the call or the result on the way.
class Rewriting final : public ChainClient {
  public:
    Rewriting(ChainClient& target, std::string name) : target_(target), name_(std::move(name)) {}
    std::function<void(RpcCall&)> on_call;
    std::function<void(json::value&)> on_result;

    RpcResult<json::value> request(const RpcCall& call) override {
        RpcCall c = call;
        if (on_call) on_call(c);
        auto r = target_.request(c);
        if (r && on_result) on_result(*r);
        return r;
    }
    std::vector<RpcResult<json::value>> request_batch(std::span<const RpcCall> calls) override {
        std::vector<RpcResult<json::value>> out;
        for (const auto& c : calls) out.push_back(request(c));
        return out;
    }
    std::string endpoint() const override { return name_; }

  private:
    ChainClient& target_;
    std::string name_;
};

class Unreachable final : public ChainClient {
  public:
    RpcResult<json::value> request(const RpcCall&) override {
        return std::unexpected(
            RpcError::transport_error(RpcError::Transport::kConnect, "connection refused"));
    }
    std::vector<RpcResult<json::value>> request_batch(std::span<const RpcCall> calls) override {
        return std::vector<RpcResult<json::value>>(calls.size(), request(RpcCall{}));
    }
    std::string endpoint() const override { return "down"; }
};

// An anvil whose finalized block trails its head by two (one slot per epoch), with `blocks` mined.
struct Chain {
    // Anvils started alike make the same blocks; another genesis time makes another chain.
    explicit Chain(uint64_t blocks, std::optional<uint64_t> genesis_time = std::nullopt)
        : anvil(options(genesis_time)) {
        auto created = HttpJsonRpcClient::create(anvil.url());
        REQUIRE(created);
        client = std::move(*created);
        for (uint64_t i = 0; i < blocks; ++i) REQUIRE(client->request(RpcCall{"evm_mine", {}}));
    }
    static test::AnvilOptions options(std::optional<uint64_t> genesis_time) {
        test::AnvilOptions o;
        o.extra_args = {"--slots-in-an-epoch", "1"};
        if (genesis_time)
            o.extra_args.insert(o.extra_args.end(), {"--timestamp", std::to_string(*genesis_time)});
        return o;
    }
    Hash hash_at(uint64_t n) {
        const auto header = client->header_by_number(BlockId::number(n));
        REQUIRE(header);
        REQUIRE(*header);
        return jsonrpc::compute_hash(**header);
    }
    test::Anvil anvil;
    std::unique_ptr<HttpJsonRpcClient> client;
};

QuorumResult ask(std::vector<ChainClient*> endpoints, std::size_t quorum) {
    QuorumSettings settings;
    settings.quorum = quorum;
    return quorum_head(endpoints, settings);
}

}  // namespace

TEST_CASE("a quorum of endpoints sets the trusted head, a lone liar is named and outvoted",
          "[chain][trusted-head][anvil]") {
    CAUSEWAY_REQUIRE_ANVIL();
    Chain honest(10);
    Chain other(10, 1'000'000);  // another chain: its own genesis, so every block hash differs
    Rewriting first(*honest.client, "honest-1");
    Rewriting second(*honest.client, "honest-2");
    Rewriting liar(*other.client, "liar");
    const uint64_t finalized = 8;  // head 10, one slot per epoch
    REQUIRE(honest.hash_at(finalized) != other.hash_at(finalized));

    const auto agreed = ask({&first, &liar, &second}, 2);
    REQUIRE(agreed.verdict == QuorumVerdict::kAgreed);
    REQUIRE(agreed.head);
    CHECK(agreed.head->number == finalized);
    CHECK(agreed.head->hash == honest.hash_at(finalized));
    CHECK(agreed.head->source == "quorum of 2 of 3 endpoints on the finalized block");
    CHECK(agreed.disagreeing == std::vector<std::string>{"liar"});
    CHECK(agreed.reports[1].problem.find("disagrees with the quorum on block 8") != std::string::npos);

    // The liar and one honest endpoint: no quorum, nothing trusted.
    const auto split = ask({&first, &liar}, 2);
    CHECK(split.verdict == QuorumVerdict::kNoQuorum);
    CHECK_FALSE(split.head);
    // All three must agree: the liar blocks it.
    CHECK(ask({&first, &liar, &second}, 3).verdict == QuorumVerdict::kNoQuorum);
    // More quorum than endpoints is a configuration error.
    CHECK(ask({&first}, 2).verdict == QuorumVerdict::kTooFewEndpoints);
    CHECK(ask({&first}, 0).verdict == QuorumVerdict::kTooFewEndpoints);
}

TEST_CASE("a lagging endpoint votes at the number a quorum has reached", "[chain][trusted-head][anvil]") {
    CAUSEWAY_REQUIRE_ANVIL();
    Chain chain(12);
    Rewriting first(*chain.client, "a");
    Rewriting second(*chain.client, "b");
    Rewriting lagging(*chain.client, "lagging");
    // Its finalized block is three behind the others'.
    lagging.on_call = [](RpcCall& c) {
        if (c.method == "eth_getBlockByNumber" && c.params.at(0) == "finalized") c.params.at(0) = "0x7";
    };
    const auto two = ask({&first, &lagging, &second}, 2);
    REQUIRE(two.verdict == QuorumVerdict::kAgreed);
    CHECK(two.head->number == 10);
    CHECK(two.reports[1].tagged == 7u);
    CHECK_FALSE(two.reports[1].hash);  // behind the candidate: not asked
    CHECK(two.disagreeing.empty());

    // All three needed: the candidate is the laggard's block, and the others agree on it.
    const auto three = ask({&first, &lagging, &second}, 3);
    REQUIRE(three.verdict == QuorumVerdict::kAgreed);
    CHECK(three.head->number == 7);
    CHECK(three.head->hash == chain.hash_at(7));
}

TEST_CASE("a forged header and an unreachable endpoint are problems, not votes",
          "[chain][trusted-head][anvil]") {
    CAUSEWAY_REQUIRE_ANVIL();
    Chain chain(6);
    Rewriting first(*chain.client, "a");
    Rewriting forger(*chain.client, "forger");
    Unreachable down;
    // Claims the real hash for a header with another state root.
    forger.on_result = [](json::value& v) {
        if (v.is_object() && v.as_object().contains("stateRoot")) v.as_object()["stateRoot"] = to_hex(Hash{});
    };
    const auto r = ask({&first, &forger, &down}, 2);
    CHECK(r.verdict == QuorumVerdict::kNoQuorum);
    CHECK(r.reports[1].problem.find("claims hash") != std::string::npos);
    CHECK_FALSE(r.reports[1].hash);
    CHECK(r.reports[2].problem.find("connection refused") != std::string::npos);
    CHECK_FALSE(r.reports[2].tagged);

    Rewriting second(*chain.client, "b");
    const auto ok = ask({&first, &forger, &down, &second}, 2);
    REQUIRE(ok.verdict == QuorumVerdict::kAgreed);
    CHECK(ok.head->hash == chain.hash_at(4));
}

TEST_CASE("the tracker starts at the checkpoint, moves forward on a quorum, refuses a conflict",
          "[chain][trusted-head]") {
    const auto hash_of = [](uint8_t byte) {
        Hash h;
        h[31] = byte;
        return h;
    };
    const TrustedHead checkpoint{100, hash_of(1), "checkpoint"};
    TrustedHeadTracker tracker(checkpoint);
    CHECK(tracker.head() == checkpoint);

    const auto agreed = [&](uint64_t number, uint8_t byte) {
        QuorumResult r;
        r.verdict = QuorumVerdict::kAgreed;
        r.head = TrustedHead{number, hash_of(byte), "quorum"};
        return r;
    };
    CHECK(tracker.update(QuorumResult{}) == TrustedHeadTracker::Update::kNoQuorum);
    CHECK(tracker.update(agreed(99, 9)) == TrustedHeadTracker::Update::kUnchanged);  // never backwards
    CHECK(tracker.head()->number == 100);
    CHECK(tracker.update(agreed(100, 2)) == TrustedHeadTracker::Update::kConflict);  // another hash for 100
    CHECK(tracker.head() == checkpoint);
    CHECK(tracker.update(agreed(100, 1)) == TrustedHeadTracker::Update::kUnchanged);
    CHECK(tracker.update(agreed(105, 5)) == TrustedHeadTracker::Update::kAdvanced);
    CHECK(tracker.head()->number == 105);
    CHECK(to_string(TrustedHeadTracker::Update::kConflict) == "conflict");

    TrustedHeadTracker empty;
    CHECK_FALSE(empty.head());
    CHECK(empty.update(agreed(1, 1)) == TrustedHeadTracker::Update::kAdvanced);
}
