// RFC 7644 3.5.2 PATCH paths: attrPath / valuePath [subAttr].
#include "scim/filter/patch_path.hpp"
#include "scim/filter/render.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>
#include <string>

namespace {

using kestra::scim::filter::parse_patch_path;
using kestra::scim::filter::to_string;

constexpr const char* kEnterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
constexpr const char* kCoreUser = "urn:ietf:params:scim:schemas:core:2.0:User";

struct PathCase {
  const char* path;
  const char* urn;
  const char* attribute;
  const char* sub_attribute;
  const char* value_filter;  // canonical, "" when none
  const char* sub_attribute_after_filter;
};
std::ostream& operator<<(std::ostream& os, const PathCase& c) { return os << c.path; }

const PathCase kPathCases[] = {
    {R"~(members[value eq "2819c223-7f76-453a-919d-413861904646"])~", "", "members", "",
     R"~(value eq "2819c223-7f76-453a-919d-413861904646")~", ""},
    {R"~(emails[type eq "work"].value)~", "", "emails", "", R"~(type eq "work")~", "value"},
    {"name.familyName", "", "name", "familyName", "", ""},
    {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", kEnterprise, "manager", "", "", ""},
    {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", kEnterprise, "manager", "value", "",
     ""},
    {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", kEnterprise, "employeeNumber", "",
     "", ""},
    {R"~(addresses[type eq "work"].streetAddress)~", "", "addresses", "", R"~(type eq "work")~", "streetAddress"},
    {R"~(addresses[type eq "work"].postalCode)~", "", "addresses", "", R"~(type eq "work")~", "postalCode"},
    {"userName", "", "userName", "", "", ""},
    {"active", "", "active", "", "", ""},
    {"emails", "", "emails", "", "", ""},
    {"members", "", "members", "", "", ""},
    {"displayName", "", "displayName", "", "", ""},
    {"urn:ietf:params:scim:schemas:core:2.0:User:name.givenName", kCoreUser, "name", "givenName", "", ""},
    {"urn:ietf:params:scim:schemas:core:2.0:User:displayName", kCoreUser, "displayName", "", "", ""},
    {R"~(emails[type eq "work" and primary eq true].value)~", "", "emails", "",
     R"~((type eq "work" and primary eq true))~", "value"},
    {R"~(phoneNumbers[type eq "mobile"])~", "", "phoneNumbers", "", R"~(type eq "mobile")~", ""},
    {R"~(members[value eq "a" or value eq "b"])~", "", "members", "", R"~((value eq "a" or value eq "b"))~", ""},
    {R"~(Emails[Type EQ "Work"].Value)~", "", "Emails", "", R"~(Type eq "Work")~", "Value"},
    {"meta.lastModified", "", "meta", "lastModified", "", ""},
    {R"~(roles[primary eq true])~", "", "roles", "", "primary eq true", ""},
    {R"~(x509Certificates[value pr])~", "", "x509Certificates", "", "value pr", ""},
    {R"~(groups[value eq "g1"].display)~", "", "groups", "", R"~(value eq "g1")~", "display"},
    {R"~(emails[not (type eq "home")].value)~", "", "emails", "", R"~(not (type eq "home"))~", "value"},
    {R"~(members[value eq "a]b"])~", "", "members", "", R"~(value eq "a]b")~", ""},
    {"  name.familyName  ", "", "name", "familyName", "", ""},
    {"members.$ref", "", "members", "$ref", "", ""},
};

struct ErrorCase {
  const char* path;
  const char* detail_contains;
};
std::ostream& operator<<(std::ostream& os, const ErrorCase& c) { return os << c.path; }

const ErrorCase kErrorCases[] = {
    {"", "the path is empty"},
    {"  ", "the path is empty"},
    {R"~("userName")~", "expected an attribute name"},
    {"[value eq 1]", "expected an attribute name"},
    {"emails[", "expected an attribute path"},
    {R"~(emails[type eq "work")~", "expected ']' to close the '[' at position 7"},
    {R"~(emails[type eq])~", "'eq' needs a value"},
    {R"~(emails[])~", "empty value filter"},
    {R"~(name.givenName[value eq "x"])~", "not to the sub-attribute 'name.givenName'"},
    {R"~(emails[type eq "work"].value.display)~", "expected a sub-attribute name right after '].'"},
    {R"~(emails[type eq "work"]. value)~", "expected a sub-attribute name right after '].'"},
    {R"~(emails[type eq "work"].)~", "expected a sub-attribute name right after '].'"},
    {R"~(emails[type eq "work"]x)~", "unexpected 'x' after the path"},
    {R"~(userName eq "x")~", "unexpected 'eq' after the path"},
    {R"~(members[value eq "x"][value eq "y"])~", "unexpected '[' after the path"},
    {R"~(emails[type[x eq 1]])~", "nested value paths"},
    {"emails.value.x", "deeper than one sub-attribute"},
    {"urn:foo", "is not a schema URN"},
    {"foo:bar", "is not a schema URN"},
    {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:", "names a schema but no attribute"},
    {R"~(emails[type eq "work)~", "unterminated string"},
    {"emails.", "is not a valid sub-attribute name"},
    {"user name", "unexpected 'name' after the path"},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(filter_patch_path)

BOOST_DATA_TEST_CASE(parses, boost::unit_test::data::make(kPathCases), c) {
  auto parsed = parse_patch_path(c.path);
  BOOST_TEST_REQUIRE(parsed.has_value(), (parsed.has_error() ? parsed.error().detail : ""));
  BOOST_TEST(parsed->attribute.urn == c.urn);
  BOOST_TEST(parsed->attribute.attribute == c.attribute);
  BOOST_TEST(parsed->attribute.sub_attribute == c.sub_attribute);
  BOOST_TEST((parsed->value_filter ? to_string(*parsed->value_filter) : std::string()) == c.value_filter);
  BOOST_TEST(parsed->sub_attribute_after_filter == c.sub_attribute_after_filter);
}

BOOST_DATA_TEST_CASE(rejects_with_invalid_path, boost::unit_test::data::make(kErrorCases), c) {
  auto parsed = parse_patch_path(c.path);
  BOOST_TEST_REQUIRE(parsed.has_error());
  BOOST_TEST((parsed.error().kind == kestra::ErrorKind::InvalidInput));
  BOOST_TEST(parsed.error().scim_type == "invalidPath");
  BOOST_TEST(parsed.error().detail.find(c.detail_contains) != std::string::npos, parsed.error().detail);
  BOOST_TEST(parsed.error().detail.starts_with("Invalid path: "), parsed.error().detail);
}

BOOST_AUTO_TEST_CASE(limits_apply) {
  const std::string long_path = "a" + std::string(5000, 'b');
  auto over = parse_patch_path(long_path);
  BOOST_TEST_REQUIRE(over.has_error());
  BOOST_TEST(over.error().scim_type == "invalidPath");
  BOOST_TEST(over.error().detail.find("the limit is 4096") != std::string::npos);
  auto deep = parse_patch_path(R"~(emails[((type eq "work"))])~", kestra::scim::filter::Limits{.max_depth = 2});
  BOOST_TEST_REQUIRE(deep.has_error());
  BOOST_TEST(deep.error().scim_type == "invalidPath");
}

BOOST_AUTO_TEST_SUITE_END()
