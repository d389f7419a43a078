// How many processors this process may use: those of its CPU affinity,
// fewer when a cgroup v2 quota (cpu.max) allows less.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace kestra {

std::size_t available_processors();

// A cgroup v2 cpu.max text ("max 100000", "150000 100000"): the processors
// it allows, rounded up; nullopt when it sets no quota or cannot be read.
std::optional<std::size_t> processors_of_quota(std::string_view cpu_max);

}  // namespace kestra
