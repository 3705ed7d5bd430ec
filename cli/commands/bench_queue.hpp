// `causeway bench queue`: enqueue-to-complete throughput of the PostgreSQL queue, as a relayer
// drives it: P producer threads enqueue batches while C consumer threads claim batches under a
// lease and complete them (delivered -> history), each on its own connection, woken by NOTIFY.
// Then the wake-up latency: how long a NOTIFY takes to reach a consumer blocked waiting for one.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace causeway::cli {

struct BenchQueueOptions {
    std::optional<std::string> db;
    std::string url;  // resolved while parsing
    std::string schema = "causeway_bench";
    uint32_t messages = 100'000;
    int producers = 2;
    int consumers = 4;
    int batch = 500;
    int notify_rounds = 200;
};

// Runs in a schema of its own, dropped and recreated first (one this command made: it refuses to
// drop another). Prints one JSON line on `out`; exit 1 (CommandError) when a message is lost or
// delivered twice.
int run_bench_queue(const BenchQueueOptions& options, std::ostream& out);

}  // namespace causeway::cli
