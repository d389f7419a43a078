#define BOOST_TEST_MODULE adapters_filter_shapes
// Large and deeply nested filters (a 90-term OR was a 500 on SQLite): every shape the parser
// accepts within its limits either compiles to SQL the backend runs, with
// exactly the users the in-memory evaluator (scim/filter/evaluator.hpp)
// picks from the same documents, or is refused as invalidFilter before any
// SQL runs; never a database error (SQLite's parser stack held ~33 levels
// of nested parentheses, and a 90-term OR chain used to nest 89).
#include "resource_data.hpp"

#include "scim/filter/evaluator.hpp"
#include "scim/schema/registry.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace data = boost::unit_test::data;
namespace json = boost::json;
namespace ports = kestra::ports;
namespace f = kestra::scim::filter;
using namespace kestra::test;
using kestra::ErrorKind;

BOOST_TEST_GLOBAL_FIXTURE(BackendCheck);

namespace {

constexpr int kUsers = 24;

std::string two_digits(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }

// User n: id "s<nn>", userName "user<nn>", a title for three in four,
// emails for two in three, active for odd n.
struct SeedUser {
  std::string id;
  std::string user_name;
  std::string extra;  // JSON members after userName
  bool active;
};

SeedUser seed_user(int n) {
  static const char* const kTitles[] = {"Engineer", "Manager", "CTO"};
  SeedUser u{"s" + two_digits(n), "user" + two_digits(n), "", n % 2 == 1};
  u.extra = R"("displayName":"Person )" + std::to_string(n) + R"(")";
  if (n % 4 != 3) u.extra += R"(,"title":")" + std::string(kTitles[n % 4]) + R"(")";
  u.extra += R"(,"name":{"givenName":"Given)" + std::to_string(n % 5) + R"("})";
  if (n % 3 != 2) {
    u.extra += R"(,"emails":[{"value":"user)" + two_digits(n) + R"(@work.example","type":"work"})";
    if (n % 3 == 0) u.extra += R"(,{"value":"user)" + two_digits(n) + R"(@home.example","type":"home"})";
    u.extra += "]";
  }
  return u;
}

// The document the evaluator reads: what the store was given, with id and
// this tenant's active.
json::object document(const SeedUser& u) {
  const std::string text = R"({"id":")" + u.id + R"(","userName":")" + u.user_name + R"(","active":)" +
                           (u.active ? "true" : "false") + "," + u.extra + "}";
  return json::parse(text).as_object();
}

const kestra::scim::schema::Registry& registry() {
  static const kestra::scim::schema::Registry r = [] {
    auto loaded = kestra::scim::schema::Registry::load();
    BOOST_TEST_REQUIRE(loaded.has_value(), (loaded ? "" : loaded.error().detail));
    return std::move(*loaded);
  }();
  return r;
}

// --- filter text builders ------------------------------------------------

using Term = std::function<std::string(int)>;

std::string chain(int n, const std::string& op, const Term& term) {
  std::string out;
  for (int i = 0; i < n; ++i) out += (i == 0 ? "" : " " + op + " ") + term(i);
  return out;
}

// userName values: every third one missing, others in changing case.
std::string user_name_eq(int i) {
  if (i % 3 == 2) return R"(userName eq "nobody)" + std::to_string(i) + R"(")";
  const std::string name = "user" + two_digits(i % kUsers);
  return R"(userName eq ")" + (i % 2 ? ascii_lower(name) : std::string("USER") + two_digits(i % kUsers)) + R"(")";
}

std::string mixed_eq(int i) {
  const std::string nn = two_digits(i % kUsers);
  switch (i % 7) {
    case 0: return R"(userName eq "user)" + nn + R"(")";
    case 1: return R"(title eq "manager")";
    case 2: return R"(id eq "s)" + nn + R"(")";
    case 3: return R"(emails.value eq "USER)" + nn + R"(@home.example")";
    case 4: return R"(displayName eq "person )" + std::to_string(i % kUsers) + R"(")";
    case 5: return R"(name.givenName eq "given)" + std::to_string(i % 5) + R"(")";
    default: return R"(id eq "S)" + nn + R"(")";  // id is caseExact: never matches
  }
}

// ((((t0 or t1) or t2) ...) with `groups` nested parentheses.
std::string left_nested(int groups, const std::string& op, const Term& term) {
  std::string out = std::string(static_cast<std::size_t>(groups), '(') + term(0);
  for (int i = 1; i <= groups; ++i) out += " " + op + " " + term(i) + ")";
  return out;
}

// t0 or (t1 or (t2 ... )) with `groups` nested parentheses.
std::string right_nested(int groups, const std::string& op, const Term& term) {
  std::string out;
  for (int i = 0; i < groups; ++i) out += term(i) + " " + op + " (";
  out += term(groups) + " " + op + " " + term(groups + 1);
  return out + std::string(static_cast<std::size_t>(groups), ')');
}

// t0 or (t1 and (t2 or (t3 and ...))): each group switches operator.
std::string alternating(int groups, const Term& term) {
  std::string out;
  for (int i = 0; i < groups; ++i) out += term(i) + (i % 2 ? " and (" : " or (");
  out += term(groups);
  return out + std::string(static_cast<std::size_t>(groups), ')');
}

std::string nots(int count, const std::string& inner) {
  std::string out;
  for (int i = 0; i < count; ++i) out += "not (";
  return out + inner + std::string(static_cast<std::size_t>(count), ')');
}

// --- the table -----------------------------------------------------------

enum class Expect { Evaluator, InvalidFilter };

struct Shape {
  std::string name;
  std::string filter;
  Expect expect = Expect::Evaluator;
  f::Limits limits{};
};
std::ostream& operator<<(std::ostream& out, const Shape& s) { return out << s.name; }

// The module's ceiling: filter-max-nodes may be raised to 1000.
const f::Limits kWidest{1 << 20, 1000, 32};

std::vector<Shape> shapes() {
  std::vector<Shape> s;
  // The 90-term OR, and the chains around the 256-node default.
  s.push_back({"or_90_userName_179_nodes", chain(90, "or", user_name_eq)});
  s.push_back({"or_64_userName_127_nodes", chain(64, "or", user_name_eq)});
  s.push_back({"or_128_userName_255_nodes", chain(128, "or", user_name_eq)});
  s.push_back({"or_500_userName_999_nodes", chain(500, "OR", user_name_eq), Expect::Evaluator, kWidest});
  s.push_back({"or_128_mixed_attributes", chain(128, "or", mixed_eq)});
  s.push_back({"or_500_mixed_attributes", chain(500, "or", mixed_eq), Expect::Evaluator, kWidest});
  s.push_back({"or_100_id_case_exact", chain(100, "or", [](int i) {
                 return R"(id eq ")" + std::string(i % 2 ? "s" : "S") + two_digits(i % kUsers) + R"(")";
               })});
  // AND chains, ne and not(eq) gathered into NOT IN.
  s.push_back({"and_128_userName_ne", chain(128, "and", [](int i) {
                 return R"(userName ne "USER)" + two_digits((i * 5) % kUsers) + R"(")";
               })});
  s.push_back({"and_80_not_title_eq", chain(80, "and", [](int i) {
                 return R"(not (title eq ")" + std::string(i % 2 ? "cto" : "ENGINEER") + R"("))";
               })});
  s.push_back({"and_100_mixed", chain(100, "and", [](int i) {
                 switch (i % 4) {
                   case 0: return std::string(R"(userName sw "user")");
                   case 1: return std::string(R"(not (emails.value eq "nobody@x"))");
                   case 2: return R"(userName ne "user)" + two_digits(i % kUsers) + R"(")";
                   default: return std::string(R"(id sw "s")");
                 }
               })});
  // Parentheses the client nested (the parser allows 32 levels).
  s.push_back({"left_nested_or_31_groups", left_nested(31, "or", user_name_eq)});
  s.push_back({"right_nested_or_31_groups", right_nested(31, "or", user_name_eq)});
  s.push_back({"left_nested_and_31_groups",
               left_nested(31, "and", [](int i) { return R"(userName ne "user)" + two_digits(i) + R"(")"; })});
  s.push_back({"right_nested_and_31_groups",
               right_nested(31, "and", [](int i) { return R"(userName ne "user)" + two_digits(i) + R"(")"; })});
  s.push_back({"right_nested_or_31_groups_of_60_terms",
               right_nested(31, "or", [](int i) { return "(" + chain(2, "or", [i](int k) {
                 return user_name_eq(i * 2 + k); }) + ")"; })});
  // not(not(...)): any parity, over a leaf and over chains.
  s.push_back({"not_31_times_eq", nots(31, R"(userName eq "user01")")});
  s.push_back({"not_30_times_eq", nots(30, R"(userName eq "user01")")});
  s.push_back({"not_31_times_or_chain", nots(31, chain(60, "or", user_name_eq))});
  s.push_back({"not_of_or_chain_of_nots", "not (" + chain(60, "or", [](int i) {
                 return "not (" + user_name_eq(i) + ")"; }) + ")"});
  s.push_back({"not_pr_and_null", R"(not (title eq null or displayName ne "person 4") and not (not (emails pr)))"});
  // Value filters with many terms.
  s.push_back({"value_filter_or_90_values", "emails[" + chain(90, "or", [](int i) {
                 return R"(value eq "user)" + two_digits(i % kUsers) + (i % 2 ? "@work.example" : "@HOME.example") +
                        R"(")"; }) + "]"});
  s.push_back({"value_filter_or_types", R"(emails[type eq "home" or type eq "HOME" or type eq "other" or )"
                                        R"(type eq "x" or type eq "y"])"});
  s.push_back({"value_filter_ands_in_or", "emails[" + chain(40, "or", [](int i) {
                 return R"((type eq "work" and value eq "user)" + two_digits(i % kUsers) + R"(@work.example"))"; }) +
                 "]"});
  s.push_back({"value_filter_not_or", "emails[not (" + chain(60, "or", [](int i) {
                 return R"(value eq "user)" + two_digits(i % kUsers) + R"(@work.example")"; }) + ")]"});
  s.push_back({"value_filter_nested_31_groups", "emails" + [] {
                 const std::string inner = right_nested(30, "or", [](int i) {
                   return R"(value eq "user)" + two_digits(i % kUsers) + R"(@home.example")"; });
                 return "[" + inner + "]";
               }()});
  // ORs inside ANDs.
  s.push_back({"ors_inside_ands", "(" + chain(60, "or", user_name_eq) + ") and (" +
                                      chain(10, "or", [](int i) { return i % 2 ? std::string(R"(title eq "cto")")
                                                                               : std::string(R"(title eq "ENGINEER")"); }) +
                                      ") and not (" + chain(20, "or", [](int i) {
                                        return R"(emails.value eq "user)" + two_digits(i * 3) + R"(@home.example")"; }) +
                                      ") and active eq true"});
  s.push_back({"ands_inside_ors", chain(60, "or", [](int i) {
                 return R"((userName eq "user)" + two_digits(i % kUsers) + R"(" and active eq )" +
                        (i % 2 ? "true" : "false") + ")"; })});
  // Operators that alternate at every group cannot be flattened: a few
  // levels run, the deepest the parser allows is refused as invalidFilter.
  s.push_back({"alternating_8_groups", alternating(8, user_name_eq)});
  s.push_back({"alternating_31_groups", alternating(31, user_name_eq), Expect::InvalidFilter});
  s.push_back({"alternating_31_groups_in_value_filter",
               "emails[" + alternating(30, [](int i) {
                 return R"(value eq "user)" + two_digits(i % kUsers) + R"(@work.example")"; }) + "]",
               Expect::InvalidFilter});
  return s;
}

}  // namespace

BOOST_DATA_TEST_CASE(large_filter_gives_the_evaluators_users_or_invalid_filter, data::make(shapes()), shape) {
  auto parsed = f::parse_filter(shape.filter, shape.limits);
  BOOST_TEST_REQUIRE(parsed.has_value(), "the parser refused it: " << (parsed ? "" : parsed.error().detail));
  const f::Node& filter = **parsed;

  ResourceFixture fx;
  const auto lookup = registry().lookup_for(*registry().resource_type("User"));
  std::vector<std::string> expected;
  for (int n = 0; n < kUsers; ++n) {
    const SeedUser u = seed_user(n);
    must_create_user(fx, kAcme, u.id, user_write(u.user_name, u.extra, u.active), created_at(n + 1));
    if (f::matches(filter, document(u), lookup)) expected.push_back(u.id);
  }

  ports::ListQuery q;
  q.filter = &filter;
  q.count = 1000;
  auto page = fx.users->list(kAcme, q);
  if (shape.expect == Expect::InvalidFilter) {
    BOOST_TEST_REQUIRE(!page.has_value(), "accepted");
    BOOST_TEST(page.error().kind == ErrorKind::InvalidInput);
    BOOST_TEST(page.error().scim_type == "invalidFilter");
    BOOST_TEST(page.error().detail.find("nest") != std::string::npos, page.error().detail);
    return;
  }
  BOOST_TEST_REQUIRE(page.has_value(), (page ? "" : describe(page.error())));
  std::vector<std::string> ids;
  for (const auto& u : page->items) ids.push_back(u.id);
  BOOST_TEST(ids == expected, boost::test_tools::per_element());
  BOOST_TEST(page->total == static_cast<long long>(expected.size()));
}

// Groups and their members' subqueries, at every depth up to the parser's:
// a page, or invalidFilter, never a database error.
BOOST_DATA_TEST_CASE(deep_group_filter_answers_or_is_invalid_filter, data::xrange(8, 32), groups) {
  ResourceFixture fx;
  seed(fx);
  const std::vector<std::string> filters = {
      alternating(groups, [](int i) { return R"(displayName eq "admins)" + std::to_string(i) + R"(")"; }),
      alternating(groups, [](int i) { return R"(members.value eq "u0)" + std::to_string(i % 9) + R"(")"; }),
      groups < 31 ? "members[" + alternating(groups, [](int i) {
        return R"(display eq "x)" + std::to_string(i) + R"(" or type eq "user")"; }) + "]"
                  : std::string(R"(members pr)"),
  };
  for (const std::string& text : filters) {
    const auto filter = parse(text);
    ports::ListQuery q;
    q.filter = filter.get();
    auto page = fx.groups->list(kAcme, q);
    if (page) continue;
    BOOST_TEST(page.error().kind == ErrorKind::InvalidInput, text << ": " << describe(page.error()));
    BOOST_TEST(page.error().scim_type == "invalidFilter", text);
  }
}
