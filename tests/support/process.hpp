// Child processes for tests, through causeway::os (os/process.hpp), the one process helper the
// devnet uses too: run a command and capture its output, keep a server (anvil, a node script)
// running for the life of an object, find free loopback ports.
#pragma once

#include <string>
#include <vector>

#include "os/process.hpp"

namespace causeway::test {

using CommandResult = os::RunResult;
using EnvChanges = os::EnvChanges;
// A background server for a test's length: its process group is stopped when the object goes.
using ChildProcess = os::Child;
using os::free_loopback_port;

// Runs argv[0] with its arguments (no shell), waits, and returns its exit code and stdout;
// standard error passes through to the test log.
inline CommandResult run_command(const std::vector<std::string>& argv) {
    return os::run(argv);
}

// As above, in this process's environment changed by `env`, capturing standard error in `err`
// (for tests of a command's messages and of settings read from the environment).
inline CommandResult run_command(const std::vector<std::string>& argv, const EnvChanges& env) {
    os::RunOptions options;
    options.env = env;
    options.stderr_to = os::Stderr::kCapture;
    return os::run(argv, options);
}

// `node <source_dir>/<script> args...`, throwing with its output when it exits non-zero.
std::string run_node(const std::string& script, const std::vector<std::string>& args = {});

// Waits until something accepts TCP connections on 127.0.0.1:port.
inline bool wait_for_port(int port, std::chrono::milliseconds timeout) {
    return os::wait_for_port(port, timeout);
}

}  // namespace causeway::test
