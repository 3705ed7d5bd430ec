// The only translation unit with cpp-httplib's client.
#include "http/client.hpp"

#include <httplib.h>

#include <boost/json/parse.hpp>

namespace causeway::http {

std::expected<GetResult, std::string> get_json(std::string_view url, std::chrono::milliseconds timeout) {
    constexpr std::string_view kScheme = "http://";
    if (!url.starts_with(kScheme)) return std::unexpected("not an http:// URL: " + std::string(url));
    const auto rest = url.substr(kScheme.size());
    const auto slash = rest.find('/');
    const std::string authority(rest.substr(0, slash));
    const std::string path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    httplib::Client client("http://" + authority);
    client.set_connection_timeout(timeout);
    client.set_read_timeout(timeout);
    client.set_write_timeout(timeout);
    const auto response = client.Get(path);
    if (!response)
        return std::unexpected("no answer from " + std::string(url) + ": " +
                               httplib::to_string(response.error()));
    GetResult result;
    result.status = response->status;
    boost::system::error_code ec;
    auto body = boost::json::parse(response->body, ec);
    if (!ec) result.body = std::move(body);
    return result;
}

}  // namespace causeway::http
