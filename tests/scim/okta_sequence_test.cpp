// Okta's documented SCIM 2.0 request sequence (Okta SCIM 2.0 protocol
// reference: existence check, create, read, PUT profile update and
// deactivation, import, Push Groups by PUT), replayed from
// testdata/okta/ through the harness.  PATCH steps are left to the PATCH
// suite.
#define BOOST_TEST_MODULE scim_okta_sequence
#include "scim_support.hpp"

#include <boost/test/unit_test.hpp>

using namespace kestra::test;
namespace json = boost::json;

BOOST_AUTO_TEST_CASE(okta_provisioning_sequence) {
  HarnessProcess harness(module_options());
  const auto okta = scim_client(harness, "acme", "okta");
  const auto vars = replay(okta, "okta/provisioning_sequence.json");
  BOOST_TEST(vars.count("userId") == 1u);
  BOOST_TEST(audit_actions(okta, "acme") ==
             (std::vector<std::string>{"integration.create", "user.create", "user.replace", "user.replace",
                                       "user.replace", "group.create", "group.replace", "group.replace",
                                       "group.delete"}));
  // Okta's password reached neither the responses nor the store's log.
  BOOST_TEST(harness.full_log().find("1mz050nq") == std::string::npos);
}

// Two tenants of one organisation, both claiming the domain:
// their IdPs share the user.  Without the claim, see tenant_boundary_test.
BOOST_AUTO_TEST_CASE(the_same_sequence_in_a_second_tenant_provisions_the_same_user) {
  HarnessProcess harness(sharing_domain({"acme", "globex"}, "okta.local"));
  const auto acme = scim_client(harness, "acme", "okta");
  const auto globex = scim_client(harness, "globex", "okta");
  const auto first = replay(acme, "okta/provisioning_sequence.json");
  const auto second = replay(globex, "okta/provisioning_sequence.json");
  BOOST_TEST(first.at("userId") == second.at("userId"));
  BOOST_TEST(first.at("groupId") != second.at("groupId"));
  BOOST_TEST(total_of(list(acme, "/Users")) == 1);
  BOOST_TEST(total_of(list(globex, "/Users")) == 1);
}

BOOST_AUTO_TEST_CASE(okta_replays_after_a_failed_create) {
  // Okta retries a create that timed out: the existence check then finds
  // the user and Okta links it instead of creating it again.
  HarnessProcess harness(module_options());
  const auto okta = scim_client(harness, "acme", "okta");
  const auto body = read_fixture("okta/create_user.json");
  BOOST_TEST_REQUIRE(okta.post("/Users", body).status == 201u);
  check_error(okta.post("/Users", body), 409, "uniqueness");
  const auto found =
      list(okta, "/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100");
  BOOST_TEST(total_of(found) == 1);
}
