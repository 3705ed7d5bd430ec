// A throwaway anvil chain for tests: started on a free loopback port, stopped when destroyed.
// Independent of causeway's own RPC client, so tests of that client can use it.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/process.hpp"
#include "tests/support/skip.hpp"

namespace causeway::test {

struct AnvilOptions {
    uint64_t chain_id = 31337;
    std::optional<uint64_t> block_time_s;  // interval mining; default: a block per transaction
    std::optional<int> port;               // default: a free loopback port
    std::vector<std::string> extra_args;
};

class Anvil {
  public:
    // anvil's default accounts (mnemonic "test test test test test test test test test test test
    // junk"): publicly known development keys, each funded with 10000 ETH. Never use elsewhere.
    static constexpr std::array<std::string_view, 3> kDevKeys = {
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    };
    static constexpr std::array<std::string_view, 3> kDevAddresses = {
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    };

    // <source>/node_modules/.bin/anvil (scripts/setup installs it).
    [[nodiscard]] static std::filesystem::path binary();
    [[nodiscard]] static bool available();

    // Starts anvil and waits until it accepts connections; throws when it cannot.
    explicit Anvil(AnvilOptions options = {});
    ~Anvil();
    Anvil(const Anvil&) = delete;
    Anvil& operator=(const Anvil&) = delete;

    [[nodiscard]] int port() const noexcept { return port_; }
    [[nodiscard]] std::string url() const;  // "http://127.0.0.1:<port>"
    [[nodiscard]] uint64_t chain_id() const noexcept { return options_.chain_id; }
    [[nodiscard]] bool running() { return process_ && process_->running(); }
    void stop();

  private:
    AnvilOptions options_;
    int port_ = 0;
    std::unique_ptr<ChildProcess> process_;
};

}  // namespace causeway::test

// Skips the test case (tests/support/skip.hpp) when anvil is not installed.
#define CAUSEWAY_REQUIRE_ANVIL()                                                                        \
    do {                                                                                                \
        if (!::causeway::test::Anvil::available())                                                      \
            ::causeway::test::skip("anvil not found at " + ::causeway::test::Anvil::binary().string() + \
                                   " (run scripts/setup)");                                             \
    } while (false)
