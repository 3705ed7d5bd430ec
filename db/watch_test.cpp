// The watcher's store against a throwaway PostgreSQL cluster: a range and its cursor commit
// together, a reorg orphans the dropped blocks' messages and moves the cursor back, and a
// re-observed message comes back.
#include "db/watch.hpp"

#include <catch2/catch.hpp>

#include "db/migrate.hpp"
#include "db/test_messages.hpp"
#include "tests/support/postgres.hpp"

using namespace causeway;
using db::test::block_hash_of;
using db::test::scalar;
using db::test::test_message;

namespace {

const std::string kStream = "mailbox 0x00000000000000000000000000000000000000aa";

db::NewMessage at_block(uint32_t i, uint64_t block, uint8_t fork = 0) {
    return test_message(i, 901, 902, std::nullopt, block, fork);
}

}  // namespace

TEST_CASE("watch: a range's messages and the cursor after it commit together", "[db][watch]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::WatchStore store(conn, 901, kStream);
    CHECK_FALSE(store.load());

    const std::vector<db::NewMessage> messages{at_block(0, 10), at_block(1, 12)};
    const std::vector<db::WatchedBlock> blocks{
        {10, block_hash_of(10)}, {12, block_hash_of(12)}, {15, block_hash_of(15)}};
    const auto result = store.commit(0, 15, messages, blocks);
    CHECK(result.inserted == 2);
    auto state = store.load();
    REQUIRE(state);
    CHECK(state->next_block == 16);
    REQUIRE(state->recent.size() == 3);
    CHECK(state->recent[0] == db::WatchedBlock{15, block_hash_of(15)});  // newest first
    CHECK(state->recent[2].number == 10);
    CHECK(scalar(conn, "SELECT count(*) FROM messages") == 2);

    // A range that does not start at the cursor is refused and changes nothing.
    CHECK_THROWS_WITH(store.commit(10, 20, std::vector<db::NewMessage>{at_block(2, 18)}, {}),
                      Catch::Contains("is at block 16, not 10"));
    CHECK(scalar(conn, "SELECT count(*) FROM messages") == 2);
    CHECK(store.load()->next_block == 16);

    // Old blocks are forgotten beyond `keep`.
    CHECK(store.commit(16, 40, {}, std::vector<db::WatchedBlock>{{40, block_hash_of(40)}}, 20).inserted == 0);
    state = store.load();
    CHECK(state->next_block == 41);
    REQUIRE(state->recent.size() == 1);
    CHECK(state->recent[0].number == 40);

    // Another stream of the same chain has its own cursor.
    db::WatchStore other(conn, 901, "mailbox 0x00000000000000000000000000000000000000bb");
    CHECK_FALSE(other.load());
    CHECK_THROWS_AS(db::WatchStore(conn, 0, kStream), db::Error);
}

TEST_CASE("watch: a reorg orphans the dropped blocks' messages and moves the cursor back", "[db][watch]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    db::WatchStore store(conn, 901, kStream);
    const std::vector<db::NewMessage> messages{at_block(0, 10), at_block(1, 12), at_block(2, 14)};
    (void)store.commit(0, 14, messages,
                       std::vector<db::WatchedBlock>{
                           {10, block_hash_of(10)}, {12, block_hash_of(12)}, {14, block_hash_of(14)}});

    // Blocks 12 and 14 were reorged away; 10 is still canonical.
    CHECK(store.rewind(901, 10, 0) == 2);
    auto state = store.load();
    CHECK(state->next_block == 11);
    REQUIRE(state->recent.size() == 1);
    CHECK(state->recent[0].number == 10);
    CHECK(scalar(conn, "SELECT count(*) FROM messages WHERE state = 'orphaned'") == 2);
    CHECK(scalar(conn, "SELECT count(*) FROM messages WHERE state = 'observed'") == 1);

    // Re-read from 11: one message came back in another block, the other did not.
    const auto again =
        store.commit(11, 14, std::vector<db::NewMessage>{at_block(1, 13, 1)},
                     std::vector<db::WatchedBlock>{{13, block_hash_of(13, 1)}, {14, block_hash_of(14, 1)}});
    CHECK(again.revived == 1);
    CHECK(scalar(conn, "SELECT count(*) FROM messages WHERE state = 'orphaned'") == 1);
    CHECK(scalar(conn,
                 "SELECT count(*) FROM messages WHERE state = 'observed' AND source_block_number = 13") == 1);
    CHECK(store.load()->next_block == 15);

    // A reorg below every remembered block: all forgotten, the cursor back where the caller says.
    CHECK(store.rewind(901, std::nullopt, 5) == 2);  // blocks 10 and 13 held the two left
    CHECK(scalar(conn, "SELECT count(*) FROM messages WHERE state = 'orphaned'") == 3);
    CHECK(store.load()->next_block == 5);
    CHECK(store.load()->recent.empty());
}
