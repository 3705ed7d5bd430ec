#include "relayer/checkpoints.hpp"

#include <charconv>
#include <stdexcept>

#include <boost/json/array.hpp>

#include "core/hex.hpp"

namespace causeway::relayer {
namespace {

// The signature's recovered signer is this validator's address.
bool signed_by(const Address& validator, const db::SignedCheckpoint& c) {
    const auto sig = committee::from_rsv(ByteView(c.signature.data(), c.signature.size()));
    if (!sig) return false;
    const auto signer = recover_address(committee::digest(checkpoint_of(c)), *sig);
    return signer && *signer == validator;
}

uint32_t u32_param(const std::string& text, const std::string& field) {
    uint32_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        throw http::bad_parameter(field, field + " must be a number below 2^32: " + text);
    }
    return v;
}

}  // namespace

committee::Checkpoint checkpoint_of(const db::SignedCheckpoint& c) {
    return committee::Checkpoint{c.origin, c.merkle_tree_hook, c.root, c.index, c.message_id};
}

boost::json::object checkpoint_json(const Address& validator, const db::SignedCheckpoint& c) {
    return boost::json::object{{"validator", to_checksum_hex(validator)},
                               {"origin", c.origin},
                               {"index", c.index},
                               {"merkle_tree_hook", to_hex(c.merkle_tree_hook)},
                               {"root", to_hex(c.root)},
                               {"message_id", to_hex(c.message_id)},
                               {"signature", to_hex(ByteView(c.signature.data(), c.signature.size()))}};
}

CheckpointSigner::CheckpointSigner(db::Connection& conn, PrivateKey key)
    : key_(std::move(key)), store_(conn, key_.address()) {}

std::size_t CheckpointSigner::verify_store() {
    return store_.verify([this](const db::SignedCheckpoint& c) { return signed_by(key_.address(), c); });
}

db::SignedCheckpoint CheckpointSigner::sign(const committee::Checkpoint& checkpoint) {
    const auto sig = causeway::sign(key_, committee::digest(checkpoint));
    if (!sig) throw std::runtime_error("signing the checkpoint failed");
    const auto rsv = committee::to_rsv(*sig);
    db::SignedCheckpoint c;
    c.origin = checkpoint.origin;
    c.index = checkpoint.index;
    c.merkle_tree_hook = checkpoint.merkle_tree_hook;
    c.root = checkpoint.root;
    c.message_id = checkpoint.message_id;
    std::copy(rsv.bytes.begin(), rsv.bytes.end(), c.signature.begin());
    // Recorded first: a signature that was never stored is never seen.
    if (store_.record(c) == db::RecordOutcome::kAlreadySigned) {
        const auto stored = store_.at(c.origin, c.index);
        if (!stored) throw std::logic_error("a signed checkpoint vanished from the store");
        return *stored;
    }
    return c;
}

void serve_checkpoints(http::Server& server, CheckpointReader& reader) {
    // One read of the store, under the reader's lock; a failed connection is dropped for the next call.
    const auto read = [&reader](const auto& query) {
        const std::lock_guard lock(reader.mutex);
        try {
            if (!reader.conn) reader.conn.emplace(reader.open());
            db::SignedCheckpointStore store(*reader.conn, reader.validator);
            return query(store);
        } catch (const db::Error& e) {
            reader.conn.reset();
            throw http::ApiException(http::ApiError{503, 50301, "store_unavailable", e.what(), std::nullopt});
        }
    };
    const auto answer = [&reader, read](uint32_t origin, std::optional<uint32_t> index) {
        const auto c = read([&](db::SignedCheckpointStore& store) {
            return index ? store.at(origin, *index) : store.latest(origin);
        });
        if (!c) {
            throw http::not_found("no checkpoint signed for origin " + std::to_string(origin) +
                                  (index ? " at index " + std::to_string(*index) : std::string{}));
        }
        return http::json_response(checkpoint_json(reader.validator, *c));
    };
    server.get(R"(/checkpoints/([^/]+))", [&reader, read](const http::Request& r) {
        const uint32_t origin = u32_param(r.captures.at(0), "origin");
        const auto from_text = r.query_value("from");
        const auto to_text = r.query_value("to");
        if (!from_text) throw http::bad_parameter("from", "from (the first index) is required");
        if (!to_text) throw http::bad_parameter("to", "to (the last index) is required");
        const uint32_t from = u32_param(*from_text, "from");
        const uint32_t to = u32_param(*to_text, "to");
        if (to < from) throw http::bad_parameter("to", "to must not be below from");
        if (to - from >= kMaxCheckpointRange) {
            throw http::bad_parameter(
                "to", "at most " + std::to_string(kMaxCheckpointRange) + " indexes per request");
        }
        const auto rows =
            read([&](db::SignedCheckpointStore& store) { return store.range(origin, from, to); });
        boost::json::array list;
        list.reserve(rows.size());
        for (const auto& c : rows) list.push_back(checkpoint_json(reader.validator, c));
        return http::json_response(boost::json::object{{"validator", to_checksum_hex(reader.validator)},
                                                       {"origin", origin},
                                                       {"from", from},
                                                       {"to", to},
                                                       {"checkpoints", std::move(list)}});
    });
    server.get(R"(/checkpoints/([^/]+)/latest)", [answer](const http::Request& r) {
        return answer(u32_param(r.captures.at(0), "origin"), std::nullopt);
    });
    server.get(R"(/checkpoints/([^/]+)/([^/]+))", [answer](const http::Request& r) {
        return answer(u32_param(r.captures.at(0), "origin"), u32_param(r.captures.at(1), "index"));
    });
}

}  // namespace causeway::relayer
