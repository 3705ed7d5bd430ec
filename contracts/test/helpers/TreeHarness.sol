// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {MerkleLib} from "../../src/libs/MerkleLib.sol";

/// Holds one tree: branch in slots 0..31, count in slot 32.
contract TreeHarness {
    using MerkleLib for MerkleLib.Tree;

    MerkleLib.Tree internal tree;

    function insert(bytes32 leaf) external {
        tree.insert(leaf);
    }

    function root() external view returns (bytes32) {
        return tree.root();
    }

    function count() external view returns (uint256) {
        return tree.count;
    }
}
