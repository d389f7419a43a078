// Which roles SCIM may assign (iam/role_policy) and how a client's
// roles[].value names one.
#include "iam/role_policy.hpp"
#include "scim/role_service.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>

namespace {

using kestra::ErrorKind;
using kestra::iam::AssignableRoles;
using kestra::ports::Role;
using kestra::ports::RoleAssignment;

Role role(std::string id, std::string name, std::string permissions) {
  Role r;
  r.id = std::move(id);
  r.tenant_id = "acme";
  r.name = std::move(name);
  r.permissions_json = std::move(permissions);
  return r;
}

struct IamCase {
  const char* permissions;
  bool administers;
};
std::ostream& operator<<(std::ostream& out, const IamCase& c) { return out << c.permissions; }

const IamCase kIamCases[] = {
    {R"({})", false},
    {R"({"FLOWS":["CREATE","READ","UPDATE","DELETE"],"EXECUTIONS":["CREATE"]})", false},
    {R"({"USERS":["READ"],"GROUPS":["READ"],"BINDINGS":["READ"]})", false},
    {R"({"USERS":["CREATE"]})", true},
    {R"({"GROUPS":["UPDATE"]})", true},
    {R"({"ROLES":["DELETE"]})", true},
    {R"({"ROLE":["UPDATE"]})", true},
    {R"({"BINDINGS":["CREATE"]})", true},
    {R"({"SERVICE_ACCOUNTS":["CREATE"]})", true},
    {R"({"TENANT_ACCESS":["UPDATE"]})", true},
    {R"({"IMPERSONATE":["READ"]})", true},
    {R"({"FLOWS":["READ"],"TENANTS":["DELETE"]})", true},
};

BOOST_AUTO_TEST_SUITE(role_policy)

BOOST_DATA_TEST_CASE(iam_administration, boost::unit_test::data::make(kIamCases), c) {
  auto permissions = kestra::iam::Permissions::from_json(c.permissions);
  BOOST_TEST_REQUIRE(permissions.has_value());
  BOOST_TEST(kestra::iam::administers_iam(*permissions) == c.administers);
}

const std::vector<Role> kTenantRoles = {
    role("r-prov", "SCIMProvisioner", R"({"USERS":["CREATE","READ","UPDATE"],"BINDINGS":["CREATE"]})"),
    role("r-viewer", "Viewer", R"({"FLOWS":["READ"],"USERS":["READ"]})"),
    role("r-admin", "Admin", R"({"USERS":["CREATE","READ","UPDATE","DELETE"]})"),
    role("r-dev", "Developer", R"({"FLOWS":["CREATE","READ","UPDATE"]})"),
    role("r-broken", "Broken", "not json"),
};

BOOST_AUTO_TEST_CASE(default_rule_skips_the_provisioner_iam_admins_and_unreadable_roles) {
  AssignableRoles roles(kTenantRoles, std::nullopt);
  std::vector<std::string> names;
  for (const auto& r : roles.roles()) names.push_back(r.name);
  BOOST_TEST(names == (std::vector<std::string>{"Developer", "Viewer"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_allow_list_decides_but_never_allows_the_provisioner) {
  AssignableRoles roles(kTenantRoles, std::vector<std::string>{"r-admin", "r-prov", "r-gone"});
  BOOST_TEST_REQUIRE(roles.roles().size() == 1u);
  BOOST_TEST(roles.roles().front().name == "Admin");
  BOOST_TEST(roles.find_by_id("r-admin") != nullptr);
  BOOST_TEST(roles.find_by_id("r-dev") == nullptr);
}

struct ResolveCase {
  const char* value;
  const char* role_id;  // nullptr: refused
  const char* message;  // part of the error detail
};
std::ostream& operator<<(std::ostream& out, const ResolveCase& c) { return out << c.value; }

const ResolveCase kResolveCases[] = {
    {"Developer", "r-dev", nullptr},
    {"developer", "r-dev", nullptr},
    {"DEVELOPER", "r-dev", nullptr},
    {"r-viewer", "r-viewer", nullptr},
    {"Admin", nullptr, "may not be assigned"},
    {"SCIMProvisioner", nullptr, "may not be assigned"},
    {"Nobody", nullptr, "has no role 'Nobody'"},
    {"", nullptr, "has no role"},
};

BOOST_DATA_TEST_CASE(resolves_names_and_ids, boost::unit_test::data::make(kResolveCases), c) {
  AssignableRoles roles(kTenantRoles, std::nullopt);
  auto resolved = roles.resolve(c.value);
  if (c.role_id) {
    BOOST_TEST_REQUIRE(resolved.has_value());
    BOOST_TEST((*resolved)->id == c.role_id);
  } else {
    BOOST_TEST_REQUIRE(!resolved.has_value());
    BOOST_TEST((resolved.error().kind == ErrorKind::InvalidInput));
    BOOST_TEST(resolved.error().scim_type == "invalidValue");
    BOOST_TEST(resolved.error().detail.find(c.message) != std::string::npos, resolved.error().detail);
  }
}

RoleAssignment assigned(std::string id, std::string type = {}, bool primary = false) {
  return RoleAssignment{id, id, std::move(type), primary};
}

struct ChangeCase {
  const char* name;
  std::vector<RoleAssignment> current;
  std::vector<RoleAssignment> desired;
  const char* needed;  // nullptr: no binding permission needed
};
std::ostream& operator<<(std::ostream& out, const ChangeCase& c) { return out << c.name; }

const ChangeCase kChangeCases[] = {
    {"nothing", {}, {}, nullptr},
    {"same roles", {assigned("a")}, {assigned("a")}, nullptr},
    {"a new role", {}, {assigned("a")}, "CREATE"},
    {"a role dropped", {assigned("a")}, {}, "DELETE"},
    {"a new type", {assigned("a")}, {assigned("a", "WindowsAzureActiveDirectoryRole")}, "UPDATE"},
    {"made primary", {assigned("a")}, {assigned("a", "", true)}, "UPDATE"},
};

BOOST_DATA_TEST_CASE(binding_changes_need_their_permission, boost::unit_test::data::make(kChangeCases), c) {
  using kestra::provisioning::Actor;
  const std::set<std::string> all = {"CREATE", "READ", "UPDATE", "DELETE"};
  const Actor admin{"ADMIN", "root", ""};
  BOOST_TEST(kestra::scim::RoleService::authorize_change(admin, c.current, c.desired).has_value());
  const Actor full{"INTEGRATION", "i", "", kestra::iam::Permissions({{"BINDINGS", all}})};
  BOOST_TEST(kestra::scim::RoleService::authorize_change(full, c.current, c.desired).has_value());
  for (const auto& action : all) {
    auto without = all;
    without.erase(action);
    const Actor narrowed{"INTEGRATION", "i", "", kestra::iam::Permissions({{"BINDINGS", without}})};
    auto ok = kestra::scim::RoleService::authorize_change(narrowed, c.current, c.desired);
    const bool refused = c.needed && action == c.needed;
    BOOST_TEST(ok.has_value() == !refused, action);
    if (refused) BOOST_TEST((ok.error().kind == ErrorKind::Forbidden));
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
