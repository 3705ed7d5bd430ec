// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {CollateralVault, IERC20} from "../src/CollateralVault.sol";
import {Owned} from "../src/access/Owned.sol";
import {IMailbox} from "../src/interfaces/IMailbox.sol";
import {TestERC20} from "../src/test/TestERC20.sol";
import {MockMailbox} from "./mocks/MockMailbox.sol";
import {VaultFixture} from "./mocks/VaultFixture.sol";

contract CollateralVaultTest is VaultFixture {
    // ------------------------------------------------------------------ construction and admin

    function test_constructor_setsRolesAndDomain() public view {
        assertEq(address(vaultA.mailbox()), address(mbA));
        assertEq(address(vaultA.token()), address(tokenA));
        assertEq(vaultA.localDomain(), DOMAIN_A);
        assertEq(vaultA.owner(), owner);
        assertEq(vaultA.guardian(), guardian);
        assertFalse(vaultA.paused());
        assertEq(vaultA.remoteVault(DOMAIN_B), b32(address(vaultB)));
        assertEq(vaultB.remoteVault(DOMAIN_A), b32(address(vaultA)));
    }

    function test_constructor_revertsOnZeroAddresses() public {
        vm.expectRevert(Owned.ZeroAddress.selector);
        new CollateralVault(IMailbox(address(0)), IERC20(address(tokenA)), owner, guardian);
        vm.expectRevert(Owned.ZeroAddress.selector);
        new CollateralVault(IMailbox(address(mbA)), IERC20(address(0)), owner, guardian);
        vm.expectRevert(Owned.ZeroAddress.selector);
        new CollateralVault(IMailbox(address(mbA)), IERC20(address(tokenA)), address(0), guardian);
    }

    function test_enrollRemoteVault_setsAndEmits() public {
        vm.expectEmit(address(vaultA));
        emit CollateralVault.RemoteVaultEnrolled(7, bytes32(uint256(0xbeef)));
        vm.prank(owner);
        vaultA.enrollRemoteVault(7, bytes32(uint256(0xbeef)));
        assertEq(vaultA.remoteVault(7), bytes32(uint256(0xbeef)));
        vm.prank(owner);
        vaultA.enrollRemoteVault(7, bytes32(0)); // un-enroll
        assertEq(vaultA.remoteVault(7), bytes32(0));
    }

    function test_enrollRemoteVault_onlyOwner() public {
        vm.expectRevert(abi.encodeWithSelector(Owned.NotOwner.selector, guardian));
        vm.prank(guardian);
        vaultA.enrollRemoteVault(7, bytes32(uint256(1)));
    }

    function test_enrollRemoteVault_refusesLocalDomain() public {
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.InvalidDomain.selector, DOMAIN_A));
        vm.prank(owner);
        vaultA.enrollRemoteVault(DOMAIN_A, bytes32(uint256(1)));
    }

    function test_pause_byGuardianOrOwner_unpauseByOwnerOnly() public {
        vm.expectEmit(address(vaultA));
        emit CollateralVault.Paused(guardian);
        vm.prank(guardian);
        vaultA.pause();
        assertTrue(vaultA.paused());

        vm.expectRevert(abi.encodeWithSelector(Owned.NotOwner.selector, guardian));
        vm.prank(guardian);
        vaultA.unpause();

        vm.expectEmit(address(vaultA));
        emit CollateralVault.Unpaused(owner);
        vm.prank(owner);
        vaultA.unpause();
        assertFalse(vaultA.paused());

        vm.prank(owner);
        vaultA.pause();
        assertTrue(vaultA.paused());
    }

    function test_pause_refusesStrangers() public {
        vm.expectRevert(abi.encodeWithSelector(Owned.NotGuardian.selector, alice));
        vm.prank(alice);
        vaultA.pause();
    }

    // ------------------------------------------------------------------ deposit and withdraw

    function test_deposit_creditsMarginAndPullsTokens() public {
        tokenA.mint(alice, 100);
        vm.startPrank(alice);
        tokenA.approve(address(vaultA), 100);
        vm.expectEmit(address(vaultA));
        emit CollateralVault.MarginDeposited(alice, 60);
        vaultA.deposit(60);
        vm.stopPrank();
        assertEq(vaultA.marginOf(alice), 60);
        assertEq(vaultA.totalMargin(), 60);
        assertEq(tokenA.balanceOf(address(vaultA)), 60);
        assertEq(tokenA.balanceOf(alice), 40);
    }

    function test_deposit_withoutAllowance_reverts() public {
        tokenA.mint(alice, 100);
        vm.expectRevert(
            abi.encodeWithSelector(TestERC20.InsufficientAllowance.selector, address(vaultA), 0, 100)
        );
        vm.prank(alice);
        vaultA.deposit(100);
    }

    function test_deposit_zero_reverts() public {
        vm.expectRevert(CollateralVault.ZeroAmount.selector);
        vm.prank(alice);
        vaultA.deposit(0);
    }

    function test_withdraw_returnsTokens() public {
        depositTo(vaultA, alice, 100);
        vm.expectEmit(address(vaultA));
        emit CollateralVault.MarginWithdrawn(alice, 30);
        vm.prank(alice);
        vaultA.withdraw(30);
        assertEq(vaultA.marginOf(alice), 70);
        assertEq(vaultA.totalMargin(), 70);
        assertEq(tokenA.balanceOf(alice), 30);
        assertEq(tokenA.balanceOf(address(vaultA)), 70);
    }

    function test_withdraw_insufficientMargin_reverts() public {
        depositTo(vaultA, alice, 100);
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.InsufficientMargin.selector, 100, 101));
        vm.prank(alice);
        vaultA.withdraw(101);
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.InsufficientMargin.selector, 0, 1));
        vm.prank(bob); // someone else's margin is not yours
        vaultA.withdraw(1);
    }

    function test_withdraw_zero_reverts() public {
        vm.expectRevert(CollateralVault.ZeroAmount.selector);
        vm.prank(alice);
        vaultA.withdraw(0);
    }

    function test_withdraw_allowedWhilePaused() public {
        depositTo(vaultA, alice, 100);
        vm.prank(guardian);
        vaultA.pause();
        vm.prank(alice);
        vaultA.withdraw(100);
        assertEq(tokenA.balanceOf(alice), 100);
    }

    function testFuzz_depositWithdraw(uint256 amount, uint256 out) public {
        amount = bound(amount, 1, type(uint128).max);
        out = bound(out, 1, amount);
        depositTo(vaultA, alice, amount);
        vm.prank(alice);
        vaultA.withdraw(out);
        assertEq(vaultA.marginOf(alice), amount - out);
        assertEq(tokenA.balanceOf(alice), out);
        assertEq(tokenA.balanceOf(address(vaultA)), vaultA.totalMargin());
    }

    // ------------------------------------------------------------------ moveMargin

    function test_moveMargin_debitsAndDispatchesExactBytes() public {
        depositTo(vaultA, alice, 100);
        uint32 nonce = mbA.nonce();
        bytes memory body = abi.encodePacked(b32(bob), uint256(40), uint8(1), uint256(nonce), b32(alice));
        assertEq(body.length, 129);
        bytes memory expected =
            buildMessage(nonce, DOMAIN_A, b32(address(vaultA)), DOMAIN_B, b32(address(vaultB)), body);
        bytes32 expectedId = keccak256(expected);

        vm.expectEmit(address(vaultA));
        emit CollateralVault.MarginMoved(expectedId, DOMAIN_B, b32(bob), 40, alice);
        (bytes32 id, bytes memory message) = moveAtoB(alice, 40, bob);

        assertEq(id, expectedId);
        assertEq(message, expected);
        assertTrue(mbA.dispatched(id));
        assertEq(mbA.nonce(), nonce + 1);
        assertEq(vaultA.marginOf(alice), 60);
        assertEq(vaultA.totalMargin(), 60);
        assertEq(tokenA.balanceOf(address(vaultA)), 100, "collateral stays locked in the origin vault");
    }

    function test_moveMargin_forwardsValueToMailbox() public {
        depositTo(vaultA, alice, 100);
        vm.deal(alice, 1 ether);
        vm.prank(alice);
        vaultA.moveMargin{value: 0.1 ether}(DOMAIN_B, 10, b32(bob));
        assertEq(address(mbA).balance, 0.1 ether);
        assertEq(address(vaultA).balance, 0);
    }

    function test_moveMargin_insufficientMargin_reverts() public {
        depositTo(vaultA, alice, 100);
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.InsufficientMargin.selector, 100, 101));
        vm.prank(alice);
        vaultA.moveMargin(DOMAIN_B, 101, b32(bob));
        assertEq(mbA.outboxLength(), 0);
    }

    function test_moveMargin_unknownDestination_reverts() public {
        depositTo(vaultA, alice, 100);
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.UnknownDestination.selector, uint32(42)));
        vm.prank(alice);
        vaultA.moveMargin(42, 10, b32(bob));
    }

    function test_moveMargin_paused_reverts() public {
        depositTo(vaultA, alice, 100);
        vm.prank(guardian);
        vaultA.pause();
        vm.expectRevert(CollateralVault.VaultPaused.selector);
        vm.prank(alice);
        vaultA.moveMargin(DOMAIN_B, 10, b32(bob));
        vm.prank(owner);
        vaultA.unpause();
        moveAtoB(alice, 10, bob);
        assertEq(vaultA.marginOf(alice), 90);
    }

    function test_moveMargin_zeroAmount_reverts() public {
        depositTo(vaultA, alice, 100);
        vm.expectRevert(CollateralVault.ZeroAmount.selector);
        vm.prank(alice);
        vaultA.moveMargin(DOMAIN_B, 0, b32(bob));
    }

    function test_moveMargin_invalidRecipient_reverts() public {
        depositTo(vaultA, alice, 100);
        bytes32 notAnAddress = bytes32(uint256(1) << 160);
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.InvalidRecipient.selector, notAnAddress));
        vm.prank(alice);
        vaultA.moveMargin(DOMAIN_B, 10, notAnAddress);
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.InvalidRecipient.selector, bytes32(0)));
        vm.prank(alice);
        vaultA.moveMargin(DOMAIN_B, 10, bytes32(0));
    }

    function test_moveMargin_mailboxIdDisagreeing_reverts() public {
        depositTo(vaultA, alice, 100);
        // A Mailbox that numbers messages differently from what it reports as nonce().
        vm.mockCall(address(mbA), abi.encodeWithSelector(IMailbox.nonce.selector), abi.encode(uint32(77)));
        bytes memory body = creditBody(bob, 10, 77, alice);
        bytes32 claimed =
            keccak256(buildMessage(77, DOMAIN_A, b32(address(vaultA)), DOMAIN_B, b32(address(vaultB)), body));
        bytes32 actual =
            keccak256(buildMessage(0, DOMAIN_A, b32(address(vaultA)), DOMAIN_B, b32(address(vaultB)), body));
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.DispatchIdMismatch.selector, claimed, actual));
        vm.prank(alice);
        vaultA.moveMargin(DOMAIN_B, 10, b32(bob));
    }

    // ------------------------------------------------------------------ arrival (handle)

    function test_arrival_creditsRecipient() public {
        depositTo(vaultA, alice, 100);
        (bytes32 id, bytes memory message) = moveAtoB(alice, 40, bob);

        vm.expectEmit(address(vaultB));
        emit CollateralVault.MarginCredited(id, bob, 40);
        mbB.deliver(message);

        assertTrue(mbB.delivered(id));
        assertEq(vaultB.marginOf(bob), 40);
        assertEq(vaultB.totalMargin(), 40);
        CollateralVault.Transfer memory t = vaultB.transferOf(id);
        assertEq(uint8(t.status), uint8(CollateralVault.TransferStatus.Credited));
        assertEq(t.lp, address(0));
        assertEq(t.origin, DOMAIN_A);
    }

    function test_arrival_whilePaused_stillCredits() public {
        depositTo(vaultA, alice, 100);
        (, bytes memory message) = moveAtoB(alice, 40, bob);
        vm.prank(guardian);
        vaultB.pause();
        mbB.deliver(message);
        assertEq(vaultB.marginOf(bob), 40);
    }

    function test_arrival_roundTrip() public {
        depositTo(vaultA, alice, 100);
        (, bytes memory m1) = moveAtoB(alice, 40, bob);
        mbB.deliver(m1);
        vm.prank(bob);
        bytes32 id2 = vaultB.moveMargin(DOMAIN_A, 40, b32(alice));
        bytes memory m2 = mbB.outbox(0);
        assertEq(keccak256(m2), id2);
        mbA.deliver(m2);
        assertEq(vaultA.marginOf(alice), 100);
        assertEq(vaultB.marginOf(bob), 0);
        vm.prank(alice);
        vaultA.withdraw(100);
        assertEq(tokenA.balanceOf(alice), 100);
        assertEq(tokenA.balanceOf(address(vaultA)), 0);
    }

    function test_arrival_pooledCollateral_withdrawBeyondVaultBalanceFails() public {
        // Margin follows the account; tokens stay where they were deposited. B holds only what was
        // deposited or added there, so a credit that arrived from A is backed by A's tokens until the
        // route rebalances.
        depositTo(vaultA, alice, 100);
        depositTo(vaultB, lp2, 30);
        (, bytes memory m) = moveAtoB(alice, 40, bob);
        mbB.deliver(m);
        vm.prank(bob);
        vaultB.withdraw(30);
        vm.expectRevert(
            abi.encodeWithSelector(TestERC20.InsufficientBalance.selector, address(vaultB), 0, 10)
        );
        vm.prank(bob);
        vaultB.withdraw(10);
        assertEq(vaultB.marginOf(bob), 10);
    }

    function test_handle_onlyMailbox() public {
        bytes memory body = creditBody(bob, 40, 0, alice);
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.NotMailbox.selector, alice));
        vm.prank(alice);
        vaultB.handle(DOMAIN_A, b32(address(vaultA)), body);
        // Another Mailbox (of another domain) is not this vault's Mailbox either.
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.NotMailbox.selector, address(mbA)));
        vm.prank(address(mbA));
        vaultB.handle(DOMAIN_A, b32(address(vaultA)), body);
    }

    function test_handle_unknownOriginVault_reverts() public {
        bytes32 impostor = b32(makeAddr("impostor"));
        bytes memory m = buildMessage(
            0, DOMAIN_A, impostor, DOMAIN_B, b32(address(vaultB)), creditBody(bob, 40, 0, alice)
        );
        vm.expectRevert(
            abi.encodeWithSelector(CollateralVault.UnknownOriginVault.selector, DOMAIN_A, impostor)
        );
        mbB.deliver(m);

        // The right vault address but from a domain with no enrolled vault.
        m = buildMessage(
            0, 77, b32(address(vaultA)), DOMAIN_B, b32(address(vaultB)), creditBody(bob, 40, 0, alice)
        );
        vm.expectRevert(
            abi.encodeWithSelector(
                CollateralVault.UnknownOriginVault.selector, uint32(77), b32(address(vaultA))
            )
        );
        mbB.deliver(m);
        assertEq(vaultB.marginOf(bob), 0);
    }

    function test_handle_afterUnenroll_waitsUntilReenrolled() public {
        depositTo(vaultA, alice, 100);
        (, bytes memory message) = moveAtoB(alice, 40, bob);
        vm.prank(owner);
        vaultB.enrollRemoteVault(DOMAIN_A, bytes32(0));
        vm.expectRevert(
            abi.encodeWithSelector(
                CollateralVault.UnknownOriginVault.selector, DOMAIN_A, b32(address(vaultA))
            )
        );
        mbB.deliver(message);
        vm.prank(owner);
        vaultB.enrollRemoteVault(DOMAIN_A, b32(address(vaultA)));
        mbB.deliver(message);
        assertEq(vaultB.marginOf(bob), 40);
    }

    function test_handle_refusesValue() public {
        vm.deal(address(mbB), 1 ether);
        vm.expectRevert(CollateralVault.UnexpectedValue.selector);
        vm.prank(address(mbB));
        vaultB.handle{value: 1}(DOMAIN_A, b32(address(vaultA)), creditBody(bob, 40, 0, alice));
    }

    function test_handle_malformedBodies_revert() public {
        bytes32 from = b32(address(vaultA));
        vm.startPrank(address(mbB));
        vm.expectRevert(CollateralVault.MalformedBody.selector);
        vaultB.handle(DOMAIN_A, from, abi.encodePacked(b32(bob), uint256(40))); // no metadata
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.UnsupportedAction.selector, uint8(2)));
        vaultB.handle(
            DOMAIN_A, from, abi.encodePacked(b32(bob), uint256(40), uint8(2), uint256(0), b32(alice))
        );
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.UnsupportedAction.selector, uint8(0)));
        vaultB.handle(DOMAIN_A, from, abi.encodePacked(b32(bob), uint256(40), uint8(0)));
        vm.expectRevert(CollateralVault.MalformedBody.selector); // truncated
        vaultB.handle(DOMAIN_A, from, abi.encodePacked(b32(bob), uint256(40), uint8(1), uint256(0)));
        vm.expectRevert(CollateralVault.MalformedBody.selector); // trailing byte
        vaultB.handle(DOMAIN_A, from, abi.encodePacked(creditBody(bob, 40, 0, alice), uint8(0)));
        vm.expectRevert(CollateralVault.MalformedBody.selector); // recipient not an address
        vaultB.handle(
            DOMAIN_A,
            from,
            abi.encodePacked(bytes32(type(uint256).max), uint256(40), uint8(1), uint256(0), b32(alice))
        );
        vm.expectRevert(CollateralVault.MalformedBody.selector); // nonce wider than u32
        vaultB.handle(
            DOMAIN_A, from, abi.encodePacked(b32(bob), uint256(40), uint8(1), uint256(1) << 32, b32(alice))
        );
        vm.stopPrank();
    }

    function test_handle_sameMessageTwice_neverCreditsTwice() public {
        // The Mailbox refuses replays; the vault refuses them too.
        depositTo(vaultA, alice, 100);
        (bytes32 id, bytes memory message) = moveAtoB(alice, 40, bob);
        mbB.deliver(message);
        vm.expectRevert(abi.encodeWithSelector(MockMailbox.AlreadyDelivered.selector, id));
        mbB.deliver(message);
        bytes memory body = creditBody(bob, 40, 0, alice);
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.AlreadyArrived.selector, id));
        vm.prank(address(mbB));
        vaultB.handle(DOMAIN_A, b32(address(vaultA)), body);
        assertEq(vaultB.marginOf(bob), 40);
    }

    function testFuzz_moveAndArrive(uint256 deposited, uint256 moved, address to) public {
        vm.assume(to != address(0));
        deposited = bound(deposited, 1, type(uint128).max);
        moved = bound(moved, 1, deposited);
        depositTo(vaultA, alice, deposited);
        (bytes32 id, bytes memory message) = moveAtoB(alice, moved, to);
        assertEq(keccak256(message), id);
        mbB.deliver(message);
        assertEq(vaultA.marginOf(alice), deposited - moved);
        assertEq(vaultB.marginOf(to), moved);
        assertEq(vaultA.totalMargin() + vaultB.totalMargin(), deposited);
    }

    // ------------------------------------------------------------------ liquidity

    function test_addAndRemoveLiquidity() public {
        tokenB.mint(lp, 100);
        vm.startPrank(lp);
        tokenB.approve(address(vaultB), 100);
        vm.expectEmit(address(vaultB));
        emit CollateralVault.LiquidityAdded(lp, 100);
        vaultB.addLiquidity(100);
        assertEq(vaultB.liquidityOf(lp), 100);
        assertEq(vaultB.totalLiquidity(), 100);
        vm.expectEmit(address(vaultB));
        emit CollateralVault.LiquidityRemoved(lp, 30);
        vaultB.removeLiquidity(30);
        vm.stopPrank();
        assertEq(vaultB.liquidityOf(lp), 70);
        assertEq(vaultB.totalLiquidity(), 70);
        assertEq(tokenB.balanceOf(lp), 30);
        assertEq(tokenB.balanceOf(address(vaultB)), 70);
        assertEq(vaultB.marginOf(lp), 0, "liquidity is not margin");
    }

    function test_liquidity_zeroAndExcess_revert() public {
        addLiquidityTo(vaultB, lp, 100);
        vm.startPrank(lp);
        vm.expectRevert(CollateralVault.ZeroAmount.selector);
        vaultB.addLiquidity(0);
        vm.expectRevert(CollateralVault.ZeroAmount.selector);
        vaultB.removeLiquidity(0);
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.InsufficientLiquidity.selector, 100, 101));
        vaultB.removeLiquidity(101);
        vm.stopPrank();
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.InsufficientLiquidity.selector, 0, 1));
        vm.prank(lp2);
        vaultB.removeLiquidity(1);
    }

    // ------------------------------------------------------------------ fast fill

    function test_fastFill_creditsAtOnce_repaysLpExactlyOnceOnArrival() public {
        addLiquidityTo(vaultB, lp, 100);
        depositTo(vaultA, alice, 100);
        (bytes32 id, bytes memory message) = moveAtoB(alice, 40, bob);

        vm.expectEmit(address(vaultB));
        emit CollateralVault.FastFilled(id, lp, bob, 40);
        vm.expectEmit(address(vaultB));
        emit CollateralVault.MarginCredited(id, bob, 40);
        vm.prank(lp);
        assertEq(vaultB.fastFill(message), id);

        assertEq(vaultB.marginOf(bob), 40, "recipient credited before arrival");
        assertEq(vaultB.liquidityOf(lp), 60);
        assertEq(vaultB.lentOf(lp), 40);
        assertEq(vaultB.totalLiquidity(), 60);
        assertEq(vaultB.totalLent(), 40);
        assertEq(tokenB.balanceOf(address(vaultB)), 100, "a fill moves no tokens");
        CollateralVault.Transfer memory t = vaultB.transferOf(id);
        assertEq(uint8(t.status), uint8(CollateralVault.TransferStatus.FastFilled));
        assertEq(t.lp, lp);
        assertEq(t.origin, DOMAIN_A);
        assertEq(t.recipient, bob);
        assertEq(t.amount, 40);

        // The recipient may use the margin at once.
        vm.prank(bob);
        vaultB.withdraw(40);
        assertEq(tokenB.balanceOf(bob), 40);

        vm.recordLogs();
        mbB.deliver(message);
        assertEq(vm.getRecordedLogs().length, 3, "FastFillRepaid, Process, ProcessId: no MarginCredited");
        assertEq(vaultB.marginOf(bob), 0, "recipient not credited twice");
        assertEq(vaultB.liquidityOf(lp), 100, "LP repaid");
        assertEq(vaultB.lentOf(lp), 0);
        assertEq(vaultB.totalLent(), 0);
        assertEq(uint8(vaultB.transferOf(id).status), uint8(CollateralVault.TransferStatus.Repaid));

        // Neither a second delivery nor a direct second handle pays again.
        vm.expectRevert(abi.encodeWithSelector(MockMailbox.AlreadyDelivered.selector, id));
        mbB.deliver(message);
        bytes memory body = creditBody(bob, 40, 0, alice);
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.AlreadyArrived.selector, id));
        vm.prank(address(mbB));
        vaultB.handle(DOMAIN_A, b32(address(vaultA)), body);
        assertEq(vaultB.liquidityOf(lp), 100);
        assertEq(vaultB.marginOf(bob), 0);
    }

    function test_fastFill_repayEmitsRepaid() public {
        addLiquidityTo(vaultB, lp, 100);
        depositTo(vaultA, alice, 100);
        (bytes32 id, bytes memory message) = moveAtoB(alice, 40, bob);
        vm.prank(lp);
        vaultB.fastFill(message);
        vm.expectEmit(address(vaultB));
        emit CollateralVault.FastFillRepaid(id, lp, 40);
        mbB.deliver(message);
    }

    function test_fastFill_whileDestinationPausedArrivalStillRepays() public {
        addLiquidityTo(vaultB, lp, 100);
        depositTo(vaultA, alice, 100);
        (, bytes memory message) = moveAtoB(alice, 40, bob);
        vm.prank(lp);
        vaultB.fastFill(message);
        vm.prank(guardian);
        vaultB.pause();
        mbB.deliver(message);
        assertEq(vaultB.liquidityOf(lp), 100);
    }

    function test_fastFill_paused_reverts() public {
        addLiquidityTo(vaultB, lp, 100);
        depositTo(vaultA, alice, 100);
        (, bytes memory message) = moveAtoB(alice, 40, bob);
        vm.prank(guardian);
        vaultB.pause();
        vm.expectRevert(CollateralVault.VaultPaused.selector);
        vm.prank(lp);
        vaultB.fastFill(message);
    }

    function test_fastFill_alreadyFilled_reverts() public {
        addLiquidityTo(vaultB, lp, 100);
        addLiquidityTo(vaultB, lp2, 100);
        depositTo(vaultA, alice, 100);
        (bytes32 id, bytes memory message) = moveAtoB(alice, 40, bob);
        vm.prank(lp);
        vaultB.fastFill(message);
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.AlreadyFilled.selector, id));
        vm.prank(lp2);
        vaultB.fastFill(message);
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.AlreadyFilled.selector, id));
        vm.prank(lp);
        vaultB.fastFill(message);
        // After repayment, still refused.
        mbB.deliver(message);
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.AlreadyFilled.selector, id));
        vm.prank(lp2);
        vaultB.fastFill(message);
        assertEq(vaultB.marginOf(bob), 40);
        assertEq(vaultB.liquidityOf(lp2), 100);
    }

    function test_fastFill_afterArrival_reverts() public {
        addLiquidityTo(vaultB, lp, 100);
        depositTo(vaultA, alice, 100);
        (bytes32 id, bytes memory message) = moveAtoB(alice, 40, bob);
        mbB.deliver(message);
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.AlreadyArrived.selector, id));
        vm.prank(lp);
        vaultB.fastFill(message);
        assertEq(vaultB.marginOf(bob), 40);
        assertEq(vaultB.liquidityOf(lp), 100);
    }

    function test_fastFill_notDestinedHere_reverts() public {
        addLiquidityTo(vaultA, lp, 100);
        depositTo(vaultA, alice, 100);
        (, bytes memory message) = moveAtoB(alice, 40, bob);
        // Filling B's message at A: wrong destination.
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.WrongDestination.selector, DOMAIN_B));
        vm.prank(lp);
        vaultA.fastFill(message);

        // Right domain, another recipient contract on it.
        bytes32 other = b32(makeAddr("otherApp"));
        bytes memory m =
            buildMessage(0, DOMAIN_A, b32(address(vaultA)), DOMAIN_B, other, creditBody(bob, 40, 0, alice));
        addLiquidityTo(vaultB, lp, 100);
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.WrongRecipient.selector, other));
        vm.prank(lp);
        vaultB.fastFill(m);
    }

    function test_fastFill_unknownOriginVault_reverts() public {
        addLiquidityTo(vaultB, lp, 100);
        bytes32 impostor = b32(makeAddr("impostor"));
        bytes memory m = buildMessage(
            0, DOMAIN_A, impostor, DOMAIN_B, b32(address(vaultB)), creditBody(bob, 40, 0, alice)
        );
        vm.expectRevert(
            abi.encodeWithSelector(CollateralVault.UnknownOriginVault.selector, DOMAIN_A, impostor)
        );
        vm.prank(lp);
        vaultB.fastFill(m);
        m = buildMessage(
            0, 77, b32(address(vaultA)), DOMAIN_B, b32(address(vaultB)), creditBody(bob, 40, 0, alice)
        );
        vm.expectRevert(
            abi.encodeWithSelector(
                CollateralVault.UnknownOriginVault.selector, uint32(77), b32(address(vaultA))
            )
        );
        vm.prank(lp);
        vaultB.fastFill(m);
    }

    function test_fastFill_malformed_reverts() public {
        addLiquidityTo(vaultB, lp, 100);
        bytes32 from = b32(address(vaultA));
        bytes32 to = b32(address(vaultB));
        vm.startPrank(lp);
        vm.expectRevert(CollateralVault.MalformedMessage.selector);
        vaultB.fastFill(hex"03");
        bytes memory m = buildMessage(0, DOMAIN_A, from, DOMAIN_B, to, creditBody(bob, 40, 0, alice));
        m[0] = 0x02;
        vm.expectRevert(CollateralVault.MalformedMessage.selector);
        vaultB.fastFill(m);
        // The body's nonce must be the header's.
        m = buildMessage(5, DOMAIN_A, from, DOMAIN_B, to, creditBody(bob, 40, 6, alice));
        vm.expectRevert(CollateralVault.MalformedBody.selector);
        vaultB.fastFill(m);
        m = buildMessage(0, DOMAIN_A, from, DOMAIN_B, to, abi.encodePacked(b32(bob), uint256(40), uint8(3)));
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.UnsupportedAction.selector, uint8(3)));
        vaultB.fastFill(m);
        m = buildMessage(0, DOMAIN_A, from, DOMAIN_B, to, creditBody(bob, 0, 0, alice));
        vm.expectRevert(CollateralVault.ZeroAmount.selector);
        vaultB.fastFill(m);
        vm.stopPrank();
    }

    function test_fastFill_insufficientLiquidity_reverts() public {
        addLiquidityTo(vaultB, lp, 39);
        depositTo(vaultA, alice, 100);
        (, bytes memory message) = moveAtoB(alice, 40, bob);
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.InsufficientLiquidity.selector, 39, 40));
        vm.prank(lp);
        vaultB.fastFill(message);
        // Someone else's margin is not liquidity.
        depositTo(vaultB, lp2, 100);
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.InsufficientLiquidity.selector, 0, 40));
        vm.prank(lp2);
        vaultB.fastFill(message);
    }

    function test_removeLiquidity_cannotRemoveLent() public {
        addLiquidityTo(vaultB, lp, 100);
        depositTo(vaultA, alice, 100);
        (, bytes memory message) = moveAtoB(alice, 60, bob);
        vm.prank(lp);
        vaultB.fastFill(message);

        vm.expectRevert(abi.encodeWithSelector(CollateralVault.InsufficientLiquidity.selector, 40, 41));
        vm.prank(lp);
        vaultB.removeLiquidity(41);
        vm.prank(lp);
        vaultB.removeLiquidity(40);
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.InsufficientLiquidity.selector, 0, 1));
        vm.prank(lp);
        vaultB.removeLiquidity(1);

        mbB.deliver(message); // repaid: the lent 60 is free again
        assertEq(vaultB.liquidityOf(lp), 60);
        // B's tokens: 100 added - 40 removed = 60, all of it backing bob's margin and lp's liquidity
        // (A holds alice's 60 that was moved: the route rebalances between vaults).
        vm.prank(bob);
        vaultB.withdraw(60);
        vm.expectRevert(); // B is out of tokens: the token's transfer fails
        vm.prank(lp);
        vaultB.removeLiquidity(60);
    }

    function testFuzz_fastFill(uint256 liquidity, uint256 amount) public {
        liquidity = bound(liquidity, 1, type(uint128).max);
        amount = bound(amount, 1, liquidity);
        addLiquidityTo(vaultB, lp, liquidity);
        depositTo(vaultA, alice, amount);
        (bytes32 id, bytes memory message) = moveAtoB(alice, amount, bob);
        vm.prank(lp);
        assertEq(vaultB.fastFill(message), id);
        assertEq(vaultB.marginOf(bob), amount);
        assertEq(vaultB.liquidityOf(lp), liquidity - amount);
        mbB.deliver(message);
        assertEq(vaultB.marginOf(bob), amount);
        assertEq(vaultB.liquidityOf(lp), liquidity);
        assertEq(vaultB.lentOf(lp), 0);
    }
}
