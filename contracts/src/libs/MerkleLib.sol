// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice The incremental Merkle tree of depth 32 that Hyperlane's merkle-tree hook keeps (after the
/// eth2 deposit contract). Leaves are message ids; an empty subtree of height i hashes to the i-th
/// zero hash (z[0] = 0, z[i+1] = keccak256(z[i] | z[i])); the root commits to every leaf inserted.
/// Same storage shape, same zero hashes and same roots as Hyperlane's MerkleLib and as
/// light-clients/committee/merkle.hpp.
library MerkleLib {
    uint256 internal constant TREE_DEPTH = 32;
    /// The tree refuses the 2^32-th leaf.
    uint256 internal constant MAX_LEAVES = 2 ** TREE_DEPTH - 1;

    /// The left frontier (one node per level) and the number of leaves (`tree.count`; a library
    /// function of that name would clash with the field under `using MerkleLib for Tree`).
    struct Tree {
        bytes32[TREE_DEPTH] branch;
        uint256 count;
    }

    /// A tree holds at most MAX_LEAVES leaves.
    error MerkleTreeFull();

    /// @notice Appends `node` as the next leaf. At most 32 hashes.
    function insert(Tree storage tree, bytes32 node) internal {
        uint256 size = tree.count + 1;
        if (size > MAX_LEAVES) revert MerkleTreeFull();
        tree.count = size;
        for (uint256 i = 0; i < TREE_DEPTH; ++i) {
            if (size & 1 == 1) {
                tree.branch[i] = node;
                return;
            }
            node = keccak256(abi.encodePacked(tree.branch[i], node));
            size >>= 1;
        }
        // Unreachable: size < 2^32 has a set bit below bit 32.
        assert(false);
    }

    /// @notice The root over all leaves inserted so far (the zero hashes stand for the empty right).
    function root(Tree storage tree) internal view returns (bytes32 current) {
        uint256 index = tree.count;
        bytes32 zero; // z[i]
        for (uint256 i = 0; i < TREE_DEPTH; ++i) {
            if ((index >> i) & 1 == 1) {
                current = keccak256(abi.encodePacked(tree.branch[i], current));
            } else {
                current = keccak256(abi.encodePacked(current, zero));
            }
            zero = keccak256(abi.encodePacked(zero, zero));
        }
    }

    /// @notice z[0..31]: z[0] = 0, z[i+1] = keccak256(z[i] | z[i]).
    function zeroHashes() internal pure returns (bytes32[TREE_DEPTH] memory zeroes) {
        for (uint256 i = 1; i < TREE_DEPTH; ++i) {
            zeroes[i] = keccak256(abi.encodePacked(zeroes[i - 1], zeroes[i - 1]));
        }
    }

    /// @notice The root that `item` at `index` with sibling path `branch` (leaf upwards) implies.
    function branchRoot(bytes32 item, bytes32[TREE_DEPTH] memory branch, uint256 index)
        internal
        pure
        returns (bytes32 current)
    {
        current = item;
        for (uint256 i = 0; i < TREE_DEPTH; ++i) {
            if ((index >> i) & 1 == 1) {
                current = keccak256(abi.encodePacked(branch[i], current));
            } else {
                current = keccak256(abi.encodePacked(current, branch[i]));
            }
        }
    }
}
