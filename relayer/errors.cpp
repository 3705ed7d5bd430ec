#include "relayer/errors.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include "core/abi.hpp"
#include "core/hex.hpp"

namespace causeway::relayer {
namespace {

struct KnownError {
    const char* signature;
    db::ErrorClass error_class;
};

// Reverts that no later attempt can change. The Mailbox's AlreadyDelivered is handled apart.
constexpr std::array kPermanent = {
    KnownError{"WrongVersion(uint8)", db::ErrorClass::kInvalidMessage},
    KnownError{"WrongDestination(uint32)", db::ErrorClass::kInvalidMessage},
    KnownError{"RecipientNotContract(address)", db::ErrorClass::kRejectedByDestination},
    KnownError{"IsmNotContract(address)", db::ErrorClass::kRejectedByDestination},
    KnownError{"UnknownOrigin(uint32)", db::ErrorClass::kRejectedByDestination},
    KnownError{"MalformedMetadata(uint256)", db::ErrorClass::kRejectedByDestination},
    KnownError{"SignerNotValidator(uint256,address)", db::ErrorClass::kRejectedByDestination},
    KnownError{"SignatureInvalid(uint256)", db::ErrorClass::kRejectedByDestination},
    KnownError{"SignatureHighS(uint256)", db::ErrorClass::kRejectedByDestination},
    KnownError{"DuplicateSigner(uint256,address)", db::ErrorClass::kRejectedByDestination},
    KnownError{"SignersOutOfOrder(uint256,address)", db::ErrorClass::kRejectedByDestination},
};

// Retryable reverts worth naming: the committee may reach the threshold, the route may be
// un-paused on chain.
constexpr std::array kRetryable = {
    KnownError{"ThresholdNotMet(uint256,uint8)", db::ErrorClass::kEvidenceNotReady},
    KnownError{"VerificationFailed(bytes32,address)", db::ErrorClass::kSimulationReverted},
    KnownError{"RoutePaused(uint32)", db::ErrorClass::kSimulationReverted},
    KnownError{"Reentrancy()", db::ErrorClass::kSimulationReverted},
};

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

bool contains(const std::string& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

Classified classify_revert(ByteView data) {
    if (data.size() < 4) {
        return {db::ErrorClass::kSimulationReverted, data.empty() ? "reverted without data" : "reverted",
                false};
    }
    const auto matches = [&](const char* signature) {
        const auto sel = abi::function_selector(signature);
        return std::equal(sel.bytes.begin(), sel.bytes.end(), data.begin());
    };
    if (matches("AlreadyDelivered(bytes32)"))
        return {db::ErrorClass::kRejectedByDestination, "AlreadyDelivered", true};
    for (const auto& k : kPermanent) {
        if (matches(k.signature)) return {k.error_class, k.signature, false};
    }
    for (const auto& k : kRetryable) {
        if (matches(k.signature)) return {k.error_class, k.signature, false};
    }
    if (matches("Error(string)")) {
        const auto decoded = abi::decode({abi::Type::string()}, data.substr(4));
        if (decoded && !decoded->empty()) {
            if (const auto* s = (*decoded)[0].template get_if<std::string>())
                return {db::ErrorClass::kSimulationReverted, "Error(\"" + *s + "\")", false};
        }
    }
    return {db::ErrorClass::kSimulationReverted,
            "reverted with 0x" + to_hex(data.substr(0, 4), false) + "...", false};
}

Classified classify(const chain::RpcError& e) {
    using Kind = chain::RpcError::Kind;
    switch (e.kind) {
        case Kind::kTransport:
            return {e.is_timeout() ? db::ErrorClass::kRpcTimeout : db::ErrorClass::kRpcUnavailable,
                    e.to_string(), false};
        case Kind::kHttpStatus:
        case Kind::kMalformed:
        case Kind::kNotSent: return {db::ErrorClass::kRpcUnavailable, e.to_string(), false};
        case Kind::kJsonRpc: break;
    }
    const std::string m = lower(e.message);
    if (e.code == 3 || contains(m, "revert")) {
        if (e.data.is_string()) {
            if (const auto bytes = from_hex(std::string_view(e.data.get_string()))) {
                auto c = classify_revert(*bytes);
                c.reason = "reverted: " + c.reason;
                return c;
            }
        }
        return {db::ErrorClass::kSimulationReverted, e.to_string(), false};
    }
    if (contains(m, "underpriced") || contains(m, "fee too low") || contains(m, "max fee per gas less"))
        return {db::ErrorClass::kUnderpriced, e.to_string(), false};
    if (contains(m, "nonce")) return {db::ErrorClass::kNonceConflict, e.to_string(), false};
    return {db::ErrorClass::kRpcUnavailable, e.to_string(), false};
}

bool is_already_known(const chain::RpcError& e) {
    const std::string m = lower(e.message);
    return e.kind == chain::RpcError::Kind::kJsonRpc &&
           (contains(m, "already known") || contains(m, "already imported") ||
            contains(m, "known transaction"));
}

}  // namespace causeway::relayer
