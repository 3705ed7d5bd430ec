// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {DevnetOutputOracle} from "../src/devnet/DevnetOutputOracle.sol";

contract DevnetOutputOracleTest is Test {
    DevnetOutputOracle oracle;
    address proposer = address(0xB0B);

    function setUp() public {
        oracle = new DevnetOutputOracle(proposer, 12);
    }

    function test_propose_stores_in_l2OutputOracle_layout() public {
        vm.warp(1_700_000_000);
        vm.prank(proposer);
        oracle.proposeL2Output(bytes32(uint256(0xaa)), 10, bytes32(0), 0);
        vm.warp(1_700_000_012);
        vm.prank(proposer);
        oracle.proposeL2Output(bytes32(uint256(0xbb)), 25, bytes32(0), 0);

        assertEq(oracle.latestOutputIndex(), 1);
        assertEq(oracle.latestBlockNumber(), 25);
        // What the light client reads: l2Outputs at slot 3, element i at keccak256(3) + 2i.
        bytes32 base = keccak256(abi.encode(uint256(3)));
        assertEq(vm.load(address(oracle), bytes32(uint256(3))), bytes32(uint256(2))); // length
        assertEq(vm.load(address(oracle), base), bytes32(uint256(0xaa)));
        bytes32 meta = vm.load(address(oracle), bytes32(uint256(base) + 3));
        assertEq(uint256(meta) & type(uint128).max, 1_700_000_012); // timestamp, low 128 bits
        assertEq(uint256(meta) >> 128, 25); // l2BlockNumber, high 128 bits
        assertEq(vm.load(address(oracle), bytes32(uint256(base) + 2)), bytes32(uint256(0xbb)));
        DevnetOutputOracle.OutputProposal memory p = oracle.getL2Output(0);
        assertEq(p.outputRoot, bytes32(uint256(0xaa)));
        assertEq(p.l2BlockNumber, 10);
    }

    function test_only_the_proposer_proposes() public {
        vm.expectRevert(abi.encodeWithSelector(DevnetOutputOracle.NotProposer.selector, address(this)));
        oracle.proposeL2Output(bytes32(uint256(1)), 1, bytes32(0), 0);
    }

    function test_block_numbers_must_increase_and_roots_be_set() public {
        vm.startPrank(proposer);
        oracle.proposeL2Output(bytes32(uint256(1)), 5, bytes32(0), 0);
        vm.expectRevert(abi.encodeWithSelector(DevnetOutputOracle.BlockNumberNotAfterLatest.selector, 5, 5));
        oracle.proposeL2Output(bytes32(uint256(2)), 5, bytes32(0), 0);
        vm.expectRevert(DevnetOutputOracle.EmptyOutputRoot.selector);
        oracle.proposeL2Output(bytes32(0), 6, bytes32(0), 0);
        vm.stopPrank();
    }

    function test_no_outputs_yet() public {
        vm.expectRevert(DevnetOutputOracle.NoOutputs.selector);
        oracle.latestOutputIndex();
        assertEq(oracle.nextOutputIndex(), 0);
    }

    function test_the_output_after_a_block_covers_it() public {
        vm.expectRevert(DevnetOutputOracle.NoOutputs.selector);
        oracle.getL2OutputIndexAfter(1);
        vm.startPrank(proposer);
        oracle.proposeL2Output(bytes32(uint256(1)), 10, bytes32(0), 0);
        oracle.proposeL2Output(bytes32(uint256(2)), 20, bytes32(0), 0);
        oracle.proposeL2Output(bytes32(uint256(3)), 30, bytes32(0), 0);
        vm.stopPrank();
        assertEq(oracle.getL2OutputIndexAfter(0), 0);
        assertEq(oracle.getL2OutputIndexAfter(10), 0);
        assertEq(oracle.getL2OutputIndexAfter(11), 1);
        assertEq(oracle.getL2OutputIndexAfter(20), 1);
        assertEq(oracle.getL2OutputIndexAfter(21), 2);
        assertEq(oracle.getL2OutputIndexAfter(30), 2);
        vm.expectRevert(abi.encodeWithSelector(DevnetOutputOracle.BlockNotProposed.selector, 31, 30));
        oracle.getL2OutputIndexAfter(31);
    }

    function testFuzz_the_output_after_a_block_is_the_first_at_or_above_it(uint8 count, uint16 query) public {
        vm.assume(count > 0);
        vm.startPrank(proposer);
        for (uint256 i = 0; i < count; ++i) oracle.proposeL2Output(bytes32(i + 1), (i + 1) * 7, bytes32(0), 0);
        vm.stopPrank();
        if (query > uint256(count) * 7) {
            vm.expectRevert(abi.encodeWithSelector(DevnetOutputOracle.BlockNotProposed.selector, query, uint256(count) * 7));
            oracle.getL2OutputIndexAfter(query);
            return;
        }
        uint256 index = oracle.getL2OutputIndexAfter(query);
        assertGe(oracle.getL2Output(index).l2BlockNumber, query);
        if (index > 0) assertLt(oracle.getL2Output(index - 1).l2BlockNumber, query);
    }
}
