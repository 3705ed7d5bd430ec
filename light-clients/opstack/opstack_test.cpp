// OP Stack output roots, withdrawals and finality: every vector in opstack/, single-byte mutations of
// the real withdrawal proofs and output root components, and each finality rule at its boundary.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/hex.hpp"
#include "core/jsonrpc.hpp"
#include "core/keccak.hpp"
#include "light-clients/opstack/finality.hpp"
#include "light-clients/opstack/output_root.hpp"
#include "light-clients/opstack/withdrawal.hpp"
#include "tests/support/vectors.hpp"

using namespace causeway;
using namespace causeway::opstack;
namespace json = boost::json;

namespace {

using test::address_of;
using test::hash_of;

u256 number_of(const json::value& v) {
    auto n = parse_u256(test::json_string(v));
    REQUIRE(n);
    return *n;
}

std::vector<Bytes> nodes_of(const json::value& v) {
    std::vector<Bytes> out;
    for (const auto& n : v.as_array()) out.push_back(test::bytes_from_any_hex(test::json_string(n)));
    return out;
}

BlockHeader header_of(const json::value& v) {
    auto h = jsonrpc::decode_header(v);
    REQUIRE(h);
    return *h;
}

OutputRootProof output_of(const json::value& proof) {
    const auto& o = proof.as_object();
    return {hash_of(o.at("version")), hash_of(o.at("stateRoot")), hash_of(o.at("messagePasserStorageRoot")),
            hash_of(o.at("latestBlockhash"))};
}

Hash* component(OutputRootProof& o, int i) {
    switch (i) {
        case 0: return &o.version;
        case 1: return &o.state_root;
        case 2: return &o.message_passer_storage_root;
        default: return &o.block_hash;
    }
}

// Every single-byte change (each position, each of the 255 other values) of every component of
// `output` must break the claim `root`. Returns how many changes were tried.
std::size_t mutate_output_components(const OutputRootProof& output, const Hash& root) {
    std::size_t tried = 0;
    for (int c = 0; c < 4; ++c) {
        for (std::size_t pos = 0; pos < 32; ++pos) {
            for (int delta = 1; delta < 256; ++delta) {
                OutputRootProof m = output;
                (*component(m, c))[pos] ^= static_cast<uint8_t>(delta);
                const OutputVerdict v = verify_output_root(m, root);
                if (c == 0) {
                    REQUIRE(v == OutputVerdict::kUnknownVersion);
                } else {
                    REQUIRE(v == OutputVerdict::kOutputRootMismatch);
                }
                ++tried;
            }
        }
    }
    return tried;
}

constexpr uint64_t kDay = 86'400;

}  // namespace

TEST_CASE("output root v0 from its four parts", "[light-clients][opstack]") {
    OutputRootProof p;
    p.state_root[0] = 1;
    p.message_passer_storage_root[0] = 2;
    p.block_hash[0] = 3;
    Bytes preimage(128, 0);
    preimage[32] = 1;
    preimage[64] = 2;
    preimage[96] = 3;
    REQUIRE(output_root(p).has_value());
    CHECK(*output_root(p) == keccak256(preimage));
    CHECK(verify_output_root(p, keccak256(preimage)) == OutputVerdict::kValid);

    // Only version 0 is defined: any other version has no output root.
    p.version[31] = 1;
    CHECK(output_root(p).error() == OutputError::kUnknownVersion);
    CHECK(verify_output_root(p, keccak256(preimage)) == OutputVerdict::kUnknownVersion);
    CHECK(to_string(OutputVerdict::kUnknownVersion) == "unknown output root version");
}

TEST_CASE("output root: op-node TestOutputAtBlock", "[light-clients][opstack]") {
    CAUSEWAY_REQUIRE_VECTORS();
    // Source: ethereum-optimism/optimism op-node/node/server_test.go TestOutputAtBlock (file commit
    // 2d08d190a95fa8727cedafefb0b1e5a86ef4c8b6): a mainnet L1 header and an eth_getProof as stand-in
    // L2 data, and the RPC's asserted optimism_outputAtBlock result.
    const auto v = test::read_vector_json("opstack/output_root_op-node_TestOutputAtBlock.json");
    const auto& header_json = v.at("header");
    const auto& proof_json = v.at("accountProofResponse");
    const auto& expected = v.at("expectedOutput");
    std::size_t cases = 0;

    const OutputRootProof output{output_version_v0(), hash_of(header_json.at("stateRoot")),
                                 hash_of(proof_json.at("storageHash")), hash_of(header_json.at("hash"))};
    CHECK(output.state_root == hash_of(expected.at("stateRoot")));
    CHECK(output.message_passer_storage_root == hash_of(expected.at("withdrawalStorageRoot")));
    CHECK(output.block_hash == hash_of(expected.at("blockRef.hash")));
    CHECK(hash_of(expected.at("version")) == output_version_v0());
    const Hash root = hash_of(expected.at("outputRoot"));
    CHECK(to_hex(*output_root(output)) ==
          "0xc861dbdc5bf1d8bbbc0bca7cd876ab6a70748c50b2054a46e8f30e99002170ab");
    CHECK(verify_output_root(output, root) == OutputVerdict::kValid);
    ++cases;

    // The header hashes to the output's block hash and carries its state root (pre-Isthmus rules).
    const BlockHeader header = header_of(header_json);
    CHECK(verify_l2_header(output, header, false) == HeaderBindingVerdict::kValid);
    ++cases;

    // The account proof (of the deposit contract, op-node's stand-in for the message passer) holds
    // the output's message passer storage root under its state root.
    const auto account_proof = nodes_of(proof_json.at("accountProof"));
    const Address stand_in = address_of(proof_json.at("address"));
    const auto passer = verify_message_passer_account(output, account_proof, stand_in);
    CHECK(passer.verdict == MessagePasserVerdict::kValid);
    ++cases;
    // The real predeploy address is not in this (L1) state.
    const auto absent = verify_message_passer_account(output, account_proof);
    CHECK(absent.verdict != MessagePasserVerdict::kValid);
    OutputRootProof other_root = output;
    other_root.message_passer_storage_root[5] ^= 1;
    CHECK(verify_message_passer_account(other_root, account_proof, stand_in).verdict ==
          MessagePasserVerdict::kStorageRootMismatch);
    OutputRootProof other_state = output;
    other_state.state_root[0] ^= 1;
    const auto bad_state = verify_message_passer_account(other_state, account_proof, stand_in);
    CHECK(bad_state.verdict == MessagePasserVerdict::kAccountProofInvalid);
    CHECK(bad_state.proof_verdict == mpt::ProofVerdict::kNodeHashMismatch);

    const std::size_t mutations = mutate_output_components(output, root);
    INFO("output root component mutations");
    CHECK(mutations == 4 * 32 * 255);
    test::report_cases("opstack/output_root_op-node_TestOutputAtBlock.json", cases);
}

TEST_CASE("output root: OP Sepolia optimism_outputAtBlock example", "[light-clients][opstack]") {
    CAUSEWAY_REQUIRE_VECTORS();
    // Source: NethermindEth/nethermind IOptimismOptimismRpcModule.cs ExampleResponse (commit
    // 5f409a90266c3918081f74da9e2644d3db212f9a): OP Sepolia L2 block 27982526.
    const auto v = test::read_vector_json("opstack/output_root_op-sepolia_nethermind_example.json");
    const auto& r = v.at("optimism_outputAtBlock_result");
    const OutputRootProof output{hash_of(r.at("version")), hash_of(r.at("stateRoot")),
                                 hash_of(r.at("withdrawalStorageRoot")),
                                 hash_of(r.at("blockRef").at("hash"))};
    const Hash root = hash_of(r.at("outputRoot"));
    CHECK(verify_output_root(output, root) == OutputVerdict::kValid);
    CHECK(mutate_output_components(output, root) == 4 * 32 * 255);
    test::report_cases("opstack/output_root_op-sepolia_nethermind_example.json", 1);
}

TEST_CASE("withdrawal slot and hash rules", "[light-clients][opstack]") {
    CHECK(to_hex(message_passer_address()) == "0x4200000000000000000000000000000000000016");
    Hash h;
    h[31] = 7;
    Bytes preimage(64, 0);
    preimage[31] = 7;
    CHECK(sent_messages_slot(h) == keccak256(preimage));

    // Every field of the withdrawal is committed to.
    Withdrawal w{u256(1), Address{}, Address{}, u256(2), u256(100'000), Bytes{0xde, 0xad}};
    const Hash base = withdrawal_hash(w);
    auto changed = [&](auto&& edit) {
        Withdrawal m = w;
        edit(m);
        return withdrawal_hash(m) != base;
    };
    CHECK(changed([](Withdrawal& m) { m.nonce += 1; }));
    CHECK(changed([](Withdrawal& m) { m.sender[19] = 1; }));
    CHECK(changed([](Withdrawal& m) { m.target[0] = 1; }));
    CHECK(changed([](Withdrawal& m) { m.value += 1; }));
    CHECK(changed([](Withdrawal& m) { m.gas_limit += 1; }));
    CHECK(changed([](Withdrawal& m) { m.data.push_back(0); }));
    // abi.encode puts the dynamic `data` after the six head words: offset 0xc0, then its length.
    Bytes expected_preimage(32 * 8 + 32, 0);
    expected_preimage[31] = 1;
    expected_preimage[3 * 32 + 31] = 2;
    expected_preimage[4 * 32 + 29] = 0x01;  // 100000 = 0x0186a0
    expected_preimage[4 * 32 + 30] = 0x86;
    expected_preimage[4 * 32 + 31] = 0xa0;
    expected_preimage[5 * 32 + 31] = 0xc0;
    expected_preimage[6 * 32 + 31] = 2;
    expected_preimage[7 * 32] = 0xde;
    expected_preimage[7 * 32 + 1] = 0xad;
    expected_preimage.resize(32 * 8);
    CHECK(base == keccak256(expected_preimage));
}

TEST_CASE("withdrawals: viem OP Mainnet prove-withdrawal bundles, end to end", "[light-clients][opstack]") {
    CAUSEWAY_REQUIRE_VECTORS();
    // Source: wevm/viem src/op-stack/actions/buildProveWithdrawal.test.ts inline snapshots (file commit
    // c0e1379d142fdb5eca758d350b51716fc4b7033c): two real OP Mainnet withdrawals, one proven against a
    // dispute game, one against an L2OutputOracle output.
    const auto v = test::read_vector_json("opstack/viem_op_mainnet_prove_withdrawal.json");
    std::size_t cases = 0;
    std::size_t proof_bytes = 0;
    std::size_t truncations = 0;
    std::size_t node_mutations = 0;
    std::size_t component_mutations = 0;
    for (const auto& c : v.at("cases").as_array()) {
        const auto& r = c.at("buildProveWithdrawal_result");
        INFO(test::json_string(c.at("test")));
        const auto& wj = r.at("withdrawal");
        const Withdrawal w{
            number_of(wj.at("nonce")),    address_of(wj.at("sender")),
            address_of(wj.at("target")),  number_of(wj.at("value")),
            number_of(wj.at("gasLimit")), test::bytes_from_any_hex(test::json_string(wj.at("data")))};
        const Hash hash = withdrawal_hash(w);
        CHECK(hash == hash_of(wj.at("withdrawalHash")));

        const OutputRootProof output = output_of(r.at("outputRootProof"));
        const auto proof = nodes_of(r.at("withdrawalProof"));
        // The output root is not stated by the source: it is what the L1 anchor holds for this proof.
        const Hash root = *output_root(output);

        const auto sent = verify_sent_message(output.message_passer_storage_root, hash, proof);
        CHECK(sent.verdict == WithdrawalVerdict::kValid);
        const auto full = verify_withdrawal(output, root, hash, proof);
        CHECK(full.verdict == WithdrawalVerdict::kValid);
        ++cases;

        // The proof is for exactly this withdrawal.
        Withdrawal other = w;
        other.gas_limit += 1;
        CHECK(verify_withdrawal(output, root, withdrawal_hash(other), proof).verdict ==
              WithdrawalVerdict::kStorageProofInvalid);
        // Each missing node leaves the proof short, and the leaf alone does not hash to the root.
        for (std::size_t keep = 0; keep < proof.size(); ++keep) {
            const std::vector<Bytes> cut(proof.begin(), proof.begin() + static_cast<std::ptrdiff_t>(keep));
            CHECK(verify_withdrawal(output, root, hash, cut).verdict ==
                  WithdrawalVerdict::kStorageProofInvalid);
            ++truncations;
        }
        CHECK(
            verify_withdrawal(output, root, hash, std::vector<Bytes>(proof.end() - 1, proof.end())).verdict ==
            WithdrawalVerdict::kStorageProofInvalid);

        // Every single-byte change of every proof node is rejected by the hash chain.
        for (const auto& node : proof) proof_bytes += node.size();
        for (std::size_t n = 0; n < proof.size(); ++n) {
            std::vector<Bytes> mutated = proof;
            Bytes& node = mutated[n];
            for (std::size_t pos = 0; pos < node.size(); ++pos) {
                const uint8_t original = node[pos];
                for (int delta = 1; delta < 256; ++delta) {
                    node[pos] = original ^ static_cast<uint8_t>(delta);
                    const auto m = verify_withdrawal(output, root, hash, mutated);
                    if (m.verdict != WithdrawalVerdict::kStorageProofInvalid) {
                        FAIL("node " << n << " byte " << pos << " ^ " << delta
                                     << " accepted: " << to_string(m.verdict));
                    }
                    ++node_mutations;
                }
                node[pos] = original;
            }
        }

        // Every single-byte change of each output root component breaks the output root; a changed
        // message passer root also fails the storage proof on its own.
        component_mutations += mutate_output_components(output, root);
        for (std::size_t pos = 0; pos < 32; ++pos) {
            for (int delta = 1; delta < 256; ++delta) {
                OutputRootProof m = output;
                m.message_passer_storage_root[pos] ^= static_cast<uint8_t>(delta);
                REQUIRE(verify_withdrawal(m, root, hash, proof).verdict ==
                        WithdrawalVerdict::kOutputRootMismatch);
                const auto alone = verify_sent_message(m.message_passer_storage_root, hash, proof);
                REQUIRE(alone.verdict == WithdrawalVerdict::kStorageProofInvalid);
                REQUIRE(alone.proof_verdict == mpt::ProofVerdict::kNodeHashMismatch);
                ++component_mutations;
            }
        }
        OutputRootProof v1 = output;
        v1.version[31] = 1;
        CHECK(verify_withdrawal(v1, root, hash, proof).verdict == WithdrawalVerdict::kUnknownOutputVersion);
    }
    CHECK(cases == 2);
    // The loops ran over real data: each proof has several nodes (a mainnet storage trie is deep),
    // every byte of every node was changed in all 255 ways, and every output root component too.
    REQUIRE(cases > 0);
    REQUIRE(truncations >= 3 * cases);
    REQUIRE(proof_bytes >= 3 * 32 * cases);
    REQUIRE(node_mutations == proof_bytes * 255);
    REQUIRE(component_mutations == cases * 5 * 32 * 255);
    test::report_cases("opstack withdrawal proof node mutations rejected", node_mutations);
    test::report_cases("opstack output root component mutations rejected", component_mutations);
    test::report_cases("opstack/viem_op_mainnet_prove_withdrawal.json", cases);
}

TEST_CASE("L2 headers bind to outputs: OP Mainnet post-Isthmus headers", "[light-clients][opstack]") {
    CAUSEWAY_REQUIRE_VECTORS();
    // Source: GetBlock-io/getblock-docs (commit 2225e4c710cdeaadc8f66fd167ab436e2bd1a519)
    // optimism_eth_getblockby{hash,number}.md: OP Mainnet blocks 151534212 and 151534589, after
    // Isthmus, whose withdrawalsRoot is the message passer storage root.
    const auto v = test::read_vector_json("opstack/op_mainnet_headers_getblock_docs.json");
    std::size_t cases = 0;
    for (const auto& b : v.at("blocks").as_array()) {
        const BlockHeader header = header_of(b.at("response").at("result"));
        REQUIRE(header.hash);
        CHECK(compute_hash(header) == *header.hash);
        // After Isthmus the header alone gives the output: its withdrawalsRoot is the passer's root.
        REQUIRE(header.withdrawals_root);
        const std::optional<OutputRootProof> output =
            OutputRootProof{output_version_v0(), header.state_root, *header.withdrawals_root, *header.hash};
        CHECK(output->block_hash == *header.hash);
        CHECK(verify_l2_header(*output, header, true) == HeaderBindingVerdict::kValid);
        ++cases;

        OutputRootProof m = *output;
        m.message_passer_storage_root[0] ^= 1;
        CHECK(verify_l2_header(m, header, true) == HeaderBindingVerdict::kMessagePasserRootMismatch);
        CHECK(verify_l2_header(m, header, false) == HeaderBindingVerdict::kValid);  // pre-Isthmus: unused
        m = *output;
        m.state_root[31] ^= 1;
        CHECK(verify_l2_header(m, header, true) == HeaderBindingVerdict::kStateRootMismatch);
        m = *output;
        m.block_hash[0] ^= 0x80;
        CHECK(verify_l2_header(m, header, true) == HeaderBindingVerdict::kBlockHashMismatch);
        BlockHeader changed = header;
        changed.timestamp += 1;
        CHECK(verify_l2_header(*output, changed, true) == HeaderBindingVerdict::kBlockHashMismatch);
    }
    CHECK(cases == 2);
    test::report_cases("opstack/op_mainnet_headers_getblock_docs.json", cases);
}

TEST_CASE("L2 headers bind to outputs: OP Sepolia kona fixtures (pre-Isthmus)", "[light-clients][opstack]") {
    CAUSEWAY_REQUIRE_VECTORS();
    // Source: anton-rs/kona crates/executor/testdata/block-2288423{0,1}.tar.gz fixture.json (commit
    // f0a7bfe738cfc7fa8f60bd2b12a85cf28048986c): OP Sepolia Holocene headers 22884229 and 22884230.
    const auto f230 = test::read_vector_json("opstack/op-sepolia-kona/block-22884230-fixture.json");
    const auto f231 = test::read_vector_json("opstack/op-sepolia-kona/block-22884231-fixture.json");
    const BlockHeader h229 = header_of(f230.at("parent_header"));
    const BlockHeader h230 = header_of(f231.at("parent_header"));
    const Hash hash230 = hash_of(f230.at("expected_block_hash"));
    std::size_t cases230 = 0;
    std::size_t cases231 = 0;

    // 22884230 hashes to the block hash the executor fixture expects, and links to 22884229.
    CHECK(compute_hash(h230) == hash230);
    CHECK(h230.parent_hash == compute_hash(h229));
    ++cases231;

    // Before Isthmus the header's withdrawalsRoot is the empty-list root, not the message passer's:
    // an output for this block binds by hash and state root only.
    REQUIRE(h230.withdrawals_root);
    CHECK(*h230.withdrawals_root == mpt::empty_root());
    OutputRootProof output{output_version_v0(), h230.state_root, Hash{}, hash230};
    output.message_passer_storage_root[0] = 0x42;  // whatever the state holds; not in the header
    CHECK(verify_l2_header(output, h230, false) == HeaderBindingVerdict::kValid);
    CHECK(verify_l2_header(output, h230, true) == HeaderBindingVerdict::kMessagePasserRootMismatch);
    ++cases230;
    // The parent's output does not bind to this header.
    const OutputRootProof parent{output_version_v0(), h229.state_root, Hash{}, compute_hash(h229)};
    CHECK(verify_l2_header(parent, h230, false) == HeaderBindingVerdict::kBlockHashMismatch);
    CHECK(verify_l2_header(parent, h229, false) == HeaderBindingVerdict::kValid);
    OutputRootProof wrong_state = output;
    wrong_state.state_root = h229.state_root;
    CHECK(verify_l2_header(wrong_state, h230, false) == HeaderBindingVerdict::kStateRootMismatch);
    ++cases231;
    test::report_cases("opstack/op-sepolia-kona/block-22884230-fixture.json", cases230);
    test::report_cases("opstack/op-sepolia-kona/block-22884231-fixture.json", cases231);
}

TEST_CASE("finality: L2OutputOracle finalization period", "[light-clients][opstack][finality]") {
    const uint64_t period = 7 * kDay;
    uint64_t at = 0;
    CHECK(evaluate_oracle_output(std::nullopt, period, 10) == OracleFinality::kNoProposal);
    CHECK(evaluate_oracle_output(0, period, 10) == OracleFinality::kNoProposal);
    // OptimismPortal: block.timestamp > timestamp + FINALIZATION_PERIOD_SECONDS.
    CHECK(evaluate_oracle_output(1000, period, 1000 + period, &at) == OracleFinality::kFinalizationPeriod);
    CHECK(at == 1000 + period + 1);
    CHECK(evaluate_oracle_output(1000, period, 1000 + period + 1) == OracleFinality::kFinal);
    CHECK(evaluate_oracle_output(1000, 0, 1000) == OracleFinality::kFinalizationPeriod);
    CHECK(evaluate_oracle_output(1000, 0, 1001) == OracleFinality::kFinal);
    // No wrap-around near the end of time.
    CHECK(evaluate_oracle_output(UINT64_MAX - 5, period, UINT64_MAX - 1, &at) ==
          OracleFinality::kFinalizationPeriod);
    CHECK(at == UINT64_MAX);
    CHECK(to_string(OracleFinality::kFinalizationPeriod) == "the finalization period has not elapsed");
}

TEST_CASE("finality: dispute games", "[light-clients][opstack][finality]") {
    // OP Mainnet's values: proofMaturityDelaySeconds 604800, disputeGameFinalityDelaySeconds 302400.
    const GameRules rules{302'400, 1'000, 7 * kDay};
    DisputeGame game{GameStatus::kDefenderWins, 5'000, 50'000, true, true, false};
    uint64_t at = 0;
    CHECK(evaluate_game(game, rules, 50'000 + 302'400, &at) == GameFinality::kFinalityDelay);
    CHECK(at == 50'000 + 302'400 + 1);
    CHECK(evaluate_game(game, rules, 50'000 + 302'401) == GameFinality::kFinal);

    auto with = [&](auto&& edit) {
        DisputeGame g = game;
        edit(g);
        return evaluate_game(g, rules, 10'000'000);
    };
    CHECK(with([](DisputeGame& g) { g.status = GameStatus::kInProgress, g.resolved_at = 0; }) ==
          GameFinality::kInProgress);
    CHECK(with([](DisputeGame& g) { g.resolved_at = 0; }) == GameFinality::kInProgress);
    CHECK(with([](DisputeGame& g) { g.status = GameStatus::kChallengerWins; }) ==
          GameFinality::kChallengerWins);
    CHECK(with([](DisputeGame& g) { g.registered = false; }) == GameFinality::kNotRegistered);
    CHECK(with([](DisputeGame& g) { g.blacklisted = true; }) == GameFinality::kBlacklisted);
    CHECK(with([](DisputeGame& g) { g.respected = false; }) == GameFinality::kNotRespected);
    // Retired: created at or before the retirement timestamp (AnchorStateRegistry.isGameRetired).
    CHECK(with([](DisputeGame& g) { g.created_at = 1'000; }) == GameFinality::kRetired);
    CHECK(with([](DisputeGame& g) { g.created_at = 1'001; }) == GameFinality::kFinal);
    // Invalidation outranks resolution: a blacklisted winner is never valid.
    CHECK(with([](DisputeGame& g) { g.blacklisted = true, g.status = GameStatus::kChallengerWins; }) ==
          GameFinality::kBlacklisted);
    CHECK(is_pending(GameFinality::kFinalityDelay));
    CHECK(is_pending(GameFinality::kInProgress));
    CHECK(!is_pending(GameFinality::kChallengerWins));
    CHECK(!is_pending(GameFinality::kFinal));
}

TEST_CASE("finality: withdrawals proven against a game", "[light-clients][opstack][finality]") {
    const GameRules rules{302'400, 0, 604'800};
    const DisputeGame game{GameStatus::kDefenderWins, 5'000, 50'000, true, true, false};
    const uint64_t proven = 6'000;

    auto r = evaluate_proven_withdrawal(std::nullopt, game, rules, 1'000'000);
    CHECK(r.verdict == ProvenWithdrawalFinality::kNotProven);
    r = evaluate_proven_withdrawal(5'000, game, rules, 1'000'000);
    CHECK(r.verdict == ProvenWithdrawalFinality::kProvenBeforeGameCreated);

    // Final when both the proof matured (now - provenAt > 604800) and the game's air gap passed.
    r = evaluate_proven_withdrawal(proven, game, rules, proven + 604'800);
    CHECK(r.verdict == ProvenWithdrawalFinality::kProofMaturity);
    REQUIRE(r.final_at);
    CHECK(*r.final_at == std::max<uint64_t>(proven + 604'801, 50'000 + 302'401));
    r = evaluate_proven_withdrawal(proven, game, rules, *r.final_at);
    CHECK(r.verdict == ProvenWithdrawalFinality::kFinal);
    CHECK(r.game == GameFinality::kFinal);

    // Matured, but the game is still in its air gap.
    const DisputeGame late{GameStatus::kDefenderWins, 5'000, 700'000, true, true, false};
    r = evaluate_proven_withdrawal(proven, late, rules, 700'000 + 302'400);
    CHECK(r.verdict == ProvenWithdrawalFinality::kGameNotValid);
    CHECK(r.game == GameFinality::kFinalityDelay);
    REQUIRE(r.final_at);
    CHECK(*r.final_at == 700'000 + 302'401);

    // A game lost by the defender makes the withdrawal unfinalizable whatever the time.
    DisputeGame lost = game;
    lost.status = GameStatus::kChallengerWins;
    r = evaluate_proven_withdrawal(proven, lost, rules, proven + 1);
    CHECK(r.verdict == ProvenWithdrawalFinality::kGameNotValid);
    CHECK(r.game == GameFinality::kChallengerWins);
    CHECK(!r.final_at);
}
