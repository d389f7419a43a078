// One tenant, one integration holds at most its share of
// the host's requests in progress; the others keep theirs.
#include "core/processors.hpp"
#include "provisioning/fair_share.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <future>
#include <optional>
#include <ostream>
#include <string_view>
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

// While another tenant is active, a tenant runs at most its equal share of
// the processors; alone again (past the contention window), all its share
// of the sessions.
FairShareLimits processor_limits(std::chrono::milliseconds run_wait) {
  FairShareLimits limits{4, 4};
  limits.cpus = 2;
  limits.contention_window = std::chrono::milliseconds(1000);
  limits.run_wait = run_wait;
  return limits;
}

BOOST_AUTO_TEST_CASE(a_tenant_runs_its_share_of_the_processors_while_others_are_active) {
  FairShare share(processor_limits(std::chrono::milliseconds(0)));
  const auto t0 = FairShare::Clock::now();
  std::vector<FairShare::Slot> acme;
  for (int i = 0; i < 3; ++i) acme.push_back(*share.enter("acme", "okta", t0));  // alone: 3 of 4
  BOOST_TEST(share.share_of("acme", t0) == 4u);
  auto quiet = share.enter("quiet", "okta-of-quiet", t0);
  BOOST_TEST_REQUIRE(quiet.has_value());  // under its own share (1 of 2 cpus)
  BOOST_TEST(share.share_of("acme", t0) == 1u);
  BOOST_TEST(!share.enter("acme", "okta", t0));  // acme runs 3, past its 1
  BOOST_TEST(share.in_progress("acme") == 3u);   // the refused one left nothing held
  BOOST_TEST(!share.enter("quiet", "okta-of-quiet", t0));  // quiet runs its 1
  quiet.reset();
  acme.clear();
  const auto t1 = t0 + std::chrono::milliseconds(500);  // quiet ended, still within the window
  BOOST_TEST(share.share_of("acme", t1) == 1u);
  auto one = share.enter("acme", "okta", t1);
  BOOST_TEST(one.has_value());
  BOOST_TEST(!share.enter("acme", "okta", t1));
  const auto t2 = t0 + std::chrono::milliseconds(5000);  // quiet has gone quiet
  BOOST_TEST(share.share_of("acme", t2) == 4u);
  BOOST_TEST(share.enter("acme", "okta", t2).has_value());
}

BOOST_AUTO_TEST_CASE(three_active_tenants_on_two_processors_run_one_request_each) {
  FairShare share(processor_limits(std::chrono::milliseconds(0)));
  const auto t0 = FairShare::Clock::now();
  auto a = share.enter("a", "ia", t0);
  auto b = share.enter("b", "ib", t0);
  auto c = share.enter("c", "ic", t0);
  BOOST_TEST((a && b && c));
  for (std::string_view tenant : {"a", "b", "c"}) BOOST_TEST(share.share_of(tenant, t0) == 1u);
}

BOOST_AUTO_TEST_CASE(a_request_past_the_processor_share_waits_for_its_tenants_running_one) {
  FairShare share(processor_limits(std::chrono::milliseconds(30000)));
  auto quiet = share.enter("quiet", "okta-of-quiet");
  auto first = share.enter("acme", "okta");
  BOOST_TEST_REQUIRE(first.has_value());
  auto second = std::async(std::launch::async, [&] { return share.enter("acme", "okta").has_value(); });
  // admitted, waiting to run (bounded: the waiting request is counted first)
  for (int i = 0; i < 2000 && share.in_progress("acme") < 2u; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  BOOST_TEST(share.in_progress("acme") == 2u);
  BOOST_TEST(share.running("acme") == 1u);
  first.reset();  // acme's running request ends: the waiting one runs
  BOOST_TEST(second.get());
  BOOST_TEST(share.running("acme") == 0u);  // the async's slot ended with its lambda
}

BOOST_AUTO_TEST_CASE(a_request_that_waits_past_run_wait_is_refused_and_holds_nothing) {
  FairShare share(processor_limits(std::chrono::milliseconds(50)));
  auto quiet = share.enter("quiet", "okta-of-quiet");
  auto first = share.enter("acme", "okta");
  BOOST_TEST_REQUIRE(first.has_value());
  BOOST_TEST(!share.enter("acme", "okta"));
  BOOST_TEST(share.in_progress("acme") == 1u);
}

struct QuotaCase {
  const char* cpu_max;
  std::optional<std::size_t> processors;
};
std::ostream& operator<<(std::ostream& out, const QuotaCase& c) { return out << '"' << c.cpu_max << '"'; }

const QuotaCase kQuotas[] = {
    {"max 100000\n", std::nullopt}, {"200000 100000\n", 2}, {"150000 100000", 2}, {"50000 100000\n", 1},
    {"", std::nullopt},             {"garbage", std::nullopt}, {"0 100000", std::nullopt},
};

BOOST_DATA_TEST_CASE(a_cgroup_quota_is_read_as_processors_rounded_up, boost::unit_test::data::make(kQuotas), c) {
  BOOST_TEST((kestra::processors_of_quota(c.cpu_max) == c.processors));
}

BOOST_AUTO_TEST_CASE(at_least_one_processor_is_available) { BOOST_TEST(kestra::available_processors() >= 1u); }

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
