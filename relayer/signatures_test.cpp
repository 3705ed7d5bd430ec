// Collecting a committee's signatures from real validator APIs: threshold met with a lying and a
// dead validator left out, the metadata accepted by the same check the destination's module runs,
// a slow validator not waited for, and a threshold out of reach reported with every reason.
#include "relayer/signatures.hpp"

#include <catch2/catch.hpp>
#include <thread>

#include "core/keccak.hpp"
#include "db/test_messages.hpp"
#include "light-clients/committee/checkpoint.hpp"
#include "relayer/checkpoints.hpp"
#include "tests/support/postgres.hpp"
#include "tests/support/process.hpp"

using namespace causeway;
using namespace std::chrono_literals;

namespace {

PrivateKey key_of(const std::string& label) {
    return *PrivateKey::from_bytes(keccak256(to_view(label)).view());
}

// One validator: its signer, store reader and API on its own port.
struct FakeValidator {
    FakeValidator(test::Postgres& pg, const std::string& label, std::chrono::milliseconds delay = 0ms)
        : conn(pg.migrated()),
          signer(conn, key_of(label)),
          reader{[&pg] { return pg.connect(); }, signer.address()},
          server(http::ServerSettings{}) {
        if (delay > 0ms) {
            server.get(R"(/checkpoints/.*)", [delay, this](const http::Request&) -> http::Response {
                std::this_thread::sleep_for(delay);
                throw http::not_found("slow, and nothing signed");
            });
        } else {
            relayer::serve_checkpoints(server, reader);
        }
        server.start();
    }
    db::Connection conn;
    relayer::CheckpointSigner signer;
    relayer::CheckpointReader reader;
    http::Server server;
};

const Hash kHook = keccak256(to_view("origin mailbox"));

committee::Checkpoint checkpoint_for(const db::NewMessage& m, const Hash& root) {
    return committee::Checkpoint{m.message.origin, kHook, root, m.message.nonce, m.id};
}

db::QueuedMessage queued(const db::NewMessage& m) {
    db::QueuedMessage q;
    q.id = m.id;
    q.message = m.message;
    return q;
}

}  // namespace

TEST_CASE("signatures: threshold met despite a lying and a dead validator, metadata in set order",
          "[relayer][signatures]") {
    test::Postgres pg;
    FakeValidator first(pg, "v1");
    FakeValidator liar(pg, "v2");
    FakeValidator third(pg, "v3");
    const auto message = db::test::test_message(4);
    const Hash root = keccak256(to_view("the origin's root"));
    (void)first.signer.sign(checkpoint_for(message, root));
    (void)liar.signer.sign(checkpoint_for(message, keccak256(to_view("a forged root"))));
    (void)third.signer.sign(checkpoint_for(message, root));
    const int dead_port = test::free_loopback_port();

    relayer::CommitteeRoute route{901,
                                  kHook,
                                  {{first.signer.address(), first.server.url()},
                                   {liar.signer.address(), liar.server.url()},
                                   {third.signer.address(), third.server.url()},
                                   {key_of("v4").address(), "http://127.0.0.1:" + std::to_string(dead_port)}},
                                  2};
    const auto collected = relayer::collect_metadata(route, queued(message), 2s);
    REQUIRE(collected);
    CHECK(collected->root == root);
    CHECK(collected->index == 4);
    CHECK(collected->signers == std::vector<Address>{first.signer.address(), third.signer.address()});
    // The check the destination's message-id multisig module runs.
    const auto set = committee::ValidatorSet::create(
        {first.signer.address(), liar.signer.address(), third.signer.address(), key_of("v4").address()}, 2);
    REQUIRE(set);
    CHECK(committee::verify_checkpoint(checkpoint_for(message, root), collected->metadata, *set) ==
          committee::Verdict::kValid);
    CHECK(committee::verify_message_id_multisig(901, message.id, collected->metadata, *set) ==
          committee::Verdict::kValid);

    // Everyone needed: out of reach, each reason named.
    route.threshold = 4;
    const auto short_of = relayer::collect_metadata(route, queued(message), 2s);
    REQUIRE_FALSE(short_of);
    CHECK(short_of.error().message == "4 of 4 validators must sign one root for index 4: not yet");
    std::string notes;
    for (const auto& n : short_of.error().notes) notes += n + "\n";
    CHECK(notes.find("signed another root") != std::string::npos);
    CHECK(notes.find("no answer from http://127.0.0.1:" + std::to_string(dead_port)) != std::string::npos);

    // A message no validator signed yet.
    route.threshold = 2;
    const auto unsigned_yet = relayer::collect_metadata(route, queued(db::test::test_message(5)), 2s);
    REQUIRE_FALSE(unsigned_yet);
    CHECK(unsigned_yet.error().notes.front().find("has not signed index 5 yet") != std::string::npos);
}

TEST_CASE("signatures: a batch of messages, one range request per validator, each message on its own",
          "[relayer][signatures]") {
    test::Postgres pg;
    FakeValidator first(pg, "v1");
    FakeValidator liar(pg, "v2");
    FakeValidator third(pg, "v3");
    const Hash root = keccak256(to_view("root"));
    // Indexes 0-5: v1 signs them all, v3 up to 3, the liar signs other roots; 6 is signed by none.
    std::vector<db::QueuedMessage> batch;
    for (uint32_t i = 0; i <= 6; ++i) {
        const auto m = db::test::test_message(i);
        batch.push_back(queued(m));
        if (i == 6) continue;
        (void)first.signer.sign(checkpoint_for(m, root));
        (void)liar.signer.sign(checkpoint_for(m, keccak256(to_view("forged " + std::to_string(i)))));
        if (i <= 3) (void)third.signer.sign(checkpoint_for(m, root));
    }
    // A message far away (another window of indexes), signed by v1 and v3.
    const auto far = db::test::test_message(relayer::kCheckpointWindow + 40);
    (void)first.signer.sign(checkpoint_for(far, root));
    (void)third.signer.sign(checkpoint_for(far, root));
    batch.push_back(queued(far));
    // And one whose id the validators never saw at its index: another message's checkpoint is not its.
    auto stranger = queued(db::test::test_message(2));
    stranger.id = keccak256(to_view("not the message signed at index 2"));
    batch.push_back(stranger);

    const relayer::CommitteeRoute route{901,
                                        kHook,
                                        {{first.signer.address(), first.server.url()},
                                         {liar.signer.address(), liar.server.url()},
                                         {third.signer.address(), third.server.url()}},
                                        2};
    const auto set = committee::ValidatorSet::create(
        {first.signer.address(), liar.signer.address(), third.signer.address()}, 2);
    REQUIRE(set);
    const auto results = relayer::collect_metadata(route, batch, 2s);
    REQUIRE(results.size() == batch.size());
    for (std::size_t k = 0; k < batch.size(); ++k) {
        const uint32_t index = batch[k].message.nonce;
        INFO("message " << k << " at index " << index);
        const bool signed_by_two = k <= 3 || k == 7;
        REQUIRE(results[k].has_value() == signed_by_two);
        if (!signed_by_two) continue;
        CHECK(results[k]->index == index);
        CHECK(results[k]->signers == std::vector<Address>{first.signer.address(), third.signer.address()});
        CHECK(committee::verify_message_id_multisig(901, batch[k].id, results[k]->metadata, *set) ==
              committee::Verdict::kValid);
    }
    const auto notes_of = [&](std::size_t k) {
        std::string all;
        for (const auto& n : results[k].error().notes) all += n + "\n";
        return all;
    };
    CHECK(notes_of(4).find("has not signed index 4 yet") != std::string::npos);  // v3
    CHECK(notes_of(4).find("signed another root") != std::string::npos);         // the liar
    CHECK(notes_of(6).find("has not signed index 6 yet") != std::string::npos);
    CHECK(notes_of(8).find("its checkpoint is for another message") != std::string::npos);
}

TEST_CASE("signatures: a slow validator is not waited for once the threshold is met",
          "[relayer][signatures]") {
    test::Postgres pg;
    FakeValidator first(pg, "v1");
    FakeValidator slow(pg, "v2", 3s);
    FakeValidator third(pg, "v3");
    const auto message = db::test::test_message(0);
    const Hash root = keccak256(to_view("root"));
    (void)first.signer.sign(checkpoint_for(message, root));
    (void)third.signer.sign(checkpoint_for(message, root));
    const relayer::CommitteeRoute route{901,
                                        kHook,
                                        {{first.signer.address(), first.server.url()},
                                         {slow.signer.address(), slow.server.url()},
                                         {third.signer.address(), third.server.url()}},
                                        2};
    const auto start = std::chrono::steady_clock::now();
    const auto collected = relayer::collect_metadata(route, queued(message), 5s);
    const auto took = std::chrono::steady_clock::now() - start;
    REQUIRE(collected);
    CHECK(collected->signers.size() == 2);
    CHECK(took < 2s);  // the slow one answers after 3 s
}
