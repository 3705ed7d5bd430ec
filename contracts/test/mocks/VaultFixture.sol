// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {CollateralVault, IERC20} from "../../src/CollateralVault.sol";
import {IMailbox} from "../../src/interfaces/IMailbox.sol";
import {TestERC20} from "../../src/test/TestERC20.sol";
import {MockMailbox} from "./MockMailbox.sol";

/// @notice Two chains in one EVM: domain A and domain B, each with a MockMailbox, a TestERC20 and
/// a CollateralVault, the vaults enrolled with each other. Messages cross by handing one mailbox's
/// outbox to the other's `deliver`.
abstract contract VaultFixture is Test {
    uint32 internal constant DOMAIN_A = 900_001;
    uint32 internal constant DOMAIN_B = 900_002;

    address internal owner = makeAddr("owner");
    address internal guardian = makeAddr("guardian");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal lp = makeAddr("lp");
    address internal lp2 = makeAddr("lp2");

    MockMailbox internal mbA;
    MockMailbox internal mbB;
    TestERC20 internal tokenA;
    TestERC20 internal tokenB;
    CollateralVault internal vaultA;
    CollateralVault internal vaultB;

    function setUp() public virtual {
        mbA = new MockMailbox(DOMAIN_A);
        mbB = new MockMailbox(DOMAIN_B);
        tokenA = new TestERC20("Collateral A", "COLA", 6);
        tokenB = new TestERC20("Collateral B", "COLB", 6);
        vaultA = new CollateralVault(IMailbox(address(mbA)), IERC20(address(tokenA)), owner, guardian);
        vaultB = new CollateralVault(IMailbox(address(mbB)), IERC20(address(tokenB)), owner, guardian);
        vm.startPrank(owner);
        vaultA.enrollRemoteVault(DOMAIN_B, b32(address(vaultB)));
        vaultB.enrollRemoteVault(DOMAIN_A, b32(address(vaultA)));
        vm.stopPrank();
    }

    function b32(address a) internal pure returns (bytes32) {
        return bytes32(uint256(uint160(a)));
    }

    /// Mints, approves and deposits `amount` into `vault` for `account`.
    function depositTo(CollateralVault vault, address account, uint256 amount) internal {
        TestERC20 t = TestERC20(address(vault.token()));
        t.mint(account, amount);
        vm.startPrank(account);
        t.approve(address(vault), amount);
        vault.deposit(amount);
        vm.stopPrank();
    }

    function addLiquidityTo(CollateralVault vault, address provider, uint256 amount) internal {
        TestERC20 t = TestERC20(address(vault.token()));
        t.mint(provider, amount);
        vm.startPrank(provider);
        t.approve(address(vault), amount);
        vault.addLiquidity(amount);
        vm.stopPrank();
    }

    /// `from` moves `amount` of its margin in vaultA to `to` on B; returns the id and the message.
    function moveAtoB(address from, uint256 amount, address to)
        internal
        returns (bytes32 id, bytes memory message)
    {
        vm.prank(from);
        id = vaultA.moveMargin(DOMAIN_B, amount, b32(to));
        message = mbA.outbox(mbA.outboxLength() - 1);
    }

    /// A v3 message, built field by field.
    function buildMessage(
        uint32 nonce,
        uint32 origin,
        bytes32 sender,
        uint32 destination,
        bytes32 recipient,
        bytes memory body
    ) internal pure returns (bytes memory) {
        return abi.encodePacked(uint8(3), nonce, origin, sender, destination, recipient, body);
    }

    /// A CREDIT_MARGIN body, built field by field.
    function creditBody(address recipient, uint256 amount, uint32 nonce, address account)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodePacked(b32(recipient), amount, uint8(1), uint256(nonce), b32(account));
    }
}
