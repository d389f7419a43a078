#include "user_writes.hpp"

#include "store_support.hpp"

#include <soci/into.h>
#include <soci/statement.h>
#include <soci/use.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace kestra::adapters {
namespace {

namespace json = boost::json;
using support::OptionalText;

// The catalogue of user writes besides the user row, whose insert and
// update follow kUserAttributes (insert_user_sql, update_user_sql).  Made
// on first use.
struct UserWriteStatements {
  Statement delete_values{"DELETE FROM scim_user_values WHERE user_id = :id", Reuse::Once};
  // Once per element of a user's multi-valued attributes.
  Statement insert_value{
      "INSERT INTO scim_user_values (user_id, attribute, position, value, value_key, type, is_primary, display) "
      "VALUES (:id, :attribute, :position, :value, :value_key, :type, :is_primary, :display)",
      Reuse::Cached};
  Statement insert_values_at_once{
      "INSERT INTO scim_user_values (user_id, attribute, position, value, value_key, type, is_primary, display) "
      "SELECT :id, v.attribute, v.position, v.value, v.value_key, v.type, v.is_primary, v.display "
      "FROM json_to_recordset(CAST(:user_values AS json)) AS v(attribute text, position integer, value text, "
      "value_key text, type text, is_primary smallint, display text)",
      Reuse::Once};
  // Every create.
  Statement insert_access{
      "INSERT INTO scim_tenant_users (tenant_id, user_id, active, integration_id, created_at, updated_at, version) "
      "VALUES (:tenant, :id, :active, :integration, :now, :now2, 1)",
      Reuse::Cached};
};

const UserWriteStatements& catalogue() {
  static const UserWriteStatements statements;
  return statements;
}

// The columns of scim_users a write sets: userName, then kUserAttributes
// (with the folded copy of a keyed one), then the document.
std::vector<std::string> written_columns() {
  std::vector<std::string> columns{"user_name", "user_name_key"};
  for (const UserAttribute& attribute : kUserAttributes) {
    columns.emplace_back(attribute.column);
    if (attribute.keyed) columns.push_back(std::string(attribute.column) + "_key");
  }
  columns.emplace_back("resource");
  return columns;
}

void bind_written(soci::statement& st, const ports::UserWrite& user, const UserColumns& c) {
  st.exchange(soci::use(user.user_name, "user_name"));
  st.exchange(soci::use(user.user_name_key, "user_name_key"));
  for (std::size_t i = 0; i < kUserAttributeCount; ++i) {
    const std::string column(kUserAttributes[i].column);
    st.exchange(soci::use(c.attributes[i], column));
    if (kUserAttributes[i].keyed) st.exchange(soci::use(c.keys[i], column + "_key"));
  }
  st.exchange(soci::use(user.resource_json, "resource"));
}

const std::string& insert_user_sql() {
  static const std::string sql = [] {
    std::string names, values;
    for (const std::string& column : written_columns()) {
      names += column + ", ";
      values += ":" + column + ", ";
    }
    return "INSERT INTO scim_users (id, " + names + "owner_tenant_id, created_at, updated_at, version) VALUES (:id, " +
           values + ":owner, :now, :now2, 1)";
  }();
  return sql;
}

const std::string& update_user_sql() {
  static const std::string sql = [] {
    std::string sets;
    for (const std::string& column : written_columns()) sets += column + " = :" + column + ", ";
    return "UPDATE scim_users SET " + sets +
           "owner_tenant_id = COALESCE(owner_tenant_id, :owner), updated_at = :now, version = version + 1 WHERE id = :id";
  }();
  return sql;
}

// What the insert of a new user exchanges.
struct UserInsert {
  std::string id;
  ports::UserWrite user;
  UserColumns columns;
  std::string owner;
  std::string now;

  void bind(soci::statement& st) {
    st.exchange(soci::use(id, "id"));
    bind_written(st, user, columns);
    st.exchange(soci::use(owner, "owner"));
    st.exchange(soci::use(now, "now"));
    st.exchange(soci::use(now, "now2"));
  }
};

// A new user's rows in one statement (Dialect::has_writable_ctes): the user,
// its scim_user_values (a JSON array), its access here, the integration's
// external id when it sent one, and the audit row.  One round trip, no
// BEGIN or COMMIT; a taken userName fails it whole, like the transaction.
const std::string& insert_new_user_at_once_sql() {
  static const std::string sql =
         "WITH new_user AS (" + insert_user_sql() + " RETURNING id, created_at), "
         "new_audit AS (" + std::string(support::kInsertAudit) + " RETURNING tenant_id), "
         "new_values AS (INSERT INTO scim_user_values "
         "(user_id, attribute, position, value, value_key, type, is_primary, display) "
         "SELECT u.id, v.attribute, v.position, v.value, v.value_key, v.type, v.is_primary, v.display "
         "FROM new_user u, json_to_recordset(CAST(:user_values AS json)) AS v(attribute text, position integer, "
         "value text, value_key text, type text, is_primary smallint, display text)), "
         "new_access AS (INSERT INTO scim_tenant_users "
         "(tenant_id, user_id, active, integration_id, created_at, updated_at, version) "
         "SELECT a.tenant_id, u.id, CAST(:active AS smallint), CAST(:integration AS text), u.created_at, "
         "u.created_at, 1 FROM new_user u, new_audit a RETURNING user_id, integration_id) "
         "INSERT INTO scim_external_ids (integration_id, resource_type, resource_id, external_id) "
         "SELECT a.integration_id, 'User', a.user_id, x.external_id "
         "FROM new_access a, (SELECT CAST(:external_id AS text) AS external_id) x "
         "WHERE a.integration_id IS NOT NULL AND x.external_id IS NOT NULL";
  return sql;
}

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

// What insert_new_user_at_once_sql exchanges.
struct NewUserInsert {
  UserInsert user;
  support::AuditRow audit;
  std::string values;
  int active = 0;
  OptionalText integration;
  OptionalText external_id;

  void bind(soci::statement& st) {
    user.bind(st);
    audit.bind(st);
    st.exchange(soci::use(values, "user_values"));
    st.exchange(soci::use(active, "active"));
    st.exchange(soci::use(integration, "integration"));
    st.exchange(soci::use(external_id, "external_id"));
  }
};

}  // namespace

void insert_user(Session db, const std::string& owner, const std::string& id, const ports::UserWrite& user,
                 const UserColumns& c, const std::string& now) {
  auto& statement = db.statements.get<UserInsert>(db.sql, insert_user_sql());
  UserInsert& v = statement.values;
  v.id = id;
  v.user = user;
  v.columns = c;
  v.owner = owner;
  v.now = now;
  statement.execute();
}

void update_user(Session db, const std::string& owner, const std::string& id, const ports::UserWrite& user,
                 const UserColumns& c, const std::string& now) {
  support::execute(db.sql, update_user_sql(), [&](soci::statement& st) {
    bind_written(st, user, c);
    st.exchange(soci::use(owner, "owner"));
    st.exchange(soci::use(now, "now"));
    st.exchange(soci::use(id, "id"));
  });
}

void write_values(const Dialect& dialect, Session db, const std::string& id, const UserColumns& c, bool fresh) {
  if (!fresh) execute(db, catalogue().delete_values, param("id", id));
  if (c.values.empty()) return;
  if (c.values.size() > 1 && dialect.reads_json_recordsets()) {
    // Every row in one statement: 14,000 emails are one round trip, not 14,000.
    execute(db, catalogue().insert_values_at_once, param("id", id), param("user_values", values_json(c.values)));
    return;
  }
  for (const UserValue& v : c.values) {
    execute(db, catalogue().insert_value, param("id", id), param("attribute", v.attribute),
            param("position", v.position), param("value", v.value), param("value_key", v.value_key),
            param("type", v.type), param("is_primary", v.primary), param("display", v.display));
  }
}

void insert_access(Session db, const ports::Scope& scope, const std::string& id, bool active,
                   const std::string& now) {
  const std::optional<std::string> integration =
      scope.integration_id.empty() ? std::nullopt : std::optional<std::string>(scope.integration_id);
  execute(db, catalogue().insert_access, param("tenant", scope.tenant_id), param("id", id), param("active", active),
          param("integration", integration), param("now", now), param("now2", now));
}

void insert_new_user_at_once(Session db, const ports::Scope& scope, const std::string& id,
                             const ports::UserWrite& user, const UserColumns& c, const std::string& now,
                             const ports::AuditEntry& audit) {
  auto& statement = db.statements.get<NewUserInsert>(db.sql, insert_new_user_at_once_sql());
  NewUserInsert& v = statement.values;
  v.user.id = id;
  v.user.user = user;
  v.user.columns = c;
  v.user.owner = scope.tenant_id;
  v.user.now = now;
  v.audit.set(audit, scope.tenant_id);
  v.values = values_json(c.values);
  v.active = user.active ? 1 : 0;
  const bool integrated = !scope.integration_id.empty();
  v.integration = integrated ? OptionalText(scope.integration_id) : OptionalText();
  v.external_id = integrated ? support::to_boost(user.external_id) : OptionalText();
  statement.execute();
}

}  // namespace kestra::adapters
