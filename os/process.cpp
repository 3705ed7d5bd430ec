#include "os/process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

namespace causeway::os {
namespace {

using namespace std::chrono_literals;

// Pointers into `strings`, null-terminated, for exec.
std::vector<char*> c_strings(const std::vector<std::string>& strings) {
    std::vector<char*> out;
    out.reserve(strings.size() + 1);
    for (const auto& s : strings) out.push_back(const_cast<char*>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

// Our environment with `changes` applied. Built before fork: between fork and exec only
// async-signal-safe calls are allowed.
std::vector<std::string> environment_with(const EnvChanges& changes) {
    std::vector<std::string> entries;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string_view entry(*e);
        const auto name = entry.substr(0, entry.find('='));
        bool changed = false;
        for (const auto& [n, v] : changes) changed = changed || n == name;
        if (!changed) entries.emplace_back(entry);
    }
    for (const auto& [name, value] : changes) {
        if (value) entries.push_back(name + "=" + *value);
    }
    return entries;
}

std::system_error last_error(const std::string& what) {
    return std::system_error(errno, std::generic_category(), what);
}

// A file descriptor closed when it goes (unless released), so that no path leaks one.
class Fd {
  public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        if (this != &other) {
            reset();
            fd_ = std::exchange(other.fd_, -1);
        }
        return *this;
    }
    ~Fd() { reset(); }
    [[nodiscard]] int get() const noexcept { return fd_; }
    void reset() noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

  private:
    int fd_ = -1;
};

struct Pipe {
    Fd read;
    Fd write;
};

// Both ends close on exec: a child started by another thread meanwhile inherits neither.
Pipe make_pipe() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw last_error("pipe");
    return Pipe{Fd(fds[0]), Fd(fds[1])};
}

// Standard input for children (close-on-exec here; dup2 clears it on the copy).
Fd dev_null() {
    return Fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
}

int wait_exit_code(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool zombie(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    std::getline(stat, text);
    const auto close_paren = text.rfind(')');
    return close_paren != std::string::npos && close_paren + 2 < text.size() && text[close_paren + 2] == 'Z';
}

sockaddr_in loopback(int port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    return addr;
}

}  // namespace

RunResult run(const std::vector<std::string>& argv, const RunOptions& options) {
    if (argv.empty()) throw std::invalid_argument("run: no program");
    const auto env = environment_with(options.env);
    auto envp = c_strings(env);
    auto args = c_strings(argv);

    const Fd null_fd = dev_null();
    Pipe out = make_pipe();
    Pipe err;
    if (options.stderr_to == Stderr::kCapture) err = make_pipe();
    const pid_t pid = fork();
    if (pid < 0) throw last_error("fork");
    if (pid == 0) {
        if (null_fd.get() >= 0) dup2(null_fd.get(), STDIN_FILENO);
        dup2(out.write.get(), STDOUT_FILENO);
        if (options.stderr_to == Stderr::kCapture) dup2(err.write.get(), STDERR_FILENO);
        if (options.stderr_to == Stderr::kMerge) dup2(out.write.get(), STDERR_FILENO);
        execvpe(args[0], args.data(), envp.data());
        _exit(127);
    }
    out.write.reset();
    err.write.reset();

    RunResult result;
    // Both pipes at once, so that a child filling one while we block on the other cannot stall.
    pollfd fds[2] = {{out.read.get(), POLLIN, 0}, {err.read.get(), POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    const nfds_t watched = err.read.get() >= 0 ? 2 : 1;
    int open_pipes = static_cast<int>(watched);
    char buf[65536];
    while (open_pipes > 0) {
        if (poll(fds, watched, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (nfds_t i = 0; i < watched; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            const ssize_t n = read(fds[i].fd, buf, sizeof(buf));
            if (n > 0) {
                sinks[i]->append(buf, static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                fds[i].fd = -1;  // closed with its Pipe
                --open_pipes;
            }
        }
    }
    result.exit_code = wait_exit_code(pid);
    return result;
}

pid_t spawn(const std::vector<std::string>& argv, const SpawnOptions& options) {
    if (argv.empty()) throw std::invalid_argument("spawn: no program");
    const std::string log = options.log.empty() ? std::string("/dev/null") : options.log.string();
    const int log_flags =
        O_WRONLY | O_CREAT | O_CLOEXEC | (options.log_mode == LogMode::kAppend ? O_APPEND : O_TRUNC);
    const Fd log_fd(::open(log.c_str(), log_flags, 0644));
    if (log_fd.get() < 0)
        throw std::runtime_error("cannot open log file " + log + ": " + std::strerror(errno));
    const Fd null_fd = dev_null();
    // The child reports a failed exec through this pipe; a successful exec closes it unwritten.
    Pipe status = make_pipe();
    auto args = c_strings(argv);
    const pid_t pid = fork();
    if (pid < 0) throw last_error("fork");
    if (pid == 0) {
        setsid();
        if (null_fd.get() >= 0) dup2(null_fd.get(), STDIN_FILENO);
        dup2(log_fd.get(), STDOUT_FILENO);
        dup2(log_fd.get(), STDERR_FILENO);
        execvp(args[0], args.data());
        const int error = errno;
        (void)!write(status.write.get(), &error, sizeof error);
        _exit(127);
    }
    status.write.reset();
    int error = 0;
    ssize_t n;
    while ((n = read(status.read.get(), &error, sizeof error)) < 0 && errno == EINTR) {
    }
    if (n == static_cast<ssize_t>(sizeof error)) {
        (void)wait_exit_code(pid);
        throw std::runtime_error("cannot run " + argv.front() + ": " + std::strerror(error));
    }
    return pid;
}

bool alive(pid_t pid) {
    if (pid <= 0) return false;
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return false;  // our own child, reaped now
    return kill(pid, 0) == 0 && !zombie(pid);
}

bool stop(pid_t pid, int signal, std::chrono::milliseconds grace, SignalTarget target) {
    if (pid <= 0) return true;
    const bool group = target == SignalTarget::kGroup;
    // A group outlives its leader: its members count until the last one has gone. alive() reaps
    // the leader when it is our child.
    const auto running = [&] {
        const bool leader = alive(pid);
        return group ? kill(-pid, 0) == 0 || leader : leader;
    };
    if (!running()) return true;
    const pid_t to = group ? -pid : pid;
    kill(to, signal);
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!running()) return true;
        std::this_thread::sleep_for(20ms);
    }
    kill(to, SIGKILL);
    for (int i = 0; i < 100 && running(); ++i) std::this_thread::sleep_for(20ms);
    return !running();
}

Child::Child(const std::vector<std::string>& argv, const SpawnOptions& options)
    : pid_(spawn(argv, options)) {}

Child::~Child() {
    stop();
}

bool Child::running() {
    if (pid_ <= 0) return false;
    if (!alive(pid_)) {
        pid_ = -1;
        return false;
    }
    return true;
}

void Child::stop() {
    if (pid_ <= 0) return;
    (void)os::stop(pid_, SIGTERM, 5s, SignalTarget::kGroup);
    pid_ = -1;
}

int free_loopback_port() {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw last_error("socket");
    sockaddr_in addr = loopback(0);
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        const auto error = last_error("cannot find a free loopback port: bind");
        ::close(fd);
        throw error;
    }
    socklen_t len = sizeof(addr);
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

bool port_open(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    const sockaddr_in addr = loopback(port);
    const bool ok = connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0;
    ::close(fd);
    return ok;
}

bool wait_for_port(int port, std::chrono::milliseconds timeout, pid_t owner) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        if (port_open(port)) return true;
        if (owner > 0 && !alive(owner)) return false;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(25ms);
    }
}

}  // namespace causeway::os
