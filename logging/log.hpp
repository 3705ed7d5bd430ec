// One logging layer for causeway's long-running commands (the devnet proposer, the daemons): a
// line per event with a component, a message and named fields, as text for people or as JSON
// lines for machines (log shippers, `jq`). spdlog carries the lines (levels, thread-safe sinks,
// a flush per line); it stays out of this header. Command output meant for people is not logging:
// commands print it on their standard output as plain text.
//
//   text:  2026-12-03T07:50:00.123Z info proposer: proposed output root chain=l2a block=12
//   json:  {"time":"2026-12-03T07:50:00.123Z","level":"info","component":"proposer",
//           "msg":"proposed output root","chain":"l2a","block":12}
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

namespace spdlog {
class logger;
}

namespace causeway::log {

enum class Format : uint8_t { kText, kJson };
enum class Level : uint8_t { kDebug, kInfo, kWarn, kError };

// Settings of a command that logs, validated when parsed (see parse_format, parse_level).
struct Settings {
    Format format = Format::kText;
    Level level = Level::kInfo;
};

// "text" or "json"; "debug", "info", "warn" or "error". nullopt for anything else.
[[nodiscard]] std::optional<Format> parse_format(std::string_view text) noexcept;
[[nodiscard]] std::optional<Level> parse_level(std::string_view text) noexcept;
[[nodiscard]] std::string_view to_string(Format format) noexcept;
[[nodiscard]] std::string_view to_string(Level level) noexcept;

// A named value on a log line. Numbers stay numbers in JSON; text values with spaces or quotes
// are quoted in text lines.
struct Field {
    using Value = std::variant<std::string, int64_t, uint64_t, double, bool>;

    Field(std::string key, std::string_view value) : key(std::move(key)), value(std::string(value)) {}
    Field(std::string key, const char* value) : key(std::move(key)), value(std::string(value)) {}
    Field(std::string key, std::string value) : key(std::move(key)), value(std::move(value)) {}
    Field(std::string key, bool value) : key(std::move(key)), value(value) {}
    Field(std::string key, double value) : key(std::move(key)), value(value) {}
    template <typename T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>) Field(std::string key, T value)
        : key(std::move(key)) {
        if constexpr (std::is_signed_v<T>) {
            this->value = static_cast<int64_t>(value);
        } else {
            this->value = static_cast<uint64_t>(value);
        }
    }

    std::string key;
    Value value;
};

using Fields = std::initializer_list<Field>;

class Logger {
  public:
    // Lines go to standard error (a daemon's or devnet process's log file).
    [[nodiscard]] static Logger to_stderr(std::string component, const Settings& settings);
    // Lines go to `out`, which must outlive the logger and its children (tests; a command that
    // logs on its own output).
    [[nodiscard]] static Logger to_stream(std::string component, const Settings& settings, std::ostream& out);

    // The same destination and settings under another component name ("relayer.submit").
    [[nodiscard]] Logger child(std::string component) const;

    void debug(std::string_view message, Fields fields = {}) const { write(Level::kDebug, message, fields); }
    void info(std::string_view message, Fields fields = {}) const { write(Level::kInfo, message, fields); }
    void warn(std::string_view message, Fields fields = {}) const { write(Level::kWarn, message, fields); }
    void error(std::string_view message, Fields fields = {}) const { write(Level::kError, message, fields); }

    [[nodiscard]] bool enabled(Level level) const noexcept { return level >= settings_.level; }
    [[nodiscard]] const std::string& component() const noexcept { return component_; }

  private:
    Logger(std::string component, const Settings& settings, std::shared_ptr<spdlog::logger> sink);
    void write(Level level, std::string_view message, Fields fields) const;

    std::string component_;
    Settings settings_;
    std::shared_ptr<spdlog::logger> sink_;
};

// One line as the logger writes it (without the newline), at a given time; for tests and for
// tools that print the same shape.
[[nodiscard]] std::string format_line(Format format, std::string_view time, Level level,
                                      std::string_view component, std::string_view message, Fields fields);

}  // namespace causeway::log
