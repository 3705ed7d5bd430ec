// Benchmarks of the core primitives. Inputs come from bench/inputs.mjs (the same file the peers'
// side reads), passed through CAUSEWAY_BENCH_INPUTS.
#include <benchmark/benchmark.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "bench/bench_inputs.hpp"
#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "core/rlp.hpp"
#include "core/secp256k1.hpp"
#include "core/transaction.hpp"

using namespace causeway;

namespace {

using bench::inputs;

std::string_view str(const boost::json::value& v) {
    return v.as_string();
}

Signature bench_signature() {
    const auto& s = inputs().at("secp256k1");
    return Signature{*hash_from_hex(str(s.at("r"))), *hash_from_hex(str(s.at("s"))),
                     static_cast<uint8_t>(s.at("v").to_number<int>())};
}

void BM_keccak256(benchmark::State& state) {
    const Bytes data(static_cast<std::size_t>(state.range(0)), 0xab);
    for (auto _ : state) benchmark::DoNotOptimize(keccak256(data));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_keccak256)->Arg(32)->Arg(136)->Arg(1024)->Arg(65536);

// Splits the header into its fields (views into the input), as @ethereumjs/rlp's decode returns
// subarrays of its input.
void BM_rlp_decode_header(benchmark::State& state) {
    const auto* header = inputs().if_contains("header");
    if (!header) {
        state.SkipWithError("no header input (vectors absent)");
        return;
    }
    const Bytes rlp_bytes = *from_hex(str(header->at("rlp")));
    std::vector<ByteView> fields;
    fields.reserve(24);
    for (auto _ : state) {
        ByteView in = rlp_bytes;
        auto list = rlp::decode_list(in);
        if (!list || !in.empty() || !rlp::decode_list_items(*list, fields))
            state.SkipWithError("decode failed");
        benchmark::DoNotOptimize(fields.data());
    }
}
BENCHMARK(BM_rlp_decode_header);

void BM_secp256k1_recover(benchmark::State& state) {
    const Hash digest = *hash_from_hex(str(inputs().at("secp256k1").at("digest")));
    const Signature sig = bench_signature();
    for (auto _ : state) benchmark::DoNotOptimize(recover_public_key(digest, sig));
}
BENCHMARK(BM_secp256k1_recover);

void BM_secp256k1_recover_address(benchmark::State& state) {
    const Hash digest = *hash_from_hex(str(inputs().at("secp256k1").at("digest")));
    const Signature sig = bench_signature();
    for (auto _ : state) benchmark::DoNotOptimize(recover_address(digest, sig));
}
BENCHMARK(BM_secp256k1_recover_address);

// The floor: libsecp256k1's own parse + recover, nothing else.
void BM_libsecp256k1_recover_bare(benchmark::State& state) {
    const Hash digest = *hash_from_hex(str(inputs().at("secp256k1").at("digest")));
    const Signature sig = bench_signature();
    secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_VERIFY);
    uint8_t compact[64];
    std::memcpy(compact, sig.r.data(), 32);
    std::memcpy(compact + 32, sig.s.data(), 32);
    for (auto _ : state) {
        secp256k1_ecdsa_recoverable_signature rsig;
        secp256k1_pubkey pk;
        benchmark::DoNotOptimize(
            secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &rsig, compact, sig.recovery_id));
        benchmark::DoNotOptimize(secp256k1_ecdsa_recover(ctx, &pk, &rsig, digest.data()));
        benchmark::ClobberMemory();
    }
    secp256k1_context_destroy(ctx);
}
BENCHMARK(BM_libsecp256k1_recover_bare);

void BM_eip1559_sign(benchmark::State& state) {
    const auto& t = inputs().at("tx").as_object();
    const auto key = *PrivateKey::from_hex(str(inputs().at("secp256k1").at("key")));
    Transaction tx;
    tx.type = TxType::kDynamicFee;
    tx.chain_id = t.at("chainId").to_number<uint64_t>();
    tx.nonce = t.at("nonce").to_number<uint64_t>();
    tx.max_priority_fee_per_gas = *parse_u256(str(t.at("maxPriorityFeePerGas")));
    tx.max_fee_per_gas = *parse_u256(str(t.at("maxFeePerGas")));
    tx.gas_limit = t.at("gasLimit").to_number<uint64_t>();
    tx.to = *address_from_hex(str(t.at("to")));
    tx.value = *parse_u256(str(t.at("value")));
    Bytes out;
    for (auto _ : state) {
        Transaction copy = tx;
        if (!sign(copy, key)) state.SkipWithError("sign failed");
        out.clear();
        encode(out, copy);
        benchmark::DoNotOptimize(out.data());
    }
}
BENCHMARK(BM_eip1559_sign);

}  // namespace

BENCHMARK_MAIN();
