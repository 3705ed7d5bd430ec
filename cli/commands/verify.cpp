#include "cli/commands/verify.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fstream>
#include <sstream>

namespace causeway::cli {

int print_usage_error(std::ostream& out, const std::string& message) {
    return print_json(out, boost::json::object{{"error", message}}, kVerifyUsage);
}

std::expected<RpcResultFile, std::string> read_rpc_result_file(const std::filesystem::path& file,
                                                               std::string_view what) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::unexpected("cannot read " + file.string());
    std::ostringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    boost::json::value doc = boost::json::parse(text.str(), ec);
    if (ec) return std::unexpected(file.string() + ": not JSON: " + ec.message());
    // A bare result (a header, a proof) never has these members; a response always has one.
    const auto* o = doc.if_object();
    if (!o || !(o->contains("jsonrpc") || o->contains("result") || o->contains("error"))) {
        return RpcResultFile{std::move(doc), ""};
    }
    if (const auto* error = o->if_contains("error")) {
        return std::unexpected(file.string() + ": an error response: " + boost::json::serialize(*error));
    }
    if (!o->contains("result") || o->at("result").is_null()) {
        return std::unexpected(file.string() + ": the response has no " + std::string(what) +
                               " (null result)");
    }
    return RpcResultFile{o->at("result"), "result"};
}

}  // namespace causeway::cli
