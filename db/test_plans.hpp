// The plans PostgreSQL chose for a connection's statements, for the db tests: auto_explain sends
// each plan to the client as a notice (nested statements too, so those inside claim_messages).
#pragma once

#include <algorithm>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

#include "db/connection.hpp"

namespace causeway::db::test {

class PlanCapture : public pqxx::errorhandler {
  public:
    explicit PlanCapture(Connection& conn) : pqxx::errorhandler(conn.raw()) {
        pqxx::nontransaction tx(conn.raw());
        tx.exec(
            "LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0;"
            " SET auto_explain.log_nested_statements = on; SET auto_explain.log_analyze = on;"
            " SET auto_explain.log_timing = off; SET auto_explain.log_level = 'notice'");
    }
    bool operator()(const char message[]) noexcept override {
        plans.emplace_back(message);
        return true;
    }

    [[nodiscard]] bool any_contains(std::string_view what) const {
        return std::ranges::any_of(plans,
                                   [&](const std::string& p) { return p.find(what) != std::string::npos; });
    }
    [[nodiscard]] std::size_t count_containing(std::string_view what) const {
        return static_cast<std::size_t>(std::ranges::count_if(
            plans, [&](const std::string& p) { return p.find(what) != std::string::npos; }));
    }
    [[nodiscard]] std::string joined() const {
        std::string all;
        for (const auto& p : plans) all += p;
        return all;
    }

    std::vector<std::string> plans;
};

}  // namespace causeway::db::test
