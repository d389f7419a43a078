// SCIM requests are authorised by the stored SCIMProvisioner role:
// an admin narrows it through PUT /api/v1/{tenant}/roles/{id}, the matching
// SCIM requests answer 403 and write nothing, the rest keep working, and a
// restored role restores them.  SCIM writes are audited with the
// integration as actor.
#define BOOST_TEST_MODULE scim_role_enforcement
#include "scim_support.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>

using namespace kestra::test;
namespace data = boost::unit_test::data;
namespace json = boost::json;

namespace {

using Grants = std::map<std::string, std::vector<std::string>>;

const Grants kProvisioner = {
    {"GROUPS", {"CREATE", "READ", "UPDATE", "DELETE"}},
    {"USERS", {"CREATE", "READ", "UPDATE"}},
    {"BINDINGS", {"CREATE", "READ", "UPDATE", "DELETE"}},
};

struct World {
  HarnessProcess harness{module_options()};
  Scim okta = scim_client(harness, "acme", "okta");
  std::string user = create_user(okta, "member@example.com");
  std::string group = create_group(okta, "Team", {user});
  std::string role = str(results(admin_get(harness, tenant_path("acme", "/roles"))).at(0), "id");
  std::string admin_binding = bind_group();
  int serial = 0;

  // An admin's binding of the group: SCIM may remove it only with BINDINGS DELETE.
  std::string bind_group() const {
    const auto res = admin_request(harness, "POST", tenant_path("acme", "/bindings"),
                                   json::serialize(json::object{{"roleId", role}, {"type", "GROUP"}, {"subjectId", group}}));
    if (res.status != 201) throw std::runtime_error("binding failed: " + res.body);
    return str(json::parse(res.body), "id");
  }

  void set_role(const Grants& grants) const {
    json::object permissions;
    for (const auto& [resource, actions] : grants) {
      json::array a;
      for (const auto& x : actions) a.push_back(json::string(x));
      permissions[resource] = std::move(a);
    }
    const auto res = admin_request(harness, "PUT", tenant_path("acme", "/roles/" + role),
                                   json::serialize(json::object{{"permissions", std::move(permissions)}}));
    if (res.status != 200) throw std::runtime_error("role update failed: " + res.body);
  }
};

Grants without(const std::string& resource, const std::string& action) {
  auto grants = kProvisioner;
  auto& actions = grants[resource];
  actions.erase(std::remove(actions.begin(), actions.end(), action), actions.end());
  return grants;
}

// A SCIM request; {user}, {group} name the world's, {n} a fresh number.
struct Call {
  const char* method;
  const char* path;
  const char* body;  // nullptr: none
  unsigned success;
};

HttpResponse send(World& w, const Call& c) {
  const auto fill = [&](std::string text) {
    text = replace_all(std::move(text), "{user}", w.user);
    text = replace_all(std::move(text), "{group}", w.group);
    return replace_all(std::move(text), "{n}", std::to_string(++w.serial));
  };
  return w.okta.call(c.method, fill(c.path), c.body ? fill(c.body) : std::string());
}

#define NEW_USER R"({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "new{n}@example.com"})"
#define SAME_USER R"({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "member@example.com", "title": "t{n}"})"
#define NEW_GROUP R"({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Group {n}"})"
#define SAME_GROUP R"({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Team {n}", "members": [{"value": "{user}"}]})"
#define SEARCH R"({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]})"

struct Narrowing {
  const char* resource;
  const char* action;
  std::vector<Call> denied;
  Call allowed;  // still works meanwhile
};
std::ostream& operator<<(std::ostream& out, const Narrowing& n) { return out << n.resource << " " << n.action; }

const Narrowing kNarrowings[] = {
    {"USERS", "READ",
     {{"GET", "/Users", nullptr, 200},
      {"GET", "/Users/{user}", nullptr, 200},
      {"POST", "/Users/.search", SEARCH, 200},
      {"POST", "/.search", SEARCH, 200}},
     {"POST", "/Users", NEW_USER, 201}},
    {"USERS", "CREATE", {{"POST", "/Users", NEW_USER, 201}}, {"GET", "/Users", nullptr, 200}},
    {"USERS", "UPDATE",
     {{"PUT", "/Users/{user}", SAME_USER, 200}, {"DELETE", "/Users/{user}", nullptr, 204}},
     {"POST", "/Users", NEW_USER, 201}},
    // Deleting a group removes its bindings, an admin's among them, so it needs BINDINGS DELETE.
    {"BINDINGS", "DELETE",
     {{"DELETE", "/Users/{user}", nullptr, 204}, {"DELETE", "/Groups/{group}", nullptr, 204}},
     {"PUT", "/Users/{user}", SAME_USER, 200}},
    {"GROUPS", "READ",
     {{"GET", "/Groups", nullptr, 200},
      {"GET", "/Groups/{group}", nullptr, 200},
      {"POST", "/Groups/.search", SEARCH, 200},
      {"POST", "/.search", SEARCH, 200}},
     {"GET", "/Users", nullptr, 200}},
    {"GROUPS", "CREATE", {{"POST", "/Groups", NEW_GROUP, 201}}, {"GET", "/Groups", nullptr, 200}},
    {"GROUPS", "UPDATE", {{"PUT", "/Groups/{group}", SAME_GROUP, 200}}, {"POST", "/Groups", NEW_GROUP, 201}},
    {"GROUPS", "DELETE", {{"DELETE", "/Groups/{group}", nullptr, 204}}, {"PUT", "/Groups/{group}", SAME_GROUP, 200}},
};

}  // namespace

BOOST_DATA_TEST_CASE(a_narrowed_role_refuses_exactly_what_it_no_longer_grants, data::make(kNarrowings), n) {
  World w;
  const auto narrowed = without(n.resource, n.action);

  w.set_role(narrowed);
  const auto allowed = send(w, n.allowed);
  BOOST_TEST(allowed.status == n.allowed.success, n.allowed.method << " " << n.allowed.path << ": " << allowed.body);

  w.set_role(kProvisioner);
  const auto before = scim_state(w.okta, "acme");
  w.set_role(narrowed);
  for (const auto& c : n.denied) {
    BOOST_TEST_CONTEXT(c.method << " " << c.path) {
      const auto res = send(w, c);
      check_error(res, 403, "");
      BOOST_TEST(detail_of(res).find(n.resource) != std::string::npos, res.body);
      BOOST_TEST(detail_of(res).find(n.action) != std::string::npos, res.body);
    }
  }
  w.set_role(kProvisioner);
  check_unchanged(before, scim_state(w.okta, "acme"));

  for (const auto& c : n.denied) {
    BOOST_TEST_CONTEXT("restored: " << c.method << " " << c.path) {
      const auto res = send(w, c);
      BOOST_TEST(res.status == c.success, res.body);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_bulk_operation_is_authorised_one_by_one) {
  World w;
  w.set_role(without("USERS", "CREATE"));
  const auto res = w.okta.post("/Bulk", json::parse(R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
    "Operations": [
      {"method": "POST", "path": "/Users", "bulkId": "u", "data": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "bulk@example.com"}},
      {"method": "POST", "path": "/Groups", "bulkId": "g", "data": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Bulk"}}
    ]})"));
  const auto body = require_json(res, 200, "bulk");
  const auto& ops = body.at("Operations").as_array();
  BOOST_TEST_REQUIRE(ops.size() == 2u);
  BOOST_TEST(str(ops[0], "status") == "403");
  BOOST_TEST(str(ops[1], "status") == "201");
  w.set_role(kProvisioner);
  BOOST_TEST(total_of(list(w.okta, "/Users?" + filter_query(R"(userName eq "bulk@example.com")"))) == 0);
}

BOOST_AUTO_TEST_CASE(an_empty_role_refuses_every_resource_request_but_discovery) {
  World w;
  w.set_role({});
  for (const Call& c : std::initializer_list<Call>{{"GET", "/Users", nullptr, 0},
                                                   {"POST", "/Users", NEW_USER, 0},
                                                   {"GET", "/Groups/{group}", nullptr, 0},
                                                   {"DELETE", "/Groups/{group}", nullptr, 0},
                                                   {"POST", "/.search", SEARCH, 0}}) {
    BOOST_TEST_CONTEXT(c.method << " " << c.path) { check_error(send(w, c), 403); }
  }
  BOOST_TEST(w.okta.get("/ServiceProviderConfig").status == 200u);
  BOOST_TEST(w.okta.get("/Schemas").status == 200u);
}

BOOST_AUTO_TEST_CASE(scim_writes_are_audited_with_the_integration_as_actor) {
  World w;  // created one user and one group already
  const auto other = w.okta.post("/Users", user_body("other@example.com"));
  const std::string other_id = str(json_body(other), "id");
  const auto replaced = w.okta.put("/Users/" + other_id, user_body("renamed@example.com"));
  const auto group_put = w.okta.put("/Groups/" + w.group, group_body("Team 2", {w.user, other_id}));
  const auto group_del = w.okta.del("/Groups/" + w.group);
  const auto revoked = w.okta.del("/Users/" + other_id);
  for (const auto* r : {&other, &replaced, &group_put, &group_del, &revoked}) BOOST_TEST_REQUIRE(r->status < 300u);
  // Refused requests and reads are not audited.
  check_error(w.okta.post("/Users", user_body("member@example.com")), 409);
  (void)w.okta.get("/Users");

  const auto page = admin_get(w.harness, integrations_path("acme", "/" + w.okta.integration.id + "/audit?size=100"));
  auto entries = results(page);
  std::reverse(entries.begin(), entries.end());
  struct Want {
    const char* action;
    const char* target_type;
    std::string target;
    const HttpResponse* response;  // its X-Request-Id is the entry's
  };
  const std::vector<Want> want = {
      {"integration.create", "INTEGRATION", w.okta.integration.id, nullptr},
      {"user.create", "USER", w.user, nullptr},
      {"group.create", "GROUP", w.group, nullptr},
      {"user.create", "USER", other_id, &other},
      {"user.replace", "USER", other_id, &replaced},
      {"group.replace", "GROUP", w.group, &group_put},
      {"binding.delete", "BINDING", w.admin_binding, &group_del},  // the admin's binding of the group
      {"group.delete", "GROUP", w.group, &group_del},
      {"user.revoke-access", "USER", other_id, &revoked},
  };
  BOOST_TEST_REQUIRE(entries.size() == want.size(), page);
  for (std::size_t i = 0; i < want.size(); ++i) {
    BOOST_TEST_CONTEXT("entry " << i << ": " << entries[i]) {
      const auto& e = entries[i];
      BOOST_TEST(str(e, "action") == want[i].action);
      BOOST_TEST(str(e.at("target"), "type") == want[i].target_type);
      BOOST_TEST(str(e.at("target"), "id") == want[i].target);
      BOOST_TEST(str(e, "outcome") == "SUCCESS");
      if (i == 0) continue;  // the admin created the integration
      BOOST_TEST(str(e.at("actor"), "type") == "INTEGRATION");
      BOOST_TEST(str(e.at("actor"), "id") == w.okta.integration.id);
      if (want[i].response) {
        BOOST_TEST(str(e, "requestId") == want[i].response->header("X-Request-Id").value_or("-"));
      }
    }
  }
  BOOST_TEST(json::serialize(page).find(w.okta.integration.token) == std::string::npos);
}
