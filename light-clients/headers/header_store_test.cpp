// The header store on synthetic header trees (headers built and hashed here).
#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <set>

#include "light-clients/headers/header_store.hpp"

using namespace causeway;
using namespace causeway::headers;

namespace {

BlockHeader genesis() {
    BlockHeader h;
    h.number = 1000;
    h.timestamp = 1'700'000'000;
    h.gas_limit = 30'000'000;
    h.base_fee_per_gas = u256(1'000'000'000);
    h.extra_data = Bytes{'g'};
    return h;
}

// A child of `parent`; `branch` goes into extraData so that siblings differ.
BlockHeader child(const BlockHeader& parent, uint8_t branch = 0, u256 difficulty = 0) {
    BlockHeader h = parent;
    h.parent_hash = compute_hash(parent);
    h.number = parent.number + 1;
    h.timestamp = parent.timestamp + 12;
    h.extra_data = Bytes{branch};
    h.difficulty = difficulty;
    h.hash.reset();
    return h;
}

std::vector<BlockHeader> extend(const BlockHeader& from, std::size_t n, uint8_t branch = 0,
                                u256 difficulty = 0) {
    std::vector<BlockHeader> out;
    const BlockHeader* p = &from;
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(child(*p, branch, difficulty));
        p = &out.back();
    }
    return out;
}

BlockRef ref(const BlockHeader& h) {
    return BlockRef{compute_hash(h), h.number};
}

StoreOptions with_rule(HeadRule rule) {
    StoreOptions o;
    o.head_rule = rule;
    return o;
}

StoreOptions with_max(std::size_t max_headers) {
    StoreOptions o;
    o.max_headers = max_headers;
    return o;
}

HeaderStore make_store(StoreOptions options = {}) {
    const BlockHeader g = genesis();
    auto store = HeaderStore::create(g, compute_hash(g), options);
    REQUIRE(store);
    return std::move(*store);
}

}  // namespace

TEST_CASE("the checkpoint must hash to the trusted hash", "[light-clients][headers][store]") {
    BlockHeader g = genesis();
    Hash wrong = compute_hash(g);
    wrong[0] ^= 1;
    CHECK(HeaderStore::create(g, wrong).error() == HeaderVerdict::kHashMismatch);
    g.requests_hash = Hash{};  // a field set no fork has
    CHECK(HeaderStore::create(g, compute_hash(g)).error() == HeaderVerdict::kWrongFieldCount);
    const HeaderStore store = make_store();
    CHECK(store.head() == ref(genesis()));
    CHECK(store.finalized() == ref(genesis()));
    CHECK(store.size() == 1);
    CHECK(store.find(compute_hash(genesis()))->hash == compute_hash(genesis()));
}

TEST_CASE("a linear chain extends the head without reorgs", "[light-clients][headers][store]") {
    HeaderStore store = make_store();
    const auto chain = extend(genesis(), 20);
    for (const auto& h : chain) {
        const InsertResult r = store.insert(h);
        CHECK(r.verdict == InsertVerdict::kAccepted);
        CHECK(r.hash == compute_hash(h));
        CHECK(r.new_head);
        CHECK(!r.reorg);
        CHECK(store.head() == ref(h));
    }
    for (const auto& h : chain) {
        CHECK(store.canonical_hash(h.number) == compute_hash(h));
        CHECK(store.is_canonical(compute_hash(h)));
    }
    CHECK(!store.canonical_hash(999));
    CHECK(!store.canonical_hash(1021));
    CHECK(store.tips() == std::vector<BlockRef>{ref(chain.back())});
}

TEST_CASE("insert names why a header is refused", "[light-clients][headers][store]") {
    HeaderStore store = make_store(with_max(6));
    const auto chain = extend(genesis(), 6);
    for (int i = 0; i < 3; ++i) REQUIRE(store.insert(chain[i]).verdict == InsertVerdict::kAccepted);

    CHECK(store.insert(chain[1]).verdict == InsertVerdict::kDuplicate);
    CHECK(store.insert(genesis()).verdict == InsertVerdict::kDuplicate);
    CHECK(store.insert(chain[4]).verdict == InsertVerdict::kUnknownParent);  // its parent not seen yet

    BlockHeader bad = child(chain[2]);
    bad.number += 1;
    InsertResult r = store.insert(bad);
    CHECK(r.verdict == InsertVerdict::kBadLink);
    CHECK(r.link == LinkVerdict::kNumberNotSequential);
    bad = child(chain[2]);
    bad.timestamp = chain[2].timestamp;
    r = store.insert(bad);
    CHECK(r.verdict == InsertVerdict::kBadLink);
    CHECK(r.link == LinkVerdict::kTimestampNotIncreasing);
    bad = child(chain[2]);
    bad.gas_used = bad.gas_limit + 1;
    CHECK(store.insert(bad).link == LinkVerdict::kGasUsedAboveLimit);
    bad = child(chain[2]);
    bad.base_fee_per_gas.reset();
    CHECK(store.insert(bad).link == LinkVerdict::kLayoutRegressed);
    CHECK(store.size() == 4);

    // Below or at the checkpoint: cannot descend from it.
    BlockHeader old = genesis();
    old.number = 999;
    CHECK(store.insert(old).verdict == InsertVerdict::kConflictsWithFinalized);
    BlockHeader sibling = genesis();
    sibling.extra_data = Bytes{'s'};
    CHECK(store.insert(sibling).verdict == InsertVerdict::kConflictsWithFinalized);

    // Full at 6 headers, until finality makes room.
    REQUIRE(store.insert(chain[3]).verdict == InsertVerdict::kAccepted);
    REQUIRE(store.insert(chain[4]).verdict == InsertVerdict::kAccepted);
    CHECK(store.insert(chain[5]).verdict == InsertVerdict::kStoreFull);
    CHECK(store.finalize(chain[2].number).pruned == 3);
    CHECK(store.insert(chain[5]).verdict == InsertVerdict::kAccepted);
    CHECK(to_string(InsertVerdict::kStoreFull) == "store full");
}

TEST_CASE("a longer branch reorgs the head, an equal one does not", "[light-clients][headers][store]") {
    HeaderStore store = make_store();
    const auto main = extend(genesis(), 10);  // 1001..1010
    for (const auto& h : main) REQUIRE(store.insert(h).verdict == InsertVerdict::kAccepted);
    const auto side = extend(main[5], 6, 0xb);  // 1007..1012, forking after 1006

    // 1007..1010 on the side branch: as long as the head at most, so the first seen stays.
    for (int i = 0; i < 4; ++i) {
        const InsertResult r = store.insert(side[i]);
        CHECK(r.verdict == InsertVerdict::kAccepted);
        CHECK(!r.new_head);
        CHECK(!r.reorg);
    }
    CHECK(store.head() == ref(main.back()));
    CHECK(store.tips().size() == 2);
    CHECK(!store.is_canonical(compute_hash(side[0])));

    const InsertResult r = store.insert(side[4]);  // 1011: longer
    CHECK(r.new_head);
    REQUIRE(r.reorg);
    CHECK(*r.reorg == Reorg{.depth = 4,
                            .old_head = ref(main.back()),
                            .new_head = ref(side[4]),
                            .common_ancestor = ref(main[5])});
    for (const auto& h : side) {
        if (h.number <= 1011) CHECK(store.canonical_hash(h.number) == compute_hash(h));
    }
    CHECK(store.canonical_hash(1006) == compute_hash(main[5]));
    CHECK(!store.is_canonical(compute_hash(main[6])));

    // Extending the new head is no reorg.
    const InsertResult next = store.insert(side[5]);
    CHECK(next.new_head);
    CHECK(!next.reorg);

    // The old branch grows back ahead: a reorg the other way, depth 6 (1007..1012 of the side).
    const auto back = extend(main.back(), 3, 0xa);  // 1011..1013
    CHECK(!store.insert(back[0]).new_head);
    CHECK(!store.insert(back[1]).new_head);
    const InsertResult again = store.insert(back[2]);
    REQUIRE(again.reorg);
    CHECK(again.reorg->depth == 6);
    CHECK(again.reorg->common_ancestor == ref(main[5]));
    CHECK(again.reorg->old_head == ref(side[5]));
    CHECK(again.reorg->new_head == ref(back[2]));
}

TEST_CASE("the heaviest rule weighs total difficulty before length", "[light-clients][headers][store]") {
    HeaderStore store = make_store(with_rule(HeadRule::kHeaviest));
    const auto light = extend(genesis(), 5, 1, 100);  // weight 500, length 5
    const auto heavy = extend(genesis(), 3, 2, 200);  // weight 600, length 3
    for (const auto& h : light) REQUIRE(store.insert(h).verdict == InsertVerdict::kAccepted);
    CHECK(!store.insert(heavy[0]).new_head);
    CHECK(!store.insert(heavy[1]).new_head);
    const InsertResult r = store.insert(heavy[2]);
    REQUIRE(r.reorg);
    CHECK(r.reorg->depth == 5);
    CHECK(r.reorg->common_ancestor == ref(genesis()));
    CHECK(store.head() == ref(heavy[2]));
    // After the merge (difficulty 0), length decides between equal weights.
    const auto merged = extend(heavy[2], 2, 3, 0);
    CHECK(store.insert(merged[0]).new_head);
    CHECK(store.insert(merged[1]).new_head);

    // The same headers under the longest rule keep the longer light branch.
    HeaderStore longest = make_store();
    for (const auto& h : light) REQUIRE(longest.insert(h).verdict == InsertVerdict::kAccepted);
    for (const auto& h : heavy) CHECK(!longest.insert(h).new_head);
    CHECK(longest.head() == ref(light.back()));
    CHECK(to_string(HeadRule::kHeaviest) == "heaviest");
}

TEST_CASE("finalize prunes conflicting branches and everything below", "[light-clients][headers][store]") {
    HeaderStore store = make_store();
    const auto main = extend(genesis(), 10);    // 1001..1010
    const auto side = extend(main[3], 3, 0xb);  // 1005..1007
    const auto late = extend(main[7], 2, 0xc);  // 1009..1010
    for (const auto* branch : {&main, &side, &late}) {
        for (const auto& h : *branch) REQUIRE(store.insert(h).verdict == InsertVerdict::kAccepted);
    }
    CHECK(store.size() == 16);
    CHECK(store.finalize(uint64_t{999}).verdict == FinalizeVerdict::kBelowFinalized);
    CHECK(store.finalize(uint64_t{1011}).verdict == FinalizeVerdict::kAboveHead);
    CHECK(store.finalize(uint64_t{1000}).verdict == FinalizeVerdict::kAlreadyFinalized);
    CHECK(store.finalize(Hash{}).verdict == FinalizeVerdict::kUnknownHeader);

    // 1006 on the canonical branch: genesis..1005 and the side branch (forked at 1004) go.
    FinalizeResult f = store.finalize(uint64_t{1006});
    CHECK(f.verdict == FinalizeVerdict::kFinalized);
    CHECK(f.finalized == ref(main[5]));
    CHECK(f.pruned == 6 + 3);
    CHECK(!f.reorg);
    CHECK(store.size() == 7);
    CHECK(store.head() == ref(main.back()));
    CHECK(!store.contains(compute_hash(side[0])));
    CHECK(store.find(compute_hash(main[4])) == nullptr);
    CHECK(store.canonical_hash(1006) == compute_hash(main[5]));
    CHECK(!store.canonical_hash(1005));
    // What was pruned cannot come back, and the side branch's children have no parent now.
    CHECK(store.insert(side[1]).verdict == InsertVerdict::kConflictsWithFinalized);
    CHECK(store.insert(child(side[2], 0xd)).verdict == InsertVerdict::kUnknownParent);

    // Finality picks the shorter late branch: the head moves to it, reported as a reorg.
    f = store.finalize(compute_hash(late[0]));
    CHECK(f.verdict == FinalizeVerdict::kFinalized);
    CHECK(f.pruned == 3 + 2);  // 1006..1008 below it, 1009..1010 of the main branch
    REQUIRE(f.reorg);
    CHECK(f.reorg->old_head == ref(main.back()));
    CHECK(f.reorg->new_head == ref(late[1]));
    CHECK(f.reorg->common_ancestor == ref(main[7]));
    CHECK(f.reorg->depth == 2);
    CHECK(store.head() == ref(late[1]));
    CHECK(store.finalized() == ref(late[0]));
    CHECK(store.size() == 2);
    CHECK(store.canonical_hash(1010) == compute_hash(late[1]));
    CHECK(to_string(FinalizeVerdict::kAboveHead) == "above head");
}

// Random trees against a model that recomputes everything from scratch: the head is the best tip
// (first seen among equals), the canonical chain is its ancestry, and a reported reorg's depth and
// ancestor match the model's.
TEST_CASE("random header trees agree with a brute-force model", "[light-clients][headers][store]") {
    std::mt19937_64 rng(20240601);
    std::size_t inserts = 0, reorgs = 0, finalizations = 0;
    for (const HeadRule rule : {HeadRule::kLongest, HeadRule::kHeaviest}) {
        for (int round = 0; round < 20; ++round) {
            HeaderStore store = make_store(with_rule(rule));
            struct M {
                BlockHeader header;
                Hash parent;
                u256 td;
                uint64_t seq;
            };
            std::map<Hash, M> model;  // what the store should hold
            const BlockHeader g = genesis();
            model[compute_hash(g)] = M{g, Hash{}, 0, 0};
            Hash root = compute_hash(g);
            uint64_t seq = 1;
            const auto best = [&] {
                const M* b = nullptr;
                Hash bh;
                for (const auto& [h, m] : model) {
                    bool leaf = true;
                    for (const auto& [h2, m2] : model) leaf = leaf && !(m2.parent == h && h2 != root);
                    if (!leaf) continue;
                    const auto key = [&](const M& x) {
                        return rule == HeadRule::kHeaviest ? std::pair(x.td, x.header.number)
                                                           : std::pair(u256(0), x.header.number);
                    };
                    if (b == nullptr || key(m) > key(*b) || (key(m) == key(*b) && m.seq < b->seq)) {
                        b = &m;
                        bh = h;
                    }
                }
                return bh;
            };
            for (int step = 0; step < 120; ++step) {
                if (step % 40 == 39) {
                    // Finalize a random stored header.
                    auto it = model.begin();
                    std::advance(it, static_cast<long>(rng() % model.size()));
                    const Hash f = it->first;
                    const Hash old_head = store.head().hash;
                    const FinalizeResult r = store.finalize(f);
                    if (f == root) {
                        CHECK(r.verdict == FinalizeVerdict::kAlreadyFinalized);
                        continue;
                    }
                    REQUIRE(r.verdict == FinalizeVerdict::kFinalized);
                    // Keep f and its descendants in the model.
                    std::map<Hash, M> kept;
                    for (const auto& [h, m] : model) {
                        Hash at = h;
                        while (at != f && at != root) at = model.at(at).parent;
                        if (at == f) kept.emplace(h, m);
                    }
                    CHECK(r.pruned == model.size() - kept.size());
                    model = std::move(kept);
                    root = f;
                    CHECK(r.reorg.has_value() == !model.contains(old_head));
                    ++finalizations;
                } else {
                    // A child of a random stored header; sometimes an orphan or a duplicate.
                    auto it = model.begin();
                    std::advance(it, static_cast<long>(rng() % model.size()));
                    BlockHeader h = child(it->second.header, static_cast<uint8_t>(rng() % 4),
                                          rule == HeadRule::kHeaviest ? u256(rng() % 3) : u256(0));
                    if (rng() % 10 == 0) h.parent_hash[5] ^= 0x40;
                    const Hash hash = compute_hash(h);
                    const Hash old_head = store.head().hash;
                    const InsertResult r = store.insert(h);
                    if (model.contains(hash)) {
                        CHECK(r.verdict == InsertVerdict::kDuplicate);
                        continue;
                    }
                    if (!model.contains(h.parent_hash)) {
                        CHECK(r.verdict == InsertVerdict::kUnknownParent);
                        continue;
                    }
                    REQUIRE(r.verdict == InsertVerdict::kAccepted);
                    model[hash] = M{h, h.parent_hash, model.at(h.parent_hash).td + h.difficulty, seq++};
                    ++inserts;
                    if (r.reorg) {
                        ++reorgs;
                        // The model's ancestor: walk the old head up until it is an ancestor of the new.
                        std::set<Hash> new_line;
                        for (Hash at = hash;; at = model.at(at).parent) {
                            new_line.insert(at);
                            if (at == root) break;
                        }
                        Hash anc = old_head;
                        while (!new_line.contains(anc)) anc = model.at(anc).parent;
                        CHECK(r.reorg->common_ancestor.hash == anc);
                        CHECK(r.reorg->depth ==
                              model.at(old_head).header.number - model.at(anc).header.number);
                        CHECK(anc != old_head);
                    }
                }
                // The head and the canonical chain.
                const Hash head = best();
                REQUIRE(store.head().hash == head);
                CHECK(store.size() == model.size());
                for (Hash at = head;; at = model.at(at).parent) {
                    CHECK(store.canonical_hash(model.at(at).header.number) == at);
                    if (at == root) break;
                }
                CHECK(store.finalized().hash == root);
            }
        }
    }
    CHECK(reorgs > 10);
    CHECK(finalizations > 50);
    INFO(inserts << " inserts, " << reorgs << " reorgs, " << finalizations << " finalizations");
}
