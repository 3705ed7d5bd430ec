// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice The checkpoint digest committee validators sign (the wire format of Hyperlane v3's CheckpointLib
/// for checkpoints with a message id; light-clients/committee/checkpoint.hpp):
///
///     domainHash  = keccak256(abi.encodePacked(uint32 origin, bytes32 merkleTreeHook, "HYPERLANE"))
///     signingHash = keccak256(abi.encodePacked(domainHash, bytes32 root, uint32 index, bytes32 messageId))
///     digest      = keccak256("\x19Ethereum Signed Message:\n32" | signingHash)   (EIP-191)
library CheckpointLib {
    /// @notice Binds a signature to one origin domain and one merkle-tree hook (here: the Mailbox).
    function domainHash(uint32 origin, bytes32 merkleTreeHook) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(origin, merkleTreeHook, "HYPERLANE"));
    }

    /// @notice What Hyperlane calls the signing hash, before the EIP-191 wrapping.
    function signingHash(uint32 origin, bytes32 merkleTreeHook, bytes32 root, uint32 index, bytes32 messageId)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encodePacked(domainHash(origin, merkleTreeHook), root, index, messageId));
    }

    /// @notice The digest a validator's key signs (personal_sign of the 32-byte signing hash).
    function digest(uint32 origin, bytes32 merkleTreeHook, bytes32 root, uint32 index, bytes32 messageId)
        internal
        pure
        returns (bytes32)
    {
        return toEthSignedMessageHash(signingHash(origin, merkleTreeHook, root, index, messageId));
    }

    /// @notice EIP-191 personal-message hash of a 32-byte value.
    function toEthSignedMessageHash(bytes32 hash) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked("\x19Ethereum Signed Message:\n32", hash));
    }
}
