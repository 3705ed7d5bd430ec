// `causeway verify op-output`: the OP Stack output root from its four parts, optionally compared with
// the root an L1 anchor holds.
#pragma once

#include <optional>
#include <ostream>

#include "core/bytes.hpp"

namespace causeway::cli {

struct OpOutputOptions {
    Hash state_root;
    Hash message_passer_root;
    Hash block_hash;
    Hash version;                // bytes32(0) unless --version
    std::optional<Hash> expect;  // --expect
};

// Prints {"outputRoot": ..., "valid": ...} (and "expected", "reason" when invalid) as one line on
// `out`; returns the exit code: 0 valid (or nothing to compare with), 1 invalid (--expect differs,
// or an unknown version, which has no output root).
int run_verify_op_output(const OpOutputOptions& options, std::ostream& out);

}  // namespace causeway::cli
