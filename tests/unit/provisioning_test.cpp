#include "iam/permissions.hpp"
#include "provisioning/admin_service.hpp"
#include "provisioning/token.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

namespace {

struct NameCase {
  const char* name;
  bool valid;
};
std::ostream& operator<<(std::ostream& os, const NameCase& c) { return os << '"' << c.name << '"'; }

const NameCase kNames[] = {
    {"okta", true},       {"okta-prod", true},   {"a", true},           {"0kta-2", true},
    {"", false},          {"Okta", false},       {"-okta", false},      {"okta-", false},
    {"okta--prod", false}, {"okta_prod", false}, {"okta prod", false},  {"ökta", false},
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", true},    // 63
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},  // 64
};

}  // namespace

BOOST_AUTO_TEST_SUITE(provisioning)

BOOST_DATA_TEST_CASE(integration_names, boost::unit_test::data::make(kNames), c) {
  BOOST_TEST(kestra::provisioning::validate_integration_name(c.name).has_value() == c.valid);
}

BOOST_AUTO_TEST_CASE(service_account_names_are_dns_labels) {
  using kestra::provisioning::service_account_name;
  BOOST_TEST(service_account_name("okta") == "scim-okta");
  const std::string long_name(63, 'a');
  BOOST_TEST(service_account_name(long_name).size() <= 63u);
  BOOST_TEST(kestra::provisioning::validate_integration_name(service_account_name("abc-" + std::string(54, 'd') + "-e"))
                 .has_value());
}

BOOST_AUTO_TEST_CASE(long_names_sharing_a_prefix_get_distinct_service_account_names) {
  using kestra::provisioning::service_account_name;
  const std::string prefix(60, 'a');
  const auto b = service_account_name(prefix + "-b");
  const auto c = service_account_name(prefix + "-c");
  BOOST_TEST(b != c);
  for (const auto& name : {b, c, service_account_name(std::string(57, 'x') + "-" + std::string(5, 'y'))}) {
    BOOST_TEST(name.size() <= 63u, name);
    BOOST_TEST(name.starts_with("scim-"), name);
    BOOST_TEST(kestra::provisioning::validate_integration_name(name).has_value(), name);
  }
  BOOST_TEST(service_account_name(std::string(58, 'z')) == "scim-" + std::string(58, 'z'));  // fits: unchanged
  BOOST_TEST(b == service_account_name(prefix + "-b"));  // stable
}

BOOST_AUTO_TEST_CASE(tokens_are_long_random_and_hashed) {
  auto a = kestra::provisioning::mint_token("");
  auto b = kestra::provisioning::mint_token("");
  BOOST_TEST(a.secret != b.secret);
  BOOST_TEST(a.secret.size() >= 200u);
  BOOST_TEST(a.secret.find_first_not_of(
                 "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos);
  BOOST_TEST(a.secret_hash.find(a.secret) == std::string::npos);
  BOOST_TEST(a.secret_hash.size() == 64u);
  auto prefix = kestra::provisioning::token_lookup_prefix(a.secret);
  BOOST_REQUIRE(prefix.has_value());
  BOOST_TEST(*prefix == a.lookup_prefix);
  BOOST_TEST(kestra::provisioning::token_matches(a.secret, a.secret_hash, ""));
  BOOST_TEST(!kestra::provisioning::token_matches(b.secret, a.secret_hash, ""));
}

BOOST_AUTO_TEST_CASE(pepper_changes_the_hash) {
  auto t = kestra::provisioning::mint_token("pepper-1");
  BOOST_TEST(kestra::provisioning::token_matches(t.secret, t.secret_hash, "pepper-1"));
  BOOST_TEST(!kestra::provisioning::token_matches(t.secret, t.secret_hash, "pepper-2"));
  BOOST_TEST(!kestra::provisioning::token_matches(t.secret, t.secret_hash, ""));
}

const std::vector<std::string> kMalformedTokens = {
    "", "ksc_", "Bearer x", "ksc_short_secret",
    "xyz_AAAAAAAAAAAAAAAA_" + std::string(256, 'a'),
    "ksc_AAAAAAAAAAAAAAAA_" + std::string(255, 'a'),
    "ksc_AAAAAAAAAAAAAAAA_" + std::string(255, 'a') + "=",
    "ksc_AAAAAAAAAAAAAAAA_" + std::string(255, 'a') + "'"};

BOOST_DATA_TEST_CASE(malformed_tokens_have_no_prefix, boost::unit_test::data::make(kMalformedTokens), token) {
  BOOST_TEST(!kestra::provisioning::token_lookup_prefix(token).has_value());
}

BOOST_AUTO_TEST_CASE(provisioner_role_has_exactly_the_seed_permissions) {
  auto p = kestra::iam::scim_provisioner_permissions();
  BOOST_TEST(p.to_json() ==
             R"({"BINDINGS":["CREATE","DELETE","READ","UPDATE"],"GROUPS":["CREATE","DELETE","READ","UPDATE"],)"
             R"("USERS":["CREATE","READ","UPDATE"]})");
  BOOST_TEST(!p.allows("USERS", "DELETE"));
  auto parsed = kestra::iam::Permissions::from_json(p.to_json());
  BOOST_REQUIRE(parsed.has_value());
  BOOST_TEST((*parsed == p));
  BOOST_TEST(kestra::iam::Permissions::from_json("[1]").has_error());
}

BOOST_AUTO_TEST_SUITE_END()
