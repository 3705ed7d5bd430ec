// The queue under real concurrency: several workers, each with its own connection, over one
// PostgreSQL database; and a worker process killed while it holds leases.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <thread>

#include "db/queue.hpp"
#include "db/test_messages.hpp"
#include "db/test_threads.hpp"
#include "tests/support/postgres.hpp"

using namespace causeway;
using namespace std::chrono_literals;
using db::MessageState;
using db::test::scalar;
using db::test::test_messages;

TEST_CASE("4 concurrent workers over 10,000 messages deliver each exactly once", "[db][queue][concurrency]") {
    constexpr uint32_t kMessages = 10'000;
    constexpr int kWorkers = 4;
    test::Postgres pg;
    auto setup = pg.migrated();
    const auto messages = test_messages(kMessages);

    std::atomic<uint32_t> delivered{0};
    std::atomic<bool> failed{false};
    db::test::ThreadErrors errors;  // what the threads threw, reported once they are joined
    std::mutex mutex;
    std::map<Hash, int> deliveries;        // message id -> times a worker delivered it
    std::map<std::string, int> per_stage;  // stage -> messages advanced out of it
    std::vector<std::thread> threads;

    // Two producers enqueue while the workers run, in batches of 250 (every message twice over:
    // the second pass must insert nothing).
    for (int p = 0; p < 2; ++p) {
        threads.emplace_back([&, p] {
            try {
                auto conn = pg.connect();
                db::Queue queue(conn);
                for (int pass = 0; pass < 2; ++pass) {
                    for (std::size_t first = static_cast<std::size_t>(p) * 250; first < messages.size();
                         first += 500) {
                        const auto r = queue.enqueue(std::span(messages).subspan(first, 250));
                        if (pass == 1 && r.inserted != 0) failed = true;
                    }
                }
            } catch (const std::exception& e) {
                errors.record(e.what());
                failed = true;
            }
        });
    }
    // Each worker takes whatever stage has work: observed -> verified -> submitted -> delivered.
    for (int w = 0; w < kWorkers; ++w) {
        threads.emplace_back([&, w] {
            try {
                auto conn = pg.connect();
                db::Queue queue(conn);
                db::QueueListener listener(conn);
                const std::string owner = "worker-" + std::to_string(w);
                const std::pair<MessageState, MessageState> stages[] = {
                    {MessageState::kSubmitted, MessageState::kDelivered},
                    {MessageState::kVerified, MessageState::kSubmitted},
                    {MessageState::kObserved, MessageState::kVerified}};
                const auto deadline = std::chrono::steady_clock::now() + 240s;
                while (delivered.load() < kMessages && !failed &&
                       std::chrono::steady_clock::now() < deadline) {
                    bool worked = false;
                    for (const auto& [from, to] : stages) {
                        const auto claimed = queue.claim(from, 100, owner, 60s);
                        if (claimed.empty()) continue;
                        worked = true;
                        std::vector<db::Advance> next;
                        for (const auto& m : claimed) next.push_back({m.id, to, std::nullopt});
                        const auto r = queue.advance(next, owner);
                        if (r.advanced != claimed.size()) failed = true;
                        std::lock_guard lock(mutex);
                        per_stage[std::string(db::to_string(from))] += static_cast<int>(r.advanced);
                        if (to == MessageState::kDelivered) {
                            for (const auto& m : claimed) ++deliveries[m.id];
                            delivered += static_cast<uint32_t>(r.advanced);
                        }
                    }
                    if (!worked) (void)listener.wait(50ms);
                }
            } catch (const std::exception& e) {
                errors.record(e.what());
                failed = true;
            }
        });
    }
    for (auto& t : threads) t.join();

    for (const auto& e : errors.all()) WARN(e);
    REQUIRE(!failed);
    CHECK(delivered == kMessages);
    CHECK(deliveries.size() == kMessages);
    int max_times = 0;
    for (const auto& [id, times] : deliveries) max_times = std::max(max_times, times);
    CHECK(max_times == 1);
    for (const auto& m : messages) CHECK(deliveries.contains(m.id));
    CHECK(per_stage["observed"] == static_cast<int>(kMessages));
    CHECK(per_stage["verified"] == static_cast<int>(kMessages));
    CHECK(per_stage["submitted"] == static_cast<int>(kMessages));
    CHECK(scalar(setup, "SELECT count(*) FROM messages") == 0);
    CHECK(scalar(setup, "SELECT count(*) FROM messages_history") == kMessages);
    CHECK(scalar(setup,
                 "SELECT count(*) FROM messages_history WHERE verified_at IS NULL OR submitted_at IS NULL") ==
          0);
    WARN("delivered " << delivered.load() << " of " << kMessages << " messages, each exactly once; "
                      << kWorkers << " workers advanced " << per_stage["observed"] << " / "
                      << per_stage["verified"] << " / " << per_stage["submitted"]
                      << " out of observed / verified / submitted");
}

TEST_CASE("a worker killed mid-lease has its messages reclaimed after the lease expires",
          "[db][queue][concurrency]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    REQUIRE(queue.enqueue(test_messages(100)).inserted == 100);

    // A real worker process: it claims 60 messages under a 2 s lease, reports, and hangs.
    int pipe_fds[2];
    REQUIRE(pipe(pipe_fds) == 0);
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(pipe_fds[0]);
        int claimed = -1;
        try {
            auto own = db::Connection::open({pg.url(), "causeway", "doomed-worker"});
            db::Queue q(own);
            claimed = static_cast<int>(q.claim(MessageState::kObserved, 60, "doomed", 2s).size());
        } catch (...) {
        }
        (void)!write(pipe_fds[1], &claimed, sizeof claimed);
        for (;;) pause();
    }
    close(pipe_fds[1]);
    int claimed = 0;
    REQUIRE(read(pipe_fds[0], &claimed, sizeof claimed) == sizeof claimed);
    close(pipe_fds[0]);
    REQUIRE(claimed == 60);
    REQUIRE(kill(child, SIGKILL) == 0);
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status));
    const auto killed_at = std::chrono::steady_clock::now();

    // While the lease runs the rows stay with the dead worker.
    CHECK(scalar(conn, "SELECT count(*) FROM messages WHERE lease_owner = 'doomed'") == 60);
    const auto others = queue.claim(MessageState::kObserved, 1000, "survivor", 60s);
    CHECK(others.size() == 40);
    CHECK(queue.release_expired_leases() == 0);

    // After expiry they come back, to be delivered once.
    std::vector<db::QueuedMessage> reclaimed;
    while (reclaimed.size() < 60 && std::chrono::steady_clock::now() - killed_at < 20s) {
        auto more = queue.claim(MessageState::kObserved, 1000, "survivor", 60s);
        reclaimed.insert(reclaimed.end(), more.begin(), more.end());
        if (reclaimed.size() < 60) std::this_thread::sleep_for(100ms);
    }
    REQUIRE(reclaimed.size() == 60);
    CHECK(std::chrono::steady_clock::now() - killed_at >= 1s);
    for (const auto& m : reclaimed) CHECK(m.attempts == 2);
    auto done = db::test::advance_all(others, MessageState::kDelivered);
    const auto more = db::test::advance_all(reclaimed, MessageState::kDelivered);
    done.insert(done.end(), more.begin(), more.end());
    CHECK(queue.advance(done, "survivor").advanced == 100);
    CHECK(scalar(conn, "SELECT count(*) FROM messages_history") == 100);
    CHECK(scalar(conn, "SELECT count(*) FROM messages") == 0);
}

TEST_CASE("enqueue racing the delivery of the same messages never brings one back",
          "[db][queue][concurrency]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    constexpr uint32_t kMessages = 2'000;
    const auto messages = test_messages(kMessages);
    db::Queue queue(conn);
    REQUIRE(queue.enqueue(messages).inserted == kMessages);

    // One thread delivers everything while another keeps re-enqueueing the same block range.
    std::atomic<bool> done{false};
    std::atomic<std::size_t> reinserted{0};
    db::test::ThreadErrors errors;
    std::thread replayer = errors.start([&] {
        auto own = pg.connect();
        db::Queue q(own);
        while (!done) {
            for (std::size_t first = 0; first < messages.size(); first += 200) {
                reinserted += q.enqueue(std::span(messages).subspan(first, 200)).inserted;
            }
        }
    });
    std::size_t delivered = 0;
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    while (delivered < kMessages && std::chrono::steady_clock::now() < deadline) {
        const auto claimed = queue.claim(MessageState::kObserved, 50, "w", 60s);
        if (claimed.empty()) continue;
        delivered += queue.advance(db::test::advance_all(claimed, MessageState::kDelivered), "w").advanced;
    }
    done = true;
    replayer.join();
    INFO(errors.joined());
    CHECK(errors.count() == 0);
    CHECK(delivered == kMessages);
    CHECK(reinserted == 0);
    CHECK(scalar(conn, "SELECT count(*) FROM messages") == 0);
    CHECK(scalar(conn, "SELECT count(*) FROM messages_history") == kMessages);
}
