// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {Message} from "../src/libs/Message.sol";
import {TypeCasts} from "../src/libs/TypeCasts.sol";

struct Fields {
    uint8 version;
    uint32 nonce;
    uint32 origin;
    bytes32 sender;
    uint32 destination;
    bytes32 recipient;
    bytes body;
}

/// Exposes the calldata accessors.
contract MessageHarness {
    using Message for bytes;

    function decode(bytes calldata m) external pure returns (Fields memory f) {
        m.requireWellFormed();
        f = Fields(m.version(), m.nonce(), m.origin(), m.sender(), m.destination(), m.recipient(), m.body());
    }

    function addresses(bytes calldata m) external pure returns (address, address) {
        return (m.senderAddress(), m.recipientAddress());
    }
}

contract MessageTest is Test {
    MessageHarness internal h = new MessageHarness();

    function testFuzz_formatDecodeRoundTrip(Fields memory f) public view {
        bytes memory m =
            Message.format(f.version, f.nonce, f.origin, f.sender, f.destination, f.recipient, f.body);
        assertEq(m.length, Message.HEADER_LENGTH + f.body.length);
        assertEq(Message.id(m), keccak256(m));
        Fields memory g = h.decode(m);
        assertEq(g.version, f.version);
        assertEq(g.nonce, f.nonce);
        assertEq(g.origin, f.origin);
        assertEq(g.sender, f.sender);
        assertEq(g.destination, f.destination);
        assertEq(g.recipient, f.recipient);
        assertEq(g.body, f.body);
    }

    function testFuzz_layoutIsPacked(uint32 nonce, uint32 origin, uint32 destination) public pure {
        bytes memory m =
            Message.format(3, nonce, origin, bytes32(uint256(0xaa)), destination, bytes32(uint256(0xbb)), "");
        // forge-lint: disable-start(unsafe-typecast)
        assertEq(uint8(m[0]), 3);
        assertEq(uint8(m[1]), uint8(nonce >> 24));
        assertEq(uint8(m[4]), uint8(nonce));
        assertEq(uint8(m[5]), uint8(origin >> 24));
        assertEq(uint8(m[8]), uint8(origin));
        assertEq(uint8(m[40]), 0xaa);
        assertEq(uint8(m[41]), uint8(destination >> 24));
        assertEq(uint8(m[44]), uint8(destination));
        assertEq(uint8(m[76]), 0xbb);
        // forge-lint: disable-end(unsafe-typecast)
    }

    /// /work/shared/vectors/hyperlane/message.json (hyperlane-monorepo vectors/message.json).
    function test_hyperlaneVector() public pure {
        bytes memory m = Message.format(
            3,
            0,
            1000,
            0x0000000000000000000000001111111111111111111111111111111111111111,
            2000,
            0x0000000000000000000000002222222222222222222222222222222222222222,
            hex"1234"
        );
        assertEq(Message.id(m), 0xf8a66f8aadee751d842616fee0ed14a3ad6da1e13564920364ee0ad35a02703f);
    }

    /// The same message encoded by core/message.cpp (causeway::encode, message_id) through a throw-away
    /// program linked against build/core.
    function test_cppVector() public pure {
        bytes memory m =
            Message.format(3, 5, 1000, bytes32(uint256(0xaa)), 2000, bytes32(uint256(0xbb)), hex"123456");
        assertEq(
            m,
            hex"0300000005000003e800000000000000000000000000000000000000000000000000000000000000aa000007d000000000000000000000000000000000000000000000000000000000000000bb123456"
        );
        assertEq(Message.id(m), 0x13a035e90ccb6354aa696fc2976fe4c1df8e1538c27f00529874ca7efbc2d532);
    }

    function test_tooShortReverts() public {
        bytes memory m = new bytes(76);
        vm.expectRevert(abi.encodeWithSelector(Message.MessageTooShort.selector, 76));
        h.decode(m);
    }

    function test_headerOnlyHasEmptyBody() public view {
        bytes memory m = Message.format(3, 1, 2, bytes32(0), 3, bytes32(0), "");
        assertEq(h.decode(m).body.length, 0);
    }

    function testFuzz_addressRoundTrip(address a) public pure {
        bytes32 b = TypeCasts.addressToBytes32(a);
        assertEq(uint256(b) >> 160, 0);
        assertEq(TypeCasts.bytes32ToAddress(b), a);
    }

    /// Like Hyperlane, the high 12 bytes are dropped.
    function testFuzz_bytes32ToAddressTakesLow20Bytes(bytes32 b) public pure {
        assertEq(TypeCasts.bytes32ToAddress(b), address(uint160(uint256(b))));
    }

    function testFuzz_senderAndRecipientAddresses(address s, address r) public view {
        bytes memory m =
            Message.format(3, 0, 1, TypeCasts.addressToBytes32(s), 2, TypeCasts.addressToBytes32(r), "x");
        (address gotS, address gotR) = h.addresses(m);
        assertEq(gotS, s);
        assertEq(gotR, r);
    }
}
