// The tenant trust boundary's rules (iam/domain_claims), without a store:
// who may use a domain, link an existing user, write its global attributes.
#include "iam/domain_claims.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>

namespace data = boost::unit_test::data;
using kestra::iam::DomainClaim;
using kestra::iam::DomainClaims;
using kestra::iam::LinkRule;

namespace {

// acme claims acme.example alone; acme and globex share corp.example.
DomainClaims claims() {
  return DomainClaims({{"acme", "acme.example", "CONFIG", ""},
                       {"acme", "corp.example", "ADMIN", ""},
                       {"globex", "corp.example", "ADMIN", ""}});
}

struct DomainCase {
  const char* address;
  const char* domain;
};
std::ostream& operator<<(std::ostream& out, const DomainCase& c) { return out << c.address; }

const DomainCase kDomains[] = {
    {"ceo@globex.example", "globex.example"},
    {"CEO@Globex.EXAMPLE", "globex.example"},
    {"\"a@b\"@quoted.example", "quoted.example"},  // the last '@'
    {"jdoe", ""},
    {"trailing@", ""},
};

struct EntitlementCase {
  const char* what;
  const char* tenant;
  const char* user_domain;
  const char* owner;
  bool may_use;   // put an address in user_domain
  LinkRule link;
  bool entitled;  // write the global attributes of such a user
};
std::ostream& operator<<(std::ostream& out, const EntitlementCase& c) { return out << c.what; }

const EntitlementCase kEntitlements[] = {
    {"claimed by the tenant alone", "acme", "acme.example", "globex", true, LinkRule::Shared, true},
    {"claimed by another tenant only", "globex", "acme.example", "globex", false, LinkRule::OwnerOnly, false},
    {"shared claim, other owner", "globex", "corp.example", "acme", true, LinkRule::Shared, true},
    {"unclaimed, own user", "acme", "free.example", "acme", true, LinkRule::OwnerOnly, true},
    {"unclaimed, another tenant's user", "globex", "free.example", "acme", true, LinkRule::OwnerOnly, false},
    {"unclaimed, no owner (before owners)", "globex", "free.example", "", true, LinkRule::OwnerOnly, true},
    {"no domain, another tenant's user", "globex", "", "acme", true, LinkRule::OwnerOnly, false},
    {"no domain, own user", "acme", "", "acme", true, LinkRule::OwnerOnly, true},
};

struct NormalizeCase {
  const char* text;
  const char* normalized;  // nullptr: refused
};
std::ostream& operator<<(std::ostream& out, const NormalizeCase& c) { return out << c.text; }

const NormalizeCase kNormalize[] = {
    {"Acme.Example", "acme.example"},
    {"xn--bcher-kva.example", "xn--bcher-kva.example"},
    {"a-b.c-d.example", "a-b.c-d.example"},
    {"", nullptr},
    {"localhost", nullptr},
    {"acme..example", nullptr},
    {".acme.example", nullptr},
    {"-acme.example", nullptr},
    {"acme-.example", nullptr},
    {"acme.example,globex.example", nullptr},
    {"*.acme.example", nullptr},
    {"user@acme.example", nullptr},
    {"bücher.example", nullptr},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(domain_claims)

BOOST_DATA_TEST_CASE(the_domain_of_an_address, data::make(kDomains), c) {
  BOOST_TEST(kestra::iam::domain_of(c.address) == c.domain);
}

BOOST_DATA_TEST_CASE(who_may_use_link_and_write, data::make(kEntitlements), c) {
  const auto all = claims();
  BOOST_TEST(all.may_use(c.tenant, c.user_domain) == c.may_use);
  BOOST_TEST((all.link_rule(c.tenant, c.user_domain) == c.link));
  BOOST_TEST(all.entitled(c.tenant, c.user_domain, c.owner) == c.entitled);
}

BOOST_DATA_TEST_CASE(a_claimed_domain_is_normalized_or_refused, data::make(kNormalize), c) {
  const auto normalized = kestra::iam::normalize_domain(c.text);
  if (c.normalized) {
    BOOST_TEST_REQUIRE(normalized.has_value());
    BOOST_TEST(*normalized == c.normalized);
  } else {
    BOOST_TEST_REQUIRE(!normalized.has_value());
    BOOST_TEST(normalized.error().scim_type == "invalidValue");
  }
}

BOOST_AUTO_TEST_CASE(the_first_address_in_a_reserved_domain_is_named) {
  const auto all = claims();
  BOOST_TEST(kestra::iam::check_addresses(all, "acme", {{"userName", "a@acme.example"}, {"emails", "b@x.example"}})
                 .has_value());
  const auto refused = kestra::iam::check_addresses(
      all, "globex", {{"userName", "ceo@globex.example"}, {"emails", "boss@ACME.example"}});
  BOOST_TEST_REQUIRE(!refused.has_value());
  BOOST_TEST(refused.error().scim_type == "invalidValue");
  BOOST_TEST(refused.error().detail.find("emails 'boss@ACME.example'") != std::string::npos);
  BOOST_TEST(refused.error().detail.find("'acme.example'") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
