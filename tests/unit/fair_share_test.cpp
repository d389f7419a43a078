// Issue 19 point 4: one tenant, one integration holds at most its share of
// the host's requests in progress; the others keep theirs.
#include "provisioning/fair_share.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>
#include <vector>

using kestra::provisioning::FairShare;
using kestra::provisioning::FairShareLimits;
using kestra::provisioning::fair_share_limits;

BOOST_AUTO_TEST_SUITE(fair_share)

BOOST_AUTO_TEST_CASE(a_tenant_past_its_share_is_refused_and_others_are_not) {
  FairShare share(FairShareLimits{2, 2});
  std::vector<FairShare::Slot> held;
  held.push_back(*share.enter("acme", "okta"));
  held.push_back(*share.enter("acme", "entra"));
  BOOST_TEST(!share.enter("acme", "okta"));
  BOOST_TEST(!share.enter("acme", "other"));  // the tenant's share, whichever integration
  auto quiet = share.enter("quiet", "okta-of-quiet");
  BOOST_TEST(quiet.has_value());
  BOOST_TEST(share.in_progress("acme") == 2u);
  held.pop_back();  // a request of acme ends
  BOOST_TEST(share.in_progress("acme") == 1u);
  BOOST_TEST(share.enter("acme", "okta").has_value());
}

BOOST_AUTO_TEST_CASE(an_integration_past_its_share_leaves_the_tenants_others) {
  FairShare share(FairShareLimits{3, 1});
  auto first = share.enter("acme", "okta");
  BOOST_TEST(first.has_value());
  BOOST_TEST(!share.enter("acme", "okta"));
  BOOST_TEST(share.enter("acme", "entra").has_value());
}

BOOST_AUTO_TEST_CASE(a_moved_slot_releases_once) {
  FairShare share(FairShareLimits{1, 1});
  {
    auto slot = share.enter("acme", "okta");
    FairShare::Slot moved = std::move(*slot);
    slot.reset();
    BOOST_TEST(share.in_progress("acme") == 1u);
  }
  BOOST_TEST(share.in_progress("acme") == 0u);
  BOOST_TEST(share.enter("acme", "okta").has_value());
}

struct LimitCase {
  std::size_t capacity;
  double tenant;
  double integration;
  std::size_t per_tenant;
  std::size_t per_integration;
};
std::ostream& operator<<(std::ostream& out, const LimitCase& c) {
  return out << c.capacity << " x " << c.tenant << "/" << c.integration;
}

const LimitCase kLimits[] = {
    {4, 0.75, 0.75, 3, 3}, {4, 0.5, 0.25, 2, 1}, {16, 0.75, 0.5, 12, 8}, {1, 0.75, 0.75, 1, 1},
    {4, 0.01, 0.01, 1, 1}, {10, 1.0, 1.0, 10, 10},
};

BOOST_DATA_TEST_CASE(limits_are_a_rounded_up_share_of_the_capacity, boost::unit_test::data::make(kLimits), c) {
  const auto limits = fair_share_limits(c.capacity, c.tenant, c.integration);
  BOOST_TEST(limits.per_tenant == c.per_tenant);
  BOOST_TEST(limits.per_integration == c.per_integration);
}

BOOST_AUTO_TEST_SUITE_END()
