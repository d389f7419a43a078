// Users are global, provisioning is per tenant (DESIGN.md "How it is
// used"): access, `active`, group memberships per tenant; externalId per
// integration; groups belong to one tenant.  Both tenants here claim
// example.com (one organisation, two tenants), so they share its users;
// the trust boundary between tenants that do not is tenant_boundary_test.
#define BOOST_TEST_MODULE scim_tenancy
#include "scim_support.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>

using namespace kestra::test;
namespace data = boost::unit_test::data;
namespace json = boost::json;

namespace {

struct World {
  HarnessProcess harness{sharing_domain({"acme", "globex"}, "example.com")};
  Scim acme = scim_client(harness, "acme", "okta");
  Scim globex = scim_client(harness, "globex", "okta");
};

std::vector<std::string> user_ids_named(const Scim& scim, const std::string& user_name) {
  return ids_of(list(scim, "/Users?" + filter_query("userName eq \"" + user_name + "\"")));
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_user_name_known_elsewhere_is_granted_here_with_the_same_id) {
  World w;
  const auto id = create_user(w.acme, "shared@example.com");
  check_error(w.globex.get("/Users/" + id), 404);
  BOOST_TEST(user_ids_named(w.globex, "shared@example.com").empty());

  auto body = user_body("Shared@Example.com");
  body["displayName"] = "Shared User";
  const auto res = w.globex.post("/Users", body);
  const auto granted = require_json(res, 201, "grant");
  BOOST_TEST(str(granted, "id") == id);
  BOOST_TEST(res.header("Location").value_or("") == w.globex.url() + "/Users/" + id);
  BOOST_TEST(str(granted.at("meta"), "location") == w.globex.url() + "/Users/" + id);
  BOOST_TEST(user_ids_named(w.globex, "shared@example.com") == std::vector<std::string>{id});

  // Now it has access here too: a second POST is a conflict.
  check_error(w.globex.post("/Users", user_body("shared@example.com")), 409, "uniqueness");
  BOOST_TEST(total_of(list(w.globex, "/Users")) == 1);
  BOOST_TEST(audit_actions(w.globex, "globex") == (std::vector<std::string>{"integration.create", "user.link"}));
}

BOOST_AUTO_TEST_CASE(a_rename_onto_a_user_name_known_only_elsewhere_is_409) {
  World w;
  create_user(w.globex, "elsewhere@example.com");
  const auto id = create_user(w.acme, "here@example.com");
  const auto before = scim_state(w.acme, "acme");
  check_error(w.acme.put("/Users/" + id, user_body("ELSEWHERE@example.com")), 409, "uniqueness");
  check_unchanged(before, scim_state(w.acme, "acme"));
}

BOOST_AUTO_TEST_CASE(the_user_document_is_global) {
  World w;
  auto body = user_body("global@example.com");
  body["name"] = json::object{{"givenName", "Gloria"}};
  const auto id = create_user(w.acme, body);
  create_user(w.globex, body);
  body["name"] = json::object{{"givenName", "Glory"}};
  BOOST_TEST_REQUIRE(w.globex.put("/Users/" + id, body).status == 200u);
  BOOST_TEST(str(get_json(w.acme, "/Users/" + id).at("name"), "givenName") == "Glory");
}

BOOST_AUTO_TEST_CASE(delete_removes_access_here_and_the_user_stays_elsewhere) {
  World w;
  const auto id = create_user(w.acme, "leaver@example.com");
  BOOST_TEST(create_user(w.globex, "leaver@example.com") == id);
  const auto acme_team = create_group(w.acme, "Team", {id});
  const auto globex_team = create_group(w.globex, "Team", {id});

  BOOST_TEST(w.acme.del("/Users/" + id).status == 204u);
  check_error(w.acme.get("/Users/" + id), 404);
  BOOST_TEST(user_ids_named(w.acme, "leaver@example.com").empty());
  BOOST_TEST(member_ids(get_json(w.acme, "/Groups/" + acme_team)).empty());

  const auto there = get_json(w.globex, "/Users/" + id);
  BOOST_TEST(str(there, "userName") == "leaver@example.com");
  BOOST_TEST(there.at("groups").as_array().size() == 1u);
  BOOST_TEST(member_ids(get_json(w.globex, "/Groups/" + globex_team)) == std::set<std::string>{id});

  // Granted again here, it is the same user.
  BOOST_TEST(create_user(w.acme, "leaver@example.com") == id);
}

BOOST_AUTO_TEST_CASE(the_last_tenant_removing_a_user_leaves_its_name_usable) {
  World w;
  const auto id = create_user(w.acme, "solo@example.com");
  BOOST_TEST(w.acme.del("/Users/" + id).status == 204u);
  const auto again = create(w.globex, "/Users", user_body("solo@example.com"));
  BOOST_TEST(str(again, "id") == id);  // users are never deleted
}

BOOST_AUTO_TEST_CASE(active_is_per_tenant) {
  World w;
  const auto id = create_user(w.acme, "both@example.com");
  create_user(w.globex, "both@example.com");
  auto inactive = user_body("both@example.com");
  inactive["active"] = false;
  const auto put = require_json(w.acme.put("/Users/" + id, inactive), 200, "deactivate");
  BOOST_TEST(put.at("active") == json::value(false));
  BOOST_TEST(get_json(w.acme, "/Users/" + id).at("active") == json::value(false));
  BOOST_TEST(get_json(w.globex, "/Users/" + id).at("active") == json::value(true));
  BOOST_TEST(ids_of(list(w.acme, "/Users?" + filter_query("active eq false"))) == std::vector<std::string>{id});
  BOOST_TEST(total_of(list(w.globex, "/Users?" + filter_query("active eq false"))) == 0);

  // A grant carries the active flag of its request.
  const auto third = create(w.acme, "/Users", json::object{{"schemas", json::array{kUserUrn}},
                                                           {"userName", "late@example.com"},
                                                           {"active", false}});
  const auto granted = create(w.globex, "/Users", user_body("late@example.com"));
  BOOST_TEST(third.at("active") == json::value(false));
  BOOST_TEST(granted.at("active") == json::value(true));
}

BOOST_AUTO_TEST_CASE(external_id_is_per_integration) {
  World w;
  const auto entra = scim_client(w.harness, "acme", "entra");
  auto body = user_body("ext@example.com");
  body["externalId"] = "okta-00u1";
  const auto id = create_user(w.acme, body);

  // Entra finds the user by name: it sees no externalId of its own yet.
  const auto seen = list(entra, "/Users?" + filter_query(R"(userName eq "ext@example.com")"));
  BOOST_TEST_REQUIRE(ids_of(seen) == std::vector<std::string>{id});
  BOOST_TEST(!seen.at("Resources").as_array()[0].as_object().contains("externalId"));
  body["externalId"] = "entra-guid-1";
  BOOST_TEST_REQUIRE(entra.put("/Users/" + id, body).status == 200u);

  BOOST_TEST(str(get_json(entra, "/Users/" + id), "externalId") == "entra-guid-1");
  BOOST_TEST(str(get_json(w.acme, "/Users/" + id), "externalId") == "okta-00u1");
  const auto by = [](const Scim& s, const char* external) {
    return ids_of(list(s, "/Users?" + filter_query(std::string("externalId eq \"") + external + "\"")));
  };
  BOOST_TEST(by(w.acme, "okta-00u1") == std::vector<std::string>{id});
  BOOST_TEST(by(w.acme, "entra-guid-1").empty());
  BOOST_TEST(by(entra, "entra-guid-1") == std::vector<std::string>{id});
  BOOST_TEST(by(entra, "okta-00u1").empty());

  // Groups too.
  auto group = group_body("Ext Group");
  group["externalId"] = "okta-g1";
  const auto gid = str(create(w.acme, "/Groups", group), "id");
  BOOST_TEST(!get_json(entra, "/Groups/" + gid).contains("externalId"));
  BOOST_TEST(str(get_json(w.acme, "/Groups/" + gid), "externalId") == "okta-g1");
}

namespace {

struct CrossTenant {
  const char* name;
  const char* method;
  const char* path;  // {group} / {user}: acme's
  bool body;
};
std::ostream& operator<<(std::ostream& out, const CrossTenant& c) { return out << c.name; }

const CrossTenant kCrossTenant[] = {
    {"GET a group", "GET", "/Groups/{group}", false},
    {"PUT a group", "PUT", "/Groups/{group}", true},
    {"DELETE a group", "DELETE", "/Groups/{group}", false},
    {"GET a user", "GET", "/Users/{user}", false},
    {"PUT a user", "PUT", "/Users/{user}", true},
    {"DELETE a user", "DELETE", "/Users/{user}", false},
};

}  // namespace

BOOST_DATA_TEST_CASE(another_tenant_cannot_reach_resources_here, data::make(kCrossTenant), c) {
  World w;
  const auto user = create_user(w.acme, "mine@example.com");
  const auto group = create_group(w.acme, "Mine", {user});
  std::string path = replace_all(replace_all(c.path, "{group}", group), "{user}", user);
  const std::string body =
      !c.body ? std::string()
              : json::serialize(std::string(c.path).starts_with("/Groups") ? group_body("Theirs") : user_body("mine@example.com"));
  const auto before = scim_state(w.acme, "acme");
  check_error(w.globex.call(c.method, path, body), 404);
  check_unchanged(before, scim_state(w.acme, "acme"));
  BOOST_TEST(total_of(list(w.globex, "/Groups")) == 0);
  BOOST_TEST(total_of(list(w.globex, "/Users")) == 0);
  BOOST_TEST(total_of(list(w.globex, "/Groups?" + filter_query("id eq \"" + group + "\""))) == 0);
  BOOST_TEST(total_of(list(w.globex, "/Users?" + filter_query("id eq \"" + user + "\""))) == 0);
}

BOOST_AUTO_TEST_CASE(listings_and_searches_see_only_this_tenant) {
  World w;
  for (const char* n : {"a@acme.example", "b@acme.example"}) create_user(w.acme, n);
  create_user(w.globex, "c@globex.example");
  create_group(w.acme, "Acme Group");
  create_group(w.globex, "Globex Group");
  BOOST_TEST(total_of(list(w.acme, "/Users")) == 2);
  BOOST_TEST(total_of(list(w.globex, "/Users")) == 1);
  BOOST_TEST(total_of(list(w.acme, "/Users?" + filter_query("userName co \"globex\""))) == 0);
  BOOST_TEST(total_of(check_list(w.acme.post("/.search", json::object{}), "root")) == 3);
  BOOST_TEST(total_of(check_list(w.globex.post("/.search", json::object{}), "root")) == 2);
  BOOST_TEST(total_of(list(w.acme, "/Groups?" + filter_query("displayName eq \"Globex Group\""))) == 0);
}
