// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {Owned} from "../src/access/Owned.sol";

contract OwnedHarness is Owned {
    uint256 public ownerCalls;
    uint256 public guardianCalls;

    constructor(address owner_, address guardian_) Owned(owner_, guardian_) {}

    function ownerAction() external onlyOwner {
        ++ownerCalls;
    }

    function guardianAction() external onlyGuardian {
        ++guardianCalls;
    }
}

contract OwnedTest is Test {
    address internal owner = makeAddr("owner");
    address internal guardian = makeAddr("guardian");
    address internal successor = makeAddr("successor");
    address internal stranger = makeAddr("stranger");
    OwnedHarness internal owned;

    event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
    event GuardianChanged(address indexed previousGuardian, address indexed newGuardian);

    function setUp() public {
        owned = new OwnedHarness(owner, guardian);
    }

    function test_constructor() public {
        assertEq(owned.owner(), owner);
        assertEq(owned.guardian(), guardian);
        assertEq(owned.pendingOwner(), address(0));

        vm.expectEmit();
        emit OwnershipTransferred(address(0), owner);
        vm.expectEmit();
        emit GuardianChanged(address(0), guardian);
        new OwnedHarness(owner, guardian);
    }

    function test_constructorRefusesZeroOwner() public {
        vm.expectRevert(Owned.ZeroAddress.selector);
        new OwnedHarness(address(0), guardian);
    }

    /// A guardian may be left unset: then only the owner pauses.
    function test_noGuardian() public {
        OwnedHarness o = new OwnedHarness(owner, address(0));
        vm.prank(owner);
        o.guardianAction();
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotGuardian.selector, stranger));
        o.guardianAction();
    }

    function test_twoStepTransfer() public {
        vm.expectEmit(address(owned));
        emit OwnershipTransferStarted(owner, successor);
        vm.prank(owner);
        owned.transferOwnership(successor);
        // Nothing changes until the successor accepts.
        assertEq(owned.owner(), owner);
        assertEq(owned.pendingOwner(), successor);
        vm.prank(successor);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotOwner.selector, successor));
        owned.ownerAction();

        vm.expectEmit(address(owned));
        emit OwnershipTransferred(owner, successor);
        vm.prank(successor);
        owned.acceptOwnership();
        assertEq(owned.owner(), successor);
        assertEq(owned.pendingOwner(), address(0));

        vm.prank(successor);
        owned.ownerAction();
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotOwner.selector, owner));
        owned.ownerAction();
    }

    function test_onlyPendingOwnerAccepts() public {
        vm.prank(owner);
        owned.transferOwnership(successor);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotPendingOwner.selector, stranger));
        owned.acceptOwnership();
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotPendingOwner.selector, owner));
        owned.acceptOwnership();
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotPendingOwner.selector, guardian));
        owned.acceptOwnership();
    }

    function test_acceptWithoutTransferRefused() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotPendingOwner.selector, stranger));
        owned.acceptOwnership();
    }

    function test_transferOnlyOwner() public {
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotOwner.selector, guardian));
        owned.transferOwnership(guardian);
        vm.prank(successor);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotOwner.selector, successor));
        owned.transferOwnership(successor);
    }

    /// The owner may change or cancel (address 0) a pending transfer; the replaced one cannot accept.
    function test_transferReplacedOrCancelled() public {
        vm.startPrank(owner);
        owned.transferOwnership(successor);
        owned.transferOwnership(stranger);
        vm.stopPrank();
        vm.prank(successor);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotPendingOwner.selector, successor));
        owned.acceptOwnership();

        vm.prank(owner);
        owned.transferOwnership(address(0));
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotPendingOwner.selector, stranger));
        owned.acceptOwnership();
        assertEq(owned.owner(), owner);
    }

    function test_guardianChange() public {
        address next = makeAddr("next guardian");
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotOwner.selector, guardian));
        owned.setGuardian(next);

        vm.expectEmit(address(owned));
        emit GuardianChanged(guardian, next);
        vm.prank(owner);
        owned.setGuardian(next);
        assertEq(owned.guardian(), next);

        vm.prank(next);
        owned.guardianAction();
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotGuardian.selector, guardian));
        owned.guardianAction();

        // The owner may remove the guardian.
        vm.prank(owner);
        owned.setGuardian(address(0));
        vm.prank(next);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotGuardian.selector, next));
        owned.guardianAction();
    }

    function test_roles() public {
        vm.prank(guardian);
        owned.guardianAction();
        vm.prank(owner);
        owned.guardianAction();
        assertEq(owned.guardianCalls(), 2);
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotOwner.selector, guardian));
        owned.ownerAction();
    }

    /// A pending owner is not yet a guardian either.
    function test_pendingOwnerHasNoPowers() public {
        vm.prank(owner);
        owned.transferOwnership(successor);
        vm.prank(successor);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotGuardian.selector, successor));
        owned.guardianAction();
    }

    function testFuzz_strangersHaveNoPowers(address who) public {
        // address(0) is left out: it is the empty pendingOwner, and no transaction comes from it.
        vm.assume(who != owner && who != guardian && who != address(0));
        vm.startPrank(who);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotOwner.selector, who));
        owned.ownerAction();
        vm.expectRevert(abi.encodeWithSelector(Owned.NotGuardian.selector, who));
        owned.guardianAction();
        vm.expectRevert(abi.encodeWithSelector(Owned.NotOwner.selector, who));
        owned.transferOwnership(who);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotOwner.selector, who));
        owned.setGuardian(who);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotPendingOwner.selector, who));
        owned.acceptOwnership();
        vm.stopPrank();
    }
}
