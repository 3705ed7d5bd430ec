// Test-only helpers shared by the header tests: reading the real headers of the shared vectors.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/jsonrpc.hpp"
#include "core/rlp.hpp"
#include "tests/support/vectors.hpp"

namespace causeway::headers::testing {

inline std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Vector files may be bare results or wrapped as {jsonrpc, id, result}.
inline const boost::json::value& unwrap(const boost::json::value& v) {
    if (v.is_object() && v.as_object().contains("jsonrpc") && v.as_object().contains("result")) {
        return v.as_object().at("result");
    }
    return v;
}

// Responses ("<< {...}" lines) of an execution-apis .io transcript.
inline std::vector<boost::json::value> io_responses(std::string_view relative) {
    std::istringstream in(test::read_vector_file(relative));
    std::vector<boost::json::value> out;
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("<< ")) out.push_back(boost::json::parse(line.substr(3)));
    }
    return out;
}

inline std::vector<std::string> io_files(std::string_view folder) {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(*test::vectors_dir() / folder)) {
        if (e.path().extension() == ".io")
            out.push_back(std::string(folder) + "/" + e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

// The header object with this parentHash anywhere in a JSON tree, with ethereumjs field names
// (uncleHash, coinbase, transactionsTrie, receiptTrie, bloom) mapped to the RPC ones.
inline std::optional<boost::json::object> find_header(const boost::json::value& v,
                                                      const std::string& parent) {
    if (v.is_object()) {
        const auto& o = v.as_object();
        if (const auto* p = o.if_contains("parentHash");
            p && p->is_string() && lower(test::json_string(*p)) == parent) {
            boost::json::object out = o;
            const std::pair<const char*, const char*> names[] = {
                {"uncleHash", "sha3Uncles"},
                {"coinbase", "miner"},
                {"transactionsTrie", "transactionsRoot"},
                {"receiptTrie", "receiptsRoot"},
                {"bloom", "logsBloom"},
            };
            for (const auto& [from, to] : names) {
                if (out.contains(from) && !out.contains(to)) out[to] = out.at(from);
            }
            return out;
        }
        for (const auto& kv : o) {
            if (auto found = find_header(kv.value(), parent)) return found;
        }
    } else if (v.is_array()) {
        for (const auto& item : v.as_array()) {
            if (auto found = find_header(item, parent)) return found;
        }
    }
    return std::nullopt;
}

// One headers/INDEX.json entry, decoded.
struct IndexedHeader {
    std::string file;
    std::string chain;
    uint64_t number = 0;
    BlockHeader header;
    std::optional<Hash> hash;     // the entry's hash when the index says it matches the RLP
    std::string parent_in_index;  // "file#number" of its parent, when listed
};

inline std::vector<IndexedHeader> indexed_headers() {
    const auto index = test::read_vector_json("headers/INDEX.json");
    std::map<std::string, boost::json::value> files;
    std::vector<IndexedHeader> out;
    for (const auto& e : index.at("headers").as_array()) {
        const auto& entry = e.as_object();
        IndexedHeader h;
        h.file = test::json_string(entry.at("file"));
        h.chain = test::json_string(entry.at("chain"));
        h.number = entry.at("number").to_number<uint64_t>();
        auto it = files.find(h.file);
        if (it == files.end()) it = files.emplace(h.file, test::read_vector_json(h.file)).first;
        const auto object = find_header(it->second, lower(test::json_string(entry.at("parentHash"))));
        INFO(h.file << " #" << h.number);
        REQUIRE(object);
        auto header = jsonrpc::decode_header(*object, "header");
        if (!header) FAIL(header.error().to_string());
        h.header = std::move(*header);
        if (const auto* m = entry.if_contains("hashMatchesRlp"); m && m->as_bool()) {
            auto hash = jsonrpc::decode_hash(entry.at("hash"));
            REQUIRE(hash);
            h.hash = *hash;
        }
        if (const auto* p = entry.if_contains("parentInIndex"); p && p->is_string()) {
            h.parent_in_index = test::json_string(*p);
        }
        out.push_back(std::move(h));
    }
    return out;
}

// chain.rlp: the hive test chain's blocks 1..54, each [header, transactions, uncles, (withdrawals)].
struct RawBlock {
    Bytes block_rlp;
    Bytes header_rlp;
    std::vector<Bytes> uncle_rlps;
    Bytes uncles_list_rlp;  // the uncle list item as it appears in the block
    std::size_t transactions = 0;
    std::optional<std::size_t> withdrawals;
};

inline std::vector<RawBlock> hive_blocks() {
    const std::string file = test::read_vector_file("execution-apis-hive-chain/chain.rlp");
    ByteView in = to_view(file);
    std::vector<RawBlock> out;
    while (!in.empty()) {
        const ByteView start = in;
        auto body = rlp::decode_list(in);
        REQUIRE(body);
        ByteView p = *body;
        RawBlock block;
        block.block_rlp = Bytes(start.substr(0, start.size() - in.size()));
        const auto item = [&p]() {
            ByteView before = p;
            auto h = rlp::decode_header(p);
            REQUIRE(h);
            p.remove_prefix(h->payload_length);
            return before.substr(0, before.size() - p.size());
        };
        block.header_rlp = Bytes(item());
        {
            ByteView txs = item();
            auto list = rlp::decode_list(txs);
            REQUIRE(list);
            std::vector<ByteView> items;
            REQUIRE(rlp::decode_list_items(*list, items));
            block.transactions = items.size();
        }
        block.uncles_list_rlp = Bytes(item());
        {
            ByteView u = block.uncles_list_rlp;
            auto list = rlp::decode_list(u);
            REQUIRE(list);
            ByteView rest = *list;
            while (!rest.empty()) {
                ByteView before = rest;
                auto h = rlp::decode_header(rest);
                REQUIRE(h);
                rest.remove_prefix(h->payload_length);
                block.uncle_rlps.emplace_back(before.substr(0, before.size() - rest.size()));
            }
        }
        if (!p.empty()) {
            ByteView w = item();
            auto list = rlp::decode_list(w);
            REQUIRE(list);
            std::vector<ByteView> items;
            REQUIRE(rlp::decode_list_items(*list, items));
            block.withdrawals = items.size();
        }
        REQUIRE(p.empty());
        out.push_back(std::move(block));
    }
    return out;
}

}  // namespace causeway::headers::testing
