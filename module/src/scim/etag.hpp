// Weak entity tags of SCIM resources (RFC 7644 3.14) and the If-Match /
// If-None-Match checks.
#pragma once

#include "core/result.hpp"
#include "ports/resource_store.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace kestra::scim {

// W/"<version>-<access_version>" for users, W/"<version>" for groups.
std::string user_etag(std::int64_t version, std::int64_t access_version);
std::string group_etag(std::int64_t version);

// True when an If-Match / If-None-Match header value (a list of entity tags
// or "*") names `current`.  Weak comparison: W/ prefixes are ignored.
bool etag_listed(std::string_view header, std::string_view current);

// PreconditionFailed when If-Match is present and does not name `current`.
Result<void> check_if_match(const std::optional<std::string_view>& if_match, std::string_view current);

}  // namespace kestra::scim
