// A devnet for a test: `causeway devnet up` in a fresh folder (through the executable the test
// names), its manifest read, and `down` however the test case ends.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace causeway::test {

class Devnet {
  public:
    // Throws std::runtime_error with the command's output when the devnet does not come up.
    explicit Devnet(std::string causeway_bin);
    ~Devnet();
    Devnet(const Devnet&) = delete;
    Devnet& operator=(const Devnet&) = delete;

    // `causeway ARGS...`.
    [[nodiscard]] CommandResult cli(const std::vector<std::string>& args) const;

    struct Moved {
        Hash id;             // the message
        uint64_t block = 0;  // where the origin dispatched it
    };
    // `causeway devnet move-margin`; throws when it fails.
    Moved move_margin(uint64_t amount, uint32_t from = 901, uint32_t to = 902) const;

    [[nodiscard]] const boost::json::object& manifest() const noexcept { return manifest_; }
    [[nodiscard]] const boost::json::object& chain(std::size_t i) const;  // 0 the L1, 1 and 2 the L2s
    [[nodiscard]] const std::filesystem::path& dir() const noexcept { return dir_; }
    // A folder for the test's own files next to the devnet's.
    [[nodiscard]] const TempDir& scratch() const noexcept { return tmp_; }

  private:
    std::string bin_;
    TempDir tmp_;
    std::filesystem::path dir_;
    boost::json::object manifest_;
};

// A JSON string member as std::string.
[[nodiscard]] std::string text_at(const boost::json::object& o, std::string_view key);

}  // namespace causeway::test
