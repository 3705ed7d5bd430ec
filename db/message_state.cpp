#include "db/message_state.hpp"

#include <array>
#include <utility>

namespace causeway::db {
namespace {

constexpr std::array<std::pair<MessageState, std::string_view>, 8> kStates{{
    {MessageState::kObserved, "observed"},
    {MessageState::kVerified, "verified"},
    {MessageState::kSubmitted, "submitted"},
    {MessageState::kDelivered, "delivered"},
    {MessageState::kRetrying, "retrying"},
    {MessageState::kFailedPermanent, "failed_permanent"},
    {MessageState::kPaused, "paused"},
    {MessageState::kOrphaned, "orphaned"},
}};

constexpr std::array<std::pair<ErrorClass, std::string_view>, 12> kClasses{{
    {ErrorClass::kRpcUnavailable, "rpc_unavailable"},
    {ErrorClass::kRpcTimeout, "rpc_timeout"},
    {ErrorClass::kUnderpriced, "underpriced"},
    {ErrorClass::kNonceConflict, "nonce_conflict"},
    {ErrorClass::kSimulationReverted, "simulation_reverted"},
    {ErrorClass::kEvidenceNotReady, "evidence_not_ready"},
    {ErrorClass::kLeaseExpired, "lease_expired"},
    {ErrorClass::kInvalidMessage, "invalid_message"},
    {ErrorClass::kRejectedByDestination, "rejected_by_destination"},
    {ErrorClass::kUnknownRoute, "unknown_route"},
    {ErrorClass::kRetriesExhausted, "retries_exhausted"},
    {ErrorClass::kOperator, "operator"},
}};

template <typename Table, typename E>
std::string_view name_of(const Table& table, E value) noexcept {
    for (const auto& [v, name] : table) {
        if (v == value) return name;
    }
    return "unknown";
}

template <typename Table>
auto value_of(const Table& table, std::string_view name) noexcept -> std::optional<decltype(table[0].first)> {
    for (const auto& [v, n] : table) {
        if (n == name) return v;
    }
    return std::nullopt;
}

}  // namespace

std::string_view to_string(MessageState s) noexcept {
    return name_of(kStates, s);
}
std::optional<MessageState> parse_message_state(std::string_view name) noexcept {
    return value_of(kStates, name);
}
bool is_stage(MessageState s) noexcept {
    return s == MessageState::kObserved || s == MessageState::kVerified || s == MessageState::kSubmitted;
}

std::string_view to_string(ErrorClass c) noexcept {
    return name_of(kClasses, c);
}
std::optional<ErrorClass> parse_error_class(std::string_view name) noexcept {
    return value_of(kClasses, name);
}
bool is_permanent(ErrorClass c) noexcept {
    switch (c) {
        case ErrorClass::kInvalidMessage:
        case ErrorClass::kRejectedByDestination:
        case ErrorClass::kUnknownRoute:
        case ErrorClass::kRetriesExhausted:
        case ErrorClass::kOperator: return true;
        default: return false;
    }
}

}  // namespace causeway::db
