// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Committee} from "./helpers/Committee.sol";
import {MessageIdMultisigIsm} from "../src/isms/MessageIdMultisigIsm.sol";
import {Owned} from "../src/access/Owned.sol";
import {CheckpointLib} from "../src/libs/CheckpointLib.sol";
import {Message} from "../src/libs/Message.sol";

contract MessageIdMultisigIsmTest is Committee {
    uint32 internal constant ORIGIN = 1000;
    uint32 internal constant DESTINATION = 2000;
    bytes32 internal constant HOOK = bytes32(uint256(0x11));
    bytes32 internal constant ROOT = bytes32(uint256(0x22));
    uint32 internal constant INDEX = 7;

    address internal owner = makeAddr("owner");
    address internal guardian = makeAddr("guardian");
    MessageIdMultisigIsm internal ism;

    uint256 internal constant K0 = 0xA11CE;
    uint256 internal constant K1 = 0xB0B;
    uint256 internal constant K2 = 0xCA201;
    uint256 internal constant STRANGER_KEY = 0xBAD;
    address[] internal validators;
    bytes internal message;
    bytes32 internal id;

    event ValidatorsSet(uint32 indexed origin, address[] validators, uint8 threshold);
    event ValidatorsCleared(uint32 indexed origin);

    function setUp() public {
        ism = new MessageIdMultisigIsm(owner, guardian);
        validators = [vm.addr(K0), vm.addr(K1), vm.addr(K2)];
        vm.prank(owner);
        ism.setValidators(ORIGIN, validators, 2);
        message =
            Message.format(3, 9, ORIGIN, bytes32(uint256(0xaa)), DESTINATION, bytes32(uint256(0xbb)), "hi");
        id = keccak256(message);
    }

    function meta(uint256[] memory keys) internal view returns (bytes memory) {
        return metadataFor(keys, ORIGIN, HOOK, ROOT, INDEX, id);
    }

    function digestOf(bytes32 messageId) internal pure returns (bytes32) {
        return CheckpointLib.digest(ORIGIN, HOOK, ROOT, INDEX, messageId);
    }

    function expectVerifyRevert(bytes memory metadata, bytes memory message_, bytes memory err) internal {
        vm.expectRevert(err);
        ism.verify(metadata, message_);
    }

    // ----- checkpoint digest -----

    /// The digest light-clients/committee computes for (origin 1000, hook 0x..11, root 0x..22,
    /// index 7, id 0x..33), printed by `causeway verify checkpoint` (build/bin/causeway) and by a
    /// throw-away program linked against build/light-clients.
    function test_digestMatchesCpp() public pure {
        bytes32 messageId = bytes32(uint256(0x33));
        assertEq(
            CheckpointLib.domainHash(ORIGIN, HOOK),
            0x8dc17f5af62589f50871d7a386f7df5f7e365aed1ccd33e8e7548932b9d9093e
        );
        assertEq(
            CheckpointLib.signingHash(ORIGIN, HOOK, ROOT, INDEX, messageId),
            0xa81e98b0e1b362aab2dc0b4fadfd091a2932b1fb4e604ce1d30a9e00c41bda91
        );
        assertEq(
            CheckpointLib.digest(ORIGIN, HOOK, ROOT, INDEX, messageId),
            0x8bd8925d2b00bde203549c91673dbee735c0e34ac0d6c33e6cc02ff0de520cfb
        );
    }

    /// /work/shared/vectors/hyperlane/domainHash.json (hyperlane-monorepo vectors/domainHash.json).
    function test_domainHashHyperlaneVectors() public pure {
        bytes32 mailbox = 0x0000000000000000000000002222222222222222222222222222222222222222;
        assertEq(
            CheckpointLib.domainHash(1, mailbox),
            0xbbca56eb98960a4637eb40486d9a069550dd70d9c185ed138516e8e33cf3d7e7
        );
        assertEq(
            CheckpointLib.domainHash(2, mailbox),
            0xa6a93d86d397028e41995d521ccbc270e6db2a2fc530dcb7f0135254f30c8424
        );
        assertEq(
            CheckpointLib.domainHash(3, mailbox),
            0xffb4fbe5142f55e07b5d44b3c7f565c5ef4b016551cbd7c23a92c91621aca06f
        );
    }

    /// /work/shared/vectors/hyperlane/multisigIsmMessageIdCheckpoint.json (Hyperlane's Sealevel
    /// multisig-ism test data): its signing hash, and its ethers-made signatures through verify.
    function test_sealevelVector() public {
        bytes memory m = Message.format(
            3,
            69,
            1234,
            0xafafafafafafafafafafafafafafafafafafafafafafafafafafafafafafafaf,
            4321,
            0xbebebebebebebebebebebebebebebebebebebebebebebebebebebebebebebebe,
            hex"00010203040506070809"
        );
        bytes32 hook = 0xabababababababababababababababababababababababababababababababab;
        bytes32 root = 0xcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd;
        assertEq(
            CheckpointLib.signingHash(1234, hook, root, 70, keccak256(m)),
            0x3fd308215a20af20b137372f8a69fd336ebf93d57d4076a7c46e13f315255257
        );
        address[] memory set = new address[](3);
        set[0] = 0xE3DCDBbc248cE191bDc271f3FCcd0d95911BFC5D;
        set[1] = 0xb25206874C24733F05CC0dD11924724A8E7175bd;
        set[2] = 0x28b8d0E2bBfeDe9071F8Ff3DaC9CcE3d3176DBd3;
        vm.prank(owner);
        ism.setValidators(1234, set, 2);
        bytes memory s0 =
            hex"081d398e1452ae12267f63f224d3037b4bb3f496cb55c14a2076c5e27ed944ad6d8e10d3164bc13b5820846a3f19e013e1c551b67a3c863882f7b951acdab96d1c";
        bytes memory s1 =
            hex"0c189e25dea6bb93292af16fd0516f3adc8a19556714c0b8d624016175bebcba7a5fe8218dad6fc86faeb8104fad8390ccdec989d992e852553ea6b61fbb2eda1b";
        bytes memory s2 =
            hex"5493449e8a09c1105195ecf913997de51bd50926a075ad98fe3e845e0a11126b5212a2cd1afdd35a44322146d31f8fa3d179d8a9822637d8db0e2fa8b3d292421b";
        bytes memory nonValidator =
            hex"c75dca903d963f30f169ba99c2554572108474c097bd40c2a29fbcf4739fdb564e795fce8e0ae3b860dfd4e0b3f93420ccb6454e87fa3235c8754a5437a78f781b";
        bytes memory prefix = abi.encodePacked(hook, root, uint32(70));

        assertTrue(ism.verify(bytes.concat(prefix, s0, s1), m));
        assertTrue(ism.verify(bytes.concat(prefix, s0, s2, nonValidator), m));
        expectVerifyRevert(
            bytes.concat(prefix, s1, s0),
            m,
            abi.encodeWithSelector(MessageIdMultisigIsm.SignersOutOfOrder.selector, 1, set[0])
        );
        // The file's non-validator signature does not recover to its stated address over this digest
        // (processor.rs made it over another checkpoint): it is refused as a non-validator all the same.
        (bool ok, bytes memory ret) =
            address(ism).call(abi.encodeCall(ism.verify, (bytes.concat(prefix, nonValidator, s0), m)));
        assertFalse(ok);
        assertEq(selectorOf(ret), MessageIdMultisigIsm.SignerNotValidator.selector);
        // Another message (nonce 420), same signatures: refused.
        bytes memory m420 = Message.format(
            3,
            420,
            1234,
            0xafafafafafafafafafafafafafafafafafafafafafafafafafafafafafafafaf,
            4321,
            0xbebebebebebebebebebebebebebebebebebebebebebebebebebebebebebebebe,
            hex"00010203040506070809"
        );
        (ok, ret) = address(ism).call(abi.encodeCall(ism.verify, (bytes.concat(prefix, s0, s1), m420)));
        assertFalse(ok);
        assertEq(selectorOf(ret), MessageIdMultisigIsm.SignerNotValidator.selector);
    }

    // ----- configuration -----

    function test_moduleType() public view {
        assertEq(ism.moduleType(), 5);
    }

    function test_validatorsAndThreshold() public view {
        (address[] memory vs, uint8 t) = ism.validatorsAndThreshold(message);
        assertEq(vs, validators);
        assertEq(t, 2);
        (vs, t) = ism.validatorsAndThresholdFor(ORIGIN);
        assertEq(vs, validators);
        assertEq(t, 2);
        (vs, t) = ism.validatorsAndThresholdFor(ORIGIN + 1);
        assertEq(vs.length, 0);
        assertEq(t, 0);
    }

    function test_setValidatorsEmitsAndReplaces() public {
        address[] memory vs = new address[](1);
        vs[0] = vm.addr(K2);
        vm.expectEmit(address(ism));
        emit ValidatorsSet(ORIGIN, vs, 1);
        vm.prank(owner);
        ism.setValidators(ORIGIN, vs, 1);
        (address[] memory got, uint8 t) = ism.validatorsAndThresholdFor(ORIGIN);
        assertEq(got, vs);
        assertEq(t, 1);
        assertTrue(ism.verify(meta(keys1(K2)), message));
    }

    function test_setValidatorsOnlyOwner() public {
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotOwner.selector, guardian));
        ism.setValidators(ORIGIN, validators, 1);
    }

    function test_setValidatorsRefusesBadSets() public {
        vm.startPrank(owner);
        address[] memory none = new address[](0);
        vm.expectRevert(MessageIdMultisigIsm.EmptyValidatorSet.selector);
        ism.setValidators(ORIGIN, none, 1);

        vm.expectRevert(MessageIdMultisigIsm.ZeroThreshold.selector);
        ism.setValidators(ORIGIN, validators, 0);

        vm.expectRevert(abi.encodeWithSelector(MessageIdMultisigIsm.ThresholdAboveSize.selector, 4, 3));
        ism.setValidators(ORIGIN, validators, 4);

        address[] memory withZero = new address[](2);
        withZero[0] = vm.addr(K0);
        vm.expectRevert(abi.encodeWithSelector(MessageIdMultisigIsm.ZeroValidator.selector, 1));
        ism.setValidators(ORIGIN, withZero, 1);

        address[] memory dup = new address[](3);
        (dup[0], dup[1], dup[2]) = (vm.addr(K0), vm.addr(K1), vm.addr(K0));
        vm.expectRevert(abi.encodeWithSelector(MessageIdMultisigIsm.DuplicateValidator.selector, vm.addr(K0)));
        ism.setValidators(ORIGIN, dup, 1);

        address[] memory many = new address[](256);
        for (uint256 i = 0; i < many.length; ++i) {
            many[i] = vm.addr(i + 1);
        }
        vm.expectRevert(abi.encodeWithSelector(MessageIdMultisigIsm.TooManyValidators.selector, 256));
        ism.setValidators(ORIGIN, many, 1);
        vm.stopPrank();
    }

    function test_clearValidators() public {
        vm.expectEmit(address(ism));
        emit ValidatorsCleared(ORIGIN);
        vm.prank(owner);
        ism.clearValidators(ORIGIN);
        expectVerifyRevert(
            meta(keys2(K0, K1)),
            message,
            abi.encodeWithSelector(MessageIdMultisigIsm.UnknownOrigin.selector, ORIGIN)
        );
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(Owned.NotOwner.selector, guardian));
        ism.clearValidators(ORIGIN);
    }

    // ----- verify: accepted -----

    function test_verifyAnyTwoInOrder() public view {
        assertTrue(ism.verify(meta(keys2(K0, K1)), message));
        assertTrue(ism.verify(meta(keys2(K0, K2)), message));
        assertTrue(ism.verify(meta(keys2(K1, K2)), message));
    }

    /// Only the first `threshold` signatures are recovered; further ones are not looked at.
    function test_verifyIgnoresSignaturesBeyondThreshold() public view {
        uint256[] memory keys = new uint256[](3);
        (keys[0], keys[1], keys[2]) = (K0, K1, K2);
        assertTrue(ism.verify(meta(keys), message));
        bytes memory md = bytes.concat(meta(keys2(K0, K2)), new bytes(65)); // a garbage third signature
        assertTrue(ism.verify(md, message));
    }

    // ----- verify: refused -----

    function test_unknownOrigin() public {
        bytes memory m = Message.format(3, 9, ORIGIN + 1, bytes32(0), DESTINATION, bytes32(0), "");
        expectVerifyRevert(
            meta(keys2(K0, K1)),
            m,
            abi.encodeWithSelector(MessageIdMultisigIsm.UnknownOrigin.selector, ORIGIN + 1)
        );
    }

    function test_messageTooShort() public {
        expectVerifyRevert(
            meta(keys2(K0, K1)), new bytes(76), abi.encodeWithSelector(Message.MessageTooShort.selector, 76)
        );
    }

    function test_malformedMetadata() public {
        expectVerifyRevert(
            new bytes(67),
            message,
            abi.encodeWithSelector(MessageIdMultisigIsm.MalformedMetadata.selector, 67)
        );
        bytes memory md = meta(keys2(K0, K1));
        bytes memory cut = new bytes(md.length - 1);
        for (uint256 i = 0; i < cut.length; ++i) {
            cut[i] = md[i];
        }
        expectVerifyRevert(
            cut, message, abi.encodeWithSelector(MessageIdMultisigIsm.MalformedMetadata.selector, cut.length)
        );
    }

    function test_tooFewSignatures() public {
        expectVerifyRevert(
            meta(keys1(K0)),
            message,
            abi.encodeWithSelector(MessageIdMultisigIsm.ThresholdNotMet.selector, 1, 2)
        );
        expectVerifyRevert(
            abi.encodePacked(HOOK, ROOT, INDEX),
            message,
            abi.encodeWithSelector(MessageIdMultisigIsm.ThresholdNotMet.selector, 0, 2)
        );
    }

    function test_wrongSigner() public {
        expectVerifyRevert(
            meta(keys2(K0, STRANGER_KEY)),
            message,
            abi.encodeWithSelector(MessageIdMultisigIsm.SignerNotValidator.selector, 1, vm.addr(STRANGER_KEY))
        );
    }

    function test_outOfOrder() public {
        expectVerifyRevert(
            meta(keys2(K1, K0)),
            message,
            abi.encodeWithSelector(MessageIdMultisigIsm.SignersOutOfOrder.selector, 1, vm.addr(K0))
        );
        expectVerifyRevert(
            meta(keys2(K2, K1)),
            message,
            abi.encodeWithSelector(MessageIdMultisigIsm.SignersOutOfOrder.selector, 1, vm.addr(K1))
        );
    }

    function test_duplicateSigner() public {
        expectVerifyRevert(
            meta(keys2(K1, K1)),
            message,
            abi.encodeWithSelector(MessageIdMultisigIsm.DuplicateSigner.selector, 1, vm.addr(K1))
        );
    }

    function test_highS() public {
        bytes32 d = digestOf(id);
        bytes memory md =
            bytes.concat(abi.encodePacked(HOOK, ROOT, INDEX), signRsv(K0, d), highS(signRsv(K1, d)));
        expectVerifyRevert(
            md, message, abi.encodeWithSelector(MessageIdMultisigIsm.SignatureHighS.selector, 1)
        );
        // The twin does recover the validator: only the EIP-2 rule refuses it.
        bytes memory twin = highS(signRsv(K1, d));
        bytes32 r;
        bytes32 s;
        assembly {
            r := mload(add(twin, 32))
            s := mload(add(twin, 64))
        }
        assertEq(ecrecover(d, uint8(twin[64]), r, s), vm.addr(K1));
    }

    function test_badV() public {
        bytes32 d = digestOf(id);
        bytes memory sig = signRsv(K0, d);
        uint8[4] memory bad = [0, 1, 29, 255];
        for (uint256 i = 0; i < bad.length; ++i) {
            sig[64] = bytes1(bad[i]);
            bytes memory md = bytes.concat(abi.encodePacked(HOOK, ROOT, INDEX), sig, signRsv(K1, d));
            expectVerifyRevert(
                md, message, abi.encodeWithSelector(MessageIdMultisigIsm.SignatureInvalid.selector, 0)
            );
        }
    }

    /// r = 0 (or any r off the curve) recovers no key.
    function test_unrecoverableSignature() public {
        bytes memory sig = abi.encodePacked(bytes32(0), bytes32(uint256(1)), uint8(27));
        bytes memory md = bytes.concat(abi.encodePacked(HOOK, ROOT, INDEX), sig, signRsv(K1, digestOf(id)));
        expectVerifyRevert(
            md, message, abi.encodeWithSelector(MessageIdMultisigIsm.SignatureInvalid.selector, 0)
        );
    }

    /// A signature over another checkpoint recovers an unrelated key.
    function test_signatureOverAnotherCheckpoint() public {
        bytes32 d = digestOf(id);
        bytes memory good = signRsv(K0, d);
        // Signed over index 8, presented as index 7.
        bytes memory other = signRsv(K1, CheckpointLib.digest(ORIGIN, HOOK, ROOT, INDEX + 1, id));
        bytes memory md = bytes.concat(abi.encodePacked(HOOK, ROOT, INDEX), good, other);
        (bool ok, bytes memory ret) = address(ism).call(abi.encodeCall(ism.verify, (md, message)));
        assertFalse(ok);
        assertEq(selectorOf(ret), MessageIdMultisigIsm.SignerNotValidator.selector);

        // The same signatures for another message (another id) fail too.
        bytes memory m2 =
            Message.format(3, 10, ORIGIN, bytes32(uint256(0xaa)), DESTINATION, bytes32(uint256(0xbb)), "hi");
        (ok, ret) = address(ism).call(abi.encodeCall(ism.verify, (meta(keys2(K0, K1)), m2)));
        assertFalse(ok);
        assertEq(selectorOf(ret), MessageIdMultisigIsm.SignerNotValidator.selector);
    }

    // ----- fuzz -----

    /// vm.sign over CheckpointLib's digest recovers the signer, and a 1-of-1 set accepts it.
    function testFuzz_signatureRoundTrip(uint256 key, uint32 origin, bytes32 hook, bytes32 root, uint32 index)
        public
    {
        key = bound(key, 1, SECP256K1_N - 1);
        bytes memory m =
            Message.format(3, 1, origin, bytes32(uint256(7)), DESTINATION, bytes32(uint256(8)), "");
        bytes32 messageId = keccak256(m);
        bytes32 d = CheckpointLib.digest(origin, hook, root, index, messageId);
        assertEq(
            d,
            keccak256(
                abi.encodePacked(
                    "\x19Ethereum Signed Message:\n32",
                    keccak256(
                        abi.encodePacked(
                            keccak256(abi.encodePacked(origin, hook, "HYPERLANE")), root, index, messageId
                        )
                    )
                )
            )
        );
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, d);
        assertEq(ecrecover(d, v, r, s), vm.addr(key));

        address[] memory set = new address[](1);
        set[0] = vm.addr(key);
        vm.prank(owner);
        ism.setValidators(origin, set, 1);
        bytes memory md = metadataFor(keys1(key), origin, hook, root, index, messageId);
        if (uint256(s) > SECP256K1_N / 2) {
            // vm.sign yields low s; kept for clarity should that change.
            expectVerifyRevert(md, m, abi.encodeWithSelector(MessageIdMultisigIsm.SignatureHighS.selector, 0));
        } else {
            assertTrue(ism.verify(md, m));
        }
    }

    /// Any 3 of 5 validators in set order pass; the same three reversed fail.
    function testFuzz_subsetInOrder(uint8 pick) public {
        uint256[5] memory k = [uint256(11), 22, 33, 44, 55];
        address[] memory set = new address[](5);
        for (uint256 i = 0; i < 5; ++i) {
            set[i] = vm.addr(k[i]);
        }
        vm.prank(owner);
        ism.setValidators(ORIGIN, set, 3);
        // The 10 three-element subsets of 5, indexed by pick % 10.
        uint256 chosen;
        uint256 seen;
        for (uint256 mask = 0; mask < 32; ++mask) {
            if (_popcount(mask) != 3) continue;
            if (seen++ == pick % 10) chosen = mask;
        }
        uint256[] memory keys = new uint256[](3);
        uint256 j;
        for (uint256 i = 0; i < 5; ++i) {
            if ((chosen >> i) & 1 == 1) keys[j++] = k[i];
        }
        assertTrue(ism.verify(meta(keys), message));
        (keys[0], keys[2]) = (keys[2], keys[0]);
        (bool ok,) = address(ism).call(abi.encodeCall(ism.verify, (meta(keys), message)));
        assertFalse(ok);
    }

    function _popcount(uint256 x) private pure returns (uint256 c) {
        for (; x != 0; x >>= 1) {
            c += x & 1;
        }
    }
}
