#include "light-clients/opstack/output_root.hpp"

#include <cstring>

#include "core/keccak.hpp"

namespace causeway::opstack {

const Hash& output_version_v0() noexcept {
    static const Hash zero{};
    return zero;
}

std::string_view to_string(OutputError e) noexcept {
    switch (e) {
        case OutputError::kUnknownVersion: return "unknown output root version";
    }
    return "invalid output";
}

std::expected<Hash, OutputError> output_root(const OutputRootProof& proof) noexcept {
    if (proof.version != output_version_v0()) return std::unexpected(OutputError::kUnknownVersion);
    uint8_t preimage[4 * 32];
    std::memcpy(preimage, proof.version.data(), 32);
    std::memcpy(preimage + 32, proof.state_root.data(), 32);
    std::memcpy(preimage + 64, proof.message_passer_storage_root.data(), 32);
    std::memcpy(preimage + 96, proof.block_hash.data(), 32);
    return keccak256(ByteView(preimage, sizeof(preimage)));
}

std::string_view to_string(OutputVerdict v) noexcept {
    switch (v) {
        case OutputVerdict::kValid: return "valid";
        case OutputVerdict::kUnknownVersion: return "unknown output root version";
        case OutputVerdict::kOutputRootMismatch:
            return "the output root proof does not hash to the output root";
    }
    return "unknown";
}

OutputVerdict verify_output_root(const OutputRootProof& proof, const Hash& claimed) noexcept {
    const auto root = output_root(proof);
    if (!root) return OutputVerdict::kUnknownVersion;
    return *root == claimed ? OutputVerdict::kValid : OutputVerdict::kOutputRootMismatch;
}

std::string_view to_string(HeaderBindingVerdict v) noexcept {
    switch (v) {
        case HeaderBindingVerdict::kValid: return "valid";
        case HeaderBindingVerdict::kBlockHashMismatch:
            return "the L2 header does not hash to the output's block hash";
        case HeaderBindingVerdict::kStateRootMismatch:
            return "the L2 header's state root differs from the output's";
        case HeaderBindingVerdict::kMessagePasserRootMismatch:
            return "the L2 header's withdrawalsRoot differs from the output's message passer storage root";
    }
    return "unknown";
}

HeaderBindingVerdict verify_l2_header(const OutputRootProof& output, const BlockHeader& header,
                                      bool isthmus) {
    if (compute_hash(header) != output.block_hash) return HeaderBindingVerdict::kBlockHashMismatch;
    if (header.state_root != output.state_root) return HeaderBindingVerdict::kStateRootMismatch;
    if (isthmus && header.withdrawals_root != output.message_passer_storage_root) {
        return HeaderBindingVerdict::kMessagePasserRootMismatch;
    }
    return HeaderBindingVerdict::kValid;
}

}  // namespace causeway::opstack
