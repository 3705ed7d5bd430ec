#include "devnet/configs.hpp"

#include <boost/json.hpp>
#include <span>
#include <sstream>
#include <utility>

#include "devnet/internal.hpp"

namespace causeway::devnet::detail {
namespace {

namespace json = boost::json;

std::string yaml_quote(const std::string& s) {
    return "\"" + s + "\"";
}

std::string chains_yaml(const json::array& chains, const json::object& keys,
                        std::span<const int> validator_ports) {
    std::ostringstream yaml;
    for (const auto& c : chains) {
        yaml << "  - name: " << text_of(c.as_object(), "name")
             << "\n    family: " << text_of(c.as_object(), "family")
             << "\n    chain_id: " << c.at("chain_id").to_number<int64_t>()
             << "\n    domain: " << c.at("domain").to_number<int64_t>()
             << "\n    rpc: " << yaml_quote(text_of(c.as_object(), "rpc")) << "\n";
        if (const auto* oracle = c.as_object().if_contains("output_oracle")) {
            yaml << "    output_oracle: " << yaml_quote(oracle->as_string().c_str())
                 << "  # on the L1\n    finalization_period_seconds: " << kFinalizationSeconds << "\n";
        }
        if (const auto* rollup = c.as_object().if_contains("zk_rollup")) {
            yaml << "    zk_rollup: " << yaml_quote(rollup->as_string().c_str())
                 << "  # on the L1\n    finalized_state_roots_slot: " << kFinalizedStateRootsSlot << "\n";
        }
        if (const auto* contracts = c.as_object().if_contains("contracts")) {
            yaml << "    contracts:\n";
            for (const auto& [name, value] : contracts->as_object()) {
                yaml << "      " << std::string(name) << ": "
                     << (value.is_string() ? yaml_quote(value.as_string().c_str()) : json::serialize(value))
                     << "\n";
            }
        }
    }
    // The committee every route trusts on the devnet: 2 of these 3.
    yaml << "routes:\n";
    for (const auto& [origin, destination] : {std::pair<int, int>{901, 902}, {902, 901}}) {
        yaml << "  - origin: " << origin << "\n    destination: " << destination
             << "\n    security_mode: committee\n    threshold: 2\n    validators:\n";
        for (std::size_t v = 0; v < std::size(kValidators); ++v) {
            yaml << "      - {address: "
                 << yaml_quote(text_of(keys.at(kValidators[v]).as_object(), "address"))
                 << ", url: " << yaml_quote("http://127.0.0.1:" + std::to_string(validator_ports[v]))
                 << "}\n";
        }
    }
    return yaml.str();
}

}  // namespace

void write_configs(const std::filesystem::path& config_dir, const json::array& chains,
                   const json::object& keys, const std::string& db_url, std::span<const int> validator_ports,
                   std::span<const int> relayer_ports) {
    const std::string chains_text = chains_yaml(chains, keys, validator_ports);
    const auto key_file = [&](const std::string& role) {
        return yaml_quote(text_of(keys.at(role).as_object(), "key_file"));
    };
    // The replicas share the database and the signer: one owns each chain's nonce stream at a time,
    // the other takes over when it stops.
    for (std::size_t r = 1; r <= relayer_ports.size(); ++r) {
        const std::string role = "relayer-" + std::to_string(r);
        write_file(config_dir / (role + ".yaml"),
                   "# causeway relayer replica " + std::to_string(r) + " of " +
                       std::to_string(relayer_ports.size()) +
                       " on the devnet (written by `causeway devnet up`)\nreplica: " + role +
                       "\ndatabase: " + yaml_quote(db_url) + "\nkey_file: " + key_file("relayer") +
                       "\nadmin_token_file: " + yaml_quote((config_dir / "admin-token").string()) +
                       "\nlisten: \"127.0.0.1:" + std::to_string(relayer_ports[r - 1]) +
                       "\"\nrelay: {batch_size: 100, replace_after_ms: 15000, lease_ms: 10000}\nchains:\n" +
                       chains_text);
    }
    for (std::size_t v = 1; v <= validator_ports.size(); ++v) {
        const std::string role = "validator-" + std::to_string(v);
        write_file(config_dir / (role + ".yaml"),
                   "# causeway validator " + std::to_string(v) + " of " +
                       std::to_string(validator_ports.size()) +
                       " on the devnet (written by `causeway devnet up`)\nkey_file: " + key_file(role) +
                       "\ndatabase: " + yaml_quote(db_url) + "\nschema: validator_" + std::to_string(v) +
                       "\nlisten: \"127.0.0.1:" + std::to_string(validator_ports[v - 1]) +
                       "\"\n# The devnet has one L1 endpoint: a quorum of one, on its finalized block.\n"
                       "trust: {quorum: 1, tag: finalized}\nchains:\n" +
                       chains_text);
    }
    write_file(config_dir / "router.yaml",
               "# causeway router on the devnet\ndatabase: " + yaml_quote(db_url) +
                   "\nlisten: \"127.0.0.1:0\"\nchains:\n" + chains_text);
}

}  // namespace causeway::devnet::detail
