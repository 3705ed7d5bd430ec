// Child processes and loopback ports: the one place causeway starts other programs. The devnet
// starts its servers with it and stops them later by PID; the tests run commands, keep servers
// alive for a test's length, and find free ports with it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace causeway::os {

// Changes to a child's environment: a value sets the variable, nullopt removes it.
using EnvChanges = std::vector<std::pair<std::string, std::optional<std::string>>>;

// Where a child run to completion sends its standard error.
enum class Stderr {
    kInherit,  // to ours (a test's log)
    kCapture,  // into RunResult::err
    kMerge,    // into RunResult::out, interleaved as written
};

struct RunOptions {
    EnvChanges env;
    Stderr stderr_to = Stderr::kInherit;
};

struct RunResult {
    // 128 + the signal when a signal ended it; 127 when it could not start; -1 when it could not
    // be waited for.
    int exit_code = -1;
    std::string out;  // standard output (and standard error with Stderr::kMerge)
    std::string err;  // standard error with Stderr::kCapture
};

// Runs argv[0] (looked up on PATH; no shell) with its arguments, with standard input from
// /dev/null, and waits for it. Throws std::system_error when no process can be made.
RunResult run(const std::vector<std::string>& argv, const RunOptions& options = {});
inline RunResult run(const std::vector<std::string>& argv, Stderr stderr_to) {
    RunOptions options;
    options.stderr_to = stderr_to;
    return run(argv, options);
}

enum class LogMode { kAppend, kTruncate };

struct SpawnOptions {
    std::filesystem::path log;  // standard output and error; empty: /dev/null
    LogMode log_mode = LogMode::kAppend;
};

// Starts argv[0] in a session of its own (so it outlives our terminal, and its children can be
// signalled as one group) with standard input from /dev/null. Returns its PID once it runs the
// program; throws std::runtime_error naming the program when it cannot be started.
pid_t spawn(const std::vector<std::string>& argv, const SpawnOptions& options = {});
// With standard output and error appended to `log`.
inline pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& log) {
    SpawnOptions options;
    options.log = log;
    return spawn(argv, options);
}

// True while the process exists and has not exited (a zombie counts as gone; our own exited
// children are reaped here).
bool alive(pid_t pid);

enum class SignalTarget {
    kProcess,  // the process alone (a server that shuts its own workers down)
    kGroup,    // the process and everything it started in its group
};

// Sends `signal`, waits up to `grace` for the process (with kGroup: every process of its group,
// even after the leader has gone) to go, then SIGKILLs it. True when gone.
bool stop(pid_t pid, int signal, std::chrono::milliseconds grace,
          SignalTarget target = SignalTarget::kProcess);

// A spawned process owned by an object: SIGTERM to its group when it goes (SIGKILL after 5 s).
class Child {
  public:
    explicit Child(const std::vector<std::string>& argv, const SpawnOptions& options = {});
    ~Child();
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    [[nodiscard]] bool running();
    void stop();
    [[nodiscard]] pid_t pid() const noexcept { return pid_; }

  private:
    pid_t pid_ = -1;
};

// A TCP port on 127.0.0.1 that nothing listens on now (another process may take it before the
// caller binds it: callers that start servers retry).
int free_loopback_port();
// Whether something accepts TCP connections on 127.0.0.1:port.
bool port_open(int port);
// Waits until 127.0.0.1:port accepts connections; false after `timeout`, or as soon as `owner`
// (when given) has exited.
bool wait_for_port(int port, std::chrono::milliseconds timeout, pid_t owner = -1);

}  // namespace causeway::os
