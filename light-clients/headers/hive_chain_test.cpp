// The execution-apis hive test chain (execution-apis-hive-chain/): genesis plus 54 blocks in chain.rlp,
// crossing every fork from Homestead to Osaka (forkenv.json: London at 27, the merge at 36,
// Shanghai at time 390, Cancun 420, Prague 450, Osaka 480, BPO1 510, BPO2 540).
#include <catch2/catch.hpp>

#include <map>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "light-clients/headers/ethereum_header.hpp"
#include "light-clients/headers/header_store.hpp"
#include "light-clients/headers/header_test_vectors.hpp"

using namespace causeway;
using namespace causeway::headers;
using namespace causeway::headers::testing;

namespace {

struct Hive {
    BlockHeader genesis;
    Hash genesis_hash;
    std::vector<BlockHeader> blocks;  // 1..54
    std::vector<Hash> hashes;
    std::vector<RawBlock> raw;
};

// Genesis from eth_getBlockByNumber/get-genesis.io (its hash) and debug_getRawHeader/get-genesis.io
// (its RLP); blocks from chain.rlp.
Hive load_hive() {
    Hive hive;
    const auto json = io_responses("execution-apis-hive-chain/eth_getBlockByNumber/get-genesis.io").at(0);
    const auto genesis = jsonrpc::decode_header(json.at("result"), "result");
    REQUIRE(genesis);
    REQUIRE(genesis->hash);
    hive.genesis_hash = *genesis->hash;
    const Bytes raw = test::bytes_from_any_hex(test::json_string(
        io_responses("execution-apis-hive-chain/debug_getRawHeader/get-genesis.io").at(0).at("result")));
    const HeaderCheck g = verify_header(raw, hive.genesis_hash);
    REQUIRE(g.verdict == HeaderVerdict::kValid);
    hive.genesis = *g.header;
    BlockHeader json_genesis = *genesis;
    json_genesis.hash.reset();
    CHECK(json_genesis == hive.genesis);

    hive.raw = hive_blocks();
    for (const auto& block : hive.raw) {
        ByteView in = block.header_rlp;
        auto h = decode_header(in);
        REQUIRE(h);
        REQUIRE(in.empty());
        hive.hashes.push_back(keccak256(block.header_rlp));
        hive.blocks.push_back(std::move(*h));
    }
    return hive;
}

// The layout each block must have, from the fork schedule in genesis.json/forkenv.json.
HeaderLayout expected_layout(const BlockHeader& h) {
    if (h.number < 27) return HeaderLayout::kFrontier;
    if (h.timestamp < 390) return HeaderLayout::kLondon;
    if (h.timestamp < 420) return HeaderLayout::kShanghai;
    if (h.timestamp < 450) return HeaderLayout::kCancun;
    return HeaderLayout::kPrague;  // Prague, Osaka, BPO1, BPO2
}

}  // namespace

TEST_CASE("hive chain: all 54 blocks of chain.rlp verify and link from genesis",
          "[light-clients][headers][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const Hive hive = load_hive();
    REQUIRE(hive.blocks.size() == 54);

    std::map<HeaderLayout, std::size_t> per_layout;
    std::size_t osaka = 0, uncles = 0, post_merge = 0;
    const BlockHeader* parent = &hive.genesis;
    Hash parent_hash = hive.genesis_hash;
    for (std::size_t i = 0; i < hive.blocks.size(); ++i) {
        const BlockHeader& h = hive.blocks[i];
        const RawBlock& raw = hive.raw[i];
        INFO("block " << i + 1);
        CHECK(h.number == i + 1);
        // Its hash is the one the next block's parentHash commits to (the last: eth_getBlockByNumber).
        if (i + 1 < hive.blocks.size()) {
            CHECK(verify_header(raw.header_rlp, hive.blocks[i + 1].parent_hash).verdict ==
                  HeaderVerdict::kValid);
        }
        CHECK(verify_link(*parent, parent_hash, h) == LinkVerdict::kValid);
        CHECK(verify_link(*parent, h) == LinkVerdict::kValid);
        CHECK(encode_header(h) == raw.header_rlp);
        const auto layout = layout_of(h);
        REQUIRE(layout);
        CHECK(*layout == expected_layout(h));
        ++per_layout[*layout];
        if (h.timestamp >= 480) ++osaka;
        if (h.difficulty == 0) ++post_merge;
        CHECK((h.difficulty == 0) == (h.number >= 36));  // the merge at block 36
        // The body agrees with the header: the ommers hash covers the uncle list, and withdrawals
        // appear exactly from Shanghai on.
        CHECK(h.ommers_hash == keccak256(raw.uncles_list_rlp));
        CHECK(raw.withdrawals.has_value() == h.withdrawals_root.has_value());
        for (const Bytes& uncle : raw.uncle_rlps) {
            ByteView u = uncle;
            const auto uh = decode_header(u);
            REQUIRE(uh);
            CHECK(uh->number < h.number);
            ++uncles;
        }
        parent = &h;
        parent_hash = hive.hashes[i];
    }
    CHECK(per_layout.size() == 5);  // every layout from Frontier to Prague occurs
    CHECK(osaka > 0);
    CHECK(post_merge == 54 - 35);
    test::report_cases("execution-apis-hive-chain/chain.rlp (blocks verified and linked)",
                       hive.blocks.size());
    for (const auto& [layout, n] : per_layout) {
        test::report_cases(
            "execution-apis-hive-chain/chain.rlp (" + std::string(to_string(layout)) + " layout)", n);
    }
    test::report_cases("execution-apis-hive-chain/chain.rlp (Osaka-era headers, time >= 480)", osaka);
    test::report_cases("execution-apis-hive-chain/chain.rlp (uncle headers decoded)", uncles);

    // debug_getRawBlock of block 3 is chain.rlp's third block, byte for byte.
    const auto raw_block = io_responses("execution-apis-hive-chain/debug_getRawBlock/get-block-n.io").at(0);
    CHECK(test::bytes_from_any_hex(test::json_string(raw_block.at("result"))) == hive.raw.at(2).block_rlp);
}

// Every eth_getBlockBy* response of the hive chain: its hash must be the hash of chain.rlp's block of
// that number, and its JSON fields the same header.
TEST_CASE("hive chain: eth_getBlockBy* hashes equal chain.rlp's", "[light-clients][headers][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const Hive hive = load_hive();
    std::size_t n = 0;
    for (const char* folder :
         {"execution-apis-hive-chain/eth_getBlockByNumber", "execution-apis-hive-chain/eth_getBlockByHash"}) {
        for (const auto& name : io_files(folder)) {
            std::size_t in_file = 0;
            for (const auto& r : io_responses(name)) {
                if (!r.as_object().contains("result") || r.at("result").is_null()) continue;
                INFO(name);
                auto json = jsonrpc::decode_header(r.at("result"), "result");
                REQUIRE(json);
                const Hash claimed = *json->hash;
                json->hash.reset();
                if (json->number == 0) {
                    CHECK(claimed == hive.genesis_hash);
                    CHECK(*json == hive.genesis);
                } else {
                    REQUIRE(json->number <= hive.blocks.size());
                    CHECK(claimed == hive.hashes.at(json->number - 1));
                    CHECK(*json == hive.blocks.at(json->number - 1));
                    CHECK(verify_header(hive.raw.at(json->number - 1).header_rlp, claimed).verdict ==
                          HeaderVerdict::kValid);
                }
                CHECK(verify_header(*json, claimed) == HeaderVerdict::kValid);
                ++in_file;
            }
            if (in_file > 0) test::report_cases(name, in_file);
            n += in_file;
        }
    }
    CHECK(n >= 10);
}

TEST_CASE("hive chain: the header store follows it from the genesis checkpoint",
          "[light-clients][headers][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const Hive hive = load_hive();
    for (const HeadRule rule : {HeadRule::kLongest, HeadRule::kHeaviest}) {
        INFO(to_string(rule));
        StoreOptions options;
        options.head_rule = rule;
        auto store = HeaderStore::create(hive.genesis, hive.genesis_hash, options);
        REQUIRE(store);
        for (std::size_t i = 0; i < hive.blocks.size(); ++i) {
            const InsertResult r = store->insert(hive.blocks[i]);
            CHECK(r.verdict == InsertVerdict::kAccepted);
            CHECK(r.hash == hive.hashes[i]);
            CHECK(r.new_head);
            CHECK(!r.reorg);
        }
        CHECK(store->head() == BlockRef{hive.hashes.back(), 54});
        for (std::size_t i = 0; i < hive.blocks.size(); ++i)
            CHECK(store->canonical_hash(i + 1) == hive.hashes[i]);
        CHECK(store->insert(hive.blocks[10]).verdict == InsertVerdict::kDuplicate);

        // A competing branch from block 50: four headers the real chain does not have, then a fifth
        // makes it longer than the real one (54).
        std::vector<BlockHeader> side;
        BlockHeader prev = hive.blocks[49];
        for (int k = 0; k < 5; ++k) {
            BlockHeader h = hive.blocks[50 + std::min(k, 3)];
            h.number = prev.number + 1;
            h.parent_hash = compute_hash(prev);
            h.timestamp = prev.timestamp + 12;
            h.extra_data = Bytes{0x51, 0xde};
            side.push_back(h);
            prev = h;
        }
        for (int k = 0; k < 4; ++k) {
            const InsertResult r = store->insert(side[k]);
            CHECK(r.verdict == InsertVerdict::kAccepted);
            CHECK(!r.new_head);  // as long as the real chain at best: the first seen stays
        }
        const InsertResult r = store->insert(side[4]);
        REQUIRE(r.reorg);
        CHECK(r.reorg->depth == 4);
        CHECK(r.reorg->old_head == BlockRef{hive.hashes.back(), 54});
        CHECK(r.reorg->new_head == BlockRef{compute_hash(side[4]), 55});
        CHECK(r.reorg->common_ancestor == BlockRef{hive.hashes[49], 50});

        // Finalizing block 40 by number drops genesis..39 and keeps both branches.
        const FinalizeResult mid = store->finalize(uint64_t{40});
        CHECK(mid.verdict == FinalizeVerdict::kFinalized);
        CHECK(mid.pruned == 40);
        CHECK(!mid.reorg);
        CHECK(store->finalize(uint64_t{39}).verdict == FinalizeVerdict::kBelowFinalized);
        CHECK(store->finalize(uint64_t{40}).verdict == FinalizeVerdict::kAlreadyFinalized);
        CHECK(store->finalize(uint64_t{56}).verdict == FinalizeVerdict::kAboveHead);

        // The finalized block (get-finalized.io: block 54) is on the real chain: the side branch goes,
        // and the head returns to block 54 with a reorg back.
        const auto finalized = jsonrpc::decode_header(
            io_responses("execution-apis-hive-chain/eth_getBlockByNumber/get-finalized.io")
                .at(0)
                .at("result"));
        REQUIRE(finalized);
        REQUIRE(finalized->number == 54);
        const std::size_t before = store->size();
        const FinalizeResult f = store->finalize(*finalized->hash);
        CHECK(f.verdict == FinalizeVerdict::kFinalized);
        CHECK(f.finalized == BlockRef{*finalized->hash, 54});
        REQUIRE(f.reorg);
        CHECK(f.reorg->old_head == BlockRef{compute_hash(side[4]), 55});
        CHECK(f.reorg->new_head == BlockRef{hive.hashes.back(), 54});
        CHECK(f.reorg->common_ancestor == BlockRef{hive.hashes[49], 50});
        CHECK(f.reorg->depth == 5);
        CHECK(f.pruned == 14 + 5);  // 40..53 and the side branch
        CHECK(store->size() == 1);
        CHECK(store->head() == store->finalized());
        CHECK(store->size() == before - f.pruned);
        CHECK(store->insert(hive.blocks[0]).verdict == InsertVerdict::kConflictsWithFinalized);
        test::report_cases("execution-apis-hive-chain (header store, " + std::string(to_string(rule)) +
                               " rule: inserts, finalize at #54)",
                           hive.blocks.size() + side.size());
    }
}
