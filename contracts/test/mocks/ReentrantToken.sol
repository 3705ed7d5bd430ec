// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TestERC20} from "../../src/test/TestERC20.sol";

/// @notice A malicious ERC-20: once armed, its next transfer or transferFrom first calls `target`
/// with `data` (a re-entry into the vault, directly or through a Mailbox) and bubbles any revert.
contract ReentrantToken is TestERC20 {
    address public target;
    bytes public data;

    constructor() TestERC20("Reentrant", "RE", 18) {}

    function arm(address target_, bytes calldata data_) external {
        target = target_;
        data = data_;
    }

    function transfer(address to, uint256 amount) external override returns (bool) {
        _attack();
        _transfer(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external override returns (bool) {
        _attack();
        _spendAllowance(from, msg.sender, amount);
        _transfer(from, to, amount);
        return true;
    }

    function _attack() internal {
        address t = target;
        if (t == address(0)) return;
        target = address(0); // once
        (bool ok, bytes memory ret) = t.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
    }
}
