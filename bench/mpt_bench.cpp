// Merkle-Patricia proof verification on real mainnet eth_getProof results (bench/inputs.mjs `mpt`):
// the whole EIP-1186 check (account proof, claimed account fields, every storage proof and claimed
// value), beside the floor any verifier pays: keccak256 of every node of the same proofs.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "bench/bench_inputs.hpp"
#include "core/hex.hpp"
#include "core/jsonrpc.hpp"
#include "core/keccak.hpp"
#include "core/keccak_batch.hpp"
#include "light-clients/mpt/proof.hpp"

using namespace causeway;

namespace {

using bench::inputs;

struct Case {
    Hash state_root;
    jsonrpc::AccountProof proof;
};

Case load(const boost::json::value& v) {
    Case c;
    c.state_root = *hash_from_hex(std::string_view(v.at("stateRoot").as_string()));
    auto p = jsonrpc::decode_account_proof(v.at("proof"));
    if (!p) {
        std::cerr << "bench input: " << p.error().to_string() << "\n";
        std::exit(2);
    }
    c.proof = std::move(*p);
    if (mpt::verify_eip1186(c.state_root, c.proof) != mpt::ProofVerdict::kValid) {
        std::cerr << "bench input does not verify\n";
        std::exit(2);
    }
    return c;
}

void BM_mpt_verify_eip1186(benchmark::State& state, const Case& c) {
    for (auto _ : state) {
        auto verdict = mpt::verify_eip1186(c.state_root, c.proof);
        benchmark::DoNotOptimize(verdict);
    }
}

// The floor: keccak256 of each node, nothing else (no parsing, no key hashing, no comparisons).
void BM_mpt_keccak_floor(benchmark::State& state, const Case& c) {
    for (auto _ : state) {
        for (const auto& node : c.proof.account_proof) benchmark::DoNotOptimize(keccak256(node));
        for (const auto& s : c.proof.storage_proof) {
            for (const auto& node : s.proof) benchmark::DoNotOptimize(keccak256(node));
        }
    }
}

std::vector<ByteView> nodes_of(const Case& c) {
    std::vector<ByteView> nodes;
    for (const auto& node : c.proof.account_proof) nodes.emplace_back(node);
    for (const auto& s : c.proof.storage_proof) {
        for (const auto& node : s.proof) nodes.emplace_back(node);
    }
    return nodes;
}

// The same hashing through the batched keccak256 the verifier uses (eight messages per vectorised
// permutation where the CPU has AVX-512): the floor for this implementation.
void BM_mpt_keccak_batch_floor(benchmark::State& state, const Case& c) {
    const std::vector<ByteView> nodes = nodes_of(c);
    std::vector<Hash> out(nodes.size());
    for (auto _ : state) {
        keccak256_batch(nodes, out.data());
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
}

// The same nodes through one named batch path: what each path this CPU supports costs on a real
// proof's mix of node sizes.
void BM_mpt_keccak_batch_path(benchmark::State& state, const Case& c, KeccakBatchPath path) {
    const std::vector<ByteView> nodes = nodes_of(c);
    std::vector<Hash> out(nodes.size());
    for (auto _ : state) {
        keccak256_batch(path, nodes, out.data());
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
}

}  // namespace

int main(int argc, char** argv) {
    // One set of benchmarks per input proof, named by its key in inputs.mpt.
    static std::vector<std::pair<std::string, Case>> cases;
    if (const auto* mpt = inputs().if_contains("mpt")) {
        for (const auto& [name, v] : mpt->as_object()) cases.emplace_back(std::string(name), load(v));
    }
    for (const auto& [name, c] : cases) {
        benchmark::RegisterBenchmark(("BM_mpt_verify_eip1186/" + name).c_str(), BM_mpt_verify_eip1186, c);
        benchmark::RegisterBenchmark(("BM_mpt_keccak_floor/" + name).c_str(), BM_mpt_keccak_floor, c);
        benchmark::RegisterBenchmark(("BM_mpt_keccak_batch_floor/" + name).c_str(), BM_mpt_keccak_batch_floor,
                                     c);
        for (const auto path : supported_keccak_batch_paths()) {
            const std::string path_name(keccak_batch_path_name(path));
            benchmark::RegisterBenchmark(("BM_mpt_keccak_batch_path/" + path_name + "/" + name).c_str(),
                                         BM_mpt_keccak_batch_path, c, path);
        }
    }
    if (cases.empty()) std::cerr << "no mpt inputs (vectors absent): nothing to run\n";
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
