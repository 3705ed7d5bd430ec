// `causeway messages list | inspect | retry`.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cli/command.hpp"
#include "cli/commands/messages.hpp"
#include "cli/options.hpp"
#include "core/hex.hpp"

namespace causeway::cli {
namespace {

constexpr int kMaxLimit = 10'000;

void add_list_command(CLI::App& messages, Command& selected) {
    struct Args {
        DbArgs db;
        std::string state;
        uint32_t origin = 0;
        uint32_t destination = 0;
        int limit = 50;
    };
    auto args = std::make_shared<Args>();
    CLI::App* cmd = messages.add_subcommand("list", "Queued and delivered messages, newest first");
    add_db_options(cmd, args->db);
    auto* state = cmd->add_option("--state", args->state, "only messages in this state")
                      ->check(CLI::Validator(
                          [](std::string& name) -> std::string {
                              if (db::parse_message_state(name)) return {};
                              return "unknown state '" + name + "' (one of: " + join(state_names()) + ")";
                          },
                          "STATE"));
    auto* origin = cmd->add_option("--origin", args->origin, "only messages from this domain");
    auto* destination = cmd->add_option("--destination", args->destination, "only messages to this domain");
    cmd->add_option("--limit", args->limit, "at most this many")
        ->capture_default_str()
        ->check(CLI::Range(1, kMaxLimit));
    cmd->footer(
        "States: " + join(state_names()) +
        ". Delivered messages come from the history table. NEXT RUN is when a worker may next claim the"
        " message (\"never\" for dead letters and orphans); HELD is a route limit holding it.");
    cmd->callback([args, state, origin, destination, &selected] {
        db::MessageFilter filter;
        if (state->count() > 0) filter.state = db::parse_message_state(args->state);
        if (origin->count() > 0) filter.origin = args->origin;
        if (destination->count() > 0) filter.destination = args->destination;
        filter.limit = args->limit;
        resolve_db(args->db);
        selected = guarded([args, filter] {
            auto conn = open_database(args->db);
            return messages_list(conn, filter, args->db.format(), std::cout);
        });
    });
}

struct IdArgs {
    DbArgs db;
    std::string id;
    std::string reason;
    std::string actor;
};

CLI::App* add_id_subcommand(CLI::App& messages, IdArgs& args, const std::string& name,
                            const std::string& help) {
    CLI::App* cmd = messages.add_subcommand(name, help);
    add_db_options(cmd, args.db);
    cmd->add_option("id", args.id, "the message id (0x and 64 hex digits)")
        ->required()
        ->check(id_validator());
    return cmd;
}

void add_inspect_command(CLI::App& messages, Command& selected) {
    auto args = std::make_shared<IdArgs>();
    CLI::App* cmd = add_id_subcommand(messages, *args, "inspect",
                                      "Every field of one message, from the queue or the delivered history");
    cmd->footer("Exit 1 when the message is not found.");
    cmd->callback([args, &selected] {
        const Hash id = *hash_from_hex(args->id);
        resolve_db(args->db);
        selected = guarded([args, id] {
            auto conn = open_database(args->db);
            return messages_inspect(conn, id, args->db.format(), std::cout);
        });
    });
}

void add_retry_command(CLI::App& messages, Command& selected) {
    auto args = std::make_shared<IdArgs>();
    CLI::App* cmd = add_id_subcommand(
        messages, *args, "retry",
        "Run a dead-lettered (failed_permanent) or retrying message again now, attempts reset");
    cmd->add_option("--reason", args->reason, "why, for the audit log (recommended)");
    add_actor_option(cmd, args->actor);
    cmd->footer(
        "Exit 1 when the message is not found or cannot be retried (another state, or a worker holds"
        " it); the refusal is audited too.");
    cmd->callback([args, &selected] {
        const Hash id = *hash_from_hex(args->id);
        resolve_db(args->db);
        const Audit audit{resolve_actor(args->actor), args->reason};
        selected = guarded([args, id, audit] {
            auto conn = open_database(args->db);
            return messages_retry(conn, id, audit, args->db.format(), std::cout);
        });
    });
}

}  // namespace

void add_messages_command(CLI::App& app, Command& selected) {
    CLI::App* messages = app.add_subcommand("messages", "Messages: list, inspect one, retry a dead letter");
    messages->require_subcommand(1);
    add_list_command(*messages, selected);
    add_inspect_command(*messages, selected);
    add_retry_command(*messages, selected);
}

}  // namespace causeway::cli
