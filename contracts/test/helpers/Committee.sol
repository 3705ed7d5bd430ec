// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {CheckpointLib} from "../../src/libs/CheckpointLib.sol";

/// @notice Test validators: keys, addresses and message-id multisig metadata built with vm.sign.
abstract contract Committee is Test {
    /// secp256k1 group order.
    uint256 internal constant SECP256K1_N =
        0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141;

    /// 65-byte r | s | v over `digest`.
    function signRsv(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    /// The malleable twin (n - s, other v): recovers the same key, refused by EIP-2.
    function highS(bytes memory rsv) internal pure returns (bytes memory) {
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly {
            r := mload(add(rsv, 32))
            s := mload(add(rsv, 64))
            v := byte(0, mload(add(rsv, 96)))
        }
        return abi.encodePacked(r, bytes32(SECP256K1_N - uint256(s)), v == 27 ? uint8(28) : uint8(27));
    }

    /// hook | root | u32 index | signatures by `keys` (in the order given) over the checkpoint of
    /// (origin, hook, root, index, messageId).
    function metadataFor(
        uint256[] memory keys,
        uint32 origin,
        bytes32 hook,
        bytes32 root,
        uint32 index,
        bytes32 messageId
    ) internal pure returns (bytes memory metadata) {
        bytes32 digest = CheckpointLib.digest(origin, hook, root, index, messageId);
        metadata = abi.encodePacked(hook, root, index);
        for (uint256 i = 0; i < keys.length; ++i) {
            metadata = bytes.concat(metadata, signRsv(keys[i], digest));
        }
    }

    /// The first four bytes of revert data (the custom error's selector).
    function selectorOf(bytes memory data) internal pure returns (bytes4 selector) {
        require(data.length >= 4, "no selector");
        assembly {
            selector := mload(add(data, 32))
        }
    }

    function keys2(uint256 a, uint256 b) internal pure returns (uint256[] memory k) {
        k = new uint256[](2);
        (k[0], k[1]) = (a, b);
    }

    function keys1(uint256 a) internal pure returns (uint256[] memory k) {
        k = new uint256[](1);
        k[0] = a;
    }
}
