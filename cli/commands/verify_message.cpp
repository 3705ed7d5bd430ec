#include "cli/commands/verify_message.hpp"

#include <boost/json.hpp>

#include "cli/commands/command_error.hpp"
#include "cli/commands/verify.hpp"
#include "core/hex.hpp"
#include "core/message.hpp"
#include "db/ledger.hpp"
#include "db/migrate.hpp"
#include "db/queue.hpp"
#include "db/submissions.hpp"
#include "light-clients/committee/checkpoint.hpp"

namespace causeway::cli {
namespace {

namespace json = boost::json;

struct Check {
    std::string name;
    bool ok = false;
    std::string detail;
};

}  // namespace

int run_verify_message(db::Connection& conn, const Hash& id, OutputFormat format, std::ostream& out) {
    db::require_current_schema(conn);
    const auto m = db::find_message(conn, id);
    if (!m) throw CommandError("message " + to_hex(id) + " not found");
    std::vector<Check> checks;
    const auto add = [&](std::string name, bool ok, std::string detail) {
        checks.push_back(Check{std::move(name), ok, std::move(detail)});
        return ok;
    };

    const Hash recomputed = message_id(m->message);
    bool valid = add("message_id", recomputed == id,
                     recomputed == id ? "keccak256 of the stored message is the id"
                                      : "the stored message hashes to " + to_hex(recomputed));
    const auto evidence = db::delivery_evidence(conn, id);
    if (valid) {
        valid = add("evidence", evidence.has_value(),
                    evidence ? evidence->security_mode + " route: metadata of " +
                                   std::to_string(evidence->metadata.size()) + " bytes, " +
                                   std::to_string(evidence->threshold) + " of " +
                                   std::to_string(evidence->validators.size()) + " validators"
                             : "no delivery evidence is stored (not prepared by a relayer yet)");
    }
    if (valid) {
        auto set = committee::ValidatorSet::create(evidence->validators, evidence->threshold);
        if (!set) {
            valid = add("validator_set", false, std::string(committee::to_string(set.error())));
        } else {
            const auto verdict =
                committee::verify_message_id_multisig(m->message.origin, id, evidence->metadata, *set);
            valid =
                add("signatures", verdict == committee::Verdict::kValid,
                    verdict == committee::Verdict::kValid
                        ? std::to_string(evidence->threshold) + " validators of the set signed the checkpoint"
                        : std::string(committee::rule_name(verdict)));
        }
    }
    if (valid) {
        ByteView view(evidence->metadata);
        const auto md = committee::decode_metadata(view);
        const std::vector<Hash> ids = {id};
        const auto stored = db::checkpoint_evidence(conn, ids);
        const auto c = stored.find(id);
        const bool same = md && c != stored.end() && c->second.checkpoint.root == md->root &&
                          c->second.checkpoint.index == md->index &&
                          c->second.checkpoint.merkle_tree_hook == md->merkle_tree_hook;
        valid = add("checkpoint", same,
                    same ? "index " + std::to_string(md->index) + ", root " + to_hex(md->root)
                         : "the metadata's checkpoint is not the stored one");
    }
    if (valid && m->state == db::MessageState::kDelivered) {
        const auto attempts = db::attempts_for_message(conn, id);
        const db::StoredAttempt* mined = nullptr;
        for (const auto& a : attempts) {
            if (a.attempt.status == "mined") mined = &a;
        }
        if (!m->delivery_tx_hash) {
            add("delivery", true,
                "delivered by another relayer's transaction (found delivered on the destination)");
        } else {
            const bool ok = mined != nullptr && mined->attempt.tx_hash == *m->delivery_tx_hash;
            valid = add("delivery", ok,
                        ok ? "transaction " + to_hex(mined->attempt.tx_hash) + " mined in block " +
                                 std::to_string(mined->attempt.mined_block_number.value_or(0))
                           : "no mined transaction recorded as " + to_hex(*m->delivery_tx_hash));
        }
    }

    if (format == OutputFormat::kJson) {
        json::array items;
        for (const auto& c : checks)
            items.push_back(json::object{{"check", c.name}, {"ok", c.ok}, {"detail", c.detail}});
        out << json::serialize(json::object{{"id", to_hex(id)},
                                            {"state", db::to_string(m->state)},
                                            {"valid", valid},
                                            {"checks", items}})
            << std::endl;
    } else {
        out << "message " << to_hex(id) << " (" << db::to_string(m->state)
            << "): " << (valid ? "VALID" : "INVALID") << "\n";
        for (const auto& c : checks)
            out << "  " << (c.ok ? "ok    " : "FAILED") << " " << c.name << ": " << c.detail << "\n";
        out.flush();
    }
    return valid ? kVerifyValid : kVerifyInvalid;
}

}  // namespace causeway::cli
