// The API server with a real HTTP client: routes and captures, JSON errors with their codes, the
// bearer token on changes, and the body size limit.
#include "http/server.hpp"

#include <httplib.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace causeway;
namespace json = boost::json;

namespace {

http::Server make_server(std::optional<std::string> token = std::string("s3cret")) {
    http::ServerSettings settings;
    settings.token = std::move(token);
    settings.max_body_bytes = 1024;
    return http::Server(settings);
}

json::object body_of(const httplib::Result& r) {
    REQUIRE(r);
    return json::parse(r->body).as_object();
}

}  // namespace

TEST_CASE("http: routes with captures, query values, and JSON errors with stable codes", "[http]") {
    http::ServerSettings settings;
    http::Server server(settings);
    server.get(R"(/items/(\d+))", [](const http::Request& r) {
        if (r.captures.at(0) == "404") throw http::not_found("item 404 does not exist");
        return http::json_response(
            json::object{{"id", r.captures.at(0)}, {"sort", r.query_value("sort").value_or("-")}});
    });
    server.get("/boom",
               [](const http::Request&) -> http::Response { throw std::runtime_error("secret detail"); });
    server.get("/bad", [](const http::Request&) -> http::Response {
        throw http::bad_parameter("limit", "not a number");
    });
    const auto port = server.start();
    CHECK(port > 0);
    CHECK(server.url() == "http://127.0.0.1:" + std::to_string(port));

    httplib::Client client("127.0.0.1", port);
    auto r = client.Get("/items/7?sort=asc");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->get_header_value("Content-Type") == "application/json");
    CHECK(body_of(r) == json::object{{"id", "7"}, {"sort", "asc"}});

    r = client.Get("/items/404");
    CHECK(r->status == 404);
    CHECK(body_of(r) ==
          json::object{{"code", 40400}, {"error", "not_found"}, {"message", "item 404 does not exist"}});
    r = client.Get("/bad");
    CHECK(r->status == 400);
    CHECK(body_of(r).at("field") == "limit");
    // An unexpected failure says nothing of its insides.
    r = client.Get("/boom");
    CHECK(r->status == 500);
    CHECK(r->body.find("secret detail") == std::string::npos);
    CHECK(body_of(r).at("error") == "internal");
    // No such route: the same JSON form.
    r = client.Get("/nowhere");
    CHECK(r->status == 404);
    CHECK(body_of(r).at("error") == "not_found");
    server.stop();
    CHECK_FALSE(client.Get("/items/7"));  // stopped
}

TEST_CASE("http: changes need the bearer token, and bodies have a size limit", "[http]") {
    auto server = make_server();
    int changes = 0;
    server.post("/pause", [&](const http::Request& r) {
        ++changes;
        return http::json_response(json::object{{"got", r.body}});
    });
    const auto port = server.start();
    httplib::Client client("127.0.0.1", port);

    auto r = client.Post("/pause", "{}", "application/json");
    CHECK(r->status == 401);
    CHECK(body_of(r).at("error") == "unauthorized");
    r = client.Post("/pause", httplib::Headers{{"Authorization", "Bearer wrong"}}, "{}", "application/json");
    CHECK(r->status == 401);
    CHECK(changes == 0);
    r = client.Post("/pause", httplib::Headers{{"Authorization", "Bearer s3cret"}}, "{\"a\":1}",
                    "application/json");
    CHECK(r->status == 200);
    CHECK(body_of(r).at("got") == "{\"a\":1}");
    CHECK(changes == 1);

    r = client.Post("/pause", httplib::Headers{{"Authorization", "Bearer s3cret"}}, std::string(4096, 'x'),
                    "application/json");
    CHECK(r->status == 413);
    CHECK(changes == 1);

    // With no token configured, changes are off rather than open.
    auto closed = make_server(std::nullopt);
    closed.post("/pause", [&](const http::Request&) {
        ++changes;
        return http::json_response(json::object{});
    });
    httplib::Client other("127.0.0.1", closed.start());
    r = other.Post("/pause", httplib::Headers{{"Authorization", "Bearer anything"}}, "{}",
                   "application/json");
    CHECK(r->status == 503);
    CHECK(body_of(r).at("error") == "no_token");
    CHECK(changes == 1);

    CHECK(http::equal_in_constant_time("abc", "abc"));
    CHECK_FALSE(http::equal_in_constant_time("abc", "abd"));
    CHECK_FALSE(http::equal_in_constant_time("abc", "abcd"));
    CHECK_FALSE(http::equal_in_constant_time("", "a"));
}
