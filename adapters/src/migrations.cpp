#include "migrations.hpp"

#include "core/clock.hpp"
#include "errors.hpp"
#include "key_refold.hpp"
#include "kestra/resources.hpp"
#include "pooled_session.hpp"
#include "sql_script.hpp"

#include <soci/into.h>
#include <soci/use.h>

#include <algorithm>
#include <charconv>

namespace kestra::adapters {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// Migrations whose work is code, run after their script in their
// transaction.  The step adds what is worth a warning to its argument.
struct CodeStep {
  int version;
  std::string_view name;
  void (*run)(soci::session&, std::vector<std::string>& warnings);
};
constexpr CodeStep kCodeSteps[] = {
    {4, "unicode_case_fold", &refold_keys},
};

// Applies one migration in its own write transaction, unless a concurrent
// opener applied it first.
Result<void> apply(soci::session& sql, const Dialect& dialect, const Migration& migration,
                   const std::vector<std::string>& statements, std::vector<std::string>& warnings) {
  WriteTransaction transaction(sql, dialect);
  if (applied_schema_version(sql) >= migration.version) return {};
  for (std::size_t i = 0; i < statements.size(); ++i) {
    try {
      sql << statements[i];
    } catch (const soci::soci_error& e) {
      return Error{dialect.classify(e),
                   "migration " + migration.path + ", statement " + std::to_string(i + 1) + ": " +
                       e.get_error_message(),
                   {}};
    }
  }
  std::vector<std::string> step_warnings;
  for (const CodeStep& step : kCodeSteps) {
    if (step.version != migration.version || step.name != migration.name) continue;
    try {
      step.run(sql, step_warnings);
    } catch (const soci::soci_error& e) {
      return Error{dialect.classify(e), "migration " + migration.path + ": " + e.get_error_message(), {}};
    }
  }
  const std::string applied_at = now_iso8601();
  sql << "INSERT INTO scim_schema_version (version, name, applied_at) VALUES (:version, :name, :applied_at)",
      soci::use(migration.version, "version"), soci::use(migration.name, "name"),
      soci::use(applied_at, "applied_at");
  transaction.commit();
  warnings.insert(warnings.end(), step_warnings.begin(), step_warnings.end());
  return {};
}

}  // namespace

std::optional<MigrationFileName> parse_migration_file_name(std::string_view file_name) {
  constexpr std::string_view extension = ".sql";
  if (!file_name.ends_with(extension)) return std::nullopt;
  file_name.remove_suffix(extension.size());

  const std::size_t underscore = file_name.find('_');
  if (underscore == 0 || underscore == std::string_view::npos || underscore > 9) return std::nullopt;
  const std::string_view digits = file_name.substr(0, underscore);
  const std::string_view name = file_name.substr(underscore + 1);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  if (name.empty() || !std::all_of(name.begin(), name.end(), is_name_char)) return std::nullopt;

  int version = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), version);
  if (version <= 0) return std::nullopt;
  return MigrationFileName{version, std::string(name)};
}

Result<std::vector<Migration>> embedded_migrations(std::string_view dialect) {
  const std::string prefix = "migrations/" + std::string(dialect) + "/";
  std::vector<Migration> migrations;
  for (std::string_view path : resources::list(prefix)) {
    const std::string_view file_name = path.substr(prefix.size());
    if (file_name.find('/') != std::string_view::npos || !file_name.ends_with(".sql")) continue;
    const auto parsed = parse_migration_file_name(file_name);
    if (!parsed) return Error::internal("embedded migration " + std::string(path) + " is not named NNNN_name.sql");
    migrations.push_back({parsed->version, parsed->name, std::string(path), resources::find(path).value_or("")});
  }
  if (migrations.empty()) {
    return Error::internal("no migrations are embedded for the " + std::string(dialect) + " dialect");
  }

  std::sort(migrations.begin(), migrations.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < migrations.size(); ++i) {
    if (migrations[i].version == migrations[i - 1].version) {
      return Error::internal("migrations " + migrations[i - 1].path + " and " + migrations[i].path +
                             " have the same version");
    }
  }
  return migrations;
}

int applied_schema_version(soci::session& sql) {
  int version = 0;
  sql << "SELECT COALESCE(MAX(version), 0) FROM scim_schema_version", soci::into(version);
  return version;
}

Result<int> migrate(soci::session& sql, const Dialect& dialect, const std::vector<Migration>& migrations,
                    std::vector<std::string>* warnings) {
  std::vector<std::string> ignored;
  if (migrations.empty()) return Error::internal("no migrations to apply");
  const int newest = migrations.back().version;

  return guarded(dialect, "cannot migrate " + dialect.describe(), [&]() -> Result<int> {
    MigrationLock lock(sql, dialect);
    sql << dialect.create_schema_version_table();

    const int current = applied_schema_version(sql);
    if (current > newest) {
      return Error::internal("database schema version " + std::to_string(current) +
                             " is newer than this module supports (" + std::to_string(newest) +
                             "); upgrade the module or point it at another database");
    }
    for (const Migration& migration : migrations) {
      if (migration.version <= current) continue;
      auto statements = split_sql_script(migration.script);
      if (!statements) return Error::internal("migration " + migration.path + ", " + statements.error().detail);
      auto applied = apply(sql, dialect, migration, *statements, warnings ? *warnings : ignored);
      if (!applied) return applied.error();
    }
    return applied_schema_version(sql);
  });
}

}  // namespace kestra::adapters
