// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IMailbox} from "../../src/interfaces/IMailbox.sol";
import {IInterchainSecurityModule} from "../../src/interfaces/IInterchainSecurityModule.sol";
import {IMessageRecipient} from "../../src/interfaces/IMessageRecipient.sol";

/// @notice Test double of the Mailbox: `dispatch` builds the v3 message, records it and returns its
/// id (keccak256 of the message) as the real one does; `process`/`deliver` hand any message whose
/// destination is this domain to its recipient's `handle`, with no security module (nothing is
/// verified: tests fabricate messages at will) but with the Mailbox's replay refusal.
/// Connect two of them in a test by passing one's recorded messages to the other's `deliver`.
contract MockMailbox is IMailbox {
    uint8 public constant VERSION = 3;

    uint32 public immutable localDomain;
    uint32 public nonce;
    mapping(bytes32 => bool) public delivered;
    mapping(bytes32 => bool) public dispatched;
    /// Every message dispatched, in order.
    bytes[] internal _outbox;

    error WrongVersion(uint8 version);
    error WrongDestination(uint32 destination);
    error AlreadyDelivered(bytes32 messageId);

    constructor(uint32 localDomain_) {
        localDomain = localDomain_;
    }

    function dispatch(uint32 destination, bytes32 recipient, bytes calldata body)
        external
        payable
        returns (bytes32)
    {
        bytes memory message = abi.encodePacked(
            VERSION, nonce, localDomain, bytes32(uint256(uint160(msg.sender))), destination, recipient, body
        );
        bytes32 id = keccak256(message);
        nonce += 1;
        dispatched[id] = true;
        _outbox.push(message);
        emit Dispatch(msg.sender, destination, recipient, message);
        emit DispatchId(id);
        return id;
    }

    function process(bytes calldata, bytes calldata message) public payable {
        deliver(message);
    }

    /// Delivers `message` to its recipient as `process` does, without metadata.
    function deliver(bytes calldata message) public payable {
        if (uint8(message[0]) != VERSION) revert WrongVersion(uint8(message[0]));
        uint32 destination = uint32(bytes4(message[41:45]));
        if (destination != localDomain) revert WrongDestination(destination);
        bytes32 id = keccak256(message);
        if (delivered[id]) revert AlreadyDelivered(id);
        delivered[id] = true;
        uint32 origin = uint32(bytes4(message[5:9]));
        bytes32 sender = bytes32(message[9:41]);
        address recipient = address(uint160(uint256(bytes32(message[45:77]))));
        IMessageRecipient(recipient).handle{value: msg.value}(origin, sender, message[77:]);
        emit Process(origin, sender, recipient);
        emit ProcessId(id);
    }

    function processBatch(bytes[] calldata metadata, bytes[] calldata messages)
        external
        returns (Outcome[] memory outcomes)
    {
        outcomes = new Outcome[](messages.length);
        for (uint256 i = 0; i < messages.length; i++) {
            bytes32 id = keccak256(messages[i]);
            if (delivered[id]) {
                outcomes[i] = Outcome.AlreadyDelivered;
                continue;
            }
            try this.process(metadata[i], messages[i]) {
                outcomes[i] = Outcome.Delivered;
            } catch (bytes memory reason) {
                outcomes[i] = Outcome.Rejected;
                emit ProcessFailed(id, reason);
            }
        }
    }

    /// The `index`th message this Mailbox dispatched.
    function outbox(uint256 index) external view returns (bytes memory) {
        return _outbox[index];
    }

    function outboxLength() external view returns (uint256) {
        return _outbox.length;
    }

    function defaultIsm() external pure returns (IInterchainSecurityModule) {
        return IInterchainSecurityModule(address(0));
    }

    /// No merkle tree in the double.
    function root() external pure returns (bytes32) {
        return bytes32(0);
    }

    function count() external view returns (uint32) {
        return nonce;
    }

    function latestCheckpoint() external view returns (bytes32, uint32) {
        return (bytes32(0), nonce == 0 ? 0 : nonce - 1);
    }
}
