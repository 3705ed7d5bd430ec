// `causeway db migrate | status`.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cli/command.hpp"
#include "cli/commands/schema.hpp"
#include "cli/options.hpp"

namespace causeway::cli {

void add_db_command(CLI::App& app, Command& selected) {
    CLI::App* dbc = app.add_subcommand("db", "The PostgreSQL schema: migrations and status");
    dbc->require_subcommand(1);

    auto migrate_args = std::make_shared<DbArgs>();
    auto migrate_actor = std::make_shared<std::string>();
    CLI::App* migrate = dbc->add_subcommand(
        "migrate", "Apply the schema migrations this causeway carries (a no-op when up to date)");
    add_db_options(migrate, *migrate_args);
    add_actor_option(migrate, *migrate_actor);
    migrate->footer(
        "A run that changes the schema writes an audit row (db.migrate) as the actor. Exit 1, changing "
        "nothing,"
        " when the schema is newer than this causeway or an applied migration was edited.");
    migrate->callback([migrate_args, migrate_actor, &selected] {
        resolve_db(*migrate_args);
        std::string actor;
        try {
            actor = resolve_actor(*migrate_actor);
        } catch (const CLI::ValidationError&) {
            actor = "causeway db migrate";  // no login name: the command itself
        }
        selected = guarded([migrate_args, actor] {
            auto conn = open_database(*migrate_args);
            return db_migrate(conn, actor, migrate_args->format(), std::cout);
        });
    });

    auto status_args = std::make_shared<DbArgs>();
    CLI::App* status = dbc->add_subcommand("status", "The schema's version and the queue's counts per state");
    add_db_options(status, *status_args);
    status->footer(
        "Exit 0 when the schema is current, 1 when it needs `causeway db migrate` (or a newer causeway).");
    status->callback([status_args, &selected] {
        resolve_db(*status_args);
        selected = guarded([status_args] {
            auto conn = open_database(*status_args);
            return db_status(conn, status_args->format(), std::cout);
        });
    });
}

}  // namespace causeway::cli
