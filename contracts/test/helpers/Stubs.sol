// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {
    IInterchainSecurityModule,
    ISpecifiesInterchainSecurityModule
} from "../../src/interfaces/IInterchainSecurityModule.sol";
import {IMessageRecipient} from "../../src/interfaces/IMessageRecipient.sol";
import {IMailbox} from "../../src/interfaces/IMailbox.sol";

/// @notice A security module whose answer the metadata chooses: first byte 0x01 accepts, 0x02
/// reverts StubRejected, anything else (or nothing) returns false. Counts its accepting calls.
contract StubIsm is IInterchainSecurityModule {
    uint256 public accepted;

    error StubRejected();

    function moduleType() external pure returns (uint8) {
        return uint8(Types.NULL);
    }

    function verify(bytes calldata metadata, bytes calldata) external returns (bool) {
        if (metadata.length > 0 && metadata[0] == 0x02) revert StubRejected();
        if (metadata.length > 0 && metadata[0] == 0x01) {
            ++accepted;
            return true;
        }
        return false;
    }
}

/// @notice Records what the Mailbox hands it; may name its own security module; may be told to fail.
contract TestRecipient is IMessageRecipient, ISpecifiesInterchainSecurityModule {
    IInterchainSecurityModule public interchainSecurityModule;
    uint32 public lastOrigin;
    bytes32 public lastSender;
    bytes public lastBody;
    uint256 public lastValue;
    uint256 public handled;
    bool public fail;

    error HandleFailed();

    function setIsm(IInterchainSecurityModule module) external {
        interchainSecurityModule = module;
    }

    function setFail(bool fail_) external {
        fail = fail_;
    }

    function handle(uint32 origin, bytes32 sender, bytes calldata body) external payable {
        if (fail) revert HandleFailed();
        lastOrigin = origin;
        lastSender = sender;
        lastBody = body;
        lastValue = msg.value;
        ++handled;
    }
}

/// @notice A recipient without ISpecifiesInterchainSecurityModule (the Mailbox's default applies).
contract PlainRecipient is IMessageRecipient {
    uint256 public handled;

    function handle(uint32, bytes32, bytes calldata) external payable {
        ++handled;
    }
}

/// @notice On handle, tries to get the Mailbox to process another message (or call processOne).
contract ReentrantRecipient is IMessageRecipient {
    enum Mode {
        Process,
        ProcessBatch,
        ProcessOne
    }

    IMailbox public immutable mailbox;
    Mode public mode;
    bytes public innerMetadata;
    bytes public innerMessage;

    constructor(IMailbox mailbox_) {
        mailbox = mailbox_;
    }

    function arm(Mode mode_, bytes calldata metadata, bytes calldata message) external {
        mode = mode_;
        innerMetadata = metadata;
        innerMessage = message;
    }

    function handle(uint32, bytes32, bytes calldata) external payable {
        if (mode == Mode.Process) {
            mailbox.process(innerMetadata, innerMessage);
        } else if (mode == Mode.ProcessBatch) {
            bytes[] memory metadata = new bytes[](1);
            bytes[] memory messages = new bytes[](1);
            metadata[0] = innerMetadata;
            messages[0] = innerMessage;
            mailbox.processBatch(metadata, messages);
        } else {
            (bool ok, bytes memory ret) = address(mailbox)
                .call(abi.encodeWithSignature("processOne(bytes,bytes)", innerMetadata, innerMessage));
            if (!ok) {
                assembly {
                    revert(add(ret, 32), mload(ret))
                }
            }
        }
    }
}
