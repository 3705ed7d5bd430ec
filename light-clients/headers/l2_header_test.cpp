// OP Stack and Arbitrum Nitro headers.
#include <catch2/catch.hpp>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "light-clients/headers/arbitrum_header.hpp"
#include "light-clients/headers/ethereum_header.hpp"
#include "light-clients/headers/header_test_vectors.hpp"
#include "light-clients/headers/opstack_header.hpp"

using namespace causeway;
using namespace causeway::headers;
using namespace causeway::headers::testing;

namespace {

BlockHeader header_of(const boost::json::value& v) {
    auto h = jsonrpc::decode_header(v, "header");
    if (!h) FAIL(h.error().to_string());
    return *h;
}

Hash hash_of(const boost::json::value& v) {
    auto h = jsonrpc::decode_hash(v);
    REQUIRE(h);
    return *h;
}

}  // namespace

// opstack/op_mainnet_headers_getblock_docs.json: two OP Mainnet headers after Isthmus and Jovian.
TEST_CASE("OP Mainnet headers verify, with Jovian extraData and the message-passer root",
          "[light-clients][headers][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto file = test::read_vector_json("opstack/op_mainnet_headers_getblock_docs.json");
    std::size_t n = 0;
    for (const auto& block : file.at("blocks").as_array()) {
        const BlockHeader h = header_of(unwrap(block.at("response")));
        INFO("OP Mainnet #" << h.number);
        REQUIRE(h.hash);
        CHECK(verify_header(encode_header(h), *h.hash).verdict == HeaderVerdict::kValid);
        CHECK(layout_of(h) == HeaderLayout::kPrague);
        CHECK(verify_op_header(h) == OpHeaderVerdict::kValid);
        const auto extra = decode_op_extra_data(h.extra_data);
        REQUIRE(extra);
        CHECK(extra->version == 1);
        CHECK(extra->eip1559_denominator == 250);
        CHECK(extra->eip1559_elasticity == 2);
        CHECK(extra->min_base_fee == uint64_t{0});
        CHECK(h.requests_hash == empty_requests_hash());
        CHECK(op_message_passer_root(h) == h.withdrawals_root);
        CHECK(*op_message_passer_root(h) != Hash{});
        ++n;
    }
    CHECK(n == 2);
    test::report_cases("opstack/op_mainnet_headers_getblock_docs.json", n);
}

// opstack/op-sepolia-kona/: each fixture's parent_header is an OP Sepolia header (Holocene); block
// 22884230's hash is the first fixture's expected_block_hash, and it is the second fixture's parent.
TEST_CASE("OP Sepolia headers from kona's fixtures verify and link", "[light-clients][headers][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto f230 = test::read_vector_json("opstack/op-sepolia-kona/block-22884230-fixture.json");
    const auto f231 = test::read_vector_json("opstack/op-sepolia-kona/block-22884231-fixture.json");
    const BlockHeader h229 = header_of(f230.at("parent_header"));
    const BlockHeader h230 = header_of(f231.at("parent_header"));
    CHECK(h229.number == 22884229);
    CHECK(h230.number == 22884230);
    CHECK(verify_header(encode_header(h230), hash_of(f230.at("expected_block_hash"))).verdict ==
          HeaderVerdict::kValid);
    CHECK(verify_link(h229, h230) == LinkVerdict::kValid);
    for (const BlockHeader* h : {&h229, &h230}) {
        INFO("OP Sepolia #" << h->number);
        CHECK(layout_of(*h) == HeaderLayout::kCancun);
        CHECK(verify_op_header(*h) == OpHeaderVerdict::kValid);
        const auto extra = decode_op_extra_data(h->extra_data);
        REQUIRE(extra);
        CHECK(*extra == OpExtraData{.version = 0,
                                    .eip1559_denominator = 250,
                                    .eip1559_elasticity = 6,
                                    .min_base_fee = std::nullopt});
        CHECK(!op_message_passer_root(*h));  // before Isthmus
    }
    test::report_cases("opstack/op-sepolia-kona/block-22884230-fixture.json (hash, link)", 2);
    test::report_cases("opstack/op-sepolia-kona/block-22884231-fixture.json (hash)", 1);
}

// opstack/output_root_op-node_TestOutputAtBlock.json: the header whose hash is the output root's
// blockHash (an L1 header standing in for L2 data in op-node's test).
TEST_CASE("op-node's output-root header hashes to the output's block hash",
          "[light-clients][headers][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto v = test::read_vector_json("opstack/output_root_op-node_TestOutputAtBlock.json");
    const BlockHeader h = header_of(v.at("header"));
    const Hash block_hash = hash_of(v.at("expectedOutput").at("blockRef.hash"));
    CHECK(verify_header(encode_header(h), block_hash).verdict == HeaderVerdict::kValid);
    CHECK(h.state_root == hash_of(v.at("expectedOutput").at("stateRoot")));
    // OutputV0: keccak256(version ++ stateRoot ++ messagePasserStorageRoot ++ blockHash).
    Bytes preimage(32, 0);
    preimage += h.state_root.view();
    preimage += hash_of(v.at("expectedOutput").at("withdrawalStorageRoot")).view();
    preimage += block_hash.view();
    CHECK(keccak256(preimage) == hash_of(v.at("expectedOutput").at("outputRoot")));
    test::report_cases("opstack/output_root_op-node_TestOutputAtBlock.json (header)", 1);
}

TEST_CASE("OP Stack header rules", "[light-clients][headers]") {
    BlockHeader h;
    h.ommers_hash = empty_ommers_hash();
    h.base_fee_per_gas = u256(1);
    CHECK(verify_op_header(h) == OpHeaderVerdict::kValid);  // pre-Holocene: empty extraData
    CHECK(keccak256(Bytes{0xc0}) == empty_ommers_hash());

    BlockHeader bad = h;
    bad.difficulty = 1;
    CHECK(verify_op_header(bad) == OpHeaderVerdict::kNonZeroDifficulty);
    bad = h;
    bad.nonce[7] = 1;
    CHECK(verify_op_header(bad) == OpHeaderVerdict::kNonZeroNonce);
    bad = h;
    bad.ommers_hash[0] ^= 1;
    CHECK(verify_op_header(bad) == OpHeaderVerdict::kOmmersNotEmpty);
    bad = h;
    bad.extra_data = Bytes{0x02, 0, 0, 0, 250, 0, 0, 0, 6};
    CHECK(verify_op_header(bad) == OpHeaderVerdict::kExtraDataUnknownVersion);
    bad.extra_data = Bytes{0x00, 0, 0, 0, 250, 0, 0, 0, 6, 0};
    CHECK(verify_op_header(bad) == OpHeaderVerdict::kExtraDataWrongLength);
    bad.extra_data = Bytes{0x01, 0, 0, 0, 250, 0, 0, 0, 6};  // Jovian needs the min base fee
    CHECK(verify_op_header(bad) == OpHeaderVerdict::kExtraDataWrongLength);
    bad = h;
    bad.withdrawals_root = Hash{};
    bad.blob_gas_used = 0;
    bad.excess_blob_gas = 0;
    bad.parent_beacon_block_root = Hash{};
    bad.requests_hash = keccak256(Bytes{});
    CHECK(verify_op_header(bad) == OpHeaderVerdict::kRequestsHashNotEmpty);
    CHECK(!decode_op_extra_data(Bytes{}));
    const auto jovian =
        decode_op_extra_data(Bytes{1, 0, 0, 0, 250, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0x0f, 0x42, 0x40});
    REQUIRE(jovian);
    CHECK(jovian->min_base_fee == uint64_t{1'000'000});
    CHECK(to_string(OpHeaderVerdict::kOmmersNotEmpty) == "ommers not empty");
}

// arbitrum/arbitrum_one_headers.json: three Arbitrum One headers with the RPC's sendRoot, sendCount
// and l1BlockNumber fields beside them.
TEST_CASE("Arbitrum One headers verify, and their send root and counts come from the hashed fields",
          "[light-clients][headers][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto file = test::read_vector_json("arbitrum/arbitrum_one_headers.json");
    std::size_t n = 0;
    for (const auto& block : file.at("blocks").as_array()) {
        const auto& json = block.at("response").at("result");  // the sentio one is not wrapped in full
        const BlockHeader h = header_of(json);
        INFO("Arbitrum One #" << h.number);
        REQUIRE(h.hash);
        CHECK(verify_header(encode_header(h), *h.hash).verdict == HeaderVerdict::kValid);
        CHECK(layout_of(h) == HeaderLayout::kLondon);
        const auto info = arbitrum_header_info(h);
        REQUIRE(info);
        ArbitrumClaims claims;
        claims.send_root = hash_of(json.at("sendRoot"));
        claims.send_count = *jsonrpc::decode_u64(json.at("sendCount"));
        claims.l1_block_number = *jsonrpc::decode_u64(json.at("l1BlockNumber"));
        CHECK(info->send_root == *claims.send_root);
        CHECK(info->send_count == *claims.send_count);
        CHECK(info->l1_block_number == *claims.l1_block_number);
        CHECK(info->arbos_version >= 10);
        CHECK(verify_arbitrum_claims(h, claims) == ArbitrumVerdict::kValid);

        // Each wrong claim is named.
        ArbitrumClaims wrong = claims;
        (*wrong.send_root)[0] ^= 1;
        CHECK(verify_arbitrum_claims(h, wrong) == ArbitrumVerdict::kSendRootMismatch);
        wrong = claims;
        *wrong.send_count += 1;
        CHECK(verify_arbitrum_claims(h, wrong) == ArbitrumVerdict::kSendCountMismatch);
        wrong = claims;
        *wrong.l1_block_number -= 1;
        CHECK(verify_arbitrum_claims(h, wrong) == ArbitrumVerdict::kL1BlockNumberMismatch);
        // A header whose extraData is not a send root: refused, and its hash no longer matches.
        BlockHeader cut = h;
        cut.extra_data.pop_back();
        CHECK(arbitrum_header_info(cut).error() == ArbitrumVerdict::kExtraDataNotSendRoot);
        CHECK(verify_arbitrum_claims(cut, claims) == ArbitrumVerdict::kExtraDataNotSendRoot);
        CHECK(verify_header(encode_header(cut), *h.hash).verdict == HeaderVerdict::kHashMismatch);
        ++n;
    }
    CHECK(n == 3);
    test::report_cases("arbitrum/arbitrum_one_headers.json", n);
    CHECK(to_string(ArbitrumVerdict::kSendCountMismatch) == "send count mismatch");
}

TEST_CASE("Arbitrum blocks may share a timestamp", "[light-clients][headers]") {
    BlockHeader parent;
    parent.number = 100;
    parent.timestamp = 1'700'000'000;
    parent.gas_limit = 1'125'899'906'842'624;
    parent.base_fee_per_gas = u256(100'000'000);
    parent.extra_data = Bytes(32, 0xab);
    BlockHeader child = parent;
    child.number = 101;
    child.parent_hash = compute_hash(parent);
    const LinkRules arbitrum{TimestampRule::kNonDecreasing};
    CHECK(verify_link(parent, child, arbitrum) == LinkVerdict::kValid);
    CHECK(verify_link(parent, child) == LinkVerdict::kTimestampNotIncreasing);
}
