// Files of resources/ embedded at build time, by their path below resources/.
#pragma once
#include <optional>
#include <string_view>
#include <vector>

namespace kestra::resources {

// The bytes of one file, e.g. find("scim/ServiceProviderConfig.json").
std::optional<std::string_view> find(std::string_view path);

// The paths that start with prefix (e.g. "migrations/sqlite/"), sorted.
std::vector<std::string_view> list(std::string_view prefix);

}  // namespace kestra::resources
