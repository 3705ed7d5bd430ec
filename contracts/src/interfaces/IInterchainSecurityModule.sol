// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice A security module decides whether a message may be delivered (Hyperlane v3's ISM).
interface IInterchainSecurityModule {
    /// Module types as Hyperlane numbers them; causeway uses ROUTING (1) and MESSAGE_ID_MULTISIG (5).
    enum Types {
        UNUSED,
        ROUTING,
        AGGREGATION,
        LEGACY_MULTISIG,
        MERKLE_ROOT_MULTISIG,
        MESSAGE_ID_MULTISIG,
        NULL,
        CCIP_READ
    }

    function moduleType() external view returns (uint8);

    /// @return true when `metadata` proves `message`; reverts or returns false otherwise.
    function verify(bytes calldata metadata, bytes calldata message) external returns (bool);
}

/// @notice A recipient may name its own security module; the Mailbox's default applies otherwise.
interface ISpecifiesInterchainSecurityModule {
    function interchainSecurityModule() external view returns (IInterchainSecurityModule);
}
