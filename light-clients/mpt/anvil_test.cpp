// Generated cases: a real anvil chain with random accounts, code and storage (set through anvil's
// cheat RPCs), one mined block, then eth_getProof for hundreds of random keys, present and absent
// accounts and slots, each verified against the stateRoot of the block's header, whose hash is
// itself recomputed from its RLP.
#include <catch2/catch.hpp>
#include <map>
#include <random>

#include "core/hex.hpp"
#include "core/jsonrpc.hpp"
#include "core/keccak.hpp"
#include "light-clients/mpt/proof.hpp"
#include "chain/json_rpc_client.hpp"
#include "tests/support/anvil.hpp"
#include "tests/support/vectors.hpp"

using namespace causeway;
using namespace causeway::mpt;
namespace json = boost::json;

namespace {

template <typename T>
T need(chain::RpcResult<T> r, std::string_view what) {
    INFO(what);
    if (!r) FAIL(r.error().to_string());
    return std::move(*r);
}

template <std::size_t N>
FixedBytes<N> random_fixed(std::mt19937_64& rng) {
    FixedBytes<N> out;
    for (auto& b : out.bytes) b = static_cast<uint8_t>(rng());
    return out;
}

struct Expected {
    uint64_t nonce = 0;
    u256 balance;
    Bytes code;
    std::map<Hash, u256> storage;
};

}  // namespace

TEST_CASE("anvil: eth_getProof for random present and absent accounts and slots",
          "[light-clients][mpt][anvil]") {
    CAUSEWAY_REQUIRE_ANVIL();
    test::Anvil anvil;
    auto created = chain::HttpJsonRpcClient::create(anvil.url());
    REQUIRE(created);
    chain::ChainClient& client = **created;
    std::mt19937_64 rng(20261125);

    const auto call = [&](std::string method, json::array params) {
        need(client.request(chain::RpcCall{std::move(method), std::move(params)}), "cheat call");
    };

    // 60 accounts: balances and nonces for all, code and 5..30 storage slots for a third of them.
    std::map<Address, Expected> accounts;
    for (int i = 0; i < 60; ++i) {
        const Address a = random_fixed<20>(rng);
        Expected e;
        e.balance = (u256(rng()) << 64) | rng();
        e.nonce = rng() % 100'000;
        call("anvil_setBalance", {to_hex(a), jsonrpc::encode_quantity(e.balance)});
        call("anvil_setNonce", {to_hex(a), jsonrpc::encode_quantity(e.nonce)});
        if (i % 3 == 0) {
            e.code = Bytes(1 + rng() % 200, 0);
            for (auto& b : e.code) b = static_cast<uint8_t>(rng());
            e.code[0] = 0x00;  // STOP
            call("anvil_setCode", {to_hex(a), to_hex(e.code)});
            const int slots = 5 + static_cast<int>(rng() % 26);
            for (int s = 0; s < slots; ++s) {
                // Small slot numbers (as Solidity lays out variables) and hashed ones (mappings).
                const Hash slot = s % 2 ? random_fixed<32>(rng) : u256_to_hash(u256(rng() % 64));
                u256 value = rng() % 4 == 0 ? u256(rng() % 1000) + 1 : (u256(rng()) << 128) | rng();
                e.storage[slot] = value;
                call("anvil_setStorageAt", {to_hex(a), to_hex(slot), to_hex(u256_to_hash(value))});
            }
        }
        accounts.emplace(a, std::move(e));
    }
    call("evm_mine", {});

    const uint64_t number = need(client.block_number(), "eth_blockNumber");
    const auto header =
        need(client.header_by_number(jsonrpc::BlockId::number(number)), "eth_getBlockByNumber");
    REQUIRE(header);
    REQUIRE(header->hash == jsonrpc::compute_hash(*header));
    const Hash state_root = header->state_root;
    const auto at = jsonrpc::BlockId::number(number);

    std::size_t present_accounts = 0, absent_accounts = 0, present_slots = 0, absent_slots = 0;
    jsonrpc::AccountProof sample;
    for (const auto& [address, e] : accounts) {
        std::vector<Hash> slots;
        for (const auto& [slot, value] : e.storage) slots.push_back(slot);
        const std::size_t present = slots.size();
        for (int k = 0; k < 4; ++k)
            slots.push_back(random_fixed<32>(rng));  // absent (with overwhelming odds)
        const auto proof = need(client.get_proof(address, slots, at), "eth_getProof");
        INFO(to_hex(address));
        const auto report = verify_eip1186_report(state_root, proof);
        REQUIRE(report.verdict == ProofVerdict::kValid);
        REQUIRE(report.account_exists);
        CHECK(report.account.nonce == e.nonce);
        CHECK(report.account.balance == e.balance);
        CHECK(report.account.code_hash == (e.code.empty() ? empty_code_hash() : keccak256(e.code)));
        CHECK((report.account.storage_root == empty_root()) == e.storage.empty());
        REQUIRE(report.storage_values.size() == slots.size());
        for (std::size_t i = 0; i < slots.size(); ++i) {
            if (i < present) {
                CHECK(report.storage_values[i] == e.storage.at(slots[i]));
                ++present_slots;
            } else {
                CHECK(report.storage_values[i] == 0);
                ++absent_slots;
            }
        }
        ++present_accounts;
        if (present >= 5 && sample.storage_proof.empty()) sample = proof;
    }
    for (int i = 0; i < 60; ++i) {
        const Address missing = random_fixed<20>(rng);
        const std::vector<Hash> slots{random_fixed<32>(rng)};
        const auto proof = need(client.get_proof(missing, slots, at), "eth_getProof (absent)");
        const auto report = verify_eip1186_report(state_root, proof);
        INFO(to_hex(missing));
        REQUIRE(report.verdict == ProofVerdict::kValid);
        CHECK(!report.account_exists);
        ++absent_accounts;
        ++absent_slots;
    }

    // The same answers, tampered with, are not.
    REQUIRE(!sample.storage_proof.empty());
    auto tampered = sample;
    tampered.storage_proof[0].value += 1;
    CHECK(verify_eip1186(state_root, tampered) == ProofVerdict::kValueMismatch);
    tampered = sample;
    tampered.account_proof.back().back() ^= 1;
    CHECK(verify_eip1186(state_root, tampered) == ProofVerdict::kNodeHashMismatch);
    tampered = sample;
    tampered.storage_proof[0].proof.pop_back();
    CHECK(verify_eip1186(state_root, tampered) == ProofVerdict::kProofTooShort);

    const std::size_t total = present_accounts + absent_accounts + present_slots + absent_slots;
    CHECK(total >= 200);
    CHECK(present_slots >= 100);
    test::report_cases("generated: anvil accounts present", present_accounts);
    test::report_cases("generated: anvil accounts absent", absent_accounts);
    test::report_cases("generated: anvil slots present", present_slots);
    test::report_cases("generated: anvil slots absent", absent_slots);
}
