// `causeway devnet move-margin`: the trader's margin moved between the devnet's L2s through the
// vaults, and where the message stands on both chains afterwards.
#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "core/message.hpp"
#include "db/queue.hpp"
#include "db/signed_checkpoints.hpp"

#include "core/hex.hpp"
#include "devnet/devnet.hpp"
#include "devnet/internal.hpp"
#include "devnet/manifest.hpp"
#include "devnet/sender.hpp"

namespace causeway::devnet {

namespace json = boost::json;
using namespace detail;

namespace {

// The message's path, each step's time after the move's transaction was sent: observed by the
// relayer, final under the route's rule (the first validator signs only then), signed by 2 of the
// 3 validators, submitted, delivered; from the relayer's queue and the validators' stores.
void print_path(const json::object& manifest, const MoveMarginOptions& move, const Hash& id, uint32_t index,
                std::chrono::system_clock::time_point sent_at, std::ostream& out) {
    const std::string url = manifest.at("postgres").at("url").as_string().c_str();
    auto conn = db::Connection::open({url, std::string(db::kDefaultSchema), "causeway-devnet"});
    // The relayer records the delivery once the destination's confirmations hold: a moment after
    // the chain shows it.
    auto m = db::find_message(conn, id);
    for (int i = 0; i < 40 && (!m || !m->delivered_at); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        m = db::find_message(conn, id);
    }
    std::vector<db::Timestamp> signed_at;
    if (const auto* validators = manifest.if_contains("validators")) {
        for (std::size_t v = 1; v <= validators->as_array().size(); ++v) {
            auto vc = db::Connection::open({url, "validator_" + std::to_string(v), "causeway-devnet"});
            const auto times = db::signing_times(vc, move.from, index);
            if (!times.empty()) signed_at.push_back(times.front());
        }
    }
    std::sort(signed_at.begin(), signed_at.end());
    const auto step = [&](const char* what, const std::optional<db::Timestamp>& at,
                          const std::string& detail) {
        char line[200];
        if (at) {
            std::snprintf(line, sizeof line, "    %-22s %6.1f s  %s\n", what,
                          std::max(0.0, std::chrono::duration<double>(*at - sent_at).count()),
                          detail.c_str());
        } else {
            std::snprintf(line, sizeof line, "    %-22s %8s  %s\n", what, "-", detail.c_str());
        }
        out << line;
    };
    out << "  path of " << to_hex(id) << " (seconds after the move was sent):\n";
    step("dispatched", std::chrono::time_point_cast<std::chrono::microseconds>(sent_at),
         "on " + std::to_string(move.from));
    step("observed", m ? std::optional(m->observed_at) : std::nullopt, "by the relayer's watcher");
    // The origin's family names the rule its messages were final under.
    std::string rule = "final under the origin's rule";
    for (const auto& c : manifest.at("chains").as_array()) {
        if (c.at("chain_id").to_number<uint64_t>() != move.from) continue;
        rule = c.as_object().contains("zk_rollup")
                   ? "the ZK light client: batch state root finalized on L1"
                   : "the OP Stack light client: output root past its challenge window";
    }
    step("final, first signature", signed_at.empty() ? std::nullopt : std::optional(signed_at[0]), rule);
    step("signed 2 of 3", signed_at.size() < 2 ? std::nullopt : std::optional(signed_at[1]),
         std::to_string(signed_at.size()) + " of 3 validators have signed index " + std::to_string(index));
    step("submitted", m ? m->submitted_at : std::nullopt,
         m && m->delivery_tx_hash ? "Mailbox.processBatch " + to_hex(*m->delivery_tx_hash) : "");
    step("delivered", m ? m->delivered_at : std::nullopt, "on " + std::to_string(move.to));
}

}  // namespace

int devnet_move_margin(const DevnetOptions& o, const MoveMarginOptions& move, const PrivateKey& key,
                       std::ostream& out) {
    const auto manifest = read_manifest(o.dir);
    if (!manifest)
        throw DevnetError("no devnet in " + o.dir.string() + " (start one with `causeway devnet up`)");
    const json::object* from = nullptr;
    const json::object* to = nullptr;
    for (const auto& c : manifest->at("chains").as_array()) {
        const auto id = c.at("chain_id").to_number<uint64_t>();
        if (id == move.from) from = &c.as_object();
        if (id == move.to) to = &c.as_object();
    }
    if (from == nullptr || to == nullptr || from == to || !from->contains("contracts") ||
        !to->contains("contracts")) {
        throw DevnetError("--from and --to must be two different L2s of the devnet (901, 902)");
    }
    const auto address_at = [](const json::object& chain, const char* name) {
        return address_from_hex(chain.at("contracts").at(name).as_string().c_str()).value();
    };
    const Address trader = key.address();
    Sender origin(text_of(*from, "rpc"), key);
    Sender destination(text_of(*to, "rpc"), key);
    const auto read_u256 = [](Sender& s, const Address& at, Bytes data) {
        return u256_from_be(s.call(at, std::move(data)));
    };
    const auto margin = [&](Sender& s, const json::object& chain) {
        return read_u256(s, address_at(chain, "vault"), calldata("marginOf(address)", {abi::Value(trader)}));
    };
    const auto whole = [](const u256& v) { return to_decimal(v / tokens(1)); };

    const Address from_vault = address_at(*from, "vault");
    const Address to_mailbox = address_at(*to, "mailbox");
    const Bytes move_call = calldata("moveMargin(uint32,uint256,bytes32)",
                                     {abi::Value(move.to), abi::Value(tokens(move.amount)), word(trader)});
    const bool text = o.output == Output::kText;
    if (text) {
        out << "trader " << to_checksum_hex(trader) << ": margin " << whole(margin(origin, *from)) << " on "
            << move.from << ", " << whole(margin(destination, *to)) << " on " << move.to << "\n";
    }

    // The moves, sent back to back at consecutive nonces, then every receipt read.
    const auto sent_at = std::chrono::system_clock::now();
    std::vector<jsonrpc::Receipt> receipts;
    if (move.count == 1) {
        receipts.push_back(origin.send(from_vault, move_call, "moveMargin"));
    } else {
        auto sender = chain::TransactionSender::open(origin.client(), key);
        if (!sender) throw DevnetError("moveMargin: " + sender.error().message);
        auto fees = sender->fees();
        if (!fees) throw DevnetError("moveMargin: " + fees.error().message);
        // Thousands of moves fill blocks for a while, and each full block raises the base fee by
        // 12.5%: the last of them must still pay it (256x covers some 47 full blocks).
        fees->max_fee = fees->max_fee * u256(256);
        jsonrpc::CallRequest probe;
        probe.from = trader;
        probe.to = from_vault;
        probe.data = move_call;
        const auto gas = origin.client().estimate_gas(probe);
        if (!gas) throw DevnetError("moveMargin: eth_estimateGas: " + gas.error().to_string());
        chain::TxRequest request;
        request.to = from_vault;
        request.data = move_call;
        request.gas_limit = *gas * 3 / 2;  // later moves touch warmer or colder slots than the estimate
        std::vector<Hash> hashes;
        for (uint32_t i = 0; i < move.count; ++i) {
            auto tx = sender->prepare(request, *fees);
            if (!tx) throw DevnetError("moveMargin: " + tx.error().message);
            auto hash = sender->broadcast(*tx);
            if (!hash) throw DevnetError("moveMargin " + std::to_string(i + 1) + ": " + hash.error().message);
            hashes.push_back(*hash);
        }
        for (const auto& h : hashes) {
            auto receipt = sender->wait_for_receipt(h);
            if (!receipt) throw DevnetError("moveMargin " + to_hex(h) + ": " + receipt.error().message);
            if (!receipt->succeeded()) throw DevnetError("moveMargin " + to_hex(h) + " reverted");
            receipts.push_back(*receipt);
        }
    }

    // The Mailbox's Dispatch(sender, destination, recipient, message) and DispatchId(id).
    const Hash dispatch_topic = abi::event_topic("Dispatch(address,uint32,bytes32,bytes)");
    const Hash id_topic = abi::event_topic("DispatchId(bytes32)");
    struct Moved {
        Hash id;
        uint64_t block = 0;
        uint32_t index = 0;  // in the origin Mailbox's tree (the message's nonce)
        Hash tx;
    };
    std::vector<Moved> moved;
    for (const auto& receipt : receipts) {
        std::optional<Hash> id;
        std::optional<uint32_t> nonce;
        for (const auto& log : receipt.logs) {
            if (log.topics.empty()) continue;
            if (log.topics[0] == id_topic && log.topics.size() == 2) id = log.topics[1];
            if (log.topics[0] == dispatch_topic) {
                const auto decoded = abi::decode(*abi::parse_types("bytes"), log.data);
                if (decoded && !decoded->empty()) {
                    Bytes message = *decoded->front().get_if<Bytes>();
                    ByteView view(message);
                    if (const auto m = decode_message(view)) nonce = m->nonce;
                }
            }
        }
        if (!id || !nonce) throw DevnetError("moveMargin emitted no Dispatch");
        moved.push_back(Moved{*id, receipt.block_number, *nonce, receipt.transaction_hash});
    }

    // Delivery, when asked to wait: every message's delivered(id) on the destination, polled.
    const auto delivered_ids = [&] {
        chain::Batch batch;
        std::vector<chain::Pending<Bytes>> answers;
        for (const auto& m : moved) {
            jsonrpc::CallRequest call;
            call.to = to_mailbox;
            call.data = calldata("delivered(bytes32)", {abi::Value(Bytes(m.id.view()))});
            answers.push_back(batch.add(chain::calls::call(call, jsonrpc::BlockId())));
        }
        destination.client().execute(batch);
        std::size_t n = 0;
        for (auto& a : answers) {
            const auto w = a.get();
            if (w && w->size() == 32 && (*w)[31] == 1) ++n;
        }
        return n;
    };
    std::size_t delivered = delivered_ids();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(move.wait_s);
    while (move.wait_s > 0 && delivered < moved.size() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        delivered = delivered_ids();
    }
    const double waited = std::chrono::duration<double>(std::chrono::system_clock::now() - sent_at).count();

    if (!text) {
        json::array items;
        for (const auto& m : moved)
            items.push_back(json::object{
                {"id", to_hex(m.id)}, {"block", m.block}, {"index", m.index}, {"tx", to_hex(m.tx)}});
        out << json::serialize(json::object{{"from", move.from},
                                            {"to", move.to},
                                            {"amount", move.amount},
                                            {"messages", items},
                                            {"delivered", delivered},
                                            {"seconds", waited}})
            << std::endl;
        return delivered == moved.size() || move.wait_s == 0 ? 0 : 1;
    }
    if (moved.size() == 1) {
        const auto& m = moved.front();
        out << "moveMargin: " << move.amount << " tokens " << move.from << " -> " << move.to << " in block "
            << m.block << " (tx " << to_hex(m.tx) << ")\n"
            << "message " << to_hex(m.id) << ", merkle tree index " << m.index << " of the origin Mailbox\n";
    } else {
        out << "moveMargin x " << moved.size() << ": " << move.amount << " tokens each, " << move.from
            << " -> " << move.to << " in blocks " << moved.front().block << ".." << moved.back().block
            << "; messages " << to_hex(moved.front().id) << " .. " << to_hex(moved.back().id) << "\n";
    }
    std::size_t dispatched = 0;
    for (const auto& m : moved) {
        dispatched += read_u256(origin, address_at(*from, "mailbox"),
                                calldata("dispatched(bytes32)", {abi::Value(Bytes(m.id.view()))})) == 1;
    }
    out << "  on " << move.from << ": dispatched "
        << (dispatched == moved.size()
                ? "yes"
                : "NO: " + std::to_string(dispatched) + " of " + std::to_string(moved.size()))
        << "; trader margin now " << whole(margin(origin, *from)) << "\n";
    if (move.wait_s == 0) {
        out << "  on " << move.to << ": delivered " << delivered << " of " << moved.size()
            << " so far (each needs 2 of 3 validator signatures over its checkpoint, then a relayer)\n";
        return 0;
    }
    char line[160];
    std::snprintf(line, sizeof line, "  on %u: delivered %zu of %zu after %.1f s; trader margin now ",
                  move.to, delivered, moved.size(), waited);
    out << line << whole(margin(destination, *to)) << "\n";
    if (moved.size() == 1) print_path(*manifest, move, moved.front().id, moved.front().index, sent_at, out);
    return delivered == moved.size() ? 0 : 1;
}

}  // namespace causeway::devnet
