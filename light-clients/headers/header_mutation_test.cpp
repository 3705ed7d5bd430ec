// Mutation tests on real headers, at least one per fork (Frontier to Osaka) plus OP Stack and
// Arbitrum: every single-byte change of the header's RLP (all 255 other values at every offset),
// every truncation and an appended byte must be rejected by verify_header against the true hash;
// every field change (increment, bit flip, growth, removal) must change the hash.
#include <catch2/catch.hpp>

#include <functional>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "light-clients/headers/ethereum_header.hpp"
#include "light-clients/headers/header_test_vectors.hpp"

using namespace causeway;
using namespace causeway::headers;
using namespace causeway::headers::testing;

namespace {

struct Sample {
    std::string name;
    BlockHeader header;
    Hash hash;  // from the vector, not from our encoder
};

// One real header per fork and chain family, each with a hash its source states.
std::vector<Sample> samples() {
    std::vector<Sample> out;
    // Mainnet genesis (Frontier): ethereum/tests genesishashestest.json.
    {
        const auto v = test::read_vector_json("headers/mainnet/ethereum-tests/genesishashestest.json");
        const Bytes block = test::bytes_from_any_hex(test::json_string(v.at("genesis_rlp_hex")));
        ByteView in = block;
        auto body = rlp::decode_list(in);
        REQUIRE(body);
        auto h = decode_header(*body);
        REQUIRE(h);
        const auto hash = hash_from_hex(test::json_string(v.at("genesis_hash")), HexPrefix::kOptional);
        REQUIRE(hash);
        out.push_back({"mainnet genesis (Frontier)", *h, *hash});
    }
    // Mainnet headers of headers/INDEX.json, by fork.
    const std::pair<uint64_t, const char*> mainnet[] = {
        {2000004, "Homestead"}, {2924874, "Spurious Dragon"}, {9515350, "Muir Glacier"}, {14151203, "London"},
        {15571241, "Paris"},    {17034871, "Shanghai"},       {19433902, "Cancun"},      {22431990, "Prague"},
    };
    const auto indexed = indexed_headers();
    for (const auto& [number, fork] : mainnet) {
        for (const auto& h : indexed) {
            if (h.chain == "ethereum-mainnet" && h.number == number) {
                REQUIRE(h.hash);
                out.push_back({"mainnet " + std::to_string(number) + " (" + fork + ")", h.header, *h.hash});
            }
        }
    }
    bool op_mainnet = false;
    for (const auto& h : indexed) {
        if (h.chain == "op-mainnet" && h.hash && !op_mainnet) {
            out.push_back(
                {"OP Mainnet " + std::to_string(h.number) + " (Isthmus, Jovian)", h.header, *h.hash});
            op_mainnet = true;
        }
        if (h.chain == "arbitrum-one" && h.number == 58989000) {
            out.push_back({"Arbitrum One 58989000 (Nitro)", h.header, *h.hash});
        }
    }
    // OP Sepolia 22884230 (Holocene): kona's fixture for 22884230 names its hash, the next
    // fixture holds the header.
    {
        const auto f230 = test::read_vector_json("opstack/op-sepolia-kona/block-22884230-fixture.json");
        const auto f231 = test::read_vector_json("opstack/op-sepolia-kona/block-22884231-fixture.json");
        const auto h = jsonrpc::decode_header(f231.at("parent_header"));
        const auto hash = jsonrpc::decode_hash(f230.at("expected_block_hash"));
        REQUIRE(h);
        REQUIRE(hash);
        out.push_back({"OP Sepolia 22884230 (Holocene)", *h, *hash});
    }
    // The hive chain: Berlin (block 25) and Osaka (the first block at time >= 480); the next
    // block's parentHash is the hash.
    const auto blocks = hive_blocks();
    std::vector<BlockHeader> hive;
    for (const auto& b : blocks) {
        ByteView in = b.header_rlp;
        auto h = decode_header(in);
        REQUIRE(h);
        hive.push_back(*h);
    }
    out.push_back({"hive block 25 (Berlin)", hive.at(24), hive.at(25).parent_hash});
    for (std::size_t i = 0; i + 1 < hive.size(); ++i) {
        if (hive[i].timestamp >= 480) {
            out.push_back(
                {"hive block " + std::to_string(i + 1) + " (Osaka)", hive[i], hive[i + 1].parent_hash});
            break;
        }
    }
    return out;
}

// Field changes: each returns false when it does not apply to this header.
using Mutation = std::function<bool(BlockHeader&)>;

template <std::size_t N>
void flip(FixedBytes<N>& b) {
    b[N / 2] ^= 0x01;
}

std::vector<std::pair<std::string, Mutation>> field_mutations() {
    std::vector<std::pair<std::string, Mutation>> m;
    m.emplace_back("parentHash flip", [](BlockHeader& h) { return flip(h.parent_hash), true; });
    m.emplace_back("sha3Uncles flip", [](BlockHeader& h) { return flip(h.ommers_hash), true; });
    m.emplace_back("miner flip", [](BlockHeader& h) { return flip(h.beneficiary), true; });
    m.emplace_back("stateRoot flip", [](BlockHeader& h) { return flip(h.state_root), true; });
    m.emplace_back("transactionsRoot flip", [](BlockHeader& h) { return flip(h.transactions_root), true; });
    m.emplace_back("receiptsRoot flip", [](BlockHeader& h) { return flip(h.receipts_root), true; });
    m.emplace_back("logsBloom flip", [](BlockHeader& h) { return flip(h.logs_bloom), true; });
    m.emplace_back("difficulty + 1", [](BlockHeader& h) { return h.difficulty += 1, true; });
    m.emplace_back("number + 1", [](BlockHeader& h) { return h.number += 1, true; });
    m.emplace_back("gasLimit + 1", [](BlockHeader& h) { return h.gas_limit += 1, true; });
    m.emplace_back("gasUsed + 1", [](BlockHeader& h) { return h.gas_used += 1, true; });
    m.emplace_back("timestamp + 1", [](BlockHeader& h) { return h.timestamp += 1, true; });
    m.emplace_back("extraData append", [](BlockHeader& h) { return h.extra_data.push_back(0), true; });
    m.emplace_back("extraData flip", [](BlockHeader& h) {
        if (h.extra_data.empty()) return false;
        h.extra_data[0] ^= 0x01;
        return true;
    });
    m.emplace_back("mixHash flip", [](BlockHeader& h) { return flip(h.mix_hash), true; });
    m.emplace_back("nonce flip", [](BlockHeader& h) { return flip(h.nonce), true; });
    m.emplace_back("baseFeePerGas + 1", [](BlockHeader& h) {
        if (!h.base_fee_per_gas) return false;
        *h.base_fee_per_gas += 1;
        return true;
    });
    m.emplace_back("withdrawalsRoot flip", [](BlockHeader& h) {
        if (!h.withdrawals_root) return false;
        flip(*h.withdrawals_root);
        return true;
    });
    m.emplace_back("blobGasUsed + 1", [](BlockHeader& h) {
        if (!h.blob_gas_used) return false;
        *h.blob_gas_used += 1;
        return true;
    });
    m.emplace_back("excessBlobGas + 1", [](BlockHeader& h) {
        if (!h.excess_blob_gas) return false;
        *h.excess_blob_gas += 1;
        return true;
    });
    m.emplace_back("parentBeaconBlockRoot flip", [](BlockHeader& h) {
        if (!h.parent_beacon_block_root) return false;
        flip(*h.parent_beacon_block_root);
        return true;
    });
    m.emplace_back("requestsHash flip", [](BlockHeader& h) {
        if (!h.requests_hash) return false;
        flip(*h.requests_hash);
        return true;
    });
    // Removing the newest fork's fields: the previous fork's layout, another hash.
    m.emplace_back("drop the newest fork's fields", [](BlockHeader& h) {
        if (h.requests_hash) {
            h.requests_hash.reset();
        } else if (h.blob_gas_used) {
            h.blob_gas_used.reset();
            h.excess_blob_gas.reset();
            h.parent_beacon_block_root.reset();
        } else if (h.withdrawals_root) {
            h.withdrawals_root.reset();
        } else if (h.base_fee_per_gas) {
            h.base_fee_per_gas.reset();
        } else {
            return false;
        }
        return true;
    });
    return m;
}

}  // namespace

TEST_CASE("every single-byte change of a real header's RLP is rejected",
          "[light-clients][headers][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto all = samples();
    REQUIRE(all.size() >= 14);
    std::size_t total = 0, decode_errors = 0, hash_mismatches = 0, truncations = 0;
    for (const Sample& s : all) {
        INFO(s.name);
        const Bytes rlp = encode_header(s.header);
        REQUIRE(verify_header(rlp, s.hash).verdict == HeaderVerdict::kValid);
        Bytes m = rlp;
        std::size_t here = 0;
        for (std::size_t pos = 0; pos < m.size(); ++pos) {
            const uint8_t original = m[pos];
            for (unsigned v = 0; v < 256; ++v) {
                if (v == original) continue;
                m[pos] = static_cast<uint8_t>(v);
                const HeaderCheck c = verify_header(m, s.hash);
                if (c.verdict == HeaderVerdict::kValid) {
                    FAIL("accepted with byte " << pos << " = " << v);
                } else if (c.verdict == HeaderVerdict::kHashMismatch) {
                    ++hash_mismatches;
                } else {
                    ++decode_errors;
                }
                ++here;
            }
            m[pos] = original;
        }
        for (std::size_t len = 0; len < rlp.size(); ++len) {
            const HeaderCheck c = verify_header(ByteView(rlp).substr(0, len), s.hash);
            CHECK(c.verdict != HeaderVerdict::kValid);
            CHECK(c.verdict != HeaderVerdict::kHashMismatch);  // a prefix never decodes
            ++truncations;
        }
        CHECK(verify_header(rlp + Bytes{0x80}, s.hash).verdict == HeaderVerdict::kTrailingBytes);
        CHECK(here == rlp.size() * 255);
        total += here;
        test::report_cases("header mutations: " + s.name + " (single-byte changes)", here);
    }
    test::report_cases("header mutations (single-byte changes, all headers)", total);
    test::report_cases("header mutations (rejected by decoding)", decode_errors);
    test::report_cases("header mutations (rejected by hash mismatch)", hash_mismatches);
    test::report_cases("header mutations (truncations)", truncations);
    CHECK(decode_errors > 0);
    CHECK(hash_mismatches > 0);
    // Every sample was mutated: a header's RLP is over 500 bytes (its bloom alone is 256).
    REQUIRE(truncations >= all.size() * 500);
    REQUIRE(total == truncations * 255);
}

TEST_CASE("every field change of a real header changes its hash", "[light-clients][headers][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto mutations = field_mutations();
    const auto all = samples();
    REQUIRE(all.size() >= 14);
    std::size_t changed = 0;
    for (const Sample& s : all) {
        INFO(s.name);
        std::size_t here = 0;
        for (const auto& [name, mutate] : mutations) {
            BlockHeader h = s.header;
            if (!mutate(h)) continue;
            INFO(name);
            CHECK(compute_hash(h) != s.hash);
            const Bytes rlp = encode_header(h);
            const HeaderCheck c = verify_header(rlp, s.hash);
            CHECK(c.verdict == HeaderVerdict::kHashMismatch);
            REQUIRE(c.header);
            BlockHeader expected = h;
            expected.hash.reset();
            CHECK(*c.header == expected);  // the changed header round-trips: only the hash rejects it
            ++here;
        }
        CHECK(here >= static_cast<std::size_t>(*layout_of(s.header)));  // one per field at least
        changed += here;
    }
    // At least one change per field of the oldest layout, for every sample.
    REQUIRE(changed >= all.size() * static_cast<std::size_t>(HeaderLayout::kFrontier));
    test::report_cases("header field mutations (hash changed)", changed);
}
