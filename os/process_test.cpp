#include "os/process.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/temp_dir.hpp"

using namespace causeway;
using namespace std::chrono_literals;

TEST_CASE("run captures standard output and the exit code", "[os][process]") {
    const auto r = os::run({"sh", "-c", "printf 'out'; printf 'err' >&2; exit 3"}, os::Stderr::kCapture);
    CHECK(r.exit_code == 3);
    CHECK(r.out == "out");
    CHECK(r.err == "err");

    const auto merged = os::run({"sh", "-c", "printf a; printf b >&2; printf c"}, os::Stderr::kMerge);
    CHECK(merged.out == "abc");
    CHECK(merged.err.empty());

    const auto killed = os::run({"sh", "-c", "kill -TERM $$"});
    CHECK(killed.exit_code == 128 + SIGTERM);

    CHECK(os::run({"causeway-no-such-program"}).exit_code == 127);
}

TEST_CASE("run sets and removes environment variables for the child only", "[os][process]") {
    ::setenv("CAUSEWAY_OS_TEST_KEEP", "kept", 1);
    ::setenv("CAUSEWAY_OS_TEST_DROP", "dropped", 1);
    const auto r =
        os::run({"sh", "-c",
                 "printf '%s|%s|%s' \"$CAUSEWAY_OS_TEST_KEEP\" \"${CAUSEWAY_OS_TEST_DROP-unset}\" "
                 "\"$CAUSEWAY_OS_TEST_NEW\""},
                os::RunOptions{{{"CAUSEWAY_OS_TEST_DROP", std::nullopt}, {"CAUSEWAY_OS_TEST_NEW", "new"}},
                               os::Stderr::kInherit});
    CHECK(r.out == "kept|unset|new");
    CHECK(std::string(::getenv("CAUSEWAY_OS_TEST_DROP")) == "dropped");
    ::unsetenv("CAUSEWAY_OS_TEST_KEEP");
    ::unsetenv("CAUSEWAY_OS_TEST_DROP");
}

TEST_CASE("spawn names a program that cannot start, and a child writes its log and is stopped",
          "[os][process]") {
    CHECK_THROWS_WITH(os::spawn({"causeway-no-such-program"}),
                      Catch::Contains("cannot run causeway-no-such-program"));

    test::TempDir dir("causeway-os");
    const auto log = dir.path() / "child.log";
    pid_t pid = -1;
    {
        os::Child child({"sh", "-c", "echo started; exec sleep 60"},
                        os::SpawnOptions{log, os::LogMode::kTruncate});
        pid = child.pid();
        REQUIRE(pid > 0);
        CHECK(child.running());
        CHECK(os::alive(pid));
        for (int i = 0; i < 100; ++i) {
            std::ifstream in(log);
            std::stringstream text;
            text << in.rdbuf();
            if (text.str() == "started\n") break;
            std::this_thread::sleep_for(20ms);
        }
        std::ifstream in(log);
        std::stringstream text;
        text << in.rdbuf();
        CHECK(text.str() == "started\n");
    }
    CHECK_FALSE(os::alive(pid));  // the destructor stopped it

    const pid_t detached = os::spawn({"sleep", "60"});
    CHECK(os::alive(detached));
    CHECK(os::stop(detached, SIGTERM, 2s));
    CHECK_FALSE(os::alive(detached));
}

TEST_CASE("stopping a group stops what its leader left behind", "[os][process]") {
    // The leader starts a member in its group and exits at once.
    const pid_t leader = os::spawn({"sh", "-c", "sleep 60 & exit 0"});
    for (int i = 0; i < 100 && os::alive(leader); ++i) std::this_thread::sleep_for(20ms);
    REQUIRE_FALSE(os::alive(leader));
    REQUIRE(kill(-leader, 0) == 0);  // the member still runs
    CHECK(os::stop(leader, SIGTERM, 2s, os::SignalTarget::kGroup));
    CHECK(kill(-leader, 0) != 0);
}

TEST_CASE("loopback ports: free, open, waited for", "[os][process]") {
    const int port = os::free_loopback_port();
    CHECK(port > 0);
    CHECK_FALSE(os::port_open(port));
    CHECK_FALSE(os::wait_for_port(port, 50ms));

    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(listen(fd, 4) == 0);
    CHECK(os::port_open(port));
    CHECK(os::wait_for_port(port, 1s));
    close(fd);

    // An owner that has exited ends the wait at once rather than at the timeout.
    const pid_t owner = os::spawn({"true"});
    const auto start = std::chrono::steady_clock::now();
    CHECK_FALSE(os::wait_for_port(os::free_loopback_port(), 10s, owner));
    CHECK(std::chrono::steady_clock::now() - start < 5s);
}
