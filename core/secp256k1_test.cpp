#include <cryptopp/sha.h>
#include <catch2/catch.hpp>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "core/secp256k1.hpp"
#include "core/u256.hpp"
#include "tests/support/vectors.hpp"

using namespace causeway;

namespace {

Hash sha256(ByteView data) {
    Hash out;
    CryptoPP::SHA256().CalculateDigest(out.data(), data.data(), data.size());
    return out;
}

enum class Encoding { kDer, kP1363 };

// Wycheproof: every verdict must match `result` exactly (the files have no "acceptable" cases).
void run_wycheproof(const char* file, Encoding encoding, LowS rule) {
    const auto doc = test::read_vector_json(file);
    std::size_t n = 0;
    for (const auto& group : doc.at("testGroups").as_array()) {
        const Bytes key =
            test::bytes_from_any_hex(test::json_string(group.at("publicKey").at("uncompressed")));
        for (const auto& t : group.at("tests").as_array()) {
            const Hash digest = sha256(test::bytes_from_any_hex(test::json_string(t.at("msg"))));
            const Bytes sig = test::bytes_from_any_hex(test::json_string(t.at("sig")));
            const auto ok = encoding == Encoding::kDer ? verify_der(key, digest, sig, rule)
                                                       : verify_compact(key, digest, sig, rule);
            REQUIRE(ok.has_value());
            INFO(file << " tcId " << t.at("tcId").as_int64() << ": " << test::json_string(t.at("comment")));
            CHECK(*ok == (test::json_string(t.at("result")) == "valid"));
            ++n;
        }
    }
    REQUIRE(n == doc.at("numberOfTests").to_number<std::size_t>());
    test::report_cases(std::string_view(file), n);
}

}  // namespace

TEST_CASE("Wycheproof secp256k1 ECDSA verdicts", "[core][secp256k1][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    // The plain file accepts high s (ECDSA allows both); the bitcoin file enforces low s (BIP-146,
    // the rule Ethereum applies to transactions since EIP-2).
    run_wycheproof("secp256k1/wycheproof/ecdsa_secp256k1_sha256_test.json", Encoding::kDer, LowS::kAllowed);
    run_wycheproof("secp256k1/wycheproof/ecdsa_secp256k1_sha256_bitcoin_test.json", Encoding::kDer,
                   LowS::kRequired);
    run_wycheproof("secp256k1/wycheproof/ecdsa_secp256k1_sha256_p1363_test.json", Encoding::kP1363,
                   LowS::kAllowed);
}

// ethereum/tests BasicTests/keyaddrtest.json.
TEST_CASE("ethereum/tests key to address and signature recovery", "[core][secp256k1][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto cases = test::read_vector_json("secp256k1/ethereum-tests/keyaddrtest.json").as_array();
    const Hash empty_hash = keccak256({});
    std::size_t n = 0;
    for (const auto& c : cases) {
        const auto key = PrivateKey::from_hex(test::json_string(c.at("key")));
        REQUIRE(key);
        CHECK(to_hex(key->address().view(), false) == test::json_string(c.at("addr")));
        // `sig_of_emptystring` does not recover to `addr` from keccak256(""), sha256("") or any other
        // digest we could identify, and the source does not state which digest was signed, so only
        // its range is checked here.
        const auto& sig_json = c.at("sig_of_emptystring");
        CHECK(is_valid_scalar(u256_to_hash(*parse_u256(test::json_string(sig_json.at("r"))))));
        CHECK(is_valid_scalar(u256_to_hash(*parse_u256(test::json_string(sig_json.at("s"))))));
        // Our own signature over keccak256("") recovers the same address, always with low s.
        const auto own = sign(*key, empty_hash);
        REQUIRE(own);
        CHECK(is_low_s(own->s));
        CHECK(recover_address(empty_hash, *own) == key->address());
        ++n;
    }
    REQUIRE(n == cases.size());
    test::report_cases("secp256k1/ethereum-tests/keyaddrtest.json", n);
}

// go-ethereum core/vm/testdata/precompiles/ecRecover.json (the ecrecover precompile).
TEST_CASE("go-ethereum ecrecover precompile cases", "[core][secp256k1][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto cases = test::read_vector_json("secp256k1/geth/ecRecover.json").as_array();
    std::size_t n = 0;
    for (const auto& c : cases) {
        INFO(test::json_string(c.at("Name")));
        Bytes input = test::bytes_from_any_hex(test::json_string(c.at("Input")));
        input.resize(128, 0);  // the precompile right-pads short input
        const Hash digest = Hash::left_padded(input.substr(0, 32));
        const ByteView v = ByteView{input}.substr(32, 32);
        std::expected<Address, CryptoError> result = std::unexpected(CryptoError::kInvalidRecoveryId);
        const bool v_ok = std::all_of(v.begin(), v.end() - 1, [](uint8_t b) { return b == 0; }) &&
                          (v[31] == 27 || v[31] == 28);
        if (v_ok) {
            Signature sig{Hash::left_padded(input.substr(64, 32)), Hash::left_padded(input.substr(96, 32)),
                          static_cast<uint8_t>(v[31] - 27)};
            result = recover_address(digest, sig, LowS::kAllowed);  // the precompile allows high s
        }
        const std::string expected = test::json_string(c.at("Expected"));
        if (expected.empty()) {
            CHECK(!result);
        } else {
            REQUIRE(result);
            CHECK(to_hex(result->view(), false) == expected.substr(24));
        }
        ++n;
    }
    REQUIRE(n == cases.size());
    test::report_cases("secp256k1/geth/ecRecover.json", n);
}

// ethers testcases/accounts.json.gz: private key to checksummed address.
TEST_CASE("ethers private keys derive their addresses", "[core][secp256k1][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto cases = test::read_vector_json("secp256k1/ethers/accounts.json.gz").as_array();
    std::size_t n = 0;
    for (const auto& c : cases) {
        const auto key = PrivateKey::from_hex(test::json_string(c.at("privateKey")));
        REQUIRE(key);
        CHECK(to_checksum_hex(key->address()) == test::json_string(c.at("address")));
        ++n;
    }
    REQUIRE(n == cases.size());
    test::report_cases("secp256k1/ethers/accounts.json.gz (key to address)", n);
}

TEST_CASE("private keys are validated", "[core][secp256k1]") {
    CHECK(PrivateKey::from_hex("0x" + std::string(64, '0')).error() == CryptoError::kInvalidPrivateKey);
    // The group order n itself is not a valid key.
    CHECK(!PrivateKey::from_hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"));
    CHECK(!PrivateKey::from_hex("0x1234"));
    CHECK(!PrivateKey::from_hex("0xzz" + std::string(62, '1')));
    // A key file's trailing newline is fine.
    CHECK(PrivateKey::from_hex("0x" + std::string(64, '1') + "\n").has_value());
}

TEST_CASE("recovery enforces low s and scalar ranges", "[core][secp256k1]") {
    const auto key = *PrivateKey::from_hex(std::string(64, '1'));
    const Hash digest = keccak256(to_view("causeway"));
    const Signature sig = *sign(key, digest);
    CHECK(recover_address(digest, sig) == key.address());

    // The malleable twin (n - s, flipped parity) recovers the same key but breaks EIP-2.
    const u256 n = *parse_u256("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
    Signature high = sig;
    high.s = u256_to_hash(n - u256_from_be(sig.s));
    high.recovery_id ^= 1;
    CHECK(recover_address(digest, high).error() == CryptoError::kHighS);
    CHECK(recover_address(digest, high, LowS::kAllowed) == key.address());

    Signature zero_r = sig;
    zero_r.r = Hash{};
    CHECK(recover_address(digest, zero_r).error() == CryptoError::kInvalidSignature);
    Signature big_r = sig;
    big_r.r = u256_to_hash(n);
    CHECK(recover_address(digest, big_r).error() == CryptoError::kInvalidSignature);
    Signature bad_id = sig;
    bad_id.recovery_id = 4;
    CHECK(recover_address(digest, bad_id).error() == CryptoError::kInvalidRecoveryId);
    // Another digest recovers some other address, never the signer.
    CHECK(recover_address(keccak256(to_view("other")), sig) != key.address());
}

// EIP-191: the hash ethers' hashMessage("Hello World") produces (ethers docs, hashMessage example).
TEST_CASE("EIP-191 personal message hash", "[core][secp256k1]") {
    CHECK(to_hex(personal_message_hash(to_view("Hello World"))) ==
          "0xa1de988600a42c4b4ab089b619297c17d53cffae5d5120d82d8a92d0bb3b78f2");
}
