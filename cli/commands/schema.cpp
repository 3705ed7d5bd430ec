#include "cli/commands/schema.hpp"

#include <boost/json.hpp>

#include "db/migrate.hpp"
#include "db/queue.hpp"

namespace causeway::cli {
namespace {

namespace json = boost::json;

int latest_known_version() {
    const auto known = db::known_migrations();
    return known.empty() ? 0 : known.back().version;
}

}  // namespace

int db_migrate(db::Connection& conn, std::string_view actor, OutputFormat format, std::ostream& out) {
    const auto report = db::migrate(conn, std::numeric_limits<int>::max(), actor);
    // Routines re-applied on their own (an edited routine, or a newer causeway at the same schema
    // version) are named; with new migrations they are part of the upgrade.
    const bool routines_only = report.applied.empty() && !report.routines.empty();
    if (format == OutputFormat::kJson) {
        json::object result{{"schema", conn.schema()},
                            {"from", report.from_version},
                            {"to", report.to_version},
                            {"applied", json::array(report.applied.begin(), report.applied.end())}};
        if (routines_only) result["routines"] = json::array(report.routines.begin(), report.routines.end());
        return print_json(out, result);
    }
    out << "schema " << conn.schema() << ": ";
    if (routines_only) {
        out << "at version " << report.to_version << "; routines re-applied: " << join(report.routines)
            << std::endl;
    } else if (report.applied.empty()) {
        out << "at version " << report.to_version << ", nothing to apply" << std::endl;
    } else {
        out << "version " << report.from_version << " -> " << report.to_version << " (applied "
            << join(report.applied) << ")" << std::endl;
    }
    return 0;
}

int db_status(db::Connection& conn, OutputFormat format, std::ostream& out) {
    const int version = db::schema_version(conn);
    const int known = latest_known_version();
    const auto stale = version == known ? db::stale_routines(conn) : std::vector<std::string>{};
    const bool current = version == known && stale.empty();
    std::vector<db::QueueCount> counts;
    if (current) {
        db::Queue queue(conn);
        counts = queue.counts();
    }
    std::string verdict = "up to date";
    if (version < known) verdict = "behind: run `causeway db migrate`";
    if (version > known) verdict = "newer than this causeway: upgrade causeway";
    if (!stale.empty()) verdict = "other SQL routines (" + join(stale) + "): run `causeway db migrate`";
    if (format == OutputFormat::kJson) {
        json::array rows;
        for (const auto& c : counts) {
            rows.push_back(json::object{{"state", db::to_string(c.state)},
                                        {"origin", c.origin},
                                        {"destination", c.destination},
                                        {"count", c.count},
                                        {"oldest_age_seconds", c.oldest_age_seconds}});
        }
        return print_json(out,
                          json::object{{"schema", conn.schema()},
                                       {"version", version},
                                       {"known_version", known},
                                       {"current", current},
                                       {"stale_routines", json::array(stale.begin(), stale.end())},
                                       {"counts", std::move(rows)}},
                          current ? 0 : 1);
    }
    out << "schema " << conn.schema() << ": version " << version << " (this causeway knows " << known
        << "): " << verdict << std::endl;
    if (!current) return 1;
    if (counts.empty()) {
        out << "the queue is empty" << std::endl;
        return 0;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : counts) {
        rows.push_back({std::string(db::to_string(c.state)), route_name(c.origin, c.destination),
                        std::to_string(c.count),
                        format_duration(std::chrono::seconds(static_cast<int64_t>(c.oldest_age_seconds)))});
    }
    print_table(out, {"STATE", "ROUTE", "COUNT", "OLDEST"}, rows);
    return 0;
}

}  // namespace causeway::cli
