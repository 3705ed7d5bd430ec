// The validator's loop with a scripted light client: checkpoints signed in index order only once
// every earlier message is final, each root the Mailbox tree of the ids so far, nothing signed for
// a message not final or invalid, and the tree rebuilt from the store after a restart.
#include "relayer/validator.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <set>

#include "core/keccak.hpp"
#include "db/test_messages.hpp"
#include "tests/support/postgres.hpp"

using namespace causeway;
using db::test::scalar;
using db::test::test_message;

namespace {

PrivateKey test_key() {
    return *PrivateKey::from_bytes(keccak256(to_view("validator loop")).view());
}

// Which nonces the scripted light client finds final, not yet, or invalid.
struct Script {
    std::set<uint32_t> not_yet;
    std::set<uint32_t> invalid;
    int calls = 0;

    relayer::Verifier verifier() {
        return [this](const db::QueuedMessage& m) {
            ++calls;
            if (invalid.contains(m.message.nonce))
                return relayer::Verification{relayer::VerifyOutcome::kInvalid, "forged", {}};
            if (not_yet.contains(m.message.nonce))
                return relayer::Verification{relayer::VerifyOutcome::kNotYet, "inside the window",
                                             std::chrono::milliseconds(50)};
            return relayer::Verification{relayer::VerifyOutcome::kFinal, "", {}};
        };
    }
};

Hash hook() {
    return keccak256(to_view("mailbox 901"));
}

// The root of the Mailbox's tree after these ids.
Hash root_of(const std::vector<Hash>& ids) {
    committee::IncrementalMerkleTree tree;
    for (const auto& id : ids) REQUIRE(tree.insert(id));
    return tree.root();
}

void make_due(db::Connection& conn) {
    pqxx::nontransaction(conn.raw())
        .exec("UPDATE messages SET run_at = now() WHERE lease_owner IS NULL AND run_at > now()");
}

}  // namespace

TEST_CASE("the validator signs in index order, only what is final, each root the tree of the ids so far",
          "[relayer][validator]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    std::vector<db::NewMessage> messages;
    std::vector<Hash> ids;
    for (uint32_t i = 0; i < 5; ++i) {
        messages.push_back(test_message(i));
        ids.push_back(messages.back().id);
    }
    // Observed out of order: the order of the tree is the Mailbox's nonce, not the observation's.
    REQUIRE(queue.enqueue(std::vector{messages[3], messages[0], messages[4], messages[1], messages[2]})
                .inserted == 5);

    relayer::CheckpointSigner signer(conn, test_key());
    Script script;
    script.not_yet = {2};
    relayer::Validator validator(conn, signer, {relayer::ValidatorOrigin{901, hook(), script.verifier()}});
    auto step = validator.step();
    // 0 and 1 final and signed; 2 not final yet, so neither are 3 and 4 (outputs become final in
    // order): they wait behind it without their evidence being fetched.
    CHECK(step.verified == 2);
    CHECK(script.calls == 3);
    CHECK(step.signed_checkpoints == 2);
    CHECK(validator.next_index(901) == 2);
    for (uint32_t i = 0; i < 2; ++i) {
        const auto c = signer.store().at(901, i);
        REQUIRE(c);
        CHECK(c->message_id == ids[i]);
        CHECK(c->root == root_of(std::vector(ids.begin(), ids.begin() + i + 1)));
        CHECK(c->merkle_tree_hook == hook());
    }
    CHECK_FALSE(signer.store().at(901, 2));
    CHECK(db::find_message(conn, ids[2])->held_reason == "awaiting_finality");
    CHECK(db::find_message(conn, ids[3])->held_reason == "awaiting_earlier_index");
    CHECK(db::find_message(conn, ids[4])->held_reason == "awaiting_earlier_index");
    CHECK(db::find_message(conn, ids[0])->state == db::MessageState::kDelivered);  // signed

    // Message 2 becomes final: 2, 3 and 4 are signed, in order.
    script.not_yet.clear();
    make_due(conn);
    step = validator.step();
    CHECK(step.signed_checkpoints == 3);
    CHECK(validator.next_index(901) == 5);
    CHECK(signer.store().latest(901)->root == root_of(ids));
    CHECK(signer.verify_store() == 5);

    // A restarted validator rebuilds the tree from the store and carries on.
    relayer::Validator restarted(conn, signer, {relayer::ValidatorOrigin{901, hook(), script.verifier()}});
    CHECK(restarted.next_index(901) == 5);
    const auto sixth = test_message(5);
    ids.push_back(sixth.id);
    REQUIRE(queue.enqueue(std::vector{sixth}).inserted == 1);
    CHECK(restarted.step().signed_checkpoints == 1);
    CHECK(signer.store().at(901, 5)->root == root_of(ids));
}

TEST_CASE(
    "the validator never signs invalid evidence, an unknown origin, or another message at a signed index",
    "[relayer][validator]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    relayer::CheckpointSigner signer(conn, test_key());
    Script script;
    script.invalid = {1};
    relayer::Validator validator(conn, signer, {relayer::ValidatorOrigin{901, hook(), script.verifier()}});
    REQUIRE(
        queue.enqueue(std::vector{test_message(0), test_message(1), test_message(2), test_message(0, 777)})
            .inserted == 4);

    const auto step = validator.step();
    CHECK(step.rejected == 1);
    CHECK(step.signed_checkpoints == 1);  // 0; 1 is invalid, 2 waits for it
    CHECK(validator.next_index(901) == 1);
    const auto invalid = db::find_message(conn, test_message(1).id);
    CHECK(invalid->state == db::MessageState::kRetrying);
    CHECK(invalid->last_error == "forged");
    // Origin 777 is not this validator's.
    const auto stranger = db::find_message(conn, test_message(0, 777).id);
    CHECK(stranger->state == db::MessageState::kFailedPermanent);
    CHECK(stranger->last_error_class == "unknown_route");

    // Another message claiming signed index 0 (a forked origin): dead-lettered, nothing signed.
    auto fork = test_message(0, 901, 902, std::nullopt, 100, 0, "fork");
    REQUIRE(queue.enqueue(std::vector{fork}).inserted == 1);
    make_due(conn);
    (void)validator.step();
    const auto refused = db::find_message(conn, fork.id);
    CHECK(refused->state == db::MessageState::kFailedPermanent);
    CHECK(refused->last_error->find("was signed for another message") != std::string::npos);
    CHECK(signer.store().at(901, 0)->message_id == test_message(0).id);
    CHECK(signer.verify_store() == 1);
}

TEST_CASE("the validator signs a backlog in index order whatever order its queue holds it in",
          "[relayer][validator]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    std::vector<db::NewMessage> messages;
    for (uint32_t i = 0; i < 300; ++i) messages.push_back(test_message(i));
    REQUIRE(queue.enqueue(messages).inserted == 300);
    // All verified, due in the reverse of index order (as deferrals can leave a burst): a pass
    // taking the oldest due first would meet only messages whose earlier index is not signed yet.
    pqxx::nontransaction(conn.raw())
        .exec(
            "UPDATE messages SET stage = 'verified', state = 'verified', verified_at = now(),"
            " run_at = now() - make_interval(secs => nonce)");
    relayer::CheckpointSigner signer(conn, test_key());
    Script script;
    relayer::Validator validator(conn, signer, {relayer::ValidatorOrigin{901, hook(), script.verifier()}},
                                 "validator", 100);
    const auto step = validator.step();
    CHECK(step.signed_checkpoints == 300);
    CHECK(step.deferred == 0);
    CHECK(validator.next_index(901) == 300);
    CHECK(scalar(conn, "SELECT count(*) FROM messages WHERE stage = 'verified'") == 0);
}

TEST_CASE("a validator pass ends when a batch finds nothing final, so the trusted head can move",
          "[relayer][validator]") {
    test::Postgres pg;
    auto conn = pg.migrated();
    db::Queue queue(conn);
    std::vector<db::NewMessage> messages;
    for (uint32_t i = 0; i < 1'000; ++i) messages.push_back(test_message(i));
    REQUIRE(queue.enqueue(messages).inserted == 1'000);
    relayer::CheckpointSigner signer(conn, test_key());
    Script script;
    script.not_yet = {0};  // the first is not final: nothing after it is
    relayer::Validator validator(conn, signer, {relayer::ValidatorOrigin{901, hook(), script.verifier()}},
                                 "validator", 100);
    // Its deferral (50 ms) is shorter than a walk over the backlog: a pass that went on while
    // batches came back full would go round for ever, the daemon's loop never refreshing the head.
    const auto step = validator.step();
    CHECK(step.verified == 0);
    CHECK(step.deferred == 100);
    CHECK(script.calls == 1);
    script.not_yet.clear();
    make_due(conn);
    std::size_t signed_checkpoints = 0;
    for (int i = 0; i < 20 && signed_checkpoints < 1'000; ++i) {
        make_due(conn);
        signed_checkpoints += validator.step().signed_checkpoints;
    }
    CHECK(signed_checkpoints == 1'000);
}
