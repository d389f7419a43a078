// /Bulk over HTTP (RFC 7644 3.7): bulkId references (also forward),
// unresolvable references, failOnErrors, PUT and DELETE operations, and the
// maxOperations / maxPayloadSize limits.
#define BOOST_TEST_MODULE scim_bulk
#include "scim_support.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>

using namespace kestra::test;
namespace data = boost::unit_test::data;
namespace json = boost::json;

namespace {

constexpr int kMaxOperations = 3;
constexpr int kMaxPayload = 2048;

struct World {
  HarnessProcess harness{[] {
    auto options = module_options();
    options.extra_yaml += "kestra.scim.bulk.max-operations: " + std::to_string(kMaxOperations) + "\n" +
                          "kestra.scim.bulk.max-payload-size: " + std::to_string(kMaxPayload) + "\n";
    return options;
  }()};
  Scim okta = scim_client(harness, "acme", "okta");
};

json::object bulk(json::array operations, std::optional<int> fail_on_errors = std::nullopt) {
  json::object body{{"schemas", json::array{kBulkRequestUrn}}, {"Operations", std::move(operations)}};
  if (fail_on_errors) body["failOnErrors"] = *fail_on_errors;
  return body;
}

json::object post_op(const std::string& path, const std::string& bulk_id, json::object data) {
  return {{"method", "POST"}, {"path", path}, {"bulkId", bulk_id}, {"data", std::move(data)}};
}

// Sends a bulk request that must answer 200; returns its operation results.
json::array send(const World& w, const json::object& request) {
  const auto res = w.okta.post("/Bulk", request);
  const auto body = require_json(res, 200, "POST /Bulk");
  BOOST_TEST(res.header("Content-Type").value_or("") == "application/scim+json");
  BOOST_TEST(body.at("schemas") == json::array{kBulkResponseUrn});
  return body.at("Operations").as_array();
}

std::vector<std::string> statuses(const json::array& results) {
  std::vector<std::string> out;
  for (const auto& r : results) out.push_back(str(r, "status"));
  return out;
}

// The id at the end of a result's location.
std::string id_of(const json::value& result) {
  const std::string location = str(result, "location");
  return location.substr(location.rfind('/') + 1);
}

}  // namespace

BOOST_AUTO_TEST_CASE(bulk_ids_resolve_backward_and_forward_and_results_keep_request_order) {
  World w;
  const auto results = send(w, bulk({
                                   post_op("/Groups", "g1", group_body("Team", {"bulkId:u1"})),  // forward
                                   post_op("/Users", "u1", user_body("u1@example.com")),
                                   post_op("/Groups", "g2", group_body("Leads", {"bulkId:u1"})),  // backward
                               }));
  BOOST_TEST_REQUIRE(results.size() == 3u);
  BOOST_TEST(statuses(results) == (std::vector<std::string>{"201", "201", "201"}));
  const char* bulk_ids[] = {"g1", "u1", "g2"};
  for (std::size_t i = 0; i < 3; ++i) {
    BOOST_TEST(str(results[i], "method") == "POST");
    BOOST_TEST(str(results[i], "bulkId") == bulk_ids[i]);
  }
  const std::string user = id_of(results[1]);
  BOOST_TEST(str(results[1], "location") == w.okta.url() + "/Users/" + user);
  const auto fetched = w.okta.get("/Users/" + user);
  BOOST_TEST(fetched.status == 200u);
  BOOST_TEST(str(results[1], "version") == fetched.header("ETag").value_or(""));
  for (std::size_t i : {0u, 2u}) {
    BOOST_TEST(str(results[i], "location").starts_with(w.okta.url() + "/Groups/"));
    const auto group = get_json(w.okta, "/Groups/" + id_of(results[i]));
    BOOST_TEST(member_ids(group) == std::set<std::string>{user});
    BOOST_TEST(str(group.at("meta"), "location") == str(results[i], "location"));
  }
  BOOST_TEST(audit_actions(w.okta, "acme") ==
             (std::vector<std::string>{"integration.create", "user.create", "group.create", "group.create"}));
}

BOOST_AUTO_TEST_CASE(an_unresolvable_reference_fails_only_its_operation) {
  World w;
  const auto results = send(w, bulk({
                                   post_op("/Users", "u1", user_body("u1@example.com")),
                                   post_op("/Groups", "g1", group_body("Team", {"bulkId:u1", "bulkId:nope"})),
                               }));
  BOOST_TEST(statuses(results) == (std::vector<std::string>{"201", "409"}));
  BOOST_TEST(str(results[1], "bulkId") == "g1");
  BOOST_TEST(!results[1].as_object().contains("location"));
  const auto& error = results[1].at("response");
  BOOST_TEST(error.at("schemas") == json::array{kErrorUrn});
  BOOST_TEST(str(error, "status") == "409");
  BOOST_TEST(!str(error, "detail").empty());
  BOOST_TEST(total_of(list(w.okta, "/Groups")) == 0);
  BOOST_TEST(total_of(list(w.okta, "/Users")) == 1);
}

BOOST_AUTO_TEST_CASE(a_reference_cycle_creates_nothing) {
  World w;
  const auto results = send(w, bulk({
                                   post_op("/Groups", "a", group_body("A", {"bulkId:b"})),
                                   post_op("/Groups", "b", group_body("B", {"bulkId:a"})),
                               }));
  BOOST_TEST(statuses(results) == (std::vector<std::string>{"409", "409"}));
  BOOST_TEST(total_of(list(w.okta, "/Groups")) == 0);
}

namespace {

struct FailCase {
  const char* name;
  std::optional<int> fail_on_errors;
  std::vector<const char*> users;  // "taken" already exists
  std::vector<std::string> statuses;
  std::int64_t users_after;  // including "taken"
};
std::ostream& operator<<(std::ostream& out, const FailCase& c) { return out << c.name; }

const FailCase kFailCases[] = {
    {"no limit: every operation runs", std::nullopt, {"taken", "n1", "n2"}, {"409", "201", "201"}, 3},
    {"failOnErrors 1 stops after the first error", 1, {"taken", "n1", "n2"}, {"409"}, 1},
    {"failOnErrors 1 runs what precedes the error", 1, {"n1", "taken", "n2"}, {"201", "409"}, 2},
    {"failOnErrors 2 allows one error", 2, {"taken", "n1", "n2"}, {"409", "201", "201"}, 3},
    {"failOnErrors 2 stops at the second", 2, {"taken", "TAKEN", "n1"}, {"409", "409"}, 1},
};

}  // namespace

BOOST_DATA_TEST_CASE(fail_on_errors_bounds_the_errors, data::make(kFailCases), c) {
  World w;
  create_user(w.okta, "taken");
  json::array ops;
  int n = 0;
  for (const char* u : c.users) ops.push_back(post_op("/Users", "b" + std::to_string(++n), user_body(u)));
  const auto results = send(w, bulk(std::move(ops), c.fail_on_errors));
  BOOST_TEST(statuses(results) == c.statuses);
  BOOST_TEST(total_of(list(w.okta, "/Users")) == c.users_after);
}

BOOST_AUTO_TEST_CASE(put_and_delete_operations_honour_their_version) {
  World w;
  const auto created = w.okta.post("/Users", user_body("old@example.com"));
  const std::string user = str(json_body(created), "id");
  const std::string etag = created.header("ETag").value_or("");
  const auto other = w.okta.post("/Users", user_body("other@example.com"));
  const std::string other_id = str(json_body(other), "id");
  const auto group = create_group(w.okta, "Doomed", {user});

  auto renamed = user_body("new@example.com");
  const auto results = send(w, bulk({
                                   json::object{{"method", "PUT"}, {"path", "/Users/" + user}, {"version", etag},
                                                {"data", renamed}},
                                   json::object{{"method", "DELETE"}, {"path", "/Groups/" + group}},
                                   json::object{{"method", "put"}, {"path", "/Users/" + other_id},
                                                {"version", "W/\"41-1\""}, {"data", user_body("x@example.com")}},
                               }));
  BOOST_TEST(statuses(results) == (std::vector<std::string>{"200", "204", "412"}));
  BOOST_TEST(str(results[0], "method") == "PUT");
  BOOST_TEST(str(results[0], "location") == w.okta.url() + "/Users/" + user);
  const auto now = w.okta.get("/Users/" + user);
  BOOST_TEST(str(json_body(now), "userName") == "new@example.com");
  BOOST_TEST(str(results[0], "version") == now.header("ETag").value_or(""));
  BOOST_TEST(str(results[0], "version") != etag);
  BOOST_TEST(str(results[1], "method") == "DELETE");
  BOOST_TEST(str(results[1], "location") == w.okta.url() + "/Groups/" + group);
  check_error(w.okta.get("/Groups/" + group), 404);
  BOOST_TEST(str(results[2].at("response"), "status") == "412");
  BOOST_TEST(str(get_json(w.okta, "/Users/" + other_id), "userName") == "other@example.com");

  // A DELETE of a user removes its access, as DELETE /Users/{id} does.
  const auto removed = send(w, bulk({json::object{{"method", "DELETE"}, {"path", "/Users/" + user}}}));
  BOOST_TEST(statuses(removed) == std::vector<std::string>{"204"});
  check_error(w.okta.get("/Users/" + user), 404);
}

BOOST_AUTO_TEST_CASE(a_path_may_refer_to_a_bulk_id) {
  World w;
  const auto results = send(w, bulk({
                                   post_op("/Users", "u1", user_body("first@example.com")),
                                   json::object{{"method", "PUT"}, {"path", "/Users/bulkId:u1"},
                                                {"data", user_body("second@example.com")}},
                               }));
  BOOST_TEST(statuses(results) == (std::vector<std::string>{"201", "200"}));
  BOOST_TEST(id_of(results[0]) == id_of(results[1]));
  BOOST_TEST(str(get_json(w.okta, "/Users/" + id_of(results[0])), "userName") == "second@example.com");
}

BOOST_AUTO_TEST_CASE(limits_are_413_and_advertised) {
  World w;
  const auto spc = get_json(w.okta, "/ServiceProviderConfig");
  BOOST_TEST(spc.at("bulk").at("supported") == json::value(true));
  BOOST_TEST(spc.at("bulk").at("maxOperations").as_int64() == kMaxOperations);
  BOOST_TEST(spc.at("bulk").at("maxPayloadSize").as_int64() == kMaxPayload);
  const auto before = scim_state(w.okta, "acme");

  json::array four;
  for (int i = 0; i < kMaxOperations + 1; ++i) {
    four.push_back(post_op("/Users", "u" + std::to_string(i), user_body("u" + std::to_string(i) + "@example.com")));
  }
  const auto too_many = w.okta.post("/Bulk", bulk(four));
  check_error(too_many, 413);
  BOOST_TEST(detail_of(too_many).find(std::to_string(kMaxOperations)) != std::string::npos, too_many.body);

  auto big = user_body("big@example.com");
  big["displayName"] = std::string(kMaxPayload, 'x');
  const auto too_big = w.okta.post("/Bulk", bulk({post_op("/Users", "big", big)}));
  check_error(too_big, 413);
  BOOST_TEST(detail_of(too_big).find(std::to_string(kMaxPayload)) != std::string::npos, too_big.body);
  check_unchanged(before, scim_state(w.okta, "acme"));

  // At the limits exactly, the request runs.
  four.pop_back();
  BOOST_TEST(statuses(send(w, bulk(four))) == (std::vector<std::string>{"201", "201", "201"}));
}

namespace {

struct Malformed {
  const char* name;
  const char* body;
  const char* scim_type;
};
std::ostream& operator<<(std::ostream& out, const Malformed& m) { return out << m.name; }

const Malformed kMalformed[] = {
    {"not JSON", R"({"schemas": [)", "invalidSyntax"},
    {"no schemas", R"({"Operations": [{"method": "DELETE", "path": "/Users/x"}]})", "invalidSyntax"},
    {"another message schema",
     R"({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "Operations": [{"method": "DELETE", "path": "/Users/x"}]})",
     "invalidSyntax"},
    {"no Operations", R"({"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"]})", "invalidSyntax"},
    {"empty Operations", R"({"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": []})",
     "invalidSyntax"},
    {"an operation that is not an object",
     R"({"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": ["POST /Users"]})",
     "invalidSyntax"},
    {"method GET",
     R"({"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": [{"method": "GET", "path": "/Users"}]})",
     "invalidValue"},
    {"POST without bulkId",
     R"({"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": [{"method": "POST", "path": "/Users", "data": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "a"}}]})",
     "invalidValue"},
    {"relative path",
     R"({"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": [{"method": "DELETE", "path": "Users/x"}]})",
     "invalidPath"},
    {"negative failOnErrors",
     R"({"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "failOnErrors": -1, "Operations": [{"method": "DELETE", "path": "/Users/x"}]})",
     "invalidValue"},
    {"failOnErrors as text",
     R"({"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "failOnErrors": "1", "Operations": [{"method": "DELETE", "path": "/Users/x"}]})",
     "invalidValue"},
};

}  // namespace

BOOST_DATA_TEST_CASE(a_malformed_bulk_request_is_refused_whole, data::make(kMalformed), m) {
  World w;
  const auto before = scim_state(w.okta, "acme");
  check_error(w.okta.call("POST", "/Bulk", m.body), 400, m.scim_type);
  check_unchanged(before, scim_state(w.okta, "acme"));
}

BOOST_AUTO_TEST_CASE(operations_on_unsupported_paths_fail_one_by_one) {
  World w;
  const auto results = send(w, bulk({
                                   json::object{{"method", "DELETE"}, {"path", "/Schemas/x"}},
                                   json::object{{"method", "DELETE"}, {"path", "/Users"}},
                                   post_op("/Users/abc", "x", user_body("x@example.com")),
                               }));
  BOOST_TEST(statuses(results) == (std::vector<std::string>{"400", "400", "400"}));
  for (const auto& r : results) BOOST_TEST(str(r.at("response"), "scimType") == "invalidPath");
  const auto more = send(w, bulk({
                                json::object{{"method", "DELETE"}, {"path", "/Users/00000000-0000-4000-8000-000000000000"}},
                                post_op("/Users", "bad", json::object{{"schemas", json::array{kUserUrn}}}),
                                post_op("/Groups", "dup", group_body("Solo")),
                            }));
  BOOST_TEST(statuses(more) == (std::vector<std::string>{"404", "400", "201"}));
  BOOST_TEST(str(more[1].at("response"), "scimType") == "invalidValue");
  BOOST_TEST(total_of(list(w.okta, "/Users")) == 0);
}

BOOST_AUTO_TEST_CASE(bulk_needs_post) {
  World w;
  check_error(w.okta.get("/Bulk"), 405);
  check_error(w.okta.call("PUT", "/Bulk", json::serialize(bulk({}))), 405);
  check_error(w.okta.del("/Bulk"), 405);
}
