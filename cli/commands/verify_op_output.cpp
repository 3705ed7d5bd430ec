#include "cli/commands/verify_op_output.hpp"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "core/hex.hpp"
#include "light-clients/opstack/output_root.hpp"
#include "cli/commands/verify.hpp"

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
        const bool valid = !options.expect || *options.expect == *root;
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

void add_verify_op_output_command(CLI::App& verify, Command& selected) {
    struct Args {
        std::string state_root;
        std::string message_passer_root;
        std::string block_hash;
        std::string version;
        std::string expect;
    };
    auto args = std::make_shared<Args>();
    // A malformed hash is a usage error (exit 2), reported by CLI11 with the option's name.
    const CLI::Validator hash32(
        [](std::string& text) -> std::string {
            const auto h = hash_from_hex(text);
            return h ? std::string{} : "not a 32-byte 0x-hex value: " + h.error().message();
        },
        "");
    CLI::App* cmd = verify.add_subcommand(
        "op-output",
        "OP Stack output root: keccak256(version ++ stateRoot ++ messagePasserStorageRoot ++ blockHash)");
    cmd->add_option("--state-root", args->state_root, "the L2 block's state root")
        ->required()
        ->type_name("HASH")
        ->check(hash32);
    cmd->add_option("--message-passer-root", args->message_passer_root,
                    "storage root of L2ToL1MessagePasser 0x4200000000000000000000000000000000000016")
        ->required()
        ->type_name("HASH")
        ->check(hash32);
    cmd->add_option("--block-hash", args->block_hash, "the L2 block's hash")
        ->required()
        ->type_name("HASH")
        ->check(hash32);
    cmd->add_option("--version", args->version,
                    "output root version (default bytes32(0), the only one defined)")
        ->type_name("HASH")
        ->check(hash32);
    cmd->add_option("--expect", args->expect, "the output root to compare with (from an L1 anchor)")
        ->type_name("HASH")
        ->check(hash32);
    cmd->callback([args, &selected] {
        selected = [args] {
            OpOutputOptions options;
            options.state_root = *hash_from_hex(args->state_root);
            options.message_passer_root = *hash_from_hex(args->message_passer_root);
            options.block_hash = *hash_from_hex(args->block_hash);
            if (!args->version.empty()) options.version = *hash_from_hex(args->version);
            if (!args->expect.empty()) options.expect = *hash_from_hex(args->expect);
            return run_verify_op_output(options, std::cout);
        };
    });
}

}  // namespace causeway::cli
