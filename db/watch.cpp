#include "db/watch.hpp"

#include <cstring>
#include <pqxx/pqxx>

#include "core/keccak.hpp"

#include "db/queue_detail.hpp"
#include "db/sql.hpp"

namespace causeway::db {

WatchStore::WatchStore(Connection& conn, uint64_t chain_id, std::string stream)
    : conn_(conn), chain_id_(chain_id), stream_(std::move(stream)) {
    if (chain_id_ == 0 || stream_.empty()) throw Error("a watch stream needs a chain id and a name");
}

bool WatchStore::try_lead() {
    if (leading_) return true;
    return sql::guarded("watch lead", [&] {
        const std::string material =
            "causeway.watch." + conn_.schema() + "." + std::to_string(chain_id_) + "." + stream_;
        const Hash h = keccak256(to_view(material));
        int64_t key = 0;
        std::memcpy(&key, h.data(), sizeof key);
        pqxx::nontransaction tx(conn_.raw());
        leading_ = tx.exec_params1("SELECT pg_try_advisory_lock($1)", key)[0].as<bool>();
        return leading_;
    });
}

std::optional<WatchState> WatchStore::load(std::size_t recent) {
    return sql::guarded("watch load", [&]() -> std::optional<WatchState> {
        pqxx::read_transaction tx(conn_.raw());
        const auto cursor =
            tx.exec_params("SELECT next_block FROM watch_cursors WHERE chain_id = $1 AND stream = $2",
                           static_cast<int64_t>(chain_id_), stream_);
        if (cursor.empty()) return std::nullopt;
        WatchState state;
        state.next_block = cursor[0][0].as<uint64_t>();
        for (const auto& row :
             tx.exec_params("SELECT number, hash FROM watch_blocks WHERE chain_id = $1 AND stream = $2"
                            " ORDER BY number DESC LIMIT $3",
                            static_cast<int64_t>(chain_id_), stream_, static_cast<int64_t>(recent))) {
            state.recent.push_back(WatchedBlock{row[0].as<uint64_t>(), sql::read_fixed<32>(row[1])});
        }
        return state;
    });
}

EnqueueResult WatchStore::commit(uint64_t from_block, uint64_t last_block,
                                 std::span<const NewMessage> messages, std::span<const WatchedBlock> blocks,
                                 uint64_t keep) {
    if (last_block < from_block) throw Error("watch commit: the range ends before it begins");
    return sql::guarded("watch commit", [&] {
        pqxx::work tx(conn_.raw());
        // The cursor row, locked: two watchers of one stream cannot both commit a range.
        const auto cursor = tx.exec_params(
            "SELECT next_block FROM watch_cursors WHERE chain_id = $1 AND stream = $2 FOR UPDATE",
            static_cast<int64_t>(chain_id_), stream_);
        if (!cursor.empty() && cursor[0][0].as<uint64_t>() != from_block) {
            throw Error("watch commit: the cursor of " + stream_ + " is at block " +
                        cursor[0][0].as<std::string>() + ", not " + std::to_string(from_block) +
                        " (another watcher moved it)");
        }
        auto result = detail::enqueue_in(tx, conn_.queue_channel(), messages);
        tx.exec_params(
            "INSERT INTO watch_cursors (chain_id, stream, next_block) VALUES ($1, $2, $3)"
            " ON CONFLICT (chain_id, stream) DO UPDATE SET next_block = EXCLUDED.next_block, updated_at = "
            "now()",
            static_cast<int64_t>(chain_id_), stream_, static_cast<int64_t>(last_block + 1));
        for (const auto& b : blocks) {
            tx.exec_params(
                "INSERT INTO watch_blocks (chain_id, stream, number, hash) VALUES ($1, $2, $3, $4)"
                " ON CONFLICT (chain_id, stream, number) DO UPDATE SET hash = EXCLUDED.hash",
                static_cast<int64_t>(chain_id_), stream_, static_cast<int64_t>(b.number), sql::bytea(b.hash));
        }
        if (last_block + 1 > keep) {
            tx.exec_params("DELETE FROM watch_blocks WHERE chain_id = $1 AND stream = $2 AND number < $3",
                           static_cast<int64_t>(chain_id_), stream_,
                           static_cast<int64_t>(last_block + 1 - keep));
        }
        tx.commit();
        return result;
    });
}

std::size_t WatchStore::rewind(uint32_t origin_domain, std::optional<uint64_t> fork, uint64_t restart_block) {
    return sql::guarded("watch rewind", [&] {
        pqxx::work tx(conn_.raw());
        const int64_t above = fork ? static_cast<int64_t>(*fork) : -1;
        const auto dropped = tx.exec_params(
            "DELETE FROM watch_blocks WHERE chain_id = $1 AND stream = $2 AND number > $3 RETURNING hash",
            static_cast<int64_t>(chain_id_), stream_, above);
        std::size_t orphaned = 0;
        for (const auto& row : dropped)
            orphaned += detail::orphan_block_in(tx, origin_domain, sql::read_fixed<32>(row[0]));
        tx.exec_params(
            "UPDATE watch_cursors SET next_block = $3, updated_at = now() WHERE chain_id = $1 AND stream = "
            "$2",
            static_cast<int64_t>(chain_id_), stream_, static_cast<int64_t>(fork ? *fork + 1 : restart_block));
        tx.commit();
        return orphaned;
    });
}

}  // namespace causeway::db
