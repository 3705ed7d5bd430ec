// `causeway bench queue`: the queue's throughput against a live PostgreSQL
// (cli/commands/bench_queue.hpp).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cli/command.hpp"
#include "cli/commands/bench_queue.hpp"
#include "cli/options.hpp"
#include "db/connection.hpp"

namespace causeway::cli {

void add_bench_command(CLI::App& app, Command& selected) {
    auto* bench = app.add_subcommand("bench", "Benchmarks against a live system");
    bench->require_subcommand(1);
    auto* queue = bench->add_subcommand(
        "queue",
        "Enqueue-to-complete throughput of the PostgreSQL queue and NOTIFY wake-up latency.\nDrops and"
        " recreates its own schema (--schema, default causeway_bench) in the database;\nprints one JSON"
        " line.");
    auto o = std::make_shared<BenchQueueOptions>();
    queue->add_option("--db", o->db, "PostgreSQL URL (default: $CAUSEWAY_DB_URL)");
    queue->add_option("--schema", o->schema, "Schema to run in, made by this command; dropped first")
        ->capture_default_str()
        ->check(schema_name_validator())
        ->check(CLI::Validator(
            [](std::string& name) -> std::string {
                return name == db::kDefaultSchema ? "the benchmark drops its schema; it will not use " + name
                                                  : std::string{};
            },
            "NAME"));
    queue->add_option("--messages", o->messages, "Messages to move")
        ->capture_default_str()
        ->check(CLI::Range(1u, 100'000'000u));
    queue->add_option("--producers", o->producers, "Producer threads")
        ->capture_default_str()
        ->check(CLI::Range(1, 64));
    queue->add_option("--consumers", o->consumers, "Consumer threads")
        ->capture_default_str()
        ->check(CLI::Range(1, 64));
    queue->add_option("--batch", o->batch, "Messages per enqueue and per claim")
        ->capture_default_str()
        ->check(CLI::Range(1, 10'000));
    queue->add_option("--notify-rounds", o->notify_rounds, "Wake-ups to time")
        ->capture_default_str()
        ->check(CLI::Range(1, 100'000));
    queue->footer(
        "Exit 2 on bad options or no database; exit 1 when the run fails (a message lost or"
        " delivered twice is a failure).");
    queue->callback([&selected, o] {
        o->url = db_url_or_usage_error(o->db);
        selected = guarded([o] { return run_bench_queue(*o, std::cout); });
    });
}

}  // namespace causeway::cli
