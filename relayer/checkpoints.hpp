// The validator's checkpoints: signed only once recorded (db::SignedCheckpointStore, so never two
// roots for one index, across restarts), checked at start against tampering, and served over HTTP
// as `GET /checkpoints/{origin}/{index}` and `GET /checkpoints/{origin}/latest`.
#pragma once

#include <functional>
#include <mutex>
#include <optional>

#include <boost/json/object.hpp>

#include "core/secp256k1.hpp"
#include "db/connection.hpp"
#include "db/signed_checkpoints.hpp"
#include "http/server.hpp"
#include "light-clients/committee/checkpoint.hpp"

namespace causeway::relayer {

class CheckpointSigner {
  public:
    CheckpointSigner(db::Connection& conn, PrivateKey key);

    // Every stored row of this validator: its chain hash and its signature (which must recover to
    // this key's address over the row's checkpoint). Throws db::Error at the first bad row: a
    // validator must not start on a store that was tampered with. Returns the rows checked.
    std::size_t verify_store();

    // Signs `checkpoint`, recording it before the signature leaves: the same checkpoint again
    // returns the stored signature; another root or message id at a signed index throws db::Error
    // (and nothing is signed).
    db::SignedCheckpoint sign(const committee::Checkpoint& checkpoint);

    [[nodiscard]] const Address& address() const noexcept { return key_.address(); }
    [[nodiscard]] db::SignedCheckpointStore& store() noexcept { return store_; }

  private:
    PrivateKey key_;
    db::SignedCheckpointStore store_;
};

// The checkpoint a stored row signs.
[[nodiscard]] committee::Checkpoint checkpoint_of(const db::SignedCheckpoint& signed_checkpoint);
// {"validator", "origin", "index", "merkle_tree_hook", "root", "message_id", "signature"}, hex
// strings for the bytes.
[[nodiscard]] boost::json::object checkpoint_json(const Address& validator, const db::SignedCheckpoint& c);

// Reads the store for the HTTP handlers; each call under `mutex` (one connection, many threads).
// The connection comes from `open` on first use and again after a failure (a database restart).
struct CheckpointReader {
    std::function<db::Connection()> open;
    Address validator;
    std::mutex mutex{};
    std::optional<db::Connection> conn{};
};

// GET /checkpoints/{origin}/{index} and /checkpoints/{origin}/latest (404 when nothing is signed
// there; 400 for an origin or index that is not a number), and
// GET /checkpoints/{origin}?from=I&to=J: {"validator", "origin", "from", "to", "checkpoints": [...]}
// with what is signed in [I, J] (J - I below kMaxCheckpointRange; an empty list when none is).
inline constexpr uint32_t kMaxCheckpointRange = 1000;
void serve_checkpoints(http::Server& server, CheckpointReader& reader);

}  // namespace causeway::relayer
