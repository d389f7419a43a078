// The IAM objects an integration bootstraps (role SCIMProvisioner, service
// account, binding, token), role updates, the tenant hooks, and the events
// every IAM change emits.
#define BOOST_TEST_MODULE scim_iam_bootstrap
#include "admin_support.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

using namespace kestra::test;
namespace data = boost::unit_test::data;
namespace json = boost::json;

namespace {

constexpr const char* kTenant = "acme";

using Grants = std::map<std::string, std::set<std::string>>;

const Grants kProvisionerGrants = {
    {"GROUPS", {"CREATE", "READ", "UPDATE", "DELETE"}},
    {"USERS", {"CREATE", "READ", "UPDATE"}},
    {"BINDINGS", {"CREATE", "READ", "UPDATE", "DELETE"}},
};

Grants grants_of(const json::value& role) {
  Grants grants;
  for (const auto& [resource, actions] : role.at("permissions").as_object()) {
    auto& set = grants[std::string(resource)];
    for (const auto& a : actions.as_array()) {
      BOOST_TEST(set.emplace(a.as_string()).second, "duplicate action " << a.as_string());
    }
  }
  return grants;
}

std::string describe(const Grants& grants) {
  std::string out;
  for (const auto& [resource, actions] : grants) {
    out += resource + ":";
    for (const auto& a : actions) out += " " + a;
    out += "; ";
  }
  return out;
}

std::string text(const json::value& v, std::string_view key) { return std::string(v.at(key).as_string()); }

json::array roles(const HarnessProcess& h, const std::string& tenant = kTenant) {
  return results(admin_get(h, tenant_path(tenant, "/roles")));
}
json::array service_accounts(const HarnessProcess& h, const std::string& tenant = kTenant) {
  return results(admin_get(h, tenant_path(tenant, "/service-accounts")));
}
json::array bindings(const HarnessProcess& h, const std::string& tenant = kTenant) {
  return results(admin_get(h, tenant_path(tenant, "/bindings")));
}

unsigned scim_get(const HarnessProcess& harness, const TestIntegration& integration) {
  return request(harness.port(), "GET", integration.base + "/ServiceProviderConfig", integration.auth()).status;
}

bool contains(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

// The binding of the integration's service account.
json::value binding_of(const HarnessProcess& h, const std::string& service_account_id,
                       const std::string& tenant = kTenant) {
  for (const auto& b : bindings(h, tenant)) {
    if (text(b, "subjectId") == service_account_id) return b;
  }
  throw std::runtime_error("no binding of service account " + service_account_id);
}

std::string service_account_of(const HarnessProcess& h, const TestIntegration& i, const std::string& tenant = kTenant) {
  return text(admin_get(h, integrations_path(tenant, "/" + i.id)), "serviceAccountId");
}

}  // namespace

BOOST_AUTO_TEST_CASE(create_bootstraps_exactly_one_role_service_account_and_binding) {
  HarnessProcess harness(module_options());
  auto okta = create_integration(harness, kTenant, "okta");

  const auto all_roles = roles(harness);
  BOOST_TEST_REQUIRE(all_roles.size() == 1u);
  const auto& role = all_roles[0];
  BOOST_TEST(text(role, "name") == "SCIMProvisioner");
  BOOST_TEST(grants_of(role) == kProvisionerGrants, describe(grants_of(role)));
  BOOST_TEST(role.at("systemManaged").as_bool());

  const auto accounts = service_accounts(harness);
  BOOST_TEST_REQUIRE(accounts.size() == 1u);
  const auto& account = accounts[0];
  BOOST_TEST(text(account, "name") == "scim-okta");
  BOOST_TEST(text(account, "integrationId") == okta.id);
  BOOST_TEST(text(account, "id") == service_account_of(harness, okta));

  const auto all_bindings = bindings(harness);
  BOOST_TEST_REQUIRE(all_bindings.size() == 1u);
  const auto& binding = all_bindings[0];
  BOOST_TEST(text(binding, "type") == "SERVICE_ACCOUNT");
  BOOST_TEST(text(binding, "subjectId") == text(account, "id"));
  BOOST_TEST(text(binding, "roleId") == text(role, "id"));
  BOOST_TEST(text(binding, "roleName") == "SCIMProvisioner");
  BOOST_TEST(text(binding, "integrationId") == okta.id);

  // The service account's token is the integration's secret token.
  BOOST_TEST(scim_get(harness, okta) == 200u);
}

BOOST_AUTO_TEST_CASE(a_second_integration_reuses_the_role) {
  HarnessProcess harness(module_options());
  auto okta = create_integration(harness, kTenant, "okta");
  const auto role_id = text(roles(harness).at(0), "id");
  auto entra = create_integration(harness, kTenant, "entra");

  const auto all_roles = roles(harness);
  BOOST_TEST_REQUIRE(all_roles.size() == 1u);
  BOOST_TEST(text(all_roles[0], "id") == role_id);

  const auto accounts = service_accounts(harness);
  BOOST_TEST_REQUIRE(accounts.size() == 2u);
  std::set<std::string> names;
  for (const auto& a : accounts) names.insert(text(a, "name"));
  BOOST_TEST((names == std::set<std::string>{"scim-okta", "scim-entra"}));

  const auto all_bindings = bindings(harness);
  BOOST_TEST_REQUIRE(all_bindings.size() == 2u);
  std::set<std::string> subjects;
  for (const auto& b : all_bindings) {
    BOOST_TEST(text(b, "roleId") == role_id);
    BOOST_TEST(text(b, "type") == "SERVICE_ACCOUNT");
    subjects.insert(text(b, "subjectId"));
  }
  BOOST_TEST((subjects ==
              std::set<std::string>{service_account_of(harness, okta), service_account_of(harness, entra)}));
  BOOST_TEST(service_account_of(harness, okta) != service_account_of(harness, entra));

  // Each tenant has its own role.
  BOOST_TEST(admin_request(harness, "POST", "/api/v1/tenants", R"({"id":"globex"})").status == 201u);
  create_integration(harness, "globex", "okta");
  BOOST_TEST_REQUIRE(roles(harness, "globex").size() == 1u);
  BOOST_TEST(text(roles(harness, "globex").at(0), "id") != role_id);
  BOOST_TEST(roles(harness).size() == 1u);
  BOOST_TEST(bindings(harness).size() == 2u);
}

BOOST_AUTO_TEST_CASE(long_names_sharing_a_prefix_get_distinct_service_accounts) {
  HarnessProcess harness(module_options());
  const std::string prefix(60, 'a');
  auto first = create_integration(harness, kTenant, prefix + "-b1");
  auto second = create_integration(harness, kTenant, prefix + "-c2");
  const auto accounts = service_accounts(harness);
  BOOST_TEST_REQUIRE(accounts.size() == 2u);
  std::set<std::string> names;
  for (const auto& a : accounts) {
    const auto name = text(a, "name");
    BOOST_TEST(name.size() <= 63u, name);
    BOOST_TEST(name.starts_with("scim-"), name);
    names.insert(name);
  }
  BOOST_TEST(names.size() == 2u);
  BOOST_TEST(scim_get(harness, first) == 200u);
  BOOST_TEST(scim_get(harness, second) == 200u);
}

BOOST_AUTO_TEST_CASE(delete_removes_service_account_binding_and_token_only) {
  HarnessProcess harness(module_options());
  auto okta = create_integration(harness, kTenant, "okta");
  auto entra = create_integration(harness, kTenant, "entra");
  const auto okta_account = service_account_of(harness, okta);
  const auto entra_account = service_account_of(harness, entra);
  const auto roles_before = json::serialize(roles(harness));

  BOOST_TEST_REQUIRE(admin_request(harness, "DELETE", integrations_path(kTenant, "/" + okta.id)).status == 204u);

  const auto accounts = service_accounts(harness);
  BOOST_TEST_REQUIRE(accounts.size() == 1u);
  BOOST_TEST(text(accounts[0], "id") == entra_account);
  const auto all_bindings = bindings(harness);
  BOOST_TEST_REQUIRE(all_bindings.size() == 1u);
  BOOST_TEST(text(all_bindings[0], "subjectId") == entra_account);
  BOOST_TEST(json::serialize(roles(harness)) == roles_before);  // the role stays
  BOOST_TEST(scim_get(harness, okta) == 401u);
  BOOST_TEST(scim_get(harness, entra) == 200u);

  // Deleting the last integration keeps the role for the next one.
  BOOST_TEST_REQUIRE(admin_request(harness, "DELETE", integrations_path(kTenant, "/" + entra.id)).status == 204u);
  BOOST_TEST(service_accounts(harness).empty());
  BOOST_TEST(bindings(harness).empty());
  BOOST_TEST(json::serialize(roles(harness)) == roles_before);
  BOOST_TEST(okta_account != entra_account);
}

BOOST_AUTO_TEST_CASE(iam_changes_are_emitted_as_events) {
  HarnessProcess harness(module_options());
  const auto start = event_types(harness, kTenant).size();
  auto okta = create_integration(harness, kTenant, "okta");
  const auto account = service_account_of(harness, okta);
  const auto binding = text(binding_of(harness, account), "id");
  const auto role = text(roles(harness).at(0), "id");

  const auto subjects = [&](const std::string& type) { return event_subjects(harness, kTenant, type); };
  BOOST_TEST(contains(subjects("scim.integration.created"), okta.id));
  BOOST_TEST(contains(subjects("iam.service_account.created"), account));
  BOOST_TEST(contains(subjects("iam.binding.created"), binding));
  BOOST_TEST(subjects("iam.api_token.created").size() == 1u);
  BOOST_TEST(event_types(harness, kTenant).size() > start);

  // Events carry the tenant and subject in their payload too, never the token.
  for (const auto& e : events(harness)) {
    const auto& o = e.as_object();
    if (o.at("module").as_string() != "kestra-scim" || o.at("type").as_string() != "scim.integration.created") continue;
    BOOST_TEST(o.at("payload").at("tenant").as_string() == kTenant);
    BOOST_TEST(o.at("payload").at("id").as_string() == okta.id);
  }
  BOOST_TEST(json::serialize(events(harness)).find(okta.token) == std::string::npos);

  auto rotated = admin_request(harness, "POST", integrations_path(kTenant, "/" + okta.id + "/rotate-token"));
  BOOST_TEST_REQUIRE(rotated.status == 200u);
  BOOST_TEST(subjects("iam.api_token.created").size() == 2u);
  BOOST_TEST(subjects("iam.api_token.revoked").size() == 1u);

  auto updated = admin_request(harness, "PUT", tenant_path(kTenant, "/roles/" + role),
                               R"({"permissions":{"USERS":["READ"]}})");
  BOOST_TEST_REQUIRE(updated.status == 200u, updated.body);
  BOOST_TEST(subjects("iam.role.updated") == std::vector<std::string>{role});

  BOOST_TEST_REQUIRE(admin_request(harness, "POST", integrations_path(kTenant, "/" + okta.id + "/disable")).status ==
                     200u);
  BOOST_TEST(contains(subjects("scim.integration.disabled"), okta.id));
  BOOST_TEST_REQUIRE(admin_request(harness, "POST", integrations_path(kTenant, "/" + okta.id + "/enable")).status ==
                     200u);
  BOOST_TEST(contains(subjects("scim.integration.enabled"), okta.id));

  BOOST_TEST_REQUIRE(admin_request(harness, "DELETE", integrations_path(kTenant, "/" + okta.id)).status == 204u);
  BOOST_TEST(contains(subjects("scim.integration.deleted"), okta.id));
  BOOST_TEST(contains(subjects("iam.service_account.deleted"), account));
  BOOST_TEST(contains(subjects("iam.binding.deleted"), binding));
  BOOST_TEST(subjects("iam.api_token.revoked").size() == 2u);
}

BOOST_AUTO_TEST_CASE(tenant_created_hook_bootstraps_the_role) {
  HarnessProcess harness(module_options());
  auto created = admin_request(harness, "POST", "/api/v1/tenants", R"({"id":"globex"})");
  BOOST_TEST_REQUIRE(created.status == 201u, created.body);

  const auto all_roles = roles(harness, "globex");
  BOOST_TEST_REQUIRE(all_roles.size() == 1u);
  BOOST_TEST(text(all_roles[0], "name") == "SCIMProvisioner");
  BOOST_TEST(grants_of(all_roles[0]) == kProvisionerGrants, describe(grants_of(all_roles[0])));
  BOOST_TEST(service_accounts(harness, "globex").empty());
  BOOST_TEST(bindings(harness, "globex").empty());
  BOOST_TEST(admin_get(harness, integrations_path("globex")).at("total").as_int64() == 0);

  bool role_event = false;
  for (const auto& type : event_types(harness, "globex")) role_event |= type.starts_with("iam.role.");
  BOOST_TEST(role_event, "no iam.role.* event for the bootstrapped tenant");
}

BOOST_AUTO_TEST_CASE(tenant_delete_removes_its_integrations_and_iam_objects) {
  HarnessProcess harness(module_options());
  auto acme = create_integration(harness, kTenant, "okta");
  BOOST_TEST_REQUIRE(admin_request(harness, "POST", "/api/v1/tenants", R"({"id":"globex"})").status == 201u);
  auto okta = create_integration(harness, "globex", "okta");
  auto entra = create_integration(harness, "globex", "entra");
  BOOST_TEST(scim_get(harness, okta) == 200u);

  auto deleted = admin_request(harness, "DELETE", "/api/v1/tenants/globex");
  BOOST_TEST_REQUIRE(deleted.status == 204u, deleted.body);

  auto gone = request(harness.port(), "GET", okta.base + "/ServiceProviderConfig", okta.auth());
  check_scim_error(gone, 401);  // an unknown tenant answers as a bad token
  check_admin_error(admin_request(harness, "GET", integrations_path("globex")), 404, "globex");
  bool removed_event = false;
  for (const auto& type : event_types(harness, "globex")) removed_event |= type == "scim.tenant.removed";
  BOOST_TEST(removed_event);

  // A tenant re-created under the same id starts empty: nothing comes back.
  BOOST_TEST_REQUIRE(admin_request(harness, "POST", "/api/v1/tenants", R"({"id":"globex"})").status == 201u);
  BOOST_TEST(admin_get(harness, integrations_path("globex")).at("total").as_int64() == 0);
  BOOST_TEST(service_accounts(harness, "globex").empty());
  BOOST_TEST(bindings(harness, "globex").empty());
  const auto fresh_roles = roles(harness, "globex");
  BOOST_TEST_REQUIRE(fresh_roles.size() == 1u);
  BOOST_TEST(grants_of(fresh_roles[0]) == kProvisionerGrants);
  BOOST_TEST(scim_get(harness, okta) == 401u);
  BOOST_TEST(scim_get(harness, entra) == 401u);
  auto reused = admin_request(harness, "POST", integrations_path("globex"), R"({"name":"okta","type":"SCIM"})");
  BOOST_TEST(reused.status == 201u, reused.body);

  // The other tenant is untouched.
  BOOST_TEST(scim_get(harness, acme) == 200u);
  BOOST_TEST(admin_get(harness, integrations_path(kTenant)).at("total").as_int64() == 1);
  BOOST_TEST(service_accounts(harness).size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_restart_keeps_integrations_and_bootstraps_nothing_twice) {
  HarnessProcess harness(module_options());
  auto okta = create_integration(harness, kTenant, "okta");
  auto before = tenant_state(harness, kTenant);
  const auto old_base = harness.base_url();
  harness.stop();
  harness.start();  // the tenant hooks run again for the configured tenants

  // The new process listens on another port, which the uri shows.
  const auto new_base = harness.base_url();
  for (auto at = before.integrations.find(old_base); at != std::string::npos;
       at = before.integrations.find(old_base, at + new_base.size())) {
    before.integrations.replace(at, old_base.size(), new_base);
  }
  auto after = tenant_state(harness, kTenant);
  BOOST_TEST(after.integrations == before.integrations);
  BOOST_TEST(after.roles == before.roles);
  BOOST_TEST(after.service_accounts == before.service_accounts);
  BOOST_TEST(after.bindings == before.bindings);
  BOOST_TEST(after.audits == before.audits);
  BOOST_TEST(scim_get(harness, okta) == 200u);
}

// --- PUT /roles/{id} ---------------------------------------------------------

BOOST_AUTO_TEST_CASE(role_update_replaces_the_stored_permissions) {
  HarnessProcess harness(module_options());
  auto okta = create_integration(harness, kTenant, "okta");
  const auto before = roles(harness).at(0);
  const auto role = text(before, "id");

  auto res = admin_request(harness, "PUT", tenant_path(kTenant, "/roles/" + role),
                           R"({"permissions":{"USERS":["CREATE","READ","UPDATE"],)"
                           R"("BINDINGS":["CREATE","READ","UPDATE","DELETE"]}})");
  BOOST_TEST_REQUIRE(res.status == 200u, res.body);
  const Grants without_groups = {{"USERS", {"CREATE", "READ", "UPDATE"}},
                                 {"BINDINGS", {"CREATE", "READ", "UPDATE", "DELETE"}}};
  const auto body = json_body(res);
  BOOST_TEST(grants_of(body) == without_groups, describe(grants_of(body)));
  BOOST_TEST(text(body, "id") == role);
  BOOST_TEST(text(body, "name") == "SCIMProvisioner");
  BOOST_TEST(text(body, "description") == text(before, "description"));  // absent: kept
  BOOST_TEST(body.at("createdAt") == before.at("createdAt"));

  // The stored role changed, and an integration created later keeps it.
  BOOST_TEST(grants_of(roles(harness).at(0)) == without_groups);
  create_integration(harness, kTenant, "entra");
  BOOST_TEST_REQUIRE(roles(harness).size() == 1u);
  BOOST_TEST(grants_of(roles(harness).at(0)) == without_groups);
  // ServiceProviderConfig needs no permission, only a valid token.
  BOOST_TEST(scim_get(harness, okta) == 200u);

  res = admin_request(harness, "PUT", tenant_path(kTenant, "/roles/" + role),
                      R"({"description":"Narrowed","permissions":{"GROUPS":["READ","READ"],"INTEGRATIONS":[]}})");
  BOOST_TEST_REQUIRE(res.status == 200u, res.body);
  const auto stored = roles(harness).at(0);
  BOOST_TEST(text(stored, "description") == "Narrowed");
  BOOST_TEST(grants_of(stored) == (Grants{{"GROUPS", {"READ"}}, {"INTEGRATIONS", {}}}), describe(grants_of(stored)));
}

namespace {

struct BadRoleUpdate {
  const char* name;
  const char* body;
  const char* message_part;
};
std::ostream& operator<<(std::ostream& out, const BadRoleUpdate& c) { return out << c.name; }

const BadRoleUpdate kBadRoleUpdates[] = {
    {"empty body", "", "JSON"},
    {"malformed JSON", R"({"permissions":{)", "JSON"},
    {"array", "[]", "object"},
    {"permissions missing", R"({"description":"d"})", "permissions"},
    {"permissions null", R"({"permissions":null})", "permissions"},
    {"permissions is an array", R"({"permissions":["GROUPS"]})", "permissions"},
    {"permissions is a string", R"({"permissions":"GROUPS:READ"})", "permissions"},
    {"actions not an array", R"({"permissions":{"GROUPS":"READ"}})", "GROUPS"},
    {"action not a string", R"({"permissions":{"GROUPS":["READ",1]}})", "GROUPS"},
    {"unknown action", R"({"permissions":{"GROUPS":["READ","EXECUTE"]}})", "EXECUTE"},
    {"lower-case action", R"({"permissions":{"GROUPS":["read"]}})", "read"},
    {"lower-case resource", R"({"permissions":{"groups":["READ"]}})", "groups"},
    {"resource with a digit", R"({"permissions":{"GROUPS2":["READ"]}})", "GROUPS2"},
    {"empty resource", R"({"permissions":{"":["READ"]}})", "resource"},
    {"description is a number", R"({"description":5,"permissions":{}})", "description"},
};

}  // namespace

BOOST_DATA_TEST_CASE(role_update_refuses_bad_input_and_changes_nothing, data::make(kBadRoleUpdates), c) {
  HarnessProcess harness(module_options());
  create_integration(harness, kTenant, "okta");
  const auto role = text(roles(harness).at(0), "id");
  const auto before = tenant_state(harness, kTenant);
  check_admin_error(admin_request(harness, "PUT", tenant_path(kTenant, "/roles/" + role), c.body), 400,
                    c.message_part);
  check_unchanged(before, tenant_state(harness, kTenant));
}

BOOST_AUTO_TEST_CASE(role_update_of_an_unknown_role_or_tenant_is_404) {
  HarnessProcess harness(module_options({"acme", "globex"}));
  create_integration(harness, kTenant, "okta");
  const auto globex_role = text(roles(harness, "globex").at(0), "id");
  const auto acme_role = text(roles(harness).at(0), "id");
  const auto before = tenant_state(harness, kTenant);
  const auto globex_before = tenant_state(harness, "globex");
  const std::string body = R"({"permissions":{}})";

  check_admin_error(admin_request(harness, "PUT", tenant_path(kTenant, "/roles/no-such-role"), body), 404,
                    "no-such-role");
  check_admin_error(admin_request(harness, "PUT", tenant_path(kTenant, "/roles/" + globex_role), body), 404);
  check_admin_error(admin_request(harness, "PUT", tenant_path("nobody", "/roles/" + acme_role), body), 404, "nobody");
  auto anonymous = request(harness.port(), "PUT", tenant_path(kTenant, "/roles/" + acme_role),
                           {{"Content-Type", "application/json"}}, body);
  BOOST_TEST(anonymous.status == 401u);
  check_unchanged(before, tenant_state(harness, kTenant));
  check_unchanged(globex_before, tenant_state(harness, "globex"));
}
