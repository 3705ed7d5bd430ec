// OP Stack L2 output roots (specs/protocol/proposals.md, "L2 Output Commitment Construction"):
//   output_root = keccak256(version ++ payload); version 0 (bytes32(0)) has
//   payload = stateRoot ++ messagePasserStorageRoot ++ latestBlockHash, i.e.
//   keccak256(abi.encode(bytes32(0), stateRoot, messagePasserStorageRoot, blockHash)).
// An output root is what an L2OutputOracle proposal or a dispute game's root claim commits to on L1.
#pragma once

#include <cstdint>
#include <expected>
#include <string_view>

#include "core/block_header.hpp"
#include "core/bytes.hpp"

namespace causeway::opstack {

// The preimage of an output root: `Types.OutputRootProof` of the OP contracts, the
// `outputRootProof` argument of OptimismPortal.proveWithdrawalTransaction.
struct OutputRootProof {
    Hash version;  // bytes32(0) is the only version defined
    Hash state_root;
    Hash message_passer_storage_root;  // storage root of L2ToL1MessagePasser 0x42..0016
    Hash block_hash;                   // `latestBlockhash`: the L2 block the output describes
    friend bool operator==(const OutputRootProof&, const OutputRootProof&) = default;
};

// bytes32(0): the first and only output root version.
[[nodiscard]] const Hash& output_version_v0() noexcept;

enum class OutputError : uint8_t {
    kUnknownVersion,  // a version other than 0: its payload layout is not defined
};
[[nodiscard]] std::string_view to_string(OutputError e) noexcept;

// The output root the proof commits to, or kUnknownVersion.
[[nodiscard]] std::expected<Hash, OutputError> output_root(const OutputRootProof& proof) noexcept;

// Each value names the rule an output root claim broke.
enum class [[nodiscard]] OutputVerdict : uint8_t{
    kValid,
    kUnknownVersion,      // the proof's version is not 0
    kOutputRootMismatch,  // keccak256 of the proof is not the claimed output root
};
[[nodiscard]] std::string_view to_string(OutputVerdict v) noexcept;

// Whether `proof` hashes to `claimed` (the root read from an L1 anchor).
OutputVerdict verify_output_root(const OutputRootProof& proof, const Hash& claimed) noexcept;

// The L2 header an output describes. From the output alone a block hash is only a number; binding
// the header to it lets the light client use the header's fields (number, timestamp, roots).
enum class [[nodiscard]] HeaderBindingVerdict : uint8_t{
    kValid,
    kBlockHashMismatch,  // keccak256(rlp(header)) is not the output's block hash
    kStateRootMismatch,  // the header's stateRoot is not the output's state root
    // After Isthmus the header's withdrawalsRoot is the message passer's storage root
    // (specs/protocol/isthmus/exec-engine.md); it differs from the output's, or is missing.
    kMessagePasserRootMismatch,
};
[[nodiscard]] std::string_view to_string(HeaderBindingVerdict v) noexcept;

// `isthmus` says whether Isthmus is active at the header's timestamp (a rollup configuration
// value). Before Isthmus the withdrawalsRoot field is the empty-list root and must not be used.
HeaderBindingVerdict verify_l2_header(const OutputRootProof& output, const BlockHeader& header, bool isthmus);

}  // namespace causeway::opstack
