// RFC 7644 3.4.2.2 filter parsing: the tree (through its canonical rendering),
// attribute-path splitting, errors and input caps.
#include "scim/filter/parser.hpp"
#include "scim/filter/render.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>
#include <string>

namespace {

using kestra::scim::filter::Limits;
using kestra::scim::filter::parse_filter;
using kestra::scim::filter::to_string;
namespace ast = kestra::scim::filter;

struct ParseCase {
  const char* filter;
  const char* canonical;
};
std::ostream& operator<<(std::ostream& os, const ParseCase& c) { return os << c.filter; }

const ParseCase kParseCases[] = {
    // RFC 7644 3.4.2.2, verbatim.
    {R"~(userName Eq "john")~", R"~(userName eq "john")~"},
    {R"~(userName eq "bjensen")~", R"~(userName eq "bjensen")~"},
    {R"~(name.familyName co "O'Malley")~", R"~(name.familyName co "O'Malley")~"},
    {R"~(userName sw "J")~", R"~(userName sw "J")~"},
    {R"~(urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J")~",
     R"~(urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J")~"},
    {R"~(title pr)~", R"~(title pr)~"},
    {R"~(meta.lastModified gt "2011-05-13T04:42:34Z")~", R"~(meta.lastModified gt "2011-05-13T04:42:34Z")~"},
    {R"~(meta.lastModified ge "2011-05-13T04:42:34Z")~", R"~(meta.lastModified ge "2011-05-13T04:42:34Z")~"},
    {R"~(meta.lastModified lt "2011-05-13T04:42:34Z")~", R"~(meta.lastModified lt "2011-05-13T04:42:34Z")~"},
    {R"~(meta.lastModified le "2011-05-13T04:42:34Z")~", R"~(meta.lastModified le "2011-05-13T04:42:34Z")~"},
    {R"~(title pr and userType eq "Employee")~", R"~((title pr and userType eq "Employee"))~"},
    {R"~(title pr or userType eq "Intern")~", R"~((title pr or userType eq "Intern"))~"},
    {R"~(schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")~",
     R"~(schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")~"},
    {R"~(userType eq "Employee" and (emails co "example.com" or emails.value co "example.org"))~",
     R"~((userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")))~"},
    {R"~(userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org"))~",
     R"~((userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")))~"},
    {R"~(userType eq "Employee" and (emails.type eq "work"))~",
     R"~((userType eq "Employee" and emails.type eq "work"))~"},
    {R"~(userType eq "Employee" and emails[type eq "work" and value co "@example.com"])~",
     R"~((userType eq "Employee" and emails[(type eq "work" and value co "@example.com")]))~"},
    {R"~(emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"])~",
     R"~((emails[(type eq "work" and value co "@example.com")] or ims[(type eq "xmpp" and value co "@foo.com")]))~"},
    // RFC 7644 errata 7322: parentheses inside a value filter.
    {R"~(emails[type eq "work" or (type eq "home" and value ew "@example.com")])~",
     R"~(emails[(type eq "work" or (type eq "home" and value ew "@example.com"))])~"},
    // Okta and Microsoft Entra ID.
    {R"~(userName eq "a@b.c")~", R"~(userName eq "a@b.c")~"},
    {R"~(UserName eq "x")~", R"~(UserName eq "x")~"},
    {R"~(externalId eq "00u1abcdEFGH")~", R"~(externalId eq "00u1abcdEFGH")~"},
    {R"~(externalId eq "5f7b1b0a-1b1a-4a4e-8e0e-4c3b4e1c2d3f")~",
     R"~(externalId eq "5f7b1b0a-1b1a-4a4e-8e0e-4c3b4e1c2d3f")~"},
    {R"~(displayName eq "Group")~", R"~(displayName eq "Group")~"},
    {R"~(displayName eq "Sales Team")~", R"~(displayName eq "Sales Team")~"},
    {R"~(id eq "2819c223-7f76-453a-919d-413861904646")~", R"~(id eq "2819c223-7f76-453a-919d-413861904646")~"},
    {R"~(members[value eq "2819c223"])~", R"~(members[value eq "2819c223"])~"},
    // The Entra form attrPath[filter].sub op value becomes one value path.
    {R"~(emails[type eq "work"].value eq "x@example.com")~",
     R"~(emails[(type eq "work" and value eq "x@example.com")])~"},
    {R"~(emails[type eq "work"].value pr)~", R"~(emails[(type eq "work" and value pr)])~"},
    {R"~(emails[type eq "work"].Value Co "@x" and active eq true)~",
     R"~((emails[(type eq "work" and Value co "@x")] and active eq true))~"},
    // Schema-qualified paths.
    {R"~(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "1")~",
     R"~(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "1")~"},
    {R"~(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915")~",
     R"~(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915")~"},
    {R"~(urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "Admins")~",
     R"~(urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "Admins")~"},
    {R"~(URN:IETF:params:scim:schemas:core:2.0:User:userName eq "x")~",
     R"~(URN:IETF:params:scim:schemas:core:2.0:User:userName eq "x")~"},
    // Precedence: or < and < not < atom; left-associative.
    {R"~(a eq 1 or b eq 2 and c eq 3)~", R"~((a eq 1 or (b eq 2 and c eq 3)))~"},
    {R"~(a eq 1 and b eq 2 or c eq 3)~", R"~(((a eq 1 and b eq 2) or c eq 3))~"},
    {R"~(a eq 1 and b eq 2 and c eq 3)~", R"~(((a eq 1 and b eq 2) and c eq 3))~"},
    {R"~(a eq 1 or b eq 2 or c eq 3)~", R"~(((a eq 1 or b eq 2) or c eq 3))~"},
    {R"~(a eq 1 and (b eq 2 or c eq 3))~", R"~((a eq 1 and (b eq 2 or c eq 3)))~"},
    {R"~(not (a pr) and b pr)~", R"~((not (a pr) and b pr))~"},
    {R"~(not (a pr or b pr))~", R"~(not (a pr or b pr))~"},
    {R"~(not(a pr))~", R"~(not (a pr))~"},
    {R"~(NOT (a pr))~", R"~(not (a pr))~"},
    {R"~(not (not (a pr)))~", R"~(not (not (a pr)))~"},
    {R"~(userName eq "x" or not (active eq false) and title pr)~",
     R"~((userName eq "x" or (not (active eq false) and title pr)))~"},
    {R"~(((userName eq "x")))~", R"~(userName eq "x")~"},
    {R"~((a pr)and(b pr))~", R"~((a pr and b pr))~"},
    // Case-insensitive operators and keywords.
    {R"~(userName EQ "x" AND title PR)~", R"~((userName eq "x" and title pr))~"},
    {R"~(userName Ne "x" Or title Pr)~", R"~((userName ne "x" or title pr))~"},
    {R"~(active eq TRUE)~", R"~(active eq true)~"},
    {R"~(active eq False)~", R"~(active eq false)~"},
    {R"~(title ne NULL)~", R"~(title ne null)~"},
    {R"~(manager eq null)~", R"~(manager eq null)~"},
    // Every operator and JSON numbers as written.
    {R"~(displayName ew "ops")~", R"~(displayName ew "ops")~"},
    {R"~(loginCount gt 5)~", R"~(loginCount gt 5)~"},
    {R"~(loginCount ge -5)~", R"~(loginCount ge -5)~"},
    {R"~(score lt 1.5e3)~", R"~(score lt 1.5e3)~"},
    {R"~(score le 0.25)~", R"~(score le 0.25)~"},
    {R"~(x eq 0)~", R"~(x eq 0)~"},
    {R"~(x eq -0.5E-2)~", R"~(x eq -0.5E-2)~"},
    {R"~(x eq 1E+2)~", R"~(x eq 1E+2)~"},
    {R"~(loginCount eq 12345678901234567890)~", R"~(loginCount eq 12345678901234567890)~"},
    // JSON string escapes.
    {R"~(displayName eq "a\"b")~", R"~(displayName eq "a\"b")~"},
    {R"~(displayName eq "a\\b")~", R"~(displayName eq "a\\b")~"},
    {R"~(displayName eq "a\/b")~", R"~(displayName eq "a/b")~"},
    {R"~(displayName eq "\u00e9t\u00C9")~", "displayName eq \"\xC3\xA9t\xC3\x89\""},
    {R"~(displayName eq "\ud83d\ude00")~", "displayName eq \"\xF0\x9F\x98\x80\""},
    {R"~(displayName eq "\u20AC")~", "displayName eq \"\xE2\x82\xAC\""},
    {R"~(displayName eq "tab\tnl\ncr\r")~", R"~(displayName eq "tab\tnl\ncr\r")~"},
    {R"~(displayName eq "\b\f")~", R"~(displayName eq "\b\f")~"},
    {"displayName eq \"Zo\xC3\xAB\"", "displayName eq \"Zo\xC3\xAB\""},
    {R"~(displayName co "Sales (EMEA)")~", R"~(displayName co "Sales (EMEA)")~"},
    {R"~(displayName eq "a and b or not (c)")~", R"~(displayName eq "a and b or not (c)")~"},
    {R"~(userName eq "x]")~", R"~(userName eq "x]")~"},
    {R"~(userName eq "")~", R"~(userName eq "")~"},
    // Whitespace.
    {"  userName   eq   \"x\"  ", R"~(userName eq "x")~"},
    {"userName\teq\n\"x\"\r\nand\ttitle pr", R"~((userName eq "x" and title pr))~"},
    // Names.
    {R"~(members.$ref pr)~", R"~(members.$ref pr)~"},
    {R"~(x-custom_attr2 eq "1")~", R"~(x-custom_attr2 eq "1")~"},
    {R"~(meta.resourceType eq "User")~", R"~(meta.resourceType eq "User")~"},
    {R"~(groups.value eq "e9e30dba")~", R"~(groups.value eq "e9e30dba")~"},
    {R"~(name.givenName sw "Bar" and name.familyName ew "sen")~",
     R"~((name.givenName sw "Bar" and name.familyName ew "sen"))~"},
    {R"~(emails[type eq "work"] and emails[primary eq true])~",
     R"~((emails[type eq "work"] and emails[primary eq true]))~"},
    {R"~(emails[type eq "work"] and not (emails[type eq "home"]))~",
     R"~((emails[type eq "work"] and not (emails[type eq "home"])))~"},
    {R"~(emails[not (type eq "work")])~", R"~(emails[not (type eq "work")])~"},
    {R"~(schemas[value eq "urn:x"])~", R"~(schemas[value eq "urn:x"])~"},
    {R"~(members[$ref sw "https://"])~", R"~(members[$ref sw "https://"])~"},
};

struct PathCase {
  const char* filter;
  const char* urn;
  const char* attribute;
  const char* sub_attribute;
};
std::ostream& operator<<(std::ostream& os, const PathCase& c) { return os << c.filter; }

const PathCase kPathCases[] = {
    {R"~(userName pr)~", "", "userName", ""},
    {R"~(name.familyName pr)~", "", "name", "familyName"},
    {R"~(members.$ref pr)~", "", "members", "$ref"},
    {R"~(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "1")~",
     "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "employeeNumber", ""},
    {R"~(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "x")~",
     "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "manager", "value"},
    {R"~(urn:ietf:params:scim:schemas:core:2.0:User:name.familyName pr)~", "urn:ietf:params:scim:schemas:core:2.0:User",
     "name", "familyName"},
    {R"~(urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J")~", "urn:ietf:params:scim:schemas:core:2.0:User",
     "userName", ""},
};

const ast::AttrPath* first_path(const ast::Node& node) {
  if (const auto* c = std::get_if<ast::Compare>(&node.value)) return &c->path;
  if (const auto* p = std::get_if<ast::Present>(&node.value)) return &p->path;
  return nullptr;
}

struct ErrorCase {
  const char* filter;
  const char* detail_contains;
};
std::ostream& operator<<(std::ostream& os, const ErrorCase& c) { return os << c.filter; }

const ErrorCase kErrorCases[] = {
    {"", "the filter is empty"},
    {"   \t ", "the filter is empty"},
    {R"~(userName)~", "expected an operator"},
    {R"~(userName eq)~", "'eq' needs a value"},
    {R"~(userName eq )~", "at the end of the filter"},
    {R"~(userName eq "x)~", "unterminated string"},
    {R"~(userName eq "x\")~", "unterminated string"},
    {R"~(userName xx "x")~", "unknown operator 'xx' after 'userName'"},
    {R"~(userName equals "x")~", "unknown operator 'equals'"},
    {R"~(title pr "x")~", "'pr' takes no value"},
    {R"~(title pr true)~", "'pr' takes no value"},
    {R"~(title pr 1)~", "'pr' takes no value"},
    {R"~(a[b[c eq 1]])~", "nested value paths"},
    {R"~(emails[type eq "work" and value[x eq 1]])~", "nested value paths"},
    {R"~(not userName eq "x")~", "'not' must be followed by '('"},
    {R"~(not)~", "'not' must be followed by '('"},
    {R"~((userName eq "x")~", "expected ')' to close the '(' at position 1"},
    {R"~(userName eq "x"))~", "')' without a matching '('"},
    {R"~(emails[type eq "work")~", "expected ']' to close the '[' at position 7"},
    {R"~(userName eq "x"])~", "']' without a matching '['"},
    {R"~(userName eq "x" and)~", "expected an attribute path"},
    {R"~(and userName eq "x")~", "expected an attribute path"},
    {R"~(userName eq "x" or or title pr)~", "expected an attribute path"},
    {R"~("x" eq userName)~", "expected an attribute path"},
    {R"~(userName eq "x" userName eq "y")~", "expected 'and', 'or' or the end of the filter"},
    {R"~(userName eq x)~", "must be a JSON string"},
    {R"~(userName eq 'x')~", "unexpected character ' (strings take double quotes) at position 13"},
    // Echoed input is cut on a UTF-8 boundary (20 two-byte characters, 19 shown).
    {"displayName \"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
     "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\"",
     "found '\"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
     "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xE2\x80\xA6' at position 13"},
    {R"~(userName eq "x" & title pr)~", "unexpected character '&'"},
    {R"~(userName eq "\q")~", "invalid escape '\\q'"},
    {R"~(userName eq "\u12")~", "invalid \\u escape"},
    {R"~(userName eq "\u12G4")~", "invalid \\u escape"},
    {R"~(userName eq "\ud83d")~", "unpaired UTF-16 high surrogate"},
    {R"~(userName eq "\ud83d\u0041")~", "unpaired UTF-16 high surrogate"},
    {R"~(userName eq "\ude00")~", "unpaired UTF-16 low surrogate"},
    {R"~(userName eq "\u0000")~", "\\u0000 is not allowed"},
    {"userName eq \"a\x01\"", "unescaped control character"},
    {"userName eq \"a\xFF\"", "invalid UTF-8"},
    {"userName eq \"a\xC3\"", "invalid UTF-8"},
    {"userName eq \"\xED\xA0\x80\"", "invalid UTF-8"},
    {"userName \xC3\xA9q \"x\"", "unexpected byte 0xC3"},
    {R"~(userName eq 01)~", "malformed number '01'"},
    {R"~(userName eq 1.)~", "malformed number"},
    {R"~(userName eq -)~", "malformed number"},
    {R"~(userName eq 1e)~", "malformed number"},
    {R"~(userName eq 12abc)~", "malformed number '12abc'"},
    {R"~(userName eq 1.2.3)~", "malformed number"},
    {R"~(name.familyName.x eq "y")~", "deeper than one sub-attribute"},
    {R"~(name. eq "y")~", "is not a valid sub-attribute name"},
    {R"~(_name eq "y")~", "unexpected character '_'"},
    {R"~(foo:bar eq "x")~", "'foo' is not a schema URN"},
    {R"~(urn::x:name eq "x")~", "is not a schema URN"},
    {R"~(urn:ietf:params:scim:schemas:core:2.0:User: eq "x")~", "names a schema but no attribute"},
    {R"~(emails[value.x eq "y"])~", "cannot have a sub-attribute"},
    {R"~(emails[urn:a:b:type eq "y"])~", "cannot name a schema"},
    {R"~(name.givenName[value eq "x"])~", "not to the sub-attribute 'name.givenName'"},
    {R"~(emails[])~", "empty value filter"},
    {R"~(())~", "empty parentheses"},
    {R"~(userName eq "x" and ())~", "empty parentheses"},
    {R"~(emails[type eq "work"].value)~", "expected an operator"},
    {R"~(emails[type eq "work"]. eq "x")~", "expected a sub-attribute name right after '].'"},
    {R"~(emails[type eq "work"].value.display eq "x")~", "expected a sub-attribute name right after '].'"},
    {R"~(emails[type eq "work"] eq "x")~", "expected 'and', 'or' or the end of the filter"},
};

std::string or_chain(std::size_t terms) {
  std::string text = "a pr";
  for (std::size_t i = 1; i < terms; ++i) text += " or a pr";
  return text;
}

std::string nested(std::size_t levels, std::string_view open, std::string_view core) {
  std::string text;
  for (std::size_t i = 0; i < levels; ++i) text += open;
  text += core;
  text += std::string(levels, ')');
  return text;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(filter_parser)

BOOST_DATA_TEST_CASE(parses_to_canonical_tree, boost::unit_test::data::make(kParseCases), c) {
  auto parsed = parse_filter(c.filter);
  BOOST_TEST_REQUIRE(parsed.has_value(), (parsed.has_error() ? parsed.error().detail : ""));
  BOOST_TEST(to_string(**parsed) == c.canonical);
}

BOOST_DATA_TEST_CASE(canonical_form_parses_back_to_itself, boost::unit_test::data::make(kParseCases), c) {
  auto reparsed = parse_filter(c.canonical);
  BOOST_TEST_REQUIRE(reparsed.has_value(), (reparsed.has_error() ? reparsed.error().detail : ""));
  BOOST_TEST(to_string(**reparsed) == c.canonical);
}

BOOST_DATA_TEST_CASE(splits_attribute_paths, boost::unit_test::data::make(kPathCases), c) {
  auto parsed = parse_filter(c.filter);
  BOOST_TEST_REQUIRE(parsed.has_value());
  const ast::AttrPath* path = first_path(**parsed);
  BOOST_TEST_REQUIRE(path != nullptr);
  BOOST_TEST(path->urn == c.urn);
  BOOST_TEST(path->attribute == c.attribute);
  BOOST_TEST(path->sub_attribute == c.sub_attribute);
}

BOOST_AUTO_TEST_CASE(literals_keep_kind_and_text) {
  const auto literal_of = [](const char* filter) {
    auto parsed = parse_filter(filter);
    BOOST_TEST_REQUIRE(parsed.has_value());
    return std::get<ast::Compare>((*parsed)->value).value;
  };
  BOOST_TEST((literal_of("a eq -1.5e3").kind == ast::Literal::Kind::Number));
  BOOST_TEST(literal_of("a eq -1.5e3").text == "-1.5e3");
  BOOST_TEST((literal_of(R"~(a eq "true")~").kind == ast::Literal::Kind::String));
  BOOST_TEST(literal_of(R"~(a eq "q\"\\")~").text == "q\"\\");
  BOOST_TEST((literal_of("a eq True").kind == ast::Literal::Kind::Boolean));
  BOOST_TEST(literal_of("a eq True").boolean);
  BOOST_TEST(!literal_of("a eq false").boolean);
  BOOST_TEST((literal_of("a eq null").kind == ast::Literal::Kind::Null));
  BOOST_TEST((std::get<ast::Compare>((*parse_filter("a Le 1"))->value).op == ast::CompareOp::Le));
}

BOOST_AUTO_TEST_CASE(entra_value_path_form_builds_one_value_path) {
  auto parsed = parse_filter(R"~(emails[type eq "work"].value eq "x")~");
  BOOST_TEST_REQUIRE(parsed.has_value());
  const auto* vp = std::get_if<ast::ValuePath>(&(*parsed)->value);
  BOOST_TEST_REQUIRE(vp != nullptr);
  BOOST_TEST(vp->path.attribute == "emails");
  BOOST_TEST(vp->path.sub_attribute.empty());
  const auto* both = std::get_if<ast::And>(&vp->filter->value);
  BOOST_TEST_REQUIRE(both != nullptr);
  const auto* value = std::get_if<ast::Compare>(&both->right->value);
  BOOST_TEST_REQUIRE(value != nullptr);
  BOOST_TEST(value->path.attribute == "value");
  BOOST_TEST(value->value.text == "x");
}


BOOST_DATA_TEST_CASE(rejects_with_invalid_filter, boost::unit_test::data::make(kErrorCases), c) {
  auto parsed = parse_filter(c.filter);
  BOOST_TEST_REQUIRE(parsed.has_error());
  BOOST_TEST((parsed.error().kind == kestra::ErrorKind::InvalidInput));
  BOOST_TEST(parsed.error().scim_type == "invalidFilter");
  BOOST_TEST(parsed.error().detail.find(c.detail_contains) != std::string::npos, parsed.error().detail);
  BOOST_TEST(parsed.error().detail.starts_with("Invalid filter: "), parsed.error().detail);
}

BOOST_AUTO_TEST_CASE(errors_say_where) {
  auto unknown = parse_filter(R"~(userName xx "x")~");
  BOOST_TEST_REQUIRE(unknown.has_error());
  BOOST_TEST(unknown.error().detail == "Invalid filter: unknown operator 'xx' after 'userName' (expected eq, ne, co, "
                                       "sw, ew, gt, ge, lt, le or pr) at position 10.");
  auto unterminated = parse_filter(R"~(title pr and userName eq "abc)~");
  BOOST_TEST_REQUIRE(unterminated.has_error());
  BOOST_TEST(unterminated.error().detail.find("starting at position 26") != std::string::npos,
             unterminated.error().detail);
  auto missing = parse_filter(R"~(userName eq)~");
  BOOST_TEST_REQUIRE(missing.has_error());
  BOOST_TEST(missing.error().detail.find("found nothing at the end of the filter (position 12)") != std::string::npos,
             missing.error().detail);
}

BOOST_AUTO_TEST_CASE(length_is_capped) {
  std::string at_limit = R"~(userName eq ")~" + std::string(4096 - 14, 'a') + "\"";
  BOOST_TEST_REQUIRE(at_limit.size() == 4096u);
  BOOST_TEST(parse_filter(at_limit).has_value());
  auto over = parse_filter(at_limit + " ");
  BOOST_TEST_REQUIRE(over.has_error());
  BOOST_TEST(over.error().scim_type == "invalidFilter");
  BOOST_TEST(over.error().detail.find("4097 bytes long; the limit is 4096") != std::string::npos, over.error().detail);
  auto custom = parse_filter(R"~(userName eq "x")~", Limits{.max_length = 10});
  BOOST_TEST_REQUIRE(custom.has_error());
  BOOST_TEST(custom.error().detail.find("the limit is 10") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(node_count_is_capped) {
  BOOST_TEST(parse_filter(or_chain(128)).has_value());  // 128 + 127 = 255 nodes
  auto over = parse_filter(or_chain(129));               // 257 nodes
  BOOST_TEST_REQUIRE(over.has_error());
  BOOST_TEST(over.error().scim_type == "invalidFilter");
  BOOST_TEST(over.error().detail.find("more than 256 nodes") != std::string::npos, over.error().detail);
  BOOST_TEST(parse_filter("a pr and b pr", Limits{.max_nodes = 2}).has_error());
  BOOST_TEST(parse_filter("a pr and b pr", Limits{.max_nodes = 3}).has_value());
}

BOOST_AUTO_TEST_CASE(depth_is_capped) {
  BOOST_TEST(parse_filter(nested(32, "(", "a pr")).has_value());
  auto over = parse_filter(nested(33, "(", "a pr"));
  BOOST_TEST_REQUIRE(over.has_error());
  BOOST_TEST(over.error().scim_type == "invalidFilter");
  BOOST_TEST(over.error().detail.find("deeper than 32 levels at position 33") != std::string::npos,
             over.error().detail);
  BOOST_TEST(parse_filter(nested(32, "not (", "a pr")).has_value());
  BOOST_TEST(parse_filter(nested(33, "not (", "a pr")).has_error());
  // A value path is a level too.
  BOOST_TEST(parse_filter(nested(31, "(", "e[v pr]")).has_value());
  BOOST_TEST(parse_filter(nested(32, "(", "e[v pr]")).has_error());
  BOOST_TEST(parse_filter(nested(3, "(", "a pr"), Limits{.max_depth = 2}).has_error());
}

BOOST_AUTO_TEST_CASE(hostile_nesting_fails_without_recursing_deeply) {
  const Limits generous{.max_length = 2'000'000, .max_nodes = 1'000'000, .max_depth = 32};
  auto parens = parse_filter(std::string(1'000'000, '('), generous);
  BOOST_TEST_REQUIRE(parens.has_error());
  BOOST_TEST(parens.error().detail.find("deeper than 32") != std::string::npos);
  std::string nots;
  for (int i = 0; i < 200'000; ++i) nots += "not (";
  BOOST_TEST(parse_filter(nots, generous).has_error());
}

BOOST_AUTO_TEST_SUITE_END()
