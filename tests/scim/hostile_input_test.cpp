// Hostile input: SQL injection in filters, sortBy,
// attribute names and ids; invalid UTF-8; NUL bytes; huge numbers; duplicate
// JSON keys; path traversal in ids; oversized values and headers.  Each is a
// clear 4xx (a SCIM error where the module answers, the host's JSON message
// where the host does), writes nothing, and the host keeps serving.  And the
// one case-folding rule of userName uniqueness, the same on every backend.
#define BOOST_TEST_MODULE scim_hostile_input
#include "scim_support.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <memory>
#include <ostream>

using namespace kestra::test;
using namespace std::string_literals;
namespace data = boost::unit_test::data;
namespace json = boost::json;

namespace {

// One user and one group the rows may name as {user} and {group}.
struct World {
  HarnessProcess harness{module_options()};
  Scim okta = scim_client(harness, "acme", "okta");
  std::string user = create_user(okta, "existing@example.com");
  std::string group = create_group(okta, "Existing", {user});
};

World& world() {
  static auto w = std::make_unique<World>();
  return *w;
}

std::string resolve(std::string text, const World& w) {
  text = replace_all(std::move(text), "{user}", w.user);
  return replace_all(std::move(text), "{group}", w.group);
}

// Who answers: the module (a SCIM error) or the host ({"message": ...}).
enum class Answer { Scim, Host };

struct HostileCase {
  std::string name;
  std::string method;
  std::string path;  // relative to the SCIM base; {user} and {group} are resolved
  std::string body;  // any bytes
  unsigned status;
  std::string scim_type;  // "" = none
  Headers headers = {};
  Answer answer = Answer::Scim;
};
std::ostream& operator<<(std::ostream& out, const HostileCase& c) { return out << c.name; }

const std::string kUserSchemas = R"("schemas":["urn:ietf:params:scim:schemas:core:2.0:User"])";
const std::string kGroupSchemas = R"("schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"])";

std::string user_with(const std::string& members) { return "{" + kUserSchemas + "," + members + "}"; }
std::string group_with(const std::string& members) { return "{" + kGroupSchemas + "," + members + "}"; }
std::string patch_of(const std::string& operation) {
  return R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[)" + operation + "]}";
}
std::string search_with(const std::string& members) {
  return R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],)" + members + "}";
}
std::string bulk_with(const std::string& members) {
  return R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],)" + members + "}";
}
std::string filtered(const std::string& endpoint, const std::string& filter) {
  return endpoint + "?" + filter_query(filter);
}
std::string id_path(const std::string& endpoint, const std::string& id) { return endpoint + "/" + url_encode(id); }

const std::string kNul("\0", 1);
const std::string kValidUser = user_with(R"("userName":"fresh@example.com")");

const HostileCase kCases[] = {
    // --- SQL injection: filters that are not filters.
    {"filter: or 1=1", "GET", filtered("/Users", R"(userName eq "x" or 1=1)"), "", 400, "invalidFilter"},
    {"filter: a second statement", "GET", filtered("/Users", R"(userName eq "x"; DROP TABLE scim_users)"), "", 400,
     "invalidFilter"},
    {"filter: SQL comment", "GET", filtered("/Users", R"(userName eq "x" --)"), "", 400, "invalidFilter"},
    {"filter: single quotes", "GET", filtered("/Users", R"(userName eq 'x' OR '1'='1')"), "", 400, "invalidFilter"},
    {"filter: a column name", "GET", filtered("/Users", R"(user_name eq "x")"), "", 400, "invalidFilter"},
    {"filter: a table-qualified column", "GET", filtered("/Groups", R"(scim_groups.display_name eq "x")"), "", 400,
     "invalidFilter"},
    {"filter: a subquery", "GET", filtered("/Users", R"((SELECT secret_hash FROM scim_api_tokens) eq "x")"), "", 400,
     "invalidFilter"},
    {"filter: UNION in a search body", "POST", "/Users/.search",
     search_with(R"("filter":"userName eq \"x\" UNION SELECT * FROM scim_api_tokens")"), 400, "invalidFilter"},
    {"filter: inside a value path", "GET", filtered("/Users", R"(emails[value eq "x" or 1=1])"), "", 400,
     "invalidFilter"},
    {"filter: SQL in a date", "GET", filtered("/Users", R"(meta.lastModified gt "2000-01-01T00:00:00Z' OR '1'='1")"),
     "", 400, "invalidFilter"},
    // --- SQL injection: sortBy, sortOrder, attribute names.
    {"sortBy: a second statement", "GET", "/Users?sortBy=" + url_encode("userName;DROP TABLE scim_users"), "", 400,
     "invalidFilter"},
    {"sortBy: a column name", "GET", "/Users?sortBy=user_name", "", 400, "invalidFilter"},
    {"sortBy: a subquery", "GET", "/Users?sortBy=" + url_encode("(SELECT secret_hash FROM scim_api_tokens)"), "",
     400, "invalidFilter"},
    {"sortBy: a column number", "GET", "/Groups?sortBy=1", "", 400, "invalidFilter"},
    {"sortBy: SQL in a search body", "POST", "/Users/.search", search_with(R"("sortBy":"userName DESC; --")"), 400,
     "invalidFilter"},
    {"sortOrder: a second statement", "GET", "/Users?sortBy=userName&sortOrder=" + url_encode("ascending;DROP"), "",
     400, "invalidValue"},
    {"attributes: a subquery", "GET", "/Users?attributes=" + url_encode("userName,(SELECT 1)"), "", 400,
     "invalidValue"},
    {"excludedAttributes: a second statement", "GET",
     "/Users?excludedAttributes=" + url_encode("emails;DROP TABLE scim_users"), "", 400, "invalidValue"},
    {"an attribute name that is SQL", "POST", "/Users",
     user_with(R"("userName":"a@example.com","userName = 'x'; --":"1")"), 400, "invalidSyntax"},
    {"a PATCH path that is SQL", "PATCH", "/Users/{user}",
     patch_of(R"({"op":"replace","path":"userName'; DROP TABLE scim_users; --","value":"x"})"), 400, "invalidPath"},
    {"a PATCH value filter that is SQL", "PATCH", "/Users/{user}",
     patch_of(R"({"op":"remove","path":"emails[value eq \"x\" or 1=1]"})"), 400, "invalidPath"},
    // --- SQL injection: ids.
    {"id: or 1=1", "GET", id_path("/Users", "' OR '1'='1"), "", 404, ""},
    {"id: a second statement", "DELETE", id_path("/Users", "x';DROP TABLE scim_users;--"), "", 404, ""},
    {"id: or 1=1 on PUT", "PUT", id_path("/Groups", "1 OR 1=1"), group_with(R"("displayName":"G")"), 404, ""},
    {"id: UNION on PATCH", "PATCH", id_path("/Groups", "' UNION SELECT id FROM scim_groups --"),
     patch_of(R"({"op":"replace","path":"displayName","value":"G"})"), 404, ""},
    {"a member id that is SQL", "POST", "/Groups",
     group_with(R"("displayName":"G","members":[{"value":"' OR '1'='1"}])"), 400, "invalidValue"},
    {"a cursor that is SQL", "GET", "/Users?cursor=" + url_encode("' OR 1=1 --"), "", 400, "invalidCursor"},
    // --- Invalid UTF-8.
    {"a body string with 0xFF", "POST", "/Users", user_with("\"userName\":\"a\xFF@example.com\""), 400,
     "invalidSyntax"},
    {"a body string with an overlong '/'", "POST", "/Users", user_with("\"userName\":\"a\xC0\xAF@example.com\""), 400,
     "invalidSyntax"},
    {"a body string with a UTF-8 surrogate", "PUT", "/Users/{user}",
     user_with("\"userName\":\"existing@example.com\",\"displayName\":\"\xED\xA0\x80\""), 400, "invalidSyntax"},
    {"a body key with 0xFE", "POST", "/Users", user_with("\"userName\":\"a@example.com\",\"nick\xFE\":\"x\""), 400,
     "invalidSyntax"},
    {"an unpaired surrogate escape", "POST", "/Groups", group_with(R"("displayName":"\ud800")"), 400,
     "invalidSyntax"},
    {"a PATCH value with 0xFF", "PATCH", "/Groups/{group}",
     patch_of("{\"op\":\"replace\",\"path\":\"displayName\",\"value\":\"\xFF\"}"), 400, "invalidSyntax"},
    {"a filter value with 0xFF", "GET", filtered("/Users", "userName eq \"\xFF\""), "", 400, "invalidFilter"},
    {"a filter attribute with 0xC3 0x28", "GET", filtered("/Users", "user\xC3\x28Name eq \"x\""), "", 400,
     "invalidFilter"},
    {"sortBy with 0xFF", "GET", "/Users?sortBy=%FF", "", 400, "invalidFilter"},
    {"attributes with 0xFF", "GET", "/Users?attributes=%FFuserName", "", 400, "invalidValue"},
    {"an id with 0xFF 0xFE", "GET", "/Users/%FF%FE", "", 404, ""},
    {"an id with an overlong sequence", "DELETE", "/Groups/%C0%AF", "", 404, ""},
    // --- NUL bytes.
    {"a raw NUL in a body string", "POST", "/Users", user_with("\"userName\":\"a" + kNul + "b@example.com\""), 400,
     "invalidSyntax"},
    {"a raw NUL between members", "POST", "/Users", "{" + kUserSchemas + "," + kNul + R"("userName":"a@x"})", 400,
     "invalidSyntax"},
    {"an escaped NUL in userName", "POST", "/Users", user_with(R"("userName":"a\u0000@example.com")"), 400,
     "invalidValue"},
    {"an escaped NUL in a key", "POST", "/Users", user_with(R"("userName":"a@example.com","title\u0000":"x")"), 400,
     "invalidValue"},
    {"an escaped NUL in a PATCH value", "PATCH", "/Users/{user}",
     patch_of(R"({"op":"add","path":"title","value":"boss\u0000admin"})"), 400, "invalidValue"},
    {"an escaped NUL in a member id", "PATCH", "/Groups/{group}",
     patch_of(R"({"op":"add","path":"members","value":[{"value":"{user}\u0000"}]})"), 400, "invalidValue"},
    {"a NUL in a filter", "GET", filtered("/Users", "userName eq \"existing@example.com" + kNul + "\""), "", 400,
     "invalidFilter"},
    {"an escaped NUL in a filter", "GET", filtered("/Users", R"(userName eq "existing@example.com\u0000")"), "", 400,
     "invalidFilter"},
    {"a NUL after sortBy", "GET", "/Users?sortBy=userName%00", "", 400, "invalidFilter"},
    {"an id that is a NUL", "GET", "/Users/%00", "", 404, ""},
    // Were the NUL cut off (as libpq would), these would act on {user} / {group}.
    {"an existing user's id and a NUL", "DELETE", "/Users/{user}%00", "", 404, ""},
    {"an existing group's id and a NUL", "PUT", "/Groups/{group}%00x", group_with(R"("displayName":"Renamed")"), 404,
     ""},
    {"an existing user's id and a control character", "PATCH", "/Users/{user}%0A",
     patch_of(R"({"op":"replace","path":"title","value":"x"})"), 404, ""},
    // --- Huge numbers.
    {"count beyond int64", "GET", "/Users?count=99999999999999999999", "", 400, "invalidValue"},
    {"startIndex below int64", "GET", "/Groups?startIndex=-99999999999999999999", "", 400, "invalidValue"},
    {"count 1e400 in a search body", "POST", "/Users/.search", search_with(R"("count":1e400)"), 400, "invalidValue"},
    {"startIndex -1e999 in a search body", "POST", "/.search", search_with(R"("startIndex":-1e999)"), 400,
     "invalidValue"},
    {"count beyond uint64 in a search body", "POST", "/Groups/.search", search_with(R"("count":18446744073709551616)"),
     400, "invalidValue"},
    {"an exponent beyond any number", "POST", "/Users/.search", search_with(R"("count":1e99999999999999999999)"), 400,
     "invalidSyntax"},
    {"active 1e400", "POST", "/Users", user_with(R"("userName":"a@example.com","active":1e400)"), 400,
     "invalidValue"},
    {"a PATCH value -1e400", "PATCH", "/Users/{user}", patch_of(R"({"op":"replace","path":"active","value":-1e400})"),
     400, "invalidValue"},
    {"failOnErrors 1e400", "POST", "/Bulk",
     bulk_with(R"("failOnErrors":1e400,"Operations":[{"method":"DELETE","path":"/Users/{user}"}])"), 400,
     "invalidValue"},
    {"failOnErrors beyond int64", "POST", "/Bulk",
     bulk_with(R"("failOnErrors":99999999999999999999,"Operations":[{"method":"DELETE","path":"/Users/{user}"}])"),
     400, "invalidValue"},
    // --- Duplicate JSON keys.
    {"userName twice", "POST", "/Users", user_with(R"("userName":"a@example.com","userName":"b@example.com")"), 400,
     "invalidSyntax"},
    {"schemas twice", "PUT", "/Users/{user}",
     R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"schemas":[],"userName":"existing@example.com"})",
     400, "invalidSyntax"},
    {"a sub-attribute twice", "POST", "/Users",
     user_with(R"("userName":"a@example.com","name":{"givenName":"A","givenName":"B"})"), 400, "invalidSyntax"},
    {"op twice in a PATCH operation", "PATCH", "/Users/{user}",
     patch_of(R"({"op":"add","op":"remove","path":"title","value":"x"})"), 400, "invalidSyntax"},
    {"displayName twice", "POST", "/Groups", group_with(R"("displayName":"A","displayName":"B")"), 400,
     "invalidSyntax"},
    {"filter twice in a search body", "POST", "/Users/.search",
     search_with(R"("filter":"userName eq \"a\"","filter":"userName pr")"), 400, "invalidSyntax"},
    {"Operations twice in a Bulk request", "POST", "/Bulk",
     bulk_with(R"("Operations":[],"Operations":[{"method":"DELETE","path":"/Users/{user}"}])"), 400,
     "invalidSyntax"},
    {"a key twice, once escaped", "POST", "/Users", user_with(R"("userName":"a@example.com","\u0075serName":"b")"),
     400, "invalidSyntax"},
    // --- Path traversal in ids.
    {"../../etc/passwd", "GET", id_path("/Users", "../../../etc/passwd"), "", 404, ""},
    {"..", "GET", "/Users/%2E%2E", "", 404, ""},
    {"..\\..\\windows", "GET", id_path("/Groups", "..\\..\\windows\\win.ini"), "", 404, ""},
    {"double-encoded ../", "GET", "/Users/%252E%252E%252F", "", 404, ""},
    {"from a group to a user", "DELETE", id_path("/Groups", "../Users/") + "{user}", "", 404, ""},
    {"from a user to a group", "PUT", "/Users/{user}%2F..%2F..%2FGroups%2F{group}", kValidUser, 404, ""},
    {"traversal in a member id", "POST", "/Groups",
     group_with(R"("displayName":"G","members":[{"value":"../Users/{user}"}])"), 400, "invalidValue"},
    // --- Values longer than every store keeps.
    {"userName of 256 characters", "POST", "/Users", user_with(R"("userName":")" + std::string(256, 'u') + "\""), 400,
     "invalidValue"},
    {"userName of 256 characters on PATCH", "PATCH", "/Users/{user}",
     patch_of(R"({"op":"replace","path":"userName","value":")" + std::string(256, 'u') + "\"}"), 400, "invalidValue"},
    {"externalId of 256 characters", "POST", "/Users",
     user_with(R"("userName":"a@example.com","externalId":")" + std::string(256, 'e') + "\""), 400, "invalidValue"},
    {"group displayName of 513 characters", "POST", "/Groups",
     group_with(R"("displayName":")" + std::string(513, 'g') + "\""), 400, "invalidValue"},
    {"group externalId of 256 characters", "PUT", "/Groups/{group}",
     group_with(R"("displayName":"Existing","externalId":")" + std::string(256, 'e') + "\""), 400, "invalidValue"},
    {"an id longer than any id", "GET", "/Users/" + std::string(129, 'a'), "", 404, ""},
    // --- Headers (the host's limit is 8 KiB).
    {"an oversized header", "GET", "/Users", "", 431, "", {{"X-Padding", std::string(9000, 'h')}}, Answer::Host},
    {"an oversized bearer token", "GET", "/Users", "", 431, "", {{"Authorization", "Bearer " + std::string(20000, 't')}},
     Answer::Host},
    {"a long but acceptable bearer token", "GET", "/Users", "", 401, "",
     {{"Authorization", "Bearer " + std::string(7000, 't')}}},
    {"a bearer token with 0xFF", "GET", "/Users", "", 401, "", {{"Authorization", "Bearer \xFF\xFE"}}},
};

}  // namespace

// With the integration's token, unless the row sends an Authorization of its own.
HttpResponse send(const World& w, const HostileCase& c) {
  const auto path = resolve(c.path, w);
  const auto body = resolve(c.body, w);
  const bool own_token = std::any_of(c.headers.begin(), c.headers.end(),
                                     [](const auto& h) { return h.first == "Authorization"; });
  if (!own_token) return w.okta.call(c.method, path, body, c.headers);
  return request(w.harness.port(), c.method, w.okta.integration.base + path, c.headers, body);
}

BOOST_DATA_TEST_CASE(each_is_a_clear_4xx_that_writes_nothing, data::make(kCases), c) {
  auto& w = world();
  const auto before = scim_state(w.okta, "acme");
  const auto res = send(w, c);
  if (c.answer == Answer::Host) {
    BOOST_TEST(res.status == c.status, res.body);
    BOOST_TEST(json_body(res).at("message").is_string(), res.body);
  } else {
    check_error(res, c.status, c.scim_type);
    check_detail_leaks_nothing(res, c.path + c.body);
  }
  check_unchanged(before, scim_state(w.okta, "acme"));
  check_alive(w.okta);
}

BOOST_AUTO_TEST_CASE(a_nul_in_a_header_is_refused_by_the_host) {
  auto& w = world();
  const std::string raw = "GET " + w.okta.integration.base + "/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                          w.okta.integration.token + kNul + "x\r\n\r\n";
  const auto res = request_raw(w.harness.port(), raw);
  BOOST_TEST(res.status == 400u, res.body);
  check_alive(w.okta);
}

namespace {

// Filters whose hostile part is a value: valid filters that match nothing.
const char* const kInjectedValues[] = {
    R"(userName eq "x' OR '1'='1")",
    R"(userName eq "x\" or \"1\"=\"1")",
    R"(userName eq "'; DROP TABLE scim_users; --")",
    R"(userName co "%")",
    R"(userName sw "_")",
    R"(userName ew "\\")",
    R"(externalId eq "1) OR (1=1")",
    R"(emails[value co "' UNION SELECT secret_hash FROM scim_api_tokens --"])",
    R"(name.familyName eq "Robert'); DROP TABLE scim_users;--")",
};

}  // namespace

BOOST_DATA_TEST_CASE(injection_in_a_value_matches_nothing, data::make(kInjectedValues), filter) {
  auto& w = world();
  const auto before = scim_state(w.okta, "acme");
  const auto by_query = w.okta.get(filtered("/Users", filter));
  const auto by_search =
      w.okta.post("/Users/.search", json::object{{"schemas", json::array{kSearchRequestUrn}}, {"filter", filter}});
  for (const auto* res : {&by_query, &by_search}) BOOST_TEST(total_of(check_list(*res, filter)) == 0);
  check_unchanged(before, scim_state(w.okta, "acme"));
}

BOOST_AUTO_TEST_CASE(the_store_is_intact_after_every_attempt) {
  auto& w = world();
  BOOST_TEST(ids_of(list(w.okta, "/Users")) == std::vector<std::string>{w.user});
  BOOST_TEST(ids_of(list(w.okta, "/Groups")) == std::vector<std::string>{w.group});
  BOOST_TEST(member_ids(get_json(w.okta, "/Groups/" + w.group)) == std::set<std::string>{w.user});
  BOOST_TEST(str(get_json(w.okta, "/Users/" + w.user), "userName") == "existing@example.com");
}

// Numbers at the edge of int64 are valid: they page past the end.
BOOST_AUTO_TEST_CASE(extreme_but_valid_paging_numbers_answer_an_empty_page) {
  auto& w = world();
  const std::string max = "9223372036854775807";
  for (const std::string& path : {"/Users?startIndex=" + max, "/Groups?startIndex=" + max + "&count=" + max,
                                 "/Users?startIndex=" + max + "&sortBy=userName&sortOrder=descending"}) {
    const auto page = list(w.okta, path);
    BOOST_TEST(page.at("Resources").as_array().empty(), path);
    BOOST_TEST(total_of(page) == 1, path);
  }
  const auto clamped = list(w.okta, "/Users?count=" + max);
  BOOST_TEST(ids_of(clamped) == std::vector<std::string>{w.user});
  const auto root = require_json(
      w.okta.call("POST", "/.search",
                  search_with(R"("startIndex":9223372036854775807,"count":9223372036854775807)")),
      200, "POST /.search");
  BOOST_TEST(root.at("Resources").as_array().empty());
  BOOST_TEST(total_of(root) == 2);
}

BOOST_AUTO_TEST_CASE(a_bulk_path_that_climbs_out_fails_only_its_operation) {
  auto& w = world();
  const auto before = scim_state(w.okta, "acme");
  const auto res = w.okta.call(
      "POST", "/Bulk",
      resolve(bulk_with(R"("Operations":[{"method":"DELETE","path":"/Users/../Groups/{group}"},)"
                        R"({"method":"DELETE","path":"/Users/%2E%2E%2F{user}"}])"),
              w));
  const auto body = require_json(res, 200, "POST /Bulk");
  for (const auto& result : body.at("Operations").as_array()) {
    BOOST_TEST(str(result, "status").front() == '4', json::serialize(result));
  }
  check_unchanged(before, scim_state(w.okta, "acme"));
}

// ------------------------------------------------------------ case folding

namespace {

// userName is unique under Unicode simple case folding (core/case_fold, by
// ICU): the same on every backend, since the module computes the key the
// stores index.
// No compatibility mapping: full-width and ASCII letters stay apart; ß is
// not "ss"; the dotless ı and the dotted İ are letters of their own.
struct FoldPair {
  const char* name;
  const char* existing;
  const char* candidate;
  bool same;  // the candidate is the existing user (409) or another one (201)
};
std::ostream& operator<<(std::ostream& out, const FoldPair& p) { return out << p.name; }

const FoldPair kFoldPairs[] = {
    {"sharp s and SS", "stra\xC3\x9F" "e@x", "STRASSE@x", false},
    {"sharp s and ss", "stra\xC3\x9F" "e@x", "strasse@x", false},
    {"sharp s and capital sharp s", "stra\xC3\x9F" "e@x", "STRA\xE1\xBA\x9E" "E@x", true},
    {"long s and S", "\xC5\xBF" "am@x", "SAM@x", true},
    {"dotless i and I", "\xC4\xB1van@x", "IVAN@x", false},
    {"dotless i and i", "\xC4\xB1van@x", "ivan@x", false},
    {"dotted capital I and i", "\xC4\xB0van@x", "ivan@x", false},
    {"dotted capital I in both", "\xC4\xB0van@x", "\xC4\xB0VAN@x", true},
    {"full-width upper and lower", "\xEF\xBC\xA1\xEF\xBC\xAC\xEF\xBC\xA9@x", "\xEF\xBD\x81\xEF\xBD\x8C\xEF\xBD\x89@x",
     true},  // ＡＬＩ / ａｌｉ
    {"full-width and ASCII", "\xEF\xBD\x81\xEF\xBD\x8C\xEF\xBD\x89@x", "ali@x", false},
    {"full-width upper and ASCII", "\xEF\xBC\xA1\xEF\xBC\xAC\xEF\xBC\xA9@x", "ALI@x", false},
    {"micro sign and Greek mu", "\xC2\xB5@x", "\xCE\x9C@x", true},
    {"final sigma", "\xCE\xA3\xCE\xBF\xCF\x82@x", "\xCF\x83\xCE\xBF\xCF\x83@x", true},  // Σος / σοσ
    {"Kelvin sign and k", "\xE2\x84\xAA" "ate@x", "kate@x", true},
    {"Armenian capital and small", "\xD5\x80@x", "\xD5\xB0@x", true},        // Հ / հ
    {"Cherokee small and capital", "\xEA\xAD\xB0@x", "\xE1\x8E\xA0@x", true},  // ꭰ / Ꭰ
};

}  // namespace

BOOST_DATA_TEST_CASE(user_name_uniqueness_follows_one_case_fold, data::make(kFoldPairs), p) {
  World w;  // a store of its own
  const auto existing = create_user(w.okta, p.existing);
  const auto res = w.okta.post("/Users", user_body(p.candidate));
  const std::string eq = std::string("userName eq \"") + p.candidate + "\"";
  const std::string sw = std::string("userName sw \"") + p.candidate + "\"";
  if (p.same) {
    check_error(res, 409, "uniqueness");
    BOOST_TEST(ids_of(list(w.okta, "/Users")) == (std::vector<std::string>{w.user, existing}));
    for (const auto& filter : {eq, sw}) {
      BOOST_TEST(ids_of(list(w.okta, filtered("/Users", filter))) == std::vector<std::string>{existing}, filter);
    }
  } else {
    const auto created = str(require_json(res, 201, "POST the candidate"), "id");
    for (const auto& filter : {eq, sw}) {
      BOOST_TEST(ids_of(list(w.okta, filtered("/Users", filter))) == std::vector<std::string>{created}, filter);
    }
  }
  BOOST_TEST(str(get_json(w.okta, "/Users/" + existing), "userName") == p.existing);
}

BOOST_AUTO_TEST_CASE(lengths_count_characters_not_bytes) {
  World w;
  const std::string sharp_s = "\xC3\x9F";
  std::string longest;
  for (int i = 0; i < 255; ++i) longest += sharp_s;  // 255 characters, 510 bytes
  const auto id = create_user(w.okta, longest);
  BOOST_TEST(str(get_json(w.okta, "/Users/" + id), "userName") == longest);
  check_error(w.okta.post("/Users", user_body(longest + "s")), 400, "invalidValue");
  BOOST_TEST(total_of(list(w.okta, "/Users")) == 2);
}

// Control characters and bidi overrides in names and addresses
// are refused (400 invalidValue) by every write, and nothing changes.
BOOST_AUTO_TEST_CASE(names_and_addresses_with_controls_or_bidi_overrides_are_refused) {
  World w;
  const auto user = create_user(w.okta, "plain@example.com");
  const auto group = create_group(w.okta, "Plain", {user});
  const auto before = scim_state(w.okta, "acme");
  const auto patch_op = [](const std::string& path, json::value value) {
    return json::serialize(json::object{{"schemas", json::array{"urn:ietf:params:scim:api:messages:2.0:PatchOp"}},
                                        {"Operations", json::array{json::object{{"op", "replace"}, {"path", path},
                                                                                {"value", std::move(value)}}}}});
  };
  auto with_email = user_body("mail@example.com");
  with_email["emails"] = json::array{json::object{{"value", "a\xe2\x80\xae" "moc.elpmaxe@b"}}};
  auto with_display = user_body("display@example.com");
  with_display["displayName"] = "Alice\r\nX-Injected: 1";
  const std::vector<HttpResponse> refused = {
      w.okta.post("/Users", user_body("new\nline@example.com")),
      w.okta.post("/Users", user_body(std::string("nul\0@example.com", 16))),
      w.okta.post("/Users", with_email),
      w.okta.post("/Users", with_display),
      w.okta.post("/Groups", group_body("Admins\xe2\x80\xae" "sresU")),
      w.okta.put("/Users/" + user, user_body("tab\t@example.com")),
      w.okta.call("PATCH", "/Users/" + user, patch_op("userName", json::string("cr\r@example.com"))),
      w.okta.call("PATCH", "/Users/" + user, patch_op("emails", json::array{json::object{{"value", "x\x7f@example.com"}}})),
      w.okta.call("PATCH", "/Groups/" + group, patch_op("displayName", json::string("Plain\xe2\x81\xa6"))),
  };
  for (const auto& res : refused) check_error(res, 400, "invalidValue");
  check_unchanged(before, scim_state(w.okta, "acme"));
}

// Group membership cycles are allowed (a group may hold a group, RFC 7643
// 4.2): reading, listing and deleting them terminates.
BOOST_AUTO_TEST_CASE(group_membership_cycles_are_allowed_and_terminate) {
  World w;
  const auto user = create_user(w.okta, "cycle@example.com");
  const auto a = create_group(w.okta, "A", {user});
  const auto b = create_group(w.okta, "B", {a});
  const auto closed = w.okta.put("/Groups/" + a, group_body("A", {user, b}));
  BOOST_TEST_REQUIRE(closed.status == 200u, closed.body);
  BOOST_TEST(member_ids(get_json(w.okta, "/Groups/" + a)) == (std::set<std::string>{user, b}));
  BOOST_TEST(member_ids(get_json(w.okta, "/Groups/" + b)) == (std::set<std::string>{a}));
  BOOST_TEST(total_of(list(w.okta, "/Groups")) == 3);  // with the world's own
  BOOST_TEST(w.okta.get("/Users/" + user).status == 200u);
  BOOST_TEST(w.okta.del("/Groups/" + a).status == 204u);
  BOOST_TEST(member_ids(get_json(w.okta, "/Groups/" + b)).empty());
}
