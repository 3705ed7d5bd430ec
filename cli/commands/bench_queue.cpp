#include "cli/commands/bench_queue.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <pqxx/pqxx>
#include <sstream>
#include <thread>

#include "cli/commands/command_error.hpp"
#include "core/keccak.hpp"
#include "db/migrate.hpp"
#include "db/queue.hpp"

namespace causeway::cli {
namespace {

using Clock = std::chrono::steady_clock;

// Marks a schema this command made, so that it drops only its own.
constexpr std::string_view kSchemaMark = "causeway bench queue: dropped and recreated by every run";

double ms_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

double percentile(std::vector<double>& values, double p) {
    if (values.empty()) return 0;
    const auto k = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
    return values[k];
}

std::vector<db::NewMessage> make_messages(uint32_t count, const std::string& salt) {
    std::vector<db::NewMessage> out;
    out.reserve(count);
    const Hash sender = keccak256(to_view("bench-sender-" + salt));
    const Hash recipient = keccak256(to_view("bench-recipient"));
    for (uint32_t i = 0; i < count; ++i) {
        Message m;
        m.nonce = i;  // the index, so that consumers find the enqueue time
        m.origin = 901;
        m.destination = 902;
        m.sender = sender;
        m.recipient = recipient;
        CollateralBody body{recipient, u256(i), {}};
        encode(m.body, body);
        out.push_back(db::observed_message(m, 1000 + i / 100,
                                           keccak256(to_view("block" + std::to_string(i / 100))), i % 100));
    }
    return out;
}

db::Connection open(const BenchQueueOptions& o, const std::string& role) {
    return db::Connection::open({o.url, o.schema, "causeway-bench-" + role});
}

}  // namespace

int run_bench_queue(const BenchQueueOptions& o, std::ostream& result) {
    {
        // Only a schema this command made (or none) is dropped: never causeway's, never another's.
        auto admin = db::Connection::open({o.url, o.schema, "causeway-bench"});
        pqxx::work tx(admin.raw());
        const auto found = tx.exec_params(
            "SELECT coalesce(obj_description(oid, 'pg_namespace'), '') FROM pg_namespace WHERE nspname = $1",
            o.schema);
        if (!found.empty() && found[0][0].as<std::string>() != kSchemaMark) {
            throw CommandError("schema '" + o.schema +
                               "' exists and was not made by `causeway bench queue`, which drops its schema"
                               " first; choose another --schema");
        }
        tx.exec("DROP SCHEMA IF EXISTS " + o.schema + " CASCADE");
        tx.exec("CREATE SCHEMA " + o.schema);
        tx.exec("COMMENT ON SCHEMA " + o.schema + " IS " + tx.quote(std::string(kSchemaMark)));
        tx.commit();
    }
    {
        auto conn = open(o, "migrate");
        (void)db::migrate(conn);
    }
    // Run-unique ids, so that nothing collides with a previous run's history either.
    const std::string salt = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
    const auto messages = make_messages(o.messages, salt);

    std::vector<Clock::time_point> enqueued_at(o.messages);
    std::atomic<uint32_t> completed{0};
    std::atomic<bool> failed{false};
    std::mutex latencies_mutex;
    std::vector<double> claim_to_complete;
    std::vector<double> enqueue_to_complete;
    claim_to_complete.reserve(o.messages);
    enqueue_to_complete.reserve(o.messages);
    std::string failure;

    // Connections first, so that connecting is not timed.
    std::vector<db::Connection> producer_conns;
    std::vector<db::Connection> consumer_conns;
    for (int i = 0; i < o.producers; ++i) producer_conns.push_back(open(o, "producer"));
    for (int i = 0; i < o.consumers; ++i) consumer_conns.push_back(open(o, "consumer"));

    const auto fail = [&](const std::exception& e) {
        std::lock_guard lock(latencies_mutex);
        if (!failed.exchange(true)) failure = e.what();
    };

    const auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < o.consumers; ++c) {
        threads.emplace_back([&, c] {
            try {
                db::Queue queue(consumer_conns[c]);
                db::QueueListener listener(consumer_conns[c]);
                const std::string owner = "bench-consumer-" + std::to_string(c);
                std::vector<double> mine;
                std::vector<double> mine_e2e;
                std::vector<db::Advance> done;
                while (completed.load() < o.messages && !failed.load()) {
                    const auto t_claim = Clock::now();
                    const auto claimed =
                        queue.claim(db::MessageState::kObserved, o.batch, owner, std::chrono::seconds(60));
                    if (claimed.empty()) {
                        (void)listener.wait(std::chrono::milliseconds(20));
                        (void)listener.take_payloads();
                        continue;
                    }
                    done.clear();
                    for (const auto& m : claimed)
                        done.push_back({m.id, db::MessageState::kDelivered, std::nullopt});
                    const auto result = queue.advance(done, owner);
                    const auto t_done = Clock::now();
                    if (!result.lost.empty()) throw CommandError("lost leases during the benchmark");
                    for (const auto& m : claimed) {
                        mine.push_back(ms_between(t_claim, t_done));
                        mine_e2e.push_back(ms_between(enqueued_at[m.message.nonce], t_done));
                    }
                    completed += static_cast<uint32_t>(claimed.size());
                }
                std::lock_guard lock(latencies_mutex);
                claim_to_complete.insert(claim_to_complete.end(), mine.begin(), mine.end());
                enqueue_to_complete.insert(enqueue_to_complete.end(), mine_e2e.begin(), mine_e2e.end());
            } catch (const std::exception& e) {
                fail(e);
            }
        });
    }
    for (int p = 0; p < o.producers; ++p) {
        threads.emplace_back([&, p] {
            try {
                db::Queue queue(producer_conns[p]);
                // Producer p takes batches p, p + P, p + 2P, ...
                for (std::size_t first = static_cast<std::size_t>(p) * o.batch;
                     first < messages.size() && !failed;
                     first += static_cast<std::size_t>(o.producers) * o.batch) {
                    const std::size_t n = std::min<std::size_t>(o.batch, messages.size() - first);
                    const auto t = Clock::now();
                    for (std::size_t i = first; i < first + n; ++i) enqueued_at[i] = t;
                    const auto r = queue.enqueue(std::span(messages).subspan(first, n));
                    if (r.inserted != n) throw CommandError("enqueue inserted fewer messages than given");
                }
            } catch (const std::exception& e) {
                fail(e);
            }
        });
    }
    for (auto& t : threads) t.join();
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (failed) throw CommandError("benchmark failed: " + failure);

    // Exactly once: every message is in history, none left in the queue.
    {
        auto conn = open(o, "check");
        pqxx::read_transaction tx(conn.raw());
        const auto row =
            tx.exec1("SELECT (SELECT count(*) FROM messages_history), (SELECT count(*) FROM messages)");
        if (row[0].as<int64_t>() != o.messages || row[1].as<int64_t>() != 0) {
            throw CommandError("after the run history holds " + row[0].as<std::string>() + " and the queue " +
                               row[1].as<std::string>() + " messages; expected " +
                               std::to_string(o.messages) + " and 0");
        }
    }

    // Wake-up latency: a consumer blocked in LISTEN, a producer enqueueing one message at a time.
    std::vector<double> wakeups;
    {
        auto consumer_conn = open(o, "listener");
        auto producer_conn = open(o, "notifier");
        db::QueueListener listener(consumer_conn);
        db::Queue producer(producer_conn);
        db::Queue consumer(consumer_conn);
        const auto extra = make_messages(static_cast<uint32_t>(o.notify_rounds), salt + "-notify");
        std::mutex m;
        std::condition_variable cv;
        std::atomic<int64_t> sent_at{0};
        bool waiting = false;
        std::thread waiter([&] {
            for (int r = 0; r < o.notify_rounds; ++r) {
                {
                    std::lock_guard lock(m);
                    waiting = true;
                }
                cv.notify_one();
                while (!listener.wait(std::chrono::seconds(5))) {
                }
                const auto woke = Clock::now();
                wakeups.push_back(std::chrono::duration<double, std::milli>(woke.time_since_epoch() -
                                                                            Clock::duration(sent_at.load()))
                                      .count());
                (void)listener.take_payloads();
                const auto claimed = consumer.claim(db::MessageState::kObserved, 10, "bench-listener",
                                                    std::chrono::seconds(60));
                std::vector<db::Advance> done;
                for (const auto& msg : claimed)
                    done.push_back({msg.id, db::MessageState::kDelivered, std::nullopt});
                (void)consumer.advance(done, "bench-listener");
            }
        });
        for (int r = 0; r < o.notify_rounds; ++r) {
            std::unique_lock lock(m);
            cv.wait(lock, [&] { return waiting; });
            waiting = false;
            lock.unlock();
            std::this_thread::sleep_for(std::chrono::milliseconds(2));  // let it block in the wait
            sent_at = Clock::now().time_since_epoch().count();
            (void)producer.enqueue(std::span(extra).subspan(static_cast<std::size_t>(r), 1));
        }
        waiter.join();
    }

    // Fixed decimals: Boost.JSON would print doubles in exponent form.
    const auto num = [](double v, int decimals) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
        return std::string(buf);
    };
    std::ostringstream out;
    out << "{\"messages\":" << o.messages << ",\"seconds\":" << num(seconds, 3)
        << ",\"per_second\":" << num(o.messages / seconds, 0)
        << ",\"p50_ms\":" << num(percentile(claim_to_complete, 0.50), 3)
        << ",\"p99_ms\":" << num(percentile(claim_to_complete, 0.99), 3)
        << ",\"latency\":\"claim to complete (from the claim that leased a batch to its delivery committed)\""
        << ",\"enqueue_to_complete_p50_ms\":" << num(percentile(enqueue_to_complete, 0.50), 3)
        << ",\"enqueue_to_complete_p99_ms\":" << num(percentile(enqueue_to_complete, 0.99), 3)
        << ",\"notify_p50_ms\":" << num(percentile(wakeups, 0.50), 3)
        << ",\"notify_p99_ms\":" << num(percentile(wakeups, 0.99), 3)
        << ",\"notify_rounds\":" << o.notify_rounds << ",\"producers\":" << o.producers
        << ",\"consumers\":" << o.consumers << ",\"batch\":" << o.batch << "}";
    result << out.str() << std::endl;
    return 0;
}

}  // namespace causeway::cli
