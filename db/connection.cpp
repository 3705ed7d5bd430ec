#include "db/connection.hpp"

#include <cstdlib>
#include <pqxx/pqxx>
#include <regex>

namespace causeway::db {

Connection::Connection(std::unique_ptr<pqxx::connection> conn, std::string schema)
    : conn_(std::move(conn)), schema_(std::move(schema)) {}
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

Connection Connection::open(const ConnectOptions& options) {
    if (!is_valid_schema_name(options.schema)) {
        throw Error("invalid schema name '" + options.schema + "' (lower-case letters, digits and _)");
    }
    std::unique_ptr<pqxx::connection> conn;
    try {
        conn = std::make_unique<pqxx::connection>(options.url);
    } catch (const std::exception& e) {
        std::string reason = e.what();
        while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
        throw Error("cannot connect to " + redact_url(options.url) + ": " + reason);
    }
    // Session settings: our schema first, UTC so timestamps read back the same everywhere.
    pqxx::nontransaction tx(*conn);
    tx.exec("SET search_path TO " + options.schema + "; SET TimeZone TO 'UTC'; SET application_name TO " +
            tx.quote(options.application_name));
    return Connection(std::move(conn), options.schema);
}

std::string resolve_url(const std::optional<std::string>& flag) {
    if (flag && !flag->empty()) return *flag;
    if (const char* env = std::getenv(std::string(kDbUrlVariable).c_str()); env != nullptr && *env != '\0') {
        return env;
    }
    throw Error("no database given: pass --db URL or set " + std::string(kDbUrlVariable));
}

std::string redact_url(std::string_view url) {
    std::string s(url);
    // URI form: scheme://user:password@host
    static const std::regex uri_password(R"(^([a-z]+://[^:/@]*):[^@/]*@)");
    s = std::regex_replace(s, uri_password, "$1:***@");
    // key=value form and ?password= query parameters
    static const std::regex kv_password(R"((password\s*=\s*)('[^']*'|[^\s&]*))");
    return std::regex_replace(s, kv_password, "$1***");
}

bool is_valid_schema_name(std::string_view name) noexcept {
    if (name.empty() || name.size() > 63) return false;
    if (name.front() >= '0' && name.front() <= '9') return false;
    for (const char c : name) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    }
    return true;
}

}  // namespace causeway::db
