#include "kestra/resources.hpp"

#include <cstddef>

namespace kestra::resources::detail {
struct Entry {
  std::string_view path;
  std::string_view data;
};
extern const Entry kEntries[];
extern const std::size_t kEntryCount;
}  // namespace kestra::resources::detail

namespace kestra::resources {

std::optional<std::string_view> find(std::string_view path) {
  for (std::size_t i = 0; i < detail::kEntryCount; ++i) {
    if (detail::kEntries[i].path == path) return detail::kEntries[i].data;
  }
  return std::nullopt;
}

std::vector<std::string_view> list(std::string_view prefix) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < detail::kEntryCount; ++i) {
    if (detail::kEntries[i].path.starts_with(prefix)) out.push_back(detail::kEntries[i].path);
  }
  return out;
}

}  // namespace kestra::resources
