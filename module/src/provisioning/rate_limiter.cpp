#include "provisioning/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace kestra::provisioning {
namespace {

double seconds_between(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace

RateLimiter::RateLimiter(RateLimit limit, Clock clock) : limit_(limit), clock_(std::move(clock)) {}

std::optional<std::chrono::seconds> RateLimiter::acquire(std::string_view integration_id, double cost) {
  return take(integration_id, cost, true);
}

std::optional<std::chrono::seconds> RateLimiter::would_wait(std::string_view key) { return take(key, 1, false); }

std::optional<std::chrono::seconds> RateLimiter::take(std::string_view integration_id, double cost, bool commit) {
  if (!limit_.enabled) return std::nullopt;
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  auto it = buckets_.find(std::string(integration_id));
  if (it == buckets_.end()) {
    if (buckets_.size() >= kMaxBuckets) forget_full_buckets(now);
    it = buckets_.emplace(std::string(integration_id), Bucket{limit_.burst, now}).first;
  }
  Bucket& bucket = it->second;
  const double elapsed = std::max(0.0, seconds_between(bucket.updated, now));
  bucket.tokens = std::min(limit_.burst, bucket.tokens + elapsed * limit_.requests_per_second);
  bucket.updated = now;
  const double needed = std::min(cost, limit_.burst);
  if (bucket.tokens >= needed) {
    if (commit) bucket.tokens -= cost;
    return std::nullopt;
  }
  const double wait = (needed - bucket.tokens) / limit_.requests_per_second;
  return std::chrono::seconds(std::max<long long>(1, static_cast<long long>(std::ceil(wait))));
}

void RateLimiter::forget_full_buckets(std::chrono::steady_clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const double refilled = it->second.tokens + seconds_between(it->second.updated, now) * limit_.requests_per_second;
    it = refilled >= limit_.burst ? buckets_.erase(it) : std::next(it);
  }
}

}  // namespace kestra::provisioning
