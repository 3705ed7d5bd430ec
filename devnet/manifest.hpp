// DIR/manifest.json, which `causeway devnet up` writes and every other devnet command reads.
#pragma once

#include <boost/json/object.hpp>
#include <filesystem>
#include <optional>
#include <string_view>

namespace causeway::devnet {

// The manifest, or nullopt when DIR has none; throws std::runtime_error when it does not parse.
std::optional<boost::json::object> read_manifest(const std::filesystem::path& dir);

// The key file of a devnet role ("trader", "proposer", ...); throws when there is no devnet in DIR
// or no such role.
std::filesystem::path role_key_file(const std::filesystem::path& dir, std::string_view role);

}  // namespace causeway::devnet
