#include "cli/commands/messages.hpp"

#include <boost/json.hpp>

#include "cli/commands/command_error.hpp"
#include "core/hex.hpp"
#include "db/ledger.hpp"
#include "db/migrate.hpp"
#include "db/submissions.hpp"

namespace causeway::cli {
namespace {

namespace json = boost::json;

bool leased(const db::QueuedMessage& m, db::Timestamp at) {
    return m.lease_owner && m.lease_expires_at && *m.lease_expires_at > at;
}

std::string next_run_text(const db::QueuedMessage& m, db::Timestamp at) {
    if (m.state == db::MessageState::kDelivered) return "-";
    if (leased(m, at)) return "leased to " + clip(*m.lease_owner, 20);
    if (!m.run_at) return "never";
    return *m.run_at <= at ? "now" : format_relative(*m.run_at, at);
}

std::string error_text(const db::QueuedMessage& m) {
    if (!m.last_error && !m.last_error_class) return "-";
    if (!m.last_error_class) return *m.last_error;
    if (!m.last_error) return *m.last_error_class;
    return *m.last_error_class + ": " + *m.last_error;
}

json::value stage_json(const std::optional<db::MessageState>& stage) {
    return stage ? json::value(db::to_string(*stage)) : json::value(nullptr);
}

json::object message_json(const db::QueuedMessage& m) {
    return json::object{
        {"id", to_hex(m.id)},
        {"seq", m.seq},
        {"version", m.message.version},
        {"nonce", m.message.nonce},
        {"origin", m.message.origin},
        {"destination", m.message.destination},
        {"sender", to_hex(m.message.sender)},
        {"recipient", to_hex(m.message.recipient)},
        {"body", to_hex(ByteView(m.message.body))},
        {"amount", to_decimal(m.amount)},
        {"block_number", m.block_number},
        {"block_hash", to_hex(m.block_hash)},
        {"log_index", m.log_index},
        {"state", db::to_string(m.state)},
        {"stage", stage_json(m.stage)},
        {"attempts", m.attempts},
        {"run_at", json_time(m.run_at)},
        {"lease_owner", json_text(m.lease_owner)},
        {"lease_expires_at", json_time(m.lease_expires_at)},
        {"held_reason", json_text(m.held_reason)},
        {"last_error", json_text(m.last_error)},
        {"last_error_class", json_text(m.last_error_class)},
        {"observed_at", format_time(m.observed_at)},
        {"verified_at", json_time(m.verified_at)},
        {"submitted_at", json_time(m.submitted_at)},
        {"delivered_at", json_time(m.delivered_at)},
        {"retrying_at", json_time(m.retrying_at)},
        {"failed_at", json_time(m.failed_at)},
        {"orphaned_at", json_time(m.orphaned_at)},
        {"delivery_tx_hash", json_hash(m.delivery_tx_hash)},
        {"updated_at", format_time(m.updated_at)},
    };
}

}  // namespace

std::vector<std::string> state_names() {
    std::vector<std::string> out;
    for (int i = 0; i < 256; ++i) {
        const auto name = db::to_string(static_cast<db::MessageState>(i));
        if (name == "unknown") break;
        out.emplace_back(name);
    }
    return out;
}

int messages_list(db::Connection& conn, const db::MessageFilter& filter, OutputFormat format,
                  std::ostream& out) {
    db::require_current_schema(conn);
    const auto messages = db::list_messages(conn, filter);
    if (format == OutputFormat::kJson) {
        json::array items;
        for (const auto& m : messages) items.push_back(message_json(m));
        return print_json(out, items);
    }
    if (messages.empty()) {
        out << "no messages match" << std::endl;
        return 0;
    }
    const auto at = now();
    std::vector<std::vector<std::string>> rows;
    for (const auto& m : messages) {
        rows.push_back({to_hex(m.id), route_name(m.message.origin, m.message.destination),
                        std::to_string(m.message.nonce), std::string(db::to_string(m.state)),
                        m.stage ? std::string(db::to_string(*m.stage)) : "-", std::to_string(m.attempts),
                        next_run_text(m, at), or_dash(m.held_reason, 30), clip(error_text(m), 40)});
    }
    print_table(out, {"ID", "ROUTE", "NONCE", "STATE", "STAGE", "ATTEMPTS", "NEXT RUN", "HELD", "LAST ERROR"},
                rows);
    if (static_cast<int>(messages.size()) == filter.limit) {
        out << "(the newest " << filter.limit << "; --limit shows more)" << std::endl;
    }
    return 0;
}

// What justified the message (the relayer's stored evidence) and the transactions that carried it.
json::object evidence_json(db::Connection& conn, const Hash& id) {
    json::object out;
    if (const auto e = db::delivery_evidence(conn, id)) {
        json::array validators;
        for (const auto& v : e->validators) validators.push_back(json::value(to_checksum_hex(v)));
        json::object evidence{{"security_mode", e->security_mode},
                              {"threshold", e->threshold},
                              {"validators", validators},
                              {"metadata", to_hex(ByteView(e->metadata))}};
        const std::vector<Hash> ids = {id};
        const auto stored = db::checkpoint_evidence(conn, ids);
        if (const auto c = stored.find(id); c != stored.end()) {
            json::array signers;
            for (const auto& s : c->second.signatures)
                signers.push_back(json::value(to_checksum_hex(s.validator)));
            evidence["checkpoint"] =
                json::object{{"origin", c->second.checkpoint.origin},
                             {"merkle_tree_hook", to_hex(c->second.checkpoint.merkle_tree_hook)},
                             {"index", c->second.checkpoint.index},
                             {"root", to_hex(c->second.checkpoint.root)},
                             {"signed_by", signers}};
        }
        out["evidence"] = evidence;
    } else {
        out["evidence"] = nullptr;
    }
    json::array txs;
    for (const auto& a : db::attempts_for_message(conn, id)) {
        txs.push_back(json::object{
            {"tx_hash", to_hex(a.attempt.tx_hash)},
            {"chain_id", a.attempt.chain_id},
            {"nonce", a.attempt.nonce},
            {"status", a.attempt.status},
            {"messages", a.attempt.message_ids.size()},
            {"max_fee_per_gas", to_decimal(a.attempt.max_fee_per_gas)},
            {"mined_block_number", a.attempt.mined_block_number ? json::value(*a.attempt.mined_block_number)
                                                                : json::value(nullptr)}});
    }
    out["transactions"] = txs;
    return out;
}

int messages_inspect(db::Connection& conn, const Hash& id, OutputFormat format, std::ostream& out) {
    db::require_current_schema(conn);
    const auto m = db::find_message(conn, id);
    if (!m) throw CommandError("message " + to_hex(id) + " not found");
    const json::object justification = evidence_json(conn, id);
    if (format == OutputFormat::kJson) {
        json::object all = message_json(*m);
        for (const auto& [k, v] : justification) all[k] = v;
        return print_json(out, all);
    }
    const auto at = now();
    const auto when = [&](const std::optional<db::Timestamp>& t) -> std::string {
        return t ? format_time(*t) + " (" + format_relative(*t, at) + ")" : "-";
    };
    const std::pair<std::string, std::string> lines[] = {
        {"id", to_hex(m->id)},
        {"seq", std::to_string(m->seq)},
        {"route", route_name(m->message.origin, m->message.destination)},
        {"version", std::to_string(m->message.version)},
        {"nonce", std::to_string(m->message.nonce)},
        {"origin", std::to_string(m->message.origin)},
        {"destination", std::to_string(m->message.destination)},
        {"sender", to_hex(m->message.sender)},
        {"recipient", to_hex(m->message.recipient)},
        {"body", to_hex(ByteView(m->message.body))},
        {"amount", to_decimal(m->amount)},
        {"block_number", std::to_string(m->block_number)},
        {"block_hash", to_hex(m->block_hash)},
        {"log_index", std::to_string(m->log_index)},
        {"state", std::string(db::to_string(m->state))},
        {"stage", m->stage ? std::string(db::to_string(*m->stage)) : "-"},
        {"attempts", std::to_string(m->attempts)},
        {"run_at", m->run_at ? when(m->run_at) : (m->state == db::MessageState::kDelivered ? "-" : "never")},
        {"lease_owner", or_dash(m->lease_owner)},
        {"lease_expires_at", when(m->lease_expires_at)},
        {"held_reason", or_dash(m->held_reason)},
        {"last_error", or_dash(m->last_error)},
        {"last_error_class", or_dash(m->last_error_class)},
        {"observed_at", when(m->observed_at)},
        {"verified_at", when(m->verified_at)},
        {"submitted_at", when(m->submitted_at)},
        {"delivered_at", when(m->delivered_at)},
        {"retrying_at", when(m->retrying_at)},
        {"failed_at", when(m->failed_at)},
        {"orphaned_at", when(m->orphaned_at)},
        {"delivery_tx_hash", m->delivery_tx_hash ? to_hex(*m->delivery_tx_hash) : "-"},
        {"updated_at", when(m->updated_at)},
    };
    for (const auto& [field, value] : lines) out << field << ": " << value << '\n';
    // The path, then what justified it (`causeway verify message ID` checks it again).
    out << "path (after observed):";
    for (const auto& [name, t] :
         {std::pair<const char*, std::optional<db::Timestamp>>{"verified", m->verified_at},
          {"submitted", m->submitted_at},
          {"delivered", m->delivered_at}}) {
        if (!t) continue;
        char buf[64];
        std::snprintf(buf, sizeof buf, " %s +%.1f s", name,
                      std::chrono::duration<double>(*t - m->observed_at).count());
        out << buf;
    }
    out << '\n';
    const auto& evidence = justification.at("evidence");
    if (evidence.is_null()) {
        out << "evidence: none stored yet\n";
    } else {
        const auto& e = evidence.as_object();
        out << "evidence: " << e.at("security_mode").as_string().c_str() << ", "
            << e.at("threshold").to_number<int64_t>() << " of " << e.at("validators").as_array().size()
            << " validators (";
        bool first = true;
        for (const auto& v : e.at("validators").as_array()) {
            out << (first ? "" : ", ") << v.as_string().c_str();
            first = false;
        }
        out << ")\n";
        if (const auto* c = e.if_contains("checkpoint")) {
            out << "  checkpoint: origin " << c->at("origin").to_number<int64_t>() << ", index "
                << c->at("index").to_number<int64_t>() << ", root " << c->at("root").as_string().c_str()
                << "\n  signed by:";
            for (const auto& s : c->at("signed_by").as_array()) out << " " << s.as_string().c_str();
            out << "\n";
        }
    }
    const auto& txs = justification.at("transactions").as_array();
    if (txs.empty()) out << "transactions: none\n";
    for (const auto& t : txs) {
        const auto& o = t.as_object();
        out << "transaction: " << o.at("tx_hash").as_string().c_str() << " on chain "
            << o.at("chain_id").to_number<int64_t>() << ", nonce " << o.at("nonce").to_number<int64_t>()
            << ", " << o.at("status").as_string().c_str();
        if (!o.at("mined_block_number").is_null())
            out << " in block " << o.at("mined_block_number").to_number<int64_t>();
        out << " (" << o.at("messages").to_number<int64_t>() << " messages)\n";
    }
    out.flush();
    return 0;
}

int messages_retry(db::Connection& conn, const Hash& id, const Audit& audit, OutputFormat format,
                   std::ostream& out) {
    db::require_current_schema(conn);
    const auto before = db::find_message(conn, id);
    // Called even when the message is unknown or not retryable: the attempt is audited either way.
    const bool retried = db::retry_message(conn, id, audit.actor, audit.reason);
    const auto after = db::find_message(conn, id);
    if (!after) throw CommandError("message " + to_hex(id) + " not found");
    const std::string was = before ? std::string(db::to_string(before->state)) : "unknown";
    std::string refusal;
    if (!retried) {
        refusal = "not retried: it is " + std::string(db::to_string(after->state));
        if (leased(*after, now())) refusal += ", leased by " + *after->lease_owner;
        refusal += " (only failed_permanent or retrying messages that no worker holds can be retried)";
    }
    if (format == OutputFormat::kJson) {
        json::object result{
            {"id", to_hex(id)},
            {"retried", retried},
            {"was", was},
            {"state", db::to_string(after->state)},
            {"stage", stage_json(after->stage)},
            {"run_at", json_time(after->run_at)},
            {"lease_owner", json_text(after->lease_owner)},
            {"actor", audit.actor},
            {"reason", audit.reason.empty() ? json::value(nullptr) : json::value(audit.reason)}};
        if (!retried) result["error"] = refusal;
        return print_json(out, result, retried ? 0 : 1);
    }
    if (!retried) throw CommandError("message " + to_hex(id) + " " + refusal);
    out << "message " << to_hex(id) << " will be retried now (was " << was;
    if (after->stage) out << ", at stage " << db::to_string(*after->stage);
    out << ")" << std::endl;
    return 0;
}

}  // namespace causeway::cli
