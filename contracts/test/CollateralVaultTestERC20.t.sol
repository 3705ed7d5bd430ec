// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {TestERC20} from "../src/test/TestERC20.sol";

/// @notice The vault tests' token behaves as an ERC-20.
contract CollateralVaultTestERC20Test is Test {
    TestERC20 internal token;
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    function setUp() public {
        token = new TestERC20("Test USD", "TUSD", 6);
    }

    function test_metadata() public view {
        assertEq(token.name(), "Test USD");
        assertEq(token.symbol(), "TUSD");
        assertEq(token.decimals(), 6);
        assertEq(token.totalSupply(), 0);
    }

    function test_mint_byAnyone() public {
        vm.expectEmit(address(token));
        emit Transfer(address(0), alice, 100);
        vm.prank(bob);
        token.mint(alice, 100);
        assertEq(token.balanceOf(alice), 100);
        assertEq(token.totalSupply(), 100);
        vm.expectRevert(abi.encodeWithSelector(TestERC20.InvalidReceiver.selector, address(0)));
        token.mint(address(0), 1);
    }

    function test_transfer() public {
        token.mint(alice, 100);
        vm.expectEmit(address(token));
        emit Transfer(alice, bob, 40);
        vm.prank(alice);
        assertTrue(token.transfer(bob, 40));
        assertEq(token.balanceOf(alice), 60);
        assertEq(token.balanceOf(bob), 40);
        vm.expectRevert(abi.encodeWithSelector(TestERC20.InsufficientBalance.selector, alice, 60, 61));
        vm.prank(alice);
        // forge-lint: disable-next-line(erc20-unchecked-transfer)
        token.transfer(bob, 61);
        vm.expectRevert(abi.encodeWithSelector(TestERC20.InvalidReceiver.selector, address(0)));
        vm.prank(alice);
        // forge-lint: disable-next-line(erc20-unchecked-transfer)
        token.transfer(address(0), 1);
    }

    function test_approveAndTransferFrom() public {
        token.mint(alice, 100);
        vm.expectEmit(address(token));
        emit Approval(alice, bob, 50);
        vm.prank(alice);
        assertTrue(token.approve(bob, 50));
        assertEq(token.allowance(alice, bob), 50);
        vm.prank(bob);
        assertTrue(token.transferFrom(alice, bob, 30));
        assertEq(token.allowance(alice, bob), 20);
        assertEq(token.balanceOf(bob), 30);
        vm.expectRevert(abi.encodeWithSelector(TestERC20.InsufficientAllowance.selector, bob, 20, 21));
        vm.prank(bob);
        // forge-lint: disable-next-line(erc20-unchecked-transfer)
        token.transferFrom(alice, bob, 21);
    }

    function test_infiniteAllowance_notSpent() public {
        token.mint(alice, 100);
        vm.prank(alice);
        token.approve(bob, type(uint256).max);
        vm.prank(bob);
        assertTrue(token.transferFrom(alice, bob, 100));
        assertEq(token.allowance(alice, bob), type(uint256).max);
    }

    function testFuzz_transferConservesSupply(uint256 minted, uint256 sent) public {
        minted = bound(minted, 0, type(uint256).max);
        sent = bound(sent, 0, minted);
        token.mint(alice, minted);
        vm.prank(alice);
        assertTrue(token.transfer(bob, sent));
        assertEq(token.balanceOf(alice) + token.balanceOf(bob), minted);
        assertEq(token.totalSupply(), minted);
    }
}
