// The one place that decides whether a failure is worth another try: every error the relayer meets
// (an RPC failure, a revert from a simulation or from a batch, a refused broadcast) is classified
// here into a db::ErrorClass, retryable or permanent (db::is_permanent), with a reason people read.
#pragma once

#include <string>

#include "chain/rpc_error.hpp"
#include "core/bytes.hpp"
#include "db/message_state.hpp"

namespace causeway::relayer {

struct Classified {
    db::ErrorClass error_class = db::ErrorClass::kRpcUnavailable;
    std::string reason;
    // The destination has the message already (Mailbox.AlreadyDelivered): no error at all.
    bool already_delivered = false;
    [[nodiscard]] bool permanent() const noexcept { return db::is_permanent(error_class); }
};

// What a destination's revert data says: the Mailbox's and the security module's custom errors by
// selector (a message that can never pass: permanent), anything else (a recipient's own revert, no
// data) retryable, as it may pass later.
[[nodiscard]] Classified classify_revert(ByteView revert_data);

// An RPC failure: transport and HTTP trouble, rate limits and node errors are retryable; an
// execution revert (code 3 or "execution reverted") is classified by its data; a refused
// broadcast by its reason (underpriced, nonce conflict, already known).
[[nodiscard]] Classified classify(const chain::RpcError& error);

// True when a refused broadcast means the node has this transaction already.
[[nodiscard]] bool is_already_known(const chain::RpcError& error);

}  // namespace causeway::relayer
