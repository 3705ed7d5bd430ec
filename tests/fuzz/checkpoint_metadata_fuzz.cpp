// Fuzzes message-id multisig metadata (light-clients/committee/checkpoint.hpp): decoding and the
// threshold verification behind it, against the Hyperlane Sealevel test committee (validators v0,
// v1, v2 of hyperlane/multisigIsmMessageIdCheckpoint.json), whose real metadata seeds the corpus.
//
// Properties:
//  * decode ok => the whole input was consumed and encode(decoded) == input; decode error => nothing
//    was consumed, and every verifier reports kMalformedMetadata;
//  * verification never crashes, whatever the bytes, for thresholds 1, 2 and 3;
//  * the three entry points agree: verify_message_id_multisig on the bytes equals verify_signatures
//    on the decoded signatures with the digest rebuilt from the decoded hook, root and index; and
//    verify_checkpoint equals it whenever the metadata names the expected hook, root and index.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/hex.hpp"
#include "core/message.hpp"
#include "light-clients/committee/checkpoint.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using namespace causeway;
using namespace causeway::committee;

Hash filled(uint8_t b) {
    Hash h;
    h.bytes.fill(b);
    return h;
}

struct Fixture {
    Checkpoint checkpoint;
    std::array<std::optional<ValidatorSet>, 3> sets;  // thresholds 1, 2, 3
};

const Fixture& fixture() {
    static const Fixture f = [] {
        // The message and checkpoint of the Sealevel test data (test_data.rs).
        Message m;
        m.nonce = 69;
        m.origin = 1234;
        m.sender = filled(0xaf);
        m.destination = 4321;
        m.recipient = filled(0xbe);
        m.body = Bytes{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        Fixture out;
        out.checkpoint = Checkpoint{1234, filled(0xab), filled(0xcd), 70, message_id(m)};
        const std::vector<Address> validators{
            *address_from_hex("0xE3DCDBbc248cE191bDc271f3FCcd0d95911BFC5D"),
            *address_from_hex("0xb25206874C24733F05CC0dD11924724A8E7175bd"),
            *address_from_hex("0x28b8d0E2bBfeDe9071F8Ff3DaC9CcE3d3176DBd3")};
        for (std::size_t t = 1; t <= 3; ++t) out.sets[t - 1] = *ValidatorSet::create(validators, t);
        return out;
    }();
    return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const ByteView input{data, size};
    const Fixture& f = fixture();
    const Checkpoint& c = f.checkpoint;

    ByteView rest = input;
    const auto decoded = decode_metadata(rest);
    if (!decoded) {
        CAUSEWAY_CHECK(rest.size() == input.size());
        CAUSEWAY_CHECK(!to_string(decoded.error()).empty());
        for (const auto& set : f.sets) {
            CAUSEWAY_CHECK(verify_checkpoint(c, input, *set) == Verdict::kMalformedMetadata);
            CAUSEWAY_CHECK(verify_message_id_multisig(c.origin, c.message_id, input, *set) ==
                           Verdict::kMalformedMetadata);
        }
        return 0;
    }
    CAUSEWAY_CHECK(rest.empty());
    Bytes encoded;
    encode(encoded, *decoded);
    CAUSEWAY_CHECK(ByteView{encoded} == input);

    const Checkpoint named{c.origin, decoded->merkle_tree_hook, decoded->root, decoded->index, c.message_id};
    const bool matches = decoded->merkle_tree_hook == c.merkle_tree_hook && decoded->root == c.root &&
                         decoded->index == c.index;
    for (const auto& set : f.sets) {
        const Verdict ism = verify_message_id_multisig(c.origin, c.message_id, input, *set);
        CAUSEWAY_CHECK(ism != Verdict::kMalformedMetadata && ism != Verdict::kWrongDomain &&
                       ism != Verdict::kCheckpointMismatch);
        CAUSEWAY_CHECK(!to_string(ism).empty());
        CAUSEWAY_CHECK(verify_signatures(digest(named), decoded->signatures, *set) == ism);
        const Verdict full = verify_checkpoint(c, input, *set);
        if (matches) {
            CAUSEWAY_CHECK(full == ism);
        } else {
            CAUSEWAY_CHECK(full == (decoded->merkle_tree_hook != c.merkle_tree_hook
                                        ? Verdict::kWrongDomain
                                        : Verdict::kCheckpointMismatch));
        }
        if (decoded->signatures.size() < set->threshold()) CAUSEWAY_CHECK(ism == Verdict::kThresholdNotMet);
    }
    return 0;
}
