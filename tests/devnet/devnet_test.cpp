// `causeway devnet up | status | down` for real: PostgreSQL and three anvil chains started, checked
// and stopped by the causeway binary; nothing left running afterwards.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "chain/json_rpc_client.hpp"
#include "core/abi.hpp"
#include "core/block_header.hpp"
#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "core/secp256k1.hpp"
#include "core/u256.hpp"
#include "db/migrate.hpp"
#include "light-clients/client/client.hpp"
#include "light-clients/mpt/proof.hpp"
#include "light-clients/opstack/output_root.hpp"
#include "light-clients/zk/anchor.hpp"
#include "os/process.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace causeway;
namespace json = boost::json;

namespace {

test::CommandResult causeway_cli(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {CAUSEWAY_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run_command(argv);
}

json::object manifest_of(const std::filesystem::path& dir) {
    std::ifstream in(dir / "manifest.json");
    std::stringstream text;
    text << in.rdbuf();
    return json::parse(text.str()).as_object();
}

// Running: it exists and is not a zombie (the devnet's own check).
bool process_exists(int64_t pid) {
    return os::alive(static_cast<pid_t>(pid));
}

// A folder for a devnet inside `tmp`. PostgreSQL runs as its own user when the tests run as root:
// it must be able to reach the folder.
std::filesystem::path devnet_dir(const test::TempDir& tmp) {
    std::filesystem::permissions(tmp.path(), std::filesystem::perms::others_exec,
                                 std::filesystem::perm_options::add);
    return tmp.path() / "net";
}

// Brings the devnet in `dir` down when the test case ends, however it ends (a failed REQUIRE
// included), so that no process outlives the test.
struct DownAtExit {
    std::filesystem::path dir;
    ~DownAtExit() { (void)causeway_cli({"devnet", "down", "--dir", dir.string()}); }
};

}  // namespace

TEST_CASE("devnet up starts every part, status checks them, down leaves nothing behind", "[devnet]") {
    test::TempDir tmp("causeway-devnet");
    const auto dir = devnet_dir(tmp);
    const DownAtExit down_at_exit{dir};

    const auto start = std::chrono::steady_clock::now();
    const auto up = causeway_cli({"devnet", "up", "--dir", dir.string()});
    const auto took = std::chrono::steady_clock::now() - start;
    INFO(up.out);
    REQUIRE(up.exit_code == 0);
    CHECK(took < std::chrono::seconds(30));
    WARN("devnet up took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");

    const auto manifest = manifest_of(dir);
    const auto& chains = manifest.at("chains").as_array();
    REQUIRE(chains.size() == 3);
    std::vector<int64_t> pids = {manifest.at("postgres").at("pid").to_number<int64_t>()};
    std::vector<int64_t> ports = {manifest.at("postgres").at("port").to_number<int64_t>()};
    const uint64_t expected_ids[] = {900, 901, 902};
    for (std::size_t i = 0; i < chains.size(); ++i) {
        const auto& c = chains[i].as_object();
        CHECK(c.at("chain_id").to_number<uint64_t>() == expected_ids[i]);
        pids.push_back(c.at("pid").to_number<int64_t>());
        ports.push_back(c.at("port").to_number<int64_t>());
        // Each chain answers with its id, and every devnet key is funded there (10000 ETH, less gas).
        auto client = chain::HttpJsonRpcClient::create(c.at("rpc").as_string().c_str());
        REQUIRE(client);
        CHECK((*client)->chain_id().value() == expected_ids[i]);
        for (const auto& [role, key] : manifest.at("keys").as_object()) {
            INFO(role);
            const auto address = address_from_hex(key.at("address").as_string().c_str());
            REQUIRE(address);
            CHECK((*client)->balance(*address).value() > u256(9000) * u256(1'000'000'000'000'000'000ULL));
        }
    }
    for (const auto pid : pids) CHECK(process_exists(pid));

    // The database is migrated; key files and the manifest are private; configs are there.
    {
        auto conn = db::Connection::open({manifest.at("postgres").at("url").as_string().c_str()});
        db::require_current_schema(conn);
    }
    for (const auto& [role, key] : manifest.at("keys").as_object()) {
        struct stat st {};
        REQUIRE(stat(key.at("key_file").as_string().c_str(), &st) == 0);
        CHECK((st.st_mode & 077) == 0);
        const auto loaded = PrivateKey::from_hex(key.at("private_key").as_string().c_str());
        REQUIRE(loaded);
        CHECK(to_checksum_hex(loaded->address()) == key.at("address").as_string().c_str());
    }
    struct stat manifest_stat {};
    REQUIRE(stat((dir / "manifest.json").c_str(), &manifest_stat) == 0);
    CHECK((manifest_stat.st_mode & 077) == 0);
    for (const auto* config : {"relayer-1.yaml", "relayer-2.yaml", "admin-token", "validator-1.yaml",
                               "validator-2.yaml", "validator-3.yaml", "router.yaml"}) {
        CHECK(std::filesystem::exists(dir / "config" / config));
    }

    // The proposer posts 901's output roots to its oracle on L1, and finalizes 902's batches in its
    // ScrollChain-like rollup contract. Prove every posted root through L1 state (account + storage
    // proofs against an L1 header's stateRoot) and recompute it from the L2 block it names: for an
    // output, stateRoot, message passer storage root and block hash; for a batch, the state root.
    auto l1 = chain::HttpJsonRpcClient::create(chains[0].at("rpc").as_string().c_str()).value();
    const auto passer = address_from_hex("0x4200000000000000000000000000000000000016").value();
    CHECK(chains[1].at("family").as_string() == "opstack");
    CHECK(chains[2].at("family").as_string() == "zk");
    {
        auto l2 = chain::HttpJsonRpcClient::create(chains[2].at("rpc").as_string().c_str()).value();
        const auto rollup = address_from_hex(chains[2].at("zk_rollup").as_string().c_str()).value();
        CHECK(!chains[2].as_object().contains("output_oracle"));
        const zk::AnchorConfig anchor{"devnet", rollup,
                                      u256(chains[2].at("finalized_state_roots_slot").to_number<uint64_t>())};
        std::optional<uint64_t> proven_block;
        for (int attempt = 0; attempt < 100 && !proven_block; ++attempt) {
            const auto l1_header = l1->header_by_number(jsonrpc::BlockId::latest()).value().value();
            jsonrpc::BlockId at;
            at.value = l1_header.number;
            const Hash slots[] = {zk::mapping_entry_slot(u256(1), anchor.mapping_slot)};
            const auto proof = l1->get_proof(rollup, slots, at).value();
            if (proof.storage_proof[0].value == 0) {
                usleep(100'000);
                continue;
            }
            const auto finalized = zk::read_finalized_root(l1_header.state_root, anchor, u256(1), proof);
            INFO(zk::to_string(finalized.verdict));
            REQUIRE(finalized.ok());
            // The batch's last block, as the contract answers; its header's state root is the one finalized.
            jsonrpc::CallRequest last;
            last.to = rollup;
            const auto selector = abi::function_selector("batchLastBlock(uint256)");
            last.data = Bytes(selector.bytes.begin(), selector.bytes.end());
            const auto one = u256_to_hash(u256(1));
            last.data.insert(last.data.end(), one.view().begin(), one.view().end());
            const uint64_t l2_block = static_cast<uint64_t>(u256_from_be(l1->call(last, at).value()));
            jsonrpc::BlockId l2_at;
            l2_at.value = l2_block;
            CHECK(l2->header_by_number(l2_at).value().value().state_root == *finalized.state_root);
            proven_block = l2_block;
        }
        CHECK(proven_block.has_value());
    }
    for (std::size_t i = 1; i < 2; ++i) {
        INFO(chains[i].at("name").as_string().c_str());
        auto l2 = chain::HttpJsonRpcClient::create(chains[i].at("rpc").as_string().c_str()).value();
        CHECK(!l2->code(passer).value().empty());  // OP's L2ToL1MessagePasser at its predeploy address
        const auto oracle = address_from_hex(chains[i].at("output_oracle").as_string().c_str()).value();
        CHECK(!l1->code(oracle).value().empty());
        std::optional<uint64_t> proven_block;
        for (int attempt = 0; attempt < 100 && !proven_block; ++attempt) {
            const auto [root_slot, meta_slot] = client::l2_output_slots(client::kL2OutputsSlot, 0);
            const auto l1_header = l1->header_by_number(jsonrpc::BlockId::latest()).value().value();
            jsonrpc::BlockId at;
            at.value = l1_header.number;
            const Hash slots[] = {root_slot, meta_slot};
            const auto proof = l1->get_proof(oracle, slots, at).value();
            if (proof.storage_proof[0].value == 0) {
                usleep(100'000);
                continue;
            }
            // L1: the oracle's account under the header's stateRoot, then its two slots.
            REQUIRE(mpt::verify_eip1186(l1_header.state_root, proof) == mpt::ProofVerdict::kValid);
            const auto account = mpt::verify_account(l1_header.state_root, oracle, proof.account_proof);
            REQUIRE(account.account);
            const auto root_value =
                mpt::verify_storage(account.account->storage_root, root_slot, proof.storage_proof[0].proof);
            const auto meta_value =
                mpt::verify_storage(account.account->storage_root, meta_slot, proof.storage_proof[1].proof);
            REQUIRE(root_value.verdict == mpt::ProofVerdict::kValid);
            REQUIRE(meta_value.verdict == mpt::ProofVerdict::kValid);
            const uint64_t l2_block = static_cast<uint64_t>(meta_value.value >> 128);
            // L2: the output root's preimage from the block it names.
            jsonrpc::BlockId l2_at;
            l2_at.value = l2_block;
            const auto l2_header = l2->header_by_number(l2_at).value().value();
            const auto passer_proof = l2->get_proof(passer, {}, l2_at).value();
            REQUIRE(mpt::verify_eip1186(l2_header.state_root, passer_proof) == mpt::ProofVerdict::kValid);
            const opstack::OutputRootProof preimage{Hash{}, l2_header.state_root, passer_proof.storage_hash,
                                                    compute_hash(l2_header)};
            CHECK(opstack::verify_output_root(preimage, u256_to_hash(root_value.value)) ==
                  opstack::OutputVerdict::kValid);
            proven_block = l2_block;
        }
        CHECK(proven_block.has_value());
    }

    const auto status = causeway_cli({"devnet", "status", "--dir", dir.string(), "--json"});
    INFO(status.out);
    CHECK(status.exit_code == 0);
    const auto health = json::parse(status.out).as_object();
    CHECK(health.at("ok").as_bool());
    // postgres, 3 chains, 2 contract sets, the proposer, 3 validators
    CHECK(health.at("parts").as_array().size() == 12);

    // A second `up` on a running devnet is refused and changes nothing.
    CHECK(causeway_cli({"devnet", "up", "--dir", dir.string()}).exit_code == 1);
    for (const auto pid : pids) CHECK(process_exists(pid));

    const auto down = causeway_cli({"devnet", "down", "--dir", dir.string()});
    INFO(down.out);
    CHECK(down.exit_code == 0);
    for (const auto pid : pids) CHECK(!process_exists(pid));
    for (const auto port : ports)
        CHECK(!test::wait_for_port(static_cast<int>(port), std::chrono::milliseconds(50)));
    CHECK(!std::filesystem::exists(dir));

    // With nothing up: status says so (exit 1), down is a no-op (exit 0).
    CHECK(causeway_cli({"devnet", "status", "--dir", dir.string()}).exit_code == 1);
    CHECK(causeway_cli({"devnet", "down", "--dir", dir.string()}).exit_code == 0);
}

TEST_CASE("devnet status reports a part that died", "[devnet]") {
    test::TempDir tmp("causeway-devnet");
    const auto dir = devnet_dir(tmp);
    const DownAtExit down_at_exit{dir};
    REQUIRE(causeway_cli({"devnet", "up", "--dir", dir.string()}).exit_code == 0);
    const auto manifest = manifest_of(dir);
    const auto l2b = manifest.at("chains").as_array()[2].at("pid").to_number<int64_t>();
    REQUIRE(kill(static_cast<pid_t>(l2b), SIGKILL) == 0);
    for (int i = 0; i < 100 && process_exists(l2b); ++i) usleep(20'000);

    const auto status = causeway_cli({"devnet", "status", "--dir", dir.string()});
    CHECK(status.exit_code == 1);
    CHECK(status.out.find("NOT healthy") != std::string::npos);
    CHECK(status.out.find("l2b (902)") != std::string::npos);
    CHECK(status.out.find("FAILING: not running") != std::string::npos);
    CHECK(causeway_cli({"devnet", "down", "--dir", dir.string()}).exit_code == 0);
    CHECK(!process_exists(manifest.at("postgres").at("pid").to_number<int64_t>()));
}

TEST_CASE("margin moved on the devnet is proven to L1 through the proposer's output root", "[devnet]") {
    test::TempDir tmp("causeway-devnet");
    const auto dir = devnet_dir(tmp);
    const DownAtExit down_at_exit{dir};
    // A block per transaction: the proposer then posts exactly the block the margin moved in.
    REQUIRE(causeway_cli({"devnet", "up", "--dir", dir.string(), "--block-time", "0"}).exit_code == 0);
    const auto manifest = manifest_of(dir);
    const auto& chains = manifest.at("chains").as_array();
    auto l1 = chain::HttpJsonRpcClient::create(chains[0].at("rpc").as_string().c_str()).value();
    auto l2 = chain::HttpJsonRpcClient::create(chains[1].at("rpc").as_string().c_str()).value();
    const auto& contracts = chains[1].at("contracts").as_object();

    // Every contract answers.
    for (const auto& c : {chains[1].as_object(), chains[2].as_object()}) {
        auto client = chain::HttpJsonRpcClient::create(c.at("rpc").as_string().c_str()).value();
        for (const auto& [name, address] : c.at("contracts").as_object()) {
            if (!address.is_string()) continue;
            INFO(name);
            CHECK(!client->code(address_from_hex(address.as_string().c_str()).value()).value().empty());
        }
        jsonrpc::CallRequest local_domain;
        local_domain.to = address_from_hex(c.at("contracts").at("mailbox").as_string().c_str()).value();
        local_domain.data = Bytes{0x8d, 0x36, 0x38, 0xf4};  // localDomain()
        CHECK(u256_from_be(client->call(local_domain).value()) == c.at("chain_id").to_number<uint64_t>());
    }

    // The trader moves margin 901 -> 902; the CLI names the message.
    const auto moved = causeway_cli({"devnet", "move-margin", "--dir", dir.string(), "--amount", "250"});
    INFO(moved.out);
    REQUIRE(moved.exit_code == 0);
    CHECK(moved.out.find("trader margin now 9750") != std::string::npos);
    CHECK(moved.out.find("dispatched yes") != std::string::npos);
    const auto at = moved.out.find("message 0x");
    REQUIRE(at != std::string::npos);
    const Hash id = hash_from_hex(moved.out.substr(at + 8, 66)).value();
    const uint64_t l2_block = l2->block_number().value();

    // Wait for the proposer to post that block's output root.
    const Address oracle = address_from_hex(chains[1].at("output_oracle").as_string().c_str()).value();
    std::optional<uint64_t> index;
    for (int i = 0; i < 100 && !index; ++i) {
        jsonrpc::CallRequest latest;
        latest.to = oracle;
        latest.data = Bytes{0x45, 0x99, 0xc7, 0x88};  // latestBlockNumber()
        const auto block = l1->call(latest);
        if (block && u256_from_be(*block) == l2_block) {
            latest.data = Bytes{0x69, 0xf1, 0x6e, 0xec};  // latestOutputIndex()
            index = static_cast<uint64_t>(u256_from_be(l1->call(latest).value()));
        } else {
            usleep(100'000);
        }
    }
    REQUIRE(index.has_value());

    // Evidence, all at the chains' latest blocks (anvil proves older blocks with the latest state).
    client::OpStackConfig config;
    config.oracle = oracle;
    config.mailbox = {address_from_hex(contracts.at("mailbox").as_string().c_str()).value(),
                      u256(contracts.at("mailbox_dispatched_slot").to_number<uint64_t>())};
    config.policy = {1, chains[1].at("finalization_period_seconds").to_number<uint64_t>(),
                     finality::Level::kAnchored};
    const auto l1_head = l1->header_by_number(jsonrpc::BlockId::latest()).value().value();
    jsonrpc::BlockId l1_at;
    l1_at.value = l1_head.number;
    const auto [root_slot, meta_slot] = client::l2_output_slots(client::kL2OutputsSlot, *index);
    const Hash slots[] = {root_slot, meta_slot};
    const auto oracle_proof = l1->get_proof(oracle, slots, l1_at).value();
    jsonrpc::BlockId l2_at;
    l2_at.value = l2_block;
    const auto l2_header = l2->header_by_number(l2_at).value().value();
    const auto passer =
        l2->get_proof(address_from_hex("0x4200000000000000000000000000000000000016").value(), {}, l2_at)
            .value();
    const Hash record[] = {client::mapping_slot(id, config.mailbox.mapping_slot)};
    const auto mailbox_proof = l2->get_proof(config.mailbox.mailbox, record, l2_at).value();

    client::OpStackEvidence e;
    e.l1.trusted_hash = compute_hash(l1_head);
    e.l1.headers = {encode_header(l1_head)};
    e.output_index = *index;
    e.oracle_account_proof = oracle_proof.account_proof;
    e.output_root_proof = oracle_proof.storage_proof[0].proof;
    e.output_meta_proof = oracle_proof.storage_proof[1].proof;
    e.output = {opstack::output_version_v0(), l2_header.state_root, passer.storage_hash,
                compute_hash(l2_header)};
    e.l2_header = encode_header(l2_header);
    e.message = {id, mailbox_proof.account_proof, mailbox_proof.storage_proof[0].proof};

    const uint64_t proposed_at =
        static_cast<uint64_t>(oracle_proof.storage_proof[1].value & ((u256(1) << 128) - 1));
    const auto pending = client::verify_opstack(config, e, proposed_at + 1);
    INFO(client::to_string(pending.verdict));
    REQUIRE(pending.verdict == client::Verdict::kValid);
    CHECK(pending.l2_block_number == l2_block);
    CHECK(!pending.is_final());
    CHECK(pending.final_at == proposed_at + config.policy.challenge_window_s + 1);
    CHECK(client::verify_opstack(config, e, *pending.final_at).is_final());
    // Another message id is not recorded by the Mailbox.
    auto other = e;
    other.message.message_id = keccak256(id.view());
    CHECK(client::verify_opstack(config, other, proposed_at + 1).verdict != client::Verdict::kValid);

    CHECK(causeway_cli({"devnet", "down", "--dir", dir.string()}).exit_code == 0);
}
