#include "logging/log.hpp"

#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace causeway::log {
namespace {

void append_json_string(std::string& out, std::string_view s) {
    out += '"';
    for (const char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char escaped[8];
                    std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
                    out += escaped;
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

// JSON has no NaN or infinity: those are null (in text lines too, for one spelling).
std::string number_text(double v) {
    if (!std::isfinite(v)) return "null";
    char text[32];
    const auto [end, ec] = std::to_chars(text, text + sizeof text, v);
    return ec == std::errc{} ? std::string(text, end) : "0";
}

// A text value as it stands after `key=`: bare when it is one plain word, else quoted.
void append_text_value(std::string& out, const std::string& s) {
    const bool plain = !s.empty() && s.find_first_of(" \"=\t\r\n\\") == std::string::npos;
    if (plain) {
        out += s;
    } else {
        append_json_string(out, s);
    }
}

void append_value(std::string& out, const Field::Value& value, Format format) {
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::string>) {
                if (format == Format::kJson) {
                    append_json_string(out, v);
                } else {
                    append_text_value(out, v);
                }
            } else if constexpr (std::is_same_v<T, bool>) {
                out += v ? "true" : "false";
            } else if constexpr (std::is_same_v<T, double>) {
                out += number_text(v);
            } else {
                out += std::to_string(v);
            }
        },
        value);
}

std::string now_text() {
    const auto now = std::chrono::system_clock::now();
    const auto seconds = std::chrono::floor<std::chrono::seconds>(now);
    const std::time_t tt = std::chrono::system_clock::to_time_t(seconds);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char text[40];
    const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - seconds).count();
    std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(ms));
    return text;
}

std::shared_ptr<spdlog::logger> make_sink_logger(const std::string& component, spdlog::sink_ptr sink) {
    auto logger = std::make_shared<spdlog::logger>(component, std::move(sink));
    // Lines are formatted here, whole; levels are filtered by Logger before they reach spdlog.
    logger->set_pattern("%v");
    logger->set_level(spdlog::level::trace);
    // A line is on disk when written: a daemon that dies leaves its last words.
    logger->flush_on(spdlog::level::trace);
    return logger;
}

}  // namespace

std::optional<Format> parse_format(std::string_view text) noexcept {
    if (text == "text") return Format::kText;
    if (text == "json") return Format::kJson;
    return std::nullopt;
}

std::optional<Level> parse_level(std::string_view text) noexcept {
    for (const Level l : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
        if (text == to_string(l)) return l;
    }
    return std::nullopt;
}

std::string_view to_string(Format format) noexcept {
    return format == Format::kJson ? "json" : "text";
}

std::string_view to_string(Level level) noexcept {
    switch (level) {
        case Level::kDebug: return "debug";
        case Level::kInfo: return "info";
        case Level::kWarn: return "warn";
        case Level::kError: return "error";
    }
    return "info";
}

std::string format_line(Format format, std::string_view time, Level level, std::string_view component,
                        std::string_view message, Fields fields) {
    std::string line;
    if (format == Format::kJson) {
        line += "{\"time\":";
        append_json_string(line, time);
        line += ",\"level\":";
        append_json_string(line, to_string(level));
        line += ",\"component\":";
        append_json_string(line, component);
        line += ",\"msg\":";
        append_json_string(line, message);
        for (const auto& f : fields) {
            line += ',';
            append_json_string(line, f.key);
            line += ':';
            append_value(line, f.value, format);
        }
        line += '}';
        return line;
    }
    line.append(time).append(" ").append(to_string(level)).append(" ").append(component).append(": ");
    for (const char c : message) line += (c == '\n' || c == '\r') ? ' ' : c;
    for (const auto& f : fields) {
        line.append(" ").append(f.key).append("=");
        append_value(line, f.value, format);
    }
    return line;
}

Logger::Logger(std::string component, const Settings& settings, std::shared_ptr<spdlog::logger> sink)
    : component_(std::move(component)), settings_(settings), sink_(std::move(sink)) {}

Logger Logger::to_stderr(std::string component, const Settings& settings) {
    auto sink = make_sink_logger(component, std::make_shared<spdlog::sinks::stderr_sink_mt>());
    return Logger(std::move(component), settings, std::move(sink));
}

Logger Logger::to_stream(std::string component, const Settings& settings, std::ostream& out) {
    auto sink = make_sink_logger(component, std::make_shared<spdlog::sinks::ostream_sink_mt>(out, true));
    return Logger(std::move(component), settings, std::move(sink));
}

Logger Logger::child(std::string component) const {
    return Logger(std::move(component), settings_, sink_);
}

void Logger::write(Level level, std::string_view message, Fields fields) const {
    if (!enabled(level)) return;
    const std::string line = format_line(settings_.format, now_text(), level, component_, message, fields);
    static constexpr spdlog::level::level_enum kLevels[] = {spdlog::level::debug, spdlog::level::info,
                                                            spdlog::level::warn, spdlog::level::err};
    sink_->log(kLevels[static_cast<int>(level)], spdlog::string_view_t(line.data(), line.size()));
}

}  // namespace causeway::log
