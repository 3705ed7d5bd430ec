// A throwaway PostgreSQL 15 cluster for a test: initdb'd in a temporary folder, started on a free
// loopback port (through scripts/pg-cluster, which the benchmarks use too), stopped and removed
// when the object goes. fsync is off: the data is thrown away.
#pragma once

#include <string>

#include "db/connection.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace causeway::test {

class Postgres {
  public:
    // Throws when the cluster cannot start (scripts/setup installs PostgreSQL 15).
    Postgres();
    ~Postgres();
    Postgres(const Postgres&) = delete;
    Postgres& operator=(const Postgres&) = delete;

    [[nodiscard]] const std::string& url() const noexcept { return url_; }
    [[nodiscard]] db::Connection connect(const std::string& schema = "causeway") const;
    // A connection to a schema that `causeway db migrate` has brought up to date.
    [[nodiscard]] db::Connection migrated(const std::string& schema = "causeway") const;

  private:
    TempDir dir_;
    std::string url_;
};

}  // namespace causeway::test
