// keccak256 of many independent messages at once.
//
// A proof's nodes are hashed independently of each other, so they can go through Keccak-f[1600]
// side by side: on CPUs with AVX-512 eight messages share one vectorised permutation (vprolq for
// the rotations, vpternlogq for theta's three-way XORs and chi), with AVX2 four. That is several
// times the throughput of one-at-a-time hashing, and it is what lets the verifier beat the cost of
// hashing its nodes one by one. Elsewhere a portable scalar Keccak hashes the messages one by one.
//
// Each path can be called by name, so that the tests run every one this CPU supports against
// keccak256 (Crypto++), not only the one keccak256_batch picks. The portable path is its own
// Keccak-f[1600], not a loop over keccak256, so that comparison checks it too.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "core/bytes.hpp"

namespace causeway {

// Every batch path in order of preference, the least preferred first.
enum class KeccakBatchPath : uint8_t { kPortable, kAvx2, kAvx512 };

// "portable", "avx2", "avx512".
[[nodiscard]] std::string_view keccak_batch_path_name(KeccakBatchPath path) noexcept;

// The paths this build can run on this CPU, in the enum's order: the portable one always, the
// vector ones where the CPU (and the OS, which must save their registers) supports them.
[[nodiscard]] std::span<const KeccakBatchPath> supported_keccak_batch_paths() noexcept;
[[nodiscard]] bool keccak_batch_path_supported(KeccakBatchPath path) noexcept;

// The path keccak256_batch takes for two or more messages: the last supported one.
[[nodiscard]] KeccakBatchPath active_keccak_batch_path() noexcept;

// out[i] = keccak256(in[i]) for every i. `out` has room for in.size() hashes and may be raw
// storage: the hashes are written with memcpy, no Hash need have been constructed there.
void keccak256_batch(std::span<const ByteView> in, Hash* out) noexcept;

// The same through one named path. Precondition: keccak_batch_path_supported(path); calling a
// vector path on a CPU without its instructions stops the process (illegal instruction).
void keccak256_batch(KeccakBatchPath path, std::span<const ByteView> in, Hash* out) noexcept;

// Scalar Keccak-f[1600], message by message; runs anywhere.
void keccak256_batch_portable(std::span<const ByteView> in, Hash* out) noexcept;
// Four messages per AVX2 permutation. Precondition: the CPU supports kAvx2.
void keccak256_batch_avx2(std::span<const ByteView> in, Hash* out) noexcept;
// Eight messages per AVX-512 permutation. Precondition: the CPU supports kAvx512.
void keccak256_batch_avx512(std::span<const ByteView> in, Hash* out) noexcept;

}  // namespace causeway
