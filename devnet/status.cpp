// `causeway devnet status`: each part of a devnet checked, one line (or JSON object) per part.
#include <boost/json.hpp>
#include <cstdio>

#include "chain/json_rpc_client.hpp"
#include "core/hex.hpp"
#include "db/migrate.hpp"
#include "devnet/devnet.hpp"
#include "devnet/internal.hpp"
#include "devnet/manifest.hpp"
#include "devnet/sender.hpp"
#include "os/process.hpp"

namespace causeway::devnet {
namespace {

namespace json = boost::json;
using namespace detail;

Health postgres_health(const std::string& url) {
    try {
        auto conn = db::Connection::open({url, std::string(db::kDefaultSchema), "causeway-devnet"});
        return {true, "schema version " + std::to_string(db::schema_version(conn))};
    } catch (const std::exception& e) {
        return {false, e.what()};
    }
}

std::string chain_label(const json::object& c) {
    return text_of(c, "name") + " (" + std::to_string(c.at("chain_id").to_number<int64_t>()) + ")";
}

json::object part(std::string name, int64_t pid, json::value endpoint, const Health& h) {
    return json::object{{"part", std::move(name)},
                        {"pid", pid},
                        {"endpoint", std::move(endpoint)},
                        {"ok", h.ok},
                        {"detail", h.detail}};
}

// Every contract of a chain's entry has code.
Health contracts_health(const json::object& c) {
    auto client = chain::HttpJsonRpcClient::create(text_of(c, "rpc"));
    std::size_t answering = 0;
    std::size_t expected = 0;
    for (const auto& [name, value] : c.at("contracts").as_object()) {
        if (!value.is_string()) continue;
        ++expected;
        const auto address = address_from_hex(value.as_string().c_str());
        if (!client || !address) continue;
        const auto code = (*client)->code(*address);
        if (code && !code->empty()) ++answering;
    }
    return {expected > 0 && answering == expected, std::to_string(answering) + " of " +
                                                       std::to_string(expected) +
                                                       " have code (mailbox, ISMs, token, vault)"};
}

// The proposer runs, and how many outputs each OP Stack style L2's oracle holds (batches each ZK
// style L2's rollup contract has finalized).
Health proposer_health(const json::object& manifest, pid_t pid) {
    if (!os::alive(pid)) return {false, "not running"};
    Health h{true, ""};
    const auto& chains = manifest.at("chains").as_array();
    auto l1 = chain::HttpJsonRpcClient::create(text_of(chains[0].as_object(), "rpc"));
    for (const auto& c : chains) {
        const auto* oracle = c.as_object().if_contains("output_oracle");
        const auto* rollup = c.as_object().if_contains("zk_rollup");
        if ((oracle == nullptr && rollup == nullptr) || !l1) continue;
        jsonrpc::CallRequest call;
        call.to = address_from_hex((oracle != nullptr ? oracle : rollup)->as_string().c_str()).value();
        call.data = calldata(oracle != nullptr ? "nextOutputIndex()" : "lastFinalizedBatchIndex()", {});
        const auto out = (*l1)->call(call);
        if (!h.detail.empty()) h.detail += ", ";
        h.detail += text_of(c.as_object(), "name") + " " +
                    (out && out->size() == 32 ? to_decimal(u256_from_be(*out)) : std::string("?")) +
                    (oracle != nullptr ? " outputs" : " batches finalized");
    }
    return h;
}

}  // namespace

int devnet_status(const DevnetOptions& o, std::ostream& out) {
    const auto manifest = read_manifest(o.dir);
    if (!manifest)
        throw DevnetError("no devnet in " + o.dir.string() + " (start one with `causeway devnet up`)");
    json::array parts;
    const auto& pg = manifest->at("postgres").as_object();
    const auto pg_pid = static_cast<pid_t>(pg.at("pid").to_number<int64_t>());
    parts.push_back(
        part("postgres", pg_pid, pg.at("url"),
             os::alive(pg_pid) ? postgres_health(text_of(pg, "url")) : Health{false, "not running"}));
    for (const auto& c : manifest->at("chains").as_array()) {
        const auto pid = static_cast<pid_t>(c.at("pid").to_number<int64_t>());
        const auto id = c.at("chain_id").to_number<uint64_t>();
        parts.push_back(part(
            chain_label(c.as_object()), pid, c.at("rpc"),
            os::alive(pid) ? chain_health(text_of(c.as_object(), "rpc"), id) : Health{false, "not running"}));
    }
    for (const auto& c : manifest->at("chains").as_array()) {
        if (!c.as_object().contains("contracts")) continue;
        parts.push_back(part("contracts " + std::to_string(c.at("chain_id").to_number<int64_t>()), 0,
                             c.at("contracts").at("mailbox"), contracts_health(c.as_object())));
    }
    if (const auto* proposer = manifest->if_contains("proposer")) {
        const auto pid = static_cast<pid_t>(proposer->at("pid").to_number<int64_t>());
        parts.push_back(part("proposer", pid, "L1 anchors", proposer_health(*manifest, pid)));
    }
    if (const auto* validators = manifest->if_contains("validators")) {
        for (const auto& v : validators->as_array()) {
            const auto pid = static_cast<pid_t>(v.at("pid").to_number<int64_t>());
            const int port = static_cast<int>(v.at("port").to_number<int64_t>());
            Health h{false, "not running"};
            if (os::alive(pid))
                h = os::port_open(port) ? Health{true, "serving checkpoints"}
                                        : Health{false, "its API does not answer"};
            parts.push_back(part(text_of(v.as_object(), "name"), pid, v.at("api"), h));
        }
    }
    if (const auto* relayers = manifest->if_contains("relayers")) {
        for (const auto& r : relayers->as_array()) {
            const auto pid = static_cast<pid_t>(r.at("pid").to_number<int64_t>());
            const int port = static_cast<int>(r.at("port").to_number<int64_t>());
            Health h{false, "not running"};
            if (os::alive(pid))
                h = os::port_open(port) ? Health{true, "relaying"}
                                        : Health{false, "its admin API does not answer"};
            parts.push_back(part(text_of(r.as_object(), "name"), pid, r.at("api"), h));
        }
    }
    bool all_ok = true;
    for (const auto& p : parts) all_ok = all_ok && p.at("ok").as_bool();

    if (o.output == Output::kJson) {
        out << json::serialize(json::object{{"ok", all_ok}, {"parts", parts}}) << std::endl;
        return all_ok ? 0 : 1;
    }
    out << "devnet " << text_of(*manifest, "dir") << ": " << (all_ok ? "healthy" : "NOT healthy") << "\n";
    char line[512];
    std::snprintf(line, sizeof line, "%-14s %-8s %-50s %s\n", "PART", "PID", "ENDPOINT", "HEALTH");
    out << line;
    for (const auto& p : parts) {
        const std::string health =
            std::string(p.at("ok").as_bool() ? "ok: " : "FAILING: ") + p.at("detail").as_string().c_str();
        const auto pid = p.at("pid").to_number<int64_t>();
        std::snprintf(line, sizeof line, "%-14s %-8s %-50s %s\n", p.at("part").as_string().c_str(),
                      pid > 0 ? std::to_string(pid).c_str() : "-", p.at("endpoint").as_string().c_str(),
                      health.c_str());
        out << line;
    }
    out.flush();
    return all_ok ? 0 : 1;
}

}  // namespace causeway::devnet
