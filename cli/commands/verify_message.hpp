// `causeway verify message ID`: checks again, from the database alone (no chain), what justified a
// message's delivery: its id recomputed from the stored message, the stored committee metadata
// verified as the destination's message-id multisig module would (the validator set and threshold
// it was built for), the metadata's checkpoint equal to the stored one, and, once delivered, a mined
// delivery transaction recorded for it. Prints JSON (or text) and returns kVerifyValid (0) when
// every check holds, kVerifyInvalid (1) naming the first that fails.
#pragma once

#include <ostream>

#include "cli/commands/format.hpp"
#include "core/bytes.hpp"
#include "db/connection.hpp"

namespace causeway::cli {

int run_verify_message(db::Connection& conn, const Hash& id, OutputFormat format, std::ostream& out);

}  // namespace causeway::cli
