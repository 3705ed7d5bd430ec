// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IInterchainSecurityModule} from "./IInterchainSecurityModule.sol";

/// @notice causeway's Mailbox: Hyperlane v3's message format, events and `process`, with the
/// merkle tree of dispatched ids kept in the Mailbox itself (as Hyperlane's MerkleTreeHook keeps it)
/// and a batch entry point.
interface IMailbox {
    event Dispatch(
        address indexed sender, uint32 indexed destination, bytes32 indexed recipient, bytes message
    );
    event DispatchId(bytes32 indexed messageId);
    event Process(uint32 indexed origin, bytes32 indexed sender, address indexed recipient);
    event ProcessId(bytes32 indexed messageId);
    /// A message of a batch that was not delivered, and why (the revert data of its attempt).
    event ProcessFailed(bytes32 indexed messageId, bytes reason);

    function localDomain() external view returns (uint32);
    function nonce() external view returns (uint32);
    function delivered(bytes32 messageId) external view returns (bool);
    /// True for every id this Mailbox dispatched (a light client proves dispatch by this mapping's slot).
    function dispatched(bytes32 messageId) external view returns (bool);
    function defaultIsm() external view returns (IInterchainSecurityModule);

    function dispatch(uint32 destination, bytes32 recipient, bytes calldata body)
        external
        payable
        returns (bytes32);
    function process(bytes calldata metadata, bytes calldata message) external payable;

    /// Outcome of each message of a batch.
    enum Outcome {
        Delivered,
        AlreadyDelivered,
        Rejected
    }

    /// Processes each message in turn; one failure does not revert the others.
    function processBatch(bytes[] calldata metadata, bytes[] calldata messages)
        external
        returns (Outcome[] memory outcomes);

    /// The incremental merkle tree (depth 32) over dispatched message ids.
    function root() external view returns (bytes32);
    function count() external view returns (uint32);
    function latestCheckpoint() external view returns (bytes32 root, uint32 index);
}
