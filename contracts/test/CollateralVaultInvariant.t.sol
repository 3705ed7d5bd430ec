// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {CommonBase} from "forge-std/Base.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {CollateralVault} from "../src/CollateralVault.sol";
import {TestERC20} from "../src/test/TestERC20.sol";
import {MockMailbox} from "./mocks/MockMailbox.sol";
import {VaultFixture} from "./mocks/VaultFixture.sol";

/// @notice Drives two connected vaults with random deposits, withdrawals, moves, arrivals, fast
/// fills, liquidity changes, pauses and replays, and keeps its own books (ghosts) to compare with.
contract VaultHandler is CommonBase, StdUtils {
    uint256 internal constant MAX_AMOUNT = 1e30;

    struct Pending {
        bytes message;
        uint256 dest; // 0 = A, 1 = B
        address recipient;
        uint256 amount;
        address filler;
        bool delivered;
    }

    CollateralVault[2] internal vaults;
    MockMailbox[2] internal mailboxes;
    TestERC20[2] internal tokens;
    address internal owner;
    address internal guardian;
    address[3] internal accounts;
    address[2] internal lps;

    Pending[] internal pending;
    /// Sum of the amounts of dispatched, undelivered messages.
    uint256 public inFlight;
    /// Sum of the amounts of fast-filled, undelivered messages.
    uint256 public lentInFlight;
    mapping(uint256 => mapping(address => uint256)) public ghostMargin;
    mapping(uint256 => mapping(address => uint256)) public ghostLiquidity;
    mapping(uint256 => mapping(address => uint256)) public ghostLent;
    mapping(bytes4 => uint256) public calls;

    constructor(
        CollateralVault[2] memory vaults_,
        MockMailbox[2] memory mailboxes_,
        address owner_,
        address guardian_,
        address[3] memory accounts_,
        address[2] memory lps_
    ) {
        vaults = vaults_;
        mailboxes = mailboxes_;
        tokens[0] = TestERC20(address(vaults_[0].token()));
        tokens[1] = TestERC20(address(vaults_[1].token()));
        owner = owner_;
        guardian = guardian_;
        accounts = accounts_;
        lps = lps_;
    }

    // ------------------------------------------------------------------ actions

    function deposit(uint256 seed, uint256 amount) external {
        (uint256 c, address a) = (seed % 2, accounts[(seed >> 8) % 3]);
        amount = bound(amount, 1, MAX_AMOUNT);
        tokens[c].mint(a, amount);
        vm.startPrank(a);
        tokens[c].approve(address(vaults[c]), amount);
        vaults[c].deposit(amount);
        vm.stopPrank();
        ghostMargin[c][a] += amount;
        calls[msg.sig]++;
    }

    function withdraw(uint256 seed, uint256 amount) external {
        (bool found, uint256 c, address a) = _pickWithMargin(seed);
        if (!found) return;
        uint256 max = _min(vaults[c].marginOf(a), tokens[c].balanceOf(address(vaults[c])));
        if (max == 0) return;
        amount = bound(amount, 1, max);
        vm.prank(a);
        vaults[c].withdraw(amount);
        ghostMargin[c][a] -= amount;
        calls[msg.sig]++;
    }

    function moveMargin(uint256 seed, uint256 amount) external {
        (bool found, uint256 c, address a) = _pickWithMargin(seed);
        if (!found) return;
        address to = accounts[(seed >> 16) % 3];
        amount = bound(amount, 1, vaults[c].marginOf(a));
        uint32 destination = vaults[1 - c].localDomain();
        if (vaults[c].paused()) {
            // Refused while paused; the owner resumes and the move is retried.
            vm.expectRevert(CollateralVault.VaultPaused.selector);
            vm.prank(a);
            vaults[c].moveMargin(destination, amount, bytes32(uint256(uint160(to))));
            vm.prank(owner);
            vaults[c].unpause();
        }
        vm.prank(a);
        bytes32 id = vaults[c].moveMargin(destination, amount, bytes32(uint256(uint160(to))));
        bytes memory message = mailboxes[c].outbox(mailboxes[c].outboxLength() - 1);
        require(keccak256(message) == id, "id is keccak256(message)");
        pending.push(Pending(message, 1 - c, to, amount, address(0), false));
        inFlight += amount;
        ghostMargin[c][a] -= amount;
        calls[msg.sig]++;
    }

    function deliver(uint256 seed) external {
        (bool found, uint256 i) = _findPending(seed, false);
        if (!found) return;
        Pending storage p = pending[i];
        mailboxes[p.dest].deliver(p.message);
        p.delivered = true;
        inFlight -= p.amount;
        if (p.filler != address(0)) {
            ghostLent[p.dest][p.filler] -= p.amount;
            ghostLiquidity[p.dest][p.filler] += p.amount;
            lentInFlight -= p.amount;
        } else {
            ghostMargin[p.dest][p.recipient] += p.amount;
        }
        calls[msg.sig]++;
    }

    function fastFill(uint256 seed, uint256 lpSeed) external {
        (bool found, uint256 i) = _findPending(seed, true);
        if (!found) return;
        Pending storage p = pending[i];
        address lp = lps[lpSeed % 2];
        CollateralVault v = vaults[p.dest];
        if (v.paused()) {
            vm.expectRevert(CollateralVault.VaultPaused.selector);
            vm.prank(lp);
            v.fastFill(p.message);
            vm.prank(owner);
            v.unpause();
        }
        uint256 available = v.liquidityOf(lp);
        if (available < p.amount) _addLiquidity(p.dest, lp, p.amount - available);
        vm.prank(lp);
        v.fastFill(p.message);
        p.filler = lp;
        ghostLiquidity[p.dest][lp] -= p.amount;
        ghostLent[p.dest][lp] += p.amount;
        lentInFlight += p.amount;
        ghostMargin[p.dest][p.recipient] += p.amount;
        calls[msg.sig]++;
    }

    function addLiquidity(uint256 seed, uint256 amount) external {
        _addLiquidity(seed % 2, lps[(seed >> 8) % 2], bound(amount, 1, MAX_AMOUNT));
        calls[msg.sig]++;
    }

    function removeLiquidity(uint256 seed, uint256 amount) external {
        (uint256 c, address lp) = (seed % 2, lps[(seed >> 8) % 2]);
        uint256 max = _min(vaults[c].liquidityOf(lp), tokens[c].balanceOf(address(vaults[c])));
        if (max == 0) return;
        amount = bound(amount, 1, max);
        vm.prank(lp);
        vaults[c].removeLiquidity(amount);
        ghostLiquidity[c][lp] -= amount;
        calls[msg.sig]++;
    }

    /// Unpauses a paused vault, or (one time in four) pauses a running one: vaults mostly run.
    function togglePause(uint256 seed) external {
        CollateralVault v = vaults[seed % 2];
        if (v.paused()) {
            vm.prank(owner);
            v.unpause();
        } else if ((seed >> 8) % 4 == 0) {
            vm.prank(guardian);
            v.pause();
        } else {
            return;
        }
        calls[msg.sig]++;
    }

    /// Replays of a delivered message, by the Mailbox or as a fill, change nothing.
    function replay(uint256 seed, uint256 lpSeed) external {
        if (pending.length == 0) return;
        Pending storage p = pending[seed % pending.length];
        if (!p.delivered) return;
        bytes32 id = keccak256(p.message);
        vm.expectRevert(abi.encodeWithSelector(MockMailbox.AlreadyDelivered.selector, id));
        mailboxes[p.dest].deliver(p.message);
        CollateralVault v = vaults[p.dest];
        if (v.paused()) return;
        if (p.filler != address(0)) {
            vm.expectRevert(abi.encodeWithSelector(CollateralVault.AlreadyFilled.selector, id));
        } else {
            vm.expectRevert(abi.encodeWithSelector(CollateralVault.AlreadyArrived.selector, id));
        }
        vm.prank(lps[lpSeed % 2]);
        v.fastFill(p.message);
        calls[msg.sig]++;
    }

    // ------------------------------------------------------------------ for the checks

    function pendingCount() external view returns (uint256) {
        return pending.length;
    }

    function pendingAt(uint256 i) external view returns (Pending memory) {
        return pending[i];
    }

    function accountAt(uint256 i) external view returns (address) {
        return accounts[i];
    }

    function lpAt(uint256 i) external view returns (address) {
        return lps[i];
    }

    // ------------------------------------------------------------------ internals

    function _addLiquidity(uint256 c, address lp, uint256 amount) internal {
        tokens[c].mint(lp, amount);
        vm.startPrank(lp);
        tokens[c].approve(address(vaults[c]), amount);
        vaults[c].addLiquidity(amount);
        vm.stopPrank();
        ghostLiquidity[c][lp] += amount;
    }

    /// The first (chain, account) with margin, starting from the one `seed` names.
    function _pickWithMargin(uint256 seed) internal view returns (bool, uint256, address) {
        for (uint256 k = 0; k < 6; k++) {
            uint256 j = (seed % 6 + k) % 6;
            (uint256 c, address a) = (j % 2, accounts[j / 2]);
            if (vaults[c].marginOf(a) != 0) return (true, c, a);
        }
        return (false, 0, address(0));
    }

    /// The first undelivered message at or after seed % length (and unfilled, if asked), cyclically.
    function _findPending(uint256 seed, bool unfilled) internal view returns (bool, uint256) {
        uint256 n = pending.length;
        if (n == 0) return (false, 0);
        uint256 start = seed % n;
        for (uint256 k = 0; k < n; k++) {
            uint256 i = (start + k) % n;
            Pending storage p = pending[i];
            if (!p.delivered && (!unfilled || p.filler == address(0))) return (true, i);
        }
        return (false, 0);
    }

    function _min(uint256 a, uint256 b) internal pure returns (uint256) {
        return a < b ? a : b;
    }
}

/// @notice The books two vaults must keep, whatever happened.
abstract contract VaultAccountingChecks is VaultFixture {
    VaultHandler internal handler;

    function setUp() public virtual override {
        super.setUp();
        CollateralVault[2] memory vaults = [vaultA, vaultB];
        MockMailbox[2] memory mailboxes = [mbA, mbB];
        address[3] memory accounts = [alice, bob, makeAddr("carol")];
        address[2] memory lps = [lp, lp2];
        handler = new VaultHandler(vaults, mailboxes, owner, guardian, accounts, lps);
    }

    /// Tokens held by both vaults == margins + free liquidity + amounts in flight.
    function checkTokensBackClaims() internal view {
        uint256 held = tokenA.balanceOf(address(vaultA)) + tokenB.balanceOf(address(vaultB));
        uint256 claims =
            vaultA.totalMargin() + vaultB.totalMargin() + vaultA.totalLiquidity() + vaultB.totalLiquidity();
        assertEq(held, claims + handler.inFlight(), "tokens == margins + liquidity + in flight");
    }

    /// Every balance the vaults report is the handler's own reckoning, and the totals are the sums.
    function checkBooks() internal view {
        CollateralVault[2] memory vaults = [vaultA, vaultB];
        for (uint256 c = 0; c < 2; c++) {
            uint256 margins;
            uint256 liquidity;
            uint256 lent;
            for (uint256 i = 0; i < 3; i++) {
                address a = handler.accountAt(i);
                assertEq(vaults[c].marginOf(a), handler.ghostMargin(c, a), "margin");
                margins += vaults[c].marginOf(a);
            }
            for (uint256 i = 0; i < 2; i++) {
                address p = handler.lpAt(i);
                assertEq(vaults[c].liquidityOf(p), handler.ghostLiquidity(c, p), "liquidity");
                assertEq(vaults[c].lentOf(p), handler.ghostLent(c, p), "lent");
                liquidity += vaults[c].liquidityOf(p);
                lent += vaults[c].lentOf(p);
            }
            assertEq(vaults[c].totalMargin(), margins, "totalMargin");
            assertEq(vaults[c].totalLiquidity(), liquidity, "totalLiquidity");
            assertEq(vaults[c].totalLent(), lent, "totalLent");
        }
        assertEq(vaultA.totalLent() + vaultB.totalLent(), handler.lentInFlight(), "lent == filled in flight");
        assertLe(handler.lentInFlight(), handler.inFlight());
    }

    /// Each message is, at its destination, in the one state its history allows: never both
    /// credited and repaid, never settled before it arrived.
    function checkTransferStates() internal view {
        uint256 n = handler.pendingCount();
        for (uint256 i = 0; i < n; i++) {
            VaultHandler.Pending memory p = handler.pendingAt(i);
            CollateralVault v = p.dest == 0 ? vaultA : vaultB;
            CollateralVault.Transfer memory t = v.transferOf(keccak256(p.message));
            CollateralVault.TransferStatus want;
            if (p.filler != address(0)) {
                want = p.delivered
                    ? CollateralVault.TransferStatus.Repaid
                    : CollateralVault.TransferStatus.FastFilled;
                assertEq(t.lp, p.filler, "filler");
            } else {
                want = p.delivered
                    ? CollateralVault.TransferStatus.Credited
                    : CollateralVault.TransferStatus.None;
                assertEq(t.lp, address(0), "no filler");
            }
            assertEq(uint8(t.status), uint8(want), "transfer status");
        }
    }

    function checkAll() internal view {
        checkTokensBackClaims();
        checkBooks();
        checkTransferStates();
    }
}

/// forge-config: default.invariant.runs = 48
/// forge-config: default.invariant.depth = 60
/// forge-config: default.invariant.fail-on-revert = true
contract CollateralVaultInvariantTest is VaultAccountingChecks {
    function setUp() public override {
        super.setUp();
        bytes4[] memory selectors = new bytes4[](9);
        selectors[0] = VaultHandler.deposit.selector;
        selectors[1] = VaultHandler.withdraw.selector;
        selectors[2] = VaultHandler.moveMargin.selector;
        selectors[3] = VaultHandler.deliver.selector;
        selectors[4] = VaultHandler.fastFill.selector;
        selectors[5] = VaultHandler.addLiquidity.selector;
        selectors[6] = VaultHandler.removeLiquidity.selector;
        selectors[7] = VaultHandler.togglePause.selector;
        selectors[8] = VaultHandler.replay.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
        targetContract(address(handler));
    }

    function invariant_tokensBackClaims() public view {
        checkTokensBackClaims();
    }

    function invariant_books() public view {
        checkBooks();
    }

    function invariant_transferStates() public view {
        checkTransferStates();
    }
}

/// @notice The same checks after every step of a fuzzed sequence of actions (a second, seed-driven
/// exploration that also runs the checks mid-sequence, then drains everything in flight).
contract CollateralVaultSequenceTest is VaultAccountingChecks {
    function testFuzz_randomSequence(uint256 seed) public {
        for (uint256 step = 0; step < 40; step++) {
            uint256 r = uint256(keccak256(abi.encode(seed, step)));
            uint256 a = uint256(keccak256(abi.encode(r, "a")));
            uint256 b = uint256(keccak256(abi.encode(r, "b")));
            uint256 op = r % 16;
            if (op < 3) handler.deposit(a, b);
            else if (op < 5) handler.withdraw(a, b);
            else if (op < 8) handler.moveMargin(a, b);
            else if (op < 10) handler.deliver(a);
            else if (op < 12) handler.fastFill(a, b);
            else if (op == 12) handler.addLiquidity(a, b);
            else if (op == 13) handler.removeLiquidity(a, b);
            else if (op == 14) handler.togglePause(a);
            else handler.replay(a, b);
            checkAll();
        }
        // Everything in flight lands, paused or not; then nothing is in flight or lent.
        for (uint256 i = 0; i < handler.pendingCount(); i++) {
            handler.deliver(i);
        }
        assertEq(handler.inFlight(), 0);
        assertEq(vaultA.totalLent() + vaultB.totalLent(), 0);
        checkAll();
    }
}
