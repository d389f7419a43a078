// What the services of the writable resource types (UserService,
// GroupService) share: their type in the schema registry, the role service
// that checks the roles they assign, and the bounds of list filters, PATCH
// paths and list pages.
#pragma once

#include "scim/filter/parser.hpp"
#include "scim/role_service.hpp"
#include "scim/schema/registry.hpp"

#include <cstddef>
#include <string_view>

namespace kestra::scim {

class ResourceService {
 public:
  const schema::ResourceType& type() const { return *type_; }

 protected:
  // `filter_limits` bound list filters and PATCH paths; a list page ends
  // early once its stored documents hold `list_max_bytes` (0: never).
  ResourceService(const schema::Registry& registry, std::string_view type, RoleService& roles,
                  filter::Limits filter_limits, std::size_t list_max_bytes)
      : registry_(registry),
        roles_(roles),
        type_(registry.resource_type(type)),
        filter_limits_(filter_limits),
        list_max_bytes_(list_max_bytes) {}

  const schema::Registry& registry_;
  RoleService& roles_;
  const schema::ResourceType* type_;
  filter::Limits filter_limits_;
  std::size_t list_max_bytes_;
};

}  // namespace kestra::scim
