#include "tests/support/postgres.hpp"

#include <stdexcept>

#include "db/migrate.hpp"
#include "tests/support/process.hpp"

namespace causeway::test {
namespace {
std::string script() {
    return std::string(CAUSEWAY_SOURCE_DIR) + "/scripts/pg-cluster";
}
}  // namespace

Postgres::Postgres() : dir_("causeway-pg") {
    const auto started = run_command({script(), "start", dir_.path().string(), "--fast"});
    if (started.exit_code != 0) throw std::runtime_error("could not start a throwaway PostgreSQL cluster");
    url_ = started.out;
    while (!url_.empty() && (url_.back() == '\n' || url_.back() == '\r')) url_.pop_back();
}

Postgres::~Postgres() {
    (void)run_command({script(), "stop", dir_.path().string()});
}

db::Connection Postgres::connect(const std::string& schema) const {
    return db::Connection::open(db::ConnectOptions{url_, schema, "causeway-test"});
}

db::Connection Postgres::migrated(const std::string& schema) const {
    auto conn = connect(schema);
    (void)db::migrate(conn);
    return conn;
}

}  // namespace causeway::test
