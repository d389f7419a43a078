#include "core/retry.hpp"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

namespace kestra {

void pause_before_retry(int attempt) {
  thread_local std::minstd_rand random{std::random_device{}()};
  const int ceiling_ms = std::min(50, 2 << std::clamp(attempt, 0, 5));
  std::uniform_int_distribution<int> pick(0, ceiling_ms * 1000);
  std::this_thread::sleep_for(std::chrono::microseconds(pick(random)));
}

}  // namespace kestra
