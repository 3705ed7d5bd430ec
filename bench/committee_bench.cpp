// Committee checkpoint verification (light-clients/committee) beside its floor: the bare
// libsecp256k1 calls (parse_compact + ecdsa_recover) for the same signatures, as many as the
// threshold needs. Target (bench/report.mjs): within 1.2x of the floor.
//
// Keys and signatures are made at start-up from fixed seeds, so this needs no
// CAUSEWAY_BENCH_INPUTS (it runs the same with or without it).
#include <benchmark/benchmark.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "core/secp256k1.hpp"
#include "light-clients/committee/checkpoint.hpp"

using namespace causeway;
using namespace causeway::committee;

namespace {

// A committee of `size` deterministic keys and a checkpoint signed by the first `threshold` of them.
struct Committee {
    std::size_t threshold = 0;
    Checkpoint checkpoint;
    std::vector<Address> validators;
    std::vector<SignatureBytes> signatures;  // exactly `threshold`
    Bytes metadata;
};

[[noreturn]] void fail(const std::string& what) {
    std::cerr << "committee_bench: " << what << "\n";
    std::exit(2);
}

Committee make_committee(std::size_t threshold, std::size_t size) {
    Committee c;
    c.threshold = threshold;
    c.checkpoint.origin = 901;
    c.checkpoint.merkle_tree_hook =
        Hash::left_padded(*from_hex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
    c.checkpoint.root = keccak256(to_view("causeway bench root"));
    c.checkpoint.index = 1234;
    c.checkpoint.message_id = keccak256(to_view("causeway bench message"));
    const Hash d = digest(c.checkpoint);
    for (std::size_t i = 0; i < size; ++i) {
        auto key =
            PrivateKey::from_bytes(keccak256(to_view("causeway bench validator " + std::to_string(i))));
        if (!key) fail("key derivation failed");
        c.validators.push_back(key->address());
        if (i < threshold) {
            auto sig = sign(*key, d);
            if (!sig) fail("signing failed");
            c.signatures.push_back(to_rsv(*sig));
        }
    }
    encode(c.metadata,
           Metadata{c.checkpoint.merkle_tree_hook, c.checkpoint.root, c.checkpoint.index, c.signatures});
    return c;
}

const Committee& committee(std::size_t threshold, std::size_t size) {
    static const Committee c3 = make_committee(3, 5);
    static const Committee c13 = make_committee(13, 19);
    if (threshold == 3 && size == 5) return c3;
    if (threshold == 13 && size == 19) return c13;
    fail("no such committee");
}

void verify_bench(benchmark::State& state, std::size_t threshold, std::size_t size) {
    const Committee& c = committee(threshold, size);
    const auto set = ValidatorSet::create(c.validators, c.threshold);
    if (!set) fail("validator set rejected");
    if (verify_checkpoint(c.checkpoint, c.metadata, *set) != Verdict::kValid)
        fail("checkpoint does not verify");
    for (auto _ : state) {
        const Verdict v = verify_checkpoint(c.checkpoint, c.metadata, *set);
        benchmark::DoNotOptimize(v);
    }
}

// The floor: only what any verifier must do per signature, with the digest already known.
void bare_bench(benchmark::State& state, std::size_t threshold, std::size_t size) {
    const Committee& c = committee(threshold, size);
    const Hash d = digest(c.checkpoint);
    secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_VERIFY);
    std::vector<std::array<uint8_t, 64>> compact(c.signatures.size());
    std::vector<int> recid(c.signatures.size());
    for (std::size_t i = 0; i < c.signatures.size(); ++i) {
        std::memcpy(compact[i].data(), c.signatures[i].data(), 64);
        recid[i] = c.signatures[i][64] - 27;
    }
    for (auto _ : state) {
        for (std::size_t i = 0; i < compact.size(); ++i) {
            secp256k1_ecdsa_recoverable_signature rsig;
            secp256k1_pubkey pk;
            benchmark::DoNotOptimize(
                secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &rsig, compact[i].data(), recid[i]));
            benchmark::DoNotOptimize(secp256k1_ecdsa_recover(ctx, &pk, &rsig, d.data()));
            benchmark::ClobberMemory();
        }
    }
    secp256k1_context_destroy(ctx);
}

void BM_checkpoint_verify_3_of_5(benchmark::State& state) {
    verify_bench(state, 3, 5);
}
BENCHMARK(BM_checkpoint_verify_3_of_5);

void BM_bare_recover_3(benchmark::State& state) {
    bare_bench(state, 3, 5);
}
BENCHMARK(BM_bare_recover_3);

void BM_checkpoint_verify_13_of_19(benchmark::State& state) {
    verify_bench(state, 13, 19);
}
BENCHMARK(BM_checkpoint_verify_13_of_19);

void BM_bare_recover_13(benchmark::State& state) {
    bare_bench(state, 13, 19);
}
BENCHMARK(BM_bare_recover_13);

}  // namespace

BENCHMARK_MAIN();
