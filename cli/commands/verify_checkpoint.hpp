// `causeway verify checkpoint`: checks message-id multisig metadata (a committee's signatures over
// a checkpoint) against an ordered validator set and threshold, as a destination's security module
// would, and prints the verdict as JSON.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace causeway::cli {

// The command line as given; every field is parsed (strictly) by run_verify_checkpoint.
struct VerifyCheckpointArgs {
    uint32_t origin = 0;
    std::string merkle_hook;  // 20-byte address (left-padded) or bytes32
    std::string root;
    uint32_t index = 0;
    std::string message_id;
    std::string metadata;                 // hex
    std::vector<std::string> validators;  // addresses, in set order
    std::size_t threshold = 0;
};

// Prints JSON on `out` and returns kVerifyValid (0) or kVerifyInvalid (1); a value that does not
// parse or a validator set that cannot exist prints the reason on `err` and returns kVerifyUsage (2).
int run_verify_checkpoint(const VerifyCheckpointArgs& args, std::ostream& out, std::ostream& err);

}  // namespace causeway::cli
