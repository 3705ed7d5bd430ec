#include "cli/commands/verify_proof.hpp"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <iostream>
#include <memory>

#include "chain/json_rpc_client.hpp"
#include "cli/commands/verify.hpp"
#include "core/hex.hpp"
#include "core/jsonrpc.hpp"
#include "light-clients/mpt/proof.hpp"

namespace causeway::cli {

namespace {

namespace json = boost::json;
using jsonrpc::encode_data;
using jsonrpc::encode_quantity;

// A slot as a person or an RPC writes it: 32-byte hex, or a number (0x-hex or decimal).
std::optional<Hash> parse_slot(std::string_view text) {
    if (text.starts_with("0x") && text.size() == 66) {
        if (auto h = hash_from_hex(text)) return *h;
        return std::nullopt;
    }
    auto n = parse_u256(text);
    if (!n) return std::nullopt;
    return u256_to_hash(*n);
}

json::object verdict_json(const mpt::Eip1186Report& report, const Hash& state_root,
                          const jsonrpc::AccountProof& proof) {
    json::object o;
    o["valid"] = report.verdict == mpt::ProofVerdict::kValid;
    if (report.verdict != mpt::ProofVerdict::kValid) {
        o["rule"] = mpt::to_string(report.verdict);
        if (report.failed_storage) {
            const std::size_t i = *report.failed_storage;
            o["proof"] = "storage[" + std::to_string(i) + "]";
            o["key"] = encode_data(proof.storage_proof[i].key);
        } else {
            o["proof"] = "account";
        }
    }
    o["stateRoot"] = encode_data(state_root);
    o["address"] = to_checksum_hex(proof.address);
    if (report.verdict != mpt::ProofVerdict::kValid) return o;
    const mpt::Account& a = report.account;
    o["account"] =
        json::object{{"exists", report.account_exists},
                     {"nonce", encode_quantity(a.nonce)},
                     {"balance", encode_quantity(a.balance)},
                     {"storageHash", encode_data(report.account_exists ? a.storage_root : mpt::empty_root())},
                     {"codeHash", encode_data(report.account_exists ? a.code_hash : mpt::empty_code_hash())}};
    json::array storage;
    for (std::size_t i = 0; i < proof.storage_proof.size(); ++i) {
        storage.push_back(json::object{{"key", encode_data(proof.storage_proof[i].key)},
                                       {"value", encode_quantity(report.storage_values[i])}});
    }
    o["storage"] = std::move(storage);
    return o;
}

int verify_file(const std::string& root_hex, const std::filesystem::path& file, std::ostream& out) {
    const auto root = hash_from_hex(root_hex);
    if (!root) return print_usage_error(out, "--state-root: " + root.error().message());
    const auto input = read_rpc_result_file(file, "proof");
    if (!input) return print_usage_error(out, input.error());
    const auto proof = jsonrpc::decode_account_proof(input->result, input->path);
    if (!proof) return print_usage_error(out, file.string() + ": " + proof.error().to_string());
    const auto report = mpt::verify_eip1186_report(*root, *proof);
    return print_json(out, verdict_json(report, *root, *proof),
                      report.verdict == mpt::ProofVerdict::kValid ? kVerifyValid : kVerifyInvalid);
}

int verify_rpc(const VerifyProofOptions& options, std::ostream& out) {
    const auto address = address_from_hex(*options.address);
    if (!address) return print_usage_error(out, "--address: " + address.error().message());
    std::vector<Hash> slots;
    for (const auto& s : options.slots) {
        const auto slot = parse_slot(s);
        if (!slot)
            return print_usage_error(out, "--slot " + s + ": not a 32-byte hex key or a number below 2^256");
        slots.push_back(*slot);
    }
    jsonrpc::BlockId block = jsonrpc::BlockId::latest();
    if (options.block) {
        auto parsed = jsonrpc::parse_block_id(*options.block);
        if (!parsed) return print_usage_error(out, "--block: " + parsed.error().to_string());
        block = *parsed;
    }
    chain::HttpOptions http;
    http.timeout = options.rpc_timeout;
    auto created = chain::HttpJsonRpcClient::create(*options.rpc, http);
    if (!created) return print_usage_error(out, "--rpc " + *options.rpc + ": " + created.error());
    chain::ChainClient& client = **created;

    // The header first: its hash is recomputed, so the state root is as good as the block hash.
    const auto header =
        block.block_hash() ? client.header_by_hash(block.block_hash()->hash) : client.header_by_number(block);
    if (!header) return print_usage_error(out, "eth_getBlockBy*: " + header.error().to_string());
    if (!*header) return print_usage_error(out, "block " + jsonrpc::to_string(block) + " is not available");
    const Hash computed = jsonrpc::compute_hash(**header);
    const json::object block_json{{"number", (*header)->number}, {"hash", encode_data(computed)}};
    const auto claimed = (*header)->hash;
    if (!claimed || *claimed != computed || (block.block_hash() && block.block_hash()->hash != computed)) {
        return print_json(
            out,
            json::object{{"valid", false},
                         {"rule", "header hash mismatch"},
                         {"block", block_json},
                         {"claimed", claimed ? json::value(encode_data(*claimed)) : json::value(nullptr)}},
            kVerifyInvalid);
    }
    const Hash state_root = (*header)->state_root;

    // The proof at exactly that block.
    const auto proof = client.get_proof(*address, slots, jsonrpc::BlockId::hash(computed));
    if (!proof) return print_usage_error(out, "eth_getProof: " + proof.error().to_string());
    bool matches = proof->address == *address && proof->storage_proof.size() == slots.size();
    for (std::size_t i = 0; matches && i < slots.size(); ++i)
        matches = proof->storage_proof[i].key == slots[i];
    if (!matches) {
        return print_json(out,
                          json::object{{"valid", false},
                                       {"rule", "response does not match the request"},
                                       {"block", block_json},
                                       {"address", to_checksum_hex(proof->address)}},
                          kVerifyInvalid);
    }
    const auto report = mpt::verify_eip1186_report(state_root, *proof);
    json::object result = verdict_json(report, state_root, *proof);
    result["block"] = block_json;
    return print_json(out, result,
                      report.verdict == mpt::ProofVerdict::kValid ? kVerifyValid : kVerifyInvalid);
}

}  // namespace

int run_verify_proof(const VerifyProofOptions& options, std::ostream& out) {
    const bool from_file = options.state_root || options.proof_file;
    const bool from_rpc = options.rpc || options.address || !options.slots.empty() || options.block;
    if (from_file == from_rpc) {
        return print_usage_error(out,
                                 "pass either --state-root HEX --proof FILE, or --rpc URL --address ADDR"
                                 " [--slot KEY ...] [--block N]");
    }
    if (from_file) {
        if (!options.state_root || !options.proof_file) {
            return print_usage_error(out, "--state-root and --proof go together");
        }
        return verify_file(*options.state_root, *options.proof_file, out);
    }
    if (!options.rpc || !options.address)
        return print_usage_error(out, "--rpc needs --address (and --address --rpc)");
    return verify_rpc(options, out);
}

}  // namespace causeway::cli
