// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {MerkleLib} from "../src/libs/MerkleLib.sol";
import {TreeHarness} from "./helpers/TreeHarness.sol";

contract MerkleLibTest is Test {
    uint256 internal constant DEPTH = 32;
    TreeHarness internal tree;

    function setUp() public {
        tree = new TreeHarness();
    }

    /// ethers.utils.hashMessage(text): how the Hyperlane vectors turn their leaf strings into leaves.
    function hashMessage(string memory text) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encodePacked("\x19Ethereum Signed Message:\n", vm.toString(bytes(text).length), text)
            );
    }

    /// The root of the depth-32 tree holding exactly `leaves`, by hashing every level (the empty part
    /// of each level is hashed from zero leaves, not taken from MerkleLib).
    function naiveRoot(bytes32[] memory leaves) internal pure returns (bytes32) {
        bytes32[] memory level = new bytes32[](64);
        for (uint256 i = 0; i < leaves.length; ++i) {
            level[i] = leaves[i];
        }
        bytes32 zero; // hash of an empty subtree of the current height
        for (uint256 h = 0; h < DEPTH; ++h) {
            uint256 width = level.length;
            if (width == 1) {
                // Past the 64-leaf block: the sibling is an empty subtree of height h.
                level[0] = keccak256(abi.encodePacked(level[0], zero));
            } else {
                bytes32[] memory up = new bytes32[](width / 2);
                for (uint256 i = 0; i < width / 2; ++i) {
                    up[i] = keccak256(abi.encodePacked(level[2 * i], level[2 * i + 1]));
                }
                level = up;
            }
            zero = keccak256(abi.encodePacked(zero, zero));
        }
        return level[0];
    }

    /// The sibling path of leaves[index] in the same naive tree.
    function naiveProof(bytes32[] memory leaves, uint256 index)
        internal
        pure
        returns (bytes32[32] memory path)
    {
        bytes32[] memory level = new bytes32[](64);
        for (uint256 i = 0; i < leaves.length; ++i) {
            level[i] = leaves[i];
        }
        bytes32 zero;
        for (uint256 h = 0; h < DEPTH; ++h) {
            if (level.length == 1) {
                path[h] = zero;
                level[0] = keccak256(abi.encodePacked(level[0], zero));
            } else {
                path[h] = level[index ^ 1];
                bytes32[] memory up = new bytes32[](level.length / 2);
                for (uint256 i = 0; i < up.length; ++i) {
                    up[i] = keccak256(abi.encodePacked(level[2 * i], level[2 * i + 1]));
                }
                level = up;
                index >>= 1;
            }
            zero = keccak256(abi.encodePacked(zero, zero));
        }
    }

    function leavesFrom(uint256 seed, uint256 n) internal pure returns (bytes32[] memory leaves) {
        leaves = new bytes32[](n);
        for (uint256 i = 0; i < n; ++i) {
            leaves[i] = keccak256(abi.encode(seed, i));
        }
    }

    // ----- fixed values -----

    /// Hyperlane's MerkleLib constants Z_1, Z_2, Z_31 (node_modules, hyperlane-xyz core contracts/libs/Merkle.sol).
    function test_zeroHashesMatchHyperlane() public pure {
        bytes32[32] memory z = MerkleLib.zeroHashes();
        assertEq(z[0], bytes32(0));
        assertEq(z[1], 0xad3228b676f7d3cd4284a5443f17f1962b36e491b30a40b2405849e597ba5fb5);
        assertEq(z[2], 0xb4c11951957c6f8f642c4af61cd6b24640fec6dc7fc607ee8206a99e92410d30);
        assertEq(z[31], 0x8448818bb4ae4562849e949e17ac16e0be16688e156b5cf15e098c627c0056a9);
    }

    /// /work/shared/vectors/hyperlane/merkle.json, case "no leaves".
    function test_emptyRoot() public view {
        assertEq(tree.count(), 0);
        assertEq(tree.root(), 0x27ae5ba08d7291c96c8cbddcc148bf48a6d68c7974b94356f53754ef6171d757);
    }

    /// /work/shared/vectors/hyperlane/merkle.json, cases "one leaf" and "three leaves" (leaves are
    /// ethers hashMessage of the strings).
    function test_hyperlaneVectorsOneAndThreeLeaves() public {
        tree.insert(hashMessage("one"));
        assertEq(tree.root(), 0x54fea87823728b754368018753f79a24e5f5cacee26c8785f3d33aabfd03372e);
        tree.insert(hashMessage("two"));
        tree.insert(hashMessage("three"));
        assertEq(tree.count(), 3);
        assertEq(tree.root(), 0x18f2f1646fee335a1eaf5191a8ce58ea772080057d0fda687df59c45e47e6f68);
    }

    /// /work/shared/vectors/hyperlane/merkle.json, case "containing empty leaf".
    function test_hyperlaneVectorEmptyLeaf() public {
        tree.insert(hashMessage("anna"));
        tree.insert(hashMessage("james"));
        tree.insert(hashMessage(""));
        tree.insert(hashMessage("luke"));
        tree.insert(hashMessage("erin"));
        assertEq(tree.root(), 0x1841827275d59b7515da81fb121637567b70ebd8b38ec5aadb51f4300976cba1);
    }

    /// /work/shared/vectors/hyperlane/merkle.json, "three leaves", proof of index 1: path[0] and
    /// path[1] as in the file, path[2..31] are the zero hashes there.
    function test_hyperlaneVectorBranchRoot() public pure {
        bytes32 leaf = 0x65ad6b7c39c687dad3edc05bec09300b742363f5c1f42db586bdce40c9fc5eef;
        assertEq(leaf, hashMessage("two"));
        bytes32[32] memory path = MerkleLib.zeroHashes();
        path[0] = 0xf0fe7c99ef23ace1835385e83dd61c9ecb6192d6514fcc13356ef912788eaa8a;
        path[1] = 0xe9884debea0619a2ce25ba3bbe6a4438a42bc11b2308f62c65ed43be0b43d445;
        assertEq(
            MerkleLib.branchRoot(leaf, path, 1),
            0x18f2f1646fee335a1eaf5191a8ce58ea772080057d0fda687df59c45e47e6f68
        );
    }

    /// Roots after inserting keccak256("0"), ..., keccak256("4"), as
    /// light-clients/committee/merkle.cpp (IncrementalMerkleTree) computes them (throw-away program
    /// linked against build/light-clients).
    function test_cppRootsKeccakDigits() public {
        bytes32[5] memory expected = [
            bytes32(0xbb972344158797e445ea8897dca17b30b63d278cd2ac97810546bc17672d44ab),
            0xd41bfa297b652af670a555cdf9829a0f6c854d1ad0ca09a1cba2365906ffe924,
            0x222b971c61f76ee59e0c6d096f8ce3e13cd18d8927cd76490bcc236111c4da3c,
            0x6fc99d9fbeb32c6f1336a79ee384684c6b2598b366b7f83441d60d4f1cecbac5,
            0x8e519d9a955b974bff5b221534d1985bd0488a49c9923d93665befef8f3893ab
        ];
        for (uint256 i = 0; i < 5; ++i) {
            tree.insert(keccak256(bytes(vm.toString(i))));
            assertEq(tree.count(), i + 1);
            assertEq(tree.root(), expected[i]);
        }
    }

    function test_insertRevertsWhenFull() public {
        vm.store(address(tree), bytes32(uint256(32)), bytes32(MerkleLib.MAX_LEAVES));
        vm.expectRevert(MerkleLib.MerkleTreeFull.selector);
        tree.insert(bytes32(uint256(1)));
    }

    /// The last leaf that fits still goes in (count 2^32 - 2 -> 2^32 - 1).
    function test_insertLastLeaf() public {
        vm.store(address(tree), bytes32(uint256(32)), bytes32(MerkleLib.MAX_LEAVES - 1));
        tree.insert(bytes32(uint256(1)));
        assertEq(tree.count(), MerkleLib.MAX_LEAVES);
    }

    // ----- fuzz -----

    function testFuzz_rootEqualsNaiveTree(uint256 seed, uint8 n) public {
        n = uint8(bound(n, 0, 64));
        bytes32[] memory leaves = leavesFrom(seed, n);
        for (uint256 i = 0; i < n; ++i) {
            tree.insert(leaves[i]);
        }
        assertEq(tree.count(), n);
        assertEq(tree.root(), naiveRoot(leaves));
    }

    /// Every prefix of the insertions has the naive root of that prefix.
    function testFuzz_everyPrefixRoot(uint256 seed) public {
        bytes32[] memory leaves = leavesFrom(seed, 17);
        for (uint256 i = 0; i < leaves.length; ++i) {
            tree.insert(leaves[i]);
            bytes32[] memory prefix = new bytes32[](i + 1);
            for (uint256 j = 0; j <= i; ++j) {
                prefix[j] = leaves[j];
            }
            assertEq(tree.root(), naiveRoot(prefix));
        }
    }

    function testFuzz_branchRootOfNaiveProof(uint256 seed, uint8 n, uint8 index) public {
        n = uint8(bound(n, 1, 64));
        index = uint8(bound(index, 0, n - 1));
        bytes32[] memory leaves = leavesFrom(seed, n);
        for (uint256 i = 0; i < n; ++i) {
            tree.insert(leaves[i]);
        }
        bytes32[32] memory path = naiveProof(leaves, index);
        assertEq(MerkleLib.branchRoot(leaves[index], path, index), tree.root());
        // Another leaf, or another index, implies another root.
        assertTrue(MerkleLib.branchRoot(keccak256(abi.encode(leaves[index])), path, index) != tree.root());
    }
}
