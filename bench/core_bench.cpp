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
#include "core/keccak_batch.hpp"
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

// One batch of `count` messages of `len` bytes (args: len, count), the same for every batched
// keccak256 path and for keccak256 called message by message; a path this CPU lacks is skipped.
std::vector<Bytes> batch_messages(const benchmark::State& state) {
    std::vector<Bytes> messages;
    for (int64_t i = 0; i < state.range(1); ++i) {
        messages.emplace_back(static_cast<std::size_t>(state.range(0)), static_cast<uint8_t>(i));
    }
    return messages;
}

void BM_keccak256_batch(benchmark::State& state, KeccakBatchPath path) {
    if (!keccak_batch_path_supported(path)) {
        state.SkipWithError("path not supported on this CPU");
        return;
    }
    const auto messages = batch_messages(state);
    const std::vector<ByteView> views(messages.begin(), messages.end());
    std::vector<Hash> out(views.size());
    for (auto _ : state) {
        keccak256_batch(path, views, out.data());
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0) * state.range(1));
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(1));
}

void BM_keccak256_each(benchmark::State& state) {
    const auto messages = batch_messages(state);
    std::vector<Hash> out(messages.size());
    for (auto _ : state) {
        for (std::size_t i = 0; i < messages.size(); ++i) out[i] = keccak256(messages[i]);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0) * state.range(1));
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(1));
}

// Key-sized, one block, a branch node (4 blocks) and 1 KiB, 64 at a time; and a lone key, two and
// four, where wide lanes run mostly empty.
void batch_args(benchmark::internal::Benchmark* b) {
    for (const int64_t len : {32, 136, 532, 1024}) b->Args({len, 64});
    for (const int64_t count : {1, 2, 4}) b->Args({32, count});
    b->ArgNames({"len", "count"});
}
BENCHMARK(BM_keccak256_each)->Apply(batch_args);
BENCHMARK_CAPTURE(BM_keccak256_batch, portable, KeccakBatchPath::kPortable)->Apply(batch_args);
BENCHMARK_CAPTURE(BM_keccak256_batch, avx2, KeccakBatchPath::kAvx2)->Apply(batch_args);
BENCHMARK_CAPTURE(BM_keccak256_batch, avx512, KeccakBatchPath::kAvx512)->Apply(batch_args);

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
