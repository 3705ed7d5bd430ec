// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Owned} from "./access/Owned.sol";
import {IMailbox} from "./interfaces/IMailbox.sol";
import {
    IInterchainSecurityModule,
    ISpecifiesInterchainSecurityModule
} from "./interfaces/IInterchainSecurityModule.sol";
import {IMessageRecipient} from "./interfaces/IMessageRecipient.sol";
import {Message} from "./libs/Message.sol";
import {MerkleLib} from "./libs/MerkleLib.sol";
import {TypeCasts} from "./libs/TypeCasts.sol";

/// @title Mailbox
/// @notice causeway's Mailbox: Hyperlane v3 messages, events and `process`, the merkle tree of
/// dispatched ids kept in the Mailbox itself (so the Mailbox is the checkpoints' merkle-tree hook:
/// validators sign with merkleTreeHook = bytes32(address(this))), a `dispatched` mapping a light
/// client can prove by storage slot, and a batch entry point that isolates failures.
///
/// Storage layout (a light client proves dispatch by a storage proof; the forge test checks it):
///
///     slot 0       owner            (Owned)
///     slot 1       pendingOwner     (Owned)
///     slot 2       guardian         (Owned)
///     slot 3       dispatched       mapping(bytes32 => bool): dispatched[id] lives at
///                                   keccak256(abi.encode(id, uint256(3))) and holds 1
///     slot 4       delivered        mapping(bytes32 => bool)
///     slot 5       defaultIsm (20 bytes) | nonce (uint32, next 4 bytes)
///     slots 6..37  tree.branch[0..31]
///     slot 38      tree.count
///     slot 39      reentrancy lock
contract Mailbox is IMailbox, Owned {
    using Message for bytes;
    using MerkleLib for MerkleLib.Tree;
    using TypeCasts for address;
    using TypeCasts for bytes32;

    /// The storage slot of the `dispatched` mapping: dispatched[id] is at
    /// keccak256(abi.encode(id, DISPATCHED_SLOT)).
    uint256 public constant DISPATCHED_SLOT = 3;
    /// The storage slot of the `delivered` mapping, for the same kind of proof on the destination.
    uint256 public constant DELIVERED_SLOT = 4;
    uint8 public constant VERSION = 3;

    /// The domain this Mailbox serves: the origin of what it dispatches, the destination of what it
    /// processes.
    uint32 public immutable localDomain;

    // Declared first so that it takes slot 3, right after Owned's three slots (see above).
    /// @inheritdoc IMailbox
    mapping(bytes32 => bool) public dispatched;
    /// @inheritdoc IMailbox
    mapping(bytes32 => bool) public delivered;
    /// @inheritdoc IMailbox
    IInterchainSecurityModule public defaultIsm;
    /// @inheritdoc IMailbox
    uint32 public nonce;
    MerkleLib.Tree internal tree;
    uint256 private locked = 1; // 1: free, 2: inside process/processBatch

    event DefaultIsmSet(address indexed module);
    event FeesWithdrawn(address indexed to, uint256 amount);

    /// The message's version byte must be 3.
    error WrongVersion(uint8 version);
    /// The message must be addressed to this Mailbox's domain.
    error WrongDestination(uint32 destination);
    /// A message is delivered at most once.
    error AlreadyDelivered(bytes32 messageId);
    /// The security module must accept the metadata (when it returns false instead of reverting).
    error VerificationFailed(bytes32 messageId, address module);
    /// A security module is a contract.
    error IsmNotContract(address module);
    /// The recipient (the message's bytes32 recipient as an address) must be a contract.
    error RecipientNotContract(address recipient);
    /// process / processBatch cannot be entered again while one runs (e.g. from a recipient's handle).
    error Reentrancy();
    /// processOne is the batch's own entry point: only the Mailbox calls it.
    error OnlySelf(address caller);
    /// processBatch takes one metadata per message.
    error BatchLengthMismatch(uint256 metadataCount, uint256 messageCount);
    /// There is no checkpoint before the first dispatch.
    error NothingDispatched();
    /// A fee withdrawal must send its value.
    error WithdrawalFailed(address to, uint256 amount);

    modifier nonReentrant() {
        if (locked != 1) revert Reentrancy();
        locked = 2;
        _;
        locked = 1;
    }

    constructor(uint32 localDomain_, address owner_, address guardian_) Owned(owner_, guardian_) {
        localDomain = localDomain_;
    }

    // ----- configuration -----

    /// @notice The module used for recipients that do not name their own (owner only).
    function setDefaultIsm(address module) external onlyOwner {
        if (module.code.length == 0) revert IsmNotContract(module);
        defaultIsm = IInterchainSecurityModule(module);
        emit DefaultIsmSet(module);
    }

    /// @notice Sends the dispatch fees collected so far to `to` (owner only).
    function withdrawFees(address payable to) external onlyOwner {
        if (to == address(0)) revert ZeroAddress();
        uint256 amount = address(this).balance;
        emit FeesWithdrawn(to, amount);
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert WithdrawalFailed(to, amount);
    }

    /// @notice The module that verifies messages to `recipient`: its own `interchainSecurityModule()`
    /// when it implements ISpecifiesInterchainSecurityModule and returns a non-zero address, else the
    /// default. (Hyperlane's relayer calls this to build metadata.)
    function recipientIsm(address recipient) public view returns (IInterchainSecurityModule) {
        // Low-level staticcall: a recipient without the function, or one that reverts, gets the default.
        (bool ok, bytes memory ret) = recipient.staticcall(
            abi.encodeCall(ISpecifiesInterchainSecurityModule.interchainSecurityModule, ())
        );
        if (ok && ret.length >= 32) {
            address module = abi.decode(ret, (address));
            if (module != address(0)) return IInterchainSecurityModule(module);
        }
        return defaultIsm;
    }

    // ----- origin side -----

    /// @inheritdoc IMailbox
    /// @dev Message = version 3 | nonce | localDomain | msg.sender | destination | recipient | body.
    /// Value sent along is an optional relaying fee: the Mailbox keeps it for the owner to withdraw.
    function dispatch(uint32 destination, bytes32 recipient, bytes calldata body)
        external
        payable
        returns (bytes32 messageId)
    {
        bytes memory message = Message.format(
            VERSION, nonce, localDomain, msg.sender.addressToBytes32(), destination, recipient, body
        );
        nonce += 1;
        messageId = keccak256(message);
        dispatched[messageId] = true;
        tree.insert(messageId);
        emit Dispatch(msg.sender, destination, recipient, message);
        emit DispatchId(messageId);
    }

    /// @inheritdoc IMailbox
    function root() external view returns (bytes32) {
        return tree.root();
    }

    /// @inheritdoc IMailbox
    function count() external view returns (uint32) {
        // casting to 'uint32' is safe because the tree holds at most 2^32 - 1 leaves
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint32(tree.count);
    }

    /// @inheritdoc IMailbox
    /// @dev index = count - 1; reverts NothingDispatched before the first dispatch.
    function latestCheckpoint() external view returns (bytes32, uint32) {
        uint256 n = tree.count;
        if (n == 0) revert NothingDispatched();
        // casting to 'uint32' is safe because the tree holds at most 2^32 - 1 leaves
        // forge-lint: disable-next-line(unsafe-typecast)
        return (tree.root(), uint32(n - 1));
    }

    // ----- destination side -----

    /// @inheritdoc IMailbox
    function process(bytes calldata metadata, bytes calldata message) external payable nonReentrant {
        _process(metadata, message, msg.value);
    }

    /// @inheritdoc IMailbox
    /// @dev An id already delivered (before or earlier in this batch) is AlreadyDelivered and not
    /// attempted. Each other message is attempted through `this.processOne`, so its failure rolls
    /// back only its own effects; it is Rejected and ProcessFailed(id, revert data) is emitted.
    /// Recipients' handle receives no value in a batch.
    function processBatch(bytes[] calldata metadata, bytes[] calldata messages)
        external
        nonReentrant
        returns (Outcome[] memory outcomes)
    {
        if (metadata.length != messages.length) {
            revert BatchLengthMismatch(metadata.length, messages.length);
        }
        outcomes = new Outcome[](messages.length);
        for (uint256 i = 0; i < messages.length; ++i) {
            bytes32 id = keccak256(messages[i]);
            if (delivered[id]) {
                outcomes[i] = Outcome.AlreadyDelivered;
                continue;
            }
            try this.processOne(metadata[i], messages[i]) {
                outcomes[i] = Outcome.Delivered;
            } catch (bytes memory reason) {
                outcomes[i] = Outcome.Rejected;
                emit ProcessFailed(id, reason);
            }
        }
    }

    /// @notice One message of a batch; callable only by the Mailbox itself (from processBatch, which
    /// holds the reentrancy lock).
    function processOne(bytes calldata metadata, bytes calldata message) external {
        if (msg.sender != address(this)) revert OnlySelf(msg.sender);
        _process(metadata, message, 0);
    }

    /// Checks, then effects (delivered, events), then interactions (verify, handle), as Hyperlane does.
    function _process(bytes calldata metadata, bytes calldata message, uint256 value) internal {
        message.requireWellFormed();
        if (message.version() != VERSION) revert WrongVersion(message.version());
        if (message.destination() != localDomain) revert WrongDestination(message.destination());
        bytes32 id = keccak256(message);
        if (delivered[id]) revert AlreadyDelivered(id);

        address recipient = message.recipientAddress();
        if (recipient.code.length == 0) revert RecipientNotContract(recipient);
        IInterchainSecurityModule ism = recipientIsm(recipient);
        if (address(ism).code.length == 0) revert IsmNotContract(address(ism));

        delivered[id] = true;
        emit Process(message.origin(), message.sender(), recipient);
        emit ProcessId(id);

        if (!ism.verify(metadata, message)) revert VerificationFailed(id, address(ism));
        IMessageRecipient(recipient).handle{value: value}(message.origin(), message.sender(), message.body());
    }
}
