// What the benchmark tools agree on: the names the seeding tool gives users
// (the load client looks them up) and how figures are printed.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace kestra::bench {

inline std::string user_name(std::string_view prefix, std::uint64_t index) {
  return std::string(prefix) + "." + std::to_string(index) + "@bench.example";
}

// One figure, "name value unit", the form tests/bench/run.sh collects.
inline void print_figure(std::string_view name, double value, std::string_view unit) {
  std::printf("%.*s %.6g %.*s\n", static_cast<int>(name.size()), name.data(), value, static_cast<int>(unit.size()),
              unit.data());
}

// The q-quantile (0..1) of `samples`, nearest rank; reorders them.
inline double quantile(std::vector<double>& samples, double q) {
  if (samples.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples.size())));
  const std::size_t index = std::min(samples.size() - 1, rank == 0 ? 0 : rank - 1);
  std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(index), samples.end());
  return samples[index];
}

}  // namespace kestra::bench
