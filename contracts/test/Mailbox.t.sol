// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Committee} from "./helpers/Committee.sol";
import {StubIsm, TestRecipient, PlainRecipient, ReentrantRecipient} from "./helpers/Stubs.sol";
import {TreeHarness} from "./helpers/TreeHarness.sol";
import {Mailbox} from "../src/Mailbox.sol";
import {IMailbox} from "../src/interfaces/IMailbox.sol";
import {IInterchainSecurityModule} from "../src/interfaces/IInterchainSecurityModule.sol";
import {Owned} from "../src/access/Owned.sol";
import {Message} from "../src/libs/Message.sol";
import {TypeCasts} from "../src/libs/TypeCasts.sol";
import {MessageIdMultisigIsm} from "../src/isms/MessageIdMultisigIsm.sol";
import {RoutingIsm} from "../src/isms/RoutingIsm.sol";

contract MailboxTest is Committee {
    using TypeCasts for address;

    uint32 internal constant ORIGIN = 1000;
    uint32 internal constant LOCAL = 2000;
    bytes32 internal constant SENDER = bytes32(uint256(0xaa));
    bytes internal constant OK = hex"01";
    bytes internal constant NO = hex"00";
    bytes internal constant BOOM = hex"02";

    address internal owner = makeAddr("owner");
    address internal guardian = makeAddr("guardian");
    address internal stranger = makeAddr("stranger");
    Mailbox internal mailbox; // domain LOCAL: processes
    Mailbox internal originMailbox; // domain ORIGIN: dispatches
    StubIsm internal ism;
    TestRecipient internal recipient;

    event DefaultIsmSet(address indexed module);
    event FeesWithdrawn(address indexed to, uint256 amount);

    function setUp() public {
        mailbox = new Mailbox(LOCAL, owner, guardian);
        originMailbox = new Mailbox(ORIGIN, owner, guardian);
        ism = new StubIsm();
        vm.prank(owner);
        mailbox.setDefaultIsm(address(ism));
        recipient = new TestRecipient();
    }

    function inbound(uint32 nonce, address to, bytes memory body) internal pure returns (bytes memory) {
        return Message.format(3, nonce, ORIGIN, SENDER, LOCAL, to.addressToBytes32(), body);
    }

    function inbound(uint32 nonce) internal view returns (bytes memory) {
        return inbound(nonce, address(recipient), "hello");
    }

    // ----- construction and configuration -----

    function test_constructor() public view {
        assertEq(mailbox.localDomain(), LOCAL);
        assertEq(mailbox.owner(), owner);
        assertEq(mailbox.guardian(), guardian);
        assertEq(mailbox.VERSION(), 3);
        assertEq(mailbox.DISPATCHED_SLOT(), 3);
        assertEq(mailbox.DELIVERED_SLOT(), 4);
        assertEq(originMailbox.nonce(), 0);
        assertEq(originMailbox.count(), 0);
        assertEq(address(originMailbox.defaultIsm()), address(0));
    }

    function test_setDefaultIsm() public {
        StubIsm other = new StubIsm();
        vm.expectEmit(address(mailbox));
        emit DefaultIsmSet(address(other));
        vm.prank(owner);
        mailbox.setDefaultIsm(address(other));
        assertEq(address(mailbox.defaultIsm()), address(other));
    }

    function test_setDefaultIsmRefusals() public {
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotOwner.selector, guardian));
        mailbox.setDefaultIsm(address(ism));
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(Mailbox.IsmNotContract.selector, stranger));
        mailbox.setDefaultIsm(stranger);
    }

    // ----- dispatch -----

    function test_dispatch() public {
        bytes32 to = bytes32(uint256(0xbeef));
        bytes memory expected =
            Message.format(3, 0, ORIGIN, address(this).addressToBytes32(), LOCAL, to, "body");
        bytes32 expectedId = keccak256(expected);
        vm.expectEmit(address(originMailbox));
        emit IMailbox.Dispatch(address(this), LOCAL, to, expected);
        vm.expectEmit(address(originMailbox));
        emit IMailbox.DispatchId(expectedId);
        bytes32 id = originMailbox.dispatch(LOCAL, to, "body");

        assertEq(id, expectedId);
        assertTrue(originMailbox.dispatched(id));
        assertFalse(originMailbox.dispatched(keccak256("other")));
        assertEq(originMailbox.nonce(), 1);
        assertEq(originMailbox.count(), 1);
        TreeHarness t = new TreeHarness();
        t.insert(id);
        assertEq(originMailbox.root(), t.root());
        (bytes32 root, uint32 index) = originMailbox.latestCheckpoint();
        assertEq(root, t.root());
        assertEq(index, 0);
    }

    function test_dispatchNoncesAndTree() public {
        TreeHarness t = new TreeHarness();
        for (uint32 i = 0; i < 6; ++i) {
            bytes memory body = abi.encode(i);
            bytes32 id = originMailbox.dispatch(LOCAL, SENDER, body);
            assertEq(
                id,
                keccak256(Message.format(3, i, ORIGIN, address(this).addressToBytes32(), LOCAL, SENDER, body))
            );
            t.insert(id);
            (bytes32 root, uint32 index) = originMailbox.latestCheckpoint();
            assertEq(root, t.root());
            assertEq(index, i);
        }
        assertEq(originMailbox.nonce(), 6);
        assertEq(originMailbox.count(), 6);
    }

    function test_latestCheckpointRevertsWhenEmpty() public {
        vm.expectRevert(Mailbox.NothingDispatched.selector);
        originMailbox.latestCheckpoint();
        // The empty root is the tree's (Hyperlane's "no leaves" vector).
        assertEq(originMailbox.root(), 0x27ae5ba08d7291c96c8cbddcc148bf48a6d68c7974b94356f53754ef6171d757);
    }

    /// A light client proves dispatch with the storage slot keccak256(abi.encode(id, DISPATCHED_SLOT)).
    function testFuzz_dispatchedStorageSlot(uint32 destination, bytes32 to, bytes calldata body) public {
        bytes32 id = originMailbox.dispatch(destination, to, body);
        uint256 slot = originMailbox.DISPATCHED_SLOT();
        assertEq(vm.load(address(originMailbox), keccak256(abi.encode(id, slot))), bytes32(uint256(1)));
        assertEq(
            vm.load(address(originMailbox), keccak256(abi.encode(keccak256(abi.encode(id)), slot))),
            bytes32(0)
        );
    }

    function test_deliveredStorageSlot() public {
        bytes memory m = inbound(0);
        bytes32 id = keccak256(m);
        bytes32 slot = keccak256(abi.encode(id, mailbox.DELIVERED_SLOT()));
        assertEq(vm.load(address(mailbox), slot), bytes32(0));
        mailbox.process(OK, m);
        assertEq(vm.load(address(mailbox), slot), bytes32(uint256(1)));
    }

    function test_dispatchFeesAndWithdraw() public {
        vm.deal(address(this), 3 ether);
        originMailbox.dispatch{value: 1 ether}(LOCAL, SENDER, "a");
        originMailbox.dispatch{value: 2 ether}(LOCAL, SENDER, "b");
        assertEq(address(originMailbox).balance, 3 ether);

        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotOwner.selector, stranger));
        originMailbox.withdrawFees(payable(stranger));
        vm.prank(owner);
        vm.expectRevert(Owned.ZeroAddress.selector);
        originMailbox.withdrawFees(payable(address(0)));

        address payable treasury = payable(makeAddr("treasury"));
        vm.expectEmit(address(originMailbox));
        emit FeesWithdrawn(treasury, 3 ether);
        vm.prank(owner);
        originMailbox.withdrawFees(treasury);
        assertEq(treasury.balance, 3 ether);
        assertEq(address(originMailbox).balance, 0);
    }

    function test_withdrawFeesRefusedByRecipient() public {
        vm.deal(address(this), 1 ether);
        originMailbox.dispatch{value: 1 ether}(LOCAL, SENDER, "a");
        // The Mailbox has no receive function: sending to it fails.
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(Mailbox.WithdrawalFailed.selector, address(mailbox), 1 ether));
        originMailbox.withdrawFees(payable(address(mailbox)));
    }

    // ----- process -----

    function test_process() public {
        bytes memory m = inbound(0);
        bytes32 id = keccak256(m);
        vm.deal(address(this), 1 ether);
        vm.expectEmit(address(mailbox));
        emit IMailbox.Process(ORIGIN, SENDER, address(recipient));
        vm.expectEmit(address(mailbox));
        emit IMailbox.ProcessId(id);
        mailbox.process{value: 0.5 ether}(OK, m);

        assertTrue(mailbox.delivered(id));
        assertEq(recipient.handled(), 1);
        assertEq(recipient.lastOrigin(), ORIGIN);
        assertEq(recipient.lastSender(), SENDER);
        assertEq(recipient.lastBody(), "hello");
        assertEq(recipient.lastValue(), 0.5 ether);
        assertEq(address(recipient).balance, 0.5 ether);
        assertEq(ism.accepted(), 1);
    }

    function test_processReplayRefused() public {
        bytes memory m = inbound(0);
        mailbox.process(OK, m);
        vm.expectRevert(abi.encodeWithSelector(Mailbox.AlreadyDelivered.selector, keccak256(m)));
        mailbox.process(OK, m);
        assertEq(recipient.handled(), 1);
    }

    function test_processWrongVersion() public {
        bytes memory m =
            Message.format(2, 0, ORIGIN, SENDER, LOCAL, address(recipient).addressToBytes32(), "");
        vm.expectRevert(abi.encodeWithSelector(Mailbox.WrongVersion.selector, 2));
        mailbox.process(OK, m);
    }

    function test_processWrongDestination() public {
        bytes memory m =
            Message.format(3, 0, ORIGIN, SENDER, LOCAL + 1, address(recipient).addressToBytes32(), "");
        vm.expectRevert(abi.encodeWithSelector(Mailbox.WrongDestination.selector, LOCAL + 1));
        mailbox.process(OK, m);
    }

    function test_processTooShort() public {
        vm.expectRevert(abi.encodeWithSelector(Message.MessageTooShort.selector, 76));
        mailbox.process(OK, new bytes(76));
    }

    function test_processRecipientNotContract() public {
        vm.expectRevert(abi.encodeWithSelector(Mailbox.RecipientNotContract.selector, stranger));
        mailbox.process(OK, inbound(0, stranger, ""));
    }

    function test_processNoIsm() public {
        Mailbox bare = new Mailbox(LOCAL, owner, guardian);
        vm.expectRevert(abi.encodeWithSelector(Mailbox.IsmNotContract.selector, address(0)));
        bare.process(OK, inbound(0));
    }

    function test_processIsmRefuses() public {
        bytes memory m = inbound(0);
        bytes32 id = keccak256(m);
        vm.expectRevert(abi.encodeWithSelector(Mailbox.VerificationFailed.selector, id, address(ism)));
        mailbox.process(NO, m);
        vm.expectRevert(StubIsm.StubRejected.selector);
        mailbox.process(BOOM, m);
        assertFalse(mailbox.delivered(id));
        assertEq(recipient.handled(), 0);
        // Still deliverable with good metadata.
        mailbox.process(OK, m);
        assertTrue(mailbox.delivered(id));
    }

    function test_processHandleFailureRollsBack() public {
        recipient.setFail(true);
        bytes memory m = inbound(0);
        vm.expectRevert(TestRecipient.HandleFailed.selector);
        mailbox.process(OK, m);
        assertFalse(mailbox.delivered(keccak256(m)));
    }

    function test_recipientIsm() public {
        StubIsm own = new StubIsm();
        assertEq(address(mailbox.recipientIsm(address(recipient))), address(ism)); // names zero
        recipient.setIsm(own);
        assertEq(address(mailbox.recipientIsm(address(recipient))), address(own));
        mailbox.process(OK, inbound(0));
        assertEq(own.accepted(), 1);
        assertEq(ism.accepted(), 0);

        PlainRecipient plain = new PlainRecipient();
        assertEq(address(mailbox.recipientIsm(address(plain))), address(ism));
        mailbox.process(OK, inbound(1, address(plain), ""));
        assertEq(plain.handled(), 1);
        assertEq(ism.accepted(), 1);
    }

    // ----- reentrancy -----

    function test_reentrantProcessRefused() public {
        ReentrantRecipient evil = new ReentrantRecipient(mailbox);
        bytes memory inner = inbound(1);
        evil.arm(ReentrantRecipient.Mode.Process, OK, inner);
        bytes memory outer = inbound(0, address(evil), "");
        vm.expectRevert(Mailbox.Reentrancy.selector);
        mailbox.process(OK, outer);
        assertFalse(mailbox.delivered(keccak256(outer)));
        assertFalse(mailbox.delivered(keccak256(inner)));
        // The inner message is fine on its own.
        mailbox.process(OK, inner);
        assertTrue(mailbox.delivered(keccak256(inner)));
    }

    function test_reentrantBatchRefused() public {
        ReentrantRecipient evil = new ReentrantRecipient(mailbox);
        evil.arm(ReentrantRecipient.Mode.ProcessBatch, OK, inbound(1));
        vm.expectRevert(Mailbox.Reentrancy.selector);
        mailbox.process(OK, inbound(0, address(evil), ""));
    }

    function test_reentrantProcessOneRefused() public {
        ReentrantRecipient evil = new ReentrantRecipient(mailbox);
        evil.arm(ReentrantRecipient.Mode.ProcessOne, OK, inbound(1));
        vm.expectRevert(abi.encodeWithSelector(Mailbox.OnlySelf.selector, address(evil)));
        mailbox.process(OK, inbound(0, address(evil), ""));
    }

    /// In a batch, a recipient that re-enters is Rejected with Reentrancy; the others go through.
    function test_reentrantInBatchRejected() public {
        ReentrantRecipient evil = new ReentrantRecipient(mailbox);
        evil.arm(ReentrantRecipient.Mode.Process, OK, inbound(9));
        bytes[] memory md = new bytes[](2);
        bytes[] memory ms = new bytes[](2);
        (md[0], md[1]) = (OK, OK);
        (ms[0], ms[1]) = (inbound(0, address(evil), ""), inbound(1));
        vm.expectEmit(address(mailbox));
        emit IMailbox.ProcessFailed(keccak256(ms[0]), abi.encodeWithSelector(Mailbox.Reentrancy.selector));
        IMailbox.Outcome[] memory out = mailbox.processBatch(md, ms);
        assertEq(uint8(out[0]), uint8(IMailbox.Outcome.Rejected));
        assertEq(uint8(out[1]), uint8(IMailbox.Outcome.Delivered));
        assertFalse(mailbox.delivered(keccak256(inbound(9))));
    }

    function test_processOneOnlySelf() public {
        vm.expectRevert(abi.encodeWithSelector(Mailbox.OnlySelf.selector, address(this)));
        mailbox.processOne(OK, inbound(0));
    }

    // ----- processBatch -----

    function test_processBatchIsolatesFailures() public {
        bytes memory earlier = inbound(7);
        mailbox.process(OK, earlier);

        bytes memory wrongDest =
            Message.format(3, 5, ORIGIN, SENDER, LOCAL + 1, address(recipient).addressToBytes32(), "");
        bytes[] memory md = new bytes[](6);
        bytes[] memory ms = new bytes[](6);
        (md[0], ms[0]) = (OK, inbound(0)); // delivered
        (md[1], ms[1]) = (NO, inbound(1)); // ISM says no
        (md[2], ms[2]) = (OK, inbound(2)); // delivered
        (md[3], ms[3]) = (OK, earlier); // delivered before
        (md[4], ms[4]) = (OK, wrongDest); // refused by the Mailbox
        (md[5], ms[5]) = (OK, inbound(0)); // delivered earlier in this batch

        vm.expectEmit(address(mailbox));
        emit IMailbox.ProcessFailed(
            keccak256(ms[1]),
            abi.encodeWithSelector(Mailbox.VerificationFailed.selector, keccak256(ms[1]), address(ism))
        );
        vm.expectEmit(address(mailbox));
        emit IMailbox.ProcessFailed(
            keccak256(ms[4]), abi.encodeWithSelector(Mailbox.WrongDestination.selector, LOCAL + 1)
        );
        IMailbox.Outcome[] memory out = mailbox.processBatch(md, ms);

        assertEq(out.length, 6);
        assertEq(uint8(out[0]), uint8(IMailbox.Outcome.Delivered));
        assertEq(uint8(out[1]), uint8(IMailbox.Outcome.Rejected));
        assertEq(uint8(out[2]), uint8(IMailbox.Outcome.Delivered));
        assertEq(uint8(out[3]), uint8(IMailbox.Outcome.AlreadyDelivered));
        assertEq(uint8(out[4]), uint8(IMailbox.Outcome.Rejected));
        assertEq(uint8(out[5]), uint8(IMailbox.Outcome.AlreadyDelivered));

        assertTrue(mailbox.delivered(keccak256(ms[0])));
        assertFalse(mailbox.delivered(keccak256(ms[1])));
        assertTrue(mailbox.delivered(keccak256(ms[2])));
        assertFalse(mailbox.delivered(keccak256(ms[4])));
        assertEq(recipient.handled(), 3); // earlier + two in the batch

        // The rejected one goes through later with good metadata.
        mailbox.process(OK, ms[1]);
        assertEq(recipient.handled(), 4);
    }

    function test_processBatchHandleFailureRejected() public {
        TestRecipient failing = new TestRecipient();
        failing.setFail(true);
        bytes[] memory md = new bytes[](2);
        bytes[] memory ms = new bytes[](2);
        (md[0], ms[0]) = (OK, inbound(0, address(failing), ""));
        (md[1], ms[1]) = (BOOM, inbound(1));
        vm.expectEmit(address(mailbox));
        emit IMailbox.ProcessFailed(
            keccak256(ms[0]), abi.encodeWithSelector(TestRecipient.HandleFailed.selector)
        );
        vm.expectEmit(address(mailbox));
        emit IMailbox.ProcessFailed(keccak256(ms[1]), abi.encodeWithSelector(StubIsm.StubRejected.selector));
        IMailbox.Outcome[] memory out = mailbox.processBatch(md, ms);
        assertEq(uint8(out[0]), uint8(IMailbox.Outcome.Rejected));
        assertEq(uint8(out[1]), uint8(IMailbox.Outcome.Rejected));
        assertFalse(mailbox.delivered(keccak256(ms[0])));
    }

    function test_processBatchLengthMismatch() public {
        vm.expectRevert(abi.encodeWithSelector(Mailbox.BatchLengthMismatch.selector, 1, 2));
        mailbox.processBatch(new bytes[](1), new bytes[](2));
    }

    function test_processBatchEmpty() public {
        assertEq(mailbox.processBatch(new bytes[](0), new bytes[](0)).length, 0);
    }

    // ----- end to end: committee route through RoutingIsm -> MessageIdMultisigIsm -----

    function test_endToEndCommitteeRoute() public {
        uint256[3] memory k = [uint256(0xA11CE), 0xB0B, 0xCA201];
        address[] memory set = new address[](3);
        for (uint256 i = 0; i < 3; ++i) {
            set[i] = vm.addr(k[i]);
        }
        MessageIdMultisigIsm multisig = new MessageIdMultisigIsm(owner, guardian);
        RoutingIsm routing = new RoutingIsm(address(mailbox), owner, guardian);
        vm.startPrank(owner);
        multisig.setValidators(ORIGIN, set, 2);
        routing.setModule(ORIGIN, address(multisig));
        routing.setRateLimit(ORIGIN, 1, 1e17); // 1 message, then one per 10 s
        mailbox.setDefaultIsm(address(routing));
        vm.stopPrank();

        // Origin side: dispatch two messages; validators sign each at its checkpoint.
        bytes32 to = address(recipient).addressToBytes32();
        bytes32 hook = address(originMailbox).addressToBytes32();
        bytes[] memory ms = new bytes[](2);
        bytes[] memory md = new bytes[](2);
        for (uint32 i = 0; i < 2; ++i) {
            bytes memory body = abi.encode("transfer", i);
            bytes32 id = originMailbox.dispatch(LOCAL, to, body);
            (bytes32 root, uint32 index) = originMailbox.latestCheckpoint();
            ms[i] = Message.format(3, i, ORIGIN, address(this).addressToBytes32(), LOCAL, to, body);
            assertEq(keccak256(ms[i]), id);
            md[i] = metadataFor(keys2(k[0], k[2]), ORIGIN, hook, root, index, id);
        }

        // Destination side: the first passes, the second hits the rate limit (Rejected, token kept).
        vm.expectEmit(address(mailbox));
        emit IMailbox.ProcessFailed(
            keccak256(ms[1]),
            abi.encodeWithSelector(RoutingIsm.RateLimited.selector, ORIGIN, block.timestamp + 10)
        );
        IMailbox.Outcome[] memory out = mailbox.processBatch(md, ms);
        assertEq(uint8(out[0]), uint8(IMailbox.Outcome.Delivered));
        assertEq(uint8(out[1]), uint8(IMailbox.Outcome.Rejected));
        assertEq(recipient.lastSender(), address(this).addressToBytes32());

        vm.warp(block.timestamp + 10);
        // The guardian pauses the route: refused until the owner resumes.
        vm.prank(guardian);
        routing.pauseOrigin(ORIGIN);
        vm.expectRevert(
            abi.encodeWithSelector(RoutingIsm.RoutePaused.selector, ORIGIN, address(this).addressToBytes32())
        );
        mailbox.process(md[1], ms[1]);
        vm.prank(owner);
        routing.resumeOrigin(ORIGIN);

        // A signature by a non-validator is refused; the right metadata delivers.
        bytes memory forged = metadataFor(keys2(k[0], 0xBAD), ORIGIN, hook, bytes32(0), 1, keccak256(ms[1]));
        vm.expectRevert(
            abi.encodeWithSelector(MessageIdMultisigIsm.SignerNotValidator.selector, 1, vm.addr(0xBAD))
        );
        mailbox.process(forged, ms[1]);
        mailbox.process(md[1], ms[1]);
        assertEq(recipient.handled(), 2);
        assertEq(recipient.lastBody(), abi.encode("transfer", uint32(1)));
    }
}
