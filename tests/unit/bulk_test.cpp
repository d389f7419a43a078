// RFC 7644 3.7 Bulk without HTTP: the request parsed, operations run in
// order with bulkId references resolved (forward ones on a later pass),
// failOnErrors honoured, nothing attempted after the database went away.
#include "scim/bulk.hpp"

#include <boost/json.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace bulk = kestra::scim::bulk;
namespace json = boost::json;

namespace {

// A runner that creates "id-<bulkId>" on POST, answers 400 for a path with
// "bad", 503 for one with "down", 200 otherwise; it records what it ran.
struct Recorder {
  std::vector<std::string> ran;  // "METHOD path data"
  kestra::http::Response operator()(const bulk::Operation& op, const std::string&, const std::string&) {
    ran.push_back(op.method + " " + op.path + (op.data.is_null() ? "" : " " + json::serialize(op.data)));
    kestra::http::Response res;
    if (op.path.find("bad") != std::string::npos) {
      res.status = 400;
      res.body = R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400"})";
    } else if (op.path.find("down") != std::string::npos) {
      res.status = 503;
      res.body = R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"503"})";
    } else if (op.method == "POST") {
      res.status = 201;
      res.body = R"({"id":"id-)" + op.bulk_id + R"("})";
      res.with_header("Location", "https://x/scim/v2" + op.path + "/id-" + op.bulk_id);
    } else {
      res.status = 200;
      res.body = "{}";
    }
    return res;
  }
};

struct RunCase {
  const char* name;
  const char* operations;  // the Operations array
  int fail_on_errors;
  const char* ran;         // what the runner saw, joined by " | "
  const char* statuses;    // of the response's operations, joined by ","
  bool unavailable;
};
std::ostream& operator<<(std::ostream& out, const RunCase& c) { return out << c.name; }

const RunCase kRuns[] = {
    {"in order", R"([{"method":"POST","bulkId":"a","path":"/Users","data":{"userName":"a"}},
                     {"method":"DELETE","path":"/Users/7"}])",
     0, R"(POST /Users {"userName":"a"} | DELETE /Users/7)", "201,200", false},
    {"a reference to an earlier POST, in a path and in a value",
     R"([{"method":"POST","bulkId":"u","path":"/Users","data":{"userName":"u"}},
        {"method":"POST","bulkId":"g","path":"/Groups","data":{"members":[{"value":"bulkId:u"}]}},
        {"method":"PATCH","path":"/Groups/bulkId:g","data":{"x":1}}])",
     0, R"(POST /Users {"userName":"u"} | POST /Groups {"members":[{"value":"id-u"}]} | PATCH /Groups/id-g {"x":1})",
     "201,201,200", false},
    {"a forward reference waits for a later pass",
     R"([{"method":"POST","bulkId":"g","path":"/Groups","data":{"members":[{"value":"bulkId:u"}]}},
        {"method":"POST","bulkId":"u","path":"/Users","data":{"userName":"u"}}])",
     0, R"(POST /Users {"userName":"u"} | POST /Groups {"members":[{"value":"id-u"}]})", "201,201", false},
    {"a reference no operation creates is a 409",
     R"([{"method":"PATCH","path":"/Users/bulkId:nobody","data":{}}])", 0, "", "409", false},
    {"failOnErrors stops after that many errors",
     R"([{"method":"DELETE","path":"/Users/bad1"},{"method":"DELETE","path":"/Users/bad2"},
        {"method":"DELETE","path":"/Users/3"}])",
     1, "DELETE /Users/bad1", "400", false},
    {"without failOnErrors every operation runs",
     R"([{"method":"DELETE","path":"/Users/bad1"},{"method":"DELETE","path":"/Users/2"}])", 0,
     "DELETE /Users/bad1 | DELETE /Users/2", "400,200", false},
    {"after a 503 nothing more is attempted",
     R"([{"method":"DELETE","path":"/Users/down"},{"method":"DELETE","path":"/Users/2"}])", 0, "DELETE /Users/down",
     "503,503", true},
};

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bulk_engine)

BOOST_DATA_TEST_CASE(operations_run_in_order_with_references, boost::unit_test::data::make(kRuns), c) {
  const std::string body = R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"failOnErrors":)" +
                           std::to_string(c.fail_on_errors) + R"(,"Operations":)" + c.operations + "}";
  auto request = bulk::parse(json::parse(body).as_object(), 1000);
  BOOST_TEST_REQUIRE(request.has_value(), (request ? "" : request.error().detail));
  Recorder recorder;
  const auto response =
      bulk::run(*request, "https://x/scim/v2",
                [&](const bulk::Operation& op, const std::string& endpoint, const std::string& id) {
                  return recorder(op, endpoint, id);
                });
  BOOST_TEST(joined(recorder.ran, " | ") == c.ran);
  std::vector<std::string> statuses;
  for (const auto& op : response.body.at("Operations").as_array()) {
    statuses.emplace_back(op.as_object().at("status").as_string());
  }
  BOOST_TEST(joined(statuses, ",") == c.statuses);
  BOOST_TEST(response.unavailable == c.unavailable);
}

struct ParseCase {
  const char* name;
  const char* body;
  const char* scim_type;  // of the refusal
};
std::ostream& operator<<(std::ostream& out, const ParseCase& c) { return out << c.name; }

const ParseCase kRefused[] = {
    {"no BulkRequest schema", R"({"schemas":[],"Operations":[{"method":"DELETE","path":"/Users/1"}]})", "invalidSyntax"},
    {"no operations", R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[]})",
     "invalidSyntax"},
    {"a negative failOnErrors",
     R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"failOnErrors":-1,"Operations":[{"method":"DELETE","path":"/Users/1"}]})",
     "invalidValue"},
    {"an unknown method",
     R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"GET","path":"/Users/1"}]})",
     "invalidValue"},
    {"a POST without bulkId",
     R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"POST","path":"/Users","data":{}}]})",
     "invalidValue"},
    {"a path without a slash",
     R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"DELETE","path":"Users/1"}]})",
     "invalidPath"},
};

BOOST_DATA_TEST_CASE(bad_requests_are_refused, boost::unit_test::data::make(kRefused), c) {
  auto request = bulk::parse(json::parse(c.body).as_object(), 1000);
  BOOST_TEST_REQUIRE(request.has_error());
  BOOST_TEST(request.error().scim_type == c.scim_type, request.error().detail);
}

BOOST_AUTO_TEST_CASE(more_operations_than_allowed_is_too_large) {
  auto request = bulk::parse(json::parse(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
      "Operations":[{"method":"DELETE","path":"/Users/1"},{"method":"DELETE","path":"/Users/2"}]})")
                                 .as_object(),
                             1);
  BOOST_TEST_REQUIRE(request.has_error());
  BOOST_TEST((request.error().kind == kestra::ErrorKind::PayloadTooLarge));
}

BOOST_AUTO_TEST_SUITE_END()
