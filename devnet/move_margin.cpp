// `causeway devnet move-margin`: the trader's margin moved between the devnet's L2s through the
// vaults, and where the message stands on both chains afterwards.
#include <boost/json.hpp>

#include "core/hex.hpp"
#include "devnet/devnet.hpp"
#include "devnet/internal.hpp"
#include "devnet/manifest.hpp"
#include "devnet/sender.hpp"

namespace causeway::devnet {

namespace json = boost::json;
using namespace detail;

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

    out << "trader " << to_checksum_hex(trader) << ": margin " << whole(margin(origin, *from)) << " on "
        << move.from << ", " << whole(margin(destination, *to)) << " on " << move.to << "\n";
    const auto receipt =
        origin.send(address_at(*from, "vault"),
                    calldata("moveMargin(uint32,uint256,bytes32)",
                             {abi::Value(move.to), abi::Value(tokens(move.amount)), word(trader)}),
                    "moveMargin");
    // The Mailbox's Dispatch(sender, destination, recipient, message) and DispatchId(id).
    const Hash dispatch_topic = abi::event_topic("Dispatch(address,uint32,bytes32,bytes)");
    const Hash id_topic = abi::event_topic("DispatchId(bytes32)");
    std::optional<Hash> id;
    Bytes message;
    for (const auto& log : receipt.logs) {
        if (log.topics.empty()) continue;
        if (log.topics[0] == id_topic && log.topics.size() == 2) id = log.topics[1];
        if (log.topics[0] == dispatch_topic) {
            const auto decoded = abi::decode(*abi::parse_types("bytes"), log.data);
            if (decoded && !decoded->empty()) message = *decoded->front().get_if<Bytes>();
        }
    }
    if (!id) throw DevnetError("moveMargin emitted no DispatchId");
    out << "moveMargin: " << move.amount << " tokens " << move.from << " -> " << move.to << " in block "
        << receipt.block_number << " (tx " << to_hex(receipt.transaction_hash) << ")\n"
        << "message " << to_hex(*id) << " (" << message.size() << " bytes)\n";

    const Address origin_mailbox = address_at(*from, "mailbox");
    const bool dispatched = read_u256(origin, origin_mailbox,
                                      calldata("dispatched(bytes32)", {abi::Value(Bytes(id->view()))})) == 1;
    const auto count = read_u256(origin, origin_mailbox, calldata("count()", {}));
    const bool delivered = read_u256(destination, address_at(*to, "mailbox"),
                                     calldata("delivered(bytes32)", {abi::Value(Bytes(id->view()))})) == 1;
    out << "  on " << move.from << ": dispatched " << (dispatched ? "yes" : "NO") << ", merkle tree index "
        << to_decimal(count - 1) << " of the origin Mailbox; trader margin now "
        << whole(margin(origin, *from)) << "\n"
        << "  on " << move.to << ": delivered " << (delivered ? "yes" : "not yet")
        << " (needs 2 of 3 validator signatures over the checkpoint, then a relayer's process call)\n";
    return 0;
}

}  // namespace causeway::devnet
