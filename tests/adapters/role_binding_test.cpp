#define BOOST_TEST_MODULE adapters_role_binding
// Role assignment on every backend: a user's or group's SCIM roles as
// scim_bindings rows (sync, versions, audit, reads of a page), the default
// role, revocation, the admin's own bindings and roles, the allow lists,
// and migration 2 over a database of version 1.
#include "resource_data.hpp"
#include "soci_provisioning_store.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace data = boost::unit_test::data;
namespace adapters = kestra::adapters;
namespace ports = kestra::ports;
using namespace kestra::test;
using kestra::ErrorKind;

BOOST_TEST_GLOBAL_FIXTURE(BackendCheck);

namespace {

constexpr const char* kT1 = "2026-04-01T00:00:00.000Z";
constexpr const char* kT2 = "2026-04-02T00:00:00.000Z";

// The resource stores plus the provisioning store on the same pool, with
// the roles Admin, Editor and Viewer in acme (ids r-admin, r-editor,
// r-viewer) and Viewer in globex (g-viewer).
struct RoleFixture : ResourceFixture {
  RoleFixture() {
    for (const auto& [tenant, id, name] : {std::tuple{"acme", "r-admin", "Admin"}, std::tuple{"acme", "r-editor", "Editor"},
                                          std::tuple{"acme", "r-viewer", "Viewer"},
                                          std::tuple{"globex", "g-viewer", "Viewer"}}) {
      auto created = provisioning.create_role(role(tenant, id, name), admin_audit(tenant, "role.create"));
      BOOST_TEST_REQUIRE(created.has_value(), (created ? "" : describe(created.error())));
    }
  }

  static ports::Role role(const std::string& tenant, const std::string& id, const std::string& name) {
    ports::Role r;
    r.id = id;
    r.tenant_id = tenant;
    r.name = name;
    r.description = name + " role";
    r.permissions_json = R"({"FLOWS":["READ"]})";
    r.created_at = kT1;
    r.updated_at = kT1;
    return r;
  }

  static ports::AuditEntry admin_audit(const std::string& tenant, const std::string& action) {
    ports::AuditEntry e;
    e.tenant_id = tenant;
    e.actor_type = "ADMIN";
    e.actor_id = "admin@" + tenant;
    e.action = action;
    e.target_type = "ROLE";
    e.outcome = "SUCCESS";
    e.request_id = "req-" + action;
    e.created_at = kT1;
    return e;
  }

  ports::Binding admin_binding(const std::string& tenant, const std::string& role_id, const std::string& type,
                               const std::string& subject) {
    ports::Binding b;
    b.tenant_id = tenant;
    b.role_id = role_id;
    b.subject_type = type;
    b.subject_id = subject;
    b.source = "SCIM";  // ignored: an admin's binding is ADMIN
    b.created_at = kT1;
    auto created = provisioning.create_binding(b, admin_audit(tenant, "binding.create"));
    BOOST_TEST_REQUIRE(created.has_value(), (created ? "" : describe(created.error())));
    return *created;
  }

  long long bindings(const std::string& where) { return rows("SELECT COUNT(*) FROM scim_bindings WHERE " + where); }

  adapters::SociProvisioningStore provisioning{*dialect, *pool};
};

ports::RoleAssignment assign(const std::string& role_id, const std::string& type = "", bool primary = false) {
  return ports::RoleAssignment{role_id, "", type, primary};
}

// "Admin:type:1,Viewer::0": names, types and primary flags, in order.
std::string roles_text(const std::vector<ports::RoleAssignment>& roles) {
  std::string out;
  for (const auto& r : roles) {
    out += (out.empty() ? "" : ",") + r.role_name + ":" + r.type + ":" + (r.primary ? "1" : "0");
  }
  return out;
}

int created_count(const std::vector<ports::BindingChange>& changes) {
  return static_cast<int>(std::count_if(changes.begin(), changes.end(), [](const auto& c) { return c.created; }));
}
int deleted_count(const std::vector<ports::BindingChange>& changes) {
  return static_cast<int>(changes.size()) - created_count(changes);
}

ports::UserWrite user_with_roles(const std::string& name, std::optional<std::vector<ports::RoleAssignment>> roles,
                                 std::optional<std::string> default_role = std::nullopt) {
  auto w = user_write(name);
  w.roles = std::move(roles);
  w.default_role_id = std::move(default_role);
  return w;
}

ports::UserRow must_find_user(ResourceFixture& fx, const ports::Scope& scope, const std::string& id) {
  auto found = fx.users->find(scope, id);
  BOOST_TEST_REQUIRE(found.has_value(), (found ? "" : describe(found.error())));
  BOOST_TEST_REQUIRE(found->has_value(), id << " not found");
  return **found;
}

ports::GroupRow must_find_group(ResourceFixture& fx, const ports::Scope& scope, const std::string& id) {
  auto found = fx.groups->find(scope, id);
  BOOST_TEST_REQUIRE(found.has_value(), (found ? "" : describe(found.error())));
  BOOST_TEST_REQUIRE(found->has_value(), id << " not found");
  return **found;
}

}  // namespace

// --- users ------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(create_binds_the_users_roles_and_audits_each_binding) {
  RoleFixture fx;
  auto entry = audit("acme", "user.create", "u1");
  entry.request_id = "req-42";
  auto created = fx.users->create(
      kAcme, user_with_roles("bjensen", std::vector{assign("r-viewer"), assign("r-admin", "WindowsAzureActiveDirectoryRole", true)}),
      "u1", kT1, entry);
  BOOST_TEST_REQUIRE(created.has_value(), (created ? "" : describe(created.error())));
  BOOST_TEST(roles_text(created->roles) == "Admin:WindowsAzureActiveDirectoryRole:1,Viewer::0");
  BOOST_TEST(created->access_version == 1);
  BOOST_TEST(created->binding_changes.size() == 2u);
  BOOST_TEST(created_count(created->binding_changes) == 2);
  for (const auto& change : created->binding_changes) {
    BOOST_TEST(change.source == "SCIM");
    BOOST_TEST(!change.binding_id.empty());
    BOOST_TEST(fx.bindings("id = '" + change.binding_id + "' AND role_id = '" + change.role_id +
                           "' AND subject_type = 'USER' AND subject_id = 'u1' AND source = 'SCIM' "
                           "AND tenant_id = 'acme' AND integration_id = 'okta'") == 1);
  }
  BOOST_TEST(fx.bindings("role_id = 'r-admin' AND assignment_type = 'WindowsAzureActiveDirectoryRole' "
                         "AND is_primary = 1") == 1);
  BOOST_TEST(fx.bindings("role_id = 'r-viewer' AND assignment_type IS NULL AND is_primary = 0") == 1);

  // One audit row per binding, carrying the write's actor, integration and request id.
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_audit WHERE action = 'binding.create' AND target_type = 'BINDING' "
                     "AND tenant_id = 'acme' AND integration_id = 'okta' AND actor_type = 'INTEGRATION' "
                     "AND actor_id = 'okta' AND request_id = 'req-42' AND outcome = 'SUCCESS'") == 2);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_audit WHERE action = 'binding.create' "
                     "AND detail = 'USER u1 role=Admin source=SCIM'") == 1);
  for (const auto& change : created->binding_changes) {
    BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_audit WHERE target_id = :k", change.binding_id) == 1);
  }
  BOOST_TEST(roles_text(must_find_user(fx, kAcme, "u1").roles) == roles_text(created->roles));
}

namespace {

struct SyncCase {
  const char* name;
  std::vector<ports::RoleAssignment> before;
  std::optional<std::vector<ports::RoleAssignment>> after;
  const char* roles;  // roles_text afterwards
  int created;
  int deleted;
  int updated;        // type or primary changed
  bool bumped;        // access_version and updated_at
};
std::ostream& operator<<(std::ostream& out, const SyncCase& c) { return out << c.name; }

const SyncCase kSyncs[] = {
    {"same roles", {assign("r-admin", "t", true), assign("r-viewer")},
     std::vector{assign("r-viewer"), assign("r-admin", "t", true)}, "Admin:t:1,Viewer::0", 0, 0, 0, false},
    {"roles left alone", {assign("r-admin")}, std::nullopt, "Admin::0", 0, 0, 0, false},
    {"one added", {assign("r-admin")}, std::vector{assign("r-admin"), assign("r-editor")}, "Admin::0,Editor::0", 1, 0,
     0, true},
    {"one removed", {assign("r-admin"), assign("r-editor")}, std::vector{assign("r-editor")}, "Editor::0", 0, 1, 0,
     true},
    {"one replaced", {assign("r-admin")}, std::vector{assign("r-viewer")}, "Viewer::0", 1, 1, 0, true},
    {"type changed", {assign("r-admin", "a")}, std::vector{assign("r-admin", "b")}, "Admin:b:0", 0, 0, 1, true},
    {"type cleared", {assign("r-admin", "a")}, std::vector{assign("r-admin")}, "Admin::0", 0, 0, 1, true},
    {"primary changed", {assign("r-admin")}, std::vector{assign("r-admin", "", true)}, "Admin::1", 0, 0, 1, true},
    {"all removed", {assign("r-admin"), assign("r-viewer")}, std::vector<ports::RoleAssignment>{}, "", 0, 2, 0, true},
    {"repeated value counts once", {}, std::vector{assign("r-editor", "x"), assign("r-editor", "y")}, "Editor:x:0", 1,
     0, 0, true},
    {"none before, none after", {}, std::vector<ports::RoleAssignment>{}, "", 0, 0, 0, false},
};

}  // namespace

BOOST_DATA_TEST_CASE(replace_makes_the_scim_roles_what_the_write_asks, data::make(kSyncs), c) {
  RoleFixture fx;
  must_create_user(fx, kAcme, "u1", user_with_roles("bjensen", c.before), kT1);
  const auto before = must_find_user(fx, kAcme, "u1");
  const long long audit_rows = fx.rows("SELECT COUNT(*) FROM scim_audit");

  auto replaced = fx.users->replace(kAcme, "u1", user_with_roles("bjensen", c.after), std::nullopt, kT2,
                                    audit("acme", "user.replace", "u1"));
  BOOST_TEST_REQUIRE(replaced.has_value(), (replaced ? "" : describe(replaced.error())));
  BOOST_TEST(roles_text(replaced->roles) == c.roles);
  BOOST_TEST(created_count(replaced->binding_changes) == c.created);
  BOOST_TEST(deleted_count(replaced->binding_changes) == c.deleted);
  BOOST_TEST(replaced->access_version == before.access_version + (c.bumped ? 1 : 0));
  BOOST_TEST(replaced->updated_at == (c.bumped ? std::string(kT2) : before.updated_at));
  BOOST_TEST(replaced->version == before.version);  // the shared attributes did not change
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_audit") == audit_rows + 1 + c.created + c.deleted + c.updated);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_audit WHERE action = 'binding.delete'") == c.deleted);
  // A changed type or primary flag is audited with the values it now has.
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_audit WHERE action = 'binding.update' AND target_type = 'BINDING' "
                     "AND detail LIKE '%role=Admin source=SCIM type=%'") == c.updated);
  BOOST_TEST(roles_text(must_find_user(fx, kAcme, "u1").roles) == c.roles);
  BOOST_TEST(fx.bindings("subject_id = 'u1' AND source = 'SCIM'") ==
             static_cast<long long>(replaced->roles.size()));
}

BOOST_AUTO_TEST_CASE(a_role_the_tenant_does_not_have_changes_nothing) {
  RoleFixture fx;
  // globex's role, or no role at all: refused before anything is written.
  for (const char* role : {"g-viewer", "nope"}) {
    auto created = fx.users->create(kAcme, user_with_roles("bjensen", std::vector{assign("r-admin"), assign(role)}),
                                    "u1", kT1, audit("acme", "user.create"));
    BOOST_TEST_REQUIRE(!created.has_value());
    BOOST_TEST(created.error().kind == ErrorKind::InvalidInput);
    BOOST_TEST(created.error().scim_type == "invalidValue");
    BOOST_TEST(created.error().detail.find(role) != std::string::npos, created.error().detail);
  }
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_users") == 0);
  BOOST_TEST(fx.bindings("1 = 1") == 0);

  must_create_user(fx, kAcme, "u1", user_with_roles("bjensen", std::vector{assign("r-admin")}), kT1);
  auto replaced = fx.users->replace(kAcme, "u1", user_with_roles("bjensen", std::vector{assign("g-viewer")}),
                                    std::nullopt, kT2, audit("acme", "user.replace"));
  BOOST_TEST_REQUIRE(!replaced.has_value());
  BOOST_TEST(replaced.error().kind == ErrorKind::InvalidInput);
  BOOST_TEST(roles_text(must_find_user(fx, kAcme, "u1").roles) == "Admin::0");
  BOOST_TEST(must_find_user(fx, kAcme, "u1").access_version == 1);
}

BOOST_AUTO_TEST_CASE(an_admins_binding_of_the_same_role_survives_scim_removal_and_revoke) {
  RoleFixture fx;
  must_create_user(fx, kAcme, "u1", user_with_roles("bjensen", std::vector{assign("r-admin")}), kT1);
  const auto admin = fx.admin_binding("acme", "r-admin", "USER", "u1");
  BOOST_TEST(admin.source == "ADMIN");
  BOOST_TEST(fx.bindings("subject_id = 'u1' AND role_id = 'r-admin'") == 2);
  // An admin's binding is not SCIM-managed: not among the roles.
  BOOST_TEST(roles_text(must_find_user(fx, kAcme, "u1").roles) == "Admin::0");

  auto replaced = fx.users->replace(kAcme, "u1", user_with_roles("bjensen", std::vector<ports::RoleAssignment>{}),
                                    std::nullopt, kT2, audit("acme", "user.replace"));
  BOOST_TEST_REQUIRE(replaced.has_value(), (replaced ? "" : describe(replaced.error())));
  BOOST_TEST(replaced->roles.empty());
  BOOST_TEST(deleted_count(replaced->binding_changes) == 1);
  BOOST_TEST(fx.bindings("id = '" + admin.id + "'") == 1);

  // SCIM may assign it again beside the admin's.
  replaced = fx.users->replace(kAcme, "u1", user_with_roles("bjensen", std::vector{assign("r-admin")}), std::nullopt,
                               kT2, audit("acme", "user.replace"));
  BOOST_TEST_REQUIRE(replaced.has_value());
  BOOST_TEST(roles_text(replaced->roles) == "Admin::0");

  auto revoked = fx.users->revoke(kAcme, "u1", audit("acme", "user.delete", "u1"));
  BOOST_TEST_REQUIRE(revoked.has_value(), (revoked ? "" : describe(revoked.error())));
  BOOST_TEST(revoked->size() == 1u);
  BOOST_TEST(fx.bindings("subject_id = 'u1'") == 1);
  BOOST_TEST(fx.bindings("id = '" + admin.id + "' AND source = 'ADMIN'") == 1);
}

BOOST_AUTO_TEST_CASE(the_default_role_is_bound_when_access_is_granted_and_goes_with_it) {
  RoleFixture fx;
  auto created = fx.users->create(kAcme, user_with_roles("bjensen", std::vector{assign("r-admin")}, "r-viewer"), "u1",
                                  kT1, audit("acme", "user.create"));
  BOOST_TEST_REQUIRE(created.has_value(), (created ? "" : describe(created.error())));
  BOOST_TEST(roles_text(created->roles) == "Admin::0");  // the default role is not SCIM-managed
  BOOST_TEST(created->binding_changes.size() == 2u);
  const auto is_default = [](const ports::BindingChange& c) { return c.source == "DEFAULT"; };
  const auto default_change = std::find_if(created->binding_changes.begin(), created->binding_changes.end(), is_default);
  BOOST_TEST_REQUIRE((default_change != created->binding_changes.end()));
  BOOST_TEST(default_change->role_id == "r-viewer");
  BOOST_TEST(default_change->created);
  BOOST_TEST(fx.bindings("subject_id = 'u1' AND role_id = 'r-viewer' AND source = 'DEFAULT' AND tenant_id = 'acme'") ==
             1);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_audit WHERE detail = 'USER u1 role=Viewer source=DEFAULT'") == 1);

  // A replace grants nothing: no default binding added again.
  auto replaced = fx.users->replace(kAcme, "u1", user_with_roles("bjensen", std::nullopt, "r-editor"), std::nullopt, kT2,
                                    audit("acme", "user.replace"));
  BOOST_TEST_REQUIRE(replaced.has_value());
  BOOST_TEST(replaced->binding_changes.empty());
  BOOST_TEST(replaced->access_version == 1);
  BOOST_TEST(fx.bindings("subject_id = 'u1' AND source = 'DEFAULT'") == 1);

  // Access granted in another tenant: its default there.
  auto granted = fx.users->create(kGlobex, shared(user_with_roles("bjensen", std::nullopt, "g-viewer")), "unused", kT1,
                                  audit("globex", "user.create"));
  BOOST_TEST_REQUIRE(granted.has_value(), (granted ? "" : describe(granted.error())));
  BOOST_TEST(granted->id == "u1");
  BOOST_TEST(granted->binding_changes.size() == 1u);
  BOOST_TEST(fx.bindings("subject_id = 'u1' AND tenant_id = 'globex' AND source = 'DEFAULT'") == 1);

  // Revoke removes the SCIM and the default binding, and reports both.
  auto revoked = fx.users->revoke(kAcme, "u1", audit("acme", "user.delete", "u1"));
  BOOST_TEST_REQUIRE(revoked.has_value(), (revoked ? "" : describe(revoked.error())));
  BOOST_TEST(revoked->size() == 2u);
  BOOST_TEST(deleted_count(*revoked) == 2);
  BOOST_TEST(std::count_if(revoked->begin(), revoked->end(), is_default) == 1);
  BOOST_TEST(fx.bindings("subject_id = 'u1' AND tenant_id = 'acme'") == 0);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_audit WHERE action = 'binding.delete' AND tenant_id = 'acme'") == 2);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_audit WHERE action = 'binding.delete' "
                     "AND detail = 'USER u1 role=Viewer source=DEFAULT'") == 1);
  // ... never another tenant's.
  BOOST_TEST(fx.bindings("subject_id = 'u1' AND tenant_id = 'globex'") == 1);
}

BOOST_AUTO_TEST_CASE(a_default_binding_that_exists_is_kept_and_an_unknown_default_role_is_refused) {
  RoleFixture fx;
  // Left from an earlier access (e.g. written by a host before the revoke existed).
  fx.sql << "INSERT INTO scim_users (id, user_name, user_name_key, resource, created_at, updated_at, version) "
            "VALUES ('u1', 'bjensen', 'bjensen', '{\"userName\":\"bjensen\"}', 't', 't', 1)";
  fx.sql << "INSERT INTO scim_bindings (id, tenant_id, role_id, subject_type, subject_id, source, created_at) "
            "VALUES ('old', 'acme', 'r-viewer', 'USER', 'u1', 'DEFAULT', 't')";
  auto created = fx.users->create(kAcme, user_with_roles("bjensen", std::nullopt, "r-viewer"), "x", kT1,
                                  audit("acme", "user.create"));
  BOOST_TEST_REQUIRE(created.has_value(), (created ? "" : describe(created.error())));
  BOOST_TEST(created->binding_changes.empty());
  BOOST_TEST(fx.bindings("subject_id = 'u1'") == 1);

  auto refused = fx.users->create(kAcme, user_with_roles("jsmith", std::nullopt, "g-viewer"), "u2", kT1,
                                  audit("acme", "user.create"));
  BOOST_TEST_REQUIRE(!refused.has_value());
  BOOST_TEST(refused.error().kind == ErrorKind::InvalidInput);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_users WHERE id = 'u2'") == 0);
}

BOOST_AUTO_TEST_CASE(revoke_removes_only_this_tenants_scim_bindings) {
  RoleFixture fx;
  must_create_user(fx, kAcme, "u1", user_with_roles("bjensen", std::vector{assign("r-admin"), assign("r-viewer")}), kT1);
  must_create_user(fx, kAcme, "u2", user_with_roles("jsmith", std::vector{assign("r-admin")}), kT1);
  auto granted = fx.users->create(kGlobex, shared(user_with_roles("bjensen", std::vector{assign("g-viewer")})), "x", kT1,
                                  audit("globex", "user.create"));
  BOOST_TEST_REQUIRE(granted.has_value());
  fx.admin_binding("globex", "g-viewer", "USER", "u1");

  auto revoked = fx.users->revoke(kAcme, "u1", audit("acme", "user.delete", "u1"));
  BOOST_TEST_REQUIRE(revoked.has_value(), (revoked ? "" : describe(revoked.error())));
  BOOST_TEST(revoked->size() == 2u);
  BOOST_TEST(fx.bindings("subject_id = 'u1' AND tenant_id = 'acme'") == 0);
  BOOST_TEST(fx.bindings("subject_id = 'u1' AND tenant_id = 'globex'") == 2);
  BOOST_TEST(fx.bindings("subject_id = 'u2'") == 1);
  BOOST_TEST(roles_text(must_find_user(fx, kGlobex, "u1").roles) == "Viewer::0");
}

// --- groups -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(group_roles_follow_create_update_and_remove) {
  RoleFixture fx;
  must_create_user(fx, kAcme, "u1", user_write("bjensen"), kT1);
  auto w = group_write("Admins");
  w.roles = std::vector{assign("r-editor", "", true), assign("r-admin")};
  auto created = fx.groups->create(kAcme, w, refs({"u1"}), "g1", kT1, audit("acme", "group.create", "g1"));
  BOOST_TEST_REQUIRE(created.has_value(), (created ? "" : describe(created.error())));
  BOOST_TEST(roles_text(created->roles) == "Admin::0,Editor::1");
  BOOST_TEST(created_count(created->binding_changes) == 2);
  BOOST_TEST(created->version == 1);
  BOOST_TEST(fx.bindings("subject_type = 'GROUP' AND subject_id = 'g1' AND source = 'SCIM'") == 2);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_audit WHERE detail = 'GROUP g1 role=Admin source=SCIM'") == 1);

  // A member change alone, or a document without roles, leaves them.
  ports::MemberDelta delta;
  delta.remove = {"u1"};
  auto updated = fx.groups->update(kAcme, "g1", std::nullopt, delta, std::nullopt, kT2, audit("acme", "group.update"));
  BOOST_TEST_REQUIRE(updated.has_value(), (updated ? "" : describe(updated.error())));
  BOOST_TEST(updated->binding_changes.empty());
  BOOST_TEST(roles_text(updated->roles) == "Admin::0,Editor::1");
  updated = fx.groups->update(kAcme, "g1", group_write("Admins"), {}, std::nullopt, kT2, audit("acme", "group.update"));
  BOOST_TEST_REQUIRE(updated.has_value());
  BOOST_TEST(updated->binding_changes.empty());
  BOOST_TEST(roles_text(updated->roles) == "Admin::0,Editor::1");

  // A document with roles: synced, the version moves on.
  const auto version = updated->version;
  w.roles = std::vector{assign("r-viewer")};
  updated = fx.groups->update(kAcme, "g1", w, {}, std::nullopt, kT2, audit("acme", "group.update"));
  BOOST_TEST_REQUIRE(updated.has_value(), (updated ? "" : describe(updated.error())));
  BOOST_TEST(roles_text(updated->roles) == "Viewer::0");
  BOOST_TEST(created_count(updated->binding_changes) == 1);
  BOOST_TEST(deleted_count(updated->binding_changes) == 2);
  BOOST_TEST(updated->version == version + 1);
  BOOST_TEST(roles_text(must_find_group(fx, kAcme, "g1").roles) == "Viewer::0");

  // Remove: every binding of the group goes, an admin's too.
  const auto admin = fx.admin_binding("acme", "r-viewer", "GROUP", "g1");
  auto removed = fx.groups->remove(kAcme, "g1", audit("acme", "group.delete", "g1"));
  BOOST_TEST_REQUIRE(removed.has_value(), (removed ? "" : describe(removed.error())));
  BOOST_TEST(removed->size() == 2u);
  BOOST_TEST(deleted_count(*removed) == 2);
  BOOST_TEST(std::count_if(removed->begin(), removed->end(),
                           [&](const auto& c) { return c.binding_id == admin.id && c.source == "ADMIN"; }) == 1);
  BOOST_TEST(fx.bindings("subject_id = 'g1'") == 0);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_audit WHERE action = 'binding.delete' AND detail LIKE 'GROUP g1 %'") ==
             4);
}

BOOST_AUTO_TEST_CASE(a_failed_group_role_sync_writes_nothing) {
  RoleFixture fx;
  auto w = group_write("Admins");
  w.roles = std::vector{assign("r-admin"), assign("g-viewer")};
  auto created = fx.groups->create(kAcme, w, {}, "g1", kT1, audit("acme", "group.create"));
  BOOST_TEST_REQUIRE(!created.has_value());
  BOOST_TEST(created.error().kind == ErrorKind::InvalidInput);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_groups") == 0);
  BOOST_TEST(fx.bindings("1 = 1") == 0);
}

// --- reads of a page -----------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_list_reads_the_roles_of_its_page_with_one_query) {
  RoleFixture fx;
  const std::vector<std::pair<std::string, std::vector<ports::RoleAssignment>>> users = {
      {"u1", {assign("r-admin"), assign("r-viewer", "v", true)}},
      {"u2", {}},
      {"u3", {assign("r-editor")}},
      {"u4", {assign("r-viewer"), assign("r-editor"), assign("r-admin")}},
      {"u5", {assign("r-admin")}},
  };
  for (std::size_t i = 0; i < users.size(); ++i) {
    must_create_user(fx, kAcme, users[i].first, user_with_roles("user" + std::to_string(i), users[i].second),
                     created_at(static_cast<int>(i) + 1));
  }
  // Noise the page must not show: an admin's and another tenant's bindings.
  fx.admin_binding("acme", "r-editor", "USER", "u1");
  auto granted = fx.users->create(kGlobex, shared(user_with_roles("user1", std::vector{assign("g-viewer")})), "x", kT1,
                                  audit("globex", "user.create"));
  BOOST_TEST_REQUIRE(granted.has_value());

  QueryLog log;
  fx.log(log);
  ports::ListQuery q;
  q.count = 4;
  auto page = fx.users->list(kAcme, q);
  BOOST_TEST_REQUIRE(page.has_value(), (page ? "" : describe(page.error())));
  BOOST_TEST_REQUIRE(page->items.size() == 4u);
  const char* const expected[] = {"Admin::0,Viewer:v:1", "", "Editor::0", "Admin::0,Editor::0,Viewer::0"};
  for (std::size_t i = 0; i < 4; ++i) {
    BOOST_TEST(page->items[i].id == users[i].first);
    BOOST_TEST(roles_text(page->items[i].roles) == expected[i], page->items[i].id);
  }
  const auto queries = log.queries();
  BOOST_TEST(std::count_if(queries.begin(), queries.end(), [](const std::string& s) {
               return s.find("scim_bindings") != std::string::npos;
             }) == 1);
  BOOST_TEST(std::count_if(queries.begin(), queries.end(), [](const std::string& s) {
               return s.starts_with("SELECT");
             }) == 3);  // count, page, roles

  q.offset = 4;
  page = fx.users->list(kAcme, q);
  BOOST_TEST_REQUIRE(page.has_value());
  BOOST_TEST_REQUIRE(page->items.size() == 1u);
  BOOST_TEST(roles_text(page->items[0].roles) == "Admin::0");
  auto globex = fx.users->list(kGlobex, ports::ListQuery{});
  BOOST_TEST_REQUIRE(globex.has_value());
  BOOST_TEST_REQUIRE(globex->items.size() == 1u);
  BOOST_TEST(roles_text(globex->items[0].roles) == "Viewer::0");
}

BOOST_AUTO_TEST_CASE(a_group_list_reads_the_roles_of_its_page_with_one_query) {
  RoleFixture fx;
  const std::vector<std::pair<std::string, std::vector<ports::RoleAssignment>>> groups = {
      {"g1", {assign("r-viewer"), assign("r-admin")}}, {"g2", {}}, {"g3", {assign("r-editor", "x", true)}}};
  for (std::size_t i = 0; i < groups.size(); ++i) {
    auto w = group_write("Group " + std::to_string(i));
    w.roles = groups[i].second;
    must_create_group(fx, kAcme, groups[i].first, w, {}, created_at(static_cast<int>(i) + 1));
  }
  fx.admin_binding("acme", "r-editor", "GROUP", "g2");

  QueryLog log;
  fx.log(log);
  auto page = fx.groups->list(kAcme, ports::ListQuery{});
  BOOST_TEST_REQUIRE(page.has_value(), (page ? "" : describe(page.error())));
  BOOST_TEST_REQUIRE(page->items.size() == 3u);
  BOOST_TEST(roles_text(page->items[0].roles) == "Admin::0,Viewer::0");
  BOOST_TEST(roles_text(page->items[1].roles) == "");
  BOOST_TEST(roles_text(page->items[2].roles) == "Editor:x:1");
  const auto queries = log.queries();
  BOOST_TEST(std::count_if(queries.begin(), queries.end(), [](const std::string& s) {
               return s.find("scim_bindings") != std::string::npos;
             }) == 1);
}

// --- the admin's roles and bindings --------------------------------------------

BOOST_AUTO_TEST_CASE(create_role_stores_and_audits_and_refuses_a_taken_name) {
  RoleFixture fx;
  auto created = fx.provisioning.create_role(RoleFixture::role("acme", "r-ops", "Operators"),
                                             RoleFixture::admin_audit("acme", "role.create"));
  BOOST_TEST_REQUIRE(created.has_value(), (created ? "" : describe(created.error())));
  BOOST_TEST(created->id == "r-ops");
  BOOST_TEST(created->name == "Operators");
  BOOST_TEST(created->permissions_json == R"({"FLOWS":["READ"]})");
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_roles WHERE id = 'r-ops' AND name_key = 'operators'") == 1);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_audit WHERE action = 'role.create' AND target_id = 'r-ops'") == 1);

  for (const char* name : {"Operators", "OPERATORS", "operators"}) {
    auto taken = fx.provisioning.create_role(RoleFixture::role("acme", "r-other", name),
                                             RoleFixture::admin_audit("acme", "role.create"));
    BOOST_TEST_REQUIRE(!taken.has_value());
    BOOST_TEST(taken.error().kind == ErrorKind::Conflict);
  }
  // Another tenant may have it.
  auto elsewhere = fx.provisioning.create_role(RoleFixture::role("globex", "g-ops", "Operators"),
                                               RoleFixture::admin_audit("globex", "role.create"));
  BOOST_TEST(elsewhere.has_value());
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_roles WHERE id = 'r-other'") == 0);
}

BOOST_AUTO_TEST_CASE(delete_role_returns_and_audits_every_binding_of_it) {
  RoleFixture fx;
  must_create_user(fx, kAcme, "u1", user_with_roles("bjensen", std::vector{assign("r-editor")}, "r-editor"), kT1);
  auto w = group_write("Editors");
  w.roles = std::vector{assign("r-editor")};
  must_create_group(fx, kAcme, "g1", w, {}, kT1);
  const auto admin = fx.admin_binding("acme", "r-editor", "USER", "u1");
  must_create_user(fx, kAcme, "u2", user_with_roles("jsmith", std::vector{assign("r-admin")}), kT1);

  auto deleted = fx.provisioning.delete_role("acme", "r-editor", RoleFixture::admin_audit("acme", "role.delete"));
  BOOST_TEST_REQUIRE(deleted.has_value(), (deleted ? "" : describe(deleted.error())));
  BOOST_TEST(deleted->size() == 4u);  // SCIM and DEFAULT of u1, SCIM of g1, ADMIN of u1
  for (const auto& b : *deleted) {
    BOOST_TEST(b.role_id == "r-editor");
    BOOST_TEST(b.role_name == "Editor");
    BOOST_TEST(b.tenant_id == "acme");
  }
  BOOST_TEST(std::count_if(deleted->begin(), deleted->end(), [&](const auto& b) { return b.id == admin.id; }) == 1);
  BOOST_TEST(fx.bindings("role_id = 'r-editor'") == 0);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_roles WHERE id = 'r-editor'") == 0);
  BOOST_TEST(fx.bindings("role_id = 'r-admin'") == 1);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_audit WHERE action = 'role.delete' AND target_id = 'r-editor'") == 1);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_audit WHERE action = 'binding.delete' AND actor_type = 'ADMIN'") == 4);
  BOOST_TEST(must_find_user(fx, kAcme, "u1").roles.empty());

  for (const auto& [tenant, id] : {std::pair{"acme", "r-editor"}, std::pair{"acme", "g-viewer"}}) {
    auto missing = fx.provisioning.delete_role(tenant, id, RoleFixture::admin_audit(tenant, "role.delete"));
    BOOST_TEST_REQUIRE(!missing.has_value());
    BOOST_TEST(missing.error().kind == ErrorKind::NotFound);
  }
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_roles WHERE id = 'g-viewer'") == 1);
}

namespace {

struct BadBinding {
  const char* name;
  const char* role_id;
  const char* subject_type;
  const char* subject_id;
  ErrorKind kind;
  const char* named;  // in the detail
};
std::ostream& operator<<(std::ostream& out, const BadBinding& c) { return out << c.name; }

// u1 has access to acme, u9 only to globex; g1 is acme's group, g9 globex's;
// sa1 acme's service account.
const BadBinding kBadBindings[] = {
    {"unknown role", "nope", "USER", "u1", ErrorKind::NotFound, "role 'nope'"},
    {"another tenant's role", "g-viewer", "USER", "u1", ErrorKind::NotFound, "role 'g-viewer'"},
    {"unknown user", "r-admin", "USER", "nobody", ErrorKind::NotFound, "user 'nobody'"},
    {"unknown group", "r-admin", "GROUP", "nope", ErrorKind::NotFound, "group 'nope'"},
    {"another tenant's group", "r-admin", "GROUP", "g9", ErrorKind::NotFound, "group 'g9'"},
    {"unknown service account", "r-admin", "SERVICE_ACCOUNT", "nope", ErrorKind::NotFound, "service account 'nope'"},
    {"unknown subject type", "r-admin", "ROBOT", "u1", ErrorKind::InvalidInput, "ROBOT"},
    {"an admin's binding again", "r-admin", "USER", "u1", ErrorKind::Conflict, "Admin"},
    {"an admin's group binding again", "r-viewer", "GROUP", "g1", ErrorKind::Conflict, "Viewer"},
};

void seed_subjects(RoleFixture& fx) {
  must_create_user(fx, kAcme, "u1", user_with_roles("bjensen", std::vector{assign("r-viewer")}), kT1);
  must_create_user(fx, kGlobex, "u9", user_write("eve"), kT1);
  must_create_group(fx, kAcme, "g1", group_write("Admins"), {}, kT1);
  must_create_group(fx, kGlobex, "g9", group_write("Admins"), {}, kT1);
  fx.sql << "INSERT INTO scim_service_accounts (id, tenant_id, name, created_at) VALUES ('sa1', 'acme', 'ci', 't')";
  fx.admin_binding("acme", "r-admin", "USER", "u1");
  fx.admin_binding("acme", "r-viewer", "GROUP", "g1");
}

}  // namespace

BOOST_DATA_TEST_CASE(create_binding_refuses_what_does_not_exist_or_exists_already, data::make(kBadBindings), c) {
  RoleFixture fx;
  seed_subjects(fx);
  const long long before = fx.bindings("1 = 1");
  const long long audit_rows = fx.rows("SELECT COUNT(*) FROM scim_audit");
  ports::Binding b;
  b.tenant_id = "acme";
  b.role_id = c.role_id;
  b.subject_type = c.subject_type;
  b.subject_id = c.subject_id;
  auto created = fx.provisioning.create_binding(b, RoleFixture::admin_audit("acme", "binding.create"));
  BOOST_TEST_REQUIRE(!created.has_value());
  BOOST_TEST(created.error().kind == c.kind);
  BOOST_TEST(created.error().detail.find(c.named) != std::string::npos, created.error().detail);
  BOOST_TEST(fx.bindings("1 = 1") == before);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_audit") == audit_rows);
}

BOOST_AUTO_TEST_CASE(create_binding_binds_any_user_and_this_tenants_subjects_as_admin) {
  RoleFixture fx;
  seed_subjects(fx);
  // A user is global: one without access here may be bound.
  for (const auto& [type, subject] : {std::pair{"USER", "u9"}, std::pair{"SERVICE_ACCOUNT", "sa1"},
                                      std::pair{"GROUP", "g1"}, std::pair{"USER", "u1"}}) {
    const auto b = fx.admin_binding("acme", "r-editor", type, subject);
    BOOST_TEST(b.source == "ADMIN");
    BOOST_TEST(b.role_name == "Editor");
    BOOST_TEST(b.subject_type == type);
    BOOST_TEST(b.created_at == kT1);
    BOOST_TEST(!b.id.empty());
    BOOST_TEST(fx.bindings("id = '" + b.id + "' AND source = 'ADMIN' AND tenant_id = 'acme'") == 1);
    BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_audit WHERE action = 'binding.create' AND target_id = :k", b.id) ==
               1);
  }
  // Beside a SCIM binding of the same role (u1 has Viewer from SCIM).
  const auto beside = fx.admin_binding("acme", "r-viewer", "USER", "u1");
  BOOST_TEST(fx.bindings("subject_id = 'u1' AND role_id = 'r-viewer'") == 2);
  BOOST_TEST(roles_text(must_find_user(fx, kAcme, "u1").roles) == "Viewer::0");
  auto listed = fx.provisioning.list_bindings("acme");
  BOOST_TEST_REQUIRE(listed.has_value());
  BOOST_TEST(std::count_if(listed->begin(), listed->end(), [&](const auto& b) { return b.id == beside.id; }) == 1);
}

BOOST_AUTO_TEST_CASE(delete_binding_deletes_any_binding_of_the_tenant_by_id) {
  RoleFixture fx;
  seed_subjects(fx);
  const auto scim = must_find_user(fx, kAcme, "u1");
  BOOST_TEST_REQUIRE(scim.roles.size() == 1u);
  std::string scim_id;
  fx.sql << "SELECT id FROM scim_bindings WHERE subject_id = 'u1' AND source = 'SCIM'", soci::into(scim_id);
  const auto admin = fx.admin_binding("acme", "r-editor", "USER", "u1");

  for (const std::string& id : {admin.id, scim_id}) {
    auto deleted = fx.provisioning.delete_binding("acme", id, RoleFixture::admin_audit("acme", "binding.delete"));
    BOOST_TEST_REQUIRE(deleted.has_value(), (deleted ? "" : describe(deleted.error())));
    BOOST_TEST(deleted->id == id);
    BOOST_TEST(deleted->subject_id == "u1");
    BOOST_TEST(fx.bindings("id = '" + id + "'") == 0);
    BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_audit WHERE action = 'binding.delete' AND target_id = :k", id) == 1);
  }
  BOOST_TEST(must_find_user(fx, kAcme, "u1").roles.empty());

  // Another tenant's binding, or a deleted one: NotFound, nothing changes.
  const auto theirs = fx.admin_binding("globex", "g-viewer", "USER", "u9");
  for (const std::string& id : {theirs.id, admin.id, std::string("nope")}) {
    auto missing = fx.provisioning.delete_binding("acme", id, RoleFixture::admin_audit("acme", "binding.delete"));
    BOOST_TEST_REQUIRE(!missing.has_value());
    BOOST_TEST(missing.error().kind == ErrorKind::NotFound);
  }
  BOOST_TEST(fx.bindings("id = '" + theirs.id + "'") == 1);
}

// --- allow lists -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(allow_lists_are_set_read_replaced_and_removed_per_tenant_and_integration) {
  RoleFixture fx;
  fx.sql << "INSERT INTO scim_integrations (id, tenant_id, name, type, enabled, created_at, updated_at) VALUES "
            "('okta', 'acme', 'okta', 'SCIM', 1, 't', 't'), ('entra', 'globex', 'entra', 'SCIM', 1, 't', 't')";
  auto& store = fx.provisioning;
  const auto entry = RoleFixture::admin_audit("acme", "roles.allow");

  for (const std::string integration : {"", "okta"}) {
    BOOST_TEST(!store.find_role_allow_list("acme", integration).value().has_value());
  }
  BOOST_TEST_REQUIRE(store.set_role_allow_list("acme", "", std::vector<std::string>{"r-viewer", "r-editor"}, kT1, entry)
                         .has_value());
  BOOST_TEST_REQUIRE(store.set_role_allow_list("acme", "okta", std::vector<std::string>{}, kT1, entry).has_value());

  auto tenant_list = store.find_role_allow_list("acme", "");
  BOOST_TEST_REQUIRE(tenant_list.has_value());
  BOOST_TEST_REQUIRE(tenant_list->has_value());
  BOOST_TEST((*tenant_list)->tenant_id == "acme");
  BOOST_TEST((*tenant_list)->integration_id == "");
  BOOST_TEST((*tenant_list)->role_ids == (std::vector<std::string>{"r-viewer", "r-editor"}));
  BOOST_TEST((*tenant_list)->updated_at == kT1);
  auto okta_list = store.find_role_allow_list("acme", "okta");
  BOOST_TEST_REQUIRE((okta_list.has_value() && okta_list->has_value()));
  BOOST_TEST((*okta_list)->role_ids.empty());
  BOOST_TEST(!store.find_role_allow_list("globex", "").value().has_value());

  // Replaced whole; ids with quotes and non-ASCII survive the JSON.
  const std::vector<std::string> odd = {"r-admin", "role \"quoted\"", "r\xC3\xA9le"};
  BOOST_TEST_REQUIRE(store.set_role_allow_list("acme", "", odd, kT2, entry).has_value());
  tenant_list = store.find_role_allow_list("acme", "");
  BOOST_TEST_REQUIRE((tenant_list.has_value() && tenant_list->has_value()));
  BOOST_TEST((*tenant_list)->role_ids == odd);
  BOOST_TEST((*tenant_list)->updated_at == kT2);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_role_allow_lists") == 2);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_audit WHERE action = 'roles.allow'") == 3);

  // Removed: the default rule applies again.
  BOOST_TEST_REQUIRE(store.set_role_allow_list("acme", "", std::nullopt, kT2, entry).has_value());
  BOOST_TEST(!store.find_role_allow_list("acme", "").value().has_value());
  BOOST_TEST(store.find_role_allow_list("acme", "okta").value().has_value());
  BOOST_TEST(store.set_role_allow_list("acme", "", std::nullopt, kT2, entry).has_value());  // nothing to remove

  // An integration of another tenant, or none.
  for (const char* integration : {"entra", "nope"}) {
    auto refused = store.set_role_allow_list("acme", integration, std::vector<std::string>{"r-admin"}, kT2, entry);
    BOOST_TEST_REQUIRE(!refused.has_value());
    BOOST_TEST(refused.error().kind == ErrorKind::NotFound);
  }
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_role_allow_lists") == 1);
}

BOOST_AUTO_TEST_CASE(deleting_an_integration_deletes_its_allow_list_only) {
  RoleFixture fx;
  ports::NewIntegration spec;
  spec.integration = {"i-okta", "acme", "okta", "", "SCIM", true, "sa-okta", kT1, kT1, std::nullopt, 0, 0};
  spec.role = RoleFixture::role("acme", "r-scim", "SCIMProvisioner");
  spec.service_account = {"sa-okta", "acme", "scim-okta", "", kT1, std::nullopt};
  spec.binding = {"b-okta", "acme", "", "SERVICE_ACCOUNT", "sa-okta", "SYSTEM", std::nullopt, kT1, ""};
  spec.token = {"t-okta", "prefix-okta", "hash", kT1};
  spec.audit = RoleFixture::admin_audit("acme", "integration.create");
  auto created = fx.provisioning.create_integration(spec);
  BOOST_TEST_REQUIRE(created.has_value(), (created ? "" : describe(created.error())));
  const auto entry = RoleFixture::admin_audit("acme", "roles.allow");
  BOOST_TEST_REQUIRE(
      fx.provisioning.set_role_allow_list("acme", "i-okta", std::vector<std::string>{"r-admin"}, kT1, entry).has_value());
  BOOST_TEST_REQUIRE(
      fx.provisioning.set_role_allow_list("acme", "", std::vector<std::string>{"r-viewer"}, kT1, entry).has_value());

  BOOST_TEST_REQUIRE(
      fx.provisioning.delete_integration("acme", "i-okta", RoleFixture::admin_audit("acme", "integration.delete"))
          .has_value());
  BOOST_TEST(!fx.provisioning.find_role_allow_list("acme", "i-okta").value().has_value());
  BOOST_TEST(fx.provisioning.find_role_allow_list("acme", "").value().has_value());
}

// --- migration 2 over version 1 ------------------------------------------------

namespace {

long long count_indexes(soci::session& sql, const std::string& table, const std::string& index) {
  long long n = -1;
  switch (current_backend()) {
    case Backend::Sqlite:
      sql << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = :t AND name = :i", soci::into(n),
          soci::use(table), soci::use(index);
      break;
    case Backend::Postgres:
      sql << "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND tablename = :t "
             "AND indexname = :i",
          soci::into(n), soci::use(table), soci::use(index);
      break;
    case Backend::Mysql:
      sql << "SELECT COUNT(DISTINCT index_name) FROM information_schema.statistics WHERE table_schema = DATABASE() "
             "AND table_name = :t AND index_name = :i",
          soci::into(n), soci::use(table), soci::use(index);
      break;
  }
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(migration_2_keeps_the_bindings_of_version_1) {
  TestDatabase db;
  auto dialect = adapters::make_dialect(db.config(1));
  BOOST_TEST_REQUIRE(dialect.has_value());
  auto migrations = adapters::embedded_migrations((*dialect)->name());
  BOOST_TEST_REQUIRE(migrations.has_value());
  BOOST_TEST_REQUIRE(migrations->size() >= 2u);
  BOOST_TEST_REQUIRE((*migrations)[1].version == 2);
  auto sql = db.session();

  const std::vector<adapters::Migration> first(migrations->begin(), migrations->begin() + 1);
  auto v1 = adapters::migrate(*sql, **dialect, first);
  BOOST_TEST_REQUIRE(v1.has_value(), (v1 ? "" : v1.error().detail));
  BOOST_TEST_REQUIRE(*v1 == 1);
  *sql << "INSERT INTO scim_roles (id, tenant_id, name, name_key, permissions, created_at, updated_at) "
          "VALUES ('r1', 'acme', 'Viewer', 'viewer', '{}', 't', 't')";
  *sql << "INSERT INTO scim_bindings (id, tenant_id, role_id, subject_type, subject_id, source, integration_id, "
          "created_at) VALUES ('b1', 'acme', 'r1', 'USER', 'u1', 'SCIM', 'okta', 't1'), "
          "('b2', 'acme', 'r1', 'SERVICE_ACCOUNT', 'sa', 'SYSTEM', NULL, 't2')";

  auto v2 = adapters::migrate(*sql, **dialect, *migrations);
  BOOST_TEST_REQUIRE(v2.has_value(), (v2 ? "" : v2.error().detail));
  BOOST_TEST(*v2 == migrations->back().version);
  long long n = -1;
  *sql << "SELECT COUNT(*) FROM scim_bindings WHERE id = 'b1' AND tenant_id = 'acme' AND role_id = 'r1' "
          "AND subject_type = 'USER' AND subject_id = 'u1' AND source = 'SCIM' AND integration_id = 'okta' "
          "AND created_at = 't1' AND assignment_type IS NULL AND is_primary = 0",
      soci::into(n);
  BOOST_TEST(n == 1);
  *sql << "SELECT COUNT(*) FROM scim_bindings WHERE id = 'b2' AND integration_id IS NULL AND is_primary = 0",
      soci::into(n);
  BOOST_TEST(n == 1);
  BOOST_TEST(count_indexes(*sql, "scim_bindings", "scim_bindings_subject") == 1);

  // The new key: another source of the same role may join, the same source may not.
  *sql << "INSERT INTO scim_bindings (id, tenant_id, role_id, subject_type, subject_id, source, created_at) "
          "VALUES ('b3', 'acme', 'r1', 'USER', 'u1', 'ADMIN', 't')";
  bool refused = false;
  try {
    *sql << "INSERT INTO scim_bindings (id, tenant_id, role_id, subject_type, subject_id, source, created_at) "
            "VALUES ('b4', 'acme', 'r1', 'USER', 'u1', 'ADMIN', 't')";
  } catch (const soci::soci_error& e) {
    refused = (*dialect)->is_unique_violation(e);
  }
  BOOST_TEST(refused);
  // Still cascading from its role.
  *sql << "DELETE FROM scim_roles WHERE id = 'r1'";
  *sql << "SELECT COUNT(*) FROM scim_bindings", soci::into(n);
  BOOST_TEST(n == 0);
  *sql << "SELECT COUNT(*) FROM scim_role_allow_lists", soci::into(n);
  BOOST_TEST(n == 0);
}
