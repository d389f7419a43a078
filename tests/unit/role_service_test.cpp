// scim::RoleService over the in-memory ports: which roles an integration
// may assign (the default rule, the tenant's and the integration's allow
// lists), GET /Roles, and the default role.  Same outcomes as
// tests/scim/roles_test.cpp, asserted as values.
#include "service_test_support.hpp"

#include <boost/test/data/test_case.hpp>

#include <algorithm>
#include <map>

using namespace service_test;
namespace data = boost::unit_test::data;

namespace {

// Besides Viewer, Editor and SCIMProvisioner, acme has Admin (it
// administers IAM: never assignable by default) and Broken (unreadable
// permissions).
struct Roles : World {
  std::map<std::string, std::string> ids;
  Roles() {
    ids["Admin"] = store.add_role("acme", "Admin", R"({"USERS":["CREATE","READ","UPDATE","DELETE"]})");
    ids["Broken"] = store.add_role("acme", "Broken", "not json");
    auto roles = store.provisioning().list_roles("acme");
    BOOST_TEST_REQUIRE(roles.has_value());
    for (const auto& r : *roles) ids[r.name] = r.id;
  }
  void allow(const std::string& integration, const std::vector<std::string>& names) {
    std::vector<std::string> role_ids;
    for (const auto& n : names) role_ids.push_back(ids.at(n));
    BOOST_TEST_REQUIRE(store.provisioning().set_role_allow_list("acme", integration, role_ids, "", {}).has_value());
  }
};

struct AssignableCase {
  const char* name;
  std::optional<std::vector<std::string>> tenant_list;
  std::optional<std::vector<std::string>> integration_list;  // of "okta"
  const ports::Scope* scope;
  std::vector<std::string> assignable;  // by name, ordered
};
std::ostream& operator<<(std::ostream& os, const AssignableCase& c) { return os << c.name; }

const AssignableCase kAssignable[] = {
    {"the default rule", std::nullopt, std::nullopt, &kAcme, {"Editor", "Viewer"}},
    {"the tenant's list", std::vector<std::string>{"Viewer", "Admin"}, std::nullopt, &kAcme, {"Admin", "Viewer"}},
    {"the integration's list overrides the tenant's", std::vector<std::string>{"Viewer"},
     std::vector<std::string>{"Editor"}, &kAcme, {"Editor"}},
    {"another integration keeps the tenant's list", std::vector<std::string>{"Viewer"},
     std::vector<std::string>{"Editor"}, &kAcmeEntra, {"Viewer"}},
    {"SCIMProvisioner even when listed", std::vector<std::string>{"SCIMProvisioner", "Viewer"}, std::nullopt, &kAcme,
     {"Viewer"}},
    {"an empty list allows nothing", std::vector<std::string>{}, std::nullopt, &kAcme, {}},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(role_service)

BOOST_DATA_TEST_CASE(assignable_roles, data::make(kAssignable), c) {
  Roles w;
  if (c.tenant_list) w.allow("", *c.tenant_list);
  if (c.integration_list) w.allow("okta", *c.integration_list);
  scim::ListRequest request;
  request.count = 100;
  auto page = w.roles.list(*c.scope, request);
  BOOST_TEST_REQUIRE(page.has_value(), (page ? "" : page.error().detail));
  std::vector<std::string> names;
  for (const auto& r : page->items) names.push_back(r.name);
  BOOST_TEST(names == c.assignable);
  // GET of a role SCIM may not assign is NotFound; a user may not be given it.
  check(w.roles.get(*c.scope, w.ids["SCIMProvisioner"]), fails(ErrorKind::NotFound));
  for (const auto& [name, id] : w.ids) {
    const bool allowed = std::find(c.assignable.begin(), c.assignable.end(), name) != c.assignable.end();
    BOOST_TEST_CONTEXT(name) {
      check(w.roles.get(*c.scope, id), allowed ? kOk : fails(ErrorKind::NotFound));
      const json::value roles = json::array{json::object{{"value", name}}};
      check(w.roles.resolve(*c.scope, &roles, {}), allowed ? kOk : fails(ErrorKind::InvalidInput, "invalidValue"));
    }
  }
}

namespace {

struct ListCase {
  const char* name;
  const char* filter;
  const char* sort_by;
  std::int64_t start_index;
  std::optional<std::string> cursor;
  Expect expect;
  std::vector<std::string> names;
};
std::ostream& operator<<(std::ostream& os, const ListCase& c) { return os << c.name; }

const ListCase kLists[] = {
    {"displayName eq", "displayName eq \"viewer\"", nullptr, 1, std::nullopt, kOk, {"Viewer"}},
    {"value sw", "value sw \"E\"", nullptr, 1, std::nullopt, kOk, {"Editor"}},
    {"sorted descending by displayName", "", "displayName", 1, std::nullopt, kOk, {"Viewer", "Editor"}},
    {"from the second", "", nullptr, 2, std::nullopt, kOk, {"Viewer"}},
    {"an unknown attribute", "colour eq \"red\"", nullptr, 1, std::nullopt,
     fails(ErrorKind::InvalidInput, "invalidFilter"), {}},
    {"a sort Roles cannot do", "", "members", 1, std::nullopt, fails(ErrorKind::InvalidInput, "invalidValue"), {}},
    {"a cursor", "", nullptr, 1, std::string(""), fails(ErrorKind::InvalidInput, "invalidValue"), {}},
};

}  // namespace

BOOST_DATA_TEST_CASE(list, data::make(kLists), c) {
  Roles w;
  scim::ListRequest request;
  request.filter = c.filter;
  if (c.sort_by) {
    request.sort_by = std::string(c.sort_by);
    request.ascending = false;
  }
  request.start_index = c.start_index;
  request.cursor = c.cursor;
  request.count = 10;
  auto page = w.roles.list(kAcme, request);
  if (!check(page, c.expect)) return;
  std::vector<std::string> names;
  for (const auto& r : page->items) names.push_back(r.name);
  BOOST_TEST(names == c.names);
  BOOST_TEST(page->total == (*c.filter ? static_cast<std::int64_t>(c.names.size()) : 2));
}

BOOST_AUTO_TEST_CASE(the_default_role_applies_where_it_exists) {
  World everywhere(scim::DefaultRole{"viewer", ""});
  auto id = everywhere.roles.default_role_id(kAcme);
  BOOST_TEST_REQUIRE(id.has_value());
  BOOST_TEST(id->has_value());

  World only_globex(scim::DefaultRole{"Viewer", "globex"});
  auto none = only_globex.roles.default_role_id(kAcme);
  BOOST_TEST_REQUIRE(none.has_value());
  BOOST_TEST(!none->has_value());

  World missing(scim::DefaultRole{"Auditor", ""});
  auto absent = missing.roles.default_role_id(kAcme);
  BOOST_TEST_REQUIRE(absent.has_value());
  BOOST_TEST(!absent->has_value());
  BOOST_TEST(missing.host.logs().size() == 1u);  // the operator is told
}

BOOST_AUTO_TEST_SUITE_END()
