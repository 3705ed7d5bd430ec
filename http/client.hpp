// GET requests to causeway's own HTTP APIs (a relayer asking validators for checkpoints), over
// cpp-httplib, kept out of this header. Chains are reached through chain/, not through this.
#pragma once

#include <chrono>
#include <expected>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace causeway::http {

struct GetResult {
    int status = 0;
    boost::json::value body;  // null when the body is not JSON
};

// GET `url` ("http://host:port/path"). Fails (one line) when nothing answers within `timeout` or
// the URL is not http://; any status is a result.
[[nodiscard]] std::expected<GetResult, std::string> get_json(std::string_view url,
                                                             std::chrono::milliseconds timeout);

}  // namespace causeway::http
