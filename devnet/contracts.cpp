#include "devnet/contracts.hpp"

#include <boost/json.hpp>
#include <cstdlib>
#include <memory>
#include <vector>

#include "chain/json_rpc_client.hpp"
#include "core/hex.hpp"
#include "devnet/devnet.hpp"
#include "devnet/internal.hpp"
#include "devnet/sender.hpp"

namespace causeway::devnet::detail {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

// forge's artifacts (`make build` compiles the contracts there).
fs::path contracts_out() {
    if (const char* env = std::getenv("CAUSEWAY_CONTRACTS_OUT"); env != nullptr && *env != '\0') return env;
    return CAUSEWAY_CONTRACTS_OUT;
}

// OP's L2ToL1MessagePasser, compiled by Optimism (npm @eth-optimism/contracts-bedrock).
fs::path message_passer_artifact() {
    return fs::path(CAUSEWAY_SOURCE_DIR) /
           "node_modules/@eth-optimism/contracts-bedrock/forge-artifacts/L2ToL1MessagePasser.sol/"
           "L2ToL1MessagePasser.json";
}

struct Deployed {
    Address mailbox, multisig_ism, routing_ism, token, vault;
};

// The contracts on one L2 (domain `domain`): Mailbox, message-id multisig ISM, routing ISM as the
// Mailbox's default, a test token and the collateral vault. The deployer owns them and is their
// guardian on the devnet.
Deployed deploy_l2(Sender& deployer, uint32_t domain, const fs::path& out) {
    const Address owner = deployer.address();
    Deployed d;
    d.mailbox = deployer.deploy(creation_code(out, "Mailbox.sol", "Mailbox"),
                                constructor_args("uint32,address,address",
                                                 {abi::Value(domain), abi::Value(owner), abi::Value(owner)}),
                                "Mailbox");
    d.multisig_ism = deployer.deploy(
        creation_code(out, "MessageIdMultisigIsm.sol", "MessageIdMultisigIsm"),
        constructor_args("address,address", {abi::Value(owner), abi::Value(owner)}), "MessageIdMultisigIsm");
    d.routing_ism =
        deployer.deploy(creation_code(out, "RoutingIsm.sol", "RoutingIsm"),
                        constructor_args("address,address,address",
                                         {abi::Value(d.mailbox), abi::Value(owner), abi::Value(owner)}),
                        "RoutingIsm");
    (void)deployer.send(d.mailbox, calldata("setDefaultIsm(address)", {abi::Value(d.routing_ism)}),
                        "setDefaultIsm");
    d.token = deployer.deploy(
        creation_code(out, "TestERC20.sol", "TestERC20"),
        constructor_args("string,string,uint8",
                         {abi::Value("Devnet USD"), abi::Value("dUSD"), abi::Value(uint8_t{18})}),
        "TestERC20");
    d.vault = deployer.deploy(
        creation_code(out, "CollateralVault.sol", "CollateralVault"),
        constructor_args("address,address,address,address",
                         {abi::Value(d.mailbox), abi::Value(d.token), abi::Value(owner), abi::Value(owner)}),
        "CollateralVault");
    return d;
}

// L1 anchors, posted to by the proposer: an output oracle for an OP Stack style L2, a
// ScrollChain-like rollup contract for a ZK style one.
void deploy_anchors(json::array& chains) {
    Sender l1(text_of(chains[0].as_object(), "rpc"), role_key("deployer"));
    const Address proposer = role_key("proposer").address();
    for (std::size_t i = 1; i < chains.size(); ++i) {
        auto& chain = chains[i].as_object();
        const std::string name = text_of(chain, "name");
        if (text_of(chain, "family") == "zk") {
            const Address rollup =
                l1.deploy(creation_code(contracts_out(), "DevnetZkRollup.sol", "DevnetZkRollup"),
                          constructor_args("address", {abi::Value(proposer)}), "DevnetZkRollup for " + name);
            chain["zk_rollup"] = to_checksum_hex(rollup);
            chain["finalized_state_roots_slot"] = kFinalizedStateRootsSlot;
            continue;
        }
        const Address oracle =
            l1.deploy(creation_code(contracts_out(), "DevnetOutputOracle.sol", "DevnetOutputOracle"),
                      constructor_args("address,uint256",
                                       {abi::Value(proposer), abi::Value(u256(kFinalizationSeconds))}),
                      "DevnetOutputOracle for " + name);
        chain["output_oracle"] = to_checksum_hex(oracle);
        chain["finalization_period_seconds"] = kFinalizationSeconds;
    }
}

// OP's L2ToL1MessagePasser at its predeploy address on each L2.
void install_message_passers(json::array& chains) {
    const Bytes passer_code = runtime_code(message_passer_artifact());
    for (std::size_t i = 1; i < chains.size(); ++i) {
        auto client = chain::HttpJsonRpcClient::create(text_of(chains[i].as_object(), "rpc"));
        if (!client) throw DevnetError(client.error());
        const auto set = (*client)->request(
            chain::RpcCall{"anvil_setCode", json::array{std::string(kMessagePasser), to_hex(passer_code)}});
        if (!set) throw DevnetError("anvil_setCode: " + set.error().to_string());
        // A block after it, so that the L2's head state (and every output root) includes it.
        const auto mined = (*client)->request(chain::RpcCall{"evm_mine", json::array{}});
        if (!mined) throw DevnetError("evm_mine: " + mined.error().to_string());
        chains[i].as_object()["message_passer"] = std::string(kMessagePasser);
    }
}

// LP liquidity in the vault and a trader with margin in it.
void fund(const std::string& rpc, const Deployed& here) {
    Sender lp(rpc, role_key("liquidity-provider"));
    (void)lp.send(
        here.token,
        calldata("mint(address,uint256)", {abi::Value(lp.address()), abi::Value(tokens(1'000'000))}), "mint");
    (void)lp.send(
        here.token,
        calldata("approve(address,uint256)", {abi::Value(here.vault), abi::Value(tokens(1'000'000))}),
        "approve");
    (void)lp.send(here.vault, calldata("addLiquidity(uint256)", {abi::Value(tokens(500'000))}),
                  "addLiquidity");
    Sender trader(rpc, role_key("trader"));
    (void)trader.send(
        here.token,
        calldata("mint(address,uint256)", {abi::Value(trader.address()), abi::Value(tokens(100'000))}),
        "mint");
    (void)trader.send(
        here.token,
        calldata("approve(address,uint256)", {abi::Value(here.vault), abi::Value(tokens(100'000))}),
        "approve");
    (void)trader.send(here.vault, calldata("deposit(uint256)", {abi::Value(tokens(10'000))}), "deposit");
}

}  // namespace

void deploy_contracts(json::array& chains) {
    deploy_anchors(chains);
    install_message_passers(chains);

    // The bridge contracts on each L2, wired to each other: routes 901 <-> 902 under a 2-of-3
    // validator committee, vaults enrolled as each other's remote.
    std::vector<std::unique_ptr<Sender>> deployers;
    std::vector<Deployed> deployed;
    for (std::size_t i = 1; i < chains.size(); ++i) {
        deployers.push_back(
            std::make_unique<Sender>(text_of(chains[i].as_object(), "rpc"), role_key("deployer")));
        deployed.push_back(
            deploy_l2(*deployers.back(), static_cast<uint32_t>(kDevnetChains[i].chain_id), contracts_out()));
    }
    std::vector<abi::Value> validators;
    for (const char* v : kValidators) validators.emplace_back(role_key(v).address());
    for (std::size_t a = 0; a < deployed.size(); ++a) {
        Sender& owner = *deployers[a];
        const Deployed& here = deployed[a];
        for (std::size_t b = 0; b < deployed.size(); ++b) {
            if (a == b) continue;
            const auto remote = static_cast<uint32_t>(kDevnetChains[b + 1].chain_id);
            (void)owner.send(
                here.multisig_ism,
                calldata("setValidators(uint32,address[],uint8)",
                         {abi::Value(remote), abi::Value::list(validators), abi::Value(uint8_t{2})}),
                "setValidators");
            (void)owner.send(
                here.routing_ism,
                calldata("setModule(uint32,address)", {abi::Value(remote), abi::Value(here.multisig_ism)}),
                "setModule");
            (void)owner.send(
                here.vault,
                calldata("enrollRemoteVault(uint32,bytes32)", {abi::Value(remote), word(deployed[b].vault)}),
                "enrollRemoteVault");
        }
        fund(text_of(chains[a + 1].as_object(), "rpc"), here);
        chains[a + 1].as_object()["contracts"] =
            json::object{{"mailbox", to_checksum_hex(here.mailbox)},
                         {"merkle_tree_hook", to_checksum_hex(here.mailbox)},
                         {"multisig_ism", to_checksum_hex(here.multisig_ism)},
                         {"routing_ism", to_checksum_hex(here.routing_ism)},
                         {"token", to_checksum_hex(here.token)},
                         {"vault", to_checksum_hex(here.vault)},
                         {"mailbox_dispatched_slot", 3}};
    }
}

}  // namespace causeway::devnet::detail
