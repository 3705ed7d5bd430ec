// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice Owner and guardian roles with two-step ownership transfer. The owner configures and
/// resumes; the guardian may only pause (incident response needs one fast key that cannot do harm).
abstract contract Owned {
    address public owner;
    address public pendingOwner;
    address public guardian;

    event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
    event GuardianChanged(address indexed previousGuardian, address indexed newGuardian);

    error NotOwner(address caller);
    error NotGuardian(address caller);
    error NotPendingOwner(address caller);
    error ZeroAddress();

    constructor(address owner_, address guardian_) {
        if (owner_ == address(0)) revert ZeroAddress();
        owner = owner_;
        guardian = guardian_;
        emit OwnershipTransferred(address(0), owner_);
        emit GuardianChanged(address(0), guardian_);
    }

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _;
    }

    /// The guardian or the owner.
    modifier onlyGuardian() {
        if (msg.sender != guardian && msg.sender != owner) revert NotGuardian(msg.sender);
        _;
    }

    /// Step one: the owner names a successor, who must accept.
    function transferOwnership(address newOwner) external onlyOwner {
        pendingOwner = newOwner;
        emit OwnershipTransferStarted(owner, newOwner);
    }

    /// Step two: the named successor takes over.
    function acceptOwnership() external {
        if (msg.sender != pendingOwner) revert NotPendingOwner(msg.sender);
        emit OwnershipTransferred(owner, msg.sender);
        owner = msg.sender;
        pendingOwner = address(0);
    }

    function setGuardian(address newGuardian) external onlyOwner {
        emit GuardianChanged(guardian, newGuardian);
        guardian = newGuardian;
    }
}
