// Worker threads in the db tests. Catch2 v2's macros are not thread-safe, so a thread only
// records what went wrong, here, and the test's own thread asserts on it after join().
#pragma once

#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace causeway::db::test {

class ThreadErrors {
  public:
    void record(std::string what) {
        std::lock_guard lock(mutex_);
        errors_.push_back(std::move(what));
    }

    // A thread running `f`; what it throws is recorded rather than ending the test run.
    template <typename F>
    std::thread start(F f) {
        return std::thread([this, f = std::move(f)]() mutable {
            try {
                f();
            } catch (const std::exception& e) {
                record(e.what());
            } catch (...) {
                record("an exception that is not a std::exception");
            }
        });
    }

    [[nodiscard]] std::vector<std::string> all() const {
        std::lock_guard lock(mutex_);
        return errors_;
    }
    [[nodiscard]] std::size_t count() const {
        std::lock_guard lock(mutex_);
        return errors_.size();
    }
    // One per line, for INFO.
    [[nodiscard]] std::string joined() const {
        std::lock_guard lock(mutex_);
        std::string out;
        for (const auto& e : errors_) out += e + "\n";
        return out;
    }

  private:
    mutable std::mutex mutex_;
    std::vector<std::string> errors_;
};

}  // namespace causeway::db::test
