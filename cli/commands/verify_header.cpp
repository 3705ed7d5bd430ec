#include "cli/commands/verify_header.hpp"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <iostream>
#include <memory>

#include "cli/commands/verify.hpp"
#include "core/block_header.hpp"
#include "core/hex.hpp"
#include "core/jsonrpc.hpp"
#include "light-clients/headers/arbitrum_header.hpp"
#include "light-clients/headers/ethereum_header.hpp"

namespace causeway::cli {

namespace {

namespace json = boost::json;
using jsonrpc::encode_data;
using jsonrpc::encode_quantity;

// The header as eth_getBlockBy* names its fields, so that the output of --rlp is valid --json input.
json::object header_json(const BlockHeader& h, const Hash& hash) {
    json::object o;
    o["parentHash"] = encode_data(h.parent_hash);
    o["sha3Uncles"] = encode_data(h.ommers_hash);
    o["miner"] = encode_data(h.beneficiary);
    o["stateRoot"] = encode_data(h.state_root);
    o["transactionsRoot"] = encode_data(h.transactions_root);
    o["receiptsRoot"] = encode_data(h.receipts_root);
    o["logsBloom"] = encode_data(h.logs_bloom);
    o["difficulty"] = encode_quantity(h.difficulty);
    o["number"] = encode_quantity(h.number);
    o["gasLimit"] = encode_quantity(h.gas_limit);
    o["gasUsed"] = encode_quantity(h.gas_used);
    o["timestamp"] = encode_quantity(h.timestamp);
    o["extraData"] = encode_data(h.extra_data);
    o["mixHash"] = encode_data(h.mix_hash);
    o["nonce"] = encode_data(h.nonce);
    if (h.base_fee_per_gas) o["baseFeePerGas"] = encode_quantity(*h.base_fee_per_gas);
    if (h.withdrawals_root) o["withdrawalsRoot"] = encode_data(*h.withdrawals_root);
    if (h.blob_gas_used) o["blobGasUsed"] = encode_quantity(*h.blob_gas_used);
    if (h.excess_blob_gas) o["excessBlobGas"] = encode_quantity(*h.excess_blob_gas);
    if (h.parent_beacon_block_root) o["parentBeaconBlockRoot"] = encode_data(*h.parent_beacon_block_root);
    if (h.requests_hash) o["requestsHash"] = encode_data(*h.requests_hash);
    o["hash"] = encode_data(hash);
    return o;
}

// What every verdict carries besides `valid`.
void describe(json::object& o, const BlockHeader& h, const Hash& computed) {
    o["hash"] = encode_data(computed);
    o["number"] = h.number;
    if (const auto layout = layout_of(h)) {
        o["layout"] = to_string(*layout);
        o["fields"] = static_cast<int>(*layout);
    }
}

json::object mismatch(const Hash& computed, std::string_view key, const Hash& claimed) {
    return json::object{{"valid", false},
                        {"rule", headers::to_string(headers::HeaderVerdict::kHashMismatch)},
                        {"computed", encode_data(computed)},
                        {key, encode_data(claimed)}};
}

int verify_json(const std::filesystem::path& file, const std::optional<Hash>& expect, std::ostream& out) {
    const auto input = read_rpc_result_file(file, "block");
    if (!input) return print_usage_error(out, input.error());
    const json::value* value = &input->result;
    const auto header = jsonrpc::decode_header(*value, input->path);
    if (!header) return print_usage_error(out, file.string() + ": " + header.error().to_string());
    if (!header->hash && !expect) {
        return print_usage_error(
            out, file.string() + ": the header has no hash field to check (pass --expect HASH)");
    }

    const Hash computed = compute_hash(*header);
    if (header->hash && *header->hash != computed) {
        auto result = mismatch(computed, "claimed", *header->hash);
        result["number"] = header->number;
        return print_json(out, result, kVerifyInvalid);
    }
    if (expect && *expect != computed) {
        auto result = mismatch(computed, "expected", *expect);
        result["number"] = header->number;
        return print_json(out, result, kVerifyInvalid);
    }

    json::object result{{"valid", true}};
    describe(result, *header, computed);
    // Arbitrum Nitro responses repeat sendRoot, sendCount and l1BlockNumber beside the header; they
    // are not hashed, so they must equal what the hashed fields hold.
    const auto& object = value->as_object();
    if (object.contains("sendRoot") || object.contains("sendCount") || object.contains("l1BlockNumber")) {
        headers::ArbitrumClaims claims;
        const std::string prefix = input->path.empty() ? "" : input->path + ".";
        if (const auto* v = object.if_contains("sendRoot")) {
            auto h = jsonrpc::decode_hash(*v, prefix + "sendRoot");
            if (!h) return print_usage_error(out, file.string() + ": " + h.error().to_string());
            claims.send_root = *h;
        }
        if (const auto* v = object.if_contains("sendCount")) {
            auto n = jsonrpc::decode_u64(*v, prefix + "sendCount");
            if (!n) return print_usage_error(out, file.string() + ": " + n.error().to_string());
            claims.send_count = *n;
        }
        if (const auto* v = object.if_contains("l1BlockNumber")) {
            auto n = jsonrpc::decode_u64(*v, prefix + "l1BlockNumber");
            if (!n) return print_usage_error(out, file.string() + ": " + n.error().to_string());
            claims.l1_block_number = *n;
        }
        const headers::ArbitrumVerdict verdict = headers::verify_arbitrum_claims(*header, claims);
        if (verdict != headers::ArbitrumVerdict::kValid) {
            json::object bad{{"valid", false}, {"rule", headers::to_string(verdict)}};
            describe(bad, *header, computed);
            return print_json(out, bad, kVerifyInvalid);
        }
        const auto info = headers::arbitrum_header_info(*header);
        result["arbitrum"] = json::object{{"sendRoot", encode_data(info->send_root)},
                                          {"sendCount", info->send_count},
                                          {"l1BlockNumber", info->l1_block_number},
                                          {"arbosVersion", info->arbos_version}};
    }
    return print_json(out, result, kVerifyValid);
}

int verify_rlp(const std::string& hex, const std::optional<Hash>& expect, std::ostream& out) {
    const auto bytes = from_hex(hex, HexPrefix::kOptional);
    if (!bytes) return print_usage_error(out, "--rlp: " + bytes.error().message());
    const headers::HeaderCheck check = headers::verify_header(*bytes, expect.value_or(Hash{}));
    if (!check.header) {
        json::object result{{"valid", false}, {"rule", headers::to_string(check.verdict)}};
        if (check.decode_error) result["error"] = rlp::to_string(*check.decode_error);
        return print_json(out, result, kVerifyInvalid);
    }
    if (expect && check.verdict != headers::HeaderVerdict::kValid) {
        auto result = mismatch(*check.computed, "expected", *expect);
        result["number"] = check.header->number;
        return print_json(out, result, kVerifyInvalid);
    }
    json::object result{{"valid", true}};
    describe(result, *check.header, *check.computed);
    result["header"] = header_json(*check.header, *check.computed);
    return print_json(out, result, kVerifyValid);
}

}  // namespace

int run_verify_header(const VerifyHeaderOptions& options, std::ostream& out) {
    if (options.json_file.has_value() == options.rlp_hex.has_value()) {
        return print_usage_error(out, "pass exactly one of --json FILE and --rlp HEX");
    }
    if (options.json_file) return verify_json(*options.json_file, options.expect, out);
    return verify_rlp(*options.rlp_hex, options.expect, out);
}

}  // namespace causeway::cli
