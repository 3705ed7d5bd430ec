#include "tests/support/anvil.hpp"

#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "tests/support/vectors.hpp"

namespace causeway::test {

std::filesystem::path Anvil::binary() {
    return source_dir() / "node_modules" / ".bin" / "anvil";
}

bool Anvil::available() {
    return access(binary().c_str(), X_OK) == 0;
}

Anvil::Anvil(AnvilOptions options) : options_(std::move(options)) {
    if (!available())
        throw std::runtime_error("anvil not found at " + binary().string() + " (run scripts/setup)");
    // The port is free when chosen but another process may take it before anvil binds: retry.
    std::string last_error;
    for (int attempt = 0; attempt < 3; ++attempt) {
        port_ = options_.port ? *options_.port : free_loopback_port();
        std::vector<std::string> argv{binary().string(),
                                      "--host",
                                      "127.0.0.1",
                                      "--port",
                                      std::to_string(port_),
                                      "--chain-id",
                                      std::to_string(options_.chain_id),
                                      "--silent"};
        if (options_.block_time_s) {
            argv.push_back("--block-time");
            argv.push_back(std::to_string(*options_.block_time_s));
        }
        argv.insert(argv.end(), options_.extra_args.begin(), options_.extra_args.end());
        process_ = std::make_unique<ChildProcess>(argv);

        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (std::chrono::steady_clock::now() < deadline) {
            if (!process_->running()) break;
            if (wait_for_port(port_, std::chrono::milliseconds(200))) return;
        }
        last_error = process_->running() ? "did not open its port within 30 s" : "exited during start-up";
        process_.reset();
    }
    throw std::runtime_error("anvil " + last_error);
}

Anvil::~Anvil() {
    stop();
}

void Anvil::stop() {
    process_.reset();
}

std::string Anvil::url() const {
    return "http://127.0.0.1:" + std::to_string(port_);
}

}  // namespace causeway::test
