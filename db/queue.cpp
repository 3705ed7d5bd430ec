#include "db/queue.hpp"

#include <algorithm>
#include <map>
#include <pqxx/pqxx>
#include <set>

#include "db/queue_detail.hpp"
#include "db/sql.hpp"

namespace causeway::db {
namespace {

// Column order read by read_message(), from `messages m`; history lacks the queue-only columns.
constexpr std::string_view kQueueColumns =
    "m.id, m.seq, m.origin, m.destination, m.nonce, m.sender, m.recipient, m.body, "
    "m.amount::text, m.source_block_number, m.source_block_hash, m.log_index, m.state::text, "
    "m.stage::text, m.attempts, epoch_us(m.run_at), m.lease_owner, "
    "epoch_us(m.lease_expires_at), m.held_reason, m.last_error, m.last_error_class, "
    "epoch_us(m.observed_at), epoch_us(m.verified_at), epoch_us(m.submitted_at), "
    "epoch_us(m.delivered_at), epoch_us(m.retrying_at), epoch_us(m.failed_at), "
    "epoch_us(m.orphaned_at), m.delivery_tx_hash, epoch_us(m.updated_at)";
constexpr std::string_view kHistoryColumns =
    "id, seq, origin, destination, nonce, sender, recipient, body, amount::text, source_block_number,"
    " source_block_hash, log_index, state::text, NULL, attempts, NULL, NULL,"
    " NULL, NULL, last_error, last_error_class, epoch_us(observed_at),"
    " epoch_us(verified_at), epoch_us(submitted_at), epoch_us(delivered_at), epoch_us(retrying_at),"
    " epoch_us(failed_at), epoch_us(orphaned_at), delivery_tx_hash, epoch_us(updated_at)";

MessageState state_of(const pqxx::field& f) {
    const auto s = parse_message_state(f.c_str());
    if (!s) throw Error(std::string("unknown message state in the database: ") + f.c_str());
    return *s;
}

QueuedMessage read_message(const pqxx::row& r) {
    QueuedMessage m;
    m.id = sql::read_fixed<32>(r[0]);
    m.seq = r[1].as<int64_t>();
    m.message.origin = r[2].as<uint32_t>();
    m.message.destination = r[3].as<uint32_t>();
    m.message.nonce = r[4].as<uint32_t>();
    m.message.sender = sql::read_fixed<32>(r[5]);
    m.message.recipient = sql::read_fixed<32>(r[6]);
    m.message.body = sql::read_bytea(r[7]);
    // History rows have no stage.
    m.amount = sql::read_u256(r[8], r[13].is_null() ? "messages_history.amount" : "messages.amount",
                              [&] { return "message " + to_hex(m.id); });
    m.block_number = r[9].as<uint64_t>();
    m.block_hash = sql::read_fixed<32>(r[10]);
    m.log_index = r[11].as<uint32_t>();
    m.state = state_of(r[12]);
    if (!r[13].is_null()) m.stage = state_of(r[13]);
    m.attempts = r[14].as<int>();
    m.run_at = sql::read_optional_time(r[15]);
    m.lease_owner = sql::optional_of<std::string>(r[16]);
    m.lease_expires_at = sql::read_optional_time(r[17]);
    m.held_reason = sql::optional_of<std::string>(r[18]);
    m.last_error = sql::optional_of<std::string>(r[19]);
    m.last_error_class = sql::optional_of<std::string>(r[20]);
    m.observed_at = sql::read_time(r[21]);
    m.verified_at = sql::read_optional_time(r[22]);
    m.submitted_at = sql::read_optional_time(r[23]);
    m.delivered_at = sql::read_optional_time(r[24]);
    m.retrying_at = sql::read_optional_time(r[25]);
    m.failed_at = sql::read_optional_time(r[26]);
    m.orphaned_at = sql::read_optional_time(r[27]);
    if (!r[28].is_null()) m.delivery_tx_hash = sql::read_fixed<32>(r[28]);
    m.updated_at = sql::read_time(r[29]);
    return m;
}

std::vector<QueuedMessage> read_messages(const pqxx::result& result) {
    std::vector<QueuedMessage> out;
    out.reserve(result.size());
    for (const auto& row : result) out.push_back(read_message(row));
    return out;
}

// What every claim needs: a stage to claim for, a limit, an owner and a lease.
void check_claim(MessageState stage, int limit, std::string_view owner, std::chrono::milliseconds lease) {
    if (!is_stage(stage)) throw Error("claim: '" + std::string(to_string(stage)) + "' is not a stage");
    if (limit <= 0 || owner.empty() || lease.count() <= 0)
        throw Error("claim: limit, owner and lease must be set");
}

using sql::notify;

// Enqueue's statements for messages it already knows, seen now where $1..$4 say (id, block
// number, block hash, log index), built once.
const std::string kToNewBlock =
    " source_block_number = v.block_number, source_block_hash = v.block_hash, log_index = v.log_index,"
    " updated_at = now() FROM unnest($1::bytea[], $2::bigint[], $3::bytea[], $4::integer[])"
    " AS v(id, block_number, block_hash, log_index) WHERE m.id = ANY ($1::bytea[]) AND m.id = v.id";

// Seen again in another block before any transaction carried it: the old block was reorged away
// (whether or not orphan_block() has run yet), so the stored block follows the new one and the
// message is to be verified again, against it (stage `observed`). It starts over from `observed`
// at once, a verifier holding it losing its lease, unless it is a dead letter (an operator's retry
// runs it from verification) or a verified message a submitter holds now, which may be on its way
// in a transaction: that one keeps its lease and shows `verified`, and if the attempt fails, its
// lease runs out or it is dead-lettered, it is verified again first (state `verified` at stage
// `observed` under a live lease marks it, so a further move spares it too). A route's limits are
// not charged twice. Rows whose block is unchanged are not touched (nor locked): a replayed range
// costs nothing. Judged on the row as locked, so that a submitter's claim that just committed
// counts. Run before kReviveOrphans, so that an orphan_block() committing in between leaves the
// row to that revival.
const std::string kMoveToNewBlock = [] {
    const std::string restart =
        "(m.state <> 'failed_permanent' AND (m.lease_owner IS NULL OR m.lease_expires_at <= now()"
        " OR (m.stage = 'observed' AND m.state <> 'verified')))";
    const auto if_restart = [&](const std::string& column, const std::string& value) {
        return column + " = CASE WHEN " + restart + " THEN " + value + " ELSE m." + column + " END";
    };
    return "UPDATE messages m SET stage = 'observed', state = CASE WHEN " + restart +
           " THEN 'observed' WHEN m.state = 'failed_permanent' THEN m.state ELSE 'verified' END, " +
           if_restart("run_at", "now()") + ", " + if_restart("attempts", "0") + ", " +
           if_restart("lease_owner", "NULL") + ", " + if_restart("lease_expires_at", "NULL") + ", " +
           if_restart("held_reason", "NULL") + ", " + if_restart("observed_at", "now()") + "," + kToNewBlock +
           " AND m.source_block_hash <> v.block_hash AND m.stage IN ('observed', 'verified')"
           " AND m.state <> 'orphaned'";
}();

// Orphans observed again come back to `observed` at their new block.
const std::string kReviveOrphans =
    "UPDATE messages m SET state = 'observed', stage = 'observed', run_at = now(), attempts = 0,"
    " observed_at = now()," +
    kToNewBlock + " AND m.state = 'orphaned'";

std::string u32s(uint32_t v) {
    return std::to_string(v);
}

}  // namespace

NewMessage observed_message(const Message& message, uint64_t block_number, const Hash& block_hash,
                            uint32_t log_index) {
    NewMessage m{message, message_id(message), block_number, block_hash, log_index, u256{}};
    ByteView body = message.body;
    if (auto transfer = decode_collateral_body(body)) m.amount = transfer->amount;
    return m;
}

Queue::Queue(Connection& conn, BackoffPolicy backoff)
    : conn_(conn), backoff_(backoff), rng_(std::random_device{}()) {
    if (!backoff_.valid()) throw Error("invalid backoff policy");
}

namespace detail {

EnqueueResult enqueue_in(pqxx::work& tx, const std::string& queue_channel,
                         std::span<const NewMessage> messages) {
    EnqueueResult result;
    if (messages.empty()) return result;
    // First occurrence of each id, in the order given (the order sets seq, hence claim order).
    std::vector<const NewMessage*> unique;
    unique.reserve(messages.size());
    {
        std::set<Hash> seen;
        for (const auto& m : messages) {
            if (seen.insert(m.id).second) unique.push_back(&m);
        }
    }
    const auto bytes_of = [&](auto get) {
        return sql::bytea_array(unique,
                                [&](const NewMessage* m) { return std::optional<ByteView>(get(*m)); });
    };
    const auto text_of = [&](auto get) {
        return sql::plain_array(unique, [&](const NewMessage* m) { return get(*m); });
    };
    std::set<std::pair<uint32_t, uint32_t>> routes;
    for (const auto* m : unique) routes.emplace(m->message.origin, m->message.destination);

    sql::use_index_probes(tx);
    // Ids already delivered are left out by one probe of history per id. DO NOTHING rather than
    // DO UPDATE: a replayed block range must not lock the rows it finds (claims skip locked
    // rows). Orphans among them are revived further down. Rows go in in the order given: it
    // sets seq, hence claim order.
    const auto rows = tx.exec_params(
        "WITH new_routes AS (INSERT INTO routes (origin, destination)"
        "   SELECT * FROM unnest($12::bigint[], $13::bigint[]) ON CONFLICT DO NOTHING)"
        " INSERT INTO messages (id, origin, destination, nonce, sender, recipient, body, amount,"
        "   source_block_number, source_block_hash, log_index)"
        " SELECT id, origin, destination, nonce, sender, recipient, body, amount, block_number,"
        "   block_hash, log_index"
        " FROM unnest($1::bytea[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bytea[],"
        "   $6::bytea[], $7::bytea[], $8::numeric[], $9::bigint[], $10::bytea[], $11::integer[])"
        "   WITH ORDINALITY AS i(id, origin, destination, nonce, sender, recipient, body, amount,"
        "   block_number, block_hash, log_index, ord)"
        " WHERE i.id <> ALL (ARRAY(SELECT h.id FROM messages_history h WHERE h.id = ANY ($1::bytea[])))"
        " ORDER BY ord"
        " ON CONFLICT (id) DO NOTHING"
        " RETURNING id",
        bytes_of([](const NewMessage& m) -> ByteView { return m.id; }),
        text_of([](const NewMessage& m) { return u32s(m.message.origin); }),
        text_of([](const NewMessage& m) { return u32s(m.message.destination); }),
        text_of([](const NewMessage& m) { return u32s(m.message.nonce); }),
        bytes_of([](const NewMessage& m) -> ByteView { return m.message.sender; }),
        bytes_of([](const NewMessage& m) -> ByteView { return m.message.recipient; }),
        bytes_of([](const NewMessage& m) -> ByteView { return m.message.body; }),
        text_of([](const NewMessage& m) { return to_decimal(m.amount); }),
        text_of([](const NewMessage& m) { return std::to_string(m.block_number); }),
        bytes_of([](const NewMessage& m) -> ByteView { return m.block_hash; }),
        text_of([](const NewMessage& m) { return u32s(m.log_index); }),
        sql::plain_array(routes, [](const auto& r) { return u32s(r.first); }),
        sql::plain_array(routes, [](const auto& r) { return u32s(r.second); }));
    std::set<Hash> inserted;
    for (const auto& row : rows) inserted.insert(sql::read_fixed<32>(row[0]));
    // A message delivered (moved to history) while this insert waited on its row lock slips
    // past the history probe above, whose snapshot predates that commit. This statement's
    // snapshot is newer: take such rows out again.
    if (!inserted.empty()) {
        const auto again = tx.exec_params(
            "DELETE FROM messages m WHERE m.id = ANY (ARRAY(SELECT h.id FROM messages_history h"
            " WHERE h.id = ANY ($1::bytea[]))) RETURNING m.id",
            sql::bytea_array(inserted, [](const Hash& h) { return std::optional<ByteView>(h); }));
        for (const auto& row : again) inserted.erase(sql::read_fixed<32>(row[0]));
    }
    result.inserted = inserted.size();
    // The rest were known: those seen in another block, orphans among them, take the new one.
    std::vector<const NewMessage*> known;
    for (const auto* m : unique) {
        if (!inserted.contains(m->id)) known.push_back(m);
    }
    if (!known.empty()) {
        // Where each known message was seen now, as $1..$4 of both statements below.
        const auto known_ids =
            sql::bytea_array(known, [](const NewMessage* m) { return std::optional<ByteView>(m->id); });
        const auto known_blocks =
            sql::plain_array(known, [](const NewMessage* m) { return std::to_string(m->block_number); });
        const auto known_hashes = sql::bytea_array(
            known, [](const NewMessage* m) { return std::optional<ByteView>(m->block_hash); });
        const auto known_log_indexes =
            sql::plain_array(known, [](const NewMessage* m) { return u32s(m->log_index); });
        const auto moved =
            tx.exec_params(kMoveToNewBlock, known_ids, known_blocks, known_hashes, known_log_indexes);
        result.moved = static_cast<std::size_t>(moved.affected_rows());
        const auto revived =
            tx.exec_params(kReviveOrphans, known_ids, known_blocks, known_hashes, known_log_indexes);
        result.revived = static_cast<std::size_t>(revived.affected_rows());
    }
    result.duplicates = messages.size() - result.inserted - result.revived - result.moved;
    if (result.inserted + result.revived + result.moved > 0) notify(tx, queue_channel, "observed");
    return result;
}

std::size_t orphan_block_in(pqxx::transaction_base& tx, uint32_t origin, const Hash& block_hash) {
    return static_cast<std::size_t>(
        tx.exec_params("UPDATE messages SET state = 'orphaned', run_at = 'infinity', orphaned_at = now(),"
                       " lease_owner = NULL, lease_expires_at = NULL, held_reason = NULL, updated_at = now()"
                       " WHERE origin = $1 AND source_block_hash = $2 AND stage IN ('observed', 'verified')"
                       " AND state NOT IN ('failed_permanent', 'orphaned')",
                       static_cast<int64_t>(origin), sql::bytea(block_hash))
            .affected_rows());
}

}  // namespace detail

EnqueueResult Queue::enqueue(std::span<const NewMessage> messages) {
    if (messages.empty()) return {};
    return sql::guarded("enqueue", [&] {
        pqxx::work tx(conn_.raw());
        auto result = detail::enqueue_in(tx, conn_.queue_channel(), messages);
        tx.commit();
        return result;
    });
}

std::vector<QueuedMessage> Queue::claim(MessageState stage, int limit, std::string_view owner,
                                        std::chrono::milliseconds lease) {
    check_claim(stage, limit, owner, lease);
    return sql::guarded("claim", [&] {
        pqxx::work tx(conn_.raw());
        // Claims for work that is free to repeat (verifying proofs, reading receipts) do not wait
        // for their commit to reach the disk: a lease lost in a server crash only makes its rows
        // claimable again, and the owner's advance, which waits, makes it durable. Claims for
        // submission (stage `verified`) wait: a lost lease there could mean paying for a second
        // transaction. claim_messages() also waits whenever it charges route limits.
        if (stage != MessageState::kVerified) tx.exec("SET LOCAL synchronous_commit = off");
        auto rows = read_messages(tx.exec_params(
            "SELECT " + std::string(kQueueColumns) +
                " FROM claim_messages($1::message_state, $2, $3, $4::interval) AS m ORDER BY m.seq",
            std::string(to_string(stage)), limit, std::string(owner), sql::interval_ms(lease)));
        tx.commit();
        return rows;
    });
}

std::vector<QueuedMessage> Queue::claim_in_nonce_order(MessageState stage, uint32_t origin, uint64_t below,
                                                       int limit, std::string_view owner,
                                                       std::chrono::milliseconds lease) {
    check_claim(stage, limit, owner, lease);
    return sql::guarded("claim in nonce order", [&] {
        pqxx::work tx(conn_.raw());
        auto rows = read_messages(tx.exec_params(
            "WITH picked AS (SELECT id FROM messages WHERE stage = $1::message_state AND origin = $2"
            " AND nonce < $3 AND run_at <= now() ORDER BY nonce LIMIT $4 FOR UPDATE SKIP LOCKED)"
            " UPDATE messages m SET lease_owner = $5, lease_expires_at = now() + $6::interval,"
            " run_at = now() + $6::interval, attempts = m.attempts + 1, held_reason = NULL, updated_at = "
            "now()"
            " FROM picked WHERE m.id = picked.id RETURNING " +
                std::string(kQueueColumns),
            std::string(to_string(stage)), static_cast<int64_t>(origin), static_cast<int64_t>(below), limit,
            std::string(owner), sql::interval_ms(lease)));
        tx.commit();
        std::sort(rows.begin(), rows.end(),
                  [](const auto& a, const auto& b) { return a.message.nonce < b.message.nonce; });
        return rows;
    });
}

std::size_t Queue::extend_lease(std::span<const Hash> ids, std::string_view owner,
                                std::chrono::milliseconds lease) {
    if (ids.empty()) return 0;
    return sql::guarded("extend lease", [&] {
        pqxx::work tx(conn_.raw());
        sql::use_index_probes(tx);
        const auto n = tx.exec_params(
                             "UPDATE messages SET lease_expires_at = now() + $3::interval,"
                             " run_at = now() + $3::interval, updated_at = now()"
                             " WHERE id = ANY($1::bytea[]) AND lease_owner = $2",
                             sql::bytea_array(ids, [](const Hash& h) { return std::optional<ByteView>(h); }),
                             std::string(owner), sql::interval_ms(lease))
                           .affected_rows();
        tx.commit();
        return static_cast<std::size_t>(n);
    });
}

AdvanceResult Queue::advance(std::span<const Advance> items, std::string_view owner) {
    AdvanceResult result;
    if (items.empty()) return result;
    std::vector<Advance> delivered;
    std::vector<Advance> moving;
    for (const auto& item : items) {
        if (item.to == MessageState::kDelivered) {
            delivered.push_back(item);
        } else if (item.to == MessageState::kVerified || item.to == MessageState::kSubmitted) {
            moving.push_back(item);
        } else {
            throw Error("advance: cannot move a message to '" + std::string(to_string(item.to)) + "'");
        }
    }
    const auto tx_of = [](const Advance& a) -> std::optional<ByteView> {
        if (a.tx_hash) return a.tx_hash->view();
        return std::nullopt;
    };
    const auto id_of = [](const Advance& a) { return std::optional<ByteView>(a.id); };
    return sql::guarded("advance", [&] {
        std::set<Hash> done;
        pqxx::work tx(conn_.raw());
        sql::use_index_probes(tx);
        if (!moving.empty()) {
            const auto rows = tx.exec_params(
                "WITH v AS (SELECT * FROM unnest($1::bytea[], $2::message_state[], $3::bytea[]) AS t(id,"
                " next, tx)) UPDATE messages m SET state = v.next, stage = v.next, attempts = 0, run_at ="
                " now(),   lease_owner = NULL, lease_expires_at = NULL,   verified_at = CASE WHEN v.next ="
                " 'verified' THEN now() ELSE m.verified_at END,   submitted_at = CASE WHEN v.next ="
                " 'submitted' THEN now() ELSE m.submitted_at END,   delivery_tx_hash = coalesce(v.tx,"
                " m.delivery_tx_hash), updated_at = now() FROM v WHERE m.id = ANY ($1::bytea[]) AND m.id ="
                " v.id AND m.lease_owner = $4 AND v.next > m.stage RETURNING m.id, m.stage::text",
                sql::bytea_array(moving, id_of),
                sql::plain_array(moving, [](const Advance& a) { return std::string(to_string(a.to)); }),
                sql::bytea_array(moving, tx_of), std::string(owner));
            std::set<std::string> stages;
            for (const auto& row : rows) {
                done.insert(sql::read_fixed<32>(row[0]));
                stages.insert(row[1].as<std::string>());
            }
            for (const auto& s : stages) notify(tx, conn_.queue_channel(), s);
        }
        if (!delivered.empty()) {
            const auto rows = tx.exec_params(
                "WITH v AS (SELECT * FROM unnest($1::bytea[], $2::bytea[]) AS t(id, tx)), moved AS (DELETE"
                " FROM messages m USING v   WHERE m.id = ANY ($1::bytea[]) AND m.id = v.id AND"
                " m.lease_owner = $3 RETURNING m.*, v.tx), kept AS (INSERT INTO messages_history (id, seq,"
                " origin, destination, nonce, sender, recipient,   body, amount, source_block_number,"
                " source_block_hash, log_index, state, attempts, last_error,   last_error_class,"
                " observed_at, verified_at, submitted_at, delivered_at, retrying_at, failed_at,  "
                " orphaned_at, delivery_tx_hash, updated_at)   SELECT id, seq, origin, destination, nonce,"
                " sender, recipient, body, amount,     source_block_number, source_block_hash, log_index,"
                " 'delivered', attempts, last_error,     last_error_class, observed_at, verified_at,"
                " submitted_at, now(), retrying_at, failed_at,     orphaned_at, coalesce(tx,"
                " delivery_tx_hash), now() FROM moved   ON CONFLICT (id) DO NOTHING) SELECT id FROM moved",
                sql::bytea_array(delivered, id_of), sql::bytea_array(delivered, tx_of), std::string(owner));
            for (const auto& row : rows) done.insert(sql::read_fixed<32>(row[0]));
        }
        tx.commit();
        result.advanced = done.size();
        for (const auto& item : items) {
            if (!done.contains(item.id)) result.lost.push_back(item.id);
        }
        return result;
    });
}

RetryResult Queue::retry(const Hash& id, std::string_view owner, ErrorClass error_class,
                         std::string_view error) {
    return sql::guarded("retry", [&] {
        RetryResult result;
        pqxx::work tx(conn_.raw());
        const auto found =
            tx.exec_params("SELECT attempts FROM messages WHERE id = $1 AND lease_owner = $2 FOR UPDATE",
                           sql::bytea(id), std::string(owner));
        if (found.empty()) return result;
        const int attempts = found[0][0].as<int>();
        if (is_permanent(error_class) || attempts >= backoff_.max_attempts) {
            const ErrorClass recorded =
                is_permanent(error_class) ? error_class : ErrorClass::kRetriesExhausted;
            const std::string text = is_permanent(error_class)
                                         ? std::string(error)
                                         : std::string(error) + " (after " + std::to_string(attempts) +
                                               " attempts; last class " +
                                               std::string(to_string(error_class)) + ")";
            tx.exec_params(
                "UPDATE messages SET state = 'failed_permanent', run_at = 'infinity', failed_at = now(),"
                " lease_owner = NULL, lease_expires_at = NULL, last_error = $2, last_error_class = $3,"
                " updated_at = now() WHERE id = $1",
                sql::bytea(id), text, std::string(to_string(recorded)));
            tx.commit();
            result.outcome = RetryResult::Outcome::kDeadLettered;
            return result;
        }
        const auto delay = backoff_.delay(attempts, std::uniform_real_distribution<double>(0.0, 1.0)(rng_));
        const auto row = tx.exec_params1(
            "UPDATE messages SET state = 'retrying', run_at = now() + $2::interval, retrying_at = now(),"
            " lease_owner = NULL, lease_expires_at = NULL, last_error = $3, last_error_class = $4,"
            " updated_at = now() WHERE id = $1 RETURNING epoch_us(run_at)",
            sql::bytea(id), sql::interval_ms(delay), std::string(error), std::string(to_string(error_class)));
        tx.commit();
        result.outcome = RetryResult::Outcome::kScheduled;
        result.run_at = sql::read_time(row[0]);
        return result;
    });
}

bool Queue::defer(const Hash& id, std::string_view owner, Timestamp run_at, std::string_view reason) {
    return defer(std::span(&id, 1), owner, run_at, reason) == 1;
}

std::size_t Queue::defer(std::span<const Hash> ids, std::string_view owner, Timestamp run_at,
                         std::string_view reason) {
    if (ids.empty()) return 0;
    return sql::guarded("defer", [&] {
        pqxx::nontransaction tx(conn_.raw());
        return static_cast<std::size_t>(
            tx.exec_params(
                  "UPDATE messages SET run_at = to_timestamp($3::double precision / 1e6), lease_owner = NULL,"
                  " lease_expires_at = NULL, attempts = greatest(attempts - 1, 0), held_reason = $4,"
                  " updated_at = now() WHERE id = ANY($1::bytea[]) AND lease_owner = $2",
                  sql::bytea_array(ids, [](const Hash& h) { return std::optional<ByteView>(h); }),
                  std::string(owner), static_cast<double>(run_at.time_since_epoch().count()),
                  std::string(reason))
                .affected_rows());
    });
}

bool Queue::dead_letter(const Hash& id, std::string_view owner, ErrorClass error_class,
                        std::string_view error) {
    return sql::guarded("dead letter", [&] {
        pqxx::nontransaction tx(conn_.raw());
        return tx.exec_params(
                     "UPDATE messages SET state = 'failed_permanent', run_at = 'infinity', failed_at = now(),"
                     " lease_owner = NULL, lease_expires_at = NULL, last_error = $3, last_error_class = $4,"
                     " updated_at = now() WHERE id = $1 AND lease_owner = $2",
                     sql::bytea(id), std::string(owner), std::string(error),
                     std::string(to_string(error_class)))
                   .affected_rows() == 1;
    });
}

std::size_t Queue::release_expired_leases() {
    return sql::guarded("release expired leases", [&] {
        pqxx::work tx(conn_.raw());
        const auto n =
            tx.exec(
                  "UPDATE messages SET last_error = 'lease of ' || lease_owner || ' expired',"
                  " last_error_class = 'lease_expired', lease_owner = NULL, lease_expires_at = NULL,"
                  " updated_at = now() WHERE lease_expires_at < now()")
                .affected_rows();
        if (n > 0) sql::notify_every_stage(tx, conn_);
        tx.commit();
        return static_cast<std::size_t>(n);
    });
}

std::size_t Queue::orphan_block(uint32_t origin, const Hash& block_hash) {
    return sql::guarded("orphan block", [&] {
        pqxx::nontransaction tx(conn_.raw());
        return detail::orphan_block_in(tx, origin, block_hash);
    });
}

std::vector<QueueCount> Queue::counts() {
    return sql::guarded("queue counts", [&] {
        pqxx::read_transaction tx(conn_.raw());
        std::vector<QueueCount> out;
        for (const auto& row : tx.exec("SELECT state::text, origin, destination, count(*), extract(epoch "
                                       "FROM now() - min(observed_at))"
                                       " FROM messages GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")) {
            out.push_back(QueueCount{state_of(row[0]), row[1].as<uint32_t>(), row[2].as<uint32_t>(),
                                     row[3].as<int64_t>(), row[4].as<double>()});
        }
        return out;
    });
}

struct QueueListener::Receiver : pqxx::notification_receiver {
    Receiver(pqxx::connection& c, const std::string& channel) : pqxx::notification_receiver(c, channel) {}
    void operator()(const std::string& payload, int) override { payloads.push_back(payload); }
    std::vector<std::string> payloads;
};

QueueListener::QueueListener(Connection& conn) : QueueListener(conn, {conn.queue_channel()}) {}

QueueListener::QueueListener(Connection& conn, const std::vector<std::string>& channels) : conn_(conn) {
    receivers_.push_back(std::make_unique<Receiver>(conn.raw(), conn.queue_channel()));
    for (const auto& c : channels) {
        if (c != conn.queue_channel()) receivers_.push_back(std::make_unique<Receiver>(conn.raw(), c));
    }
}
QueueListener::~QueueListener() = default;

bool QueueListener::wait(std::chrono::milliseconds timeout) {
    return sql::guarded("wait for notifications", [&] {
        if (conn_.raw().get_notifs() > 0) return true;
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(timeout).count();
        return conn_.raw().await_notification(static_cast<long>(us / 1'000'000),
                                              static_cast<long>(us % 1'000'000)) > 0;
    });
}

std::vector<std::string> QueueListener::take_payloads() {
    return std::exchange(receivers_.front()->payloads, {});
}

std::vector<std::string> QueueListener::take_payloads(const std::string& channel) {
    for (auto& r : receivers_) {
        if (r->channel() == channel) return std::exchange(r->payloads, {});
    }
    return {};
}

std::vector<QueuedMessage> list_messages(Connection& conn, const MessageFilter& filter) {
    return sql::guarded("list messages", [&] {
        pqxx::read_transaction tx(conn.raw());
        const std::string where =
            " WHERE ($1::text IS NULL OR state::text = $1) AND ($2::bigint IS NULL OR origin = $2)"
            " AND ($3::bigint IS NULL OR destination = $3)";
        const std::optional<std::string> state =
            filter.state ? std::optional<std::string>(std::string(to_string(*filter.state))) : std::nullopt;
        const std::optional<int64_t> origin =
            filter.origin ? std::optional<int64_t>(*filter.origin) : std::nullopt;
        const std::optional<int64_t> destination =
            filter.destination ? std::optional<int64_t>(*filter.destination) : std::nullopt;
        // Each table's newest first, limited on its own (history by its seq index, not a sort of
        // all of it), then the two merged.
        const std::string query = "SELECT * FROM ((SELECT " + std::string(kQueueColumns) +
                                  " FROM messages m" + where +
                                  " ORDER BY m.seq DESC LIMIT $4) UNION ALL (SELECT " +
                                  std::string(kHistoryColumns) + " FROM messages_history" + where +
                                  " ORDER BY seq DESC LIMIT $4)) AS all_messages ORDER BY seq DESC LIMIT $4";
        return read_messages(tx.exec_params(query, state, origin, destination, filter.limit));
    });
}

std::optional<QueuedMessage> find_message(Connection& conn, const Hash& id) {
    return sql::guarded("find message", [&]() -> std::optional<QueuedMessage> {
        pqxx::read_transaction tx(conn.raw());
        auto rows = tx.exec_params("SELECT " + std::string(kQueueColumns) +
                                       " FROM messages m WHERE m.id = $1 UNION ALL SELECT " +
                                       std::string(kHistoryColumns) + " FROM messages_history WHERE id = $1",
                                   sql::bytea(id));
        if (rows.empty()) return std::nullopt;
        return read_message(rows[0]);
    });
}

bool retry_message(Connection& conn, const Hash& id, std::string_view actor, std::string_view reason) {
    if (actor.empty()) throw Error("retry: an actor is required");
    return sql::guarded("retry message", [&] {
        pqxx::work tx(conn.raw());
        const auto target = to_hex(id);
        const auto rows = tx.exec_params(
            "WITH before AS (SELECT * FROM messages WHERE id = $1 AND state IN ('failed_permanent',"
            " 'retrying')   AND (lease_owner IS NULL OR lease_expires_at < now()) FOR UPDATE), after AS"
            " (UPDATE messages m SET state = 'retrying', run_at = now(), attempts = 0,   lease_owner ="
            " NULL, lease_expires_at = NULL, updated_at = now()   FROM before b WHERE m.id = b.id RETURNING"
            " m.*) SELECT (SELECT to_jsonb(b) - 'body' FROM before b)::text, (SELECT to_jsonb(a) - 'body'"
            " FROM after a)::text,   (SELECT stage::text FROM after)",
            sql::bytea(id));
        const bool changed = !rows[0][1].is_null();
        // Refusals are audited too: the trail shows every attempt, not only the ones that worked.
        tx.exec_params(
            "INSERT INTO audit_log (actor, action, target, reason, before, after)"
            " VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)",
            std::string(actor), changed ? "message.retry" : "message.retry.refused", target,
            reason.empty() ? std::optional<std::string>() : std::optional<std::string>(std::string(reason)),
            sql::optional_of<std::string>(rows[0][0]), sql::optional_of<std::string>(rows[0][1]));
        if (changed) notify(tx, conn.queue_channel(), rows[0][2].as<std::string>());
        tx.commit();
        return changed;
    });
}

}  // namespace causeway::db
