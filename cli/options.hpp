// What every command that talks to PostgreSQL takes the same way: --db (else $CAUSEWAY_DB_URL)
// and --schema, and how their failures are reported. Defined in admin.cpp.
#pragma once

#include <CLI/CLI.hpp>
#include <exception>
#include <optional>
#include <string>

#include "db/connection.hpp"
#include "cli/commands/commands.hpp"

namespace causeway::cli {

// --schema's check: lower-case letters, digits and _ (the name goes into SQL unquoted).
[[nodiscard]] CLI::Validator schema_name_validator();

// The URL from --db (unset or empty: not given), else $CAUSEWAY_DB_URL. For parse callbacks: with
// neither it throws CLI::ValidationError, a usage error (exit 2).
[[nodiscard]] std::string db_url_or_usage_error(const std::optional<std::string>& flag);

// A command body whose database failures become one-line CommandErrors (exit 1). db::Error
// messages never hold a password; libpqxx's own (a connection lost mid-way) hold no URL.
template <typename F>
Command guarded(F body) {
    return [body = std::move(body)]() -> int {
        try {
            return body();
        } catch (const CommandError&) {
            throw;
        } catch (const db::Error& e) {
            throw CommandError(e.what());
        } catch (const std::exception& e) {
            throw CommandError(std::string("database: ") + e.what());
        }
    };
}

}  // namespace causeway::cli
