// The validator's checkpoints: signed once and recorded first, equivocation refused, a tampered
// store found at start, and the HTTP endpoints serving signatures that recover to the validator.
#include "relayer/checkpoints.hpp"

#include <httplib.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "tests/support/postgres.hpp"

using namespace causeway;
namespace json = boost::json;

namespace {

// A fixed test-only key: keccak256 of a label.
PrivateKey test_key(const std::string& label) {
    return *PrivateKey::from_bytes(keccak256(to_view(label)).view());
}

committee::Checkpoint checkpoint(uint32_t index, const std::string& root = "root") {
    return committee::Checkpoint{901, keccak256(to_view("hook")),
                                 keccak256(to_view(root + std::to_string(index))), index,
                                 keccak256(to_view("id" + std::to_string(index)))};
}

}  // namespace

TEST_CASE("the validator signs a checkpoint once, records it first, and never signs another root",
          "[relayer][validator]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    relayer::CheckpointSigner signer(conn, test_key("validator"));
    const auto first = signer.sign(checkpoint(0));
    CHECK(relayer::checkpoint_of(first) == checkpoint(0));
    // The signature is the validator's over Hyperlane's checkpoint digest.
    const auto sig = committee::from_rsv(ByteView(first.signature.data(), first.signature.size()));
    REQUIRE(sig);
    CHECK(recover_address(committee::digest(checkpoint(0)), *sig).value() == signer.address());
    CHECK(signer.store().at(901, 0) == first);

    CHECK(signer.sign(checkpoint(0)) == first);  // again: the stored one
    CHECK_THROWS_WITH(signer.sign(checkpoint(0, "forked")),
                      Catch::Contains("refusing to sign origin 901 index 0 again"));
    (void)signer.sign(checkpoint(1));
    (void)signer.sign(checkpoint(2));
    CHECK(signer.verify_store() == 3);

    // A restarted validator on the same store refuses the other root too.
    relayer::CheckpointSigner restarted(conn, test_key("validator"));
    CHECK(restarted.verify_store() == 3);
    CHECK_THROWS_AS(restarted.sign(checkpoint(1, "forked")), db::Error);

    SECTION("a row whose signature was replaced stops the validator at start") {
        relayer::CheckpointSigner other(conn, test_key("someone else"));
        const auto theirs = other.sign(checkpoint(1));
        // The other key's signature put in this validator's row (its chain hash recomputed, as a
        // careful attacker would): the chain holds, the signature does not recover to us.
        db::SignedCheckpointStore store(conn, signer.address());
        const auto before = store.at(901, 0).value();
        auto forged = store.at(901, 1).value();
        forged.signature = theirs.signature;
        const Hash chain = db::SignedCheckpointStore::chain_hash(
            db::SignedCheckpointStore::chain_hash(Hash{}, before), forged);
        {
            pqxx::nontransaction tx(conn.raw());
            tx.exec_params(
                "UPDATE signed_checkpoints SET signature = $1, chain_hash = $2 WHERE validator = $3 AND idx "
                "= 1",
                pqxx::binarystring(theirs.signature.data(), theirs.signature.size()),
                pqxx::binarystring(chain.data(), chain.size()),
                pqxx::binarystring(signer.address().data(), signer.address().size()));
        }
        CHECK_THROWS_WITH(signer.verify_store(),
                          Catch::Contains("index 1: the signature is not this validator's"));
    }
}

TEST_CASE("the validator serves its checkpoints over HTTP", "[relayer][validator]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    relayer::CheckpointSigner signer(conn, test_key("validator"));
    for (uint32_t i = 0; i < 3; ++i) (void)signer.sign(checkpoint(i));

    relayer::CheckpointReader reader{[&pg] { return pg.connect(); }, signer.address()};
    http::Server server(http::ServerSettings{});
    relayer::serve_checkpoints(server, reader);
    httplib::Client client("127.0.0.1", server.start());

    const auto one = client.Get("/checkpoints/901/1");
    REQUIRE(one);
    CHECK(one->status == 200);
    const auto body = json::parse(one->body).as_object();
    CHECK(body.at("origin") == 901);
    CHECK(body.at("index") == 1);
    CHECK(body.at("validator").as_string() == to_checksum_hex(signer.address()));
    CHECK(body.at("root").as_string() == to_hex(checkpoint(1).root));
    CHECK(body.at("message_id").as_string() == to_hex(checkpoint(1).message_id));
    const auto sig_bytes = from_hex(std::string_view(body.at("signature").as_string()));
    REQUIRE(sig_bytes);
    const auto sig = committee::from_rsv(*sig_bytes);
    REQUIRE(sig);
    CHECK(recover_address(committee::digest(checkpoint(1)), *sig).value() == signer.address());

    const auto latest = client.Get("/checkpoints/901/latest");
    REQUIRE(latest);
    CHECK(json::parse(latest->body).at("index") == 2);

    CHECK(client.Get("/checkpoints/901/7")->status == 404);
    CHECK(client.Get("/checkpoints/902/latest")->status == 404);
    const auto bad = client.Get("/checkpoints/nine/1");
    CHECK(bad->status == 400);
    CHECK(json::parse(bad->body).at("field") == "origin");
    CHECK(client.Get("/checkpoints/901/-1")->status == 400);

    // A range: what is signed in [from, to], in index order, each as the single answer gives it.
    const auto range = client.Get("/checkpoints/901?from=1&to=9");
    REQUIRE(range);
    CHECK(range->status == 200);
    const auto listed = json::parse(range->body).as_object();
    CHECK(listed.at("from") == 1);
    CHECK(listed.at("to") == 9);
    const auto& items = listed.at("checkpoints").as_array();
    REQUIRE(items.size() == 2);
    CHECK(items[0].at("index") == 1);
    CHECK(items[1].at("index") == 2);
    CHECK(items[0] == body);
    CHECK(json::parse(client.Get("/checkpoints/901?from=5&to=9")->body).at("checkpoints").as_array().empty());
    CHECK(json::parse(client.Get("/checkpoints/902?from=0&to=9")->body).at("checkpoints").as_array().empty());
    // Bad ranges name the field.
    const auto field_of = [&](const std::string& path) {
        const auto r = client.Get(path);
        REQUIRE(r);
        CHECK(r->status == 400);
        return std::string(json::parse(r->body).at("field").as_string());
    };
    CHECK(field_of("/checkpoints/901?to=9") == "from");
    CHECK(field_of("/checkpoints/901?from=1") == "to");
    CHECK(field_of("/checkpoints/901?from=5&to=4") == "to");
    CHECK(field_of("/checkpoints/901?from=0&to=1000") == "to");
    CHECK(field_of("/checkpoints/901?from=x&to=1") == "from");
    CHECK(client.Get("/checkpoints/901?from=0&to=999")->status == 200);
}
