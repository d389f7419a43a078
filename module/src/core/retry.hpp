// Pausing between attempts of an optimistic write that lost a race.
#pragma once

namespace kestra {

// How many times a write without If-Match is tried before its 412 stands.
inline constexpr int kOptimisticAttempts = 10;

// Sleeps a random time that grows with `attempt` (1 before the second
// attempt), at most 50 ms, so that racing writers stop colliding.
void pause_before_retry(int attempt);

}  // namespace kestra
