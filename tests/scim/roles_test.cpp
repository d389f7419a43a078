// Role assignment through SCIM: the tenant's assignable roles as
// SCIM Roles at /Roles, the allow lists that decide which roles those are,
// user `roles` and the Kestra Group extension's `roles` as bindings (every
// PATCH form Okta and Entra send), the default role, the BINDINGS
// permissions that authorise it all, its audit rows and events, and tenancy.
#define BOOST_TEST_MODULE scim_roles
#include "scim_support.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace kestra::test;
namespace data = boost::unit_test::data;
namespace json = boost::json;

namespace {

constexpr const char* kRoleUrn = "urn:ietf:params:scim:schemas:core:2.0:Role";
constexpr const char* kKestraGroupUrn = "urn:ietf:params:scim:schemas:extension:kestra:2.0:Group";
constexpr const char* kGroupRolesPath = "urn:ietf:params:scim:schemas:extension:kestra:2.0:Group:roles";

using Grants = std::map<std::string, std::vector<std::string>>;
using Names = std::vector<std::string>;

const Grants kProvisioner = {
    {"GROUPS", {"CREATE", "READ", "UPDATE", "DELETE"}},
    {"USERS", {"CREATE", "READ", "UPDATE"}},
    {"BINDINGS", {"CREATE", "READ", "UPDATE", "DELETE"}},
};

Grants without(const std::string& resource, const std::string& action) {
  auto grants = kProvisioner;
  auto& actions = grants[resource];
  actions.erase(std::remove(actions.begin(), actions.end(), action), actions.end());
  return grants;
}

json::object permissions_json(const Grants& grants) {
  json::object out;
  for (const auto& [resource, actions] : grants) {
    json::array a;
    for (const auto& x : actions) a.emplace_back(x);
    out[resource] = std::move(a);
  }
  return out;
}

// A tenant role an admin makes.
struct RoleSpec {
  const char* name;
  Grants grants;
  const char* description;
};

// Assignable by default: no CREATE/UPDATE/DELETE on an IAM resource.
const RoleSpec kDeveloper = {"Developer", {{"FLOWS", {"CREATE", "READ", "UPDATE"}}}, "Writes flows"};
const RoleSpec kOperator = {"Operator", {{"EXECUTIONS", {"CREATE", "READ"}}}, ""};
const RoleSpec kViewer = {"Viewer", {{"FLOWS", {"READ"}}, {"USERS", {"READ"}}}, "Reads flows and users"};
// Not assignable by default: they administer IAM.
const RoleSpec kAdmin = {"Admin", {{"USERS", {"CREATE"}}}, "Creates users"};
const RoleSpec kImpersonator = {"Impersonator", {{"IMPERSONATE", {"READ"}}}, ""};
const RoleSpec kRoleEditor = {"RoleEditor", {{"FLOWS", {"READ"}}, {"ROLES", {"UPDATE"}}}, ""};

// ------------------------------------------------------------ admin side

HttpResponse post_role(const HarnessProcess& h, const std::string& tenant, const std::string& name,
                       const Grants& grants, const std::string& description = "") {
  json::object body{{"name", name}, {"permissions", permissions_json(grants)}};
  if (!description.empty()) body["description"] = description;
  return admin_request(h, "POST", tenant_path(tenant, "/roles"), json::serialize(body));
}

std::string create_role(const HarnessProcess& h, const std::string& tenant, const RoleSpec& spec) {
  const auto res = post_role(h, tenant, spec.name, spec.grants, spec.description);
  if (res.status != 201) throw std::runtime_error("role " + std::string(spec.name) + ": " + res.body);
  return str(json::parse(res.body), "id");
}

HttpResponse post_binding(const HarnessProcess& h, const std::string& tenant, const std::string& role_id,
                          const std::string& type, const std::string& subject) {
  return admin_request(h, "POST", tenant_path(tenant, "/bindings"),
                       json::serialize(json::object{{"roleId", role_id}, {"type", type}, {"subjectId", subject}}));
}

std::string admin_bind(const HarnessProcess& h, const std::string& tenant, const std::string& role_id,
                 const std::string& type, const std::string& subject) {
  const auto res = post_binding(h, tenant, role_id, type, subject);
  if (res.status != 201) throw std::runtime_error("binding: " + res.body);
  return str(json::parse(res.body), "id");
}

json::array all_bindings(const HarnessProcess& h, const std::string& tenant) {
  return results(admin_get(h, tenant_path(tenant, "/bindings")));
}

// The subject's bindings in `tenant` as "Role:SOURCE", sorted.
Names bound(const HarnessProcess& h, const std::string& tenant, const std::string& subject) {
  Names out;
  for (const auto& b : all_bindings(h, tenant)) {
    if (str(b, "subjectId") == subject) out.push_back(str(b, "roleName") + ":" + str(b, "source"));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The subject's binding of `role` from `source`; throws when there is none.
json::value binding_of(const HarnessProcess& h, const std::string& tenant, const std::string& subject,
                       const std::string& role, const std::string& source) {
  for (const auto& b : all_bindings(h, tenant)) {
    if (str(b, "subjectId") == subject && str(b, "roleName") == role && str(b, "source") == source) return b;
  }
  throw std::runtime_error("no " + source + " binding of " + subject + " to " + role);
}

void set_grants(const HarnessProcess& h, const std::string& tenant, const std::string& role_id, const Grants& grants) {
  const auto res = admin_request(h, "PUT", tenant_path(tenant, "/roles/" + role_id),
                                 json::serialize(json::object{{"permissions", permissions_json(grants)}}));
  if (res.status != 200) throw std::runtime_error("role update failed: " + res.body);
}

std::string tenant_allow_list(const std::string& tenant) { return tenant_path(tenant, "/scim-assignable-roles"); }
std::string integration_allow_list(const std::string& tenant, const std::string& integration) {
  return integrations_path(tenant, "/" + integration + "/assignable-roles");
}

HttpResponse put_allow_list(const HarnessProcess& h, const std::string& target, const json::value& roles) {
  return admin_request(h, "PUT", target, json::serialize(json::object{{"roles", roles}}));
}

Names names_of_assignable(const json::value& view) {
  Names out;
  for (const auto& r : view.at("assignable").as_array()) out.push_back(str(r, "name"));
  return out;
}

// ------------------------------------------------------------- SCIM side

json::array role_values(const Names& names) {
  json::array out;
  for (const auto& n : names) out.push_back(json::object{{"value", n}});
  return out;
}

json::object user_with_roles(const std::string& user_name, const Names& roles) {
  auto body = user_body(user_name);
  body["roles"] = role_values(roles);
  return body;
}

// roles[].value of a user (or of the Kestra extension of a group).
Names role_names(const json::object& resource) {
  Names out;
  const json::object* holder = &resource;
  if (const auto* ext = resource.if_contains(kKestraGroupUrn)) holder = &ext->as_object();
  if (const auto* roles = holder->if_contains("roles")) {
    for (const auto& r : roles->as_array()) out.push_back(str(r, "value"));
  }
  return out;
}

std::string patch_body(const std::string& operations) {
  return R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[)" + operations + "]}";
}

HttpResponse patch(const Scim& scim, const std::string& path, const std::string& operations) {
  return scim.call("PATCH", path, patch_body(operations));
}

std::string etag_of(const Scim& scim, const std::string& path) {
  const auto res = scim.get(path);
  BOOST_TEST_REQUIRE(res.status == 200u, path << ": " << res.body);
  return res.header("ETag").value_or("");
}

Names displayed_roles(const Scim& scim) { return field_of_each(list(scim, "/Roles?count=100"), "displayName"); }

// Events of `type` about `tenant` with their payloads.
std::vector<json::object> events_of(const HarnessProcess& h, const std::string& tenant, const std::string& type) {
  std::vector<json::object> out;
  for (const auto& e : events(h)) {
    const auto& o = e.as_object();
    if (o.at("module").as_string() == "kestra-scim" && o.at("tenant").as_string() == tenant &&
        o.at("type").as_string() == type) {
      out.push_back(o);
    }
  }
  return out;
}

// The integration's audit entries with an action starting "binding.", oldest first.
std::vector<json::object> binding_audit(const Scim& scim, const std::string& tenant) {
  auto entries = results(admin_get(*scim.harness,
                                   integrations_path(tenant, "/" + scim.integration.id + "/audit?size=1000")));
  std::vector<json::object> out;
  for (const auto& e : entries) {
    if (str(e, "action").starts_with("binding.")) out.push_back(e.as_object());
  }
  std::reverse(out.begin(), out.end());
  return out;
}

// One tenant with an integration and the six roles above.
struct World {
  HarnessProcess harness;
  Scim okta;
  std::map<std::string, std::string> role;  // id by name, SCIMProvisioner included

  explicit World(HarnessOptions options = module_options())
      : harness(std::move(options)), okta(scim_client(harness, "acme", "okta")) {
    for (const auto* spec : {&kDeveloper, &kOperator, &kViewer, &kAdmin, &kImpersonator, &kRoleEditor}) {
      role[spec->name] = create_role(harness, "acme", *spec);
    }
    for (const auto& r : results(admin_get(harness, tenant_path("acme", "/roles")))) {
      if (str(r, "name") == "SCIMProvisioner") role["SCIMProvisioner"] = str(r, "id");
    }
  }

  // "{Developer}" -> the Developer role's id, and so on.
  std::string fill(std::string text) const {
    for (const auto& [name, id] : role) text = replace_all(std::move(text), "{" + name + "}", id);
    return text;
  }
  Names bound(const std::string& subject) const { return ::bound(harness, "acme", subject); }
  std::string user(const std::string& user_name, const Names& roles = {}) const {
    return create_user(okta, user_with_roles(user_name, roles));
  }
};

}  // namespace

// ---------------------------------------------------------------- /Roles

BOOST_AUTO_TEST_CASE(discovery_lists_the_role_resource_and_the_group_extension) {
  World w;
  const auto types = list(w.okta, "/ResourceTypes");
  bool found = false;
  for (const auto& t : types.at("Resources").as_array()) {
    if (str(t, "id") == "Role") {
      found = true;
      BOOST_TEST(str(t, "endpoint") == "/Roles");
      BOOST_TEST(str(t, "schema") == kRoleUrn);
    }
    if (str(t, "id") == "Group") {
      const auto extensions = json::serialize(t.at("schemaExtensions"));
      BOOST_TEST(extensions.find(kKestraGroupUrn) != std::string::npos, extensions);
    }
  }
  BOOST_TEST(found, json::serialize(types));

  const auto schema = get_json(w.okta, std::string("/Schemas/") + kRoleUrn);
  Names attributes;
  for (const auto& a : schema.at("attributes").as_array()) attributes.push_back(str(a, "name"));
  for (const char* name : {"displayName", "value", "type", "description", "enabled"}) {
    BOOST_TEST((std::find(attributes.begin(), attributes.end(), name) != attributes.end()), name);
  }
  const auto schemas = ids_of(list(w.okta, "/Schemas"));
  BOOST_TEST((std::find(schemas.begin(), schemas.end(), kRoleUrn) != schemas.end()));
  BOOST_TEST((std::find(schemas.begin(), schemas.end(), kKestraGroupUrn) != schemas.end()));
}

BOOST_AUTO_TEST_CASE(roles_lists_exactly_the_roles_assignable_by_default) {
  World w;
  const auto page = list(w.okta, "/Roles");
  BOOST_TEST(total_of(page) == 3);
  BOOST_TEST(field_of_each(page, "displayName") == (Names{"Developer", "Operator", "Viewer"}));

  const auto& developer = page.at("Resources").as_array().at(0).as_object();
  BOOST_TEST(developer.at("schemas") == json::array{kRoleUrn});
  BOOST_TEST(str(developer, "id") == w.role.at("Developer"));
  BOOST_TEST(str(developer, "displayName") == "Developer");
  BOOST_TEST(str(developer, "value") == "Developer");
  BOOST_TEST(str(developer, "type") == "KestraRole");
  BOOST_TEST(str(developer, "description") == "Writes flows");
  BOOST_TEST(developer.at("enabled") == json::value(true));
  const auto& meta = developer.at("meta").as_object();
  BOOST_TEST(str(meta, "resourceType") == "Role");
  BOOST_TEST(str(meta, "location") == w.okta.url() + "/Roles/" + w.role.at("Developer"));
  BOOST_TEST(str(meta, "version").starts_with("W/\""));
  BOOST_TEST(!str(meta, "created").empty());
  BOOST_TEST(!str(meta, "lastModified").empty());
  // A role without a description has none.
  BOOST_TEST(!page.at("Resources").as_array().at(1).as_object().contains("description"));

  // GET of one role answers the same representation, with its version as ETag.
  const auto one = w.okta.get("/Roles/" + w.role.at("Developer"));
  BOOST_TEST(require_json(one, 200, "GET role") == developer);
  BOOST_TEST(one.header("ETag").value_or("") == str(meta, "version"));
  const auto fresh = w.okta.get("/Roles/" + w.role.at("Developer"), {{"If-None-Match", str(meta, "version")}});
  BOOST_TEST(fresh.status == 304u, fresh.body);

  // A role that may not be assigned is as unknown as a role that does not exist.
  for (const char* name : {"Admin", "Impersonator", "RoleEditor", "SCIMProvisioner"}) {
    BOOST_TEST_CONTEXT(name) { check_error(w.okta.get("/Roles/" + w.role.at(name)), 404); }
  }
  check_error(w.okta.get("/Roles/00000000-0000-4000-8000-000000000000"), 404);
  check_error(w.okta.get("/Roles/%27%20OR%201%3D1"), 404);
}

namespace {

struct RoleQuery {
  const char* name;
  const char* query;
  Names want;          // displayNames in order, when the query succeeds
  std::int64_t total;  // -1: want.size()
  const char* error;   // a scimType: the query answers 400 with it
};
std::ostream& operator<<(std::ostream& out, const RoleQuery& q) { return out << q.name; }

const RoleQuery kRoleQueries[] = {
    {"displayName eq", "filter=displayName%20eq%20%22Developer%22", {"Developer"}, -1, nullptr},
    {"displayName eq is case-insensitive", "filter=displayName%20eq%20%22developer%22", {"Developer"}, -1, nullptr},
    {"value sw", "filter=value%20sw%20%22Dev%22", {"Developer"}, -1, nullptr},
    {"description co", "filter=description%20co%20%22flows%22", {"Developer", "Viewer"}, -1, nullptr},
    {"type eq", "filter=type%20eq%20%22KestraRole%22", {"Developer", "Operator", "Viewer"}, -1, nullptr},
    {"or", "filter=value%20eq%20%22Viewer%22%20or%20value%20eq%20%22Operator%22", {"Operator", "Viewer"}, -1, nullptr},
    {"not", "filter=not%20(value%20eq%20%22Viewer%22)", {"Developer", "Operator"}, -1, nullptr},
    {"a role that is not assignable matches nothing", "filter=displayName%20eq%20%22Admin%22", {}, -1, nullptr},
    {"SCIMProvisioner matches nothing", "filter=value%20eq%20%22SCIMProvisioner%22", {}, -1, nullptr},
    {"sortBy displayName descending", "sortBy=displayName&sortOrder=descending", {"Viewer", "Operator", "Developer"},
     -1, nullptr},
    {"sortBy value", "sortBy=value", {"Developer", "Operator", "Viewer"}, -1, nullptr},
    {"startIndex and count", "startIndex=2&count=1", {"Operator"}, 3, nullptr},
    {"the last page", "startIndex=3&count=10", {"Viewer"}, 3, nullptr},
    {"count=0", "count=0", {}, 3, nullptr},
    {"past the end", "startIndex=9", {}, 3, nullptr},
    {"an unknown attribute", "filter=userName%20eq%20%22Developer%22", {}, -1, "invalidFilter"},
    {"a value path", "filter=members%5Bvalue%20eq%20%22x%22%5D", {}, -1, "invalidFilter"},
    {"a malformed filter", "filter=displayName%20eq", {}, -1, "invalidFilter"},
};

}  // namespace

BOOST_DATA_TEST_CASE(roles_filter_sort_and_page_like_every_list, data::make(kRoleQueries), q) {
  World w;
  const auto res = w.okta.get(std::string("/Roles?") + q.query);
  if (q.error) {
    check_error(res, 400, q.error);
    return;
  }
  const auto page = check_list(res, q.query);
  BOOST_TEST(field_of_each(page, "displayName") == q.want);
  BOOST_TEST(total_of(page) == (q.total < 0 ? static_cast<std::int64_t>(q.want.size()) : q.total));
}

BOOST_AUTO_TEST_CASE(roles_sort_by_id_and_project_attributes) {
  World w;
  auto ids = Names{w.role.at("Developer"), w.role.at("Operator"), w.role.at("Viewer")};
  std::sort(ids.begin(), ids.end());
  BOOST_TEST(ids_of(list(w.okta, "/Roles?sortBy=id")) == ids);

  const auto only_name = list(w.okta, "/Roles?attributes=displayName");
  for (const auto& r : only_name.at("Resources").as_array()) {
    const auto& o = r.as_object();
    BOOST_TEST(o.contains("id"));  // returned always
    BOOST_TEST(o.contains("displayName"));
    BOOST_TEST(!o.contains("value"), r);
    BOOST_TEST(!o.contains("description"), r);
  }
  const auto no_description = list(w.okta, "/Roles?excludedAttributes=description");
  BOOST_TEST(no_description.at("Resources").as_array().size() == 3u);
  for (const auto& r : no_description.at("Resources").as_array()) {
    BOOST_TEST(!r.as_object().contains("description"), r);
    BOOST_TEST(r.as_object().contains("value"), r);
  }
  const auto one = get_json(w.okta, "/Roles/" + w.role.at("Viewer") + "?attributes=value");
  BOOST_TEST(str(one, "value") == "Viewer");
  BOOST_TEST(!one.contains("displayName"));
}

BOOST_AUTO_TEST_CASE(roles_are_read_only_through_scim) {
  World w;
  BOOST_TEST(total_of(list(w.okta, "/Roles")) == 3);  // the integration's lastRequestAt is set
  const auto before = tenant_state(w.harness, "acme");
  const std::string role = R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Role"],"displayName":"Hacker"})";
  const std::string one = "/Roles/" + w.role.at("Developer");
  const std::pair<const char*, std::string> calls[] = {
      {"POST", "/Roles"}, {"PUT", "/Roles"},  {"PATCH", "/Roles"}, {"DELETE", "/Roles"},
      {"POST", one},      {"PUT", one},       {"DELETE", one},
  };
  for (const auto& [method, path] : calls) {
    BOOST_TEST_CONTEXT(method << " " << path) { check_error(w.okta.call(method, path, role), 405); }
  }
  BOOST_TEST_CONTEXT("PATCH " << one) {
    check_error(patch(w.okta, one, R"({"op":"replace","path":"displayName","value":"Hacker"})"), 405);
  }
  check_unchanged(before, tenant_state(w.harness, "acme"));
  BOOST_TEST(displayed_roles(w.okta) == (Names{"Developer", "Operator", "Viewer"}));
}

BOOST_AUTO_TEST_CASE(a_role_an_admin_changes_is_listed_as_it_now_is) {
  World w;
  const auto holder = w.user("holder@example.com", {"Viewer"});
  const auto path = "/Roles/" + w.role.at("Viewer");
  const auto before = w.okta.get(path);
  BOOST_TEST_REQUIRE(before.status == 200u);

  // A new description: a new version.
  auto res = admin_request(w.harness, "PUT", tenant_path("acme", "/roles/" + w.role.at("Viewer")),
                           R"({"description":"Reads","permissions":{"FLOWS":["READ"]}})");
  BOOST_TEST_REQUIRE(res.status == 200u, res.body);
  const auto after = w.okta.get(path);
  BOOST_TEST(str(require_json(after, 200, "GET role"), "description") == "Reads");
  BOOST_TEST(after.header("ETag").value_or("") != before.header("ETag").value_or(""));
  BOOST_TEST(w.okta.get(path, {{"If-None-Match", before.header("ETag").value_or("")}}).status == 200u);

  // Now administering IAM: no longer listed nor assignable; its holder keeps it.
  set_grants(w.harness, "acme", w.role.at("Viewer"), {{"FLOWS", {"READ"}}, {"GROUPS", {"UPDATE"}}});
  check_error(w.okta.get(path), 404);
  BOOST_TEST(displayed_roles(w.okta) == (Names{"Developer", "Operator"}));
  const auto other = w.user("other@example.com");
  check_error(patch(w.okta, "/Users/" + other, R"({"op":"add","path":"roles","value":[{"value":"Viewer"}]})"), 400,
              "invalidValue");
  BOOST_TEST(role_names(get_json(w.okta, "/Users/" + holder)) == (Names{"Viewer"}));
  BOOST_TEST(patch(w.okta, "/Users/" + holder, R"({"op":"replace","path":"title","value":"Still"})").status == 200u);
  BOOST_TEST(w.bound(holder) == (Names{"Viewer:SCIM"}));

  // And back.
  set_grants(w.harness, "acme", w.role.at("Viewer"), {{"FLOWS", {"READ"}}});
  BOOST_TEST(displayed_roles(w.okta) == (Names{"Developer", "Operator", "Viewer"}));
}

// ------------------------------------------------------- the admin's roles

BOOST_AUTO_TEST_CASE(admins_create_and_delete_roles_and_bindings) {
  World w;
  const auto res = post_role(w.harness, "acme", "Release manager", {{"FLOWS", {"READ"}}, {"EXECUTIONS", {"CREATE"}}},
                             "Runs releases");
  const auto created = require_json(res, 201, "POST role");
  BOOST_TEST(str(created, "name") == "Release manager");
  BOOST_TEST(str(created, "description") == "Runs releases");
  BOOST_TEST(created.at("systemManaged") == json::value(false));
  BOOST_TEST(!str(created, "id").empty());
  BOOST_TEST(displayed_roles(w.okta) == (Names{"Developer", "Operator", "Release manager", "Viewer"}));

  // Names are unique per tenant, case-insensitively; SCIMProvisioner is reserved.
  for (const char* name : {"developer", "RELEASE MANAGER", "SCIMProvisioner", "scimprovisioner"}) {
    BOOST_TEST_CONTEXT(name) { check_admin_error(post_role(w.harness, "acme", name, {{"FLOWS", {"READ"}}}), 409); }
  }
  check_admin_error(admin_request(w.harness, "DELETE", tenant_path("acme", "/roles/" + w.role.at("SCIMProvisioner"))),
                    409);
  check_admin_error(admin_request(w.harness, "DELETE", tenant_path("acme", "/roles/00000000-0000-4000-8000-000000000000")),
                    404);

  // An admin's binding.
  const auto user = w.user("bound@example.com");
  const auto b = require_json(post_binding(w.harness, "acme", w.role.at("Operator"), "USER", user), 201, "binding");
  BOOST_TEST(str(b, "roleId") == w.role.at("Operator"));
  BOOST_TEST(str(b, "roleName") == "Operator");
  BOOST_TEST(str(b, "type") == "USER");
  BOOST_TEST(str(b, "subjectId") == user);
  BOOST_TEST(str(b, "source") == "ADMIN");
  BOOST_TEST(w.bound(user) == (Names{"Operator:ADMIN"}));
  const auto listed = binding_of(w.harness, "acme", user, "Operator", "ADMIN");
  BOOST_TEST(str(listed, "id") == str(b, "id"));
  BOOST_TEST(!str(listed, "createdAt").empty());
  BOOST_TEST(admin_request(w.harness, "DELETE", tenant_path("acme", "/bindings/" + str(b, "id"))).status == 204u);
  BOOST_TEST(w.bound(user).empty());
  check_admin_error(admin_request(w.harness, "DELETE", tenant_path("acme", "/bindings/" + str(b, "id"))), 404);

  // Deleting a role deletes its bindings, the SCIM ones too.
  BOOST_TEST_REQUIRE(patch(w.okta, "/Users/" + user, R"({"op":"add","path":"roles","value":[{"value":"Developer"}]})")
                         .status == 200u);
  const auto scim_binding = str(binding_of(w.harness, "acme", user, "Developer", "SCIM"), "id");
  BOOST_TEST(admin_request(w.harness, "DELETE", tenant_path("acme", "/roles/" + w.role.at("Developer"))).status == 204u);
  BOOST_TEST(w.bound(user).empty());
  BOOST_TEST(!get_json(w.okta, "/Users/" + user).contains("roles"));
  check_error(w.okta.get("/Roles/" + w.role.at("Developer")), 404);
  BOOST_TEST(event_subjects(w.harness, "acme", "iam.binding.deleted") == (Names{str(b, "id"), scim_binding}));
}

// ----------------------------------------------------------- allow lists

BOOST_AUTO_TEST_CASE(allow_lists_per_tenant_and_per_integration_decide_what_is_assignable) {
  World w;
  const auto entra = scim_client(w.harness, "acme", "entra");
  const auto tenant_list = tenant_allow_list("acme");
  const auto okta_list = integration_allow_list("acme", w.okta.integration.id);

  auto view = admin_get(w.harness, tenant_list);
  BOOST_TEST(view.at("integrationId").is_null(), view);
  BOOST_TEST(view.at("roles").is_null(), view);
  BOOST_TEST(str(view, "source") == "DEFAULT");
  BOOST_TEST(names_of_assignable(view) == (Names{"Developer", "Operator", "Viewer"}));
  BOOST_TEST(str(view.at("assignable").as_array().at(0), "id") == w.role.at("Developer"));

  // The tenant's list: by name or id.
  const auto user = w.user("listed@example.com", {"Operator"});
  const auto set = put_allow_list(w.harness, tenant_list, json::array{"viewer", json::string(w.role.at("Developer"))});
  view = require_json(set, 200, "PUT tenant list");
  BOOST_TEST(str(view, "source") == "TENANT");
  BOOST_TEST(view.at("roles") == (json::array{json::string(w.role.at("Viewer")), json::string(w.role.at("Developer"))}));
  BOOST_TEST(names_of_assignable(view) == (Names{"Developer", "Viewer"}));
  BOOST_TEST(admin_get(w.harness, tenant_list) == view);
  BOOST_TEST(displayed_roles(w.okta) == (Names{"Developer", "Viewer"}));
  BOOST_TEST(displayed_roles(entra) == (Names{"Developer", "Viewer"}));
  check_error(w.okta.get("/Roles/" + w.role.at("Operator")), 404);

  // Outside the list: refused.  A role the user already holds stays.
  const auto refused = patch(w.okta, "/Users/" + user, R"({"op":"add","path":"roles","value":[{"value":"Admin"}]})");
  check_error(refused, 400, "invalidValue");
  BOOST_TEST(detail_of(refused).find("Admin") != std::string::npos, refused.body);
  auto kept = require_json(w.okta.put("/Users/" + user, user_with_roles("listed@example.com", {"Operator", "Viewer"})),
                           200, "PUT keeping a role no longer listed");
  BOOST_TEST(role_names(kept) == (Names{"Operator", "Viewer"}));
  const auto gone = patch(w.okta, "/Users/" + user, R"({"op":"remove","path":"roles[value eq \"Operator\"]"})");
  BOOST_TEST(role_names(require_json(gone, 200, "remove")) == (Names{"Viewer"}));
  check_error(patch(w.okta, "/Users/" + user, R"({"op":"add","path":"roles","value":[{"value":"Operator"}]})"), 400,
              "invalidValue");

  // The integration's own list overrides the tenant's, for it alone; a
  // listed role is assignable even when it administers IAM.
  view = admin_get(w.harness, okta_list);
  BOOST_TEST(str(view, "integrationId") == w.okta.integration.id);
  BOOST_TEST(view.at("roles").is_null(), view);
  BOOST_TEST(str(view, "source") == "TENANT");
  BOOST_TEST(names_of_assignable(view) == (Names{"Developer", "Viewer"}));
  view = require_json(put_allow_list(w.harness, okta_list, json::array{"Admin"}), 200, "PUT integration list");
  BOOST_TEST(str(view, "source") == "INTEGRATION");
  BOOST_TEST(view.at("roles") == (json::array{json::string(w.role.at("Admin"))}));
  BOOST_TEST(names_of_assignable(view) == (Names{"Admin"}));
  BOOST_TEST(displayed_roles(w.okta) == (Names{"Admin"}));
  BOOST_TEST(displayed_roles(entra) == (Names{"Developer", "Viewer"}));
  const auto admin = patch(w.okta, "/Users/" + user, R"({"op":"add","path":"roles","value":[{"value":"admin"}]})");
  BOOST_TEST(role_names(require_json(admin, 200, "assign Admin")) == (Names{"Admin", "Viewer"}));
  check_error(patch(entra, "/Users/" + create_user(entra, "other@example.com"),
                    R"({"op":"add","path":"roles","value":[{"value":"Admin"}]})"),
              400, "invalidValue");

  // An empty list: nothing is assignable.
  view = require_json(put_allow_list(w.harness, okta_list, json::array{}), 200, "PUT empty");
  BOOST_TEST(view.at("roles") == json::array{});
  BOOST_TEST(view.at("assignable") == json::array{});
  BOOST_TEST(total_of(list(w.okta, "/Roles")) == 0);

  // null removes a list: back to the tenant's, then to the default.
  view = require_json(put_allow_list(w.harness, okta_list, nullptr), 200, "PUT null");
  BOOST_TEST(str(view, "source") == "TENANT");
  BOOST_TEST(view.at("roles").is_null());
  view = require_json(put_allow_list(w.harness, tenant_list, nullptr), 200, "PUT null tenant");
  BOOST_TEST(str(view, "source") == "DEFAULT");
  BOOST_TEST(displayed_roles(w.okta) == (Names{"Developer", "Operator", "Viewer"}));
  BOOST_TEST(str(admin_get(w.harness, okta_list), "source") == "DEFAULT");
}

BOOST_AUTO_TEST_CASE(an_allow_list_naming_an_unknown_role_or_the_provisioner_is_refused) {
  World w;
  const auto before = tenant_state(w.harness, "acme");
  const auto okta_list = integration_allow_list("acme", w.okta.integration.id);
  for (const auto& target : {tenant_allow_list("acme"), okta_list}) {
    BOOST_TEST_CONTEXT(target) {
      check_admin_error(put_allow_list(w.harness, target, json::array{"Developer", "Ghost"}), 400, "Ghost");
      check_admin_error(put_allow_list(w.harness, target, json::array{"SCIMProvisioner"}), 400);
      check_admin_error(put_allow_list(w.harness, target, json::array{json::string(w.role.at("SCIMProvisioner"))}), 400);
      check_admin_error(put_allow_list(w.harness, target, json::array{"00000000-0000-4000-8000-000000000000"}), 400);
      check_admin_error(put_allow_list(w.harness, target, "Developer"), 400);
      check_admin_error(put_allow_list(w.harness, target, json::array{42}), 400);
      check_admin_error(admin_request(w.harness, "PUT", target, "{}"), 400);
    }
  }
  check_unchanged(before, tenant_state(w.harness, "acme"));
  check_admin_error(admin_request(w.harness, "GET", integration_allow_list("acme", "00000000-0000-4000-8000-000000000000")),
                    404);
  BOOST_TEST(str(admin_get(w.harness, okta_list), "source") == "DEFAULT");
}

// ------------------------------------------------------------ user roles

BOOST_AUTO_TEST_CASE(create_assigns_roles_by_name_or_id_as_scim_bindings) {
  World w;
  auto body = user_body("roles@example.com");
  body["roles"] = json::array{json::object{{"value", "viewer"}},
                              json::object{{"value", w.role.at("Developer")}, {"display", "Developer"}},
                              json::object{{"value", "Developer"}}};  // the same role twice: one binding
  const auto res = w.okta.post("/Users", body);
  const auto user = require_json(res, 201, "POST with roles");
  const std::string id = str(user, "id");
  const json::array want{json::object{{"value", "Developer"}, {"display", "Developer"}},
                         json::object{{"value", "Viewer"}, {"display", "Viewer"}}};
  BOOST_TEST(user.at("roles") == want);
  BOOST_TEST(get_json(w.okta, "/Users/" + id).at("roles") == want);
  BOOST_TEST(w.bound(id) == (Names{"Developer:SCIM", "Viewer:SCIM"}));
  const auto b = binding_of(w.harness, "acme", id, "Developer", "SCIM");
  BOOST_TEST(str(b, "type") == "USER");
  BOOST_TEST(str(b, "roleId") == w.role.at("Developer"));
  BOOST_TEST(str(b, "integrationId") == w.okta.integration.id);
  BOOST_TEST(!str(b, "createdAt").empty());

  // The list carries them too, and a filter on roles.value finds the user.
  const auto listed = list(w.okta, "/Users?" + filter_query(R"(userName eq "roles@example.com")"));
  BOOST_TEST(listed.at("Resources").as_array().at(0).at("roles") == want);

  // type and primary are kept as the client sent them.
  const auto typed = create(w.okta, "/Users", json::parse(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
      "userName":"typed@example.com",
      "roles":[{"value":"Operator","type":"WindowsAzureActiveDirectoryRole","primary":true}]})")
                                                    .as_object());
  BOOST_TEST(typed.at("roles") == (json::array{json::object{{"value", "Operator"},
                                                            {"display", "Operator"},
                                                            {"type", "WindowsAzureActiveDirectoryRole"},
                                                            {"primary", true}}}));
  // An empty roles array assigns nothing.
  const auto none = create(w.okta, "/Users", user_with_roles("none@example.com", {}));
  BOOST_TEST(!none.contains("roles"));
  BOOST_TEST(w.bound(str(none, "id")).empty());
}

BOOST_AUTO_TEST_CASE(put_makes_the_roles_exactly_the_ones_sent) {
  World w;
  const auto id = w.user("put@example.com", {"Developer", "Operator"});
  auto replaced = require_json(w.okta.put("/Users/" + id, user_with_roles("put@example.com", {"Operator", "Viewer"})),
                               200, "PUT");
  BOOST_TEST(role_names(replaced) == (Names{"Operator", "Viewer"}));
  BOOST_TEST(w.bound(id) == (Names{"Operator:SCIM", "Viewer:SCIM"}));
  // Left out: removed.
  replaced = require_json(w.okta.put("/Users/" + id, user_body("put@example.com")), 200, "PUT without roles");
  BOOST_TEST(!replaced.contains("roles"));
  BOOST_TEST(w.bound(id).empty());
}

namespace {

// A PATCH of a user's roles: the roles it starts with, the operations
// ({Developer} etc. are role ids), the roles it ends with.
struct RolePatch {
  const char* name;
  Names start;
  const char* operations;
  Names want;
};
std::ostream& operator<<(std::ostream& out, const RolePatch& p) { return out << p.name; }

const RolePatch kRolePatches[] = {
    {"add by name", {}, R"({"op":"add","path":"roles","value":[{"value":"Developer"}]})", {"Developer"}},
    {"add by name in another case", {"Viewer"}, R"({"op":"add","path":"roles","value":[{"value":"dEVELOPER"}]})",
     {"Developer", "Viewer"}},
    {"add by id", {}, R"({"op":"add","path":"roles","value":[{"value":"{Operator}"}]})", {"Operator"}},
    {"Okta: add value and display", {"Viewer"},
     R"({"op":"add","path":"roles","value":[{"value":"Developer","display":"Developer"}]})", {"Developer", "Viewer"}},
    {"add two, one repeated", {},
     R"({"op":"add","path":"roles","value":[{"value":"Developer"},{"value":"developer"},{"value":"{Developer}"}]})",
     {"Developer"}},
    {"remove by value filter", {"Developer", "Viewer"}, R"({"op":"remove","path":"roles[value eq \"Developer\"]"})",
     {"Viewer"}},
    {"remove by value filter in another case", {"Developer"}, R"({"op":"remove","path":"roles[value eq \"developer\"]"})",
     {}},
    {"remove every role", {"Developer", "Viewer"}, R"({"op":"remove","path":"roles"})", {}},
    {"replace", {"Developer"}, R"({"op":"replace","path":"roles","value":[{"value":"Viewer"},{"value":"Operator"}]})",
     {"Operator", "Viewer"}},
    {"replace with nothing", {"Developer"}, R"({"op":"replace","path":"roles","value":[]})", {}},
    {"path-less add", {"Developer"}, R"({"op":"add","value":{"roles":[{"value":"Operator"}]}})",
     {"Developer", "Operator"}},
    {"path-less replace", {"Developer", "Viewer"}, R"({"op":"replace","value":{"roles":[{"value":"Operator"}]}})",
     {"Operator"}},
    {"Entra: Add an app role", {},
     R"({"op":"Add","path":"roles","value":[{"primary":false,"type":"WindowsAzureActiveDirectoryRole","value":"Operator"}]})",
     {"Operator"}},
    {"Entra: roles as a JSON string", {"Viewer"},
     R"({"op":"Add","path":"roles","value":"[{\"primary\":false,\"type\":\"WindowsAzureActiveDirectoryRole\",\"value\":\"Developer\"}]"})",
     {"Developer", "Viewer"}},
    {"Entra: Replace with a JSON string", {"Developer"},
     R"({"op":"Replace","path":"roles","value":"[{\"primary\":false,\"type\":\"WindowsAzureActiveDirectoryRole\",\"value\":\"Viewer\"}]"})",
     {"Viewer"}},
    {"Entra: Remove by value filter", {"Developer", "Operator"},
     R"({"op":"Remove","path":"roles[value eq \"Operator\"]"})", {"Developer"}},
    {"several operations", {"Developer"},
     R"({"op":"add","path":"roles","value":[{"value":"Viewer"}]},{"op":"remove","path":"roles[value eq \"Developer\"]"},{"op":"add","path":"roles","value":[{"value":"Operator"}]})",
     {"Operator", "Viewer"}},
    {"a profile change leaves the roles", {"Developer"}, R"({"op":"replace","path":"name.givenName","value":"Ann"})",
     {"Developer"}},
};

}  // namespace

BOOST_DATA_TEST_CASE(patch_assigns_and_removes_roles_in_every_form, data::make(kRolePatches), p) {
  World w;
  const auto id = w.user("patched@example.com", p.start);
  const auto before = etag_of(w.okta, "/Users/" + id);
  const auto res = patch(w.okta, "/Users/" + id, w.fill(p.operations));
  const auto user = require_json(res, 200, "PATCH");
  BOOST_TEST(role_names(user) == p.want);
  BOOST_TEST(role_names(get_json(w.okta, "/Users/" + id)) == p.want);
  Names want_bound;
  for (const auto& name : p.want) want_bound.push_back(name + ":SCIM");
  BOOST_TEST(w.bound(id) == want_bound);
  BOOST_TEST(res.header("ETag").value_or("") == str(user.at("meta"), "version"));
  BOOST_TEST(res.header("ETag").value_or("") != before);
  if (const auto* roles = user.if_contains("roles")) {
    for (const auto& r : roles->as_array()) BOOST_TEST(str(r, "display") == str(r, "value"));
  }
}

namespace {

// A request that names a role SCIM may not assign: 400 invalidValue naming
// it, and nothing changes.
struct Refusal {
  const char* name;
  const char* method;  // on the world's user {user}, or POST /Users
  const char* body;    // PATCH: the operations
  const char* role;    // named in the detail
};
std::ostream& operator<<(std::ostream& out, const Refusal& r) { return out << r.name; }

const Refusal kRefusals[] = {
    {"an unknown role", "PATCH", R"({"op":"add","path":"roles","value":[{"value":"Ghost"}]})", "Ghost"},
    {"a role administering users", "PATCH", R"({"op":"add","path":"roles","value":[{"value":"Admin"}]})", "Admin"},
    {"the same by id", "PATCH", R"({"op":"add","path":"roles","value":[{"value":"{Admin}"}]})", "Admin"},
    {"a role that impersonates", "PATCH", R"({"op":"add","path":"roles","value":[{"value":"Impersonator"}]})",
     "Impersonator"},
    {"a role updating roles", "PATCH", R"({"op":"add","path":"roles","value":[{"value":"roleeditor"}]})", "RoleEditor"},
    {"SCIMProvisioner", "PATCH", R"({"op":"add","path":"roles","value":[{"value":"SCIMProvisioner"}]})",
     "SCIMProvisioner"},
    {"SCIMProvisioner by id", "PATCH", R"({"op":"add","path":"roles","value":[{"value":"{SCIMProvisioner}"}]})",
     "SCIMProvisioner"},
    {"one bad among good ones", "PATCH",
     R"({"op":"replace","path":"roles","value":[{"value":"Viewer"},{"value":"Ghost"},{"value":"Operator"}]})", "Ghost"},
    {"after a valid operation", "PATCH",
     R"({"op":"add","path":"roles","value":[{"value":"Viewer"}]},{"op":"add","path":"roles","value":[{"value":"Admin"}]})",
     "Admin"},
    {"Entra: in a JSON string", "PATCH",
     R"({"op":"Add","path":"roles","value":"[{\"primary\":false,\"type\":\"WindowsAzureActiveDirectoryRole\",\"value\":\"Admin\"}]"})",
     "Admin"},
    {"Entra: path-less", "PATCH", R"({"op":"Replace","value":{"roles":[{"value":"Admin"}],"displayName":"X"}})", "Admin"},
    {"PUT", "PUT",
     R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"member@example.com","roles":[{"value":"Developer"},{"value":"Admin"}]})",
     "Admin"},
    {"POST", "POST",
     R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"new@example.com","roles":[{"value":"Ghost"}]})",
     "Ghost"},
    {"POST, roles as a JSON string", "POST",
     R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"new@example.com","roles":"[{\"value\":\"Admin\"}]"})",
     "Admin"},
    {"a role without a value", "PATCH", R"({"op":"add","path":"roles","value":[{"display":"Viewer"}]})", nullptr},
    {"a role that is a bare string", "PATCH", R"({"op":"add","path":"roles","value":["Developer"]})", nullptr},
    {"a JSON string that is not JSON", "PATCH", R"({"op":"add","path":"roles","value":"[{\"value\":"})", nullptr},
};

}  // namespace

BOOST_DATA_TEST_CASE(a_role_that_may_not_be_assigned_is_invalid_value_and_changes_nothing, data::make(kRefusals), r) {
  World w;
  const auto user = w.user("member@example.com", {"Developer"});
  const auto etag = etag_of(w.okta, "/Users/" + user);
  const auto before = tenant_state(w.harness, "acme");
  const auto scim_before = scim_state(w.okta, "acme");

  HttpResponse res;
  const std::string method = r.method;
  if (method == "PATCH") res = patch(w.okta, "/Users/" + user, w.fill(r.body));
  if (method == "PUT") res = w.okta.call("PUT", "/Users/" + user, w.fill(r.body));
  if (method == "POST") res = w.okta.call("POST", "/Users", w.fill(r.body));
  BOOST_TEST_REQUIRE(res.status == 400u, res.body);
  check_error(res, 400, r.role ? std::optional<std::string>("invalidValue") : std::nullopt);
  if (r.role) BOOST_TEST(detail_of(res).find(r.role) != std::string::npos, res.body);
  check_detail_leaks_nothing(res, r.body);

  check_unchanged(before, tenant_state(w.harness, "acme"));
  check_unchanged(scim_before, scim_state(w.okta, "acme"));
  BOOST_TEST(etag_of(w.okta, "/Users/" + user) == etag);
  BOOST_TEST(w.bound(user) == (Names{"Developer:SCIM"}));
}

BOOST_AUTO_TEST_CASE(the_user_etag_changes_with_its_roles_and_only_then) {
  World w;
  const auto id = w.user("etag@example.com");
  const auto path = "/Users/" + id;
  const auto e0 = etag_of(w.okta, path);

  const auto added = patch(w.okta, path, R"({"op":"add","path":"roles","value":[{"value":"Developer"}]})");
  BOOST_TEST_REQUIRE(added.status == 200u, added.body);
  const auto e1 = added.header("ETag").value_or("");
  BOOST_TEST(e1 != e0);
  BOOST_TEST(etag_of(w.okta, path) == e1);
  BOOST_TEST(w.okta.get(path, {{"If-None-Match", e0}}).status == 200u);

  // Assigning a role the user holds changes nothing.
  const auto again = patch(w.okta, path, R"({"op":"add","path":"roles","value":[{"value":"developer"}]})");
  BOOST_TEST_REQUIRE(again.status == 200u, again.body);
  BOOST_TEST(again.header("ETag").value_or("") == e1);
  BOOST_TEST(w.bound(id) == (Names{"Developer:SCIM"}));

  // Bindings that are not SCIM's are not the user's roles: no change either.
  admin_bind(w.harness, "acme", w.role.at("Operator"), "USER", id);
  BOOST_TEST(etag_of(w.okta, path) == e1);
  BOOST_TEST(role_names(get_json(w.okta, path)) == (Names{"Developer"}));

  // If-Match carries the roles' version.
  const std::string add_viewer = R"({"op":"add","path":"roles","value":[{"value":"Viewer"}]})";
  check_error(w.okta.call("PATCH", path, patch_body(add_viewer), {{"If-Match", e0}}), 412);
  BOOST_TEST(w.bound(id) == (Names{"Developer:SCIM", "Operator:ADMIN"}));
  const auto matched = w.okta.call("PATCH", path, patch_body(add_viewer), {{"If-Match", e1}});
  BOOST_TEST_REQUIRE(matched.status == 200u, matched.body);
  BOOST_TEST(matched.header("ETag").value_or("") != e1);

  const auto removed = patch(w.okta, path, R"({"op":"remove","path":"roles"})");
  BOOST_TEST_REQUIRE(removed.status == 200u, removed.body);
  BOOST_TEST(removed.header("ETag").value_or("") != matched.header("ETag").value_or(""));
}

BOOST_AUTO_TEST_CASE(an_admin_removing_a_scim_role_changes_the_etag_of_its_holder) {
  World w;
  const auto id = w.user("held@example.com", {"Developer", "Operator", "Viewer"});
  const auto path = "/Users/" + id;
  auto group = group_body("Holders");
  group["schemas"] = json::array{kGroupUrn, kKestraGroupUrn};
  group[kKestraGroupUrn] = json::object{{"roles", role_values({"Developer", "Viewer"})}};
  const auto group_id = str(create(w.okta, "/Groups", group), "id");
  const auto group_path = "/Groups/" + group_id;

  // The admin deletes the user's SCIM binding of Viewer: its roles change.
  const auto e1 = etag_of(w.okta, path);
  const auto viewer = str(binding_of(w.harness, "acme", id, "Viewer", "SCIM"), "id");
  BOOST_TEST_REQUIRE(admin_request(w.harness, "DELETE", tenant_path("acme", "/bindings/" + viewer)).status == 204u);
  BOOST_TEST(role_names(get_json(w.okta, path)) == (Names{"Developer", "Operator"}));
  BOOST_TEST(etag_of(w.okta, path) != e1);
  BOOST_TEST(w.okta.get(path, {{"If-None-Match", e1}}).status == 200u, "a stale representation is not modified");
  const auto stale = w.okta.call("PATCH", path, patch_body(R"({"op":"replace","path":"title","value":"x"})"),
                                 {{"If-Match", e1}});
  BOOST_TEST(stale.status == 412u, "If-Match with the ETag from before the change: " << stale.body);

  // The admin deletes the role Developer: the user's and the group's roles change.
  const auto e2 = etag_of(w.okta, path);
  const auto g1 = etag_of(w.okta, group_path);
  BOOST_TEST_REQUIRE(admin_request(w.harness, "DELETE", tenant_path("acme", "/roles/" + w.role.at("Developer"))).status ==
                     204u);
  BOOST_TEST(role_names(get_json(w.okta, path)) == (Names{"Operator"}));
  BOOST_TEST(role_names(get_json(w.okta, group_path)) == (Names{"Viewer"}));
  BOOST_TEST(etag_of(w.okta, path) != e2);
  BOOST_TEST(etag_of(w.okta, group_path) != g1);
  BOOST_TEST(w.okta.get(path, {{"If-None-Match", e2}}).status == 200u, "a stale representation is not modified");
  BOOST_TEST(w.okta.get(group_path, {{"If-None-Match", g1}}).status == 200u, "a stale group is not modified");
}

BOOST_AUTO_TEST_CASE(type_and_primary_of_a_held_role_are_updated_in_place) {
  World w;
  const auto id = w.user("typed@example.com", {"Developer", "Viewer"});
  const auto path = "/Users/" + id;
  const auto binding = str(binding_of(w.harness, "acme", id, "Developer", "SCIM"), "id");
  const auto e0 = etag_of(w.okta, path);

  auto res = patch(w.okta, path, R"({"op":"replace","path":"roles[value eq \"Developer\"].primary","value":true})");
  auto user = require_json(res, 200, "primary");
  BOOST_TEST(user.at("roles") == (json::array{json::object{{"value", "Developer"}, {"display", "Developer"}, {"primary", true}},
                                               json::object{{"value", "Viewer"}, {"display", "Viewer"}}}));
  const auto e1 = res.header("ETag").value_or("");
  BOOST_TEST(e1 != e0);

  res = patch(w.okta, path, R"({"op":"replace","path":"roles[value eq \"Developer\"].type","value":"WindowsAzureActiveDirectoryRole"})");
  user = require_json(res, 200, "type");
  BOOST_TEST(str(user.at("roles").as_array().at(0), "type") == "WindowsAzureActiveDirectoryRole");
  BOOST_TEST(user.at("roles").as_array().at(0).at("primary") == json::value(true));
  BOOST_TEST(res.header("ETag").value_or("") != e1);
  BOOST_TEST(get_json(w.okta, path).at("roles") == user.at("roles"));
  // The same binding, updated.
  BOOST_TEST(str(binding_of(w.harness, "acme", id, "Developer", "SCIM"), "id") == binding);
  BOOST_TEST(w.bound(id) == (Names{"Developer:SCIM", "Viewer:SCIM"}));

  // A value sub-attribute replaced names another role: one binding goes, one comes.
  res = patch(w.okta, path, R"({"op":"replace","path":"roles[value eq \"Developer\"].value","value":"Operator"})");
  BOOST_TEST(role_names(require_json(res, 200, "value")) == (Names{"Operator", "Viewer"}));
  BOOST_TEST(w.bound(id) == (Names{"Operator:SCIM", "Viewer:SCIM"}));
  res = patch(w.okta, path, R"({"op":"replace","path":"roles[value eq \"Viewer\"].value","value":"Admin"})");
  check_error(res, 400, "invalidValue");
  BOOST_TEST(w.bound(id) == (Names{"Operator:SCIM", "Viewer:SCIM"}));
}

BOOST_AUTO_TEST_CASE(roles_follow_attributes_and_excluded_attributes) {
  World w;
  const auto id = w.user("projected@example.com", {"Developer"});
  const auto only = get_json(w.okta, "/Users/" + id + "?attributes=roles");
  BOOST_TEST(role_names(only) == (Names{"Developer"}));
  BOOST_TEST(!only.contains("userName"));
  const auto without_roles = get_json(w.okta, "/Users/" + id + "?excludedAttributes=roles");
  BOOST_TEST(!without_roles.contains("roles"));
  BOOST_TEST(str(without_roles, "userName") == "projected@example.com");
  const auto listed = list(w.okta, "/Users?attributes=userName");
  BOOST_TEST(!listed.at("Resources").as_array().at(0).as_object().contains("roles"));
  const auto searched = check_list(
      w.okta.call("POST", "/Users/.search",
                  R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"attributes":["roles"]})"),
      "search");
  BOOST_TEST(role_names(searched.at("Resources").as_array().at(0).as_object()) == (Names{"Developer"}));
}

BOOST_AUTO_TEST_CASE(bulk_operations_assign_roles_one_by_one) {
  World w;
  const auto id = w.user("bulk@example.com");
  const auto res = w.okta.call("POST", "/Bulk", R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[
    {"method":"POST","path":"/Users","bulkId":"a","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b1@example.com","roles":[{"value":"Developer"}]}},
    {"method":"POST","path":"/Users","bulkId":"b","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b2@example.com","roles":[{"value":"Admin"}]}},
    {"method":"PATCH","path":"/Users/)" + id + R"(","data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"roles","value":[{"value":"Viewer"}]}]}},
    {"method":"POST","path":"/Groups","bulkId":"g","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","urn:ietf:params:scim:schemas:extension:kestra:2.0:Group"],"displayName":"Bulk","members":[{"value":"bulkId:a"}],"urn:ietf:params:scim:schemas:extension:kestra:2.0:Group":{"roles":[{"value":"Operator"}]}}}]})");
  const auto body = require_json(res, 200, "bulk");
  const auto& ops = body.at("Operations").as_array();
  BOOST_TEST_REQUIRE(ops.size() == 4u);
  BOOST_TEST(str(ops[0], "status") == "201");
  BOOST_TEST(str(ops[1], "status") == "400");
  BOOST_TEST(str(ops[1].at("response"), "scimType") == "invalidValue");
  BOOST_TEST(str(ops[1].at("response"), "detail").find("Admin") != std::string::npos);
  BOOST_TEST(str(ops[2], "status") == "200");
  BOOST_TEST(str(ops[3], "status") == "201");
  const auto b1 = ids_of(list(w.okta, "/Users?" + filter_query(R"(userName eq "b1@example.com")")));
  BOOST_TEST_REQUIRE(b1.size() == 1u);
  BOOST_TEST(w.bound(b1[0]) == (Names{"Developer:SCIM"}));
  BOOST_TEST(total_of(list(w.okta, "/Users?" + filter_query(R"(userName eq "b2@example.com")"))) == 0);
  BOOST_TEST(w.bound(id) == (Names{"Viewer:SCIM"}));
  const auto groups = ids_of(list(w.okta, "/Groups?" + filter_query(R"(displayName eq "Bulk")")));
  BOOST_TEST_REQUIRE(groups.size() == 1u);
  BOOST_TEST(w.bound(groups[0]) == (Names{"Operator:SCIM"}));
}

BOOST_AUTO_TEST_CASE(concurrent_assignments_all_land_once) {
  // More writers at once than a tenant's share of 4 sessions.
  auto options = module_options();
  options.extra_yaml += "kestra.scim.fair-share.enabled: false\n";
  World w(std::move(options));
  Names names;
  for (int i = 0; i < 3; ++i) {
    const std::string name = "Team " + std::to_string(i);
    create_role(w.harness, "acme", RoleSpec{name.c_str(), {{"FLOWS", {"READ"}}}, ""});
    names.push_back(name);
  }
  // Three distinct roles and the same role twice, at once (the module
  // retries a PATCH that lost a race a few times; more writers than that on
  // one user may see 412 Precondition Failed).
  for (int i = 0; i < 2; ++i) names.push_back("Developer");
  const auto id = w.user("busy@example.com");
  std::vector<HttpResponse> responses(names.size());
  {
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < names.size(); ++i) {
      threads.emplace_back([&scim = w.okta, &id, &names, &responses, i] {
        responses[i] =
            patch(scim, "/Users/" + id, R"({"op":"add","path":"roles","value":[{"value":")" + names[i] + R"("}]})");
      });
    }
    for (auto& t : threads) t.join();
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    BOOST_TEST(responses[i].status == 200u, names[i] << ": " << responses[i].status << " " << responses[i].body);
  }
  const Names want = {"Developer:SCIM", "Team 0:SCIM", "Team 1:SCIM", "Team 2:SCIM"};
  BOOST_TEST(w.bound(id) == want);
  BOOST_TEST(role_names(get_json(w.okta, "/Users/" + id)) == (Names{"Developer", "Team 0", "Team 1", "Team 2"}));
  std::size_t created = 0;
  for (const auto& e : binding_audit(w.okta, "acme")) created += str(e, "action") == "binding.create";
  BOOST_TEST(created == want.size());
}

BOOST_AUTO_TEST_CASE(an_admins_binding_coexists_with_the_scim_one_and_scim_never_removes_it) {
  World w;
  const auto id = w.user("both@example.com", {"Developer"});
  const auto admin_developer = admin_bind(w.harness, "acme", w.role.at("Developer"), "USER", id);
  admin_bind(w.harness, "acme", w.role.at("Admin"), "USER", id);
  BOOST_TEST(w.bound(id) == (Names{"Admin:ADMIN", "Developer:ADMIN", "Developer:SCIM"}));
  // An admin's second identical binding is a conflict.
  check_admin_error(post_binding(w.harness, "acme", w.role.at("Developer"), "USER", id), 409);

  // Only the SCIM binding is the user's roles.
  BOOST_TEST(get_json(w.okta, "/Users/" + id).at("roles") ==
             (json::array{json::object{{"value", "Developer"}, {"display", "Developer"}}}));

  auto res = patch(w.okta, "/Users/" + id, R"({"op":"remove","path":"roles[value eq \"Developer\"]"})");
  BOOST_TEST(!require_json(res, 200, "remove").contains("roles"));
  BOOST_TEST(w.bound(id) == (Names{"Admin:ADMIN", "Developer:ADMIN"}));
  BOOST_TEST(str(binding_of(w.harness, "acme", id, "Developer", "ADMIN"), "id") == admin_developer);

  // SCIM can assign again what an admin also assigned; PUT without roles
  // and DELETE leave the admin's bindings.
  res = patch(w.okta, "/Users/" + id, R"({"op":"add","path":"roles","value":[{"value":"Developer"}]})");
  BOOST_TEST(role_names(require_json(res, 200, "add again")) == (Names{"Developer"}));
  BOOST_TEST(w.bound(id) == (Names{"Admin:ADMIN", "Developer:ADMIN", "Developer:SCIM"}));
  BOOST_TEST(w.okta.put("/Users/" + id, user_body("both@example.com")).status == 200u);
  BOOST_TEST(w.bound(id) == (Names{"Admin:ADMIN", "Developer:ADMIN"}));
  BOOST_TEST(patch(w.okta, "/Users/" + id, R"({"op":"add","path":"roles","value":[{"value":"Viewer"}]})").status ==
             200u);
  BOOST_TEST(w.okta.del("/Users/" + id).status == 204u);
  BOOST_TEST(w.bound(id) == (Names{"Admin:ADMIN", "Developer:ADMIN"}));
}

BOOST_AUTO_TEST_CASE(entra_and_okta_role_sequences_replay) {
  World w;
  replay(w.okta, "okta/entitlements_sequence.json", {{"developerId", w.role.at("Developer")}});
  const auto okta_user = ids_of(list(w.okta, "/Users?" + filter_query(R"(userName eq "ent.user@okta.local")")));
  BOOST_TEST_REQUIRE(okta_user.size() == 1u);
  BOOST_TEST(w.bound(okta_user[0]) == (Names{"Viewer:SCIM"}));

  const auto entra = scim_client(w.harness, "acme", "entra");
  const auto vars = replay(entra, "entra/app_role_sequence.json");
  BOOST_TEST(w.bound(vars.at("userId")).empty());
}

// ----------------------------------------------------------- group roles

BOOST_AUTO_TEST_CASE(group_roles_live_in_the_kestra_extension_as_group_bindings) {
  World w;
  const auto member = w.user("member@example.com");
  auto body = group_body("Engineers", {member});
  body["schemas"] = json::array{kGroupUrn, kKestraGroupUrn};
  body[kKestraGroupUrn] = json::object{{"roles", role_values({"Viewer", "developer"})}};
  const auto created = create(w.okta, "/Groups", body);
  const std::string id = str(created, "id");
  const json::array want{json::object{{"value", "Developer"}, {"display", "Developer"}},
                         json::object{{"value", "Viewer"}, {"display", "Viewer"}}};
  BOOST_TEST(created.at("schemas") == (json::array{kGroupUrn, kKestraGroupUrn}));
  BOOST_TEST(created.at(kKestraGroupUrn).at("roles") == want);
  BOOST_TEST(member_ids(created) == std::set<std::string>{member});
  const auto got = get_json(w.okta, "/Groups/" + id);
  BOOST_TEST(got.at(kKestraGroupUrn).at("roles") == want);
  BOOST_TEST(got.at("schemas") == (json::array{kGroupUrn, kKestraGroupUrn}));
  BOOST_TEST(w.bound(id) == (Names{"Developer:SCIM", "Viewer:SCIM"}));
  BOOST_TEST(str(binding_of(w.harness, "acme", id, "Developer", "SCIM"), "type") == "GROUP");
  // Group roles are not the members' own roles.
  BOOST_TEST(!get_json(w.okta, "/Users/" + member).contains("roles"));
  BOOST_TEST(w.bound(member).empty());
  // Listed groups carry them too.
  const auto listed = list(w.okta, "/Groups?" + filter_query(R"(displayName eq "Engineers")"));
  BOOST_TEST(listed.at("Resources").as_array().at(0).at(kKestraGroupUrn).at("roles") == want);

  // Assigning a role the group holds changes nothing.
  const auto held_etag = etag_of(w.okta, "/Groups/" + id);
  const auto again = patch(w.okta, "/Groups/" + id,
                           std::string(R"({"op":"add","path":")") + kGroupRolesPath + R"(","value":[{"value":"Viewer"}]})");
  BOOST_TEST((again.status == 200u || again.status == 204u), again.body);
  BOOST_TEST(etag_of(w.okta, "/Groups/" + id) == held_etag);
  BOOST_TEST(w.bound(id) == (Names{"Developer:SCIM", "Viewer:SCIM"}));

  // A group without roles has no extension.
  const auto plain = create(w.okta, "/Groups", group_body("Plain"));
  BOOST_TEST(plain.at("schemas") == json::array{kGroupUrn});
  BOOST_TEST(!plain.contains(kKestraGroupUrn));

  // PUT replaces them; without the extension they are gone.
  auto replacement = group_body("Engineers", {member});
  replacement["schemas"] = json::array{kGroupUrn, kKestraGroupUrn};
  replacement[kKestraGroupUrn] = json::object{{"roles", role_values({"Operator"})}};
  auto replaced = require_json(w.okta.put("/Groups/" + id, replacement), 200, "PUT group");
  BOOST_TEST(role_names(replaced) == (Names{"Operator"}));
  BOOST_TEST(w.bound(id) == (Names{"Operator:SCIM"}));
  replaced = require_json(w.okta.put("/Groups/" + id, group_body("Engineers", {member})), 200, "PUT plain");
  BOOST_TEST(!replaced.contains(kKestraGroupUrn));
  BOOST_TEST(replaced.at("schemas") == json::array{kGroupUrn});
  BOOST_TEST(w.bound(id).empty());
  BOOST_TEST(member_ids(replaced) == std::set<std::string>{member});

  // Refused like user roles.
  const auto before = tenant_state(w.harness, "acme");
  const auto refused = patch(w.okta, "/Groups/" + id,
                             std::string(R"({"op":"add","path":")") + kGroupRolesPath + R"(","value":[{"value":"Admin"}]})");
  check_error(refused, 400, "invalidValue");
  BOOST_TEST(detail_of(refused).find("Admin") != std::string::npos, refused.body);
  auto with_roles = group_body("Refused");
  with_roles["schemas"] = json::array{kGroupUrn, kKestraGroupUrn};
  with_roles[kKestraGroupUrn] = json::object{{"roles", role_values({"SCIMProvisioner"})}};
  check_error(w.okta.post("/Groups", with_roles), 400, "invalidValue");
  check_unchanged(before, tenant_state(w.harness, "acme"));
}

namespace {

struct GroupPatch {
  const char* name;
  Names start;
  const char* operations;  // "{ext}" is the Kestra Group extension's URN
  Names want;
};
std::ostream& operator<<(std::ostream& out, const GroupPatch& p) { return out << p.name; }

const GroupPatch kGroupPatches[] = {
    {"add", {}, R"({"op":"add","path":"{ext}:roles","value":[{"value":"Developer"}]})", {"Developer"}},
    {"add by id", {"Viewer"}, R"({"op":"add","path":"{ext}:roles","value":[{"value":"{Operator}"}]})",
     {"Operator", "Viewer"}},
    {"remove by value filter", {"Developer", "Viewer"}, R"({"op":"remove","path":"{ext}:roles[value eq \"Viewer\"]"})",
     {"Developer"}},
    {"remove every role", {"Developer", "Viewer"}, R"({"op":"remove","path":"{ext}:roles"})", {}},
    {"replace", {"Developer"}, R"({"op":"replace","path":"{ext}:roles","value":[{"value":"Viewer"}]})", {"Viewer"}},
    {"path-less, the extension as an object", {"Developer"},
     R"({"op":"add","value":{"{ext}":{"roles":[{"value":"Operator"}]}}})", {"Developer", "Operator"}},
    {"path-less replace with a qualified key", {"Developer"},
     R"({"op":"replace","value":{"{ext}:roles":[{"value":"Viewer"}]}})", {"Viewer"}},
    {"a rename leaves the roles", {"Developer"}, R"({"op":"replace","path":"displayName","value":"Renamed"})",
     {"Developer"}},
    {"a member added leaves the roles", {"Developer"}, R"({"op":"add","path":"members","value":[{"value":"{member}"}]})",
     {"Developer"}},
};

}  // namespace

BOOST_DATA_TEST_CASE(group_patch_assigns_and_removes_roles, data::make(kGroupPatches), p) {
  World w;
  const auto member = w.user("member@example.com");
  auto body = group_body("Team");
  if (!p.start.empty()) {
    body["schemas"] = json::array{kGroupUrn, kKestraGroupUrn};
    body[kKestraGroupUrn] = json::object{{"roles", role_values(p.start)}};
  }
  const auto id = str(create(w.okta, "/Groups", body), "id");
  const auto before = etag_of(w.okta, "/Groups/" + id);
  const auto operations = replace_all(replace_all(w.fill(p.operations), "{ext}", kKestraGroupUrn), "{member}", member);
  const auto res = w.okta.call("PATCH", "/Groups/" + id + "?excludedAttributes=members", patch_body(operations));
  BOOST_TEST_REQUIRE((res.status == 200u || res.status == 204u), res.body);
  const auto group = get_json(w.okta, "/Groups/" + id);
  BOOST_TEST(role_names(group) == p.want);
  const bool listed = std::find(group.at("schemas").as_array().begin(), group.at("schemas").as_array().end(),
                                json::value(kKestraGroupUrn)) != group.at("schemas").as_array().end();
  BOOST_TEST(listed == !p.want.empty(), group);
  Names want_bound;
  for (const auto& name : p.want) want_bound.push_back(name + ":SCIM");
  BOOST_TEST(w.bound(id) == want_bound);
  BOOST_TEST(etag_of(w.okta, "/Groups/" + id) != before);
}

BOOST_AUTO_TEST_CASE(deleting_a_group_deletes_its_bindings) {
  World w;
  auto body = group_body("Doomed");
  body["schemas"] = json::array{kGroupUrn, kKestraGroupUrn};
  body[kKestraGroupUrn] = json::object{{"roles", role_values({"Developer", "Operator"})}};
  const auto id = str(create(w.okta, "/Groups", body), "id");
  const auto admin = admin_bind(w.harness, "acme", w.role.at("Viewer"), "GROUP", id);
  Names doomed = {str(binding_of(w.harness, "acme", id, "Developer", "SCIM"), "id"),
                  str(binding_of(w.harness, "acme", id, "Operator", "SCIM"), "id"), admin};
  BOOST_TEST(w.okta.del("/Groups/" + id).status == 204u);
  BOOST_TEST(w.bound(id).empty());
  auto deleted = event_subjects(w.harness, "acme", "iam.binding.deleted");
  std::sort(deleted.begin(), deleted.end());
  std::sort(doomed.begin(), doomed.end());
  BOOST_TEST(deleted == doomed);
}

// ---------------------------------------------------------- default role

BOOST_AUTO_TEST_CASE(a_default_role_is_bound_when_scim_grants_access_and_goes_with_it) {
  auto options = sharing_domain({"acme", "globex", "initech"}, "example.com");
  options.extra_yaml += "kestra.security.defaultRole.roleId: Member\n";
  HarnessProcess harness(std::move(options));
  const auto acme = scim_client(harness, "acme", "okta");
  const auto globex = scim_client(harness, "globex", "okta");
  const auto initech = scim_client(harness, "initech", "okta");
  const RoleSpec member{"Member", {{"FLOWS", {"READ"}}}, "Everyone"};
  create_role(harness, "acme", member);
  create_role(harness, "globex", member);
  create_role(harness, "acme", kDeveloper);
  const auto operator_id = create_role(harness, "acme", kOperator);

  const auto created_before = event_subjects(harness, "acme", "iam.binding.created").size();
  const auto created = create(acme, "/Users", user_body("new@example.com"));
  const std::string id = str(created, "id");
  BOOST_TEST(bound(harness, "acme", id) == (Names{"Member:DEFAULT"}));
  BOOST_TEST(!created.contains("roles"));  // not SCIM-managed
  BOOST_TEST(!get_json(acme, "/Users/" + id).contains("roles"));
  const auto default_binding = binding_of(harness, "acme", id, "Member", "DEFAULT");
  BOOST_TEST(str(default_binding, "type") == "USER");
  const auto audit = binding_audit(acme, "acme");
  BOOST_TEST_REQUIRE(audit.size() == 1u);
  BOOST_TEST(str(audit[0], "action") == "binding.create");
  BOOST_TEST(str(audit[0].at("target"), "id") == str(default_binding, "id"));
  const auto created_events = event_subjects(harness, "acme", "iam.binding.created");
  BOOST_TEST((Names(created_events.begin() + static_cast<std::ptrdiff_t>(created_before), created_events.end()) ==
              Names{str(default_binding, "id")}));

  // Roles sent with the user come on top; the default stays off `roles`.
  const auto other = create(acme, "/Users", user_with_roles("other@example.com", {"Developer", "Member"}));
  BOOST_TEST(role_names(other) == (Names{"Developer", "Member"}));
  BOOST_TEST(bound(harness, "acme", str(other, "id")) == (Names{"Developer:SCIM", "Member:DEFAULT", "Member:SCIM"}));
  // Removing the SCIM one leaves the default.
  BOOST_TEST(patch(acme, "/Users/" + str(other, "id"), R"({"op":"remove","path":"roles[value eq \"Member\"]"})")
                 .status == 200u);
  BOOST_TEST(bound(harness, "acme", str(other, "id")) == (Names{"Developer:SCIM", "Member:DEFAULT"}));

  // Another tenant with the role: its own binding there.  A tenant without
  // it: the user is provisioned without it.
  BOOST_TEST(create_user(globex, "new@example.com") == id);
  BOOST_TEST(bound(harness, "globex", id) == (Names{"Member:DEFAULT"}));
  BOOST_TEST(create_user(initech, "new@example.com") == id);
  BOOST_TEST(bound(harness, "initech", id).empty());

  // Revoking access removes the SCIM and default bindings of that tenant,
  // not an admin's, and nothing elsewhere.
  admin_bind(harness, "acme", operator_id, "USER", id);
  BOOST_TEST_REQUIRE(patch(acme, "/Users/" + id, R"({"op":"add","path":"roles","value":[{"value":"Developer"}]})")
                         .status == 200u);
  BOOST_TEST(bound(harness, "acme", id) == (Names{"Developer:SCIM", "Member:DEFAULT", "Operator:ADMIN"}));
  BOOST_TEST(acme.del("/Users/" + id).status == 204u);
  BOOST_TEST(bound(harness, "acme", id) == (Names{"Operator:ADMIN"}));
  BOOST_TEST(bound(harness, "globex", id) == (Names{"Member:DEFAULT"}));
  auto deleted = event_subjects(harness, "acme", "iam.binding.deleted");
  BOOST_TEST(deleted.size() == 3u);  // Member (SCIM, of the other user), Developer, Member
  BOOST_TEST((std::find(deleted.begin(), deleted.end(), str(default_binding, "id")) != deleted.end()));
  const auto revoke_audit = binding_audit(acme, "acme");
  BOOST_TEST((std::find_if(revoke_audit.begin(), revoke_audit.end(), [&](const json::object& e) {
                return str(e, "action") == "binding.delete" && str(e.at("target"), "id") == str(default_binding, "id");
              }) != revoke_audit.end()));

  // Granted again: bound again.
  BOOST_TEST(create_user(acme, "new@example.com") == id);
  BOOST_TEST(bound(harness, "acme", id) == (Names{"Member:DEFAULT", "Operator:ADMIN"}));
  // A PUT or PATCH of an existing user does not add it back.
  const auto default_again = str(binding_of(harness, "acme", id, "Member", "DEFAULT"), "id");
  BOOST_TEST(admin_request(harness, "DELETE", tenant_path("acme", "/bindings/" + default_again)).status == 204u);
  BOOST_TEST(acme.put("/Users/" + id, user_body("new@example.com")).status == 200u);
  BOOST_TEST(bound(harness, "acme", id) == (Names{"Operator:ADMIN"}));
}

BOOST_AUTO_TEST_CASE(a_default_role_limited_to_one_tenant_applies_there_only) {
  auto options = sharing_domain({"acme", "globex"}, "example.com");
  options.extra_yaml += "kestra.security.defaultRole.roleId: member\nkestra.security.defaultRole.tenantId: globex\n";
  HarnessProcess harness(std::move(options));
  const auto acme = scim_client(harness, "acme", "okta");
  const auto globex = scim_client(harness, "globex", "okta");
  const RoleSpec member{"Member", {{"FLOWS", {"READ"}}}, ""};
  create_role(harness, "acme", member);
  create_role(harness, "globex", member);

  const auto id = create_user(acme, "someone@example.com");
  BOOST_TEST(bound(harness, "acme", id).empty());
  BOOST_TEST(create_user(globex, "someone@example.com") == id);
  BOOST_TEST(bound(harness, "globex", id) == (Names{"Member:DEFAULT"}));
  BOOST_TEST(globex.del("/Users/" + id).status == 204u);
  BOOST_TEST(bound(harness, "globex", id).empty());
  BOOST_TEST(get_json(acme, "/Users/" + id).at("id") == json::value(id));
}

// --------------------------------------------------------- authorisation

namespace {

// {user} is a user holding Developer through SCIM; {n} a fresh number.
struct Call {
  const char* method;
  const char* path;
  const char* body;  // PATCH: the operations; nullptr: none
  unsigned success;
};

struct BindingNarrowing {
  const char* action;  // taken out of the SCIMProvisioner's BINDINGS
  std::vector<Call> denied;
  std::vector<Call> allowed;  // still work meanwhile
};
std::ostream& operator<<(std::ostream& out, const BindingNarrowing& n) { return out << "BINDINGS " << n.action; }

HttpResponse send_call(const Scim& scim, const std::string& user, int& serial, const Call& c) {
  const auto fill = [&](std::string text) {
    text = replace_all(std::move(text), "{user}", user);
    return replace_all(std::move(text), "{n}", std::to_string(++serial));
  };
  const std::string method = c.method;
  const std::string body = c.body ? (method == "PATCH" ? patch_body(fill(c.body)) : fill(c.body)) : std::string();
  return scim.call(method, fill(c.path), body);
}

#define ADD_VIEWER R"({"op":"add","path":"roles","value":[{"value":"Viewer"}]})"
#define REMOVE_DEVELOPER R"({"op":"remove","path":"roles[value eq \"Developer\"]"})"
#define GIVEN_NAME R"({"op":"replace","path":"name.givenName","value":"Name {n}"})"
#define USER_WITH_ROLE R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"new{n}@example.com","roles":[{"value":"Viewer"}]})"
#define USER_PLAIN R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"new{n}@example.com"})"
#define SAME_USER_SAME_ROLES R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"holder@example.com","title":"t{n}","roles":[{"value":"Developer"}]})"
#define SAME_USER_NO_ROLES R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"holder@example.com","title":"t{n}"})"
#define GROUP_WITH_ROLE R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","urn:ietf:params:scim:schemas:extension:kestra:2.0:Group"],"displayName":"G{n}","urn:ietf:params:scim:schemas:extension:kestra:2.0:Group":{"roles":[{"value":"Viewer"}]}})"
#define PRIMARY_DEVELOPER R"({"op":"replace","path":"roles","value":[{"value":"Developer","primary":true}]})"

const BindingNarrowing kBindingNarrowings[] = {
    {"CREATE",
     {{"PATCH", "/Users/{user}", ADD_VIEWER, 200},
      {"POST", "/Users", USER_WITH_ROLE, 201},
      {"POST", "/Groups", GROUP_WITH_ROLE, 201}},
     {{"PATCH", "/Users/{user}", GIVEN_NAME, 200},
      {"PUT", "/Users/{user}", SAME_USER_SAME_ROLES, 200},
      {"POST", "/Users", USER_PLAIN, 201},
      {"PATCH", "/Users/{user}", REMOVE_DEVELOPER, 200}}},
    {"DELETE",
     {{"PATCH", "/Users/{user}", REMOVE_DEVELOPER, 200}, {"PUT", "/Users/{user}", SAME_USER_NO_ROLES, 200}},
     {{"PATCH", "/Users/{user}", GIVEN_NAME, 200}, {"PATCH", "/Users/{user}", ADD_VIEWER, 200}}},
    {"UPDATE",
     {{"PATCH", "/Users/{user}", PRIMARY_DEVELOPER, 200}},
     {{"PATCH", "/Users/{user}", GIVEN_NAME, 200}, {"PATCH", "/Users/{user}", ADD_VIEWER, 200}}},
};

}  // namespace

BOOST_DATA_TEST_CASE(assignments_need_the_bindings_permissions, data::make(kBindingNarrowings), n) {
  World w;
  const auto user = w.user("holder@example.com", {"Developer"});
  int serial = 0;
  const auto send = [&scim = w.okta, &user, &serial](const Call& c) { return send_call(scim, user, serial, c); };
  const auto provisioner = w.role.at("SCIMProvisioner");
  const auto narrowed = without("BINDINGS", n.action);

  set_grants(w.harness, "acme", provisioner, narrowed);
  const auto before = tenant_state(w.harness, "acme");
  const auto scim_before = scim_state(w.okta, "acme");
  for (const auto& c : n.denied) {
    BOOST_TEST_CONTEXT("denied: " << c.method << " " << c.path << " " << c.body) {
      const auto res = send(c);
      check_error(res, 403, "");
      BOOST_TEST(detail_of(res).find("BINDINGS") != std::string::npos, res.body);
      BOOST_TEST(detail_of(res).find(n.action) != std::string::npos, res.body);
    }
  }
  check_unchanged(before, tenant_state(w.harness, "acme"));
  check_unchanged(scim_before, scim_state(w.okta, "acme"));

  // The user's profile and everything not touching a binding still works,
  // and keeps the user's roles.
  for (const auto& c : n.allowed) {
    BOOST_TEST_CONTEXT("allowed: " << c.method << " " << c.path << " " << c.body) {
      const auto res = send(c);
      BOOST_TEST(res.status == c.success, res.body);
    }
  }

  set_grants(w.harness, "acme", provisioner, kProvisioner);
  w.okta.put("/Users/" + user, user_with_roles("holder@example.com", {"Developer"}));
  for (const auto& c : n.denied) {
    BOOST_TEST_CONTEXT("restored: " << c.method << " " << c.path << " " << c.body) {
      const auto res = send(c);
      BOOST_TEST(res.status == c.success, res.body);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_profile_update_without_bindings_create_keeps_the_roles) {
  World w;
  const auto user = w.user("holder@example.com", {"Developer", "Viewer"});
  set_grants(w.harness, "acme", w.role.at("SCIMProvisioner"), without("BINDINGS", "CREATE"));
  const auto res = patch(w.okta, "/Users/" + user, R"({"op":"replace","path":"name.givenName","value":"Ann"})");
  const auto patched = require_json(res, 200, "PATCH givenName");
  BOOST_TEST(str(patched.at("name"), "givenName") == "Ann");
  BOOST_TEST(role_names(patched) == (Names{"Developer", "Viewer"}));
  BOOST_TEST(w.bound(user) == (Names{"Developer:SCIM", "Viewer:SCIM"}));
}

BOOST_AUTO_TEST_CASE(without_bindings_read_roles_are_neither_listed_nor_shown) {
  World w;
  const auto user = w.user("holder@example.com", {"Developer"});
  auto group = group_body("Team");
  group["schemas"] = json::array{kGroupUrn, kKestraGroupUrn};
  group[kKestraGroupUrn] = json::object{{"roles", role_values({"Viewer"})}};
  const auto group_id = str(create(w.okta, "/Groups", group), "id");

  set_grants(w.harness, "acme", w.role.at("SCIMProvisioner"), without("BINDINGS", "READ"));
  for (const auto& path : {std::string("/Roles"), "/Roles/" + w.role.at("Developer")}) {
    BOOST_TEST_CONTEXT(path) {
      const auto res = w.okta.get(path);
      check_error(res, 403, "");
      BOOST_TEST(detail_of(res).find("BINDINGS") != std::string::npos, res.body);
    }
  }
  const auto got = get_json(w.okta, "/Users/" + user);
  BOOST_TEST(!got.contains("roles"), got);
  const auto listed = list(w.okta, "/Users");
  BOOST_TEST(listed.at("Resources").as_array().at(0).as_object().contains("roles") == false);
  BOOST_TEST(!get_json(w.okta, "/Groups/" + group_id).contains(kKestraGroupUrn));
  // A profile change still works and leaves the roles.
  BOOST_TEST(patch(w.okta, "/Users/" + user, R"({"op":"replace","path":"title","value":"Dev"})").status == 200u);
  BOOST_TEST(w.bound(user) == (Names{"Developer:SCIM"}));

  set_grants(w.harness, "acme", w.role.at("SCIMProvisioner"), kProvisioner);
  BOOST_TEST(role_names(get_json(w.okta, "/Users/" + user)) == (Names{"Developer"}));
  BOOST_TEST(role_names(get_json(w.okta, "/Groups/" + group_id)) == (Names{"Viewer"}));
  BOOST_TEST(total_of(list(w.okta, "/Roles")) == 3);
}

// ------------------------------------------------------- audit and events

BOOST_AUTO_TEST_CASE(every_scim_binding_change_is_audited_and_emitted) {
  World w;
  const auto baseline = events_of(w.harness, "acme", "iam.binding.created").size();  // the service account's
  const auto created = w.okta.post("/Users", user_with_roles("audited@example.com", {"Developer"}));
  const std::string id = str(require_json(created, 201, "POST"), "id");
  const auto developer = str(binding_of(w.harness, "acme", id, "Developer", "SCIM"), "id");

  const auto replaced = patch(w.okta, "/Users/" + id, R"({"op":"replace","path":"roles","value":[{"value":"Viewer"}]})");
  BOOST_TEST_REQUIRE(replaced.status == 200u, replaced.body);
  const auto viewer = str(binding_of(w.harness, "acme", id, "Viewer", "SCIM"), "id");

  // No change, no entry.
  BOOST_TEST(patch(w.okta, "/Users/" + id, R"({"op":"add","path":"roles","value":[{"value":"Viewer"}]})").status ==
             200u);
  const auto revoked = w.okta.del("/Users/" + id);
  BOOST_TEST_REQUIRE(revoked.status == 204u, revoked.body);

  struct Want {
    const char* action;
    std::string binding;
    const HttpResponse* response;
  };
  const std::vector<Want> want = {{"binding.create", developer, &created},
                                  {"binding.delete", developer, &replaced},
                                  {"binding.create", viewer, &replaced},
                                  {"binding.delete", viewer, &revoked}};
  const auto entries = binding_audit(w.okta, "acme");
  BOOST_TEST_REQUIRE(entries.size() == want.size(), json::serialize(json::value_from(entries)));
  // Within one request the order of a delete and a create is the module's;
  // compare as sets per request.
  std::multiset<std::string> got_set, want_set;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const auto& e = entries[i];
    BOOST_TEST_CONTEXT("entry " << i << ": " << json::serialize(e)) {
      BOOST_TEST(str(e.at("target"), "type") == "BINDING");
      BOOST_TEST(str(e, "outcome") == "SUCCESS");
      BOOST_TEST(str(e.at("actor"), "type") == "INTEGRATION");
      BOOST_TEST(str(e.at("actor"), "id") == w.okta.integration.id);
      got_set.insert(str(e, "action") + " " + str(e.at("target"), "id") + " " + str(e, "requestId"));
      want_set.insert(std::string(want[i].action) + " " + want[i].binding + " " +
                      want[i].response->header("X-Request-Id").value_or("-"));
    }
  }
  BOOST_TEST(got_set == want_set);
  const auto actions = audit_actions(w.okta, "acme");
  BOOST_TEST((std::count(actions.begin(), actions.end(), "user.create") == 1));
  BOOST_TEST((std::count(actions.begin(), actions.end(), "user.revoke-access") == 1));

  auto created_events = events_of(w.harness, "acme", "iam.binding.created");
  created_events.erase(created_events.begin(), created_events.begin() + static_cast<std::ptrdiff_t>(baseline));
  const auto deleted_events = events_of(w.harness, "acme", "iam.binding.deleted");
  BOOST_TEST_REQUIRE(created_events.size() == 2u);
  BOOST_TEST_REQUIRE(deleted_events.size() == 2u);
  BOOST_TEST(str(created_events[0], "subject") == developer);
  BOOST_TEST(str(created_events[1], "subject") == viewer);
  BOOST_TEST(str(deleted_events[0], "subject") == developer);
  BOOST_TEST(str(deleted_events[1], "subject") == viewer);
  const auto& payload = created_events[0].at("payload");
  BOOST_TEST(str(payload, "subjectType") == "USER");
  BOOST_TEST(str(payload, "subjectId") == id);
  BOOST_TEST(str(payload, "roleId") == w.role.at("Developer"));
  BOOST_TEST(str(payload, "source") == "SCIM");
  BOOST_TEST(str(payload, "integrationId") == w.okta.integration.id);
  BOOST_TEST(json::serialize(events(w.harness)).find(w.okta.integration.token) == std::string::npos);

  // Group bindings too.
  auto group = group_body("Audited");
  group["schemas"] = json::array{kGroupUrn, kKestraGroupUrn};
  group[kKestraGroupUrn] = json::object{{"roles", role_values({"Operator"})}};
  const auto group_id = str(create(w.okta, "/Groups", group), "id");
  const auto operator_binding = str(binding_of(w.harness, "acme", group_id, "Operator", "SCIM"), "id");
  BOOST_TEST(w.okta.del("/Groups/" + group_id).status == 204u);
  const auto after = binding_audit(w.okta, "acme");
  BOOST_TEST_REQUIRE(after.size() == 6u);
  BOOST_TEST(str(after[4], "action") == "binding.create");
  BOOST_TEST(str(after[4].at("target"), "id") == operator_binding);
  BOOST_TEST(str(after[5], "action") == "binding.delete");
  BOOST_TEST(str(after[5].at("target"), "id") == operator_binding);
  auto group_created = events_of(w.harness, "acme", "iam.binding.created");
  group_created.erase(group_created.begin(), group_created.begin() + static_cast<std::ptrdiff_t>(baseline));
  BOOST_TEST_REQUIRE(group_created.size() == 3u);
  BOOST_TEST(str(group_created[2].at("payload"), "subjectType") == "GROUP");
  BOOST_TEST(str(group_created[2].at("payload"), "subjectId") == group_id);
}

// ---------------------------------------------------------------- tenancy

BOOST_AUTO_TEST_CASE(roles_of_the_same_name_in_two_tenants_stay_apart) {
  HarnessProcess harness(sharing_domain({"acme", "globex"}, "example.com"));
  const auto acme = scim_client(harness, "acme", "okta");
  const auto globex = scim_client(harness, "globex", "okta");
  std::map<std::string, std::string> acme_role, globex_role;
  for (const auto* spec : {&kDeveloper, &kViewer}) {
    acme_role[spec->name] = create_role(harness, "acme", *spec);
    globex_role[spec->name] = create_role(harness, "globex", *spec);
  }
  BOOST_TEST(acme_role.at("Developer") != globex_role.at("Developer"));
  BOOST_TEST(as_set(ids_of(list(acme, "/Roles"))) == (std::set<std::string>{acme_role.at("Developer"), acme_role.at("Viewer")}));
  BOOST_TEST(as_set(ids_of(list(globex, "/Roles"))) ==
             (std::set<std::string>{globex_role.at("Developer"), globex_role.at("Viewer")}));
  check_error(acme.get("/Roles/" + globex_role.at("Developer")), 404);

  const auto id = create_user(acme, user_with_roles("shared@example.com", {"Developer"}));
  BOOST_TEST(create_user(globex, user_with_roles("shared@example.com", {"Viewer"})) == id);
  BOOST_TEST(bound(harness, "acme", id) == (Names{"Developer:SCIM"}));
  BOOST_TEST(bound(harness, "globex", id) == (Names{"Viewer:SCIM"}));
  BOOST_TEST(str(binding_of(harness, "acme", id, "Developer", "SCIM"), "roleId") == acme_role.at("Developer"));
  BOOST_TEST(str(binding_of(harness, "globex", id, "Viewer", "SCIM"), "roleId") == globex_role.at("Viewer"));
  BOOST_TEST(role_names(get_json(acme, "/Users/" + id)) == (Names{"Developer"}));
  BOOST_TEST(role_names(get_json(globex, "/Users/" + id)) == (Names{"Viewer"}));

  // Another tenant's role id names nothing here.
  const auto globex_before = tenant_state(harness, "globex");
  const auto foreign = patch(acme, "/Users/" + id,
                             R"({"op":"add","path":"roles","value":[{"value":")" + globex_role.at("Viewer") + R"("}]})");
  check_error(foreign, 400, "invalidValue");
  BOOST_TEST(bound(harness, "acme", id) == (Names{"Developer:SCIM"}));

  // Changes in one tenant leave the other's bindings.
  BOOST_TEST(patch(acme, "/Users/" + id, R"({"op":"replace","path":"roles","value":[{"value":"Viewer"}]})").status ==
             200u);
  BOOST_TEST(bound(harness, "acme", id) == (Names{"Viewer:SCIM"}));
  BOOST_TEST(acme.put("/Users/" + id, user_body("shared@example.com")).status == 200u);
  BOOST_TEST(bound(harness, "acme", id).empty());
  BOOST_TEST(patch(acme, "/Users/" + id, R"({"op":"add","path":"roles","value":[{"value":"Developer"}]})").status ==
             200u);
  BOOST_TEST(acme.del("/Users/" + id).status == 204u);
  BOOST_TEST(bound(harness, "acme", id).empty());
  BOOST_TEST(bound(harness, "globex", id) == (Names{"Viewer:SCIM"}));
  BOOST_TEST(role_names(get_json(globex, "/Users/" + id)) == (Names{"Viewer"}));
  const auto globex_after = tenant_state(harness, "globex");
  BOOST_TEST(globex_after.bindings == globex_before.bindings);
  BOOST_TEST(globex_after.audits == globex_before.audits);
  BOOST_TEST(event_subjects(harness, "globex", "iam.binding.deleted").empty());

  // A tenant's allow list is its own.
  BOOST_TEST(put_allow_list(harness, tenant_allow_list("acme"), json::array{"Viewer"}).status == 200u);
  BOOST_TEST(total_of(list(acme, "/Roles")) == 1);
  BOOST_TEST(total_of(list(globex, "/Roles")) == 2);
}
