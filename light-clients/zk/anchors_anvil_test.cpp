// The anchors end to end on a real chain: anvil holds the storage (anvil_setStorageAt), mines a
// block, and answers eth_getProof; the light client checks the header hash, then the proofs.
//  * ZK: Scroll's ScrollChain finalizedStateRoots mapping (slot 158) at Scroll's L1 address, with
//    random roots for some batches: each is read back through the L1 account and storage proofs,
//    the rest are proven not finalized. No real Scroll proof is in the vectors; this is the stand-in.
//  * OP Stack: anvil plays the L2: sentMessages[withdrawalHash] = 1 in the L2ToL1MessagePasser
//    predeploy, an output root from the block's state root, the passer's storage root and the block
//    hash, and the withdrawal proven against it (plus the passer's account proof).
#include <catch2/catch.hpp>
#include <random>
#include <vector>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "light-clients/opstack/output_root.hpp"
#include "light-clients/opstack/withdrawal.hpp"
#include "light-clients/zk/anchor.hpp"
#include "chain/json_rpc_client.hpp"
#include "tests/support/anvil.hpp"
#include "tests/support/anvil_rpc.hpp"

using namespace causeway;
namespace json = boost::json;

namespace {

using test::connect;
using test::mine;
using test::set_code;
using test::set_storage;

Hash random_hash(std::mt19937_64& rng) {
    Hash h;
    for (auto& b : h.bytes) b = static_cast<uint8_t>(rng());
    h[0] |= 1;  // never zero: zero means "not finalized"
    return h;
}

}  // namespace

TEST_CASE("ZK anchor: Scroll finalizedStateRoots read through eth_getProof from anvil",
          "[light-clients][zk][anvil]") {
    CAUSEWAY_REQUIRE_ANVIL();
    test::Anvil anvil;
    auto client = connect(anvil);
    const zk::AnchorConfig& scroll = zk::scroll_mainnet();
    std::mt19937_64 rng(0x5c011);

    // Finalized batches 1..64 (a random root each) next to other state of the contract.
    set_code(*client, scroll.contract, "0x6000");  // a contract, as the real proxy is
    std::vector<Hash> roots;
    for (uint64_t batch = 1; batch <= 64; ++batch) {
        roots.push_back(random_hash(rng));
        set_storage(*client, scroll.contract, zk::mapping_entry_slot(batch, scroll.mapping_slot),
                    roots.back());
    }
    Hash last_finalized;
    last_finalized[31] = 64;
    set_storage(*client, scroll.contract, u256_to_hash(156), last_finalized);  // lastFinalizedBatchIndex
    const jsonrpc::BlockHeader header = mine(*client);

    // Batches 1..64 are finalized, 65..128 are not; all in one eth_getProof.
    std::vector<Hash> keys;
    for (uint64_t batch = 1; batch <= 128; ++batch)
        keys.push_back(zk::mapping_entry_slot(batch, scroll.mapping_slot));
    const auto proof = client->get_proof(scroll.contract, keys, jsonrpc::BlockId::number(header.number));
    REQUIRE(proof);
    REQUIRE(proof->storage_proof.size() == keys.size());
    CHECK(proof->code_hash == keccak256(Bytes{0x60, 0x00}));

    std::size_t finalized = 0;
    std::size_t absent = 0;
    for (uint64_t batch = 1; batch <= 128; ++batch) {
        const auto r = zk::read_finalized_root(header.state_root, scroll, batch, *proof);
        if (batch <= 64) {
            REQUIRE(r.verdict == zk::AnchorVerdict::kValid);
            REQUIRE(*r.state_root == roots[batch - 1]);
            const auto& entry = proof->storage_proof[batch - 1];
            REQUIRE(zk::verify_finalized_root(header.state_root, scroll, batch, roots[batch - 1],
                                              proof->account_proof, entry.proof)
                        .verdict == zk::AnchorVerdict::kValid);
            Hash wrong = roots[batch - 1];
            wrong[31] ^= 1;
            REQUIRE(zk::verify_finalized_root(header.state_root, scroll, batch, wrong, proof->account_proof,
                                              entry.proof)
                        .verdict == zk::AnchorVerdict::kRootMismatch);
            // Another batch's proof (a different key) does not prove this batch.
            const auto& other = proof->storage_proof[batch % 64];
            REQUIRE(
                zk::read_finalized_root(header.state_root, scroll, batch, proof->account_proof, other.proof)
                    .verdict == zk::AnchorVerdict::kStorageProofInvalid);
            ++finalized;
        } else {
            REQUIRE(r.verdict == zk::AnchorVerdict::kNotFinalized);
            ++absent;
        }
    }
    CHECK(finalized == 64);
    CHECK(absent == 64);

    // Once the contract's storage changes, the old proof fails against the new state root.
    set_storage(*client, scroll.contract, zk::mapping_entry_slot(200, scroll.mapping_slot), random_hash(rng));
    const jsonrpc::BlockHeader changed = mine(*client);
    const auto stale = zk::read_finalized_root(changed.state_root, scroll, 1, *proof);
    CHECK(stale.verdict == zk::AnchorVerdict::kAccountProofInvalid);

    // An account that is not the anchor: its proof is refused before anything is hashed.
    const auto eoa = client->get_proof(*address_from_hex(test::Anvil::kDevAddresses[0]), keys,
                                       jsonrpc::BlockId::number(changed.number));
    REQUIRE(eoa);
    CHECK(zk::read_finalized_root(changed.state_root, scroll, 1, *eoa).verdict ==
          zk::AnchorVerdict::kWrongAccount);
    // The same storage under a configuration naming that account: the account has no such entries.
    zk::AnchorConfig dev = scroll;
    dev.contract = eoa->address;
    CHECK(zk::read_finalized_root(changed.state_root, dev, 1, *eoa).verdict ==
          zk::AnchorVerdict::kNotFinalized);
    // An address with no account at all.
    zk::AnchorConfig nowhere = scroll;
    nowhere.contract[0] ^= 0xff;
    const auto missing = client->get_proof(nowhere.contract, keys, jsonrpc::BlockId::number(changed.number));
    REQUIRE(missing);
    CHECK(zk::read_finalized_root(changed.state_root, nowhere, 1, *missing).verdict ==
          zk::AnchorVerdict::kAnchorAccountAbsent);
}

TEST_CASE("OP Stack withdrawal proven against an output root built from anvil",
          "[light-clients][opstack][anvil]") {
    CAUSEWAY_REQUIRE_ANVIL();
    test::Anvil anvil;
    auto client = connect(anvil);
    const Address& passer = opstack::message_passer_address();

    // Three withdrawals recorded by the message passer, a fourth never sent.
    std::vector<opstack::Withdrawal> sent;
    for (uint64_t i = 0; i < 3; ++i) {
        opstack::Withdrawal w;
        w.nonce = (u256(1) << 240) | i;  // message version 1, as the predeploy numbers them
        w.sender = *address_from_hex(test::Anvil::kDevAddresses[i]);
        w.target = *address_from_hex(test::Anvil::kDevAddresses[(i + 1) % 3]);
        w.value = u256(1'000'000'000'000'000ull) * (i + 1);
        w.gas_limit = 100'000 + i;
        w.data = Bytes{0xca, 0xfe, static_cast<uint8_t>(i)};
        sent.push_back(w);
        Hash one;
        one[31] = 1;
        set_storage(*client, passer, opstack::sent_messages_slot(opstack::withdrawal_hash(w)), one);
    }
    set_code(*client, passer, "0x6000");
    opstack::Withdrawal unsent = sent[0];
    unsent.nonce += 100;
    const jsonrpc::BlockHeader header = mine(*client);

    std::vector<Hash> keys;
    for (const auto& w : sent) keys.push_back(opstack::sent_messages_slot(opstack::withdrawal_hash(w)));
    keys.push_back(opstack::sent_messages_slot(opstack::withdrawal_hash(unsent)));
    const auto proof = client->get_proof(passer, keys, jsonrpc::BlockId::number(header.number));
    REQUIRE(proof);
    REQUIRE(proof->storage_proof.size() == 4);

    // The output the proposer would post for this block, from the header and the passer's root.
    const opstack::OutputRootProof output{opstack::output_version_v0(), header.state_root,
                                          proof->storage_hash, *header.hash};
    const Hash root = *opstack::output_root(output);
    CHECK(opstack::verify_l2_header(output, header, false) == opstack::HeaderBindingVerdict::kValid);
    CHECK(opstack::verify_message_passer_account(output, proof->account_proof).verdict ==
          opstack::MessagePasserVerdict::kValid);

    for (std::size_t i = 0; i < sent.size(); ++i) {
        const auto r = opstack::verify_withdrawal(output, root, opstack::withdrawal_hash(sent[i]),
                                                  proof->storage_proof[i].proof);
        CHECK(r.verdict == opstack::WithdrawalVerdict::kValid);
    }
    CHECK(opstack::verify_withdrawal(output, root, opstack::withdrawal_hash(unsent),
                                     proof->storage_proof[3].proof)
              .verdict == opstack::WithdrawalVerdict::kNotSent);
    // A slot holding something other than true.
    Hash two;
    two[31] = 2;
    set_storage(*client, passer, opstack::sent_messages_slot(opstack::withdrawal_hash(unsent)), two);
    const jsonrpc::BlockHeader later = mine(*client);
    const auto later_proof = client->get_proof(passer, keys, jsonrpc::BlockId::number(later.number));
    REQUIRE(later_proof);
    const opstack::OutputRootProof later_output{opstack::output_version_v0(), later.state_root,
                                                later_proof->storage_hash, *later.hash};
    CHECK(opstack::verify_withdrawal(later_output, *opstack::output_root(later_output),
                                     opstack::withdrawal_hash(unsent), later_proof->storage_proof[3].proof)
              .verdict == opstack::WithdrawalVerdict::kUnexpectedValue);
    // The old output's proof does not fit the new output, and the new header is not the old output's.
    CHECK(opstack::verify_withdrawal(later_output, *opstack::output_root(later_output),
                                     opstack::withdrawal_hash(sent[0]), proof->storage_proof[0].proof)
              .verdict == opstack::WithdrawalVerdict::kStorageProofInvalid);
    CHECK(opstack::verify_l2_header(output, later, false) ==
          opstack::HeaderBindingVerdict::kBlockHashMismatch);
    CHECK(opstack::verify_withdrawal(later_output, root, opstack::withdrawal_hash(sent[0]),
                                     later_proof->storage_proof[0].proof)
              .verdict == opstack::WithdrawalVerdict::kOutputRootMismatch);
}
