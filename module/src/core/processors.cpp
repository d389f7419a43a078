#include "core/processors.hpp"

#include <sched.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace kestra {

std::optional<std::size_t> processors_of_quota(std::string_view cpu_max) {
  const auto space = cpu_max.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const auto number = [](std::string_view text) -> std::optional<unsigned long long> {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
    unsigned long long value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value == 0) return std::nullopt;
    return value;
  };
  const auto quota = number(cpu_max.substr(0, space));  // "max": no quota
  const auto period = number(cpu_max.substr(space + 1));
  if (!quota || !period) return std::nullopt;
  return static_cast<std::size_t>((*quota + *period - 1) / *period);
}

std::size_t available_processors() {
  std::size_t count = 0;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) count = static_cast<std::size_t>(CPU_COUNT(&set));
  if (count == 0) count = std::thread::hardware_concurrency();
  if (count == 0) count = 1;
  std::ifstream file("/sys/fs/cgroup/cpu.max");
  std::stringstream text;
  text << file.rdbuf();
  if (auto quota = processors_of_quota(text.str()); quota && *quota < count) count = *quota;
  return count;
}

}  // namespace kestra
