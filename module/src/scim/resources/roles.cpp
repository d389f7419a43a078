#include "scim/resources/resources.hpp"

#include <boost/json/serialize.hpp>

namespace kestra::scim {
namespace {

// Roles as this integration may assign them (draft-ietf-scim-roles-entitlements).
class RoleResource final : public ResourceHandler {
 public:
  explicit RoleResource(RoleService& roles)
      : ResourceHandler({.endpoint = "Roles",
                         .noun = "role",
                         .permission = "BINDINGS",
                         .read_only = "roles are read-only through SCIM: a tenant admin manages them"}),
        roles_(roles) {}

  const schema::ResourceType& type() const override { return roles_.type(); }

  Result<Representation> get(const ResourceContext& context, const std::string& id,
                             const schema::Projection& projection) override {
    auto role = roles_.get(context.scope, id);
    if (!role) return role.error();
    auto rendered = render_role(*role, context.base + "/Roles/" + id);
    std::string etag(rendered["meta"].as_object()["version"].as_string());
    schema::apply(projection, rendered);
    return Representation{id, std::move(etag), text_body(boost::json::serialize(rendered)), false};
  }

  Result<ResourcePage> list(const ResourceContext& context, const ListRequest& request,
                            const schema::Projection& projection) override {
    auto page = roles_.list(context.scope, request);
    if (!page) return page.error();
    ResourcePage out{page->total, {}, std::nullopt, false};
    for (const auto& role : page->items) {
      auto rendered = render_role(role, context.base + "/Roles/" + role.id);
      schema::apply(projection, rendered);
      out.resources.push_back(text_body(boost::json::serialize(rendered)));
    }
    return out;
  }

 private:
  RoleService& roles_;
};

}  // namespace

std::unique_ptr<ResourceHandler> role_resource(RoleService& roles) { return std::make_unique<RoleResource>(roles); }

}  // namespace kestra::scim
