// What the devnet's own files share (not part of causeway::devnet's interface).
#pragma once

#include <boost/json/object.hpp>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/abi.hpp"
#include "core/bytes.hpp"
#include "core/secp256k1.hpp"
#include "core/u256.hpp"

namespace causeway::devnet::detail {

class DevnetError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// anvil's default accounts (mnemonic "test test ... junk"): public development keys, funded with
// 10000 ETH on every anvil chain. Devnet only: never anywhere else.
struct Role {
    const char* name;
    const char* key;
};
inline constexpr Role kRoles[] = {
    {"deployer", "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"},
    {"relayer", "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"},
    {"validator-1", "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"},
    {"validator-2", "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6"},
    {"validator-3", "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a"},
    {"proposer", "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba"},
    {"liquidity-provider", "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e"},
    {"trader", "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356"},
};
inline constexpr const char* kValidators[] = {"validator-1", "validator-2", "validator-3"};

// The key of a built-in role; throws DevnetError for an unknown one.
[[nodiscard]] PrivateKey role_key(std::string_view role);

// OP's predeploy address of L2ToL1MessagePasser.
inline constexpr std::string_view kMessagePasser = "0x4200000000000000000000000000000000000016";
// The devnet's challenge window: seconds from an output's proposal to its finality.
inline constexpr uint64_t kFinalizationSeconds = 12;
// DevnetZkRollup keeps finalizedStateRoots where ScrollChain does.
inline constexpr uint64_t kFinalizedStateRootsSlot = 158;

// Writes `content` through a temporary file renamed into place, with `perms`.
void write_file(const std::filesystem::path& path, const std::string& content,
                std::filesystem::perms perms = std::filesystem::perms::owner_read |
                                               std::filesystem::perms::owner_write |
                                               std::filesystem::perms::group_read |
                                               std::filesystem::perms::others_read);

// Whether a part answers, and what it said.
struct Health {
    bool ok = false;
    std::string detail;
};
// The chain at `url` answers with `expected_id` and a block number.
[[nodiscard]] Health chain_health(const std::string& url, uint64_t expected_id);

// Tokens of the devnet's test token: 10^18 base units each.
[[nodiscard]] u256 tokens(uint64_t n);
// An address as an ABI bytes32 word (left-padded), as vaults name remote vaults and recipients.
[[nodiscard]] abi::Value word(const Address& a);

// A string member of a JSON object (the manifest), as std::string.
[[nodiscard]] std::string text_of(const boost::json::object& o, std::string_view key);

}  // namespace causeway::devnet::detail
