// In-memory filter evaluation over a realistic Okta / Entra ID user.
#include "scim/filter/evaluator.hpp"
#include "scim/filter/parser.hpp"
#include "scim/filter/patch_path.hpp"
#include "scim/filter/render.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <cctype>
#include <array>
#include <map>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace json = boost::json;
using kestra::scim::filter::AttributeInfo;
using kestra::scim::filter::AttributeLookup;
using kestra::scim::filter::AttrPath;
using Type = AttributeInfo::Type;

constexpr const char* kUser = R"~({
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
  "id": "2819c223-7f76-453a-919d-413861904646",
  "externalId": "00u1abcdEFGH",
  "userName": "Barbara.Jensen@example.com",
  "name": {"formatted": "Ms. Barbara J Jensen III", "familyName": "Jensen", "givenName": "Barbara",
           "middleName": null},
  "displayName": "Babs Jensen",
  "nickName": "",
  "title": "Tour Guide",
  "userType": "Employee",
  "preferredLanguage": "en-US",
  "active": true,
  "emails": [
    {"value": "bjensen@example.com", "type": "work", "primary": true},
    {"value": "babs@jensen.org", "type": "home", "primary": false}
  ],
  "phoneNumbers": [{"value": "555-555-8377", "type": "work"}],
  "ims": [],
  "photos": [{}],
  "addresses": [{"type": "work", "streetAddress": "100 Universal City Plaza", "locality": "Ηράκλειο Ǆurđevac",
                 "postalCode": "91608", "country": "USA", "primary": true}],
  "groups": [{"value": "e9e30dba-f08f-4109-8486-d5c6a331660a", "display": "Tour Guides"}],
  "loginCount": 42,
  "score": 7.5,
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
    "employeeNumber": "701984",
    "costCenter": "4130",
    "organization": "Universal Studios",
    "division": "Theme Park",
    "department": "Tour Operations",
    "manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d", "displayName": "John Smith"}
  },
  "meta": {"resourceType": "User", "created": "2010-01-23T04:56:22Z",
           "lastModified": "2011-05-13T06:42:34.123+02:00", "version": "W/\"3694e05e9dff591\""}
})~";

// What the schema registry would say about a few attributes; everything else
// is unknown (the evaluator then goes by the JSON type).
std::string key_of(const AttrPath& path, const AttrPath* parent) {
  std::string key = parent ? parent->attribute + "/" : std::string();
  key += path.urn.empty() ? "" : path.urn + ":";
  key += path.attribute;
  if (!path.sub_attribute.empty()) key += "." + path.sub_attribute;
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

const AttributeLookup kLookup = [](const AttrPath& path, const AttrPath* parent) -> std::optional<AttributeInfo> {
  static const std::map<std::string, AttributeInfo> known = {
      {"id", {Type::String, true, false}},
      {"externalid", {Type::String, true, false}},
      {"username", {Type::String, false, false}},
      {"active", {Type::Boolean, false, false}},
      {"logincount", {Type::Integer, false, false}},
      {"score", {Type::Decimal, false, false}},
      {"schemas", {Type::Reference, true, true}},
      {"emails", {Type::Complex, false, true}},
      {"emails.value", {Type::String, false, true}},
      {"emails.type", {Type::String, false, true}},
      {"emails.primary", {Type::Boolean, false, true}},
      {"emails/value", {Type::String, false, false}},
      {"emails/type", {Type::String, false, false}},
      {"emails/primary", {Type::Boolean, false, false}},
      {"meta.created", {Type::DateTime, false, false}},
      {"meta.lastmodified", {Type::DateTime, false, false}},
      {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:manager.value", {Type::String, true, false}},
      {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:employeenumber", {Type::String, false, false}},
  };
  if (auto it = known.find(key_of(path, parent)); it != known.end()) return it->second;
  return std::nullopt;
};

const json::object& user() {
  static const json::object parsed = json::parse(kUser).as_object();
  return parsed;
}

struct EvalCase {
  const char* filter;
  bool expected;
};
std::ostream& operator<<(std::ostream& os, const EvalCase& c) { return os << c.filter << " → " << c.expected; }

const EvalCase kEvalCases[] = {
    // Strings: case-insensitive unless caseExact; attribute names case-insensitive.
    {R"~(userName eq "Barbara.Jensen@example.com")~", true},
    {R"~(userName eq "barbara.jensen@EXAMPLE.com")~", true},
    {R"~(USERNAME eq "barbara.jensen@example.com")~", true},
    {R"~(userName eq "other@example.com")~", false},
    {R"~(userName sw "barbara")~", true},
    {R"~(userName ew "@EXAMPLE.COM")~", true},
    {R"~(userName co "JENSEN")~", true},
    {R"~(userName co "smith")~", false},
    {R"~(userName sw "jensen")~", false},
    // Beyond ASCII, as the stores fold (Unicode simple case folding).
    {R"~(addresses[locality eq "ΗΡΆΚΛΕΙΟ ǄURĐEVAC"])~", true},
    {R"~(addresses[locality sw "ηράκλειο ǆ"])~", true},
    {R"~(addresses[locality co "IOX"])~", false},
    {R"~(externalId eq "00u1abcdEFGH")~", true},
    {R"~(externalId eq "00u1abcdefgh")~", false},
    {R"~(externalId sw "00U1")~", false},
    {R"~(id eq "2819c223-7f76-453a-919d-413861904646")~", true},
    {R"~(displayName eq "babs jensen")~", true},
    {R"~(displayName gt "A")~", true},
    {R"~(displayName lt "babs")~", false},
    {R"~(displayName ge "BABS JENSEN")~", true},
    {R"~(preferredLanguage le "en-US")~", true},
    {R"~(userName eq 42)~", false},
    // Presence.
    {R"~(title pr)~", true},
    {R"~(nickName pr)~", false},
    {R"~(name.middleName pr)~", false},
    {R"~(ims pr)~", false},
    {R"~(photos pr)~", false},
    {R"~(emails pr)~", true},
    {R"~(emails.value pr)~", true},
    {R"~(name pr)~", true},
    {R"~(nosuch pr)~", false},
    {R"~(not (title pr))~", false},
    // Sub-attributes and multi-valued attributes (ANY element).
    {R"~(name.familyName eq "jensen")~", true},
    {R"~(name.givenName sw "Barb" and name.familyName ew "sen")~", true},
    {R"~(emails eq "babs@jensen.org")~", true},
    {R"~(emails co "example.com")~", true},
    {R"~(emails.value co "example.org")~", false},
    {R"~(emails.value ew "jensen.org")~", true},
    {R"~(emails.type eq "home")~", true},
    {R"~(emails.type eq "other")~", false},
    {R"~(groups.display eq "tour guides")~", true},
    {R"~(schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")~", true},
    {R"~(schemas eq "urn:ietf:params:scim:schemas:core:2.0:Group")~", false},
    {R"~(meta.resourceType eq "user")~", true},
    // Value paths: one element must satisfy the whole value filter.
    {R"~(emails[type eq "work" and value co "@example.com"])~", true},
    {R"~(emails[type eq "home" and value co "@example.com"])~", false},
    {R"~(emails.type eq "home" and emails.value co "@example.com")~", true},
    {R"~(emails[type eq "work"].value eq "bjensen@example.com")~", true},
    {R"~(emails[type eq "home"].value eq "bjensen@example.com")~", false},
    {R"~(emails[primary eq true].value ew "example.com")~", true},
    {R"~(emails[primary eq "True"])~", true},
    {R"~(emails[type eq "work" or (type eq "home" and value ew "@jensen.org")])~", true},
    {R"~(emails[not (type eq "work")])~", true},
    {R"~(emails[not (type eq "work" or type eq "home")])~", false},
    {R"~(phoneNumbers[type eq "work" and value eq "555-555-8377"])~", true},
    {R"~(addresses[country eq "usa" and postalCode sw "916"])~", true},
    {R"~(ims[type eq "xmpp"])~", false},
    {R"~(nosuch[type eq "xmpp"])~", false},
    {R"~(schemas[value ew "enterprise:2.0:User"])~", true},
    {R"~(name[givenName eq "barbara"])~", true},
    // RFC 7644 examples.
    {R"~(title pr and userType eq "Employee")~", true},
    {R"~(title pr or userType eq "Intern")~", true},
    {R"~(nosuch pr or userType eq "Intern")~", false},
    {R"~(userType eq "Employee" and (emails co "example.com" or emails.value co "example.org"))~", true},
    {R"~(userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org"))~", false},
    {R"~(userType eq "Employee" and emails[type eq "work" and value co "@example.com"])~", true},
    // ne is not (eq); null.
    {R"~(userType ne "Contractor")~", true},
    {R"~(userType ne "employee")~", false},
    {R"~(nosuch ne "x")~", true},
    {R"~(emails.type ne "home")~", false},
    {R"~(title eq null)~", false},
    {R"~(nosuch eq null)~", true},
    {R"~(name.middleName eq null)~", true},
    {R"~(title ne null)~", true},
    {R"~(nosuch ne null)~", false},
    {R"~(title gt null)~", false},
    {R"~(nickName eq null)~", true},
    {R"~(nickName ne null)~", false},
    {R"~(ims eq null)~", true},
    {R"~(emails eq null)~", false},
    {R"~(emails.value ne null)~", true},
    {R"~(emails[type ne null and display eq null])~", true},
    // Booleans, including Entra's "True"/"False" strings.
    {R"~(active eq true)~", true},
    {R"~(active eq false)~", false},
    {R"~(active ne false)~", true},
    {R"~(active eq "True")~", true},
    {R"~(active eq "true")~", true},
    {R"~(active eq "FALSE")~", false},
    {R"~(active ne "False")~", true},
    {R"~(active eq "yes")~", false},
    {R"~(active gt "x")~", false},
    {R"~(active gt true)~", false},
    {R"~(active co "t")~", false},
    {R"~(active eq 1)~", false},
    {R"~(title eq true)~", false},
    // Numbers.
    {R"~(loginCount gt 41)~", true},
    {R"~(loginCount ge 42)~", true},
    {R"~(loginCount lt 42)~", false},
    {R"~(loginCount le 42)~", true},
    {R"~(loginCount eq 42)~", true},
    {R"~(loginCount eq 42.0)~", true},
    {R"~(loginCount eq 4.2e1)~", true},
    {R"~(loginCount gt 4.2e1)~", false},
    {R"~(loginCount gt -1)~", true},
    {R"~(loginCount lt 12345678901234567890)~", true},
    {R"~(loginCount eq "42")~", false},
    {R"~(loginCount ne "42")~", true},
    {R"~(loginCount co 4)~", false},
    {R"~(score gt 7)~", true},
    {R"~(score lt 7.6)~", true},
    {R"~(score eq 7.5)~", true},
    {R"~(score ge 75e-1)~", true},
    // DateTime: instants, not strings (lastModified is 04:42:34.123Z).
    {R"~(meta.lastModified gt "2011-05-13T04:42:34Z")~", true},
    {R"~(meta.lastModified lt "2011-05-13T04:42:35Z")~", true},
    {R"~(meta.lastModified eq "2011-05-13T04:42:34.123Z")~", true},
    {R"~(meta.lastModified eq "2011-05-13T04:42:34.1230000Z")~", true},
    {R"~(meta.lastModified ge "2011-05-13T06:42:34.123+02:00")~", true},
    {R"~(meta.lastModified le "2011-05-13T01:00:00-04:00")~", true},
    {R"~(meta.lastModified gt "2011-05-13T05:00:00Z")~", false},
    {R"~(meta.lastModified lt "2011-05-13T04:42:34.123Z")~", false},
    {R"~(meta.lastModified gt "2011-05-12T23:59:59")~", true},
    {R"~(meta.lastModified sw "2011-05-13T06")~", true},
    {R"~(meta.created ge "2010-01-23T04:56:22Z")~", true},
    {R"~(meta.created gt "2010-01-23T04:56:22Z")~", false},
    {R"~(meta.created lt "2010-01-23T04:56:22.001Z")~", true},
    {R"~(meta.created lt "2010-02-30T00:00:00Z")~", true},
    {R"~(meta.created gt "not a date")~", false},
    // Schema-qualified paths.
    {R"~(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984")~", true},
    {R"~(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "1")~", false},
    {R"~(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d")~",
     true},
    {R"~(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915-6090-4610-87E4-49D8CA9F808D")~",
     false},
    {R"~(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq "26118915-6090-4610-87e4-49d8ca9f808d")~",
     true},
    {R"~(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName eq "john smith")~", true},
    {R"~(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department pr)~", true},
    {R"~(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter eq "9999")~", false},
    {R"~(URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:EmployeeNumber eq "701984")~", true},
    {R"~(urn:ietf:params:scim:schemas:core:2.0:User:userName eq "barbara.jensen@example.com")~", true},
    {R"~(urn:ietf:params:scim:schemas:core:2.0:User:name.familyName eq "Jensen")~", true},
    {R"~(urn:ietf:params:scim:schemas:extension:other:2.0:User:userName pr)~", false},
    {R"~(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:userName pr)~", false},
    {R"~(employeeNumber eq "701984")~", false},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(filter_evaluator)

BOOST_DATA_TEST_CASE(matches_the_user, boost::unit_test::data::make(kEvalCases), c) {
  auto parsed = kestra::scim::filter::parse_filter(c.filter);
  BOOST_TEST_REQUIRE(parsed.has_value(), (parsed.has_error() ? parsed.error().detail : ""));
  BOOST_TEST(kestra::scim::filter::matches(**parsed, user(), kLookup) == c.expected);
}

BOOST_AUTO_TEST_CASE(value_filter_selects_patch_targets) {
  const auto selected = [](const char* path_text) {
    auto path = kestra::scim::filter::parse_patch_path(path_text);
    BOOST_TEST_REQUIRE(path.has_value());
    BOOST_TEST_REQUIRE(path->value_filter != nullptr);
    std::vector<std::size_t> indices;
    const auto& elements = user().at(path->attribute.attribute).as_array();
    for (std::size_t i = 0; i < elements.size(); ++i) {
      if (kestra::scim::filter::matches_element(*path->value_filter, elements[i], path->attribute, kLookup)) {
        indices.push_back(i);
      }
    }
    return indices;
  };
  BOOST_TEST(selected(R"~(emails[type eq "work"].value)~") == std::vector<std::size_t>{0});
  BOOST_TEST(selected(R"~(emails[type eq "HOME"])~") == std::vector<std::size_t>{1});
  BOOST_TEST(selected(R"~(emails[value pr])~") == (std::vector<std::size_t>{0, 1}));
  BOOST_TEST(selected(R"~(emails[primary eq "False"])~") == std::vector<std::size_t>{1});
  BOOST_TEST(selected(R"~(emails[type eq "other"])~").empty());
  BOOST_TEST(selected(R"~(schemas[value eq "URN:ietf:params:scim:schemas:core:2.0:User"])~").empty());
  BOOST_TEST(selected(R"~(schemas[value eq "urn:ietf:params:scim:schemas:core:2.0:User"])~") ==
             std::vector<std::size_t>{0});
}

BOOST_AUTO_TEST_CASE(members_removal_path_selects_by_value) {
  const auto group = json::parse(R"~({"displayName": "Admins", "members": [
      {"value": "2819c223-7f76-453a-919d-413861904646", "display": "Babs"},
      {"value": "902c246b-6245-4190-8e05-00816be7344a", "display": "Mandy"}]})~");
  auto path = kestra::scim::filter::parse_patch_path(R"~(members[value eq "902c246b-6245-4190-8e05-00816be7344a"])~");
  BOOST_TEST_REQUIRE(path.has_value());
  const auto& members = group.at("members").as_array();
  const AttributeLookup none;
  BOOST_TEST(!kestra::scim::filter::matches_element(*path->value_filter, members[0], path->attribute, none));
  BOOST_TEST(kestra::scim::filter::matches_element(*path->value_filter, members[1], path->attribute, none));
}

BOOST_AUTO_TEST_CASE(works_without_a_lookup_and_on_odd_json) {
  const AttributeLookup none;
  const auto odd = json::parse(R"~({"emails": "not-an-array", "name": 5, "tags": [1, "two", null, [3]],
                                    "when": "2020-01-01T00:00:00+01:00"})~")
                       .as_object();
  const auto eval = [&](const char* filter) {
    auto parsed = kestra::scim::filter::parse_filter(filter);
    BOOST_TEST_REQUIRE(parsed.has_value());
    return kestra::scim::filter::matches(**parsed, odd, none);
  };
  BOOST_TEST(eval(R"~(emails eq "NOT-AN-ARRAY")~"));
  BOOST_TEST(!eval(R"~(emails.value pr)~"));
  BOOST_TEST(!eval(R"~(emails[type eq "work"])~"));
  BOOST_TEST(!eval(R"~(name.familyName eq "x")~"));
  BOOST_TEST(eval(R"~(name eq 5)~"));
  BOOST_TEST(eval(R"~(tags eq "TWO")~"));
  BOOST_TEST(eval(R"~(tags eq 1)~"));
  BOOST_TEST(eval(R"~(tags pr)~"));
  BOOST_TEST(eval(R"~(when lt "2019-12-31T23:30:00Z")~"));  // no schema: both parse, so instants
  BOOST_TEST(!eval(R"~(emails gt 3)~"));
}

// Random filters from the grammar must parse, render to a form that parses
// to the same tree, and evaluate without throwing; random corruptions of them
// either do the same or fail as invalidFilter.
class FilterGenerator {
 public:
  explicit FilterGenerator(unsigned seed) : random_(seed) {}

  std::string filter(int depth) {
    switch (depth > 0 ? pick(6) : 0) {
      case 1: return filter(depth - 1) + gap() + keyword("and") + gap() + filter(depth - 1);
      case 2: return filter(depth - 1) + gap() + keyword("or") + gap() + filter(depth - 1);
      case 3: return keyword("not") + gap() + "(" + filter(depth - 1) + ")";
      case 4: return "(" + gap() + filter(depth - 1) + gap() + ")";
      case 5: return value_path(depth - 1);
      default: return attribute_expression(top_path());
    }
  }

  std::string corrupt(std::string text) {
    const std::size_t at = pick(text.size() + 1);
    switch (pick(3)) {
      case 0: return at < text.size() ? text.erase(at, 1) : text;
      case 1: return text.insert(at, 1, kNoise[pick(kNoise.size())]);
      default: return at < text.size() ? (text[at] = kNoise[pick(kNoise.size())], text) : text;
    }
  }

 private:
  static constexpr std::string_view kNoise = "()[].\" :-$\\aZ09\x01\xC3";

  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(random_); }
  template <std::size_t N>
  std::string one_of(const std::array<std::string_view, N>& options) {
    return std::string(options[pick(N)]);
  }
  std::string gap() { return one_of(std::array<std::string_view, 4>{" ", " ", "  ", "\t"}); }
  std::string keyword(std::string_view word) {
    std::string out(word);
    if (pick(4) == 0) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
    return out;
  }
  std::string top_path() {
    return one_of(std::array<std::string_view, 10>{
        "userName", "title", "active", "loginCount", "score", "emails", "emails.value", "meta.lastModified",
        "name.familyName", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value"});
  }
  std::string value() {
    return one_of(std::array<std::string_view, 10>{"\"x\"", "\"Jensen\"", "\"a\\\"b\"", "\"\\u00e9\"", "42", "-1.5e2",
                                                   "true", "false", "null", "\"2011-05-13T04:42:34Z\""});
  }
  std::string attribute_expression(const std::string& path) {
    if (pick(5) == 0) return path + gap() + keyword("pr");
    const auto op = one_of(std::array<std::string_view, 9>{"eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"});
    return path + gap() + keyword(op) + gap() + value();
  }
  std::string element_filter(int depth) {
    switch (depth > 0 ? pick(4) : 0) {
      case 1: return element_filter(depth - 1) + gap() + keyword("and") + gap() + element_filter(depth - 1);
      case 2: return element_filter(depth - 1) + gap() + keyword("or") + gap() + element_filter(depth - 1);
      case 3: return keyword("not") + " (" + element_filter(depth - 1) + ")";
      default: return attribute_expression(one_of(std::array<std::string_view, 3>{"type", "value", "primary"}));
    }
  }
  std::string value_path(int depth) {
    std::string out = one_of(std::array<std::string_view, 2>{"emails", "addresses"}) + "[" + element_filter(depth) + "]";
    if (pick(3) == 0) out = attribute_expression(out + ".value");
    return out;
  }

  std::mt19937 random_;
};

BOOST_AUTO_TEST_CASE(generated_filters_parse_render_and_evaluate_safely) {
  FilterGenerator generator(20240601);
  const auto check_round_trip = [](const std::string& text, const kestra::scim::filter::Node& node) {
    const std::string canonical = kestra::scim::filter::to_string(node);
    auto reparsed = kestra::scim::filter::parse_filter(canonical);
    BOOST_TEST_REQUIRE(reparsed.has_value(), text + " → " + canonical);
    BOOST_TEST_REQUIRE(kestra::scim::filter::to_string(**reparsed) == canonical, text);
    (void)kestra::scim::filter::matches(node, user(), kLookup);
  };
  int corrupted_accepted = 0;
  for (int round = 0; round < 3000; ++round) {
    const std::string text = generator.filter(4);
    auto parsed = kestra::scim::filter::parse_filter(text);
    if (parsed.has_error() && parsed.error().detail.find("nodes") != std::string::npos) continue;
    BOOST_TEST_REQUIRE(parsed.has_value(), text + ": " + (parsed.has_error() ? parsed.error().detail : ""));
    check_round_trip(text, **parsed);
    for (int k = 0; k < 4; ++k) {
      const std::string mutated = generator.corrupt(text);
      auto result = kestra::scim::filter::parse_filter(mutated);
      if (result.has_error()) {
        BOOST_TEST_REQUIRE(result.error().scim_type == "invalidFilter", mutated);
        continue;
      }
      ++corrupted_accepted;
      check_round_trip(mutated, **result);
    }
  }
  BOOST_TEST(corrupted_accepted > 0);
}

BOOST_AUTO_TEST_SUITE_END()
