// Schema migrations: db/migrations/NNNN_name.sql, compiled into the binary and applied in order.
// A versions table in the schema records what was applied (with each file's keccak256), so
// re-running is a no-op, an edited migration is noticed, and a database migrated by a newer
// causeway is refused rather than misread.
//
// Routines (functions and trigger functions) are code, not data: each one's current definition
// lives in one file, db/routines/NNN_name.sql (CREATE OR REPLACE), which a run re-applies after
// the versioned migrations whenever it changed. Migrations already released keep their copies
// of older definitions as history; a change to a routine edits only its file.
#pragma once

#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "db/connection.hpp"

namespace causeway::db {

struct Migration {
    int version = 0;
    std::string_view name;
    std::string_view sql;
};

// Every migration this binary carries, by version (1, 2, ...; no gaps).
std::span<const Migration> known_migrations() noexcept;

struct Routine {
    int order = 0;  // NNN: routines are applied in this order
    std::string_view name;
    std::string_view sql;
};

// Every routine this binary carries, in order (names unique).
std::span<const Routine> known_routines() noexcept;

struct MigrationReport {
    int from_version = 0;               // the schema's version before
    int to_version = 0;                 // and after
    std::vector<std::string> applied;   // "0001_queue", ...
    std::vector<std::string> routines;  // routines (re)applied, in order: "claim_messages", ...
};

// Applies the migrations the database lacks, each in its own transaction, under an advisory lock
// so that two migrators never interleave. Throws Error when the database is newer than this
// binary or an applied migration's checksum differs from the binary's copy. `up_to` stops after
// that version (tests use it to upgrade a database that holds data from an older schema).
//
// Then, unless `up_to` stops short of the newest version, the routines, in one transaction: those
// whose file differs from the checksum recorded for them, or that were recorded at another schema
// version (a versioned migration may have dropped or replaced them). They are written for the
// newest schema, so a run that stops at an older version applies none: the older schema keeps
// the definitions its own migrations gave it.
//
// With an actor (`causeway db migrate`, a daemon migrating its schema at start), a run that
// changed the schema (a migration or a routine applied) writes an audit row ("db.migrate", the
// schema, {from, to, applied, routines}).
MigrationReport migrate(Connection& conn, int up_to = std::numeric_limits<int>::max(),
                        std::optional<std::string_view> actor = std::nullopt);

// The schema's version (0 when never migrated).
int schema_version(Connection& conn);

// The routines of this binary that the schema does not run as they are (recorded with another
// checksum or at another schema version, or not recorded at all), in order; empty when current.
[[nodiscard]] std::vector<std::string> stale_routines(Connection& conn);

// For the daemons and admin commands: throws Error unless the schema is exactly current, its
// version and its routines, saying to run `causeway db migrate` (older, or other routines) or to
// upgrade causeway (newer).
void require_current_schema(Connection& conn);

}  // namespace causeway::db
