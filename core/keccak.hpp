// keccak256 as Ethereum uses it (the original Keccak padding, not SHA3-256).
#pragma once

#include <memory>

#include "core/bytes.hpp"

namespace causeway {

[[nodiscard]] Hash keccak256(ByteView data) noexcept;

// Incremental hashing for data that arrives in pieces (trie nodes, ABI heads and tails).
class Keccak256 {
  public:
    Keccak256();
    ~Keccak256();
    Keccak256(Keccak256&&) noexcept;
    Keccak256& operator=(Keccak256&&) noexcept;

    Keccak256& update(ByteView data) noexcept;
    // Returns the digest and resets the state for reuse.
    [[nodiscard]] Hash finalize() noexcept;

  private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace causeway
