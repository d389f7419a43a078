// Helpers shared by the SOCI repositories: optional values, duplicate
// detection and the audit row every write adds.
#pragma once

#include "core/result.hpp"
#include "dialect.hpp"
#include "ports/provisioning_store.hpp"
#include "row_mapping.hpp"
#include "statement_cache.hpp"

#include <soci/boost-optional.h>
#include <soci/into.h>
#include <soci/session.h>
#include <soci/statement.h>
#include <soci/use.h>

#include <boost/optional.hpp>

#include <optional>
#include <string>

namespace kestra::adapters::support {

using OptionalText = boost::optional<std::string>;

inline OptionalText to_boost(const std::optional<std::string>& value) {
  return value ? OptionalText(*value) : OptionalText();
}

inline std::optional<std::string> to_std(const OptionalText& value) {
  return value ? std::optional<std::string>(*value) : std::nullopt;
}

// Runs `statement`; false when the database refused it as a duplicate.
template <class F>
bool unless_duplicate(const Dialect& dialect, F&& statement) {
  try {
    statement();
    return true;
  } catch (const soci::soci_error& e) {
    if (!dialect.is_unique_violation(e)) throw;
    return false;
  }
}

// Runs `insert()`, an insert made by Dialect::insert_ignoring_duplicate
// returning its affected rows; 0 when the row was there already.
template <class Insert>
long long execute_ignoring_duplicate(const Dialect& dialect, Insert&& insert) {
  try {
    return insert();
  } catch (const soci::soci_error& e) {
    if (!dialect.is_unique_violation(e)) throw;
    return 0;
  }
}

inline long long execute_ignoring_duplicate(const Dialect& dialect, soci::statement& statement) {
  return execute_ignoring_duplicate(dialect, [&] {
    statement.execute(true);
    return statement.get_affected_rows();
  });
}

// The tenant a SCIM request acts in must be set, and an audit entry, when
// it names a tenant, must name that one.
inline Result<void> check_scope(const std::string& tenant, const ports::AuditEntry* audit = nullptr) {
  if (tenant.empty()) return Error::invalid("tenant id is empty");
  if (audit != nullptr && !audit->tenant_id.empty() && audit->tenant_id != tenant) {
    return Error::invalid("the audit entry belongs to tenant '" + audit->tenant_id + "', not '" + tenant + "'");
  }
  return {};
}

// `entry` with its target id set to `id` when it left it empty.
inline ports::AuditEntry audit_for(const ports::AuditEntry& entry, const std::string& id) {
  ports::AuditEntry out = entry;
  if (out.target_id.empty()) out.target_id = id;
  return out;
}

inline constexpr const char* kInsertAudit =
    "INSERT INTO scim_audit (tenant_id, integration_id, actor_type, actor_id, action, target_type, "
    "target_id, outcome, detail, request_id, created_at) VALUES (:tenant, :integration_id, :actor_type, "
    ":actor_id, :action, :target_type, :target_id, :outcome, :detail, :request_id, :created_at)";

// What kInsertAudit exchanges.
struct AuditRow {
  std::string tenant;
  OptionalText integration_id;
  ports::AuditEntry entry;
  std::string created_at;

  // `from` under `in_tenant`, stamped now unless it has a time.
  void set(const ports::AuditEntry& from, const std::string& in_tenant);

  void bind(soci::statement& st) {
    st.exchange(soci::use(tenant, "tenant"));
    st.exchange(soci::use(integration_id, "integration_id"));
    st.exchange(soci::use(entry.actor_type, "actor_type"));
    st.exchange(soci::use(entry.actor_id, "actor_id"));
    st.exchange(soci::use(entry.action, "action"));
    st.exchange(soci::use(entry.target_type, "target_type"));
    st.exchange(soci::use(entry.target_id, "target_id"));
    st.exchange(soci::use(entry.outcome, "outcome"));
    st.exchange(soci::use(entry.detail, "detail"));
    st.exchange(soci::use(entry.request_id, "request_id"));
    st.exchange(soci::use(created_at, "created_at"));
  }
};

// The columns of an audit entry, as a SELECT from scim_audit lists them
// (type_conversion<ports::AuditEntry> below).
inline constexpr const char* kAuditColumns =
    "id, tenant_id, integration_id, actor_type, actor_id, action, target_type, target_id, outcome, detail, "
    "request_id, created_at";

// Appends `entry` to scim_audit under `tenant`.
void insert_audit(soci::session& sql, const ports::AuditEntry& entry, const std::string& tenant);
// The same through the session's cached statement.
void insert_audit(StatementCache& statements, soci::session& sql, const ports::AuditEntry& entry,
                  const std::string& tenant);

}  // namespace kestra::adapters::support

namespace soci {

// Bound only (const, so never read back): the names of kInsertAudit, as
// AuditRow::bind exchanges them, for a statement that inserts the audit row
// among others (a new user's rows at once).
template <>
struct type_conversion<kestra::adapters::support::AuditRow> {
  typedef values base_type;
  static void to_base(const kestra::adapters::support::AuditRow& in, values& v, indicator& ind) {
    v.set("tenant", in.tenant);
    v.set("integration_id", in.integration_id);
    v.set("actor_type", in.entry.actor_type);
    v.set("actor_id", in.entry.actor_id);
    v.set("action", in.entry.action);
    v.set("target_type", in.entry.target_type);
    v.set("target_id", in.entry.target_id);
    v.set("outcome", in.entry.outcome);
    v.set("detail", in.entry.detail);
    v.set("request_id", in.entry.request_id);
    v.set("created_at", in.created_at);
    ind = i_ok;
  }
  static void from_base(const values&, indicator, kestra::adapters::support::AuditRow&) {
    throw soci_error("an audit row is not read back");
  }
};

}  // namespace soci

// Rows of plain members, in the order of their SELECT's columns (row_mapping.hpp).
KESTRA_ROW(kestra::ports::AuditEntry, id, tenant_id, integration_id, actor_type, actor_id, action, target_type,
           target_id, outcome, detail, request_id, created_at)
