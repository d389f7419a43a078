// The resource types the SCIM endpoint serves, each a ResourceHandler:
// /Users (global users with per-tenant access), /Groups (members streamed as
// they are read), /Roles (read-only: tenant admins manage roles).
#pragma once

#include "scim/group_service.hpp"
#include "scim/resources/resource_handler.hpp"
#include "scim/role_service.hpp"
#include "scim/user_service.hpp"

#include <memory>

namespace kestra::scim {

std::unique_ptr<ResourceHandler> user_resource(UserService& users);
std::unique_ptr<ResourceHandler> group_resource(GroupService& groups);
std::unique_ptr<ResourceHandler> role_resource(RoleService& roles);

}  // namespace kestra::scim
