// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice What a Mailbox calls on delivery (Hyperlane v3's IMessageRecipient).
interface IMessageRecipient {
    function handle(uint32 origin, bytes32 sender, bytes calldata body) external payable;
}
