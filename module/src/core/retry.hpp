// Pausing between attempts of an optimistic write that lost a race.
#pragma once

#include "core/result.hpp"

namespace kestra {

// How many times a write without If-Match is tried before its 412 stands.
inline constexpr int kOptimisticAttempts = 10;

// Sleeps a random time that grows with `attempt` (1 before the second
// attempt), at most 50 ms, so that racing writers stop colliding.
void pause_before_retry(int attempt);

// Runs `attempt` (a read, a change, a versioned write) again while its write
// lost a race (PreconditionFailed), up to kOptimisticAttempts times; only
// when `retry` (no If-Match: the client asked for no particular version).
template <class Attempt>
auto optimistically(bool retry, Attempt attempt) -> decltype(attempt()) {
  for (int n = 1;; ++n) {
    if (n > 1) pause_before_retry(n - 1);
    auto result = attempt();
    if (!result && result.error().kind == ErrorKind::PreconditionFailed && retry && n < kOptimisticAttempts) continue;
    return result;
  }
}

}  // namespace kestra
