// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;
contract Probe { function x() external pure returns (uint256) { return 1; } }
