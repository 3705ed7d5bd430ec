#include "devnet/manifest.hpp"

#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace causeway::devnet {

std::optional<boost::json::object> read_manifest(const std::filesystem::path& dir) {
    std::ifstream in(dir / "manifest.json");
    if (!in) return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    auto value = boost::json::parse(text.str(), ec);
    if (ec || !value.is_object()) {
        throw std::runtime_error((dir / "manifest.json").string() + " is not a devnet manifest");
    }
    return value.as_object();
}

std::filesystem::path role_key_file(const std::filesystem::path& dir, std::string_view role) {
    const auto manifest = read_manifest(dir);
    if (!manifest)
        throw std::runtime_error("no devnet in " + dir.string() + " (start one with `causeway devnet up`)");
    const auto* keys = manifest->if_contains("keys");
    const auto* entry = keys != nullptr && keys->is_object() ? keys->as_object().if_contains(role) : nullptr;
    if (entry == nullptr) throw std::runtime_error("the devnet manifest has no key for " + std::string(role));
    return entry->at("key_file").as_string().c_str();
}

}  // namespace causeway::devnet
