#include "cli/commands/format.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cstdio>
#include <ctime>

#include "core/hex.hpp"

namespace causeway::cli {
namespace {

using namespace std::chrono_literals;

bool is_continuation(char c) {
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

std::size_t display_width(std::string_view s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return !is_continuation(c); }));
}

}  // namespace

std::string format_time(db::Timestamp t, TimePrecision precision) {
    const auto seconds = std::chrono::floor<std::chrono::seconds>(t);
    const std::time_t tt = seconds.time_since_epoch().count();
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char text[64];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
    std::string out = text;
    if (precision == TimePrecision::kMilliseconds) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - seconds).count();
        std::snprintf(text, sizeof text, ".%03d", static_cast<int>(ms));
        out += text;
    }
    return out + "Z";
}

std::string format_duration(std::chrono::seconds d) {
    const int64_t s = d.count() < 0 ? -d.count() : d.count();
    const auto two = [](int64_t big, const char* big_unit, int64_t small, const char* small_unit, bool pad) {
        std::string out = std::to_string(big) + big_unit;
        if (small == 0) return out;
        if (pad && small < 10) out += '0';
        return out + std::to_string(small) + small_unit;
    };
    if (s < 60) return std::to_string(s) + "s";
    if (s < 3600) return two(s / 60, "m", s % 60, "s", true);
    if (s < 86'400) return two(s / 3600, "h", s % 3600 / 60, "m", true);
    return two(s / 86'400, "d", s % 86'400 / 3600, "h", false);
}

std::string format_relative(db::Timestamp at, db::Timestamp now) {
    const auto diff = at - now;
    if (diff > -1s && diff < 1s) return "now";
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(diff);
    return diff > 0s ? "in " + format_duration(seconds) : format_duration(seconds) + " ago";
}

std::string clip(std::string_view text, std::size_t width) {
    std::string line(text);
    for (char& c : line) {
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    if (display_width(line) <= width) return line;
    const std::size_t keep = width > 3 ? width - 3 : 0;
    std::size_t points = 0;
    std::size_t end = 0;
    while (end < line.size()) {
        if (!is_continuation(line[end])) {
            if (points == keep) break;
            ++points;
        }
        ++end;
    }
    return line.substr(0, end) + "...";
}

void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> widths(header.size(), 0);
    const auto measure = [&](const std::vector<std::string>& row) {
        for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
            widths[i] = std::max(widths[i], display_width(row[i]));
        }
    };
    measure(header);
    for (const auto& row : rows) measure(row);
    const auto print_row = [&](const std::vector<std::string>& row) {
        std::string line;
        for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line.append(widths[i] - display_width(row[i]) + 2, ' ');
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out << line << '\n';
    };
    print_row(header);
    for (const auto& row : rows) print_row(row);
    out.flush();
}

db::Timestamp now() {
    return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

std::string number(double v) {
    char text[32];
    const auto [end, ec] = std::to_chars(text, text + sizeof text, v);
    return ec == std::errc{} ? std::string(text, end) : std::to_string(v);
}

std::string route_name(uint32_t origin, uint32_t destination) {
    return std::to_string(origin) + "->" + std::to_string(destination);
}

std::string or_dash(const std::optional<std::string>& s, std::size_t width) {
    if (!s || s->empty()) return "-";
    return width == 0 ? *s : clip(*s, width);
}

std::string plural(std::size_t n, std::string_view one) {
    return std::to_string(n) + " " + std::string(one) + (n == 1 ? "" : "s");
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += separator;
        out += item;
    }
    return out;
}

boost::json::value json_text(const std::optional<std::string>& s) {
    return s ? boost::json::value(*s) : boost::json::value(nullptr);
}

boost::json::value json_time(const std::optional<db::Timestamp>& t) {
    return t ? boost::json::value(format_time(*t)) : boost::json::value(nullptr);
}

boost::json::value json_number(const std::optional<double>& v) {
    return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

boost::json::value json_amount(const std::optional<u256>& v) {
    return v ? boost::json::value(to_decimal(*v)) : boost::json::value(nullptr);
}

boost::json::value json_hash(const std::optional<Hash>& h) {
    return h ? boost::json::value(to_hex(*h)) : boost::json::value(nullptr);
}

int print_json(std::ostream& out, const boost::json::value& value, int code) {
    out << boost::json::serialize(value) << std::endl;
    return code;
}

}  // namespace causeway::cli
