// Compatibility with Hyperlane's deployed contracts: Hyperlane's own Mailbox, MerkleTreeHook,
// TestRecipient and StaticMessageIdMultisigIsm (made by StaticMessageIdMultisigIsmFactory), the
// compiled artifacts of the npm package @hyperlane-xyz/core 12.1.0 (dist/typechain/factories/),
// run on anvil. deploy_hyperlane.mjs deploys them and dispatches; everything after that is
// causeway's C++: the message is rebuilt from its fields, the checkpoint digest computed and signed
// by a 2-of-3 committee, the metadata encoded, and Mailbox.process called by an EIP-1559
// transaction that causeway signs and sends. Hyperlane's ISM is the judge.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "chain/json_rpc_client.hpp"
#include "chain/transaction_sender.hpp"
#include "core/abi.hpp"
#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "core/message.hpp"
#include "core/secp256k1.hpp"
#include "core/transaction.hpp"
#include "core/u256.hpp"
#include "light-clients/committee/checkpoint.hpp"
#include "light-clients/committee/merkle.hpp"
#include "tests/support/anvil.hpp"
#include "tests/support/process.hpp"
#include "tests/support/vectors.hpp"

using namespace causeway;
using namespace causeway::committee;
namespace json = boost::json;

namespace {

using test::address_of;
using test::bytes_of;
using test::hash_of;

constexpr uint32_t kOriginDomain = 901;
constexpr uint32_t kDestinationDomain = 902;
constexpr std::size_t kThreshold = 2;
constexpr const char* kScript = "tests/hyperlane/deploy_hyperlane.mjs";

// secp256k1's order n, for the malleable (high-s) twin of a signature.
const u256 kOrder = *parse_u256("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");

template <typename T>
T value_of(chain::RpcResult<T> r) {
    if (!r) FAIL(r.error().to_string());
    return std::move(*r);
}

template <typename T>
T value_of(chain::SendResult<T> r) {
    if (!r) FAIL(r.error().message);
    return std::move(*r);
}

// A fixed test-only key: keccak256 of a label, so every run signs with the same committee.
PrivateKey key_from_label(std::string_view label) {
    auto k = PrivateKey::from_bytes(keccak256(to_view(label)).view());
    REQUIRE(k);
    return *k;
}

PrivateKey dev_key(std::size_t i) {
    auto k = PrivateKey::from_hex(test::Anvil::kDevKeys.at(i));
    REQUIRE(k);
    return *k;
}

Hash padded(const Address& a) {
    return Hash::left_padded(a.view());
}

// node deploy_hyperlane.mjs ..., with the deployer's key in its environment (never on its
// command line, never printed); its standard output is one JSON object.
json::value run_script(const std::string& deployer_key, std::vector<std::string> args) {
    const auto pinned = test::source_dir() / "node_modules" / ".bin" / "node";
    std::vector<std::string> argv{std::filesystem::exists(pinned) ? pinned.string() : "node",
                                  (test::source_dir() / kScript).string()};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = test::run_command(argv, {{"CAUSEWAY_HYPERLANE_KEY", deployer_key}});
    if (r.exit_code != 0) {
        FAIL(std::string(kScript) + " " + args.front() + " exited " + std::to_string(r.exit_code) + ": " +
             r.err.substr(0, 2000));
    }
    return json::parse(r.out);
}

Bytes encode_call(std::string_view signature, const std::vector<abi::Value>& args) {
    auto fn = abi::parse_function(signature);
    REQUIRE(fn);
    Bytes out;
    REQUIRE(abi::encode_call(out, *fn, args));
    return out;
}

// eth_call of a view function, decoded as `types`.
std::vector<abi::Value> view(chain::ChainClient& client, const Address& to, std::string_view signature,
                             const std::vector<abi::Value>& args, std::string_view types) {
    jsonrpc::CallRequest call;
    call.to = to;
    call.data = encode_call(signature, args);
    const Bytes out = value_of(client.call(call));
    auto t = abi::parse_types(types);
    REQUIRE(t);
    auto decoded = abi::decode(*t, out);
    REQUIRE(decoded);
    return *decoded;
}

// The reason string of a revert (Error(string)), "" when the revert carried none.
std::string revert_reason(const chain::RpcError& e) {
    if (!e.data.is_string()) return {};
    auto data = from_hex(std::string_view(e.data.as_string()));
    if (!data || data->size() < 4) return {};
    static const abi::Selector kError = abi::function_selector("Error(string)");
    if (!std::equal(kError.bytes.begin(), kError.bytes.end(), data->begin())) return {};
    auto reason = abi::decode({abi::Type::string()}, ByteView(*data).substr(4));
    if (!reason) return {};
    return *reason->front().get_if<std::string>();
}

// A relayer: causeway's own EIP-1559 signing and sending (chain::TransactionSender, as every
// caller that sends does).
class Relayer {
  public:
    Relayer(chain::ChainClient& client, PrivateKey key)
        : client_(client), sender_(value_of(chain::TransactionSender::open(client, std::move(key)))) {}
    [[nodiscard]] const Address& address() const { return sender_.address(); }

    // eth_call as this relayer: the revert, if any, without spending a nonce.
    [[nodiscard]] chain::RpcResult<Bytes> dry_run(const Address& to, const Bytes& data) {
        jsonrpc::CallRequest call;
        call.from = address();
        call.to = to;
        call.data = data;
        return client_.call(call);
    }

    // Signs and sends; the gas limit is estimated unless given (a transaction meant to revert).
    jsonrpc::Receipt send(const Address& to, const Bytes& data, std::optional<uint64_t> gas_limit = {}) {
        const auto fees = value_of(sender_.fees());
        const auto tx = value_of(sender_.prepare(chain::TxRequest{to, u256{}, data, gas_limit}, fees));
        REQUIRE(validate(tx, TxRules{.chain_id = sender_.chain_id()}) == TxVerdict::kValid);
        const Hash hash = value_of(sender_.broadcast(tx));
        REQUIRE(hash == transaction_hash(tx));
        const auto receipt = value_of(sender_.wait_for_receipt(hash));
        REQUIRE(receipt.transaction_hash == hash);
        REQUIRE(receipt.from == address());
        return receipt;
    }

  private:
    chain::ChainClient& client_;
    chain::TransactionSender sender_;
};

struct Dispatched {
    Message message;  // rebuilt by causeway from the fields
    Hash id;
    Checkpoint checkpoint;
};

Bytes metadata_of(const Checkpoint& c, std::vector<SignatureBytes> sigs) {
    Bytes out;
    encode(out, Metadata{c.merkle_tree_hook, c.root, c.index, std::move(sigs)});
    return out;
}

SignatureBytes signature_by(const PrivateKey& key, const Checkpoint& c) {
    const auto sig = sign(key, digest(c));
    REQUIRE(sig);
    return to_rsv(*sig);
}

// The same signature with s replaced by n - s and v flipped: it recovers the same key (EIP-2's
// malleable twin), which ecrecover would accept and OpenZeppelin's ECDSA rejects.
SignatureBytes high_s_twin(const SignatureBytes& rsv) {
    SignatureBytes out = rsv;
    const u256 s = u256_from_be(ByteView(rsv.data() + 32, 32));
    u256_to_be(kOrder - s, out.data() + 32);
    out[64] = rsv[64] == 27 ? 28 : 27;
    return out;
}

}  // namespace

TEST_CASE(
    "Hyperlane's own Mailbox and message-id multisig ISM accept causeway's messages, digests and metadata",
    "[contracts][hyperlane]") {
    CAUSEWAY_REQUIRE_ANVIL();
    test::Anvil anvil;
    auto created = chain::HttpJsonRpcClient::create(anvil.url());
    REQUIRE(created);
    chain::ChainClient& client = **created;

    // The committee: three fixed keys private to this test (never printed), validator-set order as
    // listed. A fourth key that is no validator.
    std::vector<PrivateKey> validators;
    for (int i = 0; i < 3; ++i)
        validators.push_back(key_from_label("causeway hyperlane-compat validator " + std::to_string(i)));
    const PrivateKey outsider = key_from_label("causeway hyperlane-compat outsider");
    std::vector<Address> validator_addresses;
    for (const auto& v : validators) validator_addresses.push_back(v.address());
    auto set = ValidatorSet::create(validator_addresses, kThreshold);
    REQUIRE(set);

    // ----- deploy (node, ethers v6, Hyperlane's artifacts) -----
    const std::string deployer_key(test::Anvil::kDevKeys[0]);
    std::vector<std::string> deploy_args{"deploy", anvil.url(), std::to_string(kThreshold)};
    for (const auto& a : validator_addresses) deploy_args.push_back(to_checksum_hex(a));
    const json::value deployed = run_script(deployer_key, deploy_args);
    const auto& origin = deployed.at("origin");
    const auto& destination = deployed.at("destination");
    const Address origin_mailbox = address_of(origin.at("mailbox"));
    const Address merkle_tree_hook = address_of(origin.at("merkleTreeHook"));
    const Address destination_mailbox = address_of(destination.at("mailbox"));
    const Address ism = address_of(destination.at("defaultIsm"));
    const Address recipient = address_of(deployed.at("recipient"));
    const Address deployer = address_of(deployed.at("deployer"));
    CHECK(to_checksum_hex(deployer) == test::Anvil::kDevAddresses[0]);
    CHECK(test::json_string(deployed.at("packageVersion")) == "12.1.0");
    CHECK(origin.at("domain").to_number<uint32_t>() == kOriginDomain);
    CHECK(destination.at("domain").to_number<uint32_t>() == kDestinationDomain);
    CHECK(address_of(origin.at("requiredHook")) == merkle_tree_hook);
    CHECK(destination.at("ismModuleType").to_number<int>() == 5);  // MESSAGE_ID_MULTISIG
    CHECK(destination.at("threshold").to_number<std::size_t>() == kThreshold);
    REQUIRE(destination.at("validators").as_array().size() == 3);
    for (std::size_t i = 0; i < 3; ++i)
        CHECK(address_of(destination.at("validators").as_array()[i]) == validator_addresses[i]);
    std::cout << "hyperlane: " << test::json_string(deployed.at("package")) << " on anvil " << anvil.url()
              << "\n  origin " << kOriginDomain << ": Mailbox " << to_checksum_hex(origin_mailbox)
              << ", MerkleTreeHook " << to_checksum_hex(merkle_tree_hook) << "\n  destination "
              << kDestinationDomain << ": Mailbox " << to_checksum_hex(destination_mailbox)
              << ", StaticMessageIdMultisigIsm " << to_checksum_hex(ism) << " (2 of 3), TestRecipient "
              << to_checksum_hex(recipient) << std::endl;

    // ----- dispatch two messages on the origin; causeway rebuilds each from its fields -----
    // A text body and a 100-byte binary one (not a multiple of 32: packed, not ABI-padded).
    Bytes binary_body;
    for (int i = 0; i < 100; ++i) binary_body.push_back(static_cast<uint8_t>(i * 7));
    const std::vector<Bytes> bodies = {Bytes(to_view("hello from causeway")), binary_body};
    IncrementalMerkleTree tree;  // causeway's copy of the hook's tree
    std::vector<Dispatched> dispatched;
    for (std::size_t n = 0; n < bodies.size(); ++n) {
        const json::value d =
            run_script(deployer_key, {"dispatch", anvil.url(), to_checksum_hex(origin_mailbox),
                                      to_checksum_hex(merkle_tree_hook), std::to_string(kDestinationDomain),
                                      to_checksum_hex(recipient), to_hex(bodies[n])});
        CHECK(test::json_string(d.at("fee")) == "0");  // quoteDispatch: MerkleTreeHook and no-fee hook
        CHECK(d.at("nonceBefore").to_number<uint32_t>() == n);
        CHECK(address_of(d.at("sender")) == deployer);

        Message m;
        m.nonce = static_cast<uint32_t>(n);
        m.origin = kOriginDomain;
        m.sender = padded(deployer);  // the dispatching account (msg.sender), left-padded
        m.destination = kDestinationDomain;
        m.recipient = padded(recipient);
        m.body = bodies[n];
        Bytes encoded;
        encode(encoded, m);
        const Bytes emitted = bytes_of(d.at("message"));
        CHECK(encoded == emitted);  // byte-identical to the Dispatch event's message
        ByteView rest = emitted;
        CHECK(decode_message(rest) == m);
        CHECK(rest.empty());
        const Hash id = hash_of(d.at("id"));
        CHECK(message_id(m) == id);  // the DispatchId event
        CHECK(hash_of(d.at("inserted").at("id")) == id);
        CHECK(d.at("inserted").at("index").to_number<uint32_t>() == n);

        // causeway's incremental tree after the same insertions has the hook's root and count.
        REQUIRE(tree.insert(id));
        const Hash root = hash_of(d.at("checkpoint").at("root"));
        const auto index = d.at("checkpoint").at("index").to_number<uint32_t>();
        CHECK(tree.root() == root);
        CHECK(tree.count() - 1 == index);
        CHECK(d.at("count").to_number<uint64_t>() == tree.count());

        dispatched.push_back({m, id, Checkpoint{kOriginDomain, padded(merkle_tree_hook), root, index, id}});
        std::cout << "dispatch " << n << ": tx " << test::json_string(d.at("txHash")) << ", "
                  << emitted.size() << "-byte message identical to causeway's encoding, id " << to_hex(id)
                  << "\n  latestCheckpoint root " << to_hex(root) << " index " << index
                  << " (causeway's tree: same root)" << std::endl;
    }

    // ----- deliver with causeway's digest, signatures and metadata -----
    Relayer relayer(client, dev_key(1));
    auto process_call = [](const Bytes& metadata, const Message& m) {
        Bytes message;
        encode(message, m);
        return encode_call("process(bytes,bytes)", {abi::Value(metadata), abi::Value(message)});
    };
    auto delivered = [&](const Hash& id) {
        const auto out =
            view(client, destination_mailbox, "delivered(bytes32)", {abi::Value(Bytes(id.view()))}, "bool");
        return *out.front().get_if<bool>();
    };
    // Each bad metadata: causeway's own verifier names a rule, and Hyperlane's process reverts
    // (seen through eth_call, so no nonce is spent), with the reason that rule corresponds to.
    auto expect_rejected = [&](std::string_view what, const Dispatched& target, const Bytes& metadata,
                               Verdict expected_verdict, std::string_view expected_reason) {
        INFO(what);
        CHECK(verify_message_id_multisig(kOriginDomain, target.id, metadata, *set) == expected_verdict);
        const auto r = relayer.dry_run(destination_mailbox, process_call(metadata, target.message));
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == chain::RpcError::Kind::kJsonRpc);
        const std::string reason = revert_reason(r.error());
        CHECK(reason == expected_reason);
        std::cout << "  rejected, " << what << ": causeway " << rule_name(expected_verdict) << ", Hyperlane "
                  << (reason.empty() ? "reverts without a reason" : "reverts \"" + reason + "\"")
                  << std::endl;
    };

    const Dispatched& a = dispatched[0];
    const Dispatched& b = dispatched[1];
    for (const Dispatched& d : dispatched) {
        // Validators 0 and 2 sign (2 of 3, skipping one: the ISM walks the ordered set).
        const SignatureBytes sig0 = signature_by(validators[0], d.checkpoint);
        const SignatureBytes sig1 = signature_by(validators[1], d.checkpoint);
        const SignatureBytes sig2 = signature_by(validators[2], d.checkpoint);
        const Bytes metadata = metadata_of(d.checkpoint, {sig0, sig2});
        CHECK(metadata.size() == kMetadataPrefixSize + 2 * kSignatureSize);
        REQUIRE(verify_message_id_multisig(kOriginDomain, d.id, metadata, *set) == Verdict::kValid);
        REQUIRE(verify_checkpoint(d.checkpoint, metadata, *set) == Verdict::kValid);
        std::cout << "deliver message " << d.message.nonce << ": checkpoint digest "
                  << to_hex(digest(d.checkpoint)) << ", metadata " << metadata.size()
                  << " bytes (validators 0 and 2)" << std::endl;

        // Before delivery, every bad variant is refused (after it, "already delivered" comes first).
        expect_rejected("one signature for threshold 2", d, metadata_of(d.checkpoint, {sig0}),
                        Verdict::kThresholdNotMet, "");
        expect_rejected("signatures out of validator order", d, metadata_of(d.checkpoint, {sig2, sig0}),
                        Verdict::kSignersOutOfOrder, "!threshold");
        expect_rejected("one validator twice", d, metadata_of(d.checkpoint, {sig1, sig1}),
                        Verdict::kDuplicateSigner, "!threshold");
        expect_rejected("a signer outside the set", d,
                        metadata_of(d.checkpoint, {sig0, signature_by(outsider, d.checkpoint)}),
                        Verdict::kNotAValidator, "!threshold");
        expect_rejected("a high-s twin signature", d, metadata_of(d.checkpoint, {sig0, high_s_twin(sig2)}),
                        Verdict::kEip2HighS, "ECDSA: invalid signature 's' value");
        {
            // A flipped byte in r: either no point has that x (no key recovers) or another key does.
            SignatureBytes flipped = sig2;
            flipped[31] ^= 0x01;
            const Bytes bad = metadata_of(d.checkpoint, {sig0, flipped});
            const Verdict v = verify_message_id_multisig(kOriginDomain, d.id, bad, *set);
            REQUIRE((v == Verdict::kNotAValidator || v == Verdict::kInvalidSignature));
            expect_rejected("a flipped byte in a signature", d, bad, v,
                            v == Verdict::kNotAValidator ? "!threshold" : "ECDSA: invalid signature");
        }
        {
            // The metadata names another merkle-tree hook: the domain hash, so the digest, changes.
            Checkpoint other_hook = d.checkpoint;
            other_hook.merkle_tree_hook = padded(origin_mailbox);
            const Bytes bad = metadata_of(other_hook, {sig0, sig2});
            CHECK(verify_checkpoint(d.checkpoint, bad, *set) == Verdict::kWrongDomain);
            expect_rejected("metadata naming another merkle-tree hook", d, bad, Verdict::kNotAValidator,
                            "!threshold");
        }
        if (&d == &b) {
            // Message a's metadata (accepted for a) presented with message b: signed for another id.
            const Bytes for_a = metadata_of(a.checkpoint, {signature_by(validators[0], a.checkpoint),
                                                           signature_by(validators[2], a.checkpoint)});
            expect_rejected("metadata signed for another message id", b, for_a, Verdict::kNotAValidator,
                            "!threshold");
        }
        CHECK_FALSE(delivered(d.id));

        // The real delivery: an EIP-1559 transaction signed and sent by causeway.
        const Bytes call = process_call(metadata, d.message);
        REQUIRE(relayer.dry_run(destination_mailbox, call));
        const jsonrpc::Receipt receipt = relayer.send(destination_mailbox, call);
        REQUIRE(receipt.status == std::optional<bool>(true));
        CHECK(delivered(d.id));
        const auto processor = view(client, destination_mailbox, "processor(bytes32)",
                                    {abi::Value(Bytes(d.id.view()))}, "address");
        CHECK(*processor.front().get_if<Address>() == relayer.address());
        bool process_id_logged = false;
        for (const auto& log : receipt.logs) {
            process_id_logged =
                process_id_logged ||
                (log.address == destination_mailbox && log.topics.size() == 2 &&
                 log.topics[0] == abi::event_topic("ProcessId(bytes32)") && log.topics[1] == d.id);
        }
        CHECK(process_id_logged);
        // TestRecipient.handle stored what the Mailbox passed it.
        const auto last_sender = view(client, recipient, "lastSender()", {}, "bytes32");
        CHECK(*last_sender.front().get_if<Bytes>() == Bytes(d.message.sender.view()));
        const auto last_data = view(client, recipient, "lastData()", {}, "bytes");
        CHECK(*last_data.front().get_if<Bytes>() == d.message.body);
        std::cout << "  delivered: tx " << to_hex(receipt.transaction_hash) << " in block "
                  << receipt.block_number << ", status 1, gas used " << receipt.gas_used
                  << "; delivered(id) true, TestRecipient "
                  << "lastSender and lastData (" << d.message.body.size() << " bytes) match" << std::endl;

        // Replays: refused by eth_call, and a sent transaction is mined with status 0.
        const auto again = relayer.dry_run(destination_mailbox, call);
        REQUIRE_FALSE(again);
        CHECK(revert_reason(again.error()) == "Mailbox: already delivered");
        const jsonrpc::Receipt replay = relayer.send(destination_mailbox, call, uint64_t{500'000});
        CHECK(replay.status == std::optional<bool>(false));
        std::cout << "  replay: eth_call reverts \"" << revert_reason(again.error()) << "\"; sent anyway, tx "
                  << to_hex(replay.transaction_hash) << " mined with status 0" << std::endl;
    }
    CHECK(delivered(a.id));
    CHECK(delivered(b.id));
}
