// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TypeCasts} from "./TypeCasts.sol";

/// @notice Hyperlane v3 messages, byte for byte (abi.encodePacked):
///
///     [  0:  1] uint8   version (3)
///     [  1:  5] uint32  nonce
///     [  5:  9] uint32  origin
///     [  9: 41] bytes32 sender
///     [ 41: 45] uint32  destination
///     [ 45: 77] bytes32 recipient
///     [ 77:   ] bytes   body
///
/// The id is keccak256 of the whole message. Matches core/message.hpp byte for byte.
/// The accessors read calldata and assume `message.length >= HEADER_LENGTH` (check with
/// `requireWellFormed`); a shorter message makes the slice revert without data.
library Message {
    using TypeCasts for bytes32;

    uint8 internal constant VERSION = 3;
    /// Bytes before the body.
    uint256 internal constant HEADER_LENGTH = 77;

    uint256 private constant NONCE_OFFSET = 1;
    uint256 private constant ORIGIN_OFFSET = 5;
    uint256 private constant SENDER_OFFSET = 9;
    uint256 private constant DESTINATION_OFFSET = 41;
    uint256 private constant RECIPIENT_OFFSET = 45;
    uint256 private constant BODY_OFFSET = 77;

    /// A message must hold at least the 77 bytes of fixed fields.
    error MessageTooShort(uint256 length);

    /// @notice The encoded message (any version byte, so that tests can build refused versions).
    function format(
        uint8 version_,
        uint32 nonce_,
        uint32 origin_,
        bytes32 sender_,
        uint32 destination_,
        bytes32 recipient_,
        bytes memory body_
    ) internal pure returns (bytes memory) {
        return abi.encodePacked(version_, nonce_, origin_, sender_, destination_, recipient_, body_);
    }

    /// @notice keccak256 of the message: the id the Mailbox emits, records and inserts in its tree.
    function id(bytes memory message) internal pure returns (bytes32) {
        return keccak256(message);
    }

    /// @notice Reverts with MessageTooShort unless the fixed fields are all present.
    function requireWellFormed(bytes calldata message) internal pure {
        if (message.length < HEADER_LENGTH) revert MessageTooShort(message.length);
    }

    function version(bytes calldata message) internal pure returns (uint8) {
        return uint8(bytes1(message[0:NONCE_OFFSET]));
    }

    function nonce(bytes calldata message) internal pure returns (uint32) {
        return uint32(bytes4(message[NONCE_OFFSET:ORIGIN_OFFSET]));
    }

    function origin(bytes calldata message) internal pure returns (uint32) {
        return uint32(bytes4(message[ORIGIN_OFFSET:SENDER_OFFSET]));
    }

    function sender(bytes calldata message) internal pure returns (bytes32) {
        return bytes32(message[SENDER_OFFSET:DESTINATION_OFFSET]);
    }

    function senderAddress(bytes calldata message) internal pure returns (address) {
        return sender(message).bytes32ToAddress();
    }

    function destination(bytes calldata message) internal pure returns (uint32) {
        return uint32(bytes4(message[DESTINATION_OFFSET:RECIPIENT_OFFSET]));
    }

    function recipient(bytes calldata message) internal pure returns (bytes32) {
        return bytes32(message[RECIPIENT_OFFSET:BODY_OFFSET]);
    }

    function recipientAddress(bytes calldata message) internal pure returns (address) {
        return recipient(message).bytes32ToAddress();
    }

    function body(bytes calldata message) internal pure returns (bytes calldata) {
        return message[BODY_OFFSET:];
    }
}
