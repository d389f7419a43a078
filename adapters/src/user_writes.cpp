#include "user_writes.hpp"

#include "resource_rows.hpp"
#include "store_support.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <optional>

namespace kestra::adapters {
namespace {

namespace json = boost::json;

// scim_user_values's rows as json_to_recordset reads them.
std::string values_json(const std::vector<UserValue>& values) {
  auto text = [](const OptionalColumn& column) { return column ? json::value(*column) : json::value(nullptr); };
  json::array rows;
  rows.reserve(values.size());
  for (const UserValue& v : values) {
    rows.push_back(json::object{{"attribute", v.attribute}, {"position", v.position}, {"value", text(v.value)},
                                {"value_key", text(v.value_key)}, {"type", text(v.type)},
                                {"is_primary", v.primary}, {"display", text(v.display)}});
  }
  return json::serialize(rows);
}

// The scope's integration; none without one.
std::optional<std::string> integration_of(const ports::Scope& scope) {
  return scope.integration_id.empty() ? std::nullopt : std::optional<std::string>(scope.integration_id);
}

}  // namespace

void insert_user(Session db, const UserStatements& s, const std::string& owner, const std::string& id,
                 const ports::UserWrite& user, const UserColumns& c, const std::string& now) {
  execute(db, s.insert_user, param("user", WrittenUser(user, c)), param("id", id), param("owner", owner),
          param("now", now), param("now2", now));
}

void update_user(Session db, const UserStatements& s, const std::string& owner, const std::string& id,
                 const ports::UserWrite& user, const UserColumns& c, const std::string& now) {
  execute(db, s.update_user, param("user", WrittenUser(user, c)), param("owner", owner), param("now", now),
          param("id", id));
}

void write_values(const Dialect& dialect, Session db, const UserStatements& s, const std::string& id,
                  const UserColumns& c, bool fresh) {
  if (!fresh) execute(db, s.delete_values, param("id", id));
  if (c.values.empty()) return;
  if (c.values.size() > 1 && dialect.reads_json_recordsets()) {
    // Every row in one statement: 14,000 emails are one round trip, not 14,000.
    execute(db, s.insert_values_at_once, param("id", id), param("user_values", values_json(c.values)));
    return;
  }
  for (const UserValue& v : c.values) {
    execute(db, s.insert_value, param("id", id), param("attribute", v.attribute), param("position", v.position),
            param("value", v.value), param("value_key", v.value_key), param("type", v.type),
            param("is_primary", v.primary), param("display", v.display));
  }
}

void insert_access(Session db, const UserStatements& s, const ports::Scope& scope, const std::string& id, bool active,
                   const std::string& now) {
  execute(db, s.insert_access, param("tenant", scope.tenant_id), param("id", id), param("active", active),
          param("integration", integration_of(scope)), param("now", now), param("now2", now));
}

void insert_new_user_at_once(Session db, const UserStatements& s, const ports::Scope& scope, const std::string& id,
                             const ports::UserWrite& user, const UserColumns& c, const std::string& now,
                             const ports::AuditEntry& audit) {
  support::AuditRow audit_row;
  audit_row.set(audit, scope.tenant_id);
  const auto integration = integration_of(scope);
  const std::optional<std::string> external_id = integration ? user.external_id : std::nullopt;
  execute(db, s.insert_new_user_at_once, param("user", WrittenUser(user, c)), param("id", id),
          param("owner", scope.tenant_id), param("now", now), param("now2", now), param("audit", audit_row),
          param("user_values", values_json(c.values)), param("active", user.active ? 1 : 0),
          param("integration", integration), param("external_id", external_id));
}

}  // namespace kestra::adapters
