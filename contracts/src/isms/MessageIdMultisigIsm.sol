// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Owned} from "../access/Owned.sol";
import {IInterchainSecurityModule} from "../interfaces/IInterchainSecurityModule.sol";
import {CheckpointLib} from "../libs/CheckpointLib.sol";
import {Message} from "../libs/Message.sol";

/// @title MessageIdMultisigIsm
/// @notice m-of-n committee signatures over a checkpoint with a message id (Hyperlane v3's
/// message-id multisig ISM; light-clients/committee/checkpoint.hpp is the off-chain twin and
/// reports the same rules).
///
/// Metadata: `bytes32 merkleTreeHook | bytes32 root | uint32 index | n x 65-byte (r, s, v)`, the
/// signatures in validator-set order. The digest is CheckpointLib.digest(message origin, hook,
/// root, index, message id). The first `threshold` signatures are recovered (further ones are
/// ignored) and their signers must appear in the ordered validator list as a strictly increasing
/// subsequence, so a repeated or out-of-order signer fails.
contract MessageIdMultisigIsm is IInterchainSecurityModule, Owned {
    using Message for bytes;

    /// Hyperlane's limits: thresholds are uint8, so no set needs more validators.
    uint256 public constant MAX_VALIDATORS = 255;
    uint256 private constant METADATA_PREFIX = 68; // hook + root + index
    uint256 private constant SIGNATURE_LENGTH = 65;
    /// secp256k1n / 2: a larger s is the malleable twin of a valid signature (EIP-2).
    uint256 private constant HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    struct ValidatorSet {
        address[] validators;
        uint8 threshold;
    }

    mapping(uint32 => ValidatorSet) internal sets;

    event ValidatorsSet(uint32 indexed origin, address[] validators, uint8 threshold);
    event ValidatorsCleared(uint32 indexed origin);

    // Configuration rules (as committee::ValidatorSet::create).
    error EmptyValidatorSet();
    error TooManyValidators(uint256 count);
    error ZeroThreshold();
    error ThresholdAboveSize(uint8 threshold, uint256 count);
    error ZeroValidator(uint256 position);
    error DuplicateValidator(address validator);

    // Verification rules (as committee::Verdict).
    /// The message's origin has no validator set.
    error UnknownOrigin(uint32 origin);
    /// Metadata is hook | root | u32 index | whole 65-byte signatures.
    error MalformedMetadata(uint256 length);
    /// At least `threshold` signatures.
    error ThresholdNotMet(uint256 signatures, uint8 threshold);
    /// v is 27 or 28 and the signature recovers a key.
    error SignatureInvalid(uint256 position);
    /// s is at most secp256k1n / 2 (EIP-2).
    error SignatureHighS(uint256 position);
    /// Every signer is in the validator set (a signature over another digest lands here too).
    error SignerNotValidator(uint256 position, address signer);
    /// A validator counts once.
    error DuplicateSigner(uint256 position, address signer);
    /// Signatures follow the validator-set order.
    error SignersOutOfOrder(uint256 position, address signer);

    constructor(address owner_, address guardian_) Owned(owner_, guardian_) {}

    // ----- configuration -----

    /// @notice Sets the ordered validator list and threshold for messages from `origin` (owner only).
    function setValidators(uint32 origin, address[] calldata validators, uint8 threshold) external onlyOwner {
        uint256 n = validators.length;
        if (n == 0) revert EmptyValidatorSet();
        if (n > MAX_VALIDATORS) revert TooManyValidators(n);
        if (threshold == 0) revert ZeroThreshold();
        if (threshold > n) revert ThresholdAboveSize(threshold, n);
        for (uint256 i = 0; i < n; ++i) {
            if (validators[i] == address(0)) revert ZeroValidator(i);
            for (uint256 j = 0; j < i; ++j) {
                if (validators[j] == validators[i]) revert DuplicateValidator(validators[i]);
            }
        }
        sets[origin] = ValidatorSet(validators, threshold);
        emit ValidatorsSet(origin, validators, threshold);
    }

    /// @notice Removes the set for `origin`: its messages fail with UnknownOrigin (owner only).
    function clearValidators(uint32 origin) external onlyOwner {
        delete sets[origin];
        emit ValidatorsCleared(origin);
    }

    // ----- views -----

    /// @notice IInterchainSecurityModule.Types.MESSAGE_ID_MULTISIG (5).
    function moduleType() external pure returns (uint8) {
        return uint8(Types.MESSAGE_ID_MULTISIG);
    }

    /// @notice The validators (in signing order) and threshold for `message`'s origin; an empty list
    /// and 0 when the origin is unknown. (Hyperlane's relayer calls this to gather signatures.)
    function validatorsAndThreshold(bytes calldata message) external view returns (address[] memory, uint8) {
        message.requireWellFormed();
        ValidatorSet storage set = sets[message.origin()];
        return (set.validators, set.threshold);
    }

    /// @notice The same, by origin domain.
    function validatorsAndThresholdFor(uint32 origin) external view returns (address[] memory, uint8) {
        ValidatorSet storage set = sets[origin];
        return (set.validators, set.threshold);
    }

    // ----- verification -----

    /// @notice True when `metadata` carries `threshold` ordered validator signatures over the
    /// checkpoint digest of `message`; otherwise reverts with the first rule broken.
    function verify(bytes calldata metadata, bytes calldata message) external view returns (bool) {
        message.requireWellFormed();
        uint32 origin = message.origin();
        ValidatorSet storage set = sets[origin];
        uint8 threshold = set.threshold;
        if (threshold == 0) revert UnknownOrigin(origin);

        if (metadata.length < METADATA_PREFIX || (metadata.length - METADATA_PREFIX) % SIGNATURE_LENGTH != 0)
        {
            revert MalformedMetadata(metadata.length);
        }
        uint256 signatures = (metadata.length - METADATA_PREFIX) / SIGNATURE_LENGTH;
        if (signatures < threshold) revert ThresholdNotMet(signatures, threshold);

        _checkSigners(_digest(metadata, message, origin), metadata, set.validators, threshold);
        return true;
    }

    /// The checkpoint digest the metadata's signatures must be over.
    function _digest(bytes calldata metadata, bytes calldata message, uint32 origin)
        private
        pure
        returns (bytes32)
    {
        return CheckpointLib.digest(
            origin,
            bytes32(metadata[0:32]),
            bytes32(metadata[32:64]),
            uint32(bytes4(metadata[64:68])),
            keccak256(message)
        );
    }

    /// Recovers the first `threshold` signatures and walks the ordered set once.
    function _checkSigners(
        bytes32 digest,
        bytes calldata metadata,
        address[] memory validators,
        uint8 threshold
    ) private pure {
        uint256 n = validators.length;
        uint256 next = 0; // validators before `next` are counted or skipped
        uint256[] memory counted = new uint256[](threshold); // positions counted, to name a failure
        for (uint256 i = 0; i < threshold; ++i) {
            address signer = _recover(digest, metadata, i);
            uint256 from = next;
            while (next < n && validators[next] != signer) ++next;
            if (next == n) _refuse(validators, counted, from, i, signer);
            counted[i] = next;
            ++next;
        }
    }

    /// The signer of the `i`-th signature, or a revert naming why there is none.
    function _recover(bytes32 digest, bytes calldata metadata, uint256 i)
        private
        pure
        returns (address signer)
    {
        uint256 start = METADATA_PREFIX + i * SIGNATURE_LENGTH;
        bytes32 r = bytes32(metadata[start:start + 32]);
        bytes32 s = bytes32(metadata[start + 32:start + 64]);
        uint8 v = uint8(metadata[start + 64]);
        if (v != 27 && v != 28) revert SignatureInvalid(i);
        if (uint256(s) > HALF_ORDER) revert SignatureHighS(i);
        signer = ecrecover(digest, v, r, s);
        if (signer == address(0)) revert SignatureInvalid(i);
    }

    /// `signer` was not found from position `from` on: it is behind (a repeat or a wrong order) or
    /// nowhere in the set.
    function _refuse(
        address[] memory validators,
        uint256[] memory counted,
        uint256 from,
        uint256 i,
        address signer
    ) private pure {
        for (uint256 p = 0; p < from; ++p) {
            if (validators[p] != signer) continue;
            for (uint256 k = 0; k < i; ++k) {
                if (counted[k] == p) revert DuplicateSigner(i, signer);
            }
            revert SignersOutOfOrder(i, signer);
        }
        revert SignerNotValidator(i, signer);
    }
}
