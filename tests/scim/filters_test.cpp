// Filters over HTTP (RFC 7644 3.4.2.2): one table of {filter, resources it
// must select} or {filter, invalidFilter}, each run as GET ?filter= and as
// POST /.search, against a small fixed population.  An unknown attribute,
// a malformed filter or an injection attempt never widens the result.
#define BOOST_TEST_MODULE scim_filters
#include "scim_support.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <functional>
#include <memory>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

using namespace kestra::test;
namespace data = boost::unit_test::data;
namespace json = boost::json;

namespace {

// Five users and three groups in acme; filters only read, so every row
// shares them.
struct Population {
  HarnessProcess harness{module_options({"acme", "globex"})};
  Scim okta = scim_client(harness, "acme", "okta");
  std::map<std::string, std::string> ids;  // handle -> id

  Population() {
    ids["alice"] = create_user(okta, json::parse(R"({
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
      "userName": "alice@example.com", "externalId": "ext-alice",
      "name": {"givenName": "Alice", "familyName": "Smith"}, "displayName": "Alice Smith", "title": "Engineer",
      "emails": [{"value": "alice@example.com", "type": "work", "primary": true},
                 {"value": "alice@home.org", "type": "home"}],
      "phoneNumbers": [{"value": "+1 555 0100", "type": "mobile"}],
      "active": true,
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "R&D", "employeeNumber": "1001"}
    })").as_object());
    ids["bob"] = create_user(okta, json::parse(R"({
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
      "userName": "bob@example.com", "externalId": "ext-bob",
      "name": {"givenName": "Bob", "familyName": "Jones"}, "title": "Manager",
      "emails": [{"value": "bob@example.org", "type": "work"}],
      "active": false,
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Sales"}
    })").as_object());
    ids["carol"] = create_user(okta, json::parse(R"({
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
      "userName": "Carol@Example.com", "nickName": "caz",
      "name": {"givenName": "Carol", "familyName": "Smith-Jones"},
      "emails": [{"value": "carol@example.com", "type": "home"}]
    })").as_object());
    ids["dave"] = create_user(okta, json::parse(R"({
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
      "userName": "dave@other.net", "displayName": "Dave"
    })").as_object());
    ids["obrien"] = create_user(okta, json::parse(R"({
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
      "userName": "o'brien@example.com", "name": {"givenName": "Se\u00e1n", "familyName": "O'Brien"}
    })").as_object());
    auto eng = group_body("Engineering", {ids["alice"], ids["carol"]});
    eng["externalId"] = "okta-eng";
    ids["eng"] = str(create(okta, "/Groups", eng), "id");
    ids["sales"] = create_group(okta, "Sales", {ids["bob"]});
    ids["empty"] = create_group(okta, "Empty");
    // Another tenant's look-alikes, which no filter here may reach.
    auto foreign = scim_client(harness, "globex", "okta");
    create_user(foreign, "alice@globex.example");
    create_group(foreign, "Engineering B", {});
  }
};

Population& population() {
  static auto p = std::make_unique<Population>();
  return *p;
}

enum class Resource { Users, Groups };

struct FilterCase {
  Resource resource;
  const char* filter;   // "{handle}" is replaced by that resource's id
  const char* expect;   // handles, comma-separated; nullptr: 400 invalidFilter
};
std::ostream& operator<<(std::ostream& out, const FilterCase& c) {
  return out << (c.resource == Resource::Users ? "Users" : "Groups") << ": " << c.filter;
}

constexpr auto U = Resource::Users;
constexpr auto G = Resource::Groups;
constexpr const char* kAllUsers = "alice,bob,carol,dave,obrien";

const FilterCase kCases[] = {
    // Comparison operators.
    {U, R"(userName eq "alice@example.com")", "alice"},
    {U, R"(UserName eq "ALICE@EXAMPLE.COM")", "alice"},  // Entra's capitalisation, caseExact false
    {U, R"(userName EQ "bob@example.com")", "bob"},
    {U, R"(userName ne "alice@example.com")", "bob,carol,dave,obrien"},
    {U, R"(userName co "EXAMPLE")", "alice,bob,carol,obrien"},
    {U, R"(userName sw "A")", "alice"},
    {U, R"(userName ew ".NET")", "dave"},
    {U, R"(userName gt "c")", "carol,dave,obrien"},
    {U, R"(userName ge "dave@other.net")", "dave,obrien"},
    {U, R"(userName lt "bob@example.com")", "alice"},
    {U, R"(userName le "bob@example.com")", "alice,bob"},
    {U, R"(title eq "engineer")", "alice"},
    {U, R"(title pr)", "alice,bob"},
    {U, R"(displayName eq "dave")", "dave"},
    {U, R"(nickName eq "caz")", "carol"},
    {U, R"(active eq false)", "bob"},
    {U, R"(active eq true)", "alice,carol,dave,obrien"},
    {U, R"(id eq "{alice}")", "alice"},
    // Logical operators, precedence and parentheses.
    {U, R"(active eq true and title pr)", "alice"},
    {U, R"(userName eq "alice@example.com" or userName eq "bob@example.com")", "alice,bob"},
    {U, R"(active eq false or title pr and name.familyName eq "Smith")", "alice,bob"},
    {U, R"((active eq false or title pr) and name.familyName eq "Smith")", "alice"},
    {U, R"(not (title pr))", "carol,dave,obrien"},
    {U, R"(not (active eq true))", "bob"},
    {U, R"(not (userName sw "a" or userName sw "b"))", "carol,dave,obrien"},
    {U, R"(((userName sw "a")) and (not (title eq "Manager")))", "alice"},
    // Sub-attributes of complex attributes.
    {U, R"(name.familyName eq "Smith")", "alice"},
    {U, R"(name.familyName sw "smith")", "alice,carol"},
    {U, R"(name.givenName sw "C")", "carol"},
    {U, R"(name.familyName eq "O'Brien")", "obrien"},
    {U, "name.givenName eq \"Se\xC3\xA1n\"", "obrien"},
    {U, "name.givenName eq \"SE\xC3\x81N\"", "obrien"},
    {U, "name.givenName co \"\xC3\x81\"", "obrien"},
    // Multi-valued attributes and value paths: one element meets all conditions.
    {U, R"(emails[type eq "work" and value co "@example.com"])", "alice"},
    {U, R"(emails[type eq "home"])", "alice,carol"},
    {U, R"(emails[primary eq true])", "alice"},
    {U, R"(emails[not (type eq "work")])", "alice,carol"},
    {U, R"(emails.value ew ".org")", "alice,bob"},
    {U, R"(emails.type eq "work")", "alice,bob"},
    {U, R"(emails eq "carol@example.com")", "carol"},
    {U, R"(emails pr)", "alice,bob,carol"},
    {U, R"(phoneNumbers[type eq "mobile"])", "alice"},
    {U, R"(groups.display eq "Engineering")", "alice,carol"},
    {U, R"(groups[value eq "{sales}"])", "bob"},
    // Fully qualified paths.
    {U, R"(urn:ietf:params:scim:schemas:core:2.0:User:userName eq "bob@example.com")", "bob"},
    {U, R"(urn:ietf:params:scim:schemas:core:2.0:User:name.familyName eq "jones")", "bob"},
    {U, R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Sales")", "bob"},
    {U, R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber pr)", "alice"},
    // externalId (this integration's) and meta.
    {U, R"(externalId eq "ext-alice")", "alice"},
    {U, R"(externalId pr)", "alice,bob"},
    {U, R"(externalId eq "EXT-ALICE")", ""},  // caseExact
    {U, R"(meta.lastModified gt "2000-01-01T00:00:00Z")", kAllUsers},
    {U, R"(meta.lastModified lt "2000-01-01T00:00:00Z")", ""},
    {U, R"(meta.created le "2999-12-31T23:59:59Z")", kAllUsers},
    {U, R"(meta.created ge "2999-12-31T23:59:59+02:00")", ""},
    // Injection attempts in values: they are values.
    {U, R"(userName eq "x' OR '1'='1")", ""},
    {U, R"(userName eq "x\" or \"1\"=\"1")", ""},
    {U, R"(userName eq "alice@example.com'); DROP TABLE scim_users; --")", ""},
    {U, R"(userName eq "alice@example.com" or userName eq "' OR 1=1 --")", "alice"},
    {U, R"(title co "%")", ""},
    {U, R"(title co "_")", ""},
    {U, R"(userName sw "%")", ""},
    {U, R"(userName ew "\u0025")", ""},
    // Unknown attributes: refused, never ignored.
    {U, R"(bogus eq "x")", nullptr},
    {U, R"(userName eq "alice@example.com" or bogus eq "x")", nullptr},
    {U, R"(password eq "1mz050nq")", nullptr},
    {U, R"(name.bogus eq "x")", nullptr},
    {U, R"(emails[bogus eq "x"])", nullptr},
    {U, R"(groups.bogus eq "x")", nullptr},
    {U, R"(urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "Sales")", nullptr},
    {U, R"(urn:example:unknown:2.0:User:userName eq "bob@example.com")", nullptr},
    {U, R"(members pr)", nullptr},
    // Malformed filters.
    {U, R"(userName eq)", nullptr},
    {U, R"(userName xx "a")", nullptr},
    {U, R"(userName "a")", nullptr},
    {U, R"((userName eq "a")", nullptr},
    {U, R"(userName eq "a"))", nullptr},
    {U, R"(userName eq "a" and)", nullptr},
    {U, R"(userName eq "a" or 1=1)", nullptr},
    {U, R"(userName eq "a" OR 1=1 --)", nullptr},
    {U, R"(userName eq "unterminated)", nullptr},
    {U, R"(emails[type eq "work")", nullptr},
    {U, R"(emails[type eq "work"]])", nullptr},
    {U, R"(userName pr pr)", nullptr},
    {U, R"(not userName pr)", nullptr},
    // Injection attempts in attribute names.
    {U, R"(userName' OR '1'='1 eq "a")", nullptr},
    {U, R"(userName;DROP TABLE scim_users eq "a")", nullptr},
    {U, R"(user_name_key eq "alice@example.com")", nullptr},
    {U, R"(u.id pr)", nullptr},
    {U, R"(1=1 or userName pr)", nullptr},
    // Groups.
    {G, R"(displayName eq "Engineering")", "eng"},
    {G, R"(displayName eq "engineering")", "eng"},
    {G, R"(displayName sw "E")", "eng,empty"},
    {G, R"(displayName eq "Engineering" or displayName eq "Sales")", "eng,sales"},
    {G, R"(urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "Sales")", "sales"},
    {G, R"(members[value eq "{alice}"])", "eng"},
    {G, R"(members[type eq "User" and value eq "{carol}"])", "eng"},
    {G, R"(members.value eq "{bob}")", "sales"},
    {G, R"(members.display eq "bob@example.com")", "sales"},
    {G, R"(members pr)", "eng,sales"},
    {G, R"(not (members pr))", "empty"},
    {G, R"(externalId eq "okta-eng")", "eng"},
    {G, R"(meta.created gt "2000-01-01T00:00:00Z")", "eng,sales,empty"},
    {G, R"(id eq "{empty}")", "empty"},
    {G, R"(displayName eq "Sales' OR '1'='1")", ""},
    {G, R"(userName eq "alice@example.com")", nullptr},
    {G, R"(members[bogus eq "x"])", nullptr},
    {G, R"(displayName eq "Sales" or bogus pr)", nullptr},
    {G, R"(displayName eq)", nullptr},
};

std::string resolve(std::string text, const Population& p) {
  for (const auto& [handle, id] : p.ids) text = replace_all(std::move(text), "{" + handle + "}", id);
  return text;
}

std::set<std::string> expected_ids(const char* handles, const Population& p) {
  std::set<std::string> out;
  std::stringstream in(handles);
  for (std::string h; std::getline(in, h, ',');) {
    if (!h.empty()) out.insert(p.ids.at(h));
  }
  return out;
}

}  // namespace

BOOST_DATA_TEST_CASE(filter_selects_exactly_its_resources, data::make(kCases), c) {
  auto& p = population();
  const std::string endpoint = c.resource == Resource::Users ? "/Users" : "/Groups";
  const std::string filter = resolve(c.filter, p);
  const auto by_query = p.okta.get(endpoint + "?" + filter_query(filter) + "&count=100");
  const auto by_search = p.okta.post(endpoint + "/.search", json::object{{"schemas", json::array{kSearchRequestUrn}},
                                                                         {"filter", filter},
                                                                         {"count", 100}});
  for (const auto* res : {&by_query, &by_search}) {
    if (!c.expect) {
      check_error(*res, 400, "invalidFilter");
      continue;
    }
    const auto page = check_list(*res, filter);
    const auto want = expected_ids(c.expect, p);
    BOOST_TEST(as_set(ids_of(page)) == want);
    BOOST_TEST(total_of(page) == static_cast<std::int64_t>(want.size()));
  }
}

BOOST_AUTO_TEST_CASE(the_store_is_intact_after_the_injection_attempts) {
  auto& p = population();
  BOOST_TEST(total_of(list(p.okta, "/Users")) == 5);
  BOOST_TEST(total_of(list(p.okta, "/Groups")) == 3);
  BOOST_TEST(member_ids(get_json(p.okta, "/Groups/" + p.ids.at("eng"))) ==
             (std::set<std::string>{p.ids.at("alice"), p.ids.at("carol")}));
}

BOOST_AUTO_TEST_CASE(an_overlong_filter_is_refused) {
  auto& p = population();
  std::string filter = R"(userName eq "a")";
  while (filter.size() < 20000) filter += R"( or userName eq "a")";
  check_error(p.okta.post("/Users/.search", json::object{{"schemas", json::array{kSearchRequestUrn}}, {"filter", filter}}),
              400, "invalidFilter");
}

// --- large filters within the limits are answered, not refused ------------
//
// A filter the parser accepts (256 nodes, 4096 bytes, 32 nested groups by
// default) compiles to SQL every backend runs, or is refused as
// invalidFilter before any SQL runs: never a 500 (SQLite's parser used to
// overflow on the parentheses of a 90-term OR chain).

namespace {

std::string or_chain(int n, const std::function<std::string(int)>& term, const std::string& op = "or") {
  std::string out;
  for (int i = 0; i < n; ++i) out += (i == 0 ? "" : " " + op + " ") + term(i);
  return out;
}

std::string nested(int groups, const std::string& op, const std::function<std::string(int)>& term) {
  std::string out = std::string(static_cast<std::size_t>(groups), '(') + term(0);
  for (int i = 1; i <= groups; ++i) out += " " + op + " " + term(i) + ")";
  return out;
}

std::string alternating(int groups, const std::function<std::string(int)>& term) {
  std::string out;
  for (int i = 0; i < groups; ++i) out += term(i) + (i % 2 ? " and (" : " or (");
  return out + term(groups) + std::string(static_cast<std::size_t>(groups), ')');
}

std::string nots(int count, const std::string& inner) {
  std::string out;
  for (int i = 0; i < count; ++i) out += "not (";
  return out + inner + std::string(static_cast<std::size_t>(count), ')');
}

// nickName "caz" is carol's; c0, c1… are nobody's.
std::string nick(int i) { return R"(nickName eq ")" + (i == 77 ? std::string("CAZ") : "c" + std::to_string(i)) + R"(")"; }

struct LargeCase {
  const char* name;
  std::string filter;
  const char* expect;  // handles; nullptr: 400 invalidFilter
};
std::ostream& operator<<(std::ostream& out, const LargeCase& c) { return out << c.name; }

std::vector<LargeCase> largest_cases() {
  return {
      {"or_128_terms_255_nodes", or_chain(128, nick), "carol"},
      {"and_128_ne_terms_255_nodes",
       or_chain(128, [](int i) { return R"(nickName ne "c)" + std::to_string(i) + R"(")"; }, "and"),
       "alice,bob,carol,dave,obrien"},
      {"not_of_or_chain", "not (" + or_chain(120, nick) + ")", "alice,bob,dave,obrien"},
      {"left_nested_31_groups", nested(31, "or", nick), ""},
      {"left_nested_31_groups_with_caz", nested(31, "or", [](int i) { return nick(i == 20 ? 77 : i); }), "carol"},
      {"not_31_times", nots(31, R"(nickName eq "caz")"), "alice,bob,dave,obrien"},
      {"not_30_times", nots(30, R"(nickName eq "caz")"), "carol"},
      {"value_filter_128_terms",
       "emails[" + or_chain(127, [](int i) {
         return i == 90 ? std::string(R"(value eq "BOB@example.org")") : R"(type eq "t)" + std::to_string(i) + R"(")";
       }) + "]",
       "bob"},
      {"ors_inside_ands", "(" + or_chain(60, nick) + " or nickName eq \"caz\") and (" +
                              or_chain(30, [](int i) { return R"(title eq "t)" + std::to_string(i) + R"(")"; }) +
                              " or not (title pr)) and not (" + or_chain(30, [](int i) {
                                return R"(emails.value eq "x)" + std::to_string(i) + R"(@example.com")"; }) + ")",
       "carol"},
      {"alternating_31_groups", alternating(31, nick), nullptr},
  };
}

}  // namespace

BOOST_AUTO_TEST_CASE(ninety_or_terms_on_userName_select_the_named_users) {
  auto& p = population();
  // 90 terms, 179 nodes: a large filter an IdP may send, within the limits.
  const std::string filter = or_chain(90, [](int i) {
    if (i == 40) return std::string(R"(userName eq "ALICE@example.com")");
    if (i == 89) return std::string(R"(userName eq "carol@example.com")");
    return R"(userName eq "nobody)" + std::to_string(i) + R"(@example.com")";
  });
  const auto res = p.okta.get("/Users?" + filter_query(filter) + "&count=100");
  const auto page = check_list(res, "90 or terms");
  BOOST_TEST(as_set(ids_of(page)) == (std::set<std::string>{p.ids.at("alice"), p.ids.at("carol")}));
  BOOST_TEST(total_of(page) == 2);
}

BOOST_DATA_TEST_CASE(the_largest_filters_answer_or_are_invalid_filter_never_500, data::make(largest_cases()), c) {
  auto& p = population();
  BOOST_TEST_REQUIRE(c.filter.size() <= 4096u, "the case itself is over the length limit: " << c.filter.size());
  const auto res = p.okta.post("/Users/.search", json::object{{"schemas", json::array{kSearchRequestUrn}},
                                                               {"filter", c.filter},
                                                               {"count", 100}});
  if (!c.expect) {
    check_error(res, 400, "invalidFilter");
    return;
  }
  const auto page = check_list(res, c.name);
  const auto want = expected_ids(c.expect, p);
  BOOST_TEST(as_set(ids_of(page)) == want);
  BOOST_TEST(total_of(page) == static_cast<std::int64_t>(want.size()));
}
