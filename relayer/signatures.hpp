// The relayer's side of a committee route: the validators' checkpoints for a message, gathered from
// their HTTP APIs, each signature checked before it counts, and message-id multisig metadata built
// from `threshold` of them agreeing on one root, in the set's order, as the destination's security
// module will check it. A slow or dead validator costs at most the timeout; a lying one (another
// root, another message, a signature not its own) is left out and named.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "db/queue.hpp"

namespace causeway::relayer {

struct CommitteeValidator {
    Address address;
    std::string url;  // its checkpoint API, "http://host:port"
};

struct CommitteeRoute {
    uint32_t origin = 0;
    Hash merkle_tree_hook;                       // the origin Mailbox, as bytes32
    std::vector<CommitteeValidator> validators;  // in the security module's set order
    std::size_t threshold = 0;
};

struct CollectedMetadata {
    Bytes metadata;  // hook | root | u32 index | signatures
    Hash root;
    uint32_t index = 0;
    std::vector<Address> signers;    // in set order
    std::vector<std::string> notes;  // validators left out, and why
};

struct CollectError {
    std::string message;
    std::vector<std::string> notes;
};

// Indexes one checkpoint request covers (the validators' range limit, kMaxCheckpointRange).
inline constexpr uint32_t kCheckpointWindow = 1000;

// The metadata of several messages of one route, in their order: each validator is asked once per
// window of indexes (GET /checkpoints/{origin}?from=I&to=J), all validators at once.
[[nodiscard]] std::vector<std::expected<CollectedMetadata, CollectError>> collect_metadata(
    const CommitteeRoute& route, std::span<const db::QueuedMessage> messages, std::chrono::milliseconds timeout);

[[nodiscard]] std::expected<CollectedMetadata, CollectError> collect_metadata(
    const CommitteeRoute& route, const db::QueuedMessage& message, std::chrono::milliseconds timeout);

}  // namespace causeway::relayer
