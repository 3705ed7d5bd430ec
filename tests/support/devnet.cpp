#include "tests/support/devnet.hpp"

#include <boost/json.hpp>
#include <stdexcept>

#include "core/hex.hpp"
#include "tests/support/vectors.hpp"

namespace causeway::test {

Devnet::Devnet(std::string causeway_bin) : bin_(std::move(causeway_bin)), tmp_("causeway-devnet") {
    // PostgreSQL runs as its own user when the tests run as root: it must reach the folder.
    std::filesystem::permissions(tmp_.path(), std::filesystem::perms::others_exec,
                                 std::filesystem::perm_options::add);
    dir_ = tmp_.path() / "net";
    const auto up = cli({"devnet", "up", "--dir", dir_.string()});
    if (up.exit_code != 0) throw std::runtime_error("devnet up failed:\n" + up.out);
    manifest_ = boost::json::parse(read_file(dir_ / "manifest.json")).as_object();
}

Devnet::~Devnet() {
    (void)cli({"devnet", "down", "--dir", dir_.string()});
}

CommandResult Devnet::cli(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{bin_};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
}

Devnet::Moved Devnet::move_margin(uint64_t amount, uint32_t from, uint32_t to) const {
    const auto r = cli({"devnet", "move-margin", "--dir", dir_.string(), "--amount", std::to_string(amount),
                        "--from", std::to_string(from), "--to", std::to_string(to)});
    const auto at = r.out.find("message 0x");
    const auto block_at = r.out.find(" in block ");
    if (r.exit_code != 0 || at == std::string::npos || block_at == std::string::npos)
        throw std::runtime_error("move-margin failed:\n" + r.out);
    return Moved{hash_from_hex(r.out.substr(at + 8, 66)).value(), std::stoull(r.out.substr(block_at + 10))};
}

const boost::json::object& Devnet::chain(std::size_t i) const {
    return manifest_.at("chains").as_array().at(i).as_object();
}

std::string text_at(const boost::json::object& o, std::string_view key) {
    return std::string(o.at(key).as_string());
}

}  // namespace causeway::test
