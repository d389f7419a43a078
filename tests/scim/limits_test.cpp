// The module's request limits, each configurable:
// kestra.scim.limits.* (body size, JSON depth and values, filter length and
// nodes), kestra.scim.filter.max-results (page size), kestra.scim.bulk.*
// (operations, payload).  At a limit a request runs; one past it is refused
// with its SCIM error, writes nothing, and the host keeps serving.
// ServiceProviderConfig advertises the limits in force.  The host's own
// limits (headers, slow clients, connections) are in tests/http/limits_test.cpp.
#define BOOST_TEST_MODULE scim_limits
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

constexpr std::size_t kMaxBody = 2048;
constexpr std::size_t kMaxDepth = 6;
constexpr std::size_t kMaxValues = 60;
constexpr std::size_t kFilterLength = 60;
constexpr std::size_t kFilterNodes = 5;
constexpr int kMaxResults = 3;
constexpr int kBulkOperations = 2;
constexpr std::size_t kBulkPayload = 3000;

HarnessOptions limited() {
  auto options = module_options();
  options.extra_yaml += "kestra.scim.limits.max-body-size: " + std::to_string(kMaxBody) + "\n" +
                        "kestra.scim.limits.json-max-depth: " + std::to_string(kMaxDepth) + "\n" +
                        "kestra.scim.limits.json-max-elements: " + std::to_string(kMaxValues) + "\n" +
                        "kestra.scim.limits.filter-max-length: " + std::to_string(kFilterLength) + "\n" +
                        "kestra.scim.limits.filter-max-nodes: " + std::to_string(kFilterNodes) + "\n" +
                        "kestra.scim.filter.max-results: " + std::to_string(kMaxResults) + "\n" +
                        "kestra.scim.bulk.max-operations: " + std::to_string(kBulkOperations) + "\n" +
                        "kestra.scim.bulk.max-payload-size: " + std::to_string(kBulkPayload) + "\n";
  return options;
}

// One user and one group the rows may name as {user} and {group}.
struct World {
  explicit World(HarnessOptions options = limited()) : harness(std::move(options)) {}
  HarnessProcess harness;
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

// `object` (JSON text ending in '}') padded with spaces to exactly `size` bytes.
std::string padded(const std::string& object, std::size_t size) {
  return object.substr(0, object.size() - 1) + std::string(size - object.size(), ' ') + "}";
}

std::string repeated(const std::string& item, std::size_t times, const std::string& separator = ",") {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += (i ? separator : "") + item;
  return out;
}

std::string nested_arrays(std::size_t levels) { return std::string(levels, '[') + std::string(levels, ']'); }

const std::string kUserSchemas = R"("schemas":["urn:ietf:params:scim:schemas:core:2.0:User"])";
const std::string kNewUser = "{" + kUserSchemas + R"(,"userName":"new@example.com"})";
std::string patch_of(const std::string& operation) {
  return R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[)" + operation + "]}";
}
std::string search_with(const std::string& members) {
  return R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],)" + members + "}";
}
std::string bulk_of(std::size_t operations, const std::string& user_members = "") {
  std::string ops;
  for (std::size_t i = 0; i < operations; ++i) {
    const std::string n = std::to_string(i);
    ops += std::string(i ? "," : "") + R"({"method":"POST","path":"/Users","bulkId":"b)" + n + R"(","data":{)" +
           kUserSchemas + R"(,"userName":"bulk)" + n + R"(@example.com")" + user_members + "}}";
  }
  return R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[)" + ops + "]}";
}
std::string filter_of_length(std::size_t length) {  // userName eq "xx…x"
  return R"(userName eq ")" + std::string(length - 14, 'x') + "\"";
}
// members of `count` values: 2 JSON values each.
std::string group_with_members(std::size_t count) {
  return R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Big","members":[)" +
         repeated(R"({"value":"{user}"})", count) + "]}";
}

struct LimitCase {
  std::string name;
  std::string method;
  std::string path;
  std::string body;
  unsigned status;
  std::string scim_type;  // "" = none
  std::string detail_part;
};
std::ostream& operator<<(std::ostream& out, const LimitCase& c) { return out << c.name; }

const std::string kOver = std::to_string(kMaxBody + 1) + " bytes; at most " + std::to_string(kMaxBody);
const std::string kTooDeep = "deeper than " + std::to_string(kMaxDepth) + " levels";
const std::string kTooMany = "more than " + std::to_string(kMaxValues) + " JSON values";

const LimitCase kOverLimit[] = {
    {"body: POST /Users", "POST", "/Users", padded(kNewUser, kMaxBody + 1), 413, "", kOver},
    {"body: PUT a user", "PUT", "/Users/{user}", padded("{" + kUserSchemas + R"(,"userName":"x@x"})", kMaxBody + 1),
     413, "", kOver},
    {"body: PATCH a group", "PATCH", "/Groups/{group}",
     padded(patch_of(R"({"op":"replace","path":"displayName","value":"X"})"), kMaxBody + 1), 413, "", kOver},
    {"body: POST /.search", "POST", "/.search", padded(search_with(R"("count":1)"), kMaxBody + 1), 413, "", kOver},
    {"JSON depth: a user", "POST", "/Users",
     "{" + kUserSchemas + R"(,"userName":"d@x","name":{"givenName":)" + nested_arrays(kMaxDepth - 1) + "}}", 400,
     "invalidSyntax", kTooDeep},
    {"JSON depth: a PATCH", "PATCH", "/Users/{user}",
     patch_of(R"({"op":"add","value":{"title":)" + nested_arrays(kMaxDepth - 3) + "}}"), 400, "invalidSyntax",
     kTooDeep},
    {"JSON values: group members", "POST", "/Groups", group_with_members((kMaxValues - 5) / 2 + 1), 400,
     "invalidSyntax", kTooMany},
    {"JSON values: search attributes", "POST", "/Users/.search",
     search_with(R"("attributes":[)" + repeated(R"("userName")", kMaxValues - 3) + "]"), 400, "invalidSyntax",
     kTooMany},
    {"JSON values: a Bulk request", "POST", "/Bulk",
     bulk_of(1, R"(,"emails":[)" + repeated(R"({"value":"e@x"})", kMaxValues / 2) + "]"), 400, "invalidSyntax",
     kTooMany},
    {"filter length: GET", "GET", "/Users?" + filter_query(filter_of_length(kFilterLength + 1)), "", 400,
     "invalidFilter", "61 bytes long; the limit is 60"},
    {"filter length: .search", "POST", "/Groups/.search",
     search_with(R"("filter":")" + replace_all(filter_of_length(kFilterLength + 1), "\"", "\\\"") + "\""), 400,
     "invalidFilter", "the limit is 60"},
    {"filter nodes", "GET", "/Users?" + filter_query("userName pr or title pr or nickName pr or displayName pr"), "",
     400, "invalidFilter", "more than 5 nodes"},
    {"PATCH path nodes", "PATCH", "/Users/{user}",
     patch_of(R"({"op":"remove","path":"emails[type pr or value pr or display pr or primary pr]"})"), 400,
     "invalidPath", "more than 5 nodes"},
    {"PATCH path length", "PATCH", "/Users/{user}",
     patch_of(R"({"op":"remove","path":"emails[value eq \")" + std::string(42, 'x') + R"(\"]"})"), 400, "invalidPath",
     "61 bytes long"},
    {"Bulk operations", "POST", "/Bulk", bulk_of(kBulkOperations + 1), 413, "",
     "3 operations; at most 2 are allowed"},
    {"Bulk payload", "POST", "/Bulk", padded(bulk_of(1), kBulkPayload + 1), 413, "", "3001 bytes; at most 3000"},
};

}  // namespace

BOOST_DATA_TEST_CASE(one_past_a_limit_is_refused_and_writes_nothing, data::make(kOverLimit), c) {
  auto& w = world();
  const auto before = scim_state(w.okta, "acme");
  const auto res = w.okta.call(c.method, resolve(c.path, w), resolve(c.body, w));
  check_error(res, c.status, c.scim_type);
  BOOST_TEST(detail_of(res).find(c.detail_part) != std::string::npos, res.body);
  check_unchanged(before, scim_state(w.okta, "acme"));
  check_alive(w.okta);
}

namespace {

struct AtLimitCase {
  std::string name;
  std::string method;
  std::string path;
  std::string body;
  unsigned status;
};
std::ostream& operator<<(std::ostream& out, const AtLimitCase& c) { return out << c.name; }

const AtLimitCase kAtLimit[] = {
    {"body of max-body-size bytes", "POST", "/Users", padded(kNewUser, kMaxBody), 201},
    {"JSON depth at the limit (Bulk, data, emails)", "POST", "/Bulk", bulk_of(1, R"(,"emails":[{"value":"e@x"}])"),
     200},
    {"JSON values at the limit", "POST", "/Users/.search",
     search_with(R"("attributes":[)" + repeated(R"("userName")", kMaxValues - 4) + "]"), 200},
    {"filter of max length", "GET", "/Users?" + filter_query(filter_of_length(kFilterLength)), "", 200},
    {"filter of max nodes", "GET", "/Users?" + filter_query("userName pr or title pr or nickName pr"), "", 200},
    {"PATCH path of max nodes", "PATCH", "/Users/{user}",
     patch_of(R"({"op":"remove","path":"emails[type pr or value pr or display pr]"})"), 200},
    {"Bulk of max operations", "POST", "/Bulk", bulk_of(kBulkOperations), 200},
    // Bulk has its own size limit: beyond max-body-size, within max-payload-size.
    {"Bulk of max payload", "POST", "/Bulk", padded(bulk_of(1), kBulkPayload), 200},
};

}  // namespace

BOOST_DATA_TEST_CASE(at_a_limit_the_request_runs, data::make(kAtLimit), c) {
  World w;  // the request may write: a store of its own
  const auto res = w.okta.call(c.method, resolve(c.path, w), resolve(c.body, w));
  BOOST_TEST(res.status == c.status, res.body);
  if (c.path == "/Bulk") {
    const auto body = json_body(res);
    for (const auto& result : body.at("Operations").as_array()) {
      BOOST_TEST(str(result, "status") == "201", json::serialize(result));
    }
  }
}

BOOST_AUTO_TEST_CASE(pages_stop_at_max_results) {
  World w;
  for (int i = 0; i < kMaxResults + 2; ++i) create_user(w.okta, "page" + std::to_string(i) + "@example.com");
  // RFC 7644 3.4.2.4: a larger count is not an error; the page is cut to the maximum.
  for (const std::string& path : {std::string("/Users"), std::string("/Users?count=10"),
                                  std::string("/Users?count=9223372036854775807&startIndex=2")}) {
    const auto page = list(w.okta, path);
    BOOST_TEST(page.at("itemsPerPage").as_int64() == kMaxResults, path);
    BOOST_TEST(total_of(page) == kMaxResults + 3, path);
  }
  const auto searched = check_list(w.okta.post("/.search", json::object{{"schemas", json::array{kSearchRequestUrn}},
                                                                       {"count", 1000}}),
                                   "POST /.search");
  BOOST_TEST(searched.at("itemsPerPage").as_int64() == kMaxResults);
}

BOOST_AUTO_TEST_CASE(service_provider_config_advertises_the_limits_in_force) {
  const auto spc = get_json(world().okta, "/ServiceProviderConfig");
  BOOST_TEST(spc.at("bulk").at("maxOperations").as_int64() == kBulkOperations);
  BOOST_TEST(spc.at("bulk").at("maxPayloadSize").as_int64() == static_cast<std::int64_t>(kBulkPayload));
  BOOST_TEST(spc.at("filter").at("maxResults").as_int64() == kMaxResults);
}

// ------------------------------------------------------------ defaults

BOOST_AUTO_TEST_CASE(the_defaults_are_safe_and_advertised) {
  World w(module_options());
  const auto spc = get_json(w.okta, "/ServiceProviderConfig");
  BOOST_TEST(spc.at("bulk").at("maxOperations").as_int64() == 1000);
  BOOST_TEST(spc.at("bulk").at("maxPayloadSize").as_int64() == 1048576);
  BOOST_TEST(spc.at("filter").at("maxResults").as_int64() == 1000);

  const auto before = scim_state(w.okta, "acme");
  const std::size_t mib = 1048576;
  const auto too_big = w.okta.call("POST", "/Users", padded(kNewUser, mib + 1));
  check_error(too_big, 413, "");
  BOOST_TEST(detail_of(too_big).find("1048577 bytes; at most 1048576") != std::string::npos, too_big.body);
  check_error(w.okta.call("POST", "/Bulk", padded(bulk_of(1), mib + 1)), 413, "");
  const auto deep = w.okta.call("POST", "/Users",
                                "{" + kUserSchemas + R"(,"userName":"d@x","title":)" + nested_arrays(32) + "}");
  check_error(deep, 400, "invalidSyntax");
  BOOST_TEST(detail_of(deep).find("deeper than 32 levels") != std::string::npos, deep.body);
  const auto wide = w.okta.call("POST", "/Users/.search", search_with(R"("attributes":[)" + repeated("1", 100000) + "]"));
  check_error(wide, 400, "invalidSyntax");
  BOOST_TEST(detail_of(wide).find("more than 100000 JSON values") != std::string::npos, wide.body);
  check_error(w.okta.get("/Users?" + filter_query(filter_of_length(4097))), 400, "invalidFilter");
  const auto nodes = w.okta.get("/Users?" + filter_query(repeated("userName pr", 129, " or ")));  // 257 nodes
  check_error(nodes, 400, "invalidFilter");
  BOOST_TEST(detail_of(nodes).find("more than 256 nodes") != std::string::npos, nodes.body);
  check_unchanged(before, scim_state(w.okta, "acme"));

  // A body of exactly 1 MiB is accepted.
  BOOST_TEST(w.okta.call("POST", "/Users", padded(kNewUser, mib)).status == 201u);
  check_alive(w.okta);
}
