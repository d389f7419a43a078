// Shared by user_service_test.cpp, group_service_test.cpp and
// role_service_test.cpp: the SCIM services of two tenants over the
// in-memory ports (kestra/test/fakes), no HTTP, no SQL.
//
// Tenants "acme" (integrations "okta" and "entra") and "globex"
// (integration "okta-globex"); each has the roles Viewer, Editor and
// SCIMProvisioner.  Outcomes are compared as values: the ErrorKind and
// scimType of a failed Result.
#pragma once

#include "kestra/test/fakes/memory_store.hpp"
#include "kestra/test/fakes/recording_host.hpp"

#include "iam/permissions.hpp"
#include "provisioning/admin_service.hpp"
#include "scim/group_service.hpp"
#include "scim/role_service.hpp"
#include "scim/schema/registry.hpp"
#include "scim/user_service.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace service_test {

namespace json = boost::json;
namespace ports = kestra::ports;
namespace scim = kestra::scim;
using kestra::Error;
using kestra::ErrorKind;
using kestra::Result;
using kestra::test::fakes::MemoryStore;
using kestra::test::fakes::RecordingHost;

inline const scim::schema::Registry& registry() {
  static const scim::schema::Registry r = [] {
    auto loaded = scim::schema::Registry::load();
    BOOST_TEST_REQUIRE(loaded.has_value(), (loaded.has_value() ? "" : loaded.error().detail));
    return std::move(*loaded);
  }();
  return r;
}

inline const ports::Scope kAcme{"acme", "okta"};
inline const ports::Scope kAcmeEntra{"acme", "entra"};
inline const ports::Scope kGlobex{"globex", "okta-globex"};

// What a call should come to: success, or an error of this kind and scimType.
struct Expect {
  std::optional<ErrorKind> kind;  // nullopt: success
  std::string scim_type;
};
inline const Expect kOk{};
inline Expect fails(ErrorKind kind, std::string scim_type = {}) { return {kind, std::move(scim_type)}; }

inline std::ostream& operator<<(std::ostream& os, const Expect& e) {
  if (!e.kind) return os << "success";
  return os << "error kind " << static_cast<int>(*e.kind) << " scimType '" << e.scim_type << "'";
}

// Checks `result` came to `expected`; true when it succeeded.
template <class T>
bool check(const Result<T>& result, const Expect& expected) {
  if (!expected.kind) {
    BOOST_TEST(result.has_value(), "expected success, got: " << (result ? "" : result.error().detail));
    return result.has_value();
  }
  BOOST_TEST(!result.has_value(), "expected " << expected << ", got success");
  if (result) return true;
  BOOST_TEST(static_cast<int>(result.error().kind) == static_cast<int>(*expected.kind),
             "expected " << expected << ", got kind " << static_cast<int>(result.error().kind) << ": "
                         << result.error().detail);
  BOOST_TEST(result.error().scim_type == expected.scim_type,
             "scimType '" << result.error().scim_type << "', detail: " << result.error().detail);
  return false;
}

inline json::object object(std::string_view text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  BOOST_TEST_REQUIRE((!ec && v.is_object()), "bad test JSON: " << text);
  return v.as_object();
}

inline json::object user_body(const std::string& user_name) {
  return json::object{{"schemas", json::array{"urn:ietf:params:scim:schemas:core:2.0:User"}},
                      {"userName", user_name},
                      {"name", json::object{{"givenName", "Ada"}, {"familyName", "Lovelace"}}},
                      {"active", true}};
}

inline json::object group_body(const std::string& display_name, const json::array& member_ids = {}) {
  json::array members;
  for (const auto& id : member_ids) members.push_back(json::object{{"value", id}});
  json::object body{{"schemas", json::array{"urn:ietf:params:scim:schemas:core:2.0:Group"}},
                    {"displayName", display_name}};
  if (!members.empty()) body["members"] = std::move(members);
  return body;
}

inline json::object patch_body(json::array operations) {
  return json::object{{"schemas", json::array{"urn:ietf:params:scim:api:messages:2.0:PatchOp"}},
                      {"Operations", std::move(operations)}};
}

inline json::object op(std::string_view name, std::string_view path, json::value value = nullptr) {
  json::object o{{"op", name}};
  if (!path.empty()) o["path"] = path;
  if (!value.is_null()) o["value"] = std::move(value);
  return o;
}

// Who acts: an admin (no restriction), the SCIMProvisioner integration, or
// an integration whose role grants USERS and GROUPS but no BINDINGS.
inline kestra::provisioning::Actor admin() { return {"ADMIN", "admin", "req-1"}; }
inline kestra::provisioning::Actor provisioner() {
  return {"INTEGRATION", "okta", "req-2", kestra::iam::scim_provisioner_permissions()};
}
inline kestra::provisioning::Actor without_bindings() {
  return {"INTEGRATION", "okta", "req-3",
          kestra::iam::Permissions({{"USERS", {"CREATE", "READ", "UPDATE"}},
                                    {"GROUPS", {"CREATE", "READ", "UPDATE", "DELETE"}}})};
}
// May read and create bindings but not delete or update them.
inline kestra::provisioning::Actor create_only_bindings() {
  return {"INTEGRATION", "okta", "req-4",
          kestra::iam::Permissions({{"USERS", {"CREATE", "READ", "UPDATE"}},
                                    {"GROUPS", {"CREATE", "READ", "UPDATE", "DELETE"}},
                                    {"BINDINGS", {"CREATE", "READ"}}})};
}

struct World {
  explicit World(scim::DefaultRole default_role = {}, kestra::scim::filter::Limits limits = {},
                 std::size_t list_max_bytes = 0)
      : store(registry().lookup_for(*registry().resource_type("User")),
              registry().lookup_for(*registry().resource_type("Group"))),
        roles(store.provisioning(), registry(), host, std::move(default_role), limits),
        users(store.users(), store.domain_claims(), registry(), roles, limits, list_max_bytes),
        groups(store.groups(), registry(), roles, limits, list_max_bytes) {
    for (const char* tenant : {"acme", "globex"}) {
      store.add_role(tenant, "Viewer", R"({"FLOWS":["READ"]})");
      store.add_role(tenant, "Editor", R"({"FLOWS":["CREATE","READ","UPDATE"]})");
      store.add_role(tenant, "SCIMProvisioner", kestra::iam::scim_provisioner_permissions().to_json());
    }
  }

  void claim(const std::string& tenant, const std::string& domain) {
    BOOST_TEST_REQUIRE(store.domain_claims().add({tenant, domain, "ADMIN", ""}, {}).has_value());
  }
  void unclaim(const std::string& tenant, const std::string& domain) {
    BOOST_TEST_REQUIRE(store.domain_claims().remove(tenant, domain, "ADMIN", {}).has_value());
  }

  // A user that must be created; its id.
  std::string user(const ports::Scope& scope, const std::string& user_name) {
    return user(scope, user_body(user_name));
  }
  std::string user(const ports::Scope& scope, const json::object& body) {
    auto created = users.create(scope, body, admin());
    BOOST_TEST_REQUIRE(created.has_value(), (created ? "" : created.error().detail));
    return created->row.id;
  }
  std::string group(const ports::Scope& scope, const std::string& display_name, const json::array& member_ids = {}) {
    auto created = groups.create(scope, group_body(display_name, member_ids), admin());
    BOOST_TEST_REQUIRE(created.has_value(), (created ? "" : created.error().detail));
    return created->id;
  }
  std::string user_etag(const ports::Scope& scope, const std::string& id) {
    auto found = users.get(scope, id, false);
    BOOST_TEST_REQUIRE(found.has_value());
    return scim::render_user(*found, "").at("meta").at("version").as_string().c_str();
  }

  RecordingHost host;
  MemoryStore store;
  scim::RoleService roles;
  scim::UserService users;
  scim::GroupService groups;
};

}  // namespace service_test
