// The SCIM endpoint is tolerant where real clients are: endpoint names in
// any case ("/users"), a trailing slash ("/Users/?filter=..."), unknown keys
// in a PATCH operation, and an extension's "schemas" repeated inside its
// value.  Names that are no endpoint stay a SCIM 404.
#define BOOST_TEST_MODULE scim_client_tolerance
#include "scim_support.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>

using namespace kestra::test;
namespace json = boost::json;

namespace {

constexpr const char* kEnterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

struct Tenant {
  HarnessProcess harness{module_options({"acme"})};
  Scim scim = scim_client(harness, "acme", "okta");
  std::string user = create_user(scim, "bjensen@acme.example");
  std::string group = create_group(scim, "Tour Guides", {user});
};

// A path relative to the SCIM base, with ID and GROUP standing for the
// user's and the group's ids; what it must answer.
struct RouteCase {
  const char* name;
  const char* method;
  const char* path;
  const char* body;
  unsigned status;
  const char* schema;  // of the answer: a ListResponse, a User, ...
};
std::ostream& operator<<(std::ostream& out, const RouteCase& c) { return out << c.name; }

constexpr const char* kList = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
constexpr const char* kUser = "urn:ietf:params:scim:schemas:core:2.0:User";
constexpr const char* kGroup = "urn:ietf:params:scim:schemas:core:2.0:Group";
constexpr const char* kError = "urn:ietf:params:scim:api:messages:2.0:Error";
constexpr const char* kSearch = R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"count":5})";

const RouteCase kRoutes[] = {
    {"users in lower case", "GET", "/users", "", 200, kList},
    {"USERS in upper case, with a filter", "GET", "/USERS?filter=userName%20eq%20%22bjensen%40acme.example%22", "",
     200, kList},
    {"a user by id under /users", "GET", "/users/ID", "", 200, kUser},
    {"a group by id under /gRoUpS", "GET", "/gRoUpS/GROUP", "", 200, kGroup},
    {"/users/.search", "POST", "/users/.search", kSearch, 200, kList},
    {"/Groups/.SEARCH", "POST", "/Groups/.SEARCH", kSearch, 200, kList},
    {"a trailing slash on a collection, with a query", "GET",
     "/Users/?filter=userName%20eq%20%22bjensen%40acme.example%22", "", 200, kList},
    {"a trailing slash on an item", "GET", "/Users/ID/", "", 200, kUser},
    {"a trailing slash and another case", "GET", "/groups/", "", 200, kList},
    {"resource types in lower case", "GET", "/resourcetypes/User", "", 200, "urn:ietf:params:scim:schemas:core:2.0:ResourceType"},
    {"schemas in lower case", "GET", "/schemas/urn:ietf:params:scim:schemas:core:2.0:User", "", 200,
     "urn:ietf:params:scim:schemas:core:2.0:Schema"},
    {"service provider config in lower case", "GET", "/serviceproviderconfig", "", 200,
     "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"},
    {"an unknown endpoint stays a SCIM 404", "GET", "/Userz", "", 404, kError},
    {"an item of an endpoint without items is a SCIM 404", "GET", "/serviceproviderconfig/x", "", 404, kError},
};

std::string substituted(std::string text, const Tenant& t) {
  text = replace_all(std::move(text), "GROUP", t.group);
  return replace_all(std::move(text), "ID", t.user);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(routes)

BOOST_DATA_TEST_CASE(endpoint_names_in_any_case_and_a_trailing_slash, boost::unit_test::data::make(kRoutes), c) {
  static Tenant t;  // one harness for the whole table
  const auto res = t.scim.call(c.method, substituted(c.path, t), c.body);
  BOOST_TEST(res.status == c.status, res.body.substr(0, 300));
  const auto body = json::parse(res.body).as_object();
  bool listed = false;
  for (const auto& s : body.at("schemas").as_array()) listed = listed || s.as_string() == c.schema;
  BOOST_TEST(listed, res.body.substr(0, 300));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(patch_bodies, Tenant)

BOOST_AUTO_TEST_CASE(a_patch_operation_with_unknown_keys_applies) {
  const auto res = scim.call("PATCH", "/Users/" + user,
                             R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[)"
                             R"({"op":"replace","path":"title","value":"Tour Guide","id":"op-1","note":"x"}]})");
  BOOST_TEST(res.status == 200u, res.body);
  BOOST_TEST(str(get_json(scim, "/Users/" + user), "title") == "Tour Guide");
}

BOOST_AUTO_TEST_CASE(an_extension_value_repeating_its_schemas_applies) {
  const std::string patch = std::string(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[)") +
                            R"({"op":"add","value":{")" + kEnterprise + R"(":{"schemas":[")" + kEnterprise +
                            R"("],"employeeNumber":"701984"}}},)" + R"({"op":"replace","path":")" + kEnterprise +
                            R"(","value":{"schemas":[")" + kEnterprise + R"("],"department":"Tours"}}]})";
  const auto res = scim.call("PATCH", "/Users/" + user, patch);
  BOOST_TEST(res.status == 200u, res.body);
  const auto stored = get_json(scim, "/Users/" + user);
  const auto& enterprise = stored.at(kEnterprise).as_object();
  BOOST_TEST(!enterprise.contains("schemas"));
  BOOST_TEST(enterprise.at("department").as_string() == "Tours");
  // the same in a POST
  json::object body = user_body("ajensen@acme.example");
  body["schemas"] = json::array{"urn:ietf:params:scim:schemas:core:2.0:User", kEnterprise};
  body[kEnterprise] = json::object{{"schemas", json::array{kEnterprise}}, {"employeeNumber", "7"}};
  const auto created = scim.post("/Users", body);
  BOOST_TEST(created.status == 201u, created.body);
}

BOOST_AUTO_TEST_SUITE_END()
