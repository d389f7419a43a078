// The per-integration token bucket (provisioning/rate_limiter), on a clock
// the test moves.
#include "provisioning/rate_limiter.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>

namespace {

using kestra::provisioning::RateLimit;
using kestra::provisioning::RateLimiter;
using namespace std::chrono_literals;

struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  RateLimiter::Clock fn() {
    return [this] { return now; };
  }
};

int allowed_of(RateLimiter& limiter, const char* integration, int tries) {
  int allowed = 0;
  for (int i = 0; i < tries; ++i) allowed += limiter.acquire(integration) ? 0 : 1;
  return allowed;
}

BOOST_AUTO_TEST_SUITE(rate_limiter)

BOOST_AUTO_TEST_CASE(a_burst_then_the_sustained_rate) {
  FakeClock clock;
  RateLimiter limiter({true, 10, 20}, clock.fn());
  BOOST_TEST(allowed_of(limiter, "okta", 25) == 20);
  auto wait = limiter.acquire("okta");
  BOOST_TEST_REQUIRE(wait.has_value());
  BOOST_TEST(wait->count() == 1);
  clock.now += 500ms;  // 5 tokens back
  BOOST_TEST(allowed_of(limiter, "okta", 10) == 5);
  clock.now += 1h;  // never more than the burst
  BOOST_TEST(allowed_of(limiter, "okta", 30) == 20);
}

BOOST_AUTO_TEST_CASE(each_integration_has_its_own_bucket) {
  FakeClock clock;
  RateLimiter limiter({true, 1, 3}, clock.fn());
  BOOST_TEST(allowed_of(limiter, "okta", 10) == 3);
  BOOST_TEST(allowed_of(limiter, "entra", 10) == 3);
  BOOST_TEST(allowed_of(limiter, "okta", 1) == 0);
}

struct RetryCase {
  double rate;
  std::chrono::milliseconds elapsed;  // since the bucket emptied
  long long retry_after;
};
std::ostream& operator<<(std::ostream& out, const RetryCase& c) {
  return out << c.rate << "/s after " << c.elapsed.count() << " ms";
}

const RetryCase kRetryCases[] = {
    {100, 0ms, 1},  // a fraction of a second rounds up to 1
    {1, 0ms, 1},    {1, 400ms, 1}, {0.5, 0ms, 2}, {0.5, 1500ms, 1}, {0.1, 0ms, 10}, {0.1, 2500ms, 8},
};

BOOST_DATA_TEST_CASE(retry_after_rounds_up_to_whole_seconds, boost::unit_test::data::make(kRetryCases), c) {
  FakeClock clock;
  RateLimiter limiter({true, c.rate, 1}, clock.fn());
  BOOST_TEST_REQUIRE(!limiter.acquire("okta").has_value());
  clock.now += c.elapsed;
  auto wait = limiter.acquire("okta");
  BOOST_TEST_REQUIRE(wait.has_value());
  BOOST_TEST(wait->count() == c.retry_after);
}

BOOST_AUTO_TEST_CASE(disabled_allows_everything) {
  FakeClock clock;
  RateLimiter limiter({false, 1, 1}, clock.fn());
  BOOST_TEST(allowed_of(limiter, "okta", 1000) == 1000);
}

BOOST_AUTO_TEST_CASE(many_integrations_do_not_grow_the_table_without_bound) {
  FakeClock clock;
  RateLimiter limiter({true, 1000, 2}, clock.fn());
  for (int i = 0; i < 30000; ++i) {
    if (i > 0 && i % 1000 == 0) clock.now += 10ms;  // older buckets fill up again and may be forgotten
    BOOST_TEST_REQUIRE(!limiter.acquire("integration-" + std::to_string(i)).has_value());
  }
  // A bucket still draining is kept: its integration stays limited.
  BOOST_TEST(allowed_of(limiter, "integration-29999", 5) == 1);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
