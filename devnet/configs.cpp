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

std::string chains_yaml(const json::array& chains, const json::object& keys) {
    std::ostringstream yaml;
    for (const auto& c : chains) {
        yaml << "  - name: " << text_of(c.as_object(), "name")
             << "\n    family: " << (c.as_object().contains("contracts") ? "opstack" : "l1")
             << "\n    chain_id: " << c.at("chain_id").to_number<int64_t>()
             << "\n    domain: " << c.at("domain").to_number<int64_t>()
             << "\n    rpc: " << yaml_quote(text_of(c.as_object(), "rpc")) << "\n";
        if (const auto* oracle = c.as_object().if_contains("output_oracle")) {
            yaml << "    output_oracle: " << yaml_quote(oracle->as_string().c_str())
                 << "  # on the L1\n    finalization_period_seconds: " << kFinalizationSeconds << "\n";
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
        for (const char* v : kValidators) {
            yaml << "      - " << yaml_quote(text_of(keys.at(v).as_object(), "address")) << "\n";
        }
    }
    return yaml.str();
}

}  // namespace

void write_configs(const std::filesystem::path& config_dir, const json::array& chains,
                   const json::object& keys, const std::string& db_url,
                   std::span<const int> validator_ports) {
    const std::string chains_text = chains_yaml(chains, keys);
    const auto key_file = [&](const std::string& role) {
        return yaml_quote(text_of(keys.at(role).as_object(), "key_file"));
    };
    write_file(config_dir / "relayer.yaml",
               "# causeway relayer on the devnet (written by `causeway devnet up`)\n"
               "database: " +
                   yaml_quote(db_url) + "\nkey_file: " + key_file("relayer") + "\nchains:\n" + chains_text);
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
