// The queue's statements inside a caller's transaction, for db code that must commit them together
// with its own rows (the watcher's cursor). Not part of causeway::db's interface.
#pragma once

#include <pqxx/pqxx>
#include <span>
#include <string>

#include "db/queue.hpp"

namespace causeway::db::detail {

// Queue::enqueue's work, in `tx` (NOTIFY goes out when it commits).
EnqueueResult enqueue_in(pqxx::work& tx, const std::string& queue_channel,
                         std::span<const NewMessage> messages);
// Queue::orphan_block's work, in `tx`.
std::size_t orphan_block_in(pqxx::transaction_base& tx, uint32_t origin, const Hash& block_hash);

}  // namespace causeway::db::detail
