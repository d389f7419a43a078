// A failure inside a handler stays inside the module:
// plugin::dispatch turns an exception, or an internal error, into a SCIM 500
// whose detail says nothing of the cause; the cause goes to the host's log.
#include "plugin/abi_bridge.hpp"
#include "scim/error_response.hpp"

#include <boost/json.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using kestra::plugin::to_str;
using kestra::plugin::to_view;

constexpr std::string_view kSecret = "password=hunter2 host=db.internal:5432";

// What a host saw: its log lines and the response written through the ABI.
struct Seen {
  std::vector<std::string> log;
  unsigned status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};
Seen* g_seen = nullptr;

void host_log(const kestra_host*, kestra_log_level, kestra_str message) { g_seen->log.emplace_back(to_view(message)); }

kestra_status set_status(const kestra_response*, uint32_t status) {
  g_seen->status = status;
  return KESTRA_OK;
}
kestra_status add_header(const kestra_response*, kestra_str name, kestra_str value) {
  g_seen->headers.emplace_back(to_view(name), to_view(value));
  return KESTRA_OK;
}
kestra_status write_body(const kestra_response*, kestra_str chunk) {
  g_seen->body.append(to_view(chunk));
  return KESTRA_OK;
}

struct Failure {
  const char* name;
  kestra::http::Handler handler;
};
std::ostream& operator<<(std::ostream& out, const Failure& f) { return out << f.name; }

const Failure kFailures[] = {
    {"std::exception", [](const kestra::http::Request&) -> kestra::http::Response {
       throw std::runtime_error("cannot connect: " + std::string(kSecret));
     }},
    {"exception of no std type", [](const kestra::http::Request&) -> kestra::http::Response { throw 42; }},
    {"bad_alloc", [](const kestra::http::Request&) -> kestra::http::Response { throw std::bad_alloc(); }},
    {"internal error value", [](const kestra::http::Request&) {
       return kestra::scim::error_response(kestra::Error::internal("query failed: " + std::string(kSecret)));
     }},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(fault_containment)

BOOST_DATA_TEST_CASE(handler_failures_are_a_scim_500_that_tells_nothing, boost::unit_test::data::make(kFailures), f) {
  Seen seen;
  g_seen = &seen;
  kestra_host host{};
  host.struct_size = sizeof(kestra_host);
  host.log = &host_log;
  const kestra::plugin::HostBridge bridge(&host);
  kestra_request request{};
  request.struct_size = sizeof(kestra_request);
  request.method = to_str("GET");
  request.path = to_str("/api/v1/acme/integrations/i/scim/v2/Users");
  kestra_response response{};
  response.struct_size = sizeof(kestra_response);
  response.set_status = &set_status;
  response.add_header = &add_header;
  response.write_body = &write_body;

  const kestra_status status = kestra::plugin::dispatch(f.handler, &request, &response, bridge);
  BOOST_TEST(status == KESTRA_OK);
  BOOST_TEST(seen.status == 500u);
  const auto body = boost::json::parse(seen.body).as_object();
  BOOST_TEST(body.at("schemas").as_array().at(0).as_string() == "urn:ietf:params:scim:api:messages:2.0:Error");
  BOOST_TEST(body.at("status").as_string() == "500");
  BOOST_TEST(body.at("detail").as_string() == "internal server error");
  BOOST_TEST(seen.body.find("hunter2") == std::string::npos);
  BOOST_TEST(seen.body.find("db.internal") == std::string::npos);
  // The cause reaches the host's log (a std::exception's or an error value's text).
  if (std::string_view(f.name) == "std::exception" || std::string_view(f.name) == "internal error value") {
    bool logged = false;
    for (const auto& line : seen.log) logged = logged || line.find("db.internal") != std::string::npos;
    BOOST_TEST(logged);
  }
  // No request arrives at all: refused as an argument, nothing thrown.
  BOOST_TEST(kestra::plugin::dispatch(f.handler, nullptr, &response, bridge) == KESTRA_ERR_INVALID_ARGUMENT);
  g_seen = nullptr;
}

BOOST_AUTO_TEST_SUITE_END()
