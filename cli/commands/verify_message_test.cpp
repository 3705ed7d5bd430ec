// `causeway verify message` from a real database: evidence a relayer would store (a committee's
// signatures over the message's checkpoint) passes, and every single byte of it flipped fails, as
// does a stored message that no longer hashes to its id.
#include "cli/commands/verify_message.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <sstream>

#include "cli/commands/verify.hpp"
#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "db/ledger.hpp"
#include "db/queue.hpp"
#include "db/test_messages.hpp"
#include "light-clients/committee/checkpoint.hpp"
#include "light-clients/committee/merkle.hpp"
#include "tests/support/postgres.hpp"

using namespace causeway;

namespace {

PrivateKey key_of(int i) {
    return *PrivateKey::from_bytes(keccak256(to_view("validator " + std::to_string(i))).view());
}

int verify(db::Connection& conn, const Hash& id, std::string* out = nullptr) {
    std::ostringstream s;
    const int code = cli::run_verify_message(conn, id, cli::OutputFormat::kJson, s);
    if (out) *out = s.str();
    return code;
}

}  // namespace

TEST_CASE("verify message checks the stored evidence, and any byte of it flipped is refused",
          "[cli][verify]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    const auto m = db::test::test_message(0);
    REQUIRE(queue.enqueue(std::vector{m}).inserted == 1);

    // Three validators, 2 of 3, sign the checkpoint of the message at its index (a tree of one).
    const Hash hook =
        Hash::left_padded(address_from_hex("0x5fbdb2315678afecb367f032d93f642f64180aa3")->view());
    committee::IncrementalMerkleTree tree;
    REQUIRE(tree.insert(m.id));
    const committee::Checkpoint checkpoint{m.message.origin, hook, tree.root(), m.message.nonce, m.id};
    std::vector<PrivateKey> keys = {key_of(1), key_of(2), key_of(3)};
    std::sort(keys.begin(), keys.end(),
              [](const auto& a, const auto& b) { return a.address() < b.address(); });
    committee::Metadata md{hook, tree.root(), m.message.nonce, {}};
    db::DeliveryEvidence evidence;
    evidence.message_id = m.id;
    evidence.threshold = 2;
    for (const auto& k : keys) evidence.validators.push_back(k.address());
    const db::StoredCheckpoint stored{m.message.origin, hook, m.message.nonce, tree.root(), m.id};
    db::store_checkpoint(conn, stored);
    for (int i = 0; i < 2; ++i) {
        const auto sig = sign(keys[static_cast<std::size_t>(i)], committee::digest(checkpoint));
        REQUIRE(sig);
        md.signatures.push_back(committee::to_rsv(*sig));
        db::CheckpointSignature s;
        s.validator = keys[static_cast<std::size_t>(i)].address();
        std::copy(md.signatures.back().bytes.begin(), md.signatures.back().bytes.end(), s.signature.begin());
        db::add_checkpoint_signature(conn, stored, s);
    }
    committee::encode(evidence.metadata, md);

    std::string out;
    CHECK(verify(conn, m.id, &out) == cli::kVerifyInvalid);  // nothing stored yet
    CHECK(out.find("no delivery evidence") != std::string::npos);
    db::record_delivery_evidence(conn, evidence);
    CHECK(verify(conn, m.id, &out) == cli::kVerifyValid);
    INFO(out);
    CHECK(out.find("\"valid\":true") != std::string::npos);

    // Each byte of the stored metadata flipped: refused, and the failing check named.
    const Bytes original = evidence.metadata;
    for (std::size_t i = 0; i < original.size(); ++i) {
        auto tampered = evidence;
        tampered.metadata[i] ^= 0x01;
        db::record_delivery_evidence(conn, tampered);
        const int code = verify(conn, m.id, &out);
        INFO("byte " << i << ": " << out);
        CHECK(code == cli::kVerifyInvalid);
    }
    db::record_delivery_evidence(conn, evidence);
    REQUIRE(verify(conn, m.id) == cli::kVerifyValid);

    // Another validator set (one member swapped) or a higher threshold than was signed: refused.
    auto other_set = evidence;
    other_set.validators[0] = key_of(4).address();
    db::record_delivery_evidence(conn, other_set);
    CHECK(verify(conn, m.id) == cli::kVerifyInvalid);
    auto higher = evidence;
    higher.threshold = 3;
    db::record_delivery_evidence(conn, higher);
    CHECK(verify(conn, m.id) == cli::kVerifyInvalid);
    db::record_delivery_evidence(conn, evidence);

    // A stored message edited after the fact no longer hashes to its id.
    {
        pqxx::work tx(conn.raw());
        tx.exec_params("UPDATE messages SET body = set_byte(body, 0, get_byte(body, 0) # 1) WHERE id = $1",
                       "\\x" + to_hex(m.id, false));
        tx.commit();
    }
    CHECK(verify(conn, m.id, &out) == cli::kVerifyInvalid);
    CHECK(out.find("\"check\":\"message_id\",\"ok\":false") != std::string::npos);
}
