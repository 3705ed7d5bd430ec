// `causeway routes list | pause | resume | pauses | set | audit`.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include <boost/json.hpp>
#include <sstream>

#include "cli/command.hpp"
#include "cli/commands/keys.hpp"
#include "cli/commands/routes.hpp"
#include "cli/options.hpp"
#include "core/hex.hpp"
#include "core/u256.hpp"
#include "relayer/onchain_pause.hpp"

namespace causeway::cli {
namespace {

constexpr int kMaxLimit = 10'000;

// A command that only reads: --db, --schema, --json.
void add_read_command(CLI::App& routes, Command& selected, const std::string& name, const std::string& help,
                      int (*body)(db::Connection&, OutputFormat, std::ostream&)) {
    auto args = std::make_shared<DbArgs>();
    CLI::App* cmd = routes.add_subcommand(name, help);
    add_db_options(cmd, *args);
    cmd->callback([args, body, &selected] {
        resolve_db(*args);
        selected = guarded([args, body] {
            auto conn = open_database(*args);
            return body(conn, args->format(), std::cout);
        });
    });
}

void add_pause_command(CLI::App& routes, Command& selected, PauseAction action) {
    struct Args {
        DbArgs db;
        uint32_t origin = 0;
        uint32_t destination = 0;
        uint32_t chain = 0;
        bool all = false;
        std::string reason;
        std::string actor;
        bool onchain = false;
        std::filesystem::path config;
        std::optional<std::filesystem::path> key_file;
    };
    const bool pause = action == PauseAction::kPause;
    auto args = std::make_shared<Args>();
    CLI::App* cmd = routes.add_subcommand(
        pause ? "pause" : "resume",
        pause ? "Pause routes: workers stop claiming their messages at once; the messages keep their state"
              : "Resume paused routes: their messages are claimed again, in their old order");
    add_db_options(cmd, args->db);
    auto* origin = cmd->add_option("--origin", args->origin, "routes from this domain");
    auto* destination = cmd->add_option("--destination", args->destination, "routes to this domain");
    auto* chain = cmd->add_option("--chain", args->chain, "every route from or to this domain");
    cmd->add_flag("--all", args->all, "every route");
    auto* reason = cmd->add_option("--reason", args->reason, "why, for the audit log");
    if (pause) reason->required();
    add_actor_option(cmd, args->actor);
    const std::string key_env = pause ? "CAUSEWAY_GUARDIAN_KEY" : "CAUSEWAY_OWNER_KEY";
    auto* onchain =
        cmd->add_flag("--onchain", args->onchain,
                      pause ? "also pause each route in the destination's routing security module "
                              "(pauseOrigin, from the module's guardian key)"
                            : "also resume each route in the destination's routing security module "
                              "(resumeOrigin, from the module's owner key)");
    cmd->add_option("--config", args->config,
                    "with --onchain: a relayer YAML file naming the chains and their routing_ism")
        ->check(CLI::ExistingFile)
        ->needs(onchain);
    cmd->add_option("--key-file", args->key_file,
                    "with --onchain: file holding the " + std::string(pause ? "guardian" : "owner") +
                        "'s hex private key, mode 0600 (default: $" + key_env + ")")
        ->needs(onchain);
    cmd->footer(
        std::string("Choose the routes with --origin and/or --destination, --chain, or --all. ") +
        (pause ? "The pause stands for its scope: routes created later in it (a first message observed, or "
                 "`routes set`) start paused, until a resume covering the scope lifts it (`routes pauses` "
                 "lists them). "
               : "Lifts the standing pauses inside the scope too. ") +
        "Exit 0 also when nothing changed (the routes were already " + (pause ? "paused" : "active") +
        " or none exist yet: the output says so; --json has `matched` and `changed`). Audited with --actor"
        " and --reason. " +
        (pause ? "With --onchain the queue is paused first (our relayers stop at once), then each configured "
                 "route in scope on its destination chain (anybody's deliveries stop); exit 1 if a chain "
                 "refuses, the queue's pause standing."
               : "With --onchain each configured route in scope is resumed on its destination chain first, "
                 "then in the queue; exit 1 if a chain refuses, the queue unchanged."));
    cmd->callback([args, origin, destination, chain, action, &selected] {
        db::RouteScope scope;
        if (origin->count() > 0) scope.origin = args->origin;
        if (destination->count() > 0) scope.destination = args->destination;
        if (chain->count() > 0) scope.chain = args->chain;
        scope.all = args->all;
        if (const auto problem = scope.problem(); !problem.empty()) throw CLI::ValidationError(problem);
        resolve_db(args->db);
        const Audit audit{resolve_actor(args->actor), args->reason};
        if (args->onchain && args->config.empty())
            throw CLI::ValidationError("--onchain needs --config FILE");
        selected = guarded([args, scope, audit, action] {
            auto conn = open_database(args->db);
            if (!args->onchain) return routes_pause(conn, scope, action, audit, args->db.format(), std::cout);
            const bool pause = action == PauseAction::kPause;
            const auto config = relayer::load_relayer_config(args->config);
            const auto key = load_private_key(args->key_file, std::cerr,
                                              pause ? "CAUSEWAY_GUARDIAN_KEY" : "CAUSEWAY_OWNER_KEY");
            if (relayer::configured_routes_in(config, scope).empty())
                throw CommandError("no route of " + args->config.string() + " is in the scope " +
                                   scope.describe());
            // A pause holds our relayers first; a resume frees the chains first.
            std::ostringstream queue_out;
            int status = 0;
            if (pause) status = routes_pause(conn, scope, action, audit, args->db.format(), queue_out);
            boost::json::array changes;
            std::string text;
            bool failed = false;
            for (const auto& o : relayer::set_onchain_pauses(config, key.key, scope, pause, conn, audit.actor,
                                                             audit.reason)) {
                changes.push_back(boost::json::parse(o.json()));
                if (!o.change) {
                    failed = true;
                    text += "on chain: " + o.change.error() + "\n";
                    continue;
                }
                text += "on chain: " + o.target() + (pause ? " paused" : " resumed") + " in " +
                        to_checksum_hex(o.change->module) + " by " + to_hex(o.change->transaction) +
                        " (block " + std::to_string(o.change->block) + ")\n";
            }
            if (!pause && !failed)
                status = routes_pause(conn, scope, action, audit, args->db.format(), queue_out);
            if (args->db.format() == OutputFormat::kJson) {
                boost::json::object out;
                if (!queue_out.str().empty()) out = boost::json::parse(queue_out.str()).as_object();
                out["onchain"] = std::move(changes);
                std::cout << boost::json::serialize(out) << std::endl;
            } else {
                std::cout << queue_out.str() << text;
                if (failed && !pause) std::cout << "the queue's routes were left paused" << std::endl;
                if (failed && pause) std::cout << "the queue's pause stands" << std::endl;
            }
            return failed ? 1 : status;
        });
    });
}

void add_set_command(CLI::App& routes, Command& selected) {
    struct Args {
        DbArgs db;
        uint32_t origin = 0;
        uint32_t destination = 0;
        std::string mode;
        double rate = 0;
        double burst = 0;
        bool no_rate_limit = false;
        std::string daily_cap;
        bool no_daily_cap = false;
        std::string big_transfer;
        std::string big_transfer_delay;
        bool no_big_transfer = false;
        std::string reason;
        std::string actor;
    };
    auto args = std::make_shared<Args>();
    CLI::App* cmd = routes.add_subcommand(
        "set", "Create a route or change its security mode and limits (fields not given keep their value)");
    add_db_options(cmd, args->db);
    cmd->add_option("--origin", args->origin, "the route's origin domain")->required();
    cmd->add_option("--destination", args->destination, "the route's destination domain")->required();
    auto* mode = cmd->add_option("--mode", args->mode, "security mode")
                     ->check(CLI::IsMember({"committee", "optimistic", "validity"}));
    auto* rate = cmd->add_option("--rate", args->rate, "token bucket refill, messages per second")
                     ->check(CLI::PositiveNumber);
    auto* burst = cmd->add_option("--burst", args->burst, "token bucket capacity (at least 1)")
                      ->check(CLI::Range(1.0, 1e15));
    rate->needs(burst);
    burst->needs(rate);
    auto* no_rate = cmd->add_flag("--no-rate-limit", args->no_rate_limit, "remove the rate limit");
    no_rate->excludes(rate)->excludes(burst);
    auto* cap =
        cmd->add_option("--daily-cap", args->daily_cap, "notional admitted over any 24 hours (base units)")
            ->check(u256_validator());
    auto* no_cap = cmd->add_flag("--no-daily-cap", args->no_daily_cap, "remove the daily cap");
    no_cap->excludes(cap);
    auto* big = cmd->add_option("--big-transfer", args->big_transfer,
                                "transfers of at least this amount wait --big-transfer-delay")
                    ->check(u256_validator());
    auto* delay =
        cmd->add_option("--big-transfer-delay", args->big_transfer_delay,
                        "how long big transfers wait after being observed: 86400, 90s, 30m, 24h, 1d")
            ->check(duration_validator());
    auto* no_big =
        cmd->add_flag("--no-big-transfer", args->no_big_transfer, "remove the big-transfer threshold");
    no_big->excludes(big)->excludes(delay);
    cmd->add_option("--reason", args->reason, "why, for the audit log")->required();
    add_actor_option(cmd, args->actor);
    cmd->footer(
        "Amounts are in the token's base units (decimal, or hex after 0x). With no limit given it only"
        " creates the route (unlimited, active), so that a route can be paused before its first message."
        " Audited with --actor and --reason.");
    cmd->callback([args, mode, rate, cap, big, delay, &selected] {
        db::RouteUpdate u;
        u.origin = args->origin;
        u.destination = args->destination;
        if (mode->count() > 0) u.security_mode = args->mode;
        u.clear_rate_limit = args->no_rate_limit;
        if (rate->count() > 0) {
            u.rate_per_second = args->rate;
            u.burst = args->burst;
        }
        u.clear_daily_cap = args->no_daily_cap;
        if (cap->count() > 0) u.daily_cap = *parse_u256(args->daily_cap);
        u.clear_big_transfer_threshold = args->no_big_transfer;
        if (big->count() > 0) u.big_transfer_threshold = *parse_u256(args->big_transfer);
        if (delay->count() > 0) u.big_transfer_delay = *parse_duration(args->big_transfer_delay);
        resolve_db(args->db);
        const Audit audit{resolve_actor(args->actor), args->reason};
        selected = guarded([args, u, audit] {
            auto conn = open_database(args->db);
            return routes_set(conn, u, audit, args->db.format(), std::cout);
        });
    });
}

void add_audit_command(CLI::App& routes, Command& selected) {
    struct Args {
        DbArgs db;
        int limit = 50;
    };
    auto args = std::make_shared<Args>();
    CLI::App* cmd = routes.add_subcommand(
        "audit", "The audit log of operator actions (routes and messages), newest first");
    add_db_options(cmd, args->db);
    cmd->add_option("--limit", args->limit, "at most this many entries")
        ->capture_default_str()
        ->check(CLI::Range(1, kMaxLimit));
    cmd->callback([args, &selected] {
        resolve_db(args->db);
        selected = guarded([args] {
            auto conn = open_database(args->db);
            return routes_audit(conn, args->limit, args->db.format(), std::cout);
        });
    });
}

}  // namespace

void add_routes_command(CLI::App& app, Command& selected) {
    CLI::App* routes =
        app.add_subcommand("routes", "Routes: list, pause, resume, set limits, read the audit log");
    routes->require_subcommand(1);
    add_read_command(*routes, selected, "list", "Every route with its state, limits and queued messages",
                     routes_list);
    add_pause_command(*routes, selected, PauseAction::kPause);
    add_pause_command(*routes, selected, PauseAction::kResume);
    add_read_command(*routes, selected, "pauses",
                     "Standing pauses: scopes in which routes created later start paused, oldest first",
                     routes_pauses);
    add_set_command(*routes, selected);
    add_audit_command(*routes, selected);
}

}  // namespace causeway::cli
