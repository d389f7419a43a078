#include "scim/schema/validator.hpp"

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

// A made-up resource type with the characteristics the standard schemas lack
// (immutable attributes, integers, decimals, dates, a required extension).
const Registry& things() {
  static const Registry r = [] {
    auto loaded = Registry::from_json(parse(R"([
      {"id":"urn:t:Thing","name":"Thing","attributes":[
        {"name":"code","type":"string","mutability":"immutable"},
        {"name":"label","type":"string","required":true},
        {"name":"count","type":"integer"},
        {"name":"ratio","type":"decimal"},
        {"name":"when","type":"dateTime"},
        {"name":"tags","type":"string","multiValued":true},
        {"name":"badge","type":"complex","subAttributes":[
          {"name":"serial","type":"string","mutability":"immutable","caseExact":true},
          {"name":"colour","type":"string"}]}]},
      {"id":"urn:t:Extra","attributes":[{"name":"note","type":"string","required":true}]}
    ])").as_array(),
                                      parse(R"([{"id":"Thing","endpoint":"/Things","schema":"urn:t:Thing",
        "schemaExtensions":[{"schema":"urn:t:Extra","required":true}]}])")
                                          .as_array());
    BOOST_TEST_REQUIRE(loaded.has_value(), (loaded.has_value() ? "" : loaded.error().detail));
    return std::move(*loaded);
  }();
  return r;
}

constexpr const char* kOkta =
    R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"isaac.brock@example.com",
        "name":{"givenName":"Isaac","familyName":"Brock"},
        "emails":[{"primary":true,"value":"isaac.brock@example.com","type":"work"}],
        "displayName":"Isaac Brock","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7","groups":[],
        "password":"1mz050nq","active":true})";

constexpr const char* kEntraUser =
    R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "externalId":"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
        "userName":"Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@testuser.com",
        "active":"True",
        "emails":[{"primary":true,"type":"work","value":"Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com"}],
        "meta":{"resourceType":"User"},
        "name":{"formatted":"givenName familyName","familyName":"familyName","givenName":"givenName"},
        "roles":[],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":
          {"employeeNumber":"1","department":"Dept","manager":"a6c4b1b0-30ff-4b3c-9d1f-08bc7a1b8f11"}})";

struct Case {
  const char* name;
  const char* type;  // "User", "Group" or "Thing"
  const char* input;
  Mode mode = Mode::Create;
  const char* existing = nullptr;
  const char* expected = nullptr;  // the normalised document, when valid
  const char* scim_type = "";      // when refused
  const char* detail_part = "";
};
std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.name; }

constexpr const char* U = "urn:ietf:params:scim:schemas:core:2.0:User";
#define USER_SCHEMAS R"("schemas":["urn:ietf:params:scim:schemas:core:2.0:User"])"
#define ENT_SCHEMAS \
  R"("schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"])"
#define ENT "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
#define GROUP_SCHEMAS R"("schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"])"
#define KGROUP_SCHEMAS \
  R"("schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","urn:ietf:params:scim:schemas:extension:kestra:2.0:Group"])"
#define KGROUP "urn:ietf:params:scim:schemas:extension:kestra:2.0:Group"
#define THING_SCHEMAS R"("schemas":["urn:t:Thing","urn:t:Extra"],"urn:t:Extra":{"note":"n"})"

const Case kCases[] = {
    // --- captured IdP bodies
    {"okta create user", "User", kOkta, Mode::Create, nullptr,
     R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"isaac.brock@example.com",
         "name":{"givenName":"Isaac","familyName":"Brock"},
         "emails":[{"primary":true,"value":"isaac.brock@example.com","type":"work"}],
         "displayName":"Isaac Brock","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7","active":true})"},
    {"entra create user", "User", kEntraUser, Mode::Create, nullptr,
     R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
         "externalId":"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
         "userName":"Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@testuser.com","active":true,
         "emails":[{"primary":true,"type":"work","value":"Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com"}],
         "name":{"formatted":"givenName familyName","familyName":"familyName","givenName":"givenName"},
         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":
           {"employeeNumber":"1","department":"Dept","manager":{"value":"a6c4b1b0-30ff-4b3c-9d1f-08bc7a1b8f11"}}})"},
    {"schemas repeated inside an extension is dropped", "User",
     R"({)" ENT_SCHEMAS R"(,"userName":"a",")" ENT R"(":{"schemas":[")" ENT R"("],"employeeNumber":"7"}})", Mode::Create,
     nullptr, R"({)" ENT_SCHEMAS R"(,"userName":"a",")" ENT R"(":{"employeeNumber":"7"}})"},
    {"entra active False", "User", R"({)" USER_SCHEMAS R"(,"userName":"a","active":"False"})", Mode::Create, nullptr,
     R"({)" USER_SCHEMAS R"(,"userName":"a","active":false})"},
    {"active lower-case true", "User", R"({)" USER_SCHEMAS R"(,"userName":"a","active":"true"})", Mode::Create,
     nullptr, R"({)" USER_SCHEMAS R"(,"userName":"a","active":true})"},
    {"active yes refused", "User", R"({)" USER_SCHEMAS R"(,"userName":"a","active":"yes"})", Mode::Create, nullptr,
     nullptr, "invalidValue", "'active'"},
    {"active number refused", "User", R"({)" USER_SCHEMAS R"(,"userName":"a","active":1})", Mode::Create, nullptr,
     nullptr, "invalidValue", "'active' must be a boolean"},
    {"okta push group", "Group", R"({)" GROUP_SCHEMAS R"(,"displayName":"Test SCIMv2","members":[]})", Mode::Create,
     nullptr, R"({)" GROUP_SCHEMAS R"(,"displayName":"Test SCIMv2"})"},
    {"entra group with microsoft urn", "Group",
     R"({"externalId":"8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159","displayName":"Group1DisplayName",
         "meta":{"resourceType":"Group"},
         "schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","urn:ietf:params:scim:schemas:extension:microsoft:2.0:Group"]})",
     Mode::Create, nullptr,
     R"({)" GROUP_SCHEMAS R"(,"externalId":"8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159","displayName":"Group1DisplayName"})"},
    {"entra group with ADSCIM uri", "Group",
     R"({"displayName":"G","schemas":["urn:ietf:params:scim:schemas:core:2.0:Group",
         "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"]})",
     Mode::Create, nullptr, R"({)" GROUP_SCHEMAS R"(,"displayName":"G"})"},
    {"empty foreign extension object", "Group",
     R"({"displayName":"G","schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","urn:example:x:2.0:Group"],
         "urn:example:x:2.0:Group":{}})",
     Mode::Create, nullptr, R"({)" GROUP_SCHEMAS R"(,"displayName":"G"})"},
    {"foreign extension with data", "Group",
     R"({"displayName":"G","schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","urn:example:x:2.0:Group"],
         "urn:example:x:2.0:Group":{"a":1}})",
     Mode::Create, nullptr, nullptr, "invalidSyntax", "urn:example:x:2.0:Group"},
    {"unlisted foreign extension with data", "Group",
     R"({)" GROUP_SCHEMAS R"(,"displayName":"G","urn:example:x:2.0:Group":{"a":1}})", Mode::Create, nullptr, nullptr,
     "invalidSyntax", "urn:example:x:2.0:Group"},

    // --- schemas
    {"schemas missing", "User", R"({"userName":"a"})", Mode::Create, nullptr, nullptr, "invalidSyntax", "schemas"},
    {"schemas not an array", "User", R"({"schemas":"urn:ietf:params:scim:schemas:core:2.0:User","userName":"a"})",
     Mode::Create, nullptr, nullptr, "invalidSyntax", "schemas"},
    {"schemas holds a number", "User", R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User",3],"userName":"a"})",
     Mode::Create, nullptr, nullptr, "invalidSyntax", "strings"},
    {"schemas without core", "User", R"({"schemas":[")" ENT R"("],"userName":"a"})", Mode::Create, nullptr, nullptr,
     "invalidSyntax", U},
    {"schemas other case", "User", R"({"schemas":["URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER"],"userName":"a"})",
     Mode::Create, nullptr, R"({)" USER_SCHEMAS R"(,"userName":"a"})"},
    {"group schema on user dropped", "User",
     R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:core:2.0:Group"],"userName":"a"})",
     Mode::Create, nullptr, R"({)" USER_SCHEMAS R"(,"userName":"a"})"},
    {"schemas key other case", "User", R"({"Schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a"})",
     Mode::Create, nullptr, R"({)" USER_SCHEMAS R"(,"userName":"a"})"},

    // --- names
    {"names normalised", "User",
     R"({)" USER_SCHEMAS R"(,"USERNAME":"a","Name":{"GIVENNAME":"x"},"EMAILS":[{"VALUE":"a@b","Type":"work"}]})",
     Mode::Create, nullptr,
     R"({)" USER_SCHEMAS R"(,"userName":"a","name":{"givenName":"x"},"emails":[{"value":"a@b","type":"work"}]})"},
    {"unknown attribute", "User", R"({)" USER_SCHEMAS R"(,"userName":"a","favouriteColour":"red"})", Mode::Create,
     nullptr, nullptr, "invalidSyntax", "'favouriteColour'"},
    {"attribute given twice", "User", R"({)" USER_SCHEMAS R"(,"userName":"a","USERNAME":"b"})", Mode::Create, nullptr,
     nullptr, "invalidSyntax", "twice"},
    {"sub-attribute given twice", "User", R"({)" USER_SCHEMAS R"(,"userName":"a","name":{"givenName":"x","GivenName":"y"}})",
     Mode::Create, nullptr, nullptr, "invalidSyntax", "'name.givenName' is given twice"},
    {"unknown sub-attribute", "User", R"({)" USER_SCHEMAS R"(,"userName":"a","emails":[{"value":"a@b","label":"x"}]})",
     Mode::Create, nullptr, nullptr, "invalidSyntax", "'emails.label'"},
    {"dotted key refused", "User", R"({)" USER_SCHEMAS R"(,"userName":"a","name.givenName":"x"})", Mode::Create,
     nullptr, nullptr, "invalidSyntax", "name.givenName"},
    {"core urn qualified key", "User", R"({)" USER_SCHEMAS R"(,"urn:ietf:params:scim:schemas:core:2.0:User:userName":"a"})",
     Mode::Create, nullptr, R"({)" USER_SCHEMAS R"(,"userName":"a"})"},
    {"extension urn qualified key", "User", R"({)" ENT_SCHEMAS R"(,"userName":"a",")" ENT R"(:department":"R&D"})",
     Mode::Create, nullptr, R"({)" ENT_SCHEMAS R"(,"userName":"a",")" ENT R"(":{"department":"R&D"}})"},
    {"extension attribute without urn", "User", R"({)" ENT_SCHEMAS R"(,"userName":"a","employeeNumber":"7"})",
     Mode::Create, nullptr, nullptr, "invalidSyntax", "'employeeNumber'"},

    // --- required
    {"userName missing", "User", R"({)" USER_SCHEMAS R"(,"displayName":"A"})", Mode::Create, nullptr, nullptr,
     "invalidValue", "'userName'"},
    {"userName empty", "User", R"({)" USER_SCHEMAS R"(,"userName":""})", Mode::Create, nullptr, nullptr,
     "invalidValue", "'userName'"},
    {"userName blank", "User", R"({)" USER_SCHEMAS R"(,"userName":"  "})", Mode::Create, nullptr, nullptr,
     "invalidValue", "'userName'"},
    {"userName null", "User", R"({)" USER_SCHEMAS R"(,"userName":null})", Mode::Create, nullptr, nullptr,
     "invalidValue", "'userName'"},
    {"group displayName missing", "Group", R"({)" GROUP_SCHEMAS R"(,"members":[]})", Mode::Create, nullptr, nullptr,
     "invalidValue", "'displayName'"},
    {"required extension missing", "Thing", R"({"schemas":["urn:t:Thing"],"label":"l"})", Mode::Create, nullptr,
     nullptr, "invalidValue", "urn:t:Extra"},
    {"required extension attribute blank", "Thing",
     R"({"schemas":["urn:t:Thing","urn:t:Extra"],"label":"l","urn:t:Extra":{"note":"  "}})", Mode::Create, nullptr,
     nullptr, "invalidValue", "'urn:t:Extra:note'"},
    {"extension attribute given twice", "Thing",
     R"({"schemas":["urn:t:Thing","urn:t:Extra"],"label":"l","urn:t:Extra":{"note":null,"NOTE":"x"}})", Mode::Create,
     nullptr, nullptr, "invalidSyntax", "twice"},

    // --- types
    {"userName number", "User", R"({)" USER_SCHEMAS R"(,"userName":42})", Mode::Create, nullptr, nullptr,
     "invalidValue", "'userName' must be a string"},
    {"userName array", "User", R"({)" USER_SCHEMAS R"(,"userName":["a"]})", Mode::Create, nullptr, nullptr,
     "invalidValue", "single-valued"},
    {"name as string", "User", R"({)" USER_SCHEMAS R"(,"userName":"a","name":"Isaac"})", Mode::Create, nullptr,
     nullptr, "invalidValue", "'name' must be a JSON object"},
    {"given name number", "User", R"({)" USER_SCHEMAS R"(,"userName":"a","name":{"givenName":1}})", Mode::Create,
     nullptr, nullptr, "invalidValue", "'name.givenName'"},
    {"email element string", "User", R"({)" USER_SCHEMAS R"(,"userName":"a","emails":["a@b"]})", Mode::Create, nullptr,
     nullptr, "invalidValue", "'emails'"},
    {"nested array", "User", R"({)" USER_SCHEMAS R"(,"userName":"a","emails":[[{"value":"a@b"}]]})", Mode::Create,
     nullptr, nullptr, "invalidValue", "nested array"},
    {"single email object wrapped", "User", R"({)" USER_SCHEMAS R"(,"userName":"a","emails":{"value":"a@b"}})",
     Mode::Create, nullptr, R"({)" USER_SCHEMAS R"(,"userName":"a","emails":[{"value":"a@b"}]})"},
    {"primary as string", "User", R"({)" USER_SCHEMAS R"(,"userName":"a","emails":[{"value":"a@b","primary":"True"}]})",
     Mode::Create, nullptr, R"({)" USER_SCHEMAS R"(,"userName":"a","emails":[{"value":"a@b","primary":true}]})"},
    {"externalId number", "User", R"({)" USER_SCHEMAS R"(,"userName":"a","externalId":5})", Mode::Create, nullptr,
     nullptr, "invalidValue", "'externalId'"},
    {"profileUrl number", "User", R"({)" USER_SCHEMAS R"(,"userName":"a","profileUrl":5})", Mode::Create, nullptr,
     nullptr, "invalidValue", "'profileUrl' must be a reference"},
    {"photo reference kept", "User",
     R"({)" USER_SCHEMAS R"(,"userName":"a","photos":[{"value":"https://p/x.jpg","type":"photo"}]})", Mode::Create,
     nullptr, R"({)" USER_SCHEMAS R"(,"userName":"a","photos":[{"value":"https://p/x.jpg","type":"photo"}]})"},
    {"certificate base64 kept", "User", R"({)" USER_SCHEMAS R"(,"userName":"a","x509Certificates":[{"value":"TUlJ"}]})",
     Mode::Create, nullptr, R"({)" USER_SCHEMAS R"(,"userName":"a","x509Certificates":[{"value":"TUlJ"}]})"},
    {"certificate not base64", "User", R"({)" USER_SCHEMAS R"(,"userName":"a","x509Certificates":[{"value":"no!"}]})",
     Mode::Create, nullptr, nullptr, "invalidValue", "'x509Certificates.value' must be a base64 string"},
    {"integer", "Thing", R"({)" THING_SCHEMAS R"(,"label":"l","count":3})", Mode::Create, nullptr,
     R"({)" THING_SCHEMAS R"(,"label":"l","count":3})"},
    {"integral double to integer", "Thing", R"({)" THING_SCHEMAS R"(,"label":"l","count":3.0})", Mode::Create, nullptr,
     R"({)" THING_SCHEMAS R"(,"label":"l","count":3})"},
    {"fraction refused for integer", "Thing", R"({)" THING_SCHEMAS R"(,"label":"l","count":3.5})", Mode::Create,
     nullptr, nullptr, "invalidValue", "'count' must be an integer"},
    {"string refused for integer", "Thing", R"({)" THING_SCHEMAS R"(,"label":"l","count":"3"})", Mode::Create, nullptr,
     nullptr, "invalidValue", "'count'"},
    {"decimal", "Thing", R"({)" THING_SCHEMAS R"(,"label":"l","ratio":2.5})", Mode::Create, nullptr,
     R"({)" THING_SCHEMAS R"(,"label":"l","ratio":2.5})"},
    {"string refused for decimal", "Thing", R"({)" THING_SCHEMAS R"(,"label":"l","ratio":"2.5"})", Mode::Create,
     nullptr, nullptr, "invalidValue", "'ratio' must be a number"},
    {"dateTime", "Thing", R"({)" THING_SCHEMAS R"(,"label":"l","when":"2024-02-29T10:00:00.123+02:00"})", Mode::Create,
     nullptr, R"({)" THING_SCHEMAS R"(,"label":"l","when":"2024-02-29T10:00:00.123+02:00"})"},
    {"dateTime not a leap day", "Thing", R"({)" THING_SCHEMAS R"(,"label":"l","when":"2023-02-29T10:00:00Z"})",
     Mode::Create, nullptr, nullptr, "invalidValue", "'when' must be an RFC 3339"},
    {"dateTime without offset", "Thing", R"({)" THING_SCHEMAS R"(,"label":"l","when":"2024-01-01T10:00:00"})",
     Mode::Create, nullptr, nullptr, "invalidValue", "'when'"},
    {"multi-valued strings wrapped", "Thing", R"({)" THING_SCHEMAS R"(,"label":"l","tags":"x"})", Mode::Create, nullptr,
     R"({)" THING_SCHEMAS R"(,"label":"l","tags":["x"]})"},

    // --- primary
    {"two primary emails", "User",
     R"({)" USER_SCHEMAS R"(,"userName":"a","emails":[{"value":"a@b","primary":true},{"value":"c@d","primary":"true"}]})",
     Mode::Create, nullptr, nullptr, "invalidValue", "'emails' has 2 values with primary true"},
    {"two primary addresses", "User",
     R"({)" USER_SCHEMAS R"(,"userName":"a","addresses":[{"locality":"x","primary":true},{"locality":"y","primary":true}]})",
     Mode::Create, nullptr, nullptr, "invalidValue", "'addresses'"},
    {"one primary among several", "User",
     R"({)" USER_SCHEMAS R"(,"userName":"a","phoneNumbers":[{"value":"1","primary":true},{"value":"2","primary":false}]})",
     Mode::Create, nullptr,
     R"({)" USER_SCHEMAS R"(,"userName":"a","phoneNumbers":[{"value":"1","primary":true},{"value":"2","primary":false}]})"},

    // --- read-only, write-only, null
    {"password number refused", "User", R"({)" USER_SCHEMAS R"(,"userName":"a","password":123})", Mode::Create,
     nullptr, nullptr, "invalidValue", "'password'"},
    {"id meta and groups ignored", "User",
     R"({)" USER_SCHEMAS R"(,"id":"x","meta":{"version":"W/\"1\""},"userName":"a","groups":[{"value":"g1"}]})",
     Mode::Create, nullptr, R"({)" USER_SCHEMAS R"(,"userName":"a"})"},
    {"nulls mean absent", "User",
     R"({)" USER_SCHEMAS R"(,"userName":"a","displayName":null,"name":{"givenName":null},"emails":[null],"externalId":null})",
     Mode::Create, nullptr, R"({)" USER_SCHEMAS R"(,"userName":"a"})"},
    {"empty complex and array mean absent", "User", R"({)" USER_SCHEMAS R"(,"userName":"a","name":{},"emails":[]})",
     Mode::Create, nullptr, R"({)" USER_SCHEMAS R"(,"userName":"a"})"},

    // --- enterprise extension
    {"extension data not listed", "User", R"({)" USER_SCHEMAS R"(,"userName":"a",")" ENT R"(":{"department":"x"}})",
     Mode::Create, nullptr, nullptr, "invalidSyntax", "not listed"},
    {"extension listed without data", "User", R"({)" ENT_SCHEMAS R"(,"userName":"a"})", Mode::Create, nullptr,
     R"({)" USER_SCHEMAS R"(,"userName":"a"})"},
    {"extension unknown attribute", "User", R"({)" ENT_SCHEMAS R"(,"userName":"a",")" ENT R"(":{"shoeSize":"9"}})",
     Mode::Create, nullptr, nullptr, "invalidSyntax", "shoeSize"},
    {"extension as string", "User", R"({)" ENT_SCHEMAS R"(,"userName":"a",")" ENT R"(":"x"})", Mode::Create, nullptr,
     nullptr, "invalidValue", "must be a JSON object"},
    {"extension key other case", "User",
     R"({)" ENT_SCHEMAS R"(,"userName":"a","urn:ietf:params:scim:schemas:extension:Enterprise:2.0:user":{"Department":"x"}})",
     Mode::Create, nullptr, R"({)" ENT_SCHEMAS R"(,"userName":"a",")" ENT R"(":{"department":"x"}})"},
    {"manager object, display name dropped", "User",
     R"({)" ENT_SCHEMAS R"(,"userName":"a",")" ENT R"(":{"manager":{"value":"m1","displayName":"Boss"}}})", Mode::Create,
     nullptr, R"({)" ENT_SCHEMAS R"(,"userName":"a",")" ENT R"(":{"manager":{"value":"m1"}}})"},
    {"manager number refused", "User", R"({)" ENT_SCHEMAS R"(,"userName":"a",")" ENT R"(":{"manager":7}})",
     Mode::Create, nullptr, nullptr, "invalidValue", "manager"},

    // --- groups
    {"group members normalised", "Group",
     R"({)" GROUP_SCHEMAS R"(,"displayName":"Admins","members":[{"value":"u1","display":"Ann","type":"User",
         "$ref":"https://h/Users/u1"},{"Value":"g2","type":"Group"}]})",
     Mode::Create, nullptr,
     R"({)" GROUP_SCHEMAS R"(,"displayName":"Admins","members":[{"value":"u1","type":"User","$ref":"https://h/Users/u1"},
         {"value":"g2","type":"Group"}]})"},
    {"member type outside canonical values", "Group",
     R"({)" GROUP_SCHEMAS R"(,"displayName":"A","members":[{"value":"u1","type":"Person"}]})", Mode::Create, nullptr,
     R"({)" GROUP_SCHEMAS R"(,"displayName":"A","members":[{"value":"u1","type":"Person"}]})"},
    {"member unknown sub-attribute", "Group",
     R"({)" GROUP_SCHEMAS R"(,"displayName":"A","members":[{"value":"u1","operation":"add"}]})", Mode::Create, nullptr,
     nullptr, "invalidSyntax", "'members.operation'"},
    {"kestra roles", "Group",
     R"({)" KGROUP_SCHEMAS R"(,"displayName":"A",")" KGROUP R"(":{"roles":[{"value":"Developer","primary":"True"}]}})",
     Mode::Create, nullptr,
     R"({)" KGROUP_SCHEMAS R"(,"displayName":"A",")" KGROUP R"(":{"roles":[{"value":"Developer","primary":true}]}})"},
    {"kestra roles two primaries", "Group",
     R"({)" KGROUP_SCHEMAS R"(,"displayName":"A",")" KGROUP R"(":{"roles":[{"value":"a","primary":true},{"value":"b","primary":true}]}})",
     Mode::Create, nullptr, nullptr, "invalidValue", KGROUP ":roles"},
    {"replace group members freely", "Group", R"({)" GROUP_SCHEMAS R"(,"displayName":"A","members":[{"value":"u2"}]})",
     Mode::Replace, R"({)" GROUP_SCHEMAS R"(,"displayName":"A","members":[{"value":"u1","type":"User"}]})",
     R"({)" GROUP_SCHEMAS R"(,"displayName":"A","members":[{"value":"u2"}]})"},

    // --- immutable on replace
    {"immutable unchanged (case-insensitive)", "Thing", R"({)" THING_SCHEMAS R"(,"label":"l","code":"ABC"})",
     Mode::Replace, R"({)" THING_SCHEMAS R"(,"label":"old","code":"abc"})",
     R"({)" THING_SCHEMAS R"(,"label":"l","code":"ABC"})"},
    {"immutable changed", "Thing", R"({)" THING_SCHEMAS R"(,"label":"l","code":"xyz"})", Mode::Replace,
     R"({)" THING_SCHEMAS R"(,"label":"old","code":"abc"})", nullptr, "mutability", "'code'"},
    {"immutable omitted is kept", "Thing", R"({)" THING_SCHEMAS R"(,"label":"l"})", Mode::Replace,
     R"({)" THING_SCHEMAS R"(,"label":"old","code":"abc"})", R"({)" THING_SCHEMAS R"(,"label":"l","code":"abc"})"},
    {"immutable set when unset", "Thing", R"({)" THING_SCHEMAS R"(,"label":"l","code":"new"})", Mode::Replace,
     R"({)" THING_SCHEMAS R"(,"label":"old"})", R"({)" THING_SCHEMAS R"(,"label":"l","code":"new"})"},
    {"create ignores existing", "Thing", R"({)" THING_SCHEMAS R"(,"label":"l","code":"xyz"})", Mode::Create,
     R"({)" THING_SCHEMAS R"(,"label":"old","code":"abc"})", R"({)" THING_SCHEMAS R"(,"label":"l","code":"xyz"})"},
    {"immutable sub-attribute changed", "Thing", R"({)" THING_SCHEMAS R"(,"label":"l","badge":{"serial":"S2"}})",
     Mode::Replace, R"({)" THING_SCHEMAS R"(,"label":"old","badge":{"serial":"S1"}})", nullptr, "mutability",
     "'badge.serial'"},
    {"immutable sub-attribute case-exact", "Thing", R"({)" THING_SCHEMAS R"(,"label":"l","badge":{"serial":"s1"}})",
     Mode::Replace, R"({)" THING_SCHEMAS R"(,"label":"old","badge":{"serial":"S1"}})", nullptr, "mutability",
     "'badge.serial'"},
    {"immutable sub-attribute kept", "Thing", R"({)" THING_SCHEMAS R"(,"label":"l","badge":{"colour":"red"}})",
     Mode::Replace, R"({)" THING_SCHEMAS R"(,"label":"old","badge":{"serial":"S1","colour":"blue"}})",
     R"({)" THING_SCHEMAS R"(,"label":"l","badge":{"colour":"red","serial":"S1"}})"},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(schema_validator)

BOOST_DATA_TEST_CASE(validates, boost::unit_test::data::make(kCases), c) {
  const Registry& r = std::string_view(c.type) == "Thing" ? things() : registry();
  const ResourceType* rt = r.resource_type(c.type);
  BOOST_TEST_REQUIRE(rt != nullptr);
  auto input = parse(c.input).as_object();
  json::object existing_doc;
  if (c.existing) existing_doc = parse(c.existing).as_object();
  auto result = validate_resource(r, *rt, input, c.mode, c.existing ? &existing_doc : nullptr);
  if (c.expected) {
    BOOST_TEST_REQUIRE(result.has_value(), (result.has_value() ? "" : result.error().detail));
    BOOST_TEST(json::value(*result) == parse(c.expected), json::serialize(*result));
    // `schemas` leads the document.
    BOOST_TEST(result->begin()->key() == "schemas");
    return;
  }
  BOOST_TEST_REQUIRE(result.has_error(), "accepted: " << (result.has_value() ? json::serialize(*result) : ""));
  BOOST_TEST((result.error().kind == kestra::ErrorKind::InvalidInput));
  BOOST_TEST(result.error().scim_type == c.scim_type);
  BOOST_TEST(result.error().detail.find(c.detail_part) != std::string::npos, result.error().detail);
}

BOOST_AUTO_TEST_CASE(password_is_never_stored) {
  auto rt = registry().resource_type("User");
  auto result = validate_resource(registry(), *rt, parse(kOkta).as_object(), Mode::Create);
  BOOST_REQUIRE(result.has_value());
  BOOST_TEST(!result->contains("password"));
  BOOST_TEST(!result->contains("groups"));
  BOOST_TEST(result->at("externalId") == "00ujl29u0le5T6Aj10h7");
  BOOST_TEST(result->at("active") == true);
}

BOOST_AUTO_TEST_CASE(core_required_checked_before_extension) {
  auto result = validate_resource(things(), *things().resource_type("Thing"),
                                  parse(R"({"schemas":["urn:t:Thing","urn:t:Extra"],"urn:t:Extra":{"note":" "}})")
                                      .as_object(),
                                  Mode::Create);
  BOOST_REQUIRE(result.has_error());
  BOOST_TEST(result.error().detail.find("'label'") != std::string::npos, result.error().detail);
}

BOOST_AUTO_TEST_CASE(validate_value_for_patch) {
  const auto* emails = registry().schema(U)->attribute("emails");
  auto ok = validate_value(*emails, parse(R"({"value":"a@b","primary":"False"})"), "emails");
  BOOST_REQUIRE(ok.has_value());
  BOOST_REQUIRE(ok->has_value());
  BOOST_TEST(**ok == parse(R"([{"value":"a@b","primary":false}])"));
  auto absent = validate_value(*emails, parse("null"), "emails");
  BOOST_REQUIRE(absent.has_value());
  BOOST_TEST(!absent->has_value());
  auto bad = validate_value(*emails, parse(R"([{"value":1}])"), "emails");
  BOOST_REQUIRE(bad.has_error());
  BOOST_TEST(bad.error().detail.find("'emails.value'") != std::string::npos);
}

struct LengthCase {
  const char* name;
  std::string value;
  bool accepted;  // within 4 characters
};
std::ostream& operator<<(std::ostream& os, const LengthCase& c) { return os << c.name; }
const LengthCase kLengths[] = {
    {"ASCII at the limit", "abcd", true},
    {"ASCII over", "abcde", false},
    {"characters, not bytes", "\xC3\x9F\xC3\x9F\xC3\x9F\xC3\x9F", true},  // ßßßß: 8 bytes
    {"four-byte characters", "\xF0\x9F\x98\x80\xF0\x9F\x98\x80", true},
    {"not UTF-8", "\xFF", false},
    {"empty", "", true},
};

BOOST_DATA_TEST_CASE(check_length_counts_characters, boost::unit_test::data::make(kLengths), c) {
  auto checked = check_length("userName", c.value, 4);
  BOOST_TEST(checked.has_value() == c.accepted);
  if (!checked) {
    BOOST_TEST(checked.error().scim_type == "invalidValue");
    BOOST_TEST(checked.error().detail == "'userName' is longer than 4 characters");
  }
}

struct DateCase {
  const char* text;
  bool valid;
};
std::ostream& operator<<(std::ostream& os, const DateCase& c) { return os << c.text; }
const DateCase kDates[] = {
    {"2011-08-01T18:29:49.793Z", true},  {"2011-08-01T18:29:49Z", true},     {"2011-08-01t18:29:49z", true},
    {"2011-08-01T18:29:49-07:00", true}, {"2016-12-31T23:59:60Z", true},     {"2000-02-29T00:00:00Z", true},
    {"1900-02-29T00:00:00Z", false},     {"2011-13-01T00:00:00Z", false},    {"2011-04-31T00:00:00Z", false},
    {"2011-08-01T24:00:00Z", false},     {"2011-08-01 18:29:49Z", false},    {"2011-08-01T18:29:49", false},
    {"2011-08-01T18:29:49.Z", false},    {"2011-08-01T18:29:49+0700", false}, {"2011-08-01", false},
    {"", false},                         {"2011-08-01T18:29:49Zjunk", false},
};

BOOST_DATA_TEST_CASE(date_times, boost::unit_test::data::make(kDates), c) { BOOST_TEST(is_date_time(c.text) == c.valid); }

BOOST_AUTO_TEST_SUITE_END()

// Names and addresses hold no control or bidi override characters.
struct PlainTextCase {
  const char* name;
  std::string value;
  bool accepted;
};
std::ostream& operator<<(std::ostream& out, const PlainTextCase& c) { return out << c.name; }

const PlainTextCase kPlainText[] = {
    {"ascii", "alice@example.com", true},
    {"accents and CJK", "Zo\xc3\xab \xe5\xb1\xb1\xe7\x94\xb0", true},
    {"space and emoji", "Team \xf0\x9f\x9a\x80 one", true},
    {"right-to-left letters", "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d", true},
    {"LF", "alice\n@example.com", false},
    {"CR", "alice\r@example.com", false},
    {"NUL", std::string("alice\0x", 7), false},
    {"TAB", "alice\t", false},
    {"DEL", "alice\x7f", false},
    {"C1 NEL", "alice\xc2\x85", false},
    {"RLO", "moc.elpmaxe\xe2\x80\xae@alice", false},
    {"LRE", "\xe2\x80\xaa" "alice", false},
    {"RLI", "\xe2\x81\xa7" "alice", false},
    {"PDI", "alice\xe2\x81\xa9", false},
    {"not UTF-8", "alice\xff", false},
};

BOOST_DATA_TEST_CASE(plain_text_refuses_controls_and_bidi_overrides, boost::unit_test::data::make(kPlainText), c) {
  const auto checked = kestra::scim::schema::check_plain_text("userName", c.value);
  BOOST_TEST(checked.has_value() == c.accepted);
  if (!checked) {
    BOOST_TEST(checked.error().scim_type == "invalidValue");
    BOOST_TEST(checked.error().detail.find("userName") != std::string::npos);
  }
}
