// Requests per integration: over kestra.scim.rate-limit
// an integration gets 429 with Retry-After and nothing is written, while the
// tenant's other integrations keep being served.
#define BOOST_TEST_MODULE scim_rate_limit
#include "scim_support.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <thread>

using namespace kestra::test;
namespace json = boost::json;

namespace {

// One request every two seconds after a burst of three (slow enough that a
// loaded machine does not earn a request back while the test runs).
HarnessOptions limited(const char* enabled = "true") {
  auto options = module_options();
  options.extra_yaml += std::string("kestra.scim.rate-limit.enabled: ") + enabled +
                        "\nkestra.scim.rate-limit.requests-per-second: 0.5\nkestra.scim.rate-limit.burst: 3\n";
  return options;
}

void check_limited(const HttpResponse& res) {
  check_error(res, 429);
  const auto retry_after = res.header("Retry-After").value_or("");
  BOOST_TEST((retry_after == "1" || retry_after == "2"), retry_after);
  BOOST_TEST(detail_of(res).find("requests per second") != std::string::npos, detail_of(res));
}

}  // namespace

BOOST_AUTO_TEST_CASE(over_the_limit_is_429_with_retry_after_and_writes_nothing) {
  HarnessProcess harness(limited());
  const Scim okta = scim_client(harness, "acme", "okta");
  const Scim entra = scim_client(harness, "acme", "entra");
  for (int i = 0; i < 3; ++i) BOOST_TEST(okta.get("/Users").status == 200u);
  check_limited(okta.get("/Users"));

  // Refused before anything is done: the user does not exist.
  check_limited(okta.post("/Users", user_body("limited@example.com")));
  const auto found = list(entra, "/Users?" + filter_query(R"(userName eq "limited@example.com")"));
  BOOST_TEST(total_of(found) == 0);

  // The other integration has a bucket of its own (the list above took one).
  for (int i = 0; i < 2; ++i) BOOST_TEST(entra.get("/ServiceProviderConfig").status == 200u);
  check_limited(entra.get("/ServiceProviderConfig"));

  // Two seconds later one request more is allowed.
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  BOOST_TEST(okta.post("/Users", user_body("limited@example.com")).status == 201u);
  check_limited(okta.get("/Users"));
}

BOOST_AUTO_TEST_CASE(unauthenticated_requests_do_not_spend_an_integrations_requests) {
  HarnessProcess harness(limited());
  const Scim okta = scim_client(harness, "acme", "okta");
  Scim stranger = okta;
  stranger.integration.token = "not-the-token";
  for (int i = 0; i < 20; ++i) check_error(stranger.get("/Users"), 401);
  for (int i = 0; i < 3; ++i) BOOST_TEST(okta.get("/Users").status == 200u);
}

BOOST_AUTO_TEST_CASE(the_limit_can_be_switched_off) {
  HarnessProcess harness(limited("false"));
  const Scim okta = scim_client(harness, "acme", "okta");
  for (int i = 0; i < 30; ++i) BOOST_TEST_REQUIRE(okta.get("/ServiceProviderConfig").status == 200u);
}
