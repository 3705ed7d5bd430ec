// keccak256 of many independent messages at once.
//
// A proof's nodes are hashed independently of each other, so they can go through Keccak-f[1600]
// side by side: on CPUs with AVX-512 eight messages share one vectorised permutation (vprolq for
// the rotations, vpternlogq for theta's three-way XORs and chi). That is several times the
// throughput of one-at-a-time hashing, and it is what lets the verifier beat the cost of hashing
// its nodes one by one. Elsewhere it falls back to core's keccak256, message by message.
#pragma once

#include <cstddef>
#include <span>

#include "core/bytes.hpp"

namespace causeway {

// out[i] = keccak256(in[i]) for every i; `out` has room for in.size() hashes.
void keccak256_batch(std::span<const ByteView> in, Hash* out) noexcept;

// Whether keccak256_batch uses the vectorised permutation on this CPU.
[[nodiscard]] bool keccak256_batch_vectorised() noexcept;

}  // namespace causeway
