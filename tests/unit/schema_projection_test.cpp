#include "scim/schema/projection.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>
#include <string>

namespace json = boost::json;
using namespace kestra::scim::schema;

namespace {

json::value parse(std::string_view text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  BOOST_TEST_REQUIRE(!ec, "bad test JSON: " << text);
  return v;
}

const Registry& registry() {
  static const Registry r = [] {
    auto loaded = Registry::load();
    BOOST_TEST_REQUIRE(loaded.has_value());
    return std::move(*loaded);
  }();
  return r;
}

#define CORE "urn:ietf:params:scim:schemas:core:2.0:User"
#define ENT "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
#define META \
  R"("meta":{"resourceType":"User","created":"2024-01-01T00:00:00Z","lastModified":"2024-01-02T00:00:00Z","location":"https://h/Users/u1","version":"W/\"1\""})"

// A stored user, as the store hands it to the handler (password included, to
// prove it never leaves).
constexpr const char* kUser =
    R"({"schemas":[")" CORE R"(",")" ENT R"("],"id":"u1","externalId":"e1","userName":"bjensen",
        "name":{"givenName":"Barbara","familyName":"Jensen"},"displayName":"Babs",
        "emails":[{"value":"b@x","type":"work","primary":true},{"value":"b@home","type":"home"}],
        "active":true,"password":"secret",)" META R"(,
        ")" ENT R"(":{"employeeNumber":"7","manager":{"value":"m1"}}})";

#define ALWAYS_CORE_ONLY R"("schemas":[")" CORE R"("],"id":"u1",)" META

constexpr const char* kDefaultUser =
    R"({"schemas":[")" CORE R"(",")" ENT R"("],"id":"u1","externalId":"e1","userName":"bjensen",
        "name":{"givenName":"Barbara","familyName":"Jensen"},"displayName":"Babs",
        "emails":[{"value":"b@x","type":"work","primary":true},{"value":"b@home","type":"home"}],
        "active":true,)" META R"(,
        ")" ENT R"(":{"employeeNumber":"7","manager":{"value":"m1"}}})";

constexpr const char* kGroup =
    R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"Admins",
        "members":[{"value":"u1","display":"Babs","type":"User"}],"meta":{"resourceType":"Group"}})";

struct Case {
  const char* name;
  const char* type;
  const char* attributes;
  const char* excluded;
  const char* input;
  const char* expected;
};
std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.name; }

const Case kCases[] = {
    {"no parameters: default set, never password", "User", "", "", kUser, kDefaultUser},
    {"attributes=userName", "User", "userName", "", kUser, R"({)" ALWAYS_CORE_ONLY R"(,"userName":"bjensen"})"},
    {"attributes case-insensitive", "User", "USERNAME", "", kUser, R"({)" ALWAYS_CORE_ONLY R"(,"userName":"bjensen"})"},
    {"attributes urn-qualified", "User", CORE ":userName", "", kUser,
     R"({)" ALWAYS_CORE_ONLY R"(,"userName":"bjensen"})"},
    {"attributes with blanks and empty items", "User", " , userName ,,", "", kUser,
     R"({)" ALWAYS_CORE_ONLY R"(,"userName":"bjensen"})"},
    {"attributes=name.givenName", "User", "name.givenName", "", kUser,
     R"({)" ALWAYS_CORE_ONLY R"(,"name":{"givenName":"Barbara"}})"},
    {"attributes=emails.value", "User", "emails.value", "", kUser,
     R"({)" ALWAYS_CORE_ONLY R"(,"emails":[{"value":"b@x"},{"value":"b@home"}]})"},
    {"attributes=emails", "User", "emails", "", kUser,
     R"({)" ALWAYS_CORE_ONLY R"(,"emails":[{"value":"b@x","type":"work","primary":true},{"value":"b@home","type":"home"}]})"},
    {"attributes=emails.type,userName", "User", "emails.type,userName", "", kUser,
     R"({)" ALWAYS_CORE_ONLY R"(,"userName":"bjensen","emails":[{"type":"work"},{"type":"home"}]})"},
    {"attributes=name", "User", "name", "", kUser,
     R"({)" ALWAYS_CORE_ONLY R"(,"name":{"givenName":"Barbara","familyName":"Jensen"}})"},
    {"attributes=extension attribute", "User", ENT ":employeeNumber", "", kUser,
     R"({"schemas":[")" CORE R"(",")" ENT R"("],"id":"u1",)" META R"(,")" ENT R"(":{"employeeNumber":"7"}})"},
    {"attributes=bare extension urn", "User", ENT, "", kUser,
     R"({"schemas":[")" CORE R"(",")" ENT R"("],"id":"u1",)" META R"(,")" ENT
     R"(":{"employeeNumber":"7","manager":{"value":"m1"}}})"},
    {"attributes=manager.value", "User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:Manager.Value",
     "", kUser, R"({"schemas":[")" CORE R"(",")" ENT R"("],"id":"u1",)" META R"(,")" ENT R"(":{"manager":{"value":"m1"}}})"},
    {"attributes=password still hidden", "User", "password", "", kUser, R"({)" ALWAYS_CORE_ONLY R"(})"},
    {"attributes=unknown only: always ones", "User", "shoeSize", "", kUser, R"({)" ALWAYS_CORE_ONLY R"(})"},
    {"attributes=id", "User", "id", "", kUser, R"({)" ALWAYS_CORE_ONLY R"(})"},
    {"attributes=meta.created: meta is always whole", "User", "meta.created", "", kUser,
     R"({)" ALWAYS_CORE_ONLY R"(})"},
    {"attributes=externalId", "User", "externalId", "", kUser, R"({)" ALWAYS_CORE_ONLY R"(,"externalId":"e1"})"},
    {"excluded=emails", "User", "", "emails", kUser,
     R"({"schemas":[")" CORE R"(",")" ENT R"("],"id":"u1","externalId":"e1","userName":"bjensen",
         "name":{"givenName":"Barbara","familyName":"Jensen"},"displayName":"Babs","active":true,)" META R"(,
         ")" ENT R"(":{"employeeNumber":"7","manager":{"value":"m1"}}})"},
    {"excluded=name.givenName", "User", "", "name.givenName,emails,displayName,active,externalId," ENT, kUser,
     R"({)" ALWAYS_CORE_ONLY R"(,"userName":"bjensen","name":{"familyName":"Jensen"}})"},
    {"excluded=emails.value", "User", "", "EMAILS.VALUE , name , displayName,active,externalId," ENT, kUser,
     R"({)" ALWAYS_CORE_ONLY R"(,"userName":"bjensen","emails":[{"type":"work","primary":true},{"type":"home"}]})"},
    {"excluded=id and meta: always stay", "User", "userName", "id,meta", kUser,
     R"({)" ALWAYS_CORE_ONLY R"(,"userName":"bjensen"})"},
    {"excluded=extension urn", "User", "", ENT, kUser,
     R"({"schemas":[")" CORE R"("],"id":"u1","externalId":"e1","userName":"bjensen",
         "name":{"givenName":"Barbara","familyName":"Jensen"},"displayName":"Babs",
         "emails":[{"value":"b@x","type":"work","primary":true},{"value":"b@home","type":"home"}],
         "active":true,)" META R"(})"},
    {"excluded=extension attribute", "User", ENT ":manager", ENT ":employeeNumber", kUser,
     R"({"schemas":[")" CORE R"(",")" ENT R"("],"id":"u1",)" META R"(,")" ENT R"(":{"manager":{"value":"m1"}}})"},
    {"excluded=unknown: default set", "User", "", "shoeSize,urn:example:x:thing", kUser, kDefaultUser},
    {"attributes and excluded sub-attribute", "User", "emails", "emails.primary", kUser,
     R"({)" ALWAYS_CORE_ONLY R"(,"emails":[{"value":"b@x","type":"work"},{"value":"b@home","type":"home"}]})"},
    {"attributes=core urn: all core", "User", CORE, "", kUser,
     R"({)" ALWAYS_CORE_ONLY R"(,"externalId":"e1","userName":"bjensen",
         "name":{"givenName":"Barbara","familyName":"Jensen"},"displayName":"Babs",
         "emails":[{"value":"b@x","type":"work","primary":true},{"value":"b@home","type":"home"}],"active":true})"},
    {"group excluded=members (Entra)", "Group", "", "members", kGroup,
     R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"Admins",
         "meta":{"resourceType":"Group"}})"},
    {"group attributes=displayName", "Group", "displayName", "", kGroup,
     R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"Admins",
         "meta":{"resourceType":"Group"}})"},
    {"group attributes=members.value", "Group", "members.value", "", kGroup,
     R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","members":[{"value":"u1"}],
         "meta":{"resourceType":"Group"}})"},
    {"group default keeps everything", "Group", "", "", kGroup, kGroup},
    {"attributes of only commas: absent", "Group", " , ,", ",", kGroup, kGroup},
    {"unknown stored key kept by default", "Group", "", "",
     R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"A","x-extra":1})",
     R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"A","x-extra":1})"},
    {"unknown stored key dropped with attributes", "Group", "displayName", "",
     R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"A","x-extra":1})",
     R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"A"})"},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(schema_projection)

BOOST_DATA_TEST_CASE(projects, boost::unit_test::data::make(kCases), c) {
  const auto* rt = registry().resource_type(c.type);
  BOOST_TEST_REQUIRE(rt != nullptr);
  auto p = parse_projection(registry(), *rt, c.attributes, c.excluded);
  BOOST_TEST_REQUIRE(p.has_value(), (p.has_value() ? "" : p.error().detail));
  auto doc = parse(c.input).as_object();
  apply(*p, doc);
  BOOST_TEST(json::value(doc) == parse(c.expected), json::serialize(doc));
}

// A "returned: request" attribute appears only when asked for.
BOOST_AUTO_TEST_CASE(returned_request) {
  boost::system::error_code ec;
  auto schemas = json::parse(R"([{"id":"urn:t:Thing","attributes":[
      {"name":"label"},{"name":"secretish","returned":"request"},
      {"name":"box","type":"complex","subAttributes":[{"name":"a"},{"name":"b","returned":"request"}]}]}])",
                             ec);
  auto types = json::parse(R"([{"id":"Thing","endpoint":"/Things","schema":"urn:t:Thing"}])", ec);
  auto r = Registry::from_json(schemas.as_array(), types.as_array());
  BOOST_REQUIRE(r.has_value());
  const auto& rt = *r->resource_type("Thing");
  const char* stored = R"({"schemas":["urn:t:Thing"],"id":"t1","label":"l","secretish":"s","box":{"a":1,"b":2}})";

  auto none = parse_projection(*r, rt, "", "");
  auto doc = parse(stored).as_object();
  apply(*none, doc);
  BOOST_TEST(json::value(doc) == parse(R"({"schemas":["urn:t:Thing"],"id":"t1","label":"l","box":{"a":1}})"));

  auto asked = parse_projection(*r, rt, "secretish,box", "");
  doc = parse(stored).as_object();
  apply(*asked, doc);
  BOOST_TEST(json::value(doc) == parse(R"({"schemas":["urn:t:Thing"],"id":"t1","secretish":"s","box":{"a":1,"b":2}})"));

  auto sub = parse_projection(*r, rt, "box.b", "");
  doc = parse(stored).as_object();
  apply(*sub, doc);
  BOOST_TEST(json::value(doc) == parse(R"({"schemas":["urn:t:Thing"],"id":"t1","box":{"b":2}})"));
  BOOST_TEST(!wants(*none, "secretish"));
  BOOST_TEST(wants(*asked, "secretish"));
}

struct BadCase {
  const char* name;
  std::string attributes;
  std::string excluded;
  const char* detail_part;
};
std::ostream& operator<<(std::ostream& os, const BadCase& c) { return os << c.name; }
const BadCase kBad[] = {
    {"value filter in attributes", R"(emails[type eq "work"])", "", "attributes"},
    {"blank inside a name", "user name", "", "'user name'"},
    {"quote in excluded", "", "\"members\"", "excludedAttributes"},
    {"attributes too long", std::string(9000, 'a'), "", "8192"},
};

BOOST_DATA_TEST_CASE(refuses_malformed_parameters, boost::unit_test::data::make(kBad), c) {
  auto p = parse_projection(registry(), *registry().resource_type("User"), c.attributes, c.excluded);
  BOOST_REQUIRE(p.has_error());
  BOOST_TEST(p.error().scim_type == "invalidValue");
  BOOST_TEST(p.error().detail.find(c.detail_part) != std::string::npos, p.error().detail);
}

struct WantsCase {
  const char* name;
  const char* type;
  const char* attributes;
  const char* excluded;
  const char* query;
  bool expected;
};
std::ostream& operator<<(std::ostream& os, const WantsCase& c) { return os << c.name; }
const WantsCase kWants[] = {
    {"members excluded (Entra)", "Group", "", "members", "members", false},
    {"members excluded, other case", "Group", "", "Members", "MEMBERS", false},
    {"members by default", "Group", "", "", "members", true},
    {"members not among attributes", "Group", "displayName", "", "members", false},
    {"members.value among attributes", "Group", "members.value", "", "members", true},
    {"members.display excluded only", "Group", "", "members.display", "members", true},
    {"displayName while members excluded", "Group", "", "members", "displayName", true},
    {"password never", "User", "", "", "password", false},
    {"password even when asked", "User", "password", "", "password", false},
    {"id always", "User", "userName", "id", "id", true},
    {"unknown is wanted", "User", "", "", "shoeSize", true},
    {"extension attribute excluded", "User", "", ENT ":employeeNumber", ENT ":employeeNumber", false},
    {"extension by default", "User", "", "", ENT, true},
    {"extension not among attributes", "User", "userName", "", ENT, false},
    {"extension excluded", "User", "", ENT, ENT, false},
    {"emails.type not among emails.value", "User", "emails.value", "", "emails.type", false},
    {"emails.value among emails.value", "User", "emails.value", "", "emails.value", true},
    {"groups excluded", "User", "", "groups", "groups", false},
    {"groups by default", "User", "", "", "groups", true},
};

BOOST_DATA_TEST_CASE(wants_answers, boost::unit_test::data::make(kWants), c) {
  auto p = parse_projection(registry(), *registry().resource_type(c.type), c.attributes, c.excluded);
  BOOST_REQUIRE(p.has_value());
  BOOST_TEST(wants(*p, c.query) == c.expected);
}

BOOST_AUTO_TEST_SUITE_END()
