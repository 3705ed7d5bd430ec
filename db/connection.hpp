// A PostgreSQL connection for causeway's schema. Everything in causeway::db takes one of these;
// only the .cpp files (and tests) see libpqxx.
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace pqxx {
class connect_direct;
template <typename CONNECTPOLICY>
class basic_connection_base;
using connection = basic_connection_base<connect_direct>;
}  // namespace pqxx

namespace causeway::db {

// Any database failure: connection refused, schema too new, a statement rejected. The message
// says what was being done; it never contains a password.
class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

inline constexpr std::string_view kDefaultSchema = "causeway";
inline constexpr std::string_view kDbUrlVariable = "CAUSEWAY_DB_URL";

struct ConnectOptions {
    std::string url;                            // postgresql://user@host:port/db (libpq URI or key=value)
    std::string schema{kDefaultSchema};         // every table lives here (search_path)
    std::string application_name = "causeway";  // shows in pg_stat_activity
};

class Connection {
  public:
    // Opens the connection and sets search_path to the schema; throws Error with the URL (password
    // hidden) and libpq's reason when it cannot connect.
    static Connection open(const ConnectOptions& options);
    Connection(Connection&&) noexcept;
    Connection& operator=(Connection&&) noexcept;
    ~Connection();

    [[nodiscard]] pqxx::connection& raw() noexcept { return *conn_; }
    [[nodiscard]] const std::string& schema() const noexcept { return schema_; }
    // NOTIFY channels are database-wide, so each schema has its own.
    [[nodiscard]] std::string queue_channel() const { return schema_ + "_queue"; }
    [[nodiscard]] std::string routes_channel() const { return schema_ + "_routes"; }

  private:
    Connection(std::unique_ptr<pqxx::connection> conn, std::string schema);
    std::unique_ptr<pqxx::connection> conn_;
    std::string schema_;
};

// The URL from --db when given, else from CAUSEWAY_DB_URL; Error when neither is set.
std::string resolve_url(const std::optional<std::string>& flag);

// The URL with any password replaced by "***", for messages and logs.
std::string redact_url(std::string_view url);

// A schema name must be a plain lower-case identifier (it is spliced into SQL).
bool is_valid_schema_name(std::string_view name) noexcept;

}  // namespace causeway::db
