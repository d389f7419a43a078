#include "scim/resources/roles.hpp"

#include <boost/json/serialize.hpp>

namespace kestra::scim {

Result<Representation> RoleResource::get(const ResourceContext& context, const std::string& id,
                                         const schema::Projection& projection) {
  auto role = roles_.get(context.scope, id);
  if (!role) return role.error();
  auto rendered = render_role(*role, context.base + "/Roles/" + id);
  std::string etag(rendered["meta"].as_object()["version"].as_string());
  schema::apply(projection, rendered);
  return Representation{id, std::move(etag), text_body(boost::json::serialize(rendered)), false};
}

Result<ResourcePage> RoleResource::list(const ResourceContext& context, const ListRequest& request,
                                        const schema::Projection& projection) {
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

}  // namespace kestra::scim
