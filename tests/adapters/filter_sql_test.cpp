#define BOOST_TEST_MODULE adapters_filter_sql
#include "filter_sql.hpp"
#include "list_query.hpp"
#include "resource_data.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace data = boost::unit_test::data;
namespace ports = kestra::ports;
namespace f = kestra::scim::filter;
using namespace kestra::test;
using kestra::ErrorKind;

BOOST_TEST_GLOBAL_FIXTURE(BackendCheck);

namespace {

using Ids = std::vector<std::string>;

std::string joined(const Ids& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ",") + id;
  return "[" + out + "]";
}

Ids user_ids(ResourceFixture& fx, const ports::Scope& scope, const f::Node* filter) {
  ports::ListQuery q;
  q.filter = filter;
  q.count = 1000;
  auto page = fx.users->list(scope, q);
  BOOST_TEST_REQUIRE(page.has_value(), (page ? "" : describe(page.error())));
  Ids ids;
  for (const auto& u : page->items) ids.push_back(u.id);
  BOOST_TEST(page->total == static_cast<long long>(ids.size()));
  return ids;
}

Ids group_ids(ResourceFixture& fx, const ports::Scope& scope, const f::Node* filter) {
  ports::ListQuery q;
  q.filter = filter;
  q.count = 1000;
  auto page = fx.groups->list(scope, q);
  BOOST_TEST_REQUIRE(page.has_value(), (page ? "" : describe(page.error())));
  Ids ids;
  for (const auto& g : page->items) ids.push_back(g.id);
  BOOST_TEST(page->total == static_cast<long long>(ids.size()));
  return ids;
}

struct FilterCase {
  const char* filter;
  Ids expected;  // in creation order
};
std::ostream& operator<<(std::ostream& out, const FilterCase& c) { return out << c.filter; }

const Ids kAllAcme{"u01", "u02", "u03", "u04", "u05", "u06"};

const FilterCase kUserFilters[] = {
    // userName: case-insensitive, indexed key
    {R"(userName eq "bjensen@example.com")", {"u01"}},
    {R"(userName eq "BJENSEN@EXAMPLE.COM")", {"u01"}},
    {R"(USERNAME eq "jsmith")", {"u02"}},
    {R"(urn:ietf:params:scim:schemas:core:2.0:User:userName eq "bob")", {"u04"}},
    {R"(URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:username eq "Bob")", {"u04"}},
    {R"(userName sw "b")", {"u01", "u04"}},
    {R"(userName ew "%")", {"u03"}},
    {R"(userName co "%")", {"u03"}},
    {R"(userName co "e_1")", {"u03"}},
    {R"(userName co "!")", {}},
    {R"(nickName co "!")", {"u03"}},
    {R"(userName sw "DAVE*?")", {"u06"}},
    {R"(userName eq "dave*?[x]")", {"u06"}},
    {R"(userName gt "d")", {"u02", "u06"}},
    {R"(userName le "bob")", {"u01", "u03", "u04"}},
    {R"(userName eq "eve")", {}},
    // id: caseExact
    {R"(id eq "u03")", {"u03"}},
    {R"(id eq "U03")", {}},
    {R"(id sw "u0")", kAllAcme},
    {R"(id sw "U0")", {}},
    {R"(id ew "3")", {"u03"}},
    {R"(id co "*")", {}},
    {R"(id co "?")", {}},
    // singular strings, case-insensitive
    {R"(displayName eq "babs jensen")", {"u01"}},
    {R"(displayName co "o")", {"u02", "u05"}},
    {R"(displayName lt "b")", {"u03"}},
    {R"(displayName pr)", {"u01", "u02", "u03", "u05", "u06"}},
    {R"(not (displayName pr))", {"u04"}},
    {R"(displayName eq null)", {"u04"}},
    {R"(displayName ne null)", {"u01", "u02", "u03", "u05", "u06"}},
    {R"(displayName gt null)", {}},
    {R"(displayName ne "Dave")", {"u01", "u02", "u03", "u04", "u05"}},
    {R"(nickName eq "babs")", {"u01"}},
    {R"(title eq "tour guide")", {"u01"}},
    {R"(title eq "cto")", {"u05"}},
    {R"(userType eq "EMPLOYEE")", {"u01", "u05"}},
    {R"(name.givenName eq "barbara")", {"u01"}},
    {R"(name.familyName sw "SM")", {"u02"}},
    {R"(name.formatted co "J Jensen")", {"u01"}},
    {R"(name[givenName eq "John"])", {"u02"}},
    {R"(locale eq "fr-fr")", {"u04"}},
    {R"(preferredLanguage eq "en-US")", {"u01"}},
    {R"(timezone pr)", {"u01"}},
    {R"(profileUrl sw "HTTPS://login")", {"u01"}},
    // active: per tenant, booleans and Entra strings
    {R"(active eq true)", {"u01", "u02", "u04", "u06"}},
    {R"(active eq false)", {"u03", "u05"}},
    {R"(active eq "False")", {"u03", "u05"}},
    {R"(active ne true)", {"u03", "u05"}},
    {R"(active pr)", kAllAcme},
    // externalId: this integration's, caseExact
    {R"(externalId eq "ext-bjensen")", {"u01"}},
    {R"(externalId eq "EXT-BJENSEN")", {}},
    {R"(externalId eq "globex-jsmith")", {}},
    {R"(externalId pr)", {"u01", "u02", "u04"}},
    {R"(externalId ne "ext-bob")", {"u01", "u02", "u03", "u05", "u06"}},
    {R"(externalId sw "ext-")", {"u01", "u04"}},
    // emails and the other multi-valued attributes
    {R"(emails eq "BOB@example.com")", {"u04"}},
    {R"(emails.value ew "@example.com")", {"u01", "u03", "u04"}},
    {R"(emails[type eq "work" and value co "example.com"])", {"u01", "u03", "u04"}},
    {R"(emails[type eq "home" and value co "example.com"])", {}},
    {R"(emails[type eq "work"] and emails.value co "jensen.org")", {"u01"}},
    {R"(emails[type eq "work"].value eq "a.work@example.com")", {"u03"}},
    {R"(emails[type eq "home"].value eq "a.work@example.com")", {}},
    {R"(emails[primary eq true])", {"u01", "u02"}},
    {R"(emails.primary eq "True")", {"u01", "u02"}},
    {R"(emails pr)", {"u01", "u02", "u03", "u04"}},
    {R"(not (emails pr))", {"u05", "u06"}},
    {R"(emails.type eq "HOME")", {"u01", "u03"}},
    {R"(emails.value ne "bob@example.com")", {"u01", "u02", "u03", "u05", "u06"}},
    {R"(emails[not (type eq "work")])", {"u01", "u03"}},
    {R"(phoneNumbers eq "555-555-5555")", {"u01"}},
    {R"(phoneNumbers[type eq "mobile"])", {"u05"}},
    {R"(ims.value eq "someaimhandle")", {"u01"}},
    {R"(photos.value sw "https://photos")", {"u01"}},
    {R"(addresses.formatted co "hollywood")", {"u01"}},
    {R"(addresses[type eq "work" and primary eq true])", {"u01"}},
    {R"(entitlements eq "full access")", {"u01"}},
    {R"(x509Certificates.value eq "MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAw")", {"u01"}},
    {R"(x509Certificates.value eq "miidqzccaqygawibagicEAAwDQYJKoZIhvcNAQEFBQAw")", {}},
    // enterprise extension
    {R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984")", {"u01"}},
    {R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "tour operations")",
     {"u01", "u02"}},
    {R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "u02")", {"u01"}},
    {R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq "U02")", {"u01"}},
    {R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter eq "4130" and )"
     R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:division eq "Theme Park")",
     {"u01"}},
    {R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:organization co "studios")", {"u01"}},
    {R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:division eq "hq")", {"u02"}},
    // groups of this tenant only
    {R"(groups eq "g1")", {"u01", "u02"}},
    {R"(groups.value eq "g2")", {"u01"}},
    {R"(groups.value eq "g9")", {}},
    {R"(groups.display eq "admins")", {"u01", "u02"}},
    {R"(groups pr)", {"u01", "u02"}},
    {R"(groups[value eq "g1" and display sw "adm"])", {"u01", "u02"}},
    // meta: normalised to the stored UTC form
    {R"(meta.created gt "2026-01-03T10:00:00Z")", {"u04", "u05", "u06"}},
    {R"(meta.created ge "2026-01-03T12:00:00+02:00")", {"u03", "u04", "u05", "u06"}},
    {R"(meta.created lt "2026-01-02T10:00:00.001Z")", {"u01", "u02"}},
    {R"(meta.created eq "2026-01-01T10:00:00Z")", {"u01"}},
    {R"(meta.created eq "2026-01-01T05:00:00.000-05:00")", {"u01"}},
    {R"(meta.created ne "2026-01-01T10:00:00Z")", {"u02", "u03", "u04", "u05", "u06"}},
    {R"(meta.lastModified gt "2026-02-01T00:00:00Z")", {"u02"}},
    // logic and precedence
    {R"((userName eq "bob" or userName eq "carol") and active eq true)", {"u04"}},
    {R"(userName eq "bob" or userName eq "carol" and active eq true)", {"u04"}},
    {R"(userName eq "carol" or userName eq "bob" and active eq false)", {"u05"}},
    {R"(not (active eq true) and emails pr)", {"u03"}},
    {R"(not (not (userName eq "bob")))", {"u04"}},
    {R"(userName eq "a1" or userName eq "a2" or userName eq "a3" or userName eq "a4" or userName eq "a5" or )"
     R"(userName eq "a6" or userName eq "a7" or userName eq "a8" or userName eq "a9" or userName eq "a10" or )"
     R"(userName eq "a11" or emails[type eq "work" and value eq "bob@example.com"] or userName eq "carol")",
     {"u04", "u05"}},
    // injection attempts in values: bound, never widened
    {R"(userName eq "x' OR '1'='1")", {}},
    {R"(userName eq "' OR 1=1 --")", {}},
    {R"(displayName co "%' OR 1=1; DROP TABLE scim_users; --")", {}},
    {R"(emails[value eq "\" OR 1=1 --"])", {}},
    {R"(id eq "u01' --")", {}},
    {R"(id eq "u01\" OR \"1\"=\"1")", {}},
    {R"(userName sw "%")", {}},
    {R"(userName sw "_")", {}},
};

}  // namespace

BOOST_DATA_TEST_CASE(user_filter_returns_exactly_the_matching_users, data::make(kUserFilters), c) {
  ResourceFixture fx;
  seed(fx);
  const auto filter = parse(c.filter);
  const Ids ids = user_ids(fx, kAcme, filter.get());
  BOOST_TEST(joined(ids) == joined(c.expected));
  // Nothing was dropped: the tables are intact.
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_users") == 7);
}

namespace {

const FilterCase kGroupFilters[] = {
    {R"(displayName eq "admins")", {"g1"}},
    {R"(DISPLAYNAME co "GUIDE")", {"g2"}},
    {R"(urn:ietf:params:scim:schemas:core:2.0:Group:displayName sw "e")", {"g3"}},
    {R"(members eq "u01")", {"g1", "g2"}},
    {R"(members.value eq "g1")", {"g2"}},
    {R"(members.value eq "u04")", {}},
    {R"(members[value eq "u02" and type eq "user"])", {"g1"}},
    {R"(members[value eq "u02" and type eq "Group"])", {}},
    {R"(members[type eq "Group"])", {"g2"}},
    {R"(members.display eq "BJENSEN@example.com")", {"g1", "g2"}},
    {R"(members.display eq "Admins")", {"g2"}},
    {R"(members pr)", {"g1", "g2"}},
    {R"(not (members pr))", {"g3"}},
    {R"(members ne "u02")", {"g2", "g3"}},
    {R"(externalId eq "grp-ext-1")", {"g1"}},
    {R"(externalId pr)", {"g1"}},
    {R"(id eq "g3")", {"g3"}},
    {R"(meta.created ge "2026-01-11T10:00:00Z")", {"g2", "g3"}},
    {R"(meta.lastModified lt "2026-01-11T00:00:00Z")", {"g1"}},
    {R"(displayName eq "x' OR 'a'='a")", {}},
};

}  // namespace

BOOST_DATA_TEST_CASE(group_filter_returns_exactly_the_matching_groups, data::make(kGroupFilters), c) {
  ResourceFixture fx;
  seed(fx);
  const auto filter = parse(c.filter);
  BOOST_TEST(joined(group_ids(fx, kAcme, filter.get())) == joined(c.expected));
}

namespace {

struct BadFilter {
  const char* filter;
  const char* target;  // "Users" or "Groups"
};
std::ostream& operator<<(std::ostream& out, const BadFilter& c) { return out << c.target << ": " << c.filter; }

const BadFilter kBadFilters[] = {
    {R"(foo eq "x")", "Users"},
    {R"(password eq "x")", "Users"},
    {R"(name.middleName eq "x")", "Users"},
    {R"(name eq "x")", "Users"},
    {R"(department eq "x")", "Users"},
    {R"(urn:example:unknown:2.0:User:userName eq "x")", "Users"},
    {R"(urn:ietf:params:scim:schemas:core:2.0:Group:userName eq "x")", "Users"},
    {R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:userName eq "x")", "Users"},
    {R"(active co "x")", "Users"},
    {R"(active gt true)", "Users"},
    {R"(active eq "yes")", "Users"},
    {R"(active eq 1)", "Users"},
    {R"(meta.created eq "yesterday")", "Users"},
    {R"(meta.created eq "2026-02-30T00:00:00Z")", "Users"},
    {R"(meta.created gt "2026-01-01")", "Users"},
    {R"(meta.created co "2026")", "Users"},
    {R"(userName eq 5)", "Users"},
    {R"(userName eq true)", "Users"},
    {R"(emails.foo eq "x")", "Users"},
    {R"(emails[value eq "x" and foo eq "y"])", "Users"},
    {R"(emails[primary co "t"])", "Users"},
    {R"(externalId[value eq "x"])", "Users"},
    {R"(addresses eq "x")", "Users"},
    {R"(addresses.value eq "x")", "Users"},
    {R"(groups.type eq "direct")", "Users"},
    {R"(members eq "u01")", "Users"},
    {R"(userName eq "bob" or foo pr)", "Users"},
    {R"(not (foo pr))", "Users"},
    {R"(userName eq "x")", "Groups"},
    {R"(members.foo eq "x")", "Groups"},
    {R"(displayName gt 3)", "Groups"},
    {R"(emails pr)", "Groups"},
    {R"(members[display co "a" and foo eq "b"])", "Groups"},
};

}  // namespace

BOOST_DATA_TEST_CASE(unsupported_filter_is_invalid_filter_never_widened, data::make(kBadFilters), c) {
  ResourceFixture fx;
  seed(fx);
  const auto filter = parse(c.filter);
  ports::ListQuery q;
  q.filter = filter.get();
  std::optional<kestra::Error> error;
  if (std::string(c.target) == "Users") {
    auto listed = fx.users->list(kAcme, q);
    if (!listed) error = listed.error();
  } else {
    auto listed = fx.groups->list(kAcme, q);
    if (!listed) error = listed.error();
  }
  BOOST_TEST_REQUIRE(error.has_value(), "accepted");
  BOOST_TEST(error->kind == ErrorKind::InvalidInput);
  BOOST_TEST(error->scim_type == "invalidFilter");
  BOOST_TEST(!error->detail.empty());
}

namespace {

// Hand-built paths that no parser would produce: the whitelist alone must refuse them.
const char* const kInjectedAttributes[] = {
    "userName = userName OR 1",
    "u.id",
    "a.active",
    "1=1 --",
    "userName) OR (1=1",
    "emails.value_key",
    "scim_users.id",
    "resource",
    "user_name_key",
};

}  // namespace

BOOST_DATA_TEST_CASE(injected_attribute_name_is_invalid_filter, data::make(kInjectedAttributes), attribute) {
  ResourceFixture fx;
  seed(fx);
  for (const bool as_value_path : {false, true}) {
    f::Node node;
    if (as_value_path) {
      auto inner = std::make_unique<f::Node>();
      inner->value = f::Present{f::AttrPath{"", attribute, ""}};
      node.value = f::ValuePath{f::AttrPath{"", "emails", ""}, std::move(inner)};
    } else {
      node.value = f::Compare{f::AttrPath{"", attribute, ""}, f::CompareOp::Eq, f::Literal{f::Literal::Kind::String, false, "x"}};
    }
    ports::ListQuery q;
    q.filter = &node;
    auto listed = fx.users->list(kAcme, q);
    BOOST_TEST_REQUIRE(!listed.has_value(), attribute);
    BOOST_TEST(listed.error().scim_type == "invalidFilter");

    ports::ListQuery sorted;
    sorted.sort = ports::SortKey{attribute, true};
    auto by = fx.users->list(kAcme, sorted);
    BOOST_TEST_REQUIRE(!by.has_value(), attribute);
    BOOST_TEST(by.error().scim_type == "invalidFilter");
  }
}

BOOST_AUTO_TEST_CASE(other_tenant_sees_only_its_own_users_groups_and_external_ids) {
  ResourceFixture fx;
  seed(fx);
  BOOST_TEST(joined(user_ids(fx, kGlobex, nullptr)) == joined({"u02", "u04", "u09"}));
  const auto ext = parse(R"(externalId eq "globex-bob")");
  BOOST_TEST(joined(user_ids(fx, kGlobex, ext.get())) == joined({"u04"}));
  const auto groups = parse(R"(groups eq "g1")");
  BOOST_TEST(joined(user_ids(fx, kGlobex, groups.get())) == joined({}));
  const auto admins = parse(R"(displayName eq "Admins")");
  BOOST_TEST(joined(group_ids(fx, kGlobex, admins.get())) == joined({"g9"}));
  BOOST_TEST(joined(group_ids(fx, kGlobex, nullptr)) == joined({"g9"}));
}

// --- dateTime normalisation ----------------------------------------------

namespace {

struct DateCase {
  const char* text;
  const char* expected;  // "" = not a date-time
};
std::ostream& operator<<(std::ostream& out, const DateCase& c) { return out << c.text; }

const DateCase kDates[] = {
    {"2026-01-02T03:04:05Z", "2026-01-02T03:04:05.000Z"},
    {"2026-01-02T03:04:05.6Z", "2026-01-02T03:04:05.600Z"},
    {"2026-01-02T03:04:05.123456789Z", "2026-01-02T03:04:05.123Z"},
    {"2026-01-02t03:04:05z", "2026-01-02T03:04:05.000Z"},
    {"2026-01-02T03:04:05", "2026-01-02T03:04:05.000Z"},
    {"2026-01-02T01:00:00+02:00", "2026-01-01T23:00:00.000Z"},
    {"2025-12-31T23:30:00-01:00", "2026-01-01T00:30:00.000Z"},
    {"2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000Z"},
    {"2026-02-29T00:00:00Z", ""},
    {"2026-13-01T00:00:00Z", ""},
    {"2026-01-01T24:00:00Z", ""},
    {"2026-01-01T00:60:00Z", ""},
    {"2026-01-01", ""},
    {"2026-01-01T00:00:00.Z", ""},
    {"2026-01-01T00:00:00+0200", ""},
    {"2026-01-01T00:00:00Z ", ""},
    {"yesterday", ""},
    {"", ""},
};

}  // namespace

BOOST_DATA_TEST_CASE(date_time_is_normalised_to_the_stored_form, data::make(kDates), c) {
  const auto normalised = kestra::adapters::normalise_date_time(c.text);
  BOOST_TEST(normalised.value_or("") == std::string(c.expected));
}

// --- cursors --------------------------------------------------------------

BOOST_AUTO_TEST_CASE(cursor_round_trips_and_rejects_anything_else) {
  using kestra::adapters::Cursor;
  const Cursor c{"core:username", false, std::string("k\"ey"), "id-1"};
  const auto decoded = kestra::adapters::decode_cursor(kestra::adapters::encode_cursor(c));
  BOOST_TEST_REQUIRE(decoded.has_value());
  BOOST_TEST(decoded->sort == c.sort);
  BOOST_TEST(decoded->ascending == c.ascending);
  BOOST_TEST(decoded->key.value_or("<none>") == "k\"ey");
  BOOST_TEST(decoded->id == "id-1");
  for (const char* bad : {"", "!!!!", "e30", "bm90IGpzb24", "eyJzIjoxfQ"}) {
    const auto rejected = kestra::adapters::decode_cursor(bad);
    BOOST_TEST_REQUIRE(!rejected.has_value(), bad);
    BOOST_TEST(rejected.error().scim_type == "invalidCursor");
  }
}
