#include "core/keccak.hpp"

#include <cryptopp/keccak.h>

namespace causeway {

struct Keccak256::State {
    CryptoPP::Keccak_256 impl;
};

Keccak256::Keccak256() : state_{std::make_unique<State>()} {}
Keccak256::~Keccak256() = default;
Keccak256::Keccak256(Keccak256&&) noexcept = default;
Keccak256& Keccak256::operator=(Keccak256&&) noexcept = default;

Keccak256& Keccak256::update(ByteView data) noexcept {
    state_->impl.Update(data.data(), data.size());
    return *this;
}

Hash Keccak256::finalize() noexcept {
    Hash out;
    state_->impl.Final(out.data());
    return out;
}

Hash keccak256(ByteView data) noexcept {
    // One hasher per thread: Crypto++ restarts it after Final, and constructing one per call
    // would dominate the cost of hashing short inputs.
    thread_local CryptoPP::Keccak_256 hasher;
    Hash out;
    hasher.CalculateDigest(out.data(), data.data(), data.size());
    return out;
}

}  // namespace causeway
