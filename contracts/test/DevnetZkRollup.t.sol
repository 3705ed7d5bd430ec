// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {DevnetZkRollup} from "../src/devnet/DevnetZkRollup.sol";

contract DevnetZkRollupTest is Test {
    DevnetZkRollup rollup;
    address prover = address(0xB0B);

    function setUp() public {
        rollup = new DevnetZkRollup(prover);
    }

    function test_finalize_stores_in_scroll_chain_layout() public {
        vm.startPrank(prover);
        rollup.finalizeBatch(1, bytes32(uint256(0x11)), bytes32(uint256(0xaa)), bytes32(uint256(0x77)), 10);
        rollup.finalizeBatch(2, bytes32(uint256(0x22)), bytes32(uint256(0xbb)), bytes32(0), 25);
        vm.stopPrank();
        // What the light client reads (causeway::zk::kScrollFinalizedStateRootsSlot): batch N's root
        // at keccak256(abi.encode(N, 158)); lastFinalizedBatchIndex at 156; isProver at 155.
        assertEq(vm.load(address(rollup), keccak256(abi.encode(uint256(2), uint256(158)))), bytes32(uint256(0xbb)));
        assertEq(vm.load(address(rollup), keccak256(abi.encode(uint256(1), uint256(158)))), bytes32(uint256(0xaa)));
        assertEq(vm.load(address(rollup), bytes32(uint256(156))), bytes32(uint256(2)));
        assertEq(vm.load(address(rollup), keccak256(abi.encode(uint256(1), uint256(157)))), bytes32(uint256(0x11)));
        assertEq(vm.load(address(rollup), keccak256(abi.encode(uint256(1), uint256(159)))), bytes32(uint256(0x77)));
        assertEq(vm.load(address(rollup), keccak256(abi.encode(prover, uint256(155)))), bytes32(uint256(1)));
        assertEq(rollup.finalizedStateRoots(2), bytes32(uint256(0xbb)));
        assertEq(rollup.lastFinalizedBlock(), 25);
        assertTrue(rollup.isBatchFinalized(2));
        assertFalse(rollup.isBatchFinalized(3));
    }

    function test_only_a_prover_finalizes() public {
        vm.expectRevert(abi.encodeWithSelector(DevnetZkRollup.NotProver.selector, address(this)));
        rollup.finalizeBatch(1, bytes32(0), bytes32(uint256(1)), bytes32(0), 1);
    }

    function test_batches_in_order_with_roots_and_rising_blocks() public {
        vm.startPrank(prover);
        vm.expectRevert(abi.encodeWithSelector(DevnetZkRollup.BatchIndexNotNext.selector, 2, 1));
        rollup.finalizeBatch(2, bytes32(0), bytes32(uint256(1)), bytes32(0), 5);
        vm.expectRevert(DevnetZkRollup.EmptyStateRoot.selector);
        rollup.finalizeBatch(1, bytes32(0), bytes32(0), bytes32(0), 5);
        rollup.finalizeBatch(1, bytes32(0), bytes32(uint256(1)), bytes32(0), 5);
        vm.expectRevert(abi.encodeWithSelector(DevnetZkRollup.BlockNumberNotAfterLatest.selector, 5, 5));
        rollup.finalizeBatch(2, bytes32(0), bytes32(uint256(2)), bytes32(0), 5);
        vm.stopPrank();
    }

    function test_the_batch_after_a_block_covers_it() public {
        vm.expectRevert(DevnetZkRollup.NoBatches.selector);
        rollup.batchIndexAfter(1);
        vm.startPrank(prover);
        rollup.finalizeBatch(1, bytes32(0), bytes32(uint256(1)), bytes32(0), 10);
        rollup.finalizeBatch(2, bytes32(0), bytes32(uint256(2)), bytes32(0), 20);
        rollup.finalizeBatch(3, bytes32(0), bytes32(uint256(3)), bytes32(0), 30);
        vm.stopPrank();
        assertEq(rollup.batchIndexAfter(0), 1);
        assertEq(rollup.batchIndexAfter(10), 1);
        assertEq(rollup.batchIndexAfter(11), 2);
        assertEq(rollup.batchIndexAfter(20), 2);
        assertEq(rollup.batchIndexAfter(30), 3);
        vm.expectRevert(abi.encodeWithSelector(DevnetZkRollup.BlockNotFinalized.selector, 31, 30));
        rollup.batchIndexAfter(31);
    }

    function testFuzz_the_batch_after_a_block_is_the_first_at_or_above_it(uint8 count, uint16 query) public {
        vm.assume(count > 0);
        vm.startPrank(prover);
        for (uint256 i = 1; i <= count; ++i) rollup.finalizeBatch(i, bytes32(0), bytes32(i), bytes32(0), i * 7);
        vm.stopPrank();
        vm.assume(query <= uint256(count) * 7);
        uint256 found = rollup.batchIndexAfter(query);
        assertGe(rollup.batchLastBlock(found), query);
        if (found > 1) assertLt(rollup.batchLastBlock(found - 1), query);
    }
}
