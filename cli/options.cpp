#include "cli/options.hpp"

#include <pwd.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <limits>

#include "core/hex.hpp"
#include "core/u256.hpp"

namespace causeway::cli {
namespace {

constexpr std::string_view kActorVariable = "CAUSEWAY_ACTOR";
constexpr const char* kLogFormatVariable = "CAUSEWAY_LOG_FORMAT";
constexpr const char* kLogLevelVariable = "CAUSEWAY_LOG_LEVEL";

const char* env_or_null(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? value : nullptr;
}

}  // namespace

CLI::Validator id_validator() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            const auto h = hash_from_hex(text);
            return h ? std::string{} : "not a message id (0x and 64 hex digits): " + h.error().message();
        },
        "ID");
}

void add_db_options(CLI::App* cmd, DbArgs& args) {
    cmd->add_option("--db", args.db,
                    "PostgreSQL URL, e.g. postgresql://user@host:5432/db (default: $" +
                        std::string(db::kDbUrlVariable) + ")");
    cmd->add_option("--schema", args.schema, "the schema holding causeway's tables")
        ->capture_default_str()
        ->check(schema_name_validator());
    cmd->add_flag("--json", args.json, "print JSON for scripts instead of text for people");
}

void resolve_db(DbArgs& args) {
    args.url = db_url_or_usage_error(args.db);
}

db::Connection open_database(const DbArgs& args) {
    return db::Connection::open(db::ConnectOptions{args.url, args.schema, "causeway-admin"});
}

CLI::Validator schema_name_validator() {
    return CLI::Validator(
        [](std::string& name) -> std::string {
            return db::is_valid_schema_name(name)
                       ? std::string{}
                       : "not a schema name (lower-case letters, digits and _): " + name;
        },
        "NAME");
}

std::string db_url_or_usage_error(const std::optional<std::string>& flag) {
    try {
        return db::resolve_url(flag);
    } catch (const db::Error& e) {
        throw CLI::ValidationError(e.what());
    }
}

void add_actor_option(CLI::App* cmd, std::string& actor) {
    cmd->add_option("--actor", actor,
                    "who is doing this, for the audit log (default: $" + std::string(kActorVariable) +
                        ", else the login name)");
}

std::string resolve_actor(const std::string& flag) {
    if (!flag.empty()) return flag;
    if (const char* env = env_or_null(std::string(kActorVariable).c_str())) return env;
    if (const passwd* pw = getpwuid(geteuid());
        pw != nullptr && pw->pw_name != nullptr && *pw->pw_name != '\0') {
        return pw->pw_name;
    }
    if (const char* user = env_or_null("USER")) return user;
    throw CLI::ValidationError("no actor for the audit log: pass --actor NAME or set " +
                               std::string(kActorVariable));
}

void add_log_options(CLI::App* cmd, LogArgs& args) {
    cmd->add_option("--log-format", args.format,
                    "log lines as text for people or JSON for machines (default: $" +
                        std::string(kLogFormatVariable) + ", else text)")
        ->check(CLI::IsMember({"text", "json"}));
    cmd->add_option(
           "--log-level", args.level,
           "the least severe level logged (default: $" + std::string(kLogLevelVariable) + ", else info)")
        ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
}

log::Settings resolve_log(const LogArgs& args) {
    log::Settings settings;
    const auto pick = [](const std::string& flag, const char* variable) -> std::string {
        if (!flag.empty()) return flag;
        const char* env = env_or_null(variable);
        return env != nullptr ? env : "";
    };
    if (const auto text = pick(args.format, kLogFormatVariable); !text.empty()) {
        const auto format = log::parse_format(text);
        if (!format) {
            throw CLI::ValidationError("$" + std::string(kLogFormatVariable) + ": '" + text +
                                       "' is not a log format (text or json)");
        }
        settings.format = *format;
    }
    if (const auto text = pick(args.level, kLogLevelVariable); !text.empty()) {
        const auto level = log::parse_level(text);
        if (!level) {
            throw CLI::ValidationError("$" + std::string(kLogLevelVariable) + ": '" + text +
                                       "' is not a log level (debug, info, warn or error)");
        }
        settings.level = *level;
    }
    return settings;
}

CLI::Validator u256_validator() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            const auto v = parse_u256(text);
            return v ? std::string{} : "not an amount (decimal, or hex after 0x): " + text;
        },
        "AMOUNT");
}

CLI::Validator hash_validator(std::string name) {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            const auto h = hash_from_hex(text);
            return h ? std::string{} : "not a 32-byte 0x-hex value: " + h.error().message();
        },
        std::move(name));
}

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
    int64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc{} || end == text.data() || n < 0) return std::nullopt;
    const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
    int64_t scale = 0;
    if (unit.empty() || unit == "s") scale = 1;
    if (unit == "m") scale = 60;
    if (unit == "h") scale = 3600;
    if (unit == "d") scale = 86'400;
    if (scale == 0 || n > std::numeric_limits<int64_t>::max() / scale / 2) return std::nullopt;
    return std::chrono::seconds(n * scale);
}

CLI::Validator duration_validator() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            return parse_duration(text)
                       ? std::string{}
                       : "not a duration (seconds, or with a unit: 90s, 30m, 24h, 1d): " + text;
        },
        "DURATION");
}

}  // namespace causeway::cli
