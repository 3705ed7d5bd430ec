#include "db/migrate.hpp"

#include <map>
#include <pqxx/pqxx>

#include "core/hex.hpp"
#include "core/keccak.hpp"

namespace causeway::db {
namespace {

std::string checksum(std::string_view sql) {
    return to_hex(keccak256(to_view(sql)), false);
}

std::string label(const Migration& m) {
    char version[8];
    std::snprintf(version, sizeof version, "%04d", m.version);
    return std::string(version) + "_" + std::string(m.name);
}

// Holds the schema's migration lock for the life of the object (session-level advisory lock).
class MigrationLock {
  public:
    explicit MigrationLock(Connection& conn) : conn_(conn) {
        pqxx::nontransaction tx(conn_.raw());
        tx.exec_params("SELECT pg_advisory_lock(hashtext($1))", key());
    }
    ~MigrationLock() {
        try {
            pqxx::nontransaction tx(conn_.raw());
            tx.exec_params("SELECT pg_advisory_unlock(hashtext($1))", key());
        } catch (...) {
            // The lock goes with the session anyway.
        }
    }
    MigrationLock(const MigrationLock&) = delete;
    MigrationLock& operator=(const MigrationLock&) = delete;

  private:
    [[nodiscard]] std::string key() const { return "causeway.migrate." + conn_.schema(); }
    Connection& conn_;
};

struct Applied {
    std::string name;
    std::string checksum;
};

std::map<int, Applied> applied_migrations(pqxx::transaction_base& tx, const std::string& schema) {
    std::map<int, Applied> out;
    const auto exists = tx.exec_params1("SELECT to_regclass($1) IS NOT NULL", schema + ".schema_migrations");
    if (!exists[0].as<bool>()) return out;
    for (const auto& row :
         tx.exec("SELECT version, name, checksum FROM schema_migrations ORDER BY version")) {
        out[row[0].as<int>()] = Applied{row[1].as<std::string>(), row[2].as<std::string>()};
    }
    return out;
}

int latest_known() {
    return known_migrations().empty() ? 0 : known_migrations().back().version;
}

void check_applied(const std::map<int, Applied>& applied) {
    if (!applied.empty() && applied.rbegin()->first > latest_known()) {
        throw Error("the database schema is at version " + std::to_string(applied.rbegin()->first) +
                    ", newer than this causeway knows (" + std::to_string(latest_known()) +
                    "); run a causeway at least as new as the one that migrated it");
    }
    for (const auto& m : known_migrations()) {
        const auto it = applied.find(m.version);
        if (it != applied.end() && it->second.checksum != checksum(m.sql)) {
            throw Error("migration " + label(m) + " was applied from different SQL (checksum " +
                        it->second.checksum.substr(0, 12) + "..., this binary has " +
                        checksum(m.sql).substr(0, 12) + "...); refusing to continue");
        }
    }
}

// Applies the routines that changed, or that were applied at another schema version, and records
// them; all or none. Returns their names.
std::vector<std::string> apply_routines(Connection& conn, int version) {
    struct Recorded {
        std::string checksum;
        int version = 0;
    };
    pqxx::work tx(conn.raw());
    tx.exec(
        "CREATE TABLE IF NOT EXISTS schema_routines ("
        " name text PRIMARY KEY, checksum text NOT NULL, schema_version integer NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())");
    std::map<std::string, Recorded, std::less<>> recorded;
    for (const auto& row : tx.exec("SELECT name, checksum, schema_version FROM schema_routines")) {
        recorded[row[0].as<std::string>()] = Recorded{row[1].as<std::string>(), row[2].as<int>()};
    }
    std::vector<std::string> applied;
    for (const auto& r : known_routines()) {
        const std::string sum = checksum(r.sql);
        const auto it = recorded.find(r.name);
        if (it != recorded.end() && it->second.checksum == sum && it->second.version == version) continue;
        try {
            tx.exec(std::string(r.sql));
        } catch (const pqxx::sql_error& e) {
            throw Error("routine " + std::string(r.name) + " failed: " + e.what());
        }
        tx.exec_params(
            "INSERT INTO schema_routines (name, checksum, schema_version) VALUES ($1, $2, $3)"
            " ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum,"
            " schema_version = EXCLUDED.schema_version, applied_at = now()",
            std::string(r.name), sum, version);
        applied.emplace_back(r.name);
    }
    tx.commit();
    return applied;
}

}  // namespace

MigrationReport migrate(Connection& conn, int up_to, std::optional<std::string_view> actor) {
    try {
        MigrationLock lock(conn);
        {
            pqxx::work tx(conn.raw());
            tx.exec("CREATE SCHEMA IF NOT EXISTS " + conn.schema());
            tx.exec(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())");
            tx.commit();
        }
        MigrationReport report;
        std::map<int, Applied> applied;
        {
            pqxx::read_transaction tx(conn.raw());
            applied = applied_migrations(tx, conn.schema());
        }
        check_applied(applied);
        report.from_version = applied.empty() ? 0 : applied.rbegin()->first;
        report.to_version = report.from_version;
        for (const auto& m : known_migrations()) {
            if (applied.contains(m.version)) continue;
            if (m.version > up_to) break;
            pqxx::work tx(conn.raw());
            try {
                tx.exec(std::string(m.sql));
            } catch (const pqxx::sql_error& e) {
                throw Error("migration " + label(m) + " failed: " + e.what());
            }
            tx.exec_params("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                           m.version, std::string(m.name), checksum(m.sql));
            tx.commit();
            report.applied.push_back(label(m));
            report.to_version = m.version;
        }
        if (up_to >= latest_known()) report.routines = apply_routines(conn, report.to_version);
        if (actor && report.to_version >= 1 && (!report.applied.empty() || !report.routines.empty())) {
            const auto names = [](const std::vector<std::string>& items) {
                std::string out = "[";
                for (const auto& i : items) out += (out.size() > 1 ? ",\"" : "\"") + i + "\"";
                return out + "]";
            };
            pqxx::work tx(conn.raw());
            tx.exec_params(
                "INSERT INTO audit_log (actor, action, target, after) VALUES ($1, 'db.migrate', $2, "
                "$3::jsonb)",
                std::string(*actor), "schema " + conn.schema(),
                "{\"from\": " + std::to_string(report.from_version) + ", \"to\": " +
                    std::to_string(report.to_version) + ", \"applied\": " + names(report.applied) +
                    ", \"routines\": " + names(report.routines) + "}");
            tx.commit();
        }
        return report;
    } catch (const pqxx::failure& e) {
        throw Error(std::string("migrate: ") + e.what());
    }
}

int schema_version(Connection& conn) {
    pqxx::read_transaction tx(conn.raw());
    const auto applied = applied_migrations(tx, conn.schema());
    return applied.empty() ? 0 : applied.rbegin()->first;
}

std::vector<std::string> stale_routines(Connection& conn) {
    pqxx::read_transaction tx(conn.raw());
    std::map<std::string, std::pair<std::string, int>, std::less<>> recorded;
    const auto exists =
        tx.exec_params1("SELECT to_regclass($1) IS NOT NULL", conn.schema() + ".schema_routines");
    if (exists[0].as<bool>()) {
        for (const auto& row : tx.exec("SELECT name, checksum, schema_version FROM schema_routines")) {
            recorded[row[0].as<std::string>()] = {row[1].as<std::string>(), row[2].as<int>()};
        }
    }
    const auto applied = applied_migrations(tx, conn.schema());
    const int version = applied.empty() ? 0 : applied.rbegin()->first;
    std::vector<std::string> stale;
    for (const auto& r : known_routines()) {
        const auto it = recorded.find(r.name);
        if (it == recorded.end() || it->second.first != checksum(r.sql) || it->second.second != version) {
            stale.emplace_back(r.name);
        }
    }
    return stale;
}

void require_current_schema(Connection& conn) {
    const int version = schema_version(conn);
    if (version < latest_known()) {
        throw Error("the database schema '" + conn.schema() + "' is at version " + std::to_string(version) +
                    ", this causeway needs " + std::to_string(latest_known()) +
                    ": run `causeway db migrate`");
    }
    if (version > latest_known()) {
        throw Error("the database schema '" + conn.schema() + "' is at version " + std::to_string(version) +
                    ", newer than this causeway knows (" + std::to_string(latest_known()) + ")");
    }
    // The version alone does not say which SQL the functions run: a routine can change without a
    // migration, and a failed `db migrate` can leave older routines at the newest version.
    if (const auto stale = stale_routines(conn); !stale.empty()) {
        std::string names;
        for (const auto& name : stale) names += (names.empty() ? "" : ", ") + name;
        throw Error("the database schema '" + conn.schema() +
                    "' runs other SQL routines than this causeway's (" + names +
                    "): run `causeway db migrate`");
    }
}

}  // namespace causeway::db
