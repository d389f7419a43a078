#include "http/http.hpp"
#include "scim/error_response.hpp"

#include <boost/json.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

namespace {

struct QueryCase {
  const char* query;
  std::vector<std::pair<std::string, std::string>> want;
};
std::ostream& operator<<(std::ostream& os, const QueryCase& c) { return os << c.query; }

const QueryCase kQueries[] = {
    {"", {}},
    {"count=10", {{"count", "10"}}},
    {"filter=userName%20eq%20%22a%40b.c%22&startIndex=1",
     {{"filter", "userName eq \"a@b.c\""}, {"startIndex", "1"}}},
    {"filter=userName+eq+%22x%22", {{"filter", "userName eq \"x\""}}},
    {"a&&b=", {{"a", ""}, {"b", ""}}},
    {"bad=%zz%4", {{"bad", "%zz%4"}}},
};

struct StatusCase {
  kestra::ErrorKind kind;
  int status;
};
std::ostream& operator<<(std::ostream& os, const StatusCase& c) { return os << c.status; }
const StatusCase kStatuses[] = {
    {kestra::ErrorKind::InvalidInput, 400}, {kestra::ErrorKind::Unauthorized, 401},
    {kestra::ErrorKind::Forbidden, 403},    {kestra::ErrorKind::NotFound, 404},
    {kestra::ErrorKind::MethodNotAllowed, 405}, {kestra::ErrorKind::Conflict, 409},
    {kestra::ErrorKind::PreconditionFailed, 412}, {kestra::ErrorKind::PayloadTooLarge, 413},
    {kestra::ErrorKind::UnsupportedMediaType, 415},
    {kestra::ErrorKind::TooManyRequests, 429}, {kestra::ErrorKind::Internal, 500},
    {kestra::ErrorKind::NotImplemented, 501}, {kestra::ErrorKind::Unavailable, 503},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(http_values)

BOOST_DATA_TEST_CASE(query_parsing, boost::unit_test::data::make(kQueries), c) {
  BOOST_TEST((kestra::http::parse_query(c.query) == c.want));
}

BOOST_DATA_TEST_CASE(scim_error_status, boost::unit_test::data::make(kStatuses), c) {
  auto res = kestra::scim::error_response({c.kind, "some detail", "invalidFilter"});
  BOOST_TEST(res.status == c.status);
  auto body = boost::json::parse(res.body).as_object();
  BOOST_TEST(body["status"].as_string() == std::to_string(c.status));
  BOOST_TEST(body["schemas"].as_array()[0].as_string() == "urn:ietf:params:scim:api:messages:2.0:Error");
}

BOOST_AUTO_TEST_CASE(internal_error_leaks_nothing) {
  auto res = kestra::scim::error_response(kestra::Error::internal("SQL syntax near 'scim_users'"));
  BOOST_TEST(res.body.find("scim_users") == std::string::npos);
  BOOST_TEST(res.status == 500);
}

BOOST_AUTO_TEST_CASE(unauthorized_asks_for_bearer) {
  auto res = kestra::scim::error_response({kestra::ErrorKind::Unauthorized, "token missing", {}});
  bool found = false;
  for (const auto& [n, v] : res.headers) found = found || (n == "WWW-Authenticate" && v.starts_with("Bearer"));
  BOOST_TEST(found);
}

BOOST_AUTO_TEST_SUITE_END()
