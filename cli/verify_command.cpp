// `causeway verify header | proof | op-output | checkpoint`: each prints JSON and exits 0 valid,
// 1 invalid, 2 on a usage or parse error (cli/commands/verify.hpp).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cli/command.hpp"
#include "cli/commands/verify_checkpoint.hpp"
#include "cli/commands/verify_header.hpp"
#include "cli/commands/verify_message.hpp"
#include "cli/commands/verify_op_output.hpp"
#include "cli/commands/verify_proof.hpp"
#include "cli/options.hpp"
#include "core/hex.hpp"
#include "light-clients/committee/checkpoint.hpp"

namespace causeway::cli {
namespace {

void add_header_command(CLI::App& verify, Command& selected) {
    struct Args {
        std::string json_file;
        std::string rlp;
        std::string expect;
    };
    auto args = std::make_shared<Args>();
    CLI::App* cmd = verify.add_subcommand(
        "header", "Block header: recompute keccak256(rlp(header)) and compare it with the claimed hash");
    auto* json_opt = cmd->add_option("--json", args->json_file,
                                     "an eth_getBlockByNumber/eth_getBlockByHash result (bare or as the"
                                     " whole response); its `hash` is checked");
    auto* rlp_opt = cmd->add_option("--rlp", args->rlp, "the header's RLP in hex; prints the decoded header");
    json_opt->excludes(rlp_opt);
    cmd->add_option("--expect", args->expect, "the hash the header must have")->check(hash_validator());
    cmd->callback([args, json_opt, rlp_opt, &selected] {
        if (json_opt->count() == 0 && rlp_opt->count() == 0) throw CLI::RequiredError("--json or --rlp");
        selected = [args, from_json = json_opt->count() > 0] {
            VerifyHeaderOptions options;
            if (from_json) {
                options.json_file = args->json_file;
            } else {
                options.rlp_hex = args->rlp;
            }
            if (!args->expect.empty()) options.expect = *hash_from_hex(args->expect);
            return run_verify_header(options, std::cout);
        };
    });
}

void add_proof_command(CLI::App& verify, Command& selected) {
    struct Args {
        std::string state_root;
        std::string proof;
        std::string rpc;
        std::string address;
        std::vector<std::string> slots;
        std::string block;
        uint64_t timeout_s = 10;
    };
    auto args = std::make_shared<Args>();
    CLI::App* cmd = verify.add_subcommand(
        "proof", "EIP-1186 account and storage proof: check an eth_getProof result against a state root");
    auto* root_opt =
        cmd->add_option("--state-root", args->state_root, "the state root the proof must prove against");
    auto* proof_opt = cmd->add_option("--proof", args->proof,
                                      "an eth_getProof result (bare or as the whole JSON-RPC response)");
    auto* rpc_opt = cmd->add_option(
        "--rpc", args->rpc, "JSON-RPC endpoint to fetch the header and the proof from, http://host:port");
    auto* address_opt = cmd->add_option("--address", args->address, "the account (with --rpc)");
    auto* slot_opt =
        cmd->add_option("--slot", args->slots, "a storage slot to prove (with --rpc; repeatable)");
    auto* block_opt =
        cmd->add_option("--block", args->block, "block number, tag or hash (with --rpc; default latest)");
    cmd->add_option("--timeout", args->timeout_s, "seconds per RPC request")
        ->capture_default_str()
        ->check(CLI::Range(uint64_t{1}, uint64_t{3600}));
    for (auto* file_side : {root_opt, proof_opt}) {
        for (auto* rpc_side : {rpc_opt, address_opt, slot_opt, block_opt}) file_side->excludes(rpc_side);
    }
    cmd->callback([args, root_opt, proof_opt, rpc_opt, address_opt, block_opt, &selected] {
        VerifyProofOptions options;
        if (root_opt->count()) options.state_root = args->state_root;
        if (proof_opt->count()) options.proof_file = args->proof;
        if (rpc_opt->count()) options.rpc = args->rpc;
        if (address_opt->count()) options.address = args->address;
        if (block_opt->count()) options.block = args->block;
        options.slots = args->slots;
        options.rpc_timeout = std::chrono::seconds(args->timeout_s);
        selected = [options] { return run_verify_proof(options, std::cout); };
    });
}

void add_op_output_command(CLI::App& verify, Command& selected) {
    struct Args {
        std::string state_root;
        std::string message_passer_root;
        std::string block_hash;
        std::string version;
        std::string expect;
    };
    auto args = std::make_shared<Args>();
    // A malformed hash is a usage error (exit 2), reported by CLI11 with the option's name.
    const CLI::Validator hash32 = hash_validator("");
    CLI::App* cmd = verify.add_subcommand(
        "op-output",
        "OP Stack output root: keccak256(version ++ stateRoot ++ messagePasserStorageRoot ++ blockHash); "
        "valid or not only against --expect (without it the root is printed, \"checked\": false)");
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

void add_checkpoint_command(CLI::App& verify, Command& selected) {
    auto args = std::make_shared<VerifyCheckpointArgs>();
    CLI::App* cmd = verify.add_subcommand(
        "checkpoint",
        "Verify message-id multisig metadata (committee signatures over a checkpoint) against an ordered"
        " validator set");
    cmd->add_option("--origin", args->origin, "origin domain")->required();
    cmd->add_option("--merkle-hook", args->merkle_hook, "origin merkle-tree hook: address or bytes32")
        ->required();
    cmd->add_option("--root", args->root, "checkpoint merkle root (bytes32)")->required();
    cmd->add_option("--index", args->index, "checkpoint index")->required();
    cmd->add_option("--message-id", args->message_id, "message id (bytes32)")->required();
    cmd->add_option("--metadata", args->metadata,
                    "hex metadata: merkle-tree hook | root | u32 index | 65-byte signatures")
        ->required();
    cmd->add_option("--validators", args->validators, "validator addresses, comma-separated, in set order")
        ->required()
        ->delimiter(',');
    cmd->add_option("--threshold", args->threshold, "signatures required")
        ->required()
        ->check(CLI::Range(std::size_t{1}, committee::kMaxValidators));
    cmd->callback([args, &selected] {
        selected = [args] { return run_verify_checkpoint(*args, std::cout, std::cerr); };
    });
}

void add_message_command(CLI::App& verify, Command& selected) {
    struct Args {
        DbArgs db;
        std::string id;
    };
    auto args = std::make_shared<Args>();
    CLI::App* cmd = verify.add_subcommand(
        "message", "Check again, from the database alone, what justified a message's delivery");
    add_db_options(cmd, args->db);
    cmd->add_option("id", args->id, "the message id (0x and 64 hex digits)")
        ->required()
        ->check(id_validator());
    cmd->footer(
        "Checks: the id recomputed from the stored message; the stored committee metadata against the "
        "validator "
        "set and threshold it was built for, as the destination's module checks it; its checkpoint against "
        "the "
        "stored one; once delivered, the mined delivery transaction. Exit 0 when all hold, 1 when one fails "
        "(named).");
    cmd->callback([args, &selected] {
        const Hash id = *hash_from_hex(args->id);
        resolve_db(args->db);
        selected = guarded([args, id] {
            auto conn = open_database(args->db);
            return run_verify_message(conn, id, args->db.format(), std::cout);
        });
    });
}

}  // namespace

void add_verify_command(CLI::App& app, Command& selected) {
    CLI::App* verify = app.add_subcommand(
        "verify", "Verify a header, proof, output root, checkpoint or a delivered message");
    verify->require_subcommand(1);
    add_header_command(*verify, selected);
    add_proof_command(*verify, selected);
    add_op_output_command(*verify, selected);
    add_checkpoint_command(*verify, selected);
    add_message_command(*verify, selected);
}

}  // namespace causeway::cli
