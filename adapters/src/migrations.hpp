// Schema migrations: resources/migrations/<dialect>/NNNN_name.sql, applied
// in version order, each in its own transaction (with the code a migration
// needs, e.g. 0004's re-key), recorded in scim_schema_version.
#pragma once

#include "core/result.hpp"
#include "dialect.hpp"

#include <soci/session.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kestra::adapters {

struct Migration {
  int version = 0;
  std::string name;  // "initial" for 0001_initial.sql
  std::string path;  // below resources/, for messages
  std::string_view script;
};

struct MigrationFileName {
  int version = 0;
  std::string name;
};

// "0001_initial.sql" -> {1, "initial"}; nullopt for anything else.
std::optional<MigrationFileName> parse_migration_file_name(std::string_view file_name);

// The migrations embedded for `dialect`, sorted by version.
Result<std::vector<Migration>> embedded_migrations(std::string_view dialect);

// The highest version recorded in scim_schema_version (0 when empty).
int applied_schema_version(soci::session& sql);

// Creates scim_schema_version if missing, refuses a database newer than
// `migrations`, applies the missing ones; returns the version afterwards.
// A migration may also run code in its transaction (0004: key_refold.hpp);
// what that code found worth a warning is added to `warnings`, once the
// migration committed.
Result<int> migrate(soci::session& sql, const Dialect& dialect, const std::vector<Migration>& migrations,
                    std::vector<std::string>* warnings = nullptr);

}  // namespace kestra::adapters
