// Message lifecycle states as stored (observed -> verified -> submitted -> delivered, with retrying,
// failed_permanent, paused and orphaned; never renamed once stored) and the classes of failure
// recorded with them.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace causeway::db {

// Stored by name; names are never renamed or removed, only added.
enum class MessageState : uint8_t {
    kObserved,         // seen in an origin block; awaiting verification
    kVerified,         // evidence gathered; awaiting submission
    kSubmitted,        // delivery transaction sent; awaiting confirmation
    kDelivered,        // confirmed on the destination (moved to history)
    kRetrying,         // failed at its stage; waiting out a backoff
    kFailedPermanent,  // dead letter, with a classified reason
    kPaused,           // reserved: a paused route leaves its messages in their own state
    kOrphaned,         // its source block was reorged away
};

[[nodiscard]] std::string_view to_string(MessageState s) noexcept;
[[nodiscard]] std::optional<MessageState> parse_message_state(std::string_view name) noexcept;
// The states a worker claims messages for.
[[nodiscard]] bool is_stage(MessageState s) noexcept;

// Why an attempt failed. Retryable classes back off and try again; permanent ones dead-letter
// at once. One place decides which is which.
enum class ErrorClass : uint8_t {
    kRpcUnavailable,         // endpoint down or connection refused
    kRpcTimeout,             // no answer within the deadline
    kUnderpriced,            // fee too low / replacement underpriced
    kNonceConflict,          // nonce already used or too high
    kSimulationReverted,     // eth_call of the delivery reverted (may succeed later)
    kEvidenceNotReady,       // signatures or proofs not yet available
    kLeaseExpired,           // the worker holding it stopped
    kInvalidMessage,         // malformed or not from a known sender
    kRejectedByDestination,  // the destination refuses it for good
    kUnknownRoute,           // no route configured for (origin, destination)
    kRetriesExhausted,       // retryable failures past the attempt limit
    kOperator,               // an operator dead-lettered it
};

[[nodiscard]] std::string_view to_string(ErrorClass c) noexcept;
[[nodiscard]] std::optional<ErrorClass> parse_error_class(std::string_view name) noexcept;
[[nodiscard]] bool is_permanent(ErrorClass c) noexcept;

}  // namespace causeway::db
