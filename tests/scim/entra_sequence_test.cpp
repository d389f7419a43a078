// Microsoft Entra ID's request shapes (the "Develop a SCIM endpoint"
// tutorial's user and group operations, and Test Connection), replayed from
// testdata/entra/: random-GUID probes answer empty lists, "True" strings,
// enterprise manager ids, the Microsoft group schema URN and "$ref": null.
// PATCH steps are left to the PATCH suite.
#define BOOST_TEST_MODULE scim_entra_sequence
#include "scim_support.hpp"

#include <boost/test/unit_test.hpp>

using namespace kestra::test;
namespace json = boost::json;

BOOST_AUTO_TEST_CASE(test_connection_answers_empty_lists) {
  HarnessProcess harness(module_options());
  const auto entra = scim_client(harness, "acme", "entra");
  replay(entra, "entra/test_connection.json");
  // Also once something is provisioned.
  create_user(entra, "someone@example.com");
  create_group(entra, "Someone's group");
  replay(entra, "entra/test_connection.json");
}

BOOST_AUTO_TEST_CASE(entra_provisioning_sequence) {
  HarnessProcess harness(module_options());
  const auto entra = scim_client(harness, "acme", "entra");
  const auto vars = replay(entra, "entra/provisioning_sequence.json");
  // "active": "True" and "primary": "True" were stored as booleans.
  const auto second = get_json(entra, "/Users/" + vars.at("secondUserId"));
  BOOST_TEST(second.at("active") == json::value(true));
  BOOST_TEST(second.at("emails").as_array()[0].at("primary") == json::value(true));
  BOOST_TEST(total_of(list(entra, "/Users?" + filter_query("active eq true"))) == 1);
  // The null $ref was not stored: the member's $ref is the server's.
  const auto group = get_json(entra, "/Groups/" + vars.at("membersGroupId"));
  BOOST_TEST(str(group.at("members").as_array()[0], "$ref") == entra.url() + "/Users/" + vars.at("secondUserId"));
  // The Microsoft URN is no schema of ours and is not echoed back.
  BOOST_TEST(group.at("schemas") == json::array{kGroupUrn});
}

BOOST_AUTO_TEST_CASE(entra_and_okta_provision_one_tenant_side_by_side) {
  HarnessProcess harness(module_options());
  const auto entra = scim_client(harness, "acme", "entra");
  const auto okta = scim_client(harness, "acme", "okta");
  replay(okta, "okta/provisioning_sequence.json");
  const auto vars = replay(entra, "entra/provisioning_sequence.json");
  // Each sees every user of the tenant, each with its own externalId only.
  const auto seen_by_okta = list(okta, "/Users");
  BOOST_TEST(total_of(seen_by_okta) == 2);  // Okta's user and Entra's second user
  for (const auto& u : seen_by_okta.at("Resources").as_array()) {
    if (str(u, "id") == vars.at("secondUserId")) BOOST_TEST(!u.as_object().contains("externalId"));
  }
  BOOST_TEST(total_of(list(entra, "/Users?" + filter_query(R"(externalId eq "00ujl29u0le5T6Aj10h7")"))) == 0);
  BOOST_TEST(total_of(list(okta, "/Users?" + filter_query(R"(externalId eq "00ujl29u0le5T6Aj10h7")"))) == 1);
}
