// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Committee} from "./helpers/Committee.sol";
import {RoutingIsm} from "../src/isms/RoutingIsm.sol";
import {Owned} from "../src/access/Owned.sol";
import {Message} from "../src/libs/Message.sol";
import {IInterchainSecurityModule} from "../src/interfaces/IInterchainSecurityModule.sol";
import {StubIsm} from "./helpers/Stubs.sol";

contract RoutingIsmTest is Committee {
    uint32 internal constant ORIGIN = 1000;
    uint32 internal constant OTHER_ORIGIN = 3000;
    uint32 internal constant LOCAL = 2000;
    bytes32 internal constant SENDER = bytes32(uint256(0xaa));
    bytes32 internal constant OTHER_SENDER = bytes32(uint256(0xab));
    bytes internal constant OK = hex"01";
    bytes internal constant NO = hex"00";
    bytes internal constant BOOM = hex"02";
    uint128 internal constant ONE_PER_10S = 1e17; // 0.1 message per second, x 1e18

    address internal owner = makeAddr("owner");
    address internal guardian = makeAddr("guardian");
    address internal stranger = makeAddr("stranger");
    address internal mailbox = makeAddr("mailbox");
    RoutingIsm internal ism;
    StubIsm internal module;
    StubIsm internal otherModule;

    event ModuleSet(uint32 indexed origin, address indexed module);
    event OriginPaused(uint32 indexed origin, address indexed by);
    event OriginResumed(uint32 indexed origin, address indexed by);
    event SenderRoutePaused(uint32 indexed origin, bytes32 indexed sender, address indexed by);
    event SenderRouteResumed(uint32 indexed origin, bytes32 indexed sender, address indexed by);
    event RateLimitSet(uint32 indexed origin, uint64 capacity, uint128 refillPerSecondWad);

    function setUp() public {
        vm.warp(1_700_000_000);
        ism = new RoutingIsm(mailbox, owner, guardian);
        module = new StubIsm();
        otherModule = new StubIsm();
        vm.startPrank(owner);
        ism.setModule(ORIGIN, address(module));
        ism.setModule(OTHER_ORIGIN, address(otherModule));
        vm.stopPrank();
    }

    function msgFrom(uint32 origin, bytes32 sender, uint32 nonce) internal pure returns (bytes memory) {
        return Message.format(3, nonce, origin, sender, LOCAL, bytes32(uint256(0xbb)), "x");
    }

    function verifyAsMailbox(bytes memory metadata, bytes memory message) internal returns (bool) {
        vm.prank(mailbox);
        return ism.verify(metadata, message);
    }

    function expectPaused(uint32 origin, bytes32 sender) internal {
        vm.prank(mailbox);
        vm.expectRevert(abi.encodeWithSelector(RoutingIsm.RoutePaused.selector, origin, sender));
        ism.verify(OK, msgFrom(origin, sender, 0));
    }

    // ----- routing -----

    function test_moduleTypeAndMailbox() public view {
        assertEq(ism.moduleType(), 1);
        assertEq(ism.mailbox(), mailbox);
    }

    function test_constructorRefusesZeroMailbox() public {
        vm.expectRevert(RoutingIsm.ZeroMailbox.selector);
        new RoutingIsm(address(0), owner, guardian);
    }

    function test_routeAndDelegate() public {
        assertEq(address(ism.route(msgFrom(ORIGIN, SENDER, 0))), address(module));
        assertEq(address(ism.route(msgFrom(OTHER_ORIGIN, SENDER, 0))), address(otherModule));
        assertTrue(verifyAsMailbox(OK, msgFrom(ORIGIN, SENDER, 0)));
        assertEq(module.accepted(), 1);
        assertEq(otherModule.accepted(), 0);
        assertTrue(verifyAsMailbox(OK, msgFrom(OTHER_ORIGIN, SENDER, 0)));
        assertEq(otherModule.accepted(), 1);
    }

    function test_delegateRefusals() public {
        vm.startPrank(mailbox);
        vm.expectRevert(abi.encodeWithSelector(RoutingIsm.ModuleRejected.selector, ORIGIN, address(module)));
        ism.verify(NO, msgFrom(ORIGIN, SENDER, 0));
        vm.expectRevert(StubIsm.StubRejected.selector);
        ism.verify(BOOM, msgFrom(ORIGIN, SENDER, 0));
        vm.stopPrank();
    }

    function test_unknownOrigin() public {
        vm.expectRevert(abi.encodeWithSelector(RoutingIsm.UnknownOrigin.selector, 4242));
        ism.route(msgFrom(4242, SENDER, 0));
        vm.prank(mailbox);
        vm.expectRevert(abi.encodeWithSelector(RoutingIsm.UnknownOrigin.selector, 4242));
        ism.verify(OK, msgFrom(4242, SENDER, 0));
    }

    function test_messageTooShort() public {
        vm.expectRevert(abi.encodeWithSelector(Message.MessageTooShort.selector, 10));
        ism.verify(OK, new bytes(10));
    }

    function test_setModule() public {
        StubIsm replacement = new StubIsm();
        vm.expectEmit(address(ism));
        emit ModuleSet(ORIGIN, address(replacement));
        vm.prank(owner);
        ism.setModule(ORIGIN, address(replacement));
        assertEq(address(ism.modules(ORIGIN)), address(replacement));

        // The zero address removes the route's module.
        vm.expectEmit(address(ism));
        emit ModuleSet(ORIGIN, address(0));
        vm.prank(owner);
        ism.setModule(ORIGIN, address(0));
        vm.expectRevert(abi.encodeWithSelector(RoutingIsm.UnknownOrigin.selector, ORIGIN));
        ism.route(msgFrom(ORIGIN, SENDER, 0));
    }

    function test_setModuleRefusals() public {
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotOwner.selector, guardian));
        ism.setModule(ORIGIN, address(module));
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(RoutingIsm.ModuleNotContract.selector, stranger));
        ism.setModule(ORIGIN, stranger);
    }

    // ----- pauses -----

    function test_guardianPausesOriginOwnerResumes() public {
        vm.expectEmit(address(ism));
        emit OriginPaused(ORIGIN, guardian);
        vm.prank(guardian);
        ism.pauseOrigin(ORIGIN);
        assertTrue(ism.originPaused(ORIGIN));
        assertTrue(ism.isPaused(ORIGIN, SENDER));
        expectPaused(ORIGIN, SENDER);
        expectPaused(ORIGIN, OTHER_SENDER);
        // Other origins still flow.
        assertTrue(verifyAsMailbox(OK, msgFrom(OTHER_ORIGIN, SENDER, 0)));

        // The guardian cannot resume.
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotOwner.selector, guardian));
        ism.resumeOrigin(ORIGIN);

        vm.expectEmit(address(ism));
        emit OriginResumed(ORIGIN, owner);
        vm.prank(owner);
        ism.resumeOrigin(ORIGIN);
        assertFalse(ism.originPaused(ORIGIN));
        assertTrue(verifyAsMailbox(OK, msgFrom(ORIGIN, SENDER, 0)));
    }

    function test_ownerCanPauseStrangerCannot() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotGuardian.selector, stranger));
        ism.pauseOrigin(ORIGIN);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotGuardian.selector, stranger));
        ism.pauseRoute(ORIGIN, SENDER);

        vm.expectEmit(address(ism));
        emit OriginPaused(ORIGIN, owner);
        vm.prank(owner);
        ism.pauseOrigin(ORIGIN);
        expectPaused(ORIGIN, SENDER);
    }

    function test_pauseSenderRoute() public {
        vm.expectEmit(address(ism));
        emit SenderRoutePaused(ORIGIN, SENDER, guardian);
        vm.prank(guardian);
        ism.pauseRoute(ORIGIN, SENDER);
        assertTrue(ism.senderPaused(ORIGIN, SENDER));
        expectPaused(ORIGIN, SENDER);
        // Another sender on the same origin, and the same sender on another origin, still flow.
        assertTrue(verifyAsMailbox(OK, msgFrom(ORIGIN, OTHER_SENDER, 0)));
        assertTrue(verifyAsMailbox(OK, msgFrom(OTHER_ORIGIN, SENDER, 0)));

        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotOwner.selector, guardian));
        ism.resumeRoute(ORIGIN, SENDER);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotOwner.selector, stranger));
        ism.resumeRoute(ORIGIN, SENDER);

        vm.expectEmit(address(ism));
        emit SenderRouteResumed(ORIGIN, SENDER, owner);
        vm.prank(owner);
        ism.resumeRoute(ORIGIN, SENDER);
        assertTrue(verifyAsMailbox(OK, msgFrom(ORIGIN, SENDER, 0)));
    }

    /// Resuming the origin does not lift a sender pause, and the reverse.
    function test_pausesAreIndependent() public {
        vm.startPrank(guardian);
        ism.pauseOrigin(ORIGIN);
        ism.pauseRoute(ORIGIN, SENDER);
        vm.stopPrank();
        vm.prank(owner);
        ism.resumeOrigin(ORIGIN);
        expectPaused(ORIGIN, SENDER);
        assertTrue(verifyAsMailbox(OK, msgFrom(ORIGIN, OTHER_SENDER, 0)));
    }

    /// A paused route is refused even for simulations (anyone's eth_call).
    function test_pausedRefusesAnyCaller() public {
        vm.prank(guardian);
        ism.pauseOrigin(ORIGIN);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(RoutingIsm.RoutePaused.selector, ORIGIN, SENDER));
        ism.verify(OK, msgFrom(ORIGIN, SENDER, 0));
    }

    // ----- rate limit -----

    function setLimit(uint32 origin, uint64 capacity, uint128 refill) internal {
        vm.prank(owner);
        ism.setRateLimit(origin, capacity, refill);
    }

    function test_rateLimitThenRefill() public {
        vm.expectEmit(address(ism));
        emit RateLimitSet(ORIGIN, 2, ONE_PER_10S);
        setLimit(ORIGIN, 2, ONE_PER_10S);
        (uint64 capacity, uint256 refill, uint256 available) = ism.rateLimit(ORIGIN);
        assertEq(capacity, 2);
        assertEq(refill, ONE_PER_10S);
        assertEq(available, 2);

        assertTrue(verifyAsMailbox(OK, msgFrom(ORIGIN, SENDER, 0)));
        assertTrue(verifyAsMailbox(OK, msgFrom(ORIGIN, SENDER, 1)));
        (,, available) = ism.rateLimit(ORIGIN);
        assertEq(available, 0);

        vm.prank(mailbox);
        vm.expectRevert(abi.encodeWithSelector(RoutingIsm.RateLimited.selector, ORIGIN, block.timestamp + 10));
        ism.verify(OK, msgFrom(ORIGIN, SENDER, 2));
        // Other origins have their own bucket (none here).
        assertTrue(verifyAsMailbox(OK, msgFrom(OTHER_ORIGIN, SENDER, 0)));

        // 9 s later: 0.9 of a message; the revert names the second it is whole.
        vm.warp(block.timestamp + 9);
        vm.prank(mailbox);
        vm.expectRevert(abi.encodeWithSelector(RoutingIsm.RateLimited.selector, ORIGIN, block.timestamp + 1));
        ism.verify(OK, msgFrom(ORIGIN, SENDER, 2));

        vm.warp(block.timestamp + 1);
        assertTrue(verifyAsMailbox(OK, msgFrom(ORIGIN, SENDER, 2)));
        vm.prank(mailbox);
        vm.expectRevert(abi.encodeWithSelector(RoutingIsm.RateLimited.selector, ORIGIN, block.timestamp + 10));
        ism.verify(OK, msgFrom(ORIGIN, SENDER, 3));
    }

    function test_refillStopsAtCapacity() public {
        setLimit(ORIGIN, 3, 1e18);
        for (uint32 i = 0; i < 3; ++i) {
            verifyAsMailbox(OK, msgFrom(ORIGIN, SENDER, i));
        }
        vm.warp(block.timestamp + 365 days);
        (,, uint256 available) = ism.rateLimit(ORIGIN);
        assertEq(available, 3);
        for (uint32 i = 3; i < 6; ++i) {
            verifyAsMailbox(OK, msgFrom(ORIGIN, SENDER, i));
        }
        vm.prank(mailbox);
        vm.expectRevert(abi.encodeWithSelector(RoutingIsm.RateLimited.selector, ORIGIN, block.timestamp + 1));
        ism.verify(OK, msgFrom(ORIGIN, SENDER, 6));
    }

    function test_noRefillNeverAvailable() public {
        setLimit(ORIGIN, 1, 0);
        verifyAsMailbox(OK, msgFrom(ORIGIN, SENDER, 0));
        vm.warp(block.timestamp + 1000 days);
        vm.prank(mailbox);
        vm.expectRevert(abi.encodeWithSelector(RoutingIsm.RateLimited.selector, ORIGIN, type(uint64).max));
        ism.verify(OK, msgFrom(ORIGIN, SENDER, 1));
    }

    /// Only the Mailbox's calls take tokens: a stranger replaying a delivered message's metadata
    /// cannot drain the route, yet a simulation still sees RateLimited when the bucket is empty.
    function test_onlyMailboxConsumes() public {
        setLimit(ORIGIN, 1, ONE_PER_10S);
        for (uint256 i = 0; i < 5; ++i) {
            vm.prank(stranger);
            assertTrue(ism.verify(OK, msgFrom(ORIGIN, SENDER, 0)));
        }
        assertTrue(verifyAsMailbox(OK, msgFrom(ORIGIN, SENDER, 0)));
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(RoutingIsm.RateLimited.selector, ORIGIN, block.timestamp + 10));
        ism.verify(OK, msgFrom(ORIGIN, SENDER, 1));
    }

    /// A refused delegate reverts the whole verify, so the token is not spent.
    function test_rejectedMessageKeepsItsToken() public {
        setLimit(ORIGIN, 1, ONE_PER_10S);
        vm.prank(mailbox);
        vm.expectRevert(abi.encodeWithSelector(RoutingIsm.ModuleRejected.selector, ORIGIN, address(module)));
        ism.verify(NO, msgFrom(ORIGIN, SENDER, 0));
        assertTrue(verifyAsMailbox(OK, msgFrom(ORIGIN, SENDER, 0)));
    }

    function test_setRateLimitRulesAndChanges() public {
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotOwner.selector, guardian));
        ism.setRateLimit(ORIGIN, 1, 1);

        setLimit(ORIGIN, 5, ONE_PER_10S);
        for (uint32 i = 0; i < 4; ++i) {
            verifyAsMailbox(OK, msgFrom(ORIGIN, SENDER, i));
        }
        // Changing the limit keeps what the bucket holds (1): raising the capacity does not refill it.
        setLimit(ORIGIN, 10, ONE_PER_10S);
        (,, uint256 available) = ism.rateLimit(ORIGIN);
        assertEq(available, 1);
        setLimit(ORIGIN, 5, 0);
        verifyAsMailbox(OK, msgFrom(ORIGIN, SENDER, 4));
        (,, available) = ism.rateLimit(ORIGIN);
        assertEq(available, 0);

        // Capacity 0 removes the limit.
        setLimit(ORIGIN, 0, 0);
        (,, available) = ism.rateLimit(ORIGIN);
        assertEq(available, type(uint256).max);
        for (uint32 i = 5; i < 10; ++i) {
            assertTrue(verifyAsMailbox(OK, msgFrom(ORIGIN, SENDER, i)));
        }
        // Set again, it starts full.
        setLimit(ORIGIN, 2, ONE_PER_10S);
        (,, available) = ism.rateLimit(ORIGIN);
        assertEq(available, 2);
        // Lowering the capacity below what it holds clamps it.
        setLimit(ORIGIN, 1, ONE_PER_10S);
        (,, available) = ism.rateLimit(ORIGIN);
        assertEq(available, 1);
    }

    /// Pause is checked before the bucket: a paused route does not spend tokens.
    function test_pausedDoesNotSpend() public {
        setLimit(ORIGIN, 1, 0);
        vm.prank(guardian);
        ism.pauseRoute(ORIGIN, SENDER);
        expectPaused(ORIGIN, SENDER);
        assertTrue(verifyAsMailbox(OK, msgFrom(ORIGIN, OTHER_SENDER, 0)));
    }

    /// Over any sequence of waits, the bucket admits at most capacity + elapsed * rate messages.
    function testFuzz_bucketNeverExceedsRate(uint64 capacity, uint128 rate, uint16[8] memory waits) public {
        capacity = uint64(bound(capacity, 1, 20));
        rate = uint128(bound(rate, 1e15, 5e18));
        setLimit(ORIGIN, capacity, rate);
        uint256 start = block.timestamp;
        uint256 admitted;
        uint32 nonce;
        for (uint256 i = 0; i < waits.length; ++i) {
            vm.warp(block.timestamp + (waits[i] % 120));
            while (true) {
                vm.prank(mailbox);
                try ism.verify(OK, msgFrom(ORIGIN, SENDER, nonce++)) {
                    ++admitted;
                } catch (bytes memory reason) {
                    assertEq(selectorOf(reason), RoutingIsm.RateLimited.selector);
                    break;
                }
                if (admitted > 10_000) break;
            }
        }
        uint256 bound_ = capacity + ((block.timestamp - start) * rate) / 1e18;
        assertLe(admitted, bound_);
    }
}
