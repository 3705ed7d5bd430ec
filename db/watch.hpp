// The watcher's memory for one stream of one origin chain (its Mailbox's Dispatch logs): the next
// block to read and the hashes of recent blocks read. A range's messages and the cursor after it
// commit together, so a restart resumes with no gap and reads no block twice; a reorg forgets the
// dropped blocks, orphans their messages (an enqueue from the new blocks brings each back) and
// moves the cursor back, also in one transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "db/connection.hpp"
#include "db/queue.hpp"

namespace causeway::db {

struct WatchedBlock {
    uint64_t number = 0;
    Hash hash;
    friend bool operator==(const WatchedBlock&, const WatchedBlock&) = default;
};

struct WatchState {
    uint64_t next_block = 0;
    std::vector<WatchedBlock> recent;  // newest first
};

class WatchStore {
  public:
    // `stream` names what is watched ("mailbox 0x..."), so that one chain can have several.
    WatchStore(Connection& conn, uint64_t chain_id, std::string stream);

    // Several replicas may watch one stream; one at a time leads (a session advisory lock on this
    // store's connection, kept until it closes), the others wait to take over. True once led.
    [[nodiscard]] bool try_lead();

    // Where the watcher stands; nullopt before its first commit.
    [[nodiscard]] std::optional<WatchState> load(std::size_t recent = 256);

    // Enqueues the messages read from blocks up to `last_block` and moves the cursor to
    // last_block + 1, remembering `blocks`, in one transaction. Blocks more than `keep` below the
    // cursor are forgotten (a reorg deeper than that is not recognised). Throws db::Error when the
    // cursor is not where `from_block` says the range began (another watcher moved it).
    EnqueueResult commit(uint64_t from_block, uint64_t last_block, std::span<const NewMessage> messages,
                         std::span<const WatchedBlock> blocks, uint64_t keep = 1024);

    // The chain dropped every remembered block above `fork` (the newest still canonical; nullopt
    // when none is): their messages not yet submitted are orphaned, the blocks forgotten, and the
    // cursor moves back to fork + 1 (to `restart_block` with no fork). Returns the orphaned count.
    std::size_t rewind(uint32_t origin_domain, std::optional<uint64_t> fork, uint64_t restart_block);

  private:
    Connection& conn_;
    uint64_t chain_id_;
    std::string stream_;
    bool leading_ = false;
};

}  // namespace causeway::db
