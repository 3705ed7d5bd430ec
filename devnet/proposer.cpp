#include "devnet/proposer.hpp"

#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include <boost/json.hpp>

#include "core/block_header.hpp"
#include "core/hex.hpp"
#include "devnet/manifest.hpp"
#include "devnet/sender.hpp"
#include "light-clients/opstack/output_root.hpp"

namespace causeway::devnet {
namespace {

volatile std::sig_atomic_t stop_requested = 0;
void on_signal(int) {
    stop_requested = 1;
}

// OP's predeploy address of L2ToL1MessagePasser.
constexpr std::string_view kMessagePasser = "0x4200000000000000000000000000000000000016";

}  // namespace

int run_proposer(const ProposerOptions& o, const PrivateKey& key, const log::Logger& log) {
    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);
    try {
        const auto manifest = read_manifest(o.dir);
        if (!manifest) throw std::runtime_error("no devnet in " + o.dir.string());
        const auto& chains = manifest->at("chains").as_array();
        Sender l1(chains[0].at("rpc").as_string().c_str(), key);
        const Address passer = *address_from_hex(kMessagePasser);

        struct L2 {
            std::string name;
            std::unique_ptr<chain::HttpJsonRpcClient> client;
            Address anchor;  // the output oracle, or the ZK rollup contract
            bool zk = false;
            std::optional<uint64_t> proposed;
            uint64_t batches = 0;  // ZK: batches finalized so far
        };
        std::vector<L2> l2s;
        for (std::size_t i = 1; i < chains.size(); ++i) {
            const auto& chain = chains[i].as_object();
            auto client = chain::HttpJsonRpcClient::create(chain.at("rpc").as_string().c_str());
            if (!client) throw std::runtime_error(client.error());
            const bool zk = chain.contains("zk_rollup");
            const char* key = zk ? "zk_rollup" : "output_oracle";
            const auto anchor = address_from_hex(chain.at(key).as_string().c_str());
            if (!anchor) throw std::runtime_error(std::string("bad ") + key + " in the manifest");
            L2 l2{chain.at("name").as_string().c_str(), std::move(*client), *anchor, zk, std::nullopt, 0};
            if (zk) {
                // A restarted proposer goes on from the contract's last batch.
                l2.batches = static_cast<uint64_t>(
                    u256_from_be(l1.call(l2.anchor, calldata("lastFinalizedBatchIndex()", {}))));
            }
            l2s.push_back(std::move(l2));
        }
        log.info("posting output roots and finalizing batches on L1",
                 {{"proposer", to_checksum_hex(l1.address())},
                  {"l2s", l2s.size()},
                  {"interval_ms", static_cast<int64_t>(o.interval.count())}});

        for (int round = 0; !stop_requested && (o.rounds == 0 || round < o.rounds); ++round) {
            for (auto& l2 : l2s) {
                try {
                    const auto head = l2.client->block_number();
                    if (!head) throw std::runtime_error(head.error().to_string());
                    if (l2.proposed && *head <= *l2.proposed) continue;
                    jsonrpc::BlockId at;
                    at.value = *head;
                    const auto header = l2.client->header_by_number(at);
                    if (!header || !*header)
                        throw std::runtime_error("no header for block " + std::to_string(*head));
                    const auto proof = l2.client->get_proof(passer, {}, at);
                    if (!proof) throw std::runtime_error(proof.error().to_string());
                    const BlockHeader& l2_header = **header;
                    if (l2.zk) {
                        // One batch per round, up to the L2's head: its post-state root is the head's.
                        const uint64_t batch = l2.batches + 1;
                        const Hash block_hash = compute_hash(l2_header);
                        (void)l1.send(l2.anchor,
                                      calldata("finalizeBatch(uint256,bytes32,bytes32,bytes32,uint256)",
                                               {abi::Value(u256(batch)), abi::Value(Bytes(block_hash.view())),
                                                abi::Value(Bytes(l2_header.state_root.view())),
                                                abi::Value(Bytes(32, 0)), abi::Value(u256(*head))}),
                                      "finalize batch of " + l2.name);
                        l2.batches = batch;
                        l2.proposed = *head;
                        log.info("finalized", {{"chain", l2.name},
                                               {"batch", batch},
                                               {"block", *head},
                                               {"state_root", to_hex(l2_header.state_root)}});
                        continue;
                    }
                    opstack::OutputRootProof parts{Hash{}, l2_header.state_root, proof->storage_hash,
                                                   compute_hash(l2_header)};
                    const auto root = opstack::output_root(parts);
                    if (!root) throw std::runtime_error("output root");
                    const auto l1_head = l1.client().block_number();
                    const auto l1_header = l1.client().header_by_number(jsonrpc::BlockId::latest());
                    if (!l1_head || !l1_header || !*l1_header) throw std::runtime_error("no L1 head");
                    (void)l1.send(l2.anchor,
                                  calldata("proposeL2Output(bytes32,uint256,bytes32,uint256)",
                                           {abi::Value(Bytes(root->view())), abi::Value(u256(*head)),
                                            abi::Value(Bytes(compute_hash(**l1_header).view())),
                                            abi::Value(u256(*l1_head))}),
                                  "propose " + l2.name);
                    l2.proposed = *head;
                    log.info("proposed",
                             {{"chain", l2.name}, {"block", *head}, {"output_root", to_hex(*root)}});
                } catch (const std::exception& e) {
                    log.warn("proposal failed", {{"chain", l2.name}, {"error", e.what()}});
                }
            }
            for (int slept = 0; slept < o.interval.count() && !stop_requested; slept += 50) {
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
        }
        log.info("stopped");
        return 0;
    } catch (const std::exception& e) {
        log.error("cannot start", {{"error", e.what()}});
        return 1;
    }
}

}  // namespace causeway::devnet
