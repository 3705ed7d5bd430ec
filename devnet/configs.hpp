// The daemons' configs that `causeway devnet up` writes into DIR/config (internal to
// causeway::devnet).
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <filesystem>
#include <span>
#include <string>

namespace causeway::devnet::detail {

// relayer-N.yaml (one per relayer port: replicas of one relayer), validator-N.yaml (one per port,
// each with its own schema and API port) and
// router.yaml: the chains with their contracts, the committee routes 901 <-> 902 (2 of the 3
// validators), the database and each role's key file.
void write_configs(const std::filesystem::path& config_dir, const boost::json::array& chains,
                   const boost::json::object& keys, const std::string& db_url,
                   std::span<const int> validator_ports, std::span<const int> relayer_ports);

}  // namespace causeway::devnet::detail
