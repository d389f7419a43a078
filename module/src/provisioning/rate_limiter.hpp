// Requests per integration: a token bucket each, so that one identity
// provider cannot take every worker of the host from the others.  Held per
// host process (each host behind a load balancer limits what it serves).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace kestra::provisioning {

struct RateLimit {
  bool enabled = true;
  double requests_per_second = 500;  // sustained rate of one integration
  double burst = 1000;               // requests it may send at once after being idle
};

class RateLimiter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  explicit RateLimiter(RateLimit limit, Clock clock = [] { return std::chrono::steady_clock::now(); });

  // Takes `cost` requests (a Bulk: its operations) from the integration's
  // bucket; nullopt when allowed, else how long until they would be (rounded
  // up to whole seconds, at least 1: the Retry-After).  A cost above the
  // burst is allowed from a full bucket and leaves it in debt.
  std::optional<std::chrono::seconds> acquire(std::string_view integration_id, double cost = 1);

  // What acquire(key, 1) would answer, without taking anything.
  std::optional<std::chrono::seconds> would_wait(std::string_view key);

  const RateLimit& limit() const { return limit_; }

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point updated;
  };
  // Buckets full again are forgotten once there are this many.
  static constexpr std::size_t kMaxBuckets = 10000;

  void forget_full_buckets(std::chrono::steady_clock::time_point now);
  std::optional<std::chrono::seconds> take(std::string_view key, double cost, bool commit);

  RateLimit limit_;
  Clock clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace kestra::provisioning
