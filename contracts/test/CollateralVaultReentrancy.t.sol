// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {CollateralVault, IERC20} from "../src/CollateralVault.sol";
import {IMailbox} from "../src/interfaces/IMailbox.sol";
import {MockMailbox} from "./mocks/MockMailbox.sol";
import {ReentrantToken} from "./mocks/ReentrantToken.sol";
import {NoReturnToken, FalseReturnToken} from "./mocks/NonStandardTokens.sol";
import {VaultFixture} from "./mocks/VaultFixture.sol";

/// @notice A vault whose token is hostile (re-enters on transfer), and tokens that bend ERC-20.
contract CollateralVaultReentrancyTest is VaultFixture {
    uint32 internal constant DOMAIN_R = 900_003;

    MockMailbox internal mbR;
    ReentrantToken internal evil;
    CollateralVault internal vaultR;

    function setUp() public override {
        super.setUp();
        mbR = new MockMailbox(DOMAIN_R);
        evil = new ReentrantToken();
        vaultR = new CollateralVault(IMailbox(address(mbR)), IERC20(address(evil)), owner, guardian);
        vm.startPrank(owner);
        vaultR.enrollRemoteVault(DOMAIN_A, b32(address(vaultA)));
        vaultA.enrollRemoteVault(DOMAIN_R, b32(address(vaultR)));
        vm.stopPrank();
        depositTo(vaultR, alice, 100);
        addLiquidityTo(vaultR, lp, 100);
    }

    function _assertUntouched() internal view {
        assertEq(vaultR.marginOf(alice), 100);
        assertEq(vaultR.liquidityOf(lp), 100);
        assertEq(vaultR.totalMargin(), 100);
        assertEq(vaultR.totalLiquidity(), 100);
        assertEq(evil.balanceOf(address(vaultR)), 200);
    }

    function test_transferReentersWithdraw_reverts() public {
        evil.arm(address(vaultR), abi.encodeCall(CollateralVault.withdraw, (50)));
        vm.expectRevert(CollateralVault.Reentrancy.selector);
        vm.prank(alice);
        vaultR.withdraw(50);
        _assertUntouched();
        // Disarmed (the token attacks once): the same withdrawal goes through.
        evil.arm(address(0), "");
        vm.prank(alice);
        vaultR.withdraw(50);
        assertEq(evil.balanceOf(alice), 50);
    }

    function test_transferFromReentersDeposit_reverts() public {
        evil.mint(alice, 10);
        vm.prank(alice);
        evil.approve(address(vaultR), 10);
        evil.arm(address(vaultR), abi.encodeCall(CollateralVault.deposit, (10)));
        vm.expectRevert(CollateralVault.Reentrancy.selector);
        vm.prank(alice);
        vaultR.deposit(10);
        _assertUntouched();
    }

    function test_transferReentersRemoveLiquidity_reverts() public {
        evil.arm(address(vaultR), abi.encodeCall(CollateralVault.removeLiquidity, (50)));
        vm.expectRevert(CollateralVault.Reentrancy.selector);
        vm.prank(lp);
        vaultR.removeLiquidity(50);
        _assertUntouched();
    }

    function test_transferFromReentersAddLiquidity_reverts() public {
        evil.mint(lp, 10);
        vm.prank(lp);
        evil.approve(address(vaultR), 10);
        evil.arm(address(vaultR), abi.encodeCall(CollateralVault.addLiquidity, (10)));
        vm.expectRevert(CollateralVault.Reentrancy.selector);
        vm.prank(lp);
        vaultR.addLiquidity(10);
        _assertUntouched();
    }

    function test_transferReentersMoveMargin_reverts() public {
        evil.arm(address(vaultR), abi.encodeCall(CollateralVault.moveMargin, (DOMAIN_A, 10, b32(bob))));
        vm.expectRevert(CollateralVault.Reentrancy.selector);
        vm.prank(alice);
        vaultR.withdraw(50);
        _assertUntouched();
        assertEq(mbR.outboxLength(), 0);
    }

    function test_transferReentersFastFill_reverts() public {
        depositTo(vaultA, alice, 100);
        vm.prank(alice);
        vaultA.moveMargin(DOMAIN_R, 40, b32(bob));
        bytes memory message = mbA.outbox(0);
        evil.arm(address(vaultR), abi.encodeCall(CollateralVault.fastFill, (message)));
        vm.expectRevert(CollateralVault.Reentrancy.selector);
        vm.prank(lp);
        vaultR.removeLiquidity(10);
        _assertUntouched();
        assertEq(vaultR.marginOf(bob), 0);
    }

    function test_reentryThroughHandle_reverts_andMessageLandsLater() public {
        depositTo(vaultA, alice, 100);
        vm.prank(alice);
        bytes32 id = vaultA.moveMargin(DOMAIN_R, 40, b32(bob));
        bytes memory message = mbA.outbox(0);
        // While the vault pays out a withdrawal, the token has the Mailbox deliver a message to it.
        evil.arm(address(mbR), abi.encodeCall(MockMailbox.deliver, (message)));
        vm.expectRevert(CollateralVault.Reentrancy.selector);
        vm.prank(alice);
        vaultR.withdraw(50);
        _assertUntouched();
        assertFalse(mbR.delivered(id));
        // Delivered on its own, it lands normally, once.
        mbR.deliver(message);
        assertEq(vaultR.marginOf(bob), 40);
    }

    function test_handleReentersViaFastFillTransfer_noDoubleCredit() public {
        // A fill moves no tokens, so the hostile token gets no chance there; the arrival then repays.
        depositTo(vaultA, alice, 100);
        vm.prank(alice);
        vaultA.moveMargin(DOMAIN_R, 40, b32(bob));
        bytes memory message = mbA.outbox(0);
        evil.arm(address(mbR), abi.encodeCall(MockMailbox.deliver, (message)));
        vm.prank(lp);
        vaultR.fastFill(message);
        assertEq(evil.target(), address(mbR), "no token call during a fill");
        evil.arm(address(0), "");
        mbR.deliver(message);
        assertEq(vaultR.marginOf(bob), 40);
        assertEq(vaultR.liquidityOf(lp), 100);
    }

    // ------------------------------------------------------------------ non-standard tokens

    function test_noReturnToken_works() public {
        NoReturnToken t = new NoReturnToken();
        CollateralVault v = new CollateralVault(IMailbox(address(mbA)), IERC20(address(t)), owner, guardian);
        t.mint(alice, 100);
        vm.startPrank(alice);
        t.approve(address(v), 100);
        v.deposit(100);
        v.withdraw(30);
        vm.stopPrank();
        assertEq(t.balanceOf(alice), 30);
        assertEq(v.marginOf(alice), 70);
    }

    function test_falseReturnToken_reverts() public {
        FalseReturnToken t = new FalseReturnToken();
        CollateralVault v = new CollateralVault(IMailbox(address(mbA)), IERC20(address(t)), owner, guardian);
        t.mint(alice, 100);
        vm.startPrank(alice);
        t.approve(address(v), 100);
        v.deposit(100);
        vm.stopPrank();
        t.setFailTransfers(true);
        vm.expectRevert(CollateralVault.TokenTransferFailed.selector);
        vm.prank(alice);
        v.withdraw(30);
        assertEq(v.marginOf(alice), 100);
    }

    function test_tokenWithoutCode_reverts() public {
        CollateralVault v =
            new CollateralVault(IMailbox(address(mbA)), IERC20(makeAddr("notAToken")), owner, guardian);
        vm.expectRevert(CollateralVault.TokenTransferFailed.selector);
        vm.prank(alice);
        v.deposit(1);
    }
}
