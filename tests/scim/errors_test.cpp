// Every refusal is a SCIM error (RFC 7644 3.12): the Error schema, status
// as a string, the scimType the RFC names for it, a detail; and nothing is
// written.  One table of {request, status, scimType}.
#define BOOST_TEST_MODULE scim_errors
#include "scim_support.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <memory>
#include <ostream>

using namespace kestra::test;
namespace data = boost::unit_test::data;
namespace json = boost::json;

namespace {

// One user and one group the rows may name as {user} and {group}.
struct World {
  HarnessProcess harness{module_options({"acme", "globex"})};
  Scim okta = scim_client(harness, "acme", "okta");
  std::string user = create_user(okta, "existing@example.com");
  std::string group = create_group(okta, "Existing", {user});
  std::string foreign_user = create_user(scim_client(harness, "globex", "okta"), "foreign@example.com");
};

World& world() {
  static auto w = std::make_unique<World>();
  return *w;
}

struct ErrorCase {
  const char* name;
  const char* method;
  const char* path;
  const char* body;       // nullptr: none
  unsigned status;
  const char* scim_type;  // nullptr: not checked; "": must be absent
};
std::ostream& operator<<(std::ostream& out, const ErrorCase& c) { return out << c.name; }

#define USER_SCHEMAS R"("schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"])"
#define GROUP_SCHEMAS R"("schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"])"

const ErrorCase kCases[] = {
    // Bodies that are not a JSON object.
    {"malformed JSON", "POST", "/Users", R"({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": )",
     400, "invalidSyntax"},
    {"trailing garbage", "POST", "/Users", R"({"schemas": [], "userName": "a"} x)", 400, "invalidSyntax"},
    {"empty body", "POST", "/Users", "", 400, "invalidSyntax"},
    {"array body", "POST", "/Users", "[]", 400, "invalidSyntax"},
    {"string body", "POST", "/Groups", R"("Admins")", 400, "invalidSyntax"},
    {"malformed JSON on PUT", "PUT", "/Users/{user}", "{", 400, "invalidSyntax"},
    {"malformed JSON on group PUT", "PUT", "/Groups/{group}", "{\"displayName\"", 400, "invalidSyntax"},
    // Schemas.
    {"no schemas", "POST", "/Users", R"({"userName": "a@example.com"})", 400, "invalidSyntax"},
    {"schemas not an array", "POST", "/Users",
     R"({"schemas": "urn:ietf:params:scim:schemas:core:2.0:User", "userName": "a@example.com"})", 400, "invalidSyntax"},
    {"the group schema on /Users", "POST", "/Users",
     R"({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "userName": "a@example.com"})", 400,
     "invalidSyntax"},
    {"the user schema on /Groups", "POST", "/Groups",
     R"({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "displayName": "G"})", 400, "invalidSyntax"},
    {"an unknown extension with data", "POST", "/Users",
     R"({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:example:ext:1.0:User"], "userName": "a@example.com", "urn:example:ext:1.0:User": {"badge": "7"}})",
     400, "invalidSyntax"},
    {"extension data without its schema listed", "POST", "/Users",
     R"({)" USER_SCHEMAS R"(, "userName": "a@example.com", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "X"}})",
     400, "invalidSyntax"},
    // Unknown attributes.
    {"unknown attribute", "POST", "/Users", R"({)" USER_SCHEMAS R"(, "userName": "a@example.com", "shoeSize": 44})",
     400, "invalidSyntax"},
    {"unknown sub-attribute", "POST", "/Users",
     R"({)" USER_SCHEMAS R"(, "userName": "a@example.com", "name": {"nickname": "x"}})", 400, "invalidSyntax"},
    {"unknown group attribute", "POST", "/Groups", R"({)" GROUP_SCHEMAS R"(, "displayName": "G", "owner": "me"})", 400,
     "invalidSyntax"},
    {"unknown attribute on PUT", "PUT", "/Users/{user}",
     R"({)" USER_SCHEMAS R"(, "userName": "existing@example.com", "shoeSize": 44})", 400, "invalidSyntax"},
    {"an attribute given twice", "POST", "/Users",
     R"({)" USER_SCHEMAS R"(, "userName": "a@example.com", "USERNAME": "b@example.com"})", 400, "invalidSyntax"},
    // Required attributes.
    {"missing userName", "POST", "/Users", R"({)" USER_SCHEMAS R"(, "displayName": "Nobody"})", 400, "invalidValue"},
    {"empty userName", "POST", "/Users", R"({)" USER_SCHEMAS R"(, "userName": ""})", 400, "invalidValue"},
    {"blank userName", "POST", "/Users", R"({)" USER_SCHEMAS R"(, "userName": "   "})", 400, "invalidValue"},
    {"null userName", "POST", "/Users", R"({)" USER_SCHEMAS R"(, "userName": null})", 400, "invalidValue"},
    {"missing userName on PUT", "PUT", "/Users/{user}", R"({)" USER_SCHEMAS R"(, "displayName": "X"})", 400,
     "invalidValue"},
    {"missing displayName", "POST", "/Groups", R"({)" GROUP_SCHEMAS R"(, "members": []})", 400, "invalidValue"},
    {"empty displayName", "POST", "/Groups", R"({)" GROUP_SCHEMAS R"(, "displayName": ""})", 400, "invalidValue"},
    {"missing displayName on PUT", "PUT", "/Groups/{group}", R"({)" GROUP_SCHEMAS R"(})", 400, "invalidValue"},
    // Wrong types.
    {"userName a number", "POST", "/Users", R"({)" USER_SCHEMAS R"(, "userName": 42})", 400, "invalidValue"},
    {"active a word", "POST", "/Users", R"({)" USER_SCHEMAS R"(, "userName": "a@example.com", "active": "maybe"})",
     400, "invalidValue"},
    {"active a number", "POST", "/Users", R"({)" USER_SCHEMAS R"(, "userName": "a@example.com", "active": 1})", 400,
     "invalidValue"},
    {"name a string", "POST", "/Users", R"({)" USER_SCHEMAS R"(, "userName": "a@example.com", "name": "Bob"})", 400,
     "invalidValue"},
    {"emails of strings", "POST", "/Users", R"({)" USER_SCHEMAS R"(, "userName": "a@example.com", "emails": ["a@b"]})",
     400, "invalidValue"},
    {"displayName an array", "POST", "/Users",
     R"({)" USER_SCHEMAS R"(, "userName": "a@example.com", "displayName": ["A"]})", 400, "invalidValue"},
    {"two primary emails", "POST", "/Users",
     R"({)" USER_SCHEMAS R"(, "userName": "a@example.com", "emails": [{"value": "a@x", "primary": true}, {"value": "b@x", "primary": true}]})",
     400, "invalidValue"},
    {"externalId a number", "POST", "/Users", R"({)" USER_SCHEMAS R"(, "userName": "a@example.com", "externalId": 7})",
     400, "invalidValue"},
    {"x509 value not base64", "POST", "/Users",
     R"({)" USER_SCHEMAS R"(, "userName": "a@example.com", "x509Certificates": [{"value": "not base64!"}]})", 400,
     "invalidValue"},
    {"members not objects", "POST", "/Groups", R"({)" GROUP_SCHEMAS R"(, "displayName": "G", "members": ["{user}"]})",
     400, "invalidValue"},
    {"a member without value", "POST", "/Groups",
     R"({)" GROUP_SCHEMAS R"(, "displayName": "G", "members": [{"display": "x", "type": "User"}]})", 400,
     "invalidValue"},
    {"a member of another tenant", "POST", "/Groups",
     R"({)" GROUP_SCHEMAS R"(, "displayName": "G", "members": [{"value": "{foreign_user}"}]})", 400, "invalidValue"},
    // Conflicts.
    {"userName taken", "POST", "/Users", R"({)" USER_SCHEMAS R"(, "userName": "EXISTING@example.com"})", 409,
     "uniqueness"},
    {"displayName taken", "POST", "/Groups", R"({)" GROUP_SCHEMAS R"(, "displayName": "existing"})", 409,
     "uniqueness"},
    // Unknown resources.
    {"GET unknown user", "GET", "/Users/00000000-0000-4000-8000-000000000000", nullptr, 404, ""},
    {"PUT unknown user", "PUT", "/Users/00000000-0000-4000-8000-000000000000",
     R"({)" USER_SCHEMAS R"(, "userName": "ghost@example.com"})", 404, ""},
    {"DELETE unknown user", "DELETE", "/Users/00000000-0000-4000-8000-000000000000", nullptr, 404, ""},
    {"GET another tenant's user", "GET", "/Users/{foreign_user}", nullptr, 404, ""},
    {"DELETE another tenant's user", "DELETE", "/Users/{foreign_user}", nullptr, 404, ""},
    {"GET a group as a user", "GET", "/Users/{group}", nullptr, 404, ""},
    {"GET unknown group", "GET", "/Groups/00000000-0000-4000-8000-000000000000", nullptr, 404, ""},
    {"PUT unknown group", "PUT", "/Groups/nope", R"({)" GROUP_SCHEMAS R"(, "displayName": "G"})", 404, ""},
    {"DELETE unknown group", "DELETE", "/Groups/nope", nullptr, 404, ""},
    {"GET a user as a group", "GET", "/Groups/{user}", nullptr, 404, ""},
    {"unknown schema", "GET", "/Schemas/urn:example:nothing", nullptr, 404, ""},
    {"unknown endpoint", "GET", "/Devices", nullptr, 404, ""},
    {"POST to an unknown endpoint", "POST", "/Devices", R"({"schemas": []})", 404, ""},
    {"unknown endpoint with an id", "DELETE", "/Devices/7", nullptr, 404, ""},
    {"an unknown endpoint name", "GET", "/Userz", nullptr, 404, ""},
    {"unknown resource type", "GET", "/ResourceTypes/Device", nullptr, 404, ""},
    // Methods.
    {"PUT on /Users", "PUT", "/Users", R"({)" USER_SCHEMAS R"(, "userName": "a@example.com"})", 405, ""},
    {"DELETE on /Users", "DELETE", "/Users", nullptr, 405, ""},
    {"POST on a user", "POST", "/Users/{user}", R"({)" USER_SCHEMAS R"(, "userName": "a@example.com"})", 405, ""},
    {"DELETE on /Groups", "DELETE", "/Groups", nullptr, 405, ""},
    {"POST on a group", "POST", "/Groups/{group}", R"({)" GROUP_SCHEMAS R"(, "displayName": "G"})", 405, ""},
    {"GET on /Users/.search", "GET", "/Users/.search", nullptr, 405, ""},
    {"DELETE on /Schemas", "DELETE", "/Schemas", nullptr, 405, ""},
    {"POST on /ResourceTypes", "POST", "/ResourceTypes", "{}", 405, ""},
    {"PUT on /ServiceProviderConfig", "PUT", "/ServiceProviderConfig", "{}", 405, ""},
    {"GET on /Bulk", "GET", "/Bulk", nullptr, 405, ""},
    {"GET /Me", "GET", "/Me", nullptr, 501, ""},
    {"POST /Me", "POST", "/Me", R"({)" USER_SCHEMAS R"(, "userName": "me@example.com"})", 501, ""},
    // Query parameters.
    {"startIndex not a number", "GET", "/Users?startIndex=abc", nullptr, 400, "invalidValue"},
    {"count not a number", "GET", "/Groups?count=ten", nullptr, 400, "invalidValue"},
    {"sortOrder unknown", "GET", "/Users?sortOrder=sideways", nullptr, 400, "invalidValue"},
    {"filter malformed", "GET", "/Users?filter=userName%20eq", nullptr, 400, "invalidFilter"},
    {"filter on an unknown attribute", "GET", "/Groups?filter=owner%20eq%20%22me%22", nullptr, 400, "invalidFilter"},
    {"attributes not names", "GET", "/Users/{user}?attributes=user%20Name", nullptr, 400, "invalidValue"},
    {"attributes not names on POST", "POST", "/Users?attributes=a;b",
     R"({)" USER_SCHEMAS R"(, "userName": "fresh@example.com"})", 400, "invalidValue"},
};

std::string resolve(std::string text, const World& w) {
  text = replace_all(std::move(text), "{user}", w.user);
  text = replace_all(std::move(text), "{group}", w.group);
  return replace_all(std::move(text), "{foreign_user}", w.foreign_user);
}

}  // namespace

BOOST_DATA_TEST_CASE(every_refusal_is_a_scim_error_and_writes_nothing, data::make(kCases), c) {
  auto& w = world();
  const auto before = scim_state(w.okta, "acme");
  const auto res = w.okta.call(c.method, resolve(c.path, w), c.body ? resolve(c.body, w) : std::string(),
                               {}, "application/scim+json");
  if (c.scim_type) {
    check_error(res, c.status, std::string(c.scim_type));
  } else {
    check_error(res, c.status);
  }
  check_detail_leaks_nothing(res);
  check_unchanged(before, scim_state(w.okta, "acme"));
  BOOST_TEST(str(get_json(w.okta, "/Users/" + w.user), "userName") == "existing@example.com");
}

BOOST_AUTO_TEST_CASE(an_empty_body_with_a_method_that_needs_one) {
  auto& w = world();
  check_error(w.okta.call("PUT", "/Users/" + w.user, ""), 400, "invalidSyntax");
  check_error(w.okta.call("POST", "/Groups", ""), 400, "invalidSyntax");
  check_error(w.okta.call("POST", "/Users/.search", ""), 400, "invalidSyntax");
  check_error(w.okta.call("POST", "/Bulk", ""), 400, "invalidSyntax");
}
