// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Owned} from "./access/Owned.sol";
import {IMailbox} from "./interfaces/IMailbox.sol";
import {IMessageRecipient} from "./interfaces/IMessageRecipient.sol";

/// @notice The part of ERC-20 the vault uses.
interface IERC20 {
    function balanceOf(address account) external view returns (uint256);
    function transfer(address to, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

/// @notice Margin accounts for one token on one chain, connected to the same vault on other chains
/// through a Hyperlane v3 Mailbox: the liquidity under the router's unified margin.
///
/// Accounts `deposit` tokens as margin, `withdraw` them, and `moveMargin` to a remote vault: the
/// margin is debited here and a collateral message credits it to the recipient there on arrival.
/// Liquidity providers `addLiquidity`; an LP may `fastFill` an in-flight message (given its exact
/// bytes) to credit the recipient at once from its own liquidity, and is repaid, exactly once, when
/// the message arrives. Tokens stay pooled: a vault's balance backs the claims of every vault of
/// the route together (what one vault locks another releases); the router and LPs keep each side
/// stocked, and a withdrawal beyond this vault's balance fails in the token's transfer.
/// Fee-on-transfer and rebasing tokens are not supported.
///
/// Collateral message body (abi.encodePacked, warp-route layout; core/message.hpp CollateralBody):
///
///     offset  size  field
///          0    32  bytes32 recipient   left-padded EVM address of the account credited
///         32    32  uint256 amount      big-endian
///         64     *  bytes   metadata    action tag byte, then the action's abi.encode'd fields
///
/// Actions (metadata[0]):
///
///     1 CREDIT_MARGIN  metadata = 0x01 | abi.encode(uint32 nonce, bytes32 originAccount)
///                      (65 bytes, so the body is exactly 129 bytes):
///          64     1  uint8   action = 1
///          65    32  uint32  nonce, right-aligned in a word: the origin Mailbox nonce of this very
///                            message, which lets `handle` recompute the message id (the Mailbox
///                            passes only origin, sender and body)
///          97    32  bytes32 originAccount: left-padded address whose margin was debited on origin
///                      On arrival: the recipient's margin is credited, or, if an LP fast-filled
///                      the message, the LP's liquidity is repaid instead.
///     2 RELEASE, 3 REPAY_LP  reserved for moving pooled tokens back and repaying LPs across
///                      chains; this version neither sends nor accepts them.
///
/// Any other tag, or a body of another length, makes `handle` revert: the message stays undelivered
/// (funds in flight) until a vault that understands it is deployed, rather than being misread.
contract CollateralVault is Owned, IMessageRecipient {
    /// Hyperlane v3 message version.
    uint8 public constant MESSAGE_VERSION = 3;
    uint8 public constant ACTION_CREDIT_MARGIN = 1;
    uint8 public constant ACTION_RELEASE = 2;
    uint8 public constant ACTION_REPAY_LP = 3;
    uint256 public constant CREDIT_MARGIN_BODY_LENGTH = 129;

    /// What this vault knows of a message addressed to it.
    enum TransferStatus {
        None, // not seen: neither fast-filled nor arrived
        FastFilled, // an LP credited the recipient; repays the LP on arrival
        Repaid, // arrived after a fast fill; the LP was repaid
        Credited // arrived without a fast fill; the recipient was credited
    }

    struct Transfer {
        address lp; // the LP that fast-filled, or zero
        uint32 origin;
        TransferStatus status;
        address recipient; // recorded for fast fills only
        uint256 amount; // recorded for fast fills only
    }

    IMailbox public immutable mailbox;
    IERC20 public immutable token;
    /// The Mailbox's domain, read once (a Mailbox's domain never changes).
    uint32 public immutable localDomain;

    /// The vault on each remote domain (bytes32: left-padded address); zero when not enrolled.
    mapping(uint32 domain => bytes32 vault) public remoteVault;
    mapping(address account => uint256) public marginOf;
    /// An LP's liquidity that is free: it may be removed or lent to a fast fill.
    mapping(address lp => uint256) public liquidityOf;
    /// An LP's liquidity lent to fast fills whose messages have not arrived yet.
    mapping(address lp => uint256) public lentOf;
    uint256 public totalMargin;
    /// Sum of liquidityOf: the liquidity available to fast fills.
    uint256 public totalLiquidity;
    /// Sum of lentOf.
    uint256 public totalLent;
    bool public paused;

    mapping(bytes32 messageId => Transfer) internal _transfers;
    uint256 private _lock = 1;

    event MarginDeposited(address indexed account, uint256 amount);
    event MarginWithdrawn(address indexed account, uint256 amount);
    /// `account`'s margin here was debited; message `messageId` credits `recipient` on `destination`.
    event MarginMoved(
        bytes32 indexed messageId,
        uint32 indexed destination,
        bytes32 recipient,
        uint256 amount,
        address indexed account
    );
    /// `recipient`'s margin was credited for `messageId`: once per message, at the fast fill or else
    /// on arrival.
    event MarginCredited(bytes32 indexed messageId, address indexed recipient, uint256 amount);
    event FastFilled(
        bytes32 indexed messageId, address indexed lp, address indexed recipient, uint256 amount
    );
    event FastFillRepaid(bytes32 indexed messageId, address indexed lp, uint256 amount);
    event LiquidityAdded(address indexed lp, uint256 amount);
    event LiquidityRemoved(address indexed lp, uint256 amount);
    event RemoteVaultEnrolled(uint32 indexed domain, bytes32 vault);
    event Paused(address indexed by);
    event Unpaused(address indexed by);

    error NotMailbox(address caller);
    error UnknownOriginVault(uint32 origin, bytes32 sender);
    error UnknownDestination(uint32 destination);
    error InvalidDomain(uint32 domain);
    error InvalidRecipient(bytes32 recipient);
    error ZeroAmount();
    error InsufficientMargin(uint256 available, uint256 requested);
    error InsufficientLiquidity(uint256 available, uint256 requested);
    error VaultPaused();
    error Reentrancy();
    error TokenTransferFailed();
    error UnexpectedValue();
    error DispatchIdMismatch(bytes32 expected, bytes32 actual);
    /// Shorter than a message header, or not version 3.
    error MalformedMessage();
    error WrongDestination(uint32 destination);
    error WrongRecipient(bytes32 recipient);
    /// Not a credit-margin body this vault can read.
    error MalformedBody();
    error UnsupportedAction(uint8 action);
    error AlreadyFilled(bytes32 messageId);
    error AlreadyArrived(bytes32 messageId);

    constructor(IMailbox mailbox_, IERC20 token_, address owner_, address guardian_)
        Owned(owner_, guardian_)
    {
        if (address(mailbox_) == address(0) || address(token_) == address(0)) {
            revert ZeroAddress();
        }
        mailbox = mailbox_;
        token = token_;
        localDomain = mailbox_.localDomain();
    }

    modifier nonReentrant() {
        if (_lock != 1) revert Reentrancy();
        _lock = 2;
        _;
        _lock = 1;
    }

    modifier whenNotPaused() {
        if (paused) revert VaultPaused();
        _;
    }

    // ------------------------------------------------------------------ administration

    /// Names the vault on `domain` (zero un-enrolls it: its messages then wait undelivered).
    function enrollRemoteVault(uint32 domain, bytes32 vault) external onlyOwner {
        if (domain == localDomain) revert InvalidDomain(domain);
        remoteVault[domain] = vault;
        emit RemoteVaultEnrolled(domain, vault);
    }

    /// Stops moveMargin and fastFill (guardian or owner). Deposits, withdrawals, liquidity and
    /// arrivals go on: funds in flight must land, and accounts may always leave.
    function pause() external onlyGuardian {
        paused = true;
        emit Paused(msg.sender);
    }

    function unpause() external onlyOwner {
        paused = false;
        emit Unpaused(msg.sender);
    }

    // ------------------------------------------------------------------ margin

    /// Pulls `amount` tokens from the caller (approve first) into its margin.
    function deposit(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        _pull(msg.sender, amount);
        marginOf[msg.sender] += amount;
        totalMargin += amount;
        emit MarginDeposited(msg.sender, amount);
    }

    function withdraw(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        _debitMargin(msg.sender, amount);
        _push(msg.sender, amount);
        emit MarginWithdrawn(msg.sender, amount);
    }

    /// Debits `amount` of the caller's margin here and sends it to `recipient`'s margin in the vault
    /// on `destination`. Any value pays the Mailbox's dispatch fee.
    /// @return messageId the id of the collateral message (the key of fastFill and of delivery)
    function moveMargin(uint32 destination, uint256 amount, bytes32 recipient)
        external
        payable
        nonReentrant
        whenNotPaused
        returns (bytes32 messageId)
    {
        if (amount == 0) revert ZeroAmount();
        bytes32 remote = remoteVault[destination];
        if (remote == bytes32(0)) revert UnknownDestination(destination);
        if (recipient == bytes32(0) || uint256(recipient) >> 160 != 0) revert InvalidRecipient(recipient);
        _debitMargin(msg.sender, amount);

        // The Mailbox numbers this message with its current nonce (Hyperlane v3 increments after).
        uint32 nonce = mailbox.nonce();
        bytes memory body = abi.encodePacked(
            recipient, amount, ACTION_CREDIT_MARGIN, abi.encode(nonce, _toBytes32(msg.sender))
        );
        bytes32 expected = keccak256(
            abi.encodePacked(
                MESSAGE_VERSION, nonce, localDomain, _toBytes32(address(this)), destination, remote, body
            )
        );
        messageId = mailbox.dispatch{value: msg.value}(destination, remote, body);
        // The destination recomputes this id from the nonce in the body; they must agree.
        if (messageId != expected) revert DispatchIdMismatch(expected, messageId);
        emit MarginMoved(messageId, destination, recipient, amount, msg.sender);
    }

    // ------------------------------------------------------------------ liquidity

    function addLiquidity(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        _pull(msg.sender, amount);
        liquidityOf[msg.sender] += amount;
        totalLiquidity += amount;
        emit LiquidityAdded(msg.sender, amount);
    }

    /// Removes free liquidity only: what is lent to unrepaid fast fills stays until they arrive.
    function removeLiquidity(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        uint256 available = liquidityOf[msg.sender];
        if (available < amount) revert InsufficientLiquidity(available, amount);
        unchecked {
            liquidityOf[msg.sender] = available - amount;
            totalLiquidity -= amount; // >= liquidityOf[msg.sender]
        }
        _push(msg.sender, amount);
        emit LiquidityRemoved(msg.sender, amount);
    }

    /// Credits the recipient of an in-flight collateral message now, from the caller's liquidity;
    /// the caller is repaid when the message arrives. `message` is the exact v3 message the origin
    /// Mailbox dispatched (from its Dispatch event): the vault checks it is addressed to this vault
    /// by the enrolled vault of its origin and computes its id itself, so a fill can only ever match
    /// the message it names. The LP's risk is a message that was never dispatched (check the origin
    /// Mailbox's `dispatched(id)`) or whose route stays paused.
    function fastFill(bytes calldata message)
        external
        nonReentrant
        whenNotPaused
        returns (bytes32 messageId)
    {
        if (message.length < 77 || uint8(message[0]) != MESSAGE_VERSION) {
            revert MalformedMessage();
        }
        uint32 destination = uint32(bytes4(message[41:45]));
        if (destination != localDomain) revert WrongDestination(destination);
        bytes32 to = bytes32(message[45:77]);
        if (to != _toBytes32(address(this))) revert WrongRecipient(to);
        uint32 origin = uint32(bytes4(message[5:9]));
        _checkOriginVault(origin, bytes32(message[9:41]));
        (address recipient, uint256 amount, uint32 nonce) = _decodeCreditBody(message[77:]);
        if (nonce != uint32(bytes4(message[1:5]))) revert MalformedBody();
        if (amount == 0) revert ZeroAmount();

        messageId = keccak256(message);
        Transfer storage t = _transfers[messageId];
        if (t.status == TransferStatus.Credited) revert AlreadyArrived(messageId);
        if (t.status != TransferStatus.None) revert AlreadyFilled(messageId);

        uint256 available = liquidityOf[msg.sender];
        if (available < amount) revert InsufficientLiquidity(available, amount);
        unchecked {
            liquidityOf[msg.sender] = available - amount;
            totalLiquidity -= amount;
        }
        lentOf[msg.sender] += amount;
        totalLent += amount;
        marginOf[recipient] += amount;
        totalMargin += amount;
        t.lp = msg.sender;
        t.origin = origin;
        t.status = TransferStatus.FastFilled;
        t.recipient = recipient;
        t.amount = amount;
        emit FastFilled(messageId, msg.sender, recipient, amount);
        emit MarginCredited(messageId, recipient, amount);
    }

    // ------------------------------------------------------------------ arrival

    /// The Mailbox delivers a collateral message from the vault on `origin`. Works while paused.
    function handle(uint32 origin, bytes32 sender, bytes calldata body) external payable nonReentrant {
        if (msg.sender != address(mailbox)) revert NotMailbox(msg.sender);
        if (msg.value != 0) revert UnexpectedValue();
        _checkOriginVault(origin, sender);
        (address recipient, uint256 amount, uint32 nonce) = _decodeCreditBody(body);
        // The Mailbox checked destination == localDomain and called its recipient, this vault; the
        // sending vault put the message's own nonce in the body. So this is the message's id.
        bytes32 messageId = keccak256(
            abi.encodePacked(
                MESSAGE_VERSION, nonce, origin, sender, localDomain, _toBytes32(address(this)), body
            )
        );
        Transfer storage t = _transfers[messageId];
        TransferStatus status = t.status;
        if (status == TransferStatus.FastFilled) {
            // The recipient already has the margin; the arriving amount goes back to the LP.
            // t.amount == amount: the id commits to the body.
            address lp = t.lp;
            t.status = TransferStatus.Repaid;
            lentOf[lp] -= amount;
            totalLent -= amount;
            liquidityOf[lp] += amount;
            totalLiquidity += amount;
            emit FastFillRepaid(messageId, lp, amount);
        } else if (status == TransferStatus.None) {
            t.origin = origin;
            t.status = TransferStatus.Credited;
            marginOf[recipient] += amount;
            totalMargin += amount;
            emit MarginCredited(messageId, recipient, amount);
        } else {
            revert AlreadyArrived(messageId); // the Mailbox refuses replays; never pay twice regardless
        }
    }

    // ------------------------------------------------------------------ views

    function transferOf(bytes32 messageId) external view returns (Transfer memory) {
        return _transfers[messageId];
    }

    // ------------------------------------------------------------------ internals

    function _checkOriginVault(uint32 origin, bytes32 sender) internal view {
        bytes32 remote = remoteVault[origin];
        if (remote == bytes32(0) || remote != sender) revert UnknownOriginVault(origin, sender);
    }

    /// Reads a CREDIT_MARGIN body (layout in the contract's NatSpec).
    function _decodeCreditBody(bytes calldata body)
        internal
        pure
        returns (address recipient, uint256 amount, uint32 nonce)
    {
        if (body.length < 65) revert MalformedBody();
        uint8 action = uint8(body[64]);
        if (action != ACTION_CREDIT_MARGIN) revert UnsupportedAction(action);
        if (body.length != CREDIT_MARGIN_BODY_LENGTH) revert MalformedBody();
        bytes32 to = bytes32(body[0:32]);
        uint256 nonceWord = uint256(bytes32(body[65:97]));
        if (uint256(to) >> 160 != 0 || to == bytes32(0) || nonceWord > type(uint32).max) {
            revert MalformedBody();
        }
        recipient = address(uint160(uint256(to)));
        amount = uint256(bytes32(body[32:64]));
        // casting to uint32 is safe because nonceWord <= type(uint32).max was checked above
        // forge-lint: disable-next-line(unsafe-typecast)
        nonce = uint32(nonceWord);
    }

    function _debitMargin(address account, uint256 amount) internal {
        uint256 available = marginOf[account];
        if (available < amount) revert InsufficientMargin(available, amount);
        unchecked {
            marginOf[account] = available - amount;
            totalMargin -= amount; // >= marginOf[account]
        }
    }

    function _pull(address from, uint256 amount) internal {
        _callToken(abi.encodeCall(IERC20.transferFrom, (from, address(this), amount)));
    }

    function _push(address to, uint256 amount) internal {
        _callToken(abi.encodeCall(IERC20.transfer, (to, amount)));
    }

    /// Accepts tokens that return true or nothing (USDT-style); refuses false, reverts and non-contracts.
    function _callToken(bytes memory data) private {
        (bool ok, bytes memory ret) = address(token).call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret)) // bubble the token's reason (and a reentrancy revert)
            }
        }
        if (ret.length == 0 ? address(token).code.length == 0 : !abi.decode(ret, (bool))) {
            revert TokenTransferFailed();
        }
    }

    function _toBytes32(address a) private pure returns (bytes32) {
        return bytes32(uint256(uint160(a)));
    }
}
