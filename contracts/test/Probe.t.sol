// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;
import {Test} from "forge-std/Test.sol";
import {Probe} from "../src/Probe.sol";
contract ProbeTest is Test { function test_x() public { assertEq(new Probe().x(), 1); } }
