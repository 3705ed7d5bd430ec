// Child processes for tests: run a command and capture its output, or keep a server (anvil,
// PostgreSQL) running for the life of an object.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace causeway::test {

struct CommandResult {
    int exit_code = -1;
    std::string out;  // standard output; standard error passes through to the test log
    std::string err;  // standard error, when captured (the variant that takes an environment)
};

// Runs argv[0] with its arguments (no shell), waits, and returns its exit code and stdout.
CommandResult run_command(const std::vector<std::string>& argv);

// Changes to a child's environment: a value sets the variable, nullopt removes it.
using EnvChanges = std::vector<std::pair<std::string, std::optional<std::string>>>;

// As above, in this process's environment changed by `env`, capturing standard error in `err`
// (for tests of a command's messages and of settings read from the environment).
CommandResult run_command(const std::vector<std::string>& argv, const EnvChanges& env);

// `node <source_dir>/<script> args...`, throwing with its output when it exits non-zero.
std::string run_node(const std::string& script, const std::vector<std::string>& args = {});

// A free TCP port on 127.0.0.1 (bound then released; good enough for tests on one machine).
int free_loopback_port();

// A background child process, terminated (SIGTERM, then SIGKILL) when destroyed.
class ChildProcess {
  public:
    explicit ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& log_file = {});
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    [[nodiscard]] bool running();
    void stop();
    [[nodiscard]] pid_t pid() const { return pid_; }

  private:
    pid_t pid_ = -1;
};

// Waits until something accepts TCP connections on 127.0.0.1:port.
bool wait_for_port(int port, std::chrono::milliseconds timeout);

}  // namespace causeway::test
