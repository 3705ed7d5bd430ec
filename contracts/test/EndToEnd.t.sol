// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Vm} from "forge-std/Vm.sol";
import {Committee} from "./helpers/Committee.sol";
import {Mailbox} from "../src/Mailbox.sol";
import {IMailbox} from "../src/interfaces/IMailbox.sol";
import {MessageIdMultisigIsm} from "../src/isms/MessageIdMultisigIsm.sol";
import {RoutingIsm} from "../src/isms/RoutingIsm.sol";
import {CollateralVault, IERC20} from "../src/CollateralVault.sol";
import {TestERC20} from "../src/test/TestERC20.sol";
import {Owned} from "../src/access/Owned.sol";
import {CheckpointLib} from "../src/libs/CheckpointLib.sol";

/// @notice End to end, with the real contracts only: two domains (901 and 902) in one EVM, each with
/// a Mailbox whose default ISM is a RoutingIsm that routes the other origin to a 2-of-3
/// MessageIdMultisigIsm, a TestERC20 and a CollateralVault; the vaults are enrolled with each other.
/// A message crosses the way a relayer carries it: its bytes from the origin Mailbox's Dispatch
/// event, the origin Mailbox's latest checkpoint signed by two of the origin's three validators
/// (vm.sign), and Mailbox.process (or processBatch) on the destination.
contract EndToEndTest is Committee {
    uint32 internal constant D901 = 901;
    uint32 internal constant D902 = 902;

    /// One Mailbox, its security modules, token and vault.
    struct Domain {
        uint32 domain;
        Mailbox mailbox;
        MessageIdMultisigIsm multisig;
        RoutingIsm routing;
        TestERC20 token;
        CollateralVault vault;
    }

    /// What a relayer holds for one dispatched message.
    struct Relay {
        bytes32 id;
        bytes message;
        bytes32 root;
        uint32 index;
    }

    address internal owner = makeAddr("owner");
    address internal guardian = makeAddr("guardian");
    address internal relayer = makeAddr("relayer");
    address internal trader = makeAddr("trader");
    address internal trader2 = makeAddr("trader2");
    address internal lp = makeAddr("lp");

    Domain internal c901;
    Domain internal c902;

    /// Each origin's committee (fixed keys), in validator-set order.
    uint256[3] internal keys901 = [uint256(0xA901), uint256(0xB901), uint256(0xC901)];
    uint256[3] internal keys902 = [uint256(0xA902), uint256(0xB902), uint256(0xC902)];

    function setUp() public {
        vm.warp(1_700_000_000);
        c901 = deployDomain(D901);
        c902 = deployDomain(D902);
        configure(c901, D902, keys902); // 901 verifies messages from 902 with 902's committee
        configure(c902, D901, keys901);
        vm.startPrank(owner);
        c901.vault.enrollRemoteVault(D902, b32(address(c902.vault)));
        c902.vault.enrollRemoteVault(D901, b32(address(c901.vault)));
        vm.stopPrank();
    }

    // ------------------------------------------------------------------ fixture

    function deployDomain(uint32 domain) internal returns (Domain memory c) {
        c.domain = domain;
        c.mailbox = new Mailbox(domain, owner, guardian);
        c.multisig = new MessageIdMultisigIsm(owner, guardian);
        c.routing = new RoutingIsm(address(c.mailbox), owner, guardian);
        c.token = new TestERC20("Collateral", "COL", 6);
        c.vault = new CollateralVault(IMailbox(address(c.mailbox)), IERC20(address(c.token)), owner, guardian);
    }

    function configure(Domain memory c, uint32 remote, uint256[3] storage remoteKeys) internal {
        address[] memory validators = new address[](3);
        for (uint256 i = 0; i < 3; ++i) {
            validators[i] = vm.addr(remoteKeys[i]);
        }
        vm.startPrank(owner);
        c.multisig.setValidators(remote, validators, 2);
        c.routing.setModule(remote, address(c.multisig));
        c.mailbox.setDefaultIsm(address(c.routing));
        vm.stopPrank();
    }

    function b32(address a) internal pure returns (bytes32) {
        return bytes32(uint256(uint160(a)));
    }

    function deposit(Domain memory c, address account, uint256 amount) internal {
        c.token.mint(account, amount);
        vm.startPrank(account);
        c.token.approve(address(c.vault), amount);
        c.vault.deposit(amount);
        vm.stopPrank();
    }

    function addLiquidity(Domain memory c, address provider, uint256 amount) internal {
        c.token.mint(provider, amount);
        vm.startPrank(provider);
        c.token.approve(address(c.vault), amount);
        c.vault.addLiquidity(amount);
        vm.stopPrank();
    }

    /// `from` moves `amount` of its margin on `src` to `to` on `dst`; returns the message as a relayer
    /// sees it: its bytes from the Dispatch event and the origin Mailbox's checkpoint right after it.
    function moveMargin(Domain memory src, Domain memory dst, address from, uint256 amount, address to)
        internal
        returns (Relay memory r)
    {
        vm.recordLogs();
        vm.prank(from);
        bytes32 id = src.vault.moveMargin(dst.domain, amount, b32(to));
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 found = 0;
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].emitter != address(src.mailbox) || logs[i].topics[0] != IMailbox.Dispatch.selector) {
                continue;
            }
            // Dispatch(address indexed sender, uint32 indexed destination, bytes32 indexed recipient, bytes)
            assertEq(logs[i].topics[1], b32(address(src.vault)), "dispatch sender");
            assertEq(uint256(logs[i].topics[2]), dst.domain, "dispatch destination");
            assertEq(logs[i].topics[3], b32(address(dst.vault)), "dispatch recipient");
            r.message = abi.decode(logs[i].data, (bytes));
            ++found;
        }
        assertEq(found, 1, "one Dispatch event");
        r.id = keccak256(r.message);
        assertEq(r.id, id, "moveMargin returns the dispatched id");
        assertTrue(src.mailbox.dispatched(id), "dispatched");
        (r.root, r.index) = src.mailbox.latestCheckpoint();
        assertEq(r.root, src.mailbox.root());
    }

    /// Two of the origin's three validators (positions `a` < `b`) sign the checkpoint; metadata is
    /// hook | root | index | signatures in validator order, hook = the origin Mailbox.
    function metadata(Domain memory src, uint256[3] storage keys, Relay memory r, uint256 a, uint256 b)
        internal
        view
        returns (bytes memory)
    {
        return
            metadataFor(keys2(keys[a], keys[b]), src.domain, b32(address(src.mailbox)), r.root, r.index, r.id);
    }

    function goodMetadata(Relay memory r) internal view returns (bytes memory) {
        return metadata(c901, keys901, r, 0, 2);
    }

    function slice(bytes memory b, uint256 from, uint256 to) internal pure returns (bytes memory out) {
        out = new bytes(to - from);
        for (uint256 i = from; i < to; ++i) {
            out[i - from] = b[i];
        }
    }

    function process(Domain memory dst, bytes memory meta, bytes memory message) internal {
        vm.prank(relayer);
        dst.mailbox.process(meta, message);
    }

    // ------------------------------------------------------------------ 1. move and deliver

    function test_moveMargin_deliveredByProcess() public {
        deposit(c901, trader, 1_000);
        Relay memory r = moveMargin(c901, c902, trader, 400, trader);

        // Origin side: debited at once, message in flight.
        assertEq(c901.vault.marginOf(trader), 600);
        assertEq(c901.vault.totalMargin(), 600);
        assertEq(r.index, 0);
        assertEq(c901.mailbox.nonce(), 1);
        assertFalse(c902.mailbox.delivered(r.id));
        assertEq(c902.vault.marginOf(trader), 0);

        // The digest the validators sign is CheckpointLib's over (901, origin Mailbox, root, index, id).
        bytes memory meta = goodMetadata(r);
        assertEq(meta.length, 68 + 2 * 65);
        bytes32 digest = CheckpointLib.digest(D901, b32(address(c901.mailbox)), r.root, r.index, r.id);
        (uint8 v, bytes32 rr, bytes32 s) = vm.sign(keys901[0], digest);
        assertEq(ecrecover(digest, v, rr, s), vm.addr(keys901[0]));

        vm.expectEmit(address(c902.mailbox));
        emit IMailbox.Process(D901, b32(address(c901.vault)), address(c902.vault));
        vm.expectEmit(address(c902.mailbox));
        emit IMailbox.ProcessId(r.id);
        vm.expectEmit(address(c902.vault));
        emit CollateralVault.MarginCredited(r.id, trader, 400);
        process(c902, meta, r.message);

        assertTrue(c902.mailbox.delivered(r.id));
        assertEq(c902.vault.marginOf(trader), 400);
        assertEq(c902.vault.totalMargin(), 400);
        assertEq(uint8(c902.vault.transferOf(r.id).status), uint8(CollateralVault.TransferStatus.Credited));
        assertEq(c901.vault.marginOf(trader), 600);

        // A replay (same or other valid signatures) is refused and changes nothing.
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(Mailbox.AlreadyDelivered.selector, r.id));
        c902.mailbox.process(meta, r.message);
        bytes memory otherMeta = metadata(c901, keys901, r, 0, 1);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(Mailbox.AlreadyDelivered.selector, r.id));
        c902.mailbox.process(otherMeta, r.message);
        assertEq(c902.vault.marginOf(trader), 400);
    }

    /// The message cannot be delivered on the origin itself, nor with signatures of the wrong
    /// committee, nor over another hook; then the right metadata delivers it.
    function test_moveMargin_refusedMetadataThenDelivered() public {
        deposit(c901, trader, 100);
        Relay memory r = moveMargin(c901, c902, trader, 100, trader);

        // 902's committee is not 901's.
        bytes memory wrongCommittee = metadata(c901, keys902, r, 0, 1);
        vm.prank(relayer);
        vm.expectRevert(
            abi.encodeWithSelector(MessageIdMultisigIsm.SignerNotValidator.selector, 0, vm.addr(keys902[0]))
        );
        c902.mailbox.process(wrongCommittee, r.message);

        // Signatures over the real checkpoint, but metadata naming another hook: the digest the ISM
        // computes differs, so the signers it recovers are strangers.
        bytes memory good = goodMetadata(r);
        bytes memory wrongHook = bytes.concat(b32(address(c902.mailbox)), slice(good, 32, good.length));
        vm.prank(relayer);
        try c902.mailbox.process(wrongHook, r.message) {
            revert("wrong hook accepted");
        } catch (bytes memory reason) {
            assertEq(selectorOf(reason), MessageIdMultisigIsm.SignerNotValidator.selector);
        }

        // Validators out of order.
        bytes memory reversed = metadataFor(
            keys2(keys901[2], keys901[0]), D901, b32(address(c901.mailbox)), r.root, r.index, r.id
        );
        vm.prank(relayer);
        vm.expectRevert(
            abi.encodeWithSelector(MessageIdMultisigIsm.SignersOutOfOrder.selector, 1, vm.addr(keys901[0]))
        );
        c902.mailbox.process(reversed, r.message);

        // Addressed to 902: the origin Mailbox refuses it.
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(Mailbox.WrongDestination.selector, D902));
        c901.mailbox.process(goodMetadata(r), r.message);

        assertFalse(c902.mailbox.delivered(r.id));
        process(c902, metadata(c901, keys901, r, 1, 2), r.message);
        assertEq(c902.vault.marginOf(trader), 100);
    }

    // ------------------------------------------------------------------ 2. fast fill

    function test_fastFill_thenDelivery_repaysLpOnce() public {
        deposit(c901, trader, 1_000);
        addLiquidity(c902, lp, 5_000);
        Relay memory r = moveMargin(c901, c902, trader, 700, trader2);

        // The LP credits the recipient at once from its liquidity on 902.
        vm.prank(lp);
        assertEq(c902.vault.fastFill(r.message), r.id);
        assertEq(c902.vault.marginOf(trader2), 700);
        assertEq(c902.vault.liquidityOf(lp), 4_300);
        assertEq(c902.vault.lentOf(lp), 700);
        assertEq(c902.vault.totalLent(), 700);
        assertEq(uint8(c902.vault.transferOf(r.id).status), uint8(CollateralVault.TransferStatus.FastFilled));
        assertFalse(c902.mailbox.delivered(r.id));

        // The recipient may use the margin before the message lands.
        vm.prank(trader2);
        c902.vault.withdraw(200);
        assertEq(c902.token.balanceOf(trader2), 200);

        // A second fill of the same message is refused.
        addLiquidity(c902, makeAddr("lp2"), 1_000);
        vm.prank(makeAddr("lp2"));
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.AlreadyFilled.selector, r.id));
        c902.vault.fastFill(r.message);

        // Arrival repays the LP, not the recipient.
        vm.expectEmit(address(c902.vault));
        emit CollateralVault.FastFillRepaid(r.id, lp, 700);
        process(c902, goodMetadata(r), r.message);

        assertTrue(c902.mailbox.delivered(r.id));
        assertEq(c902.vault.liquidityOf(lp), 5_000);
        assertEq(c902.vault.lentOf(lp), 0);
        assertEq(c902.vault.totalLent(), 0);
        assertEq(c902.vault.totalLiquidity(), 6_000);
        assertEq(c902.vault.marginOf(trader2), 500); // 700 credited once, 200 withdrawn
        assertEq(c902.vault.totalMargin(), 500);
        assertEq(uint8(c902.vault.transferOf(r.id).status), uint8(CollateralVault.TransferStatus.Repaid));
        assertEq(c901.vault.marginOf(trader), 300);

        // Neither a replay nor a late fill pays again.
        bytes memory meta = goodMetadata(r);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(Mailbox.AlreadyDelivered.selector, r.id));
        c902.mailbox.process(meta, r.message);
        vm.prank(lp);
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.AlreadyFilled.selector, r.id));
        c902.vault.fastFill(r.message);
        assertEq(c902.vault.liquidityOf(lp), 5_000);
        assertEq(c902.vault.marginOf(trader2), 500);

        // The LP takes its liquidity back out.
        vm.prank(lp);
        c902.vault.removeLiquidity(5_000);
        assertEq(c902.token.balanceOf(lp), 5_000);
    }

    /// A fill after arrival is refused (the recipient was credited by the arrival).
    function test_fastFill_afterDelivery_refused() public {
        deposit(c901, trader, 100);
        addLiquidity(c902, lp, 100);
        Relay memory r = moveMargin(c901, c902, trader, 100, trader);
        process(c902, goodMetadata(r), r.message);
        vm.prank(lp);
        vm.expectRevert(abi.encodeWithSelector(CollateralVault.AlreadyArrived.selector, r.id));
        c902.vault.fastFill(r.message);
        assertEq(c902.vault.marginOf(trader), 100);
        assertEq(c902.vault.liquidityOf(lp), 100);
    }

    // ------------------------------------------------------------------ 3. batch

    function test_processBatch_isolatesBadMetadata() public {
        deposit(c901, trader, 1_000);
        deposit(c901, trader2, 1_000);
        Relay memory r0 = moveMargin(c901, c902, trader, 100, trader);
        Relay memory r1 = moveMargin(c901, c902, trader2, 200, trader2);
        Relay memory r2 = moveMargin(c901, c902, trader, 300, trader2);
        assertEq(r0.index, 0);
        assertEq(r1.index, 1);
        assertEq(r2.index, 2);

        bytes[] memory metas = new bytes[](3);
        bytes[] memory messages = new bytes[](3);
        metas[0] = goodMetadata(r0);
        // One signature only, under a threshold of 2.
        metas[1] = metadataFor(keys1(keys901[0]), D901, b32(address(c901.mailbox)), r1.root, r1.index, r1.id);
        metas[2] = metadata(c901, keys901, r2, 1, 2);
        (messages[0], messages[1], messages[2]) = (r0.message, r1.message, r2.message);

        vm.expectEmit(address(c902.mailbox));
        emit IMailbox.ProcessFailed(
            r1.id, abi.encodeWithSelector(MessageIdMultisigIsm.ThresholdNotMet.selector, 1, 2)
        );
        vm.prank(relayer);
        IMailbox.Outcome[] memory outcomes = c902.mailbox.processBatch(metas, messages);

        assertEq(outcomes.length, 3);
        assertEq(uint8(outcomes[0]), uint8(IMailbox.Outcome.Delivered));
        assertEq(uint8(outcomes[1]), uint8(IMailbox.Outcome.Rejected));
        assertEq(uint8(outcomes[2]), uint8(IMailbox.Outcome.Delivered));
        assertTrue(c902.mailbox.delivered(r0.id));
        assertFalse(c902.mailbox.delivered(r1.id));
        assertTrue(c902.mailbox.delivered(r2.id));

        // Origin: both debited in full; destination: only the delivered ones credited.
        assertEq(c901.vault.marginOf(trader), 600);
        assertEq(c901.vault.marginOf(trader2), 800);
        assertEq(c902.vault.marginOf(trader), 100);
        assertEq(c902.vault.marginOf(trader2), 300);
        assertEq(c902.vault.totalMargin(), 400);

        // The rejected message is still deliverable with proper metadata; the batch replayed is
        // [AlreadyDelivered, Delivered, AlreadyDelivered].
        metas[1] = goodMetadata(r1);
        vm.prank(relayer);
        outcomes = c902.mailbox.processBatch(metas, messages);
        assertEq(uint8(outcomes[0]), uint8(IMailbox.Outcome.AlreadyDelivered));
        assertEq(uint8(outcomes[1]), uint8(IMailbox.Outcome.Delivered));
        assertEq(uint8(outcomes[2]), uint8(IMailbox.Outcome.AlreadyDelivered));
        assertEq(c902.vault.marginOf(trader), 100);
        assertEq(c902.vault.marginOf(trader2), 500);
        assertEq(c902.vault.totalMargin(), 600);
    }

    // ------------------------------------------------------------------ 4. pause

    function test_routePause_blocksUntilOwnerResumes() public {
        deposit(c901, trader, 100);
        Relay memory r = moveMargin(c901, c902, trader, 100, trader);
        bytes memory meta = goodMetadata(r);

        vm.prank(guardian);
        c902.routing.pauseOrigin(D901);
        assertTrue(c902.routing.isPaused(D901, b32(address(c901.vault))));

        vm.prank(relayer);
        vm.expectRevert(
            abi.encodeWithSelector(RoutingIsm.RoutePaused.selector, D901, b32(address(c901.vault)))
        );
        c902.mailbox.process(meta, r.message);
        assertFalse(c902.mailbox.delivered(r.id));
        assertEq(c902.vault.marginOf(trader), 0);

        // In a batch the paused message is Rejected, not delivered.
        bytes[] memory metas = new bytes[](1);
        bytes[] memory messages = new bytes[](1);
        (metas[0], messages[0]) = (meta, r.message);
        vm.prank(relayer);
        IMailbox.Outcome[] memory outcomes = c902.mailbox.processBatch(metas, messages);
        assertEq(uint8(outcomes[0]), uint8(IMailbox.Outcome.Rejected));
        assertFalse(c902.mailbox.delivered(r.id));

        // The guardian cannot resume; the owner can.
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotOwner.selector, guardian));
        c902.routing.resumeOrigin(D901);
        vm.prank(owner);
        c902.routing.resumeOrigin(D901);

        process(c902, meta, r.message);
        assertTrue(c902.mailbox.delivered(r.id));
        assertEq(c902.vault.marginOf(trader), 100);
    }

    /// Pausing 901 on 902 does not stop 902 -> 901.
    function test_routePause_otherDirectionUnaffected() public {
        vm.prank(guardian);
        c902.routing.pauseOrigin(D901);
        deposit(c902, trader, 50);
        Relay memory r = moveMargin(c902, c901, trader, 50, trader);
        process(c901, metadata(c902, keys902, r, 0, 1), r.message);
        assertEq(c901.vault.marginOf(trader), 50);
        assertEq(c902.vault.marginOf(trader), 0);
    }

    // ------------------------------------------------------------------ 5. rate limit

    function test_rateLimit_secondMessageWaitsForRefill() public {
        uint128 refill = 1e15; // one message per 1000 s
        vm.prank(owner);
        c902.routing.setRateLimit(D901, 1, refill);

        deposit(c901, trader, 1_000);
        Relay memory r0 = moveMargin(c901, c902, trader, 100, trader);
        Relay memory r1 = moveMargin(c901, c902, trader, 200, trader);
        bytes memory meta0 = goodMetadata(r0);
        bytes memory meta1 = goodMetadata(r1);

        process(c902, meta0, r0.message);
        (,, uint256 available) = c902.routing.rateLimit(D901);
        assertEq(available, 0);

        uint256 availableAt = block.timestamp + 1000;
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(RoutingIsm.RateLimited.selector, D901, availableAt));
        c902.mailbox.process(meta1, r1.message);

        vm.warp(availableAt - 1);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(RoutingIsm.RateLimited.selector, D901, availableAt));
        c902.mailbox.process(meta1, r1.message);
        assertFalse(c902.mailbox.delivered(r1.id));
        assertEq(c902.vault.marginOf(trader), 100);

        // A failed attempt took no token: at availableAt the bucket holds exactly one message.
        vm.warp(availableAt);
        process(c902, meta1, r1.message);
        assertTrue(c902.mailbox.delivered(r1.id));
        assertEq(c902.vault.marginOf(trader), 300);
        (,, available) = c902.routing.rateLimit(D901);
        assertEq(available, 0);
    }

    /// A stranger calling verify directly (a simulation) does not drain the bucket.
    function test_rateLimit_strangerVerifyDoesNotConsume() public {
        vm.prank(owner);
        c902.routing.setRateLimit(D901, 1, 1e15);
        deposit(c901, trader, 100);
        Relay memory r = moveMargin(c901, c902, trader, 100, trader);
        bytes memory meta = goodMetadata(r);
        vm.prank(makeAddr("stranger"));
        assertTrue(c902.routing.verify(meta, r.message));
        assertTrue(c902.routing.verify(meta, r.message));
        process(c902, meta, r.message);
        assertEq(c902.vault.marginOf(trader), 100);
    }

    // ------------------------------------------------------------------ round trip

    /// 901 -> 902 then back 902 -> 901; tokens stay where they were deposited, margins follow.
    function test_roundTrip() public {
        deposit(c901, trader, 1_000);
        Relay memory out = moveMargin(c901, c902, trader, 1_000, trader);
        process(c902, goodMetadata(out), out.message);
        Relay memory back = moveMargin(c902, c901, trader, 400, trader);
        assertEq(back.index, 0); // 902's first dispatch
        process(c901, metadata(c902, keys902, back, 1, 2), back.message);

        assertEq(c901.vault.marginOf(trader), 400);
        assertEq(c902.vault.marginOf(trader), 600);
        vm.prank(trader);
        c901.vault.withdraw(400);
        assertEq(c901.token.balanceOf(trader), 400);
    }

    /// Tokens are pooled per chain (as the vault's NatSpec says): margin credited on 902 is backed by
    /// tokens locked on 901, so withdrawing it on 902 needs tokens that LPs put there, and then an
    /// LP's own liquidity is no longer fully withdrawable there.
    function test_creditedMargin_withdrawableOnlyWhereTokensAre() public {
        deposit(c901, trader, 400);
        Relay memory r = moveMargin(c901, c902, trader, 400, trader);
        process(c902, goodMetadata(r), r.message);
        assertEq(c902.token.balanceOf(address(c902.vault)), 0);

        vm.prank(trader);
        vm.expectRevert(
            abi.encodeWithSelector(TestERC20.InsufficientBalance.selector, address(c902.vault), 0, 400)
        );
        c902.vault.withdraw(400);

        addLiquidity(c902, lp, 1_000);
        vm.prank(trader);
        c902.vault.withdraw(400);
        assertEq(c902.token.balanceOf(trader), 400);

        vm.prank(lp);
        vm.expectRevert(
            abi.encodeWithSelector(TestERC20.InsufficientBalance.selector, address(c902.vault), 600, 1_000)
        );
        c902.vault.removeLiquidity(1_000);
        assertEq(c901.token.balanceOf(address(c901.vault)), 400); // the 400 stay locked on 901
    }
}
