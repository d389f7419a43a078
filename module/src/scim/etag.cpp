#include "scim/etag.hpp"

namespace kestra::scim {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view opaque(std::string_view tag) {
  tag = trim(tag);
  if (tag.starts_with("W/") || tag.starts_with("w/")) tag.remove_prefix(2);
  return tag;
}

}  // namespace

std::string user_etag(std::int64_t version, std::int64_t access_version) {
  return "W/\"" + std::to_string(version) + "-" + std::to_string(access_version) + "\"";
}

std::string group_etag(std::int64_t version) { return "W/\"" + std::to_string(version) + "\""; }

bool etag_listed(std::string_view header, std::string_view current) {
  if (trim(header) == "*") return true;
  const auto want = opaque(current);
  while (!header.empty()) {
    const auto comma = header.find(',');
    if (opaque(header.substr(0, comma)) == want) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

Result<void> check_if_match(const std::optional<std::string_view>& if_match, std::string_view current) {
  if (!if_match || etag_listed(*if_match, current)) return {};
  return Error{ErrorKind::PreconditionFailed,
               "If-Match " + std::string(*if_match) + " does not match the current version " + std::string(current),
               {}};
}

}  // namespace kestra::scim
