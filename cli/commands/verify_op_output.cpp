#include "cli/commands/verify_op_output.hpp"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands/verify.hpp"
#include "core/hex.hpp"
#include "light-clients/opstack/output_root.hpp"

namespace causeway::cli {

int run_verify_op_output(const OpOutputOptions& options, std::ostream& out) {
    const opstack::OutputRootProof proof{options.version, options.state_root, options.message_passer_root,
                                         options.block_hash};
    boost::json::object result;
    int code = kVerifyValid;
    const auto root = opstack::output_root(proof);
    if (!root) {
        result["outputRoot"] = nullptr;
        result["valid"] = false;
        result["reason"] = std::string(opstack::to_string(opstack::OutputVerdict::kUnknownVersion)) + " " +
                           to_hex(options.version);
        code = kVerifyInvalid;
    } else {
        result["outputRoot"] = to_hex(*root);
        // Computing a root proves nothing by itself: without a root to compare with (one proven
        // on L1), no validity is claimed.
        result["checked"] = options.expect.has_value();
        if (!options.expect) {
            out << boost::json::serialize(result) << std::endl;
            return code;
        }
        const bool valid = *options.expect == *root;
        result["valid"] = valid;
        if (!valid) {
            result["expected"] = to_hex(*options.expect);
            result["reason"] = std::string(opstack::to_string(opstack::OutputVerdict::kOutputRootMismatch));
            code = kVerifyInvalid;
        }
    }
    out << boost::json::serialize(result) << std::endl;
    return code;
}

}  // namespace causeway::cli
