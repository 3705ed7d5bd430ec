// Background processes the devnet starts and later stops by PID: started detached (own session,
// output to a log file), checked for life, stopped with a signal and a deadline.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace causeway::devnet {

// Starts argv[0] (looked up on PATH) in a session of its own with stdin from /dev/null and
// stdout/stderr appended to `log`. Returns its PID; throws when it cannot be started.
pid_t spawn_detached(const std::vector<std::string>& argv, const std::filesystem::path& log);

// True while the process exists and is not a zombie.
bool alive(pid_t pid);

// Sends `signal`, waits up to `grace` for the process to go, then SIGKILLs it. True when gone.
bool stop(pid_t pid, int signal, std::chrono::milliseconds grace);

// A TCP port on 127.0.0.1 that nothing listens on now.
int free_loopback_port();
bool port_open(int port);
bool wait_for_port(int port, std::chrono::milliseconds timeout, pid_t owner = -1);

struct Captured {
    int exit_code = -1;
    std::string output;  // stdout and stderr together
};
// Runs a command to completion and captures what it printed.
Captured run(const std::vector<std::string>& argv);

}  // namespace causeway::devnet
