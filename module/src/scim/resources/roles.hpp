// /Roles: the tenant's roles this integration may assign, read-only
// (tenant admins manage roles; draft-ietf-scim-roles-entitlements).
#pragma once

#include "scim/resources/resource_handler.hpp"
#include "scim/role_service.hpp"

namespace kestra::scim {

class RoleResource final : public ResourceHandler {
 public:
  explicit RoleResource(RoleService& roles) : roles_(roles) {}

  const schema::ResourceType& type() const override { return roles_.type(); }
  std::string_view endpoint() const override { return "Roles"; }
  std::string_view noun() const override { return "role"; }
  std::string_view permission() const override { return "BINDINGS"; }
  std::string_view read_only() const override {
    return "roles are read-only through SCIM: a tenant admin manages them";
  }

  Result<Representation> get(const ResourceContext& context, const std::string& id,
                             const schema::Projection& projection) override;
  Result<ResourcePage> list(const ResourceContext& context, const ListRequest& request,
                            const schema::Projection& projection) override;

 private:
  RoleService& roles_;
};

}  // namespace kestra::scim
