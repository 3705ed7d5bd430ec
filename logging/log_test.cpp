#include "logging/log.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

using namespace causeway;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

}  // namespace

TEST_CASE("log settings parse from their names and nothing else", "[logging]") {
    CHECK(log::parse_format("text") == log::Format::kText);
    CHECK(log::parse_format("json") == log::Format::kJson);
    CHECK_FALSE(log::parse_format("JSON"));
    CHECK_FALSE(log::parse_format(""));
    for (const auto level : {log::Level::kDebug, log::Level::kInfo, log::Level::kWarn, log::Level::kError}) {
        CHECK(log::parse_level(log::to_string(level)) == level);
    }
    CHECK_FALSE(log::parse_level("warning"));
    CHECK_FALSE(log::parse_level("trace"));
}

TEST_CASE("text lines: time, level, component, message, then fields", "[logging]") {
    const auto line = log::format_line(log::Format::kText, "2026-12-03T07:50:00.123Z", log::Level::kInfo,
                                       "proposer", "proposed output root\nfor l2a",
                                       {{"chain", "l2a"},
                                        {"block", uint64_t{12}},
                                        {"reason", "a b"},
                                        {"ok", true},
                                        {"ratio", 0.5},
                                        {"delta", -3}});
    CHECK(line ==
          "2026-12-03T07:50:00.123Z info proposer: proposed output root for l2a chain=l2a block=12 "
          "reason=\"a b\" "
          "ok=true ratio=0.5 delta=-3");
}

TEST_CASE("JSON lines parse as one object each, numbers as numbers", "[logging]") {
    const auto line =
        log::format_line(log::Format::kJson, "2026-12-03T07:50:00.123Z", log::Level::kWarn, "relayer",
                         "endpoint \"a\" failed\n", {{"endpoint", "http://x/\\"}, {"count", 3}});
    const auto v = boost::json::parse(line).as_object();
    CHECK(v.at("time") == "2026-12-03T07:50:00.123Z");
    CHECK(v.at("level") == "warn");
    CHECK(v.at("component") == "relayer");
    CHECK(v.at("msg") == "endpoint \"a\" failed\n");
    CHECK(v.at("endpoint") == "http://x/\\");
    CHECK(v.at("count").as_int64() == 3);
    // JSON has no NaN: such a field is null, and the line still parses.
    const auto nan_line = log::format_line(log::Format::kJson, "t", log::Level::kInfo, "c", "m",
                                           {{"ratio", std::numeric_limits<double>::quiet_NaN()}});
    CHECK(boost::json::parse(nan_line).as_object().at("ratio").is_null());
}

TEST_CASE("a logger writes whole lines at or above its level, children share its destination", "[logging]") {
    std::ostringstream out;
    const auto logger = log::Logger::to_stream("proposer", {log::Format::kJson, log::Level::kInfo}, out);
    logger.debug("not shown");
    logger.info("started", {{"chains", 2}});
    logger.child("proposer.l2a").error("failed", {{"error", "timeout"}});
    const auto lines = lines_of(out.str());
    REQUIRE(lines.size() == 2);
    const auto first = boost::json::parse(lines[0]).as_object();
    CHECK(first.at("msg") == "started");
    CHECK(first.at("chains").as_int64() == 2);
    const auto second = boost::json::parse(lines[1]).as_object();
    CHECK(second.at("component") == "proposer.l2a");
    CHECK(second.at("level") == "error");
    // The time is RFC 3339 in UTC with milliseconds.
    const std::string time(first.at("time").as_string());
    CHECK(time.size() == 24);
    CHECK(time.back() == 'Z');

    std::ostringstream text;
    const auto quiet = log::Logger::to_stream("x", {log::Format::kText, log::Level::kError}, text);
    quiet.warn("dropped");
    CHECK(text.str().empty());
    CHECK_FALSE(quiet.enabled(log::Level::kWarn));
    CHECK(quiet.enabled(log::Level::kError));
}
