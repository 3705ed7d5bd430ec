#include <catch2/catch.hpp>

#include <map>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "light-clients/headers/ethereum_header.hpp"
#include "light-clients/headers/header_test_vectors.hpp"

using namespace causeway;
using namespace causeway::headers;
using namespace causeway::headers::testing;

namespace {

Hash filled(uint8_t b) {
    Hash h;
    h.bytes.fill(b);
    return h;
}

BlockHeader london(uint64_t number, uint64_t timestamp) {
    BlockHeader h;
    h.parent_hash = filled(1);
    h.ommers_hash = filled(2);
    h.number = number;
    h.timestamp = timestamp;
    h.gas_limit = 30'000'000;
    h.gas_used = 1'000'000;
    h.base_fee_per_gas = u256(7);
    return h;
}

}  // namespace

TEST_CASE("verify_header names the rule a header's RLP breaks", "[light-clients][headers]") {
    BlockHeader h = london(10, 100);
    const Bytes rlp = encode_header(h);
    const Hash hash = keccak256(rlp);

    const HeaderCheck ok = verify_header(rlp, hash);
    CHECK(ok.verdict == HeaderVerdict::kValid);
    REQUIRE(ok.header);
    CHECK(*ok.header == h);
    CHECK(ok.computed == hash);
    CHECK(!ok.decode_error);

    const HeaderCheck wrong = verify_header(rlp, filled(9));
    CHECK(wrong.verdict == HeaderVerdict::kHashMismatch);
    CHECK(wrong.computed == hash);

    CHECK(verify_header(rlp + Bytes{0x00}, hash).verdict == HeaderVerdict::kTrailingBytes);
    CHECK(verify_header(rlp.substr(0, rlp.size() - 1), hash).verdict == HeaderVerdict::kMalformedRlp);
    CHECK(verify_header(Bytes{}, hash).verdict == HeaderVerdict::kMalformedRlp);
    CHECK(verify_header(Bytes{0x80}, hash).verdict == HeaderVerdict::kMalformedRlp);  // a string, not a list
    CHECK(verify_header(Bytes{0xc0}, hash).verdict == HeaderVerdict::kWrongFieldCount);

    // The mapping from decoding errors covers every error.
    using E = rlp::DecodingError;
    CHECK(verdict_of(E::kTooFewElements) == HeaderVerdict::kWrongFieldCount);
    CHECK(verdict_of(E::kListLengthMismatch) == HeaderVerdict::kWrongFieldCount);
    CHECK(verdict_of(E::kUnexpectedLength) == HeaderVerdict::kWrongFieldSize);
    CHECK(verdict_of(E::kUnexpectedList) == HeaderVerdict::kWrongFieldType);
    CHECK(verdict_of(E::kLeadingZero) == HeaderVerdict::kNonCanonical);
    CHECK(verdict_of(E::kNonCanonicalSize) == HeaderVerdict::kNonCanonical);
    CHECK(verdict_of(E::kNonCanonicalSingleByte) == HeaderVerdict::kNonCanonical);
    CHECK(verdict_of(E::kOverflow) == HeaderVerdict::kFieldOverflow);
    CHECK(verdict_of(E::kInputTooLong) == HeaderVerdict::kTrailingBytes);
    CHECK(verdict_of(E::kInputTooShort) == HeaderVerdict::kMalformedRlp);
    CHECK(to_string(HeaderVerdict::kHashMismatch) == "hash mismatch");

    // A decoded header: its layout must be a fork's.
    CHECK(verify_header(h, hash) == HeaderVerdict::kValid);
    CHECK(verify_header(h, filled(9)) == HeaderVerdict::kHashMismatch);
    h.blob_gas_used = 0;  // Cancun field without withdrawalsRoot
    CHECK(verify_header(h, hash) == HeaderVerdict::kWrongFieldCount);
}

TEST_CASE("verify_link names each parent-to-child rule", "[light-clients][headers]") {
    const BlockHeader parent = london(10, 100);
    BlockHeader child = london(11, 112);
    child.parent_hash = compute_hash(parent);
    CHECK(verify_link(parent, child) == LinkVerdict::kValid);
    CHECK(verify_link(parent, compute_hash(parent), child) == LinkVerdict::kValid);

    BlockHeader c = child;
    c.parent_hash[0] ^= 1;
    CHECK(verify_link(parent, c) == LinkVerdict::kParentHashMismatch);
    c = child;
    c.number = 12;
    CHECK(verify_link(parent, c) == LinkVerdict::kNumberNotSequential);
    c.number = 10;
    CHECK(verify_link(parent, c) == LinkVerdict::kNumberNotSequential);
    c = child;
    c.timestamp = 100;
    CHECK(verify_link(parent, c) == LinkVerdict::kTimestampNotIncreasing);
    CHECK(verify_link(parent, c, LinkRules{TimestampRule::kNonDecreasing}) == LinkVerdict::kValid);
    c.timestamp = 99;
    CHECK(verify_link(parent, c, LinkRules{TimestampRule::kNonDecreasing}) ==
          LinkVerdict::kTimestampNotIncreasing);
    c = child;
    c.gas_used = c.gas_limit + 1;
    CHECK(verify_link(parent, c) == LinkVerdict::kGasUsedAboveLimit);
    c = child;
    c.base_fee_per_gas.reset();  // London parent, Frontier-layout child
    CHECK(verify_link(parent, c) == LinkVerdict::kLayoutRegressed);
    c = child;
    c.excess_blob_gas = 0;
    CHECK(verify_link(parent, c) == LinkVerdict::kUnknownLayout);
    c = child;
    c.withdrawals_root = filled(3);  // the fork boundary: a new field appears
    CHECK(verify_link(parent, c) == LinkVerdict::kValid);

    BlockHeader last = london(UINT64_MAX, 100);
    BlockHeader after = london(0, 101);
    after.parent_hash = compute_hash(last);
    CHECK(verify_link(last, after) == LinkVerdict::kNumberNotSequential);  // no wrap-around
    CHECK(to_string(LinkVerdict::kLayoutRegressed) == "layout regressed");
}

// headers/INDEX.json: every header with a hash (the RLP built from its JSON must hash to it), and
// every parent-linked consecutive pair (parentInIndex).
TEST_CASE("every indexed header verifies against its hash, and consecutive ones link",
          "[light-clients][headers][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto headers = indexed_headers();
    std::map<std::string, const IndexedHeader*> by_key;
    std::size_t with_hash = 0;
    for (const auto& h : headers) {
        INFO(h.file << " #" << h.number);
        by_key[h.file + "#" + std::to_string(h.number)] = &h;
        CHECK(h.header.number == h.number);
        REQUIRE(layout_of(h.header));
        if (!h.hash) continue;
        const Bytes rlp = encode_header(h.header);
        const HeaderCheck check = verify_header(rlp, *h.hash);
        CHECK(check.verdict == HeaderVerdict::kValid);
        REQUIRE(check.header);
        CHECK(encode_header(*check.header) == rlp);
        CHECK(verify_header(h.header, *h.hash) == HeaderVerdict::kValid);
        Hash other = *h.hash;
        other[31] ^= 1;
        CHECK(verify_header(rlp, other).verdict == HeaderVerdict::kHashMismatch);
        ++with_hash;
    }
    // Headers without their own hash: mainnet 1..5 (ethereumjs) link to each other.
    std::size_t links = 0;
    for (const auto& h : headers) {
        const IndexedHeader* parent = nullptr;
        if (!h.parent_in_index.empty()) {
            REQUIRE(by_key.contains(h.parent_in_index));
            parent = by_key.at(h.parent_in_index);
        } else {
            for (const auto& p : headers) {
                if (p.chain == h.chain && p.number + 1 == h.number) parent = &p;
            }
        }
        if (parent == nullptr) continue;
        INFO(parent->file << " #" << parent->number << " -> " << h.file << " #" << h.number);
        CHECK(verify_link(parent->header, h.header) == LinkVerdict::kValid);
        // The child's parentHash vouches for the parent's hash: the parent verifies against it.
        CHECK(verify_header(encode_header(parent->header), h.header.parent_hash).verdict ==
              HeaderVerdict::kValid);
        // The reverse order is not a link.
        CHECK(verify_link(h.header, parent->header) != LinkVerdict::kValid);
        ++links;
    }
    CHECK(with_hash >= 25);
    CHECK(links >= 7);  // 1->2->3->4->5 and three mainnet pairs
    test::report_cases("headers/INDEX.json (verify_header against hash)", with_hash);
    test::report_cases("headers/INDEX.json (parent links)", links);
}

// ethereum/tests BasicTests/genesishashestest.json, and its ethereumjs copy: the mainnet genesis
// block RLP; the header inside must hash to genesis_hash, and mainnet block 1 (ethereumjs
// blocks_mainnet.json) links to it.
TEST_CASE("the mainnet genesis header verifies and block 1 links to it",
          "[light-clients][headers][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    std::size_t n = 0;
    std::optional<BlockHeader> genesis;
    for (const auto& [file, test_key] :
         {std::pair<const char*, const char*>{"headers/mainnet/ethereum-tests/genesishashestest.json",
                                              nullptr},
          {"headers/mainnet/ethereumjs/genesisHashesTest.json", "test"}}) {
        INFO(file);
        const auto v = test::read_vector_json(file);
        const auto& t = test_key ? v.at(test_key) : v;
        const Bytes block = test::bytes_from_any_hex(test::json_string(t.at("genesis_rlp_hex")));
        const Hash hash = *hash_from_hex(test::json_string(t.at("genesis_hash")), HexPrefix::kOptional);
        ByteView in = block;
        auto body = rlp::decode_list(in);
        REQUIRE(body);
        ByteView items = *body;
        ByteView before = items;
        auto header = rlp::decode_header(items);
        REQUIRE(header);
        items.remove_prefix(header->payload_length);
        const ByteView header_rlp = before.substr(0, before.size() - items.size());
        const HeaderCheck check = verify_header(header_rlp, hash);
        CHECK(check.verdict == HeaderVerdict::kValid);
        REQUIRE(check.header);
        CHECK(check.header->number == 0);
        genesis = check.header;
        test::report_cases(file, 1);
        ++n;
    }
    REQUIRE(genesis);
    for (const auto& h : indexed_headers()) {
        if (h.chain == "ethereum-mainnet" && h.number == 1) {
            CHECK(verify_link(*genesis, h.header) == LinkVerdict::kValid);
            ++n;
        }
    }
    CHECK(n == 3);
}

// execution-apis debug_getRawHeader: the raw RLP of the hive chain's genesis and block 3, verified
// against the hashes eth_getBlockByNumber reports for them.
TEST_CASE("debug_getRawHeader results verify against eth_getBlockBy* hashes",
          "[light-clients][headers][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    std::map<uint64_t, Hash> hashes;  // number -> hash, from eth_getBlockBy*
    for (const char* folder :
         {"execution-apis-hive-chain/eth_getBlockByNumber", "execution-apis-hive-chain/eth_getBlockByHash"}) {
        for (const auto& name : io_files(folder)) {
            for (const auto& r : io_responses(name)) {
                if (!r.as_object().contains("result") || r.at("result").is_null()) continue;
                const auto h = jsonrpc::decode_header(r.at("result"), "result");
                REQUIRE(h);
                hashes[h->number] = *h->hash;
            }
        }
    }
    // Block 3's hash is block 4's parentHash in chain.rlp.
    const auto blocks = hive_blocks();
    ByteView b4 = blocks.at(3).header_rlp;
    const auto block4 = decode_header(b4);
    REQUIRE(block4);
    hashes[3] = block4->parent_hash;

    std::size_t n = 0;
    for (const auto& name : io_files("execution-apis-hive-chain/debug_getRawHeader")) {
        std::size_t in_file = 0;
        for (const auto& r : io_responses(name)) {
            if (!r.as_object().contains("result")) continue;  // the error case (bad number format)
            INFO(name);
            const Bytes rlp = test::bytes_from_any_hex(test::json_string(r.at("result")));
            ByteView v = rlp;
            const auto header = decode_header(v);
            REQUIRE(header);
            REQUIRE(hashes.contains(header->number));
            CHECK(verify_header(rlp, hashes.at(header->number)).verdict == HeaderVerdict::kValid);
            ++in_file;
        }
        if (in_file > 0) test::report_cases(name, in_file);
        n += in_file;
    }
    CHECK(n == 2);
}
