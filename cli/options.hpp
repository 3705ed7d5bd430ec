// What several command groups parse the same way: the database (--db, else $CAUSEWAY_DB_URL, and
// --schema), the output format (--json), the actor for the audit log, the log settings of
// long-running commands, and validators for amounts, durations, hashes and names. A bad value is a
// usage error (exit 2) raised while parsing, before anything is touched.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "cli/command.hpp"
#include "cli/commands/format.hpp"
#include "db/connection.hpp"
#include "logging/log.hpp"

namespace causeway::cli {

// --db, --schema and --json of a command that reads or changes the database.
struct DbArgs {
    std::string db;
    std::string schema{db::kDefaultSchema};
    bool json = false;
    std::string url;  // resolved while parsing (resolve_db)

    [[nodiscard]] OutputFormat format() const noexcept {
        return json ? OutputFormat::kJson : OutputFormat::kText;
    }
};

void add_db_options(CLI::App* cmd, DbArgs& args);
// A message id argument: 0x and 64 hex digits.
[[nodiscard]] CLI::Validator id_validator();
// From a parse callback, so that a missing database is a usage error (exit 2).
void resolve_db(DbArgs& args);
// A connection to the schema (the application name says which command it is).
[[nodiscard]] db::Connection open_database(const DbArgs& args);

// --schema's check: lower-case letters, digits and _ (the name goes into SQL unquoted).
[[nodiscard]] CLI::Validator schema_name_validator();

// The URL from --db (unset or empty: not given), else $CAUSEWAY_DB_URL. For parse callbacks: with
// neither it throws CLI::ValidationError, a usage error (exit 2).
[[nodiscard]] std::string db_url_or_usage_error(const std::optional<std::string>& flag);

// --actor: who is doing this, for the audit log.
void add_actor_option(CLI::App* cmd, std::string& actor);
// --actor, else $CAUSEWAY_ACTOR, else the login name; CLI::ValidationError when none is known.
[[nodiscard]] std::string resolve_actor(const std::string& flag);

// --log-format text|json and --log-level debug|info|warn|error (defaults from $CAUSEWAY_LOG_FORMAT
// and $CAUSEWAY_LOG_LEVEL, else text and info), for commands that run until stopped.
struct LogArgs {
    std::string format;
    std::string level;
};
void add_log_options(CLI::App* cmd, LogArgs& args);
// Validated settings; CLI::ValidationError for an unknown format or level in the environment.
[[nodiscard]] log::Settings resolve_log(const LogArgs& args);

// Amounts in base units (decimal, or hex after 0x), up to 2^256 - 1.
[[nodiscard]] CLI::Validator u256_validator();
// A 32-byte 0x-hex value (a hash, a root, a message id).
[[nodiscard]] CLI::Validator hash_validator(std::string name = "HASH");

// 86400, 90s, 30m, 24h, 1d.
[[nodiscard]] std::optional<std::chrono::seconds> parse_duration(std::string_view text);
[[nodiscard]] CLI::Validator duration_validator();

// A command body whose failures become one-line CommandErrors (exit 1): a CommandError or a
// db::Error as it is (db::Error messages never hold a password), any other exception's message
// after `context` (libpqxx's own, a connection lost mid-way, hold no URL).
template <typename F>
Command guarded(F body, std::string context = "database: ") {
    return [body = std::move(body), context = std::move(context)]() -> int {
        try {
            return body();
        } catch (const CommandError&) {
            throw;
        } catch (const db::Error& e) {
            throw CommandError(e.what());
        } catch (const std::exception& e) {
            throw CommandError(context + e.what());
        }
    };
}

}  // namespace causeway::cli
