#include "scim/resources/users.hpp"

#include "scim/etag.hpp"

#include <boost/json/serialize.hpp>

namespace kestra::scim {
namespace {

Representation represented(const UserView& view, const ResourceContext& context,
                           const schema::Projection& projection) {
  auto rendered = render_user(view, context.base + "/Users/" + view.row.id, context.reads_bindings);
  schema::apply(projection, rendered);
  return {view.row.id, user_etag(view.row.version, view.row.access_version), text_body(boost::json::serialize(rendered)),
          false};
}

Result<Representation> represented(Result<UserView> view, const ResourceContext& context,
                                   const schema::Projection& projection) {
  if (!view) return view.error();
  return represented(*view, context, projection);
}

}  // namespace

Result<Representation> UserResource::create(const ResourceContext& context, const boost::json::object& body,
                                            const schema::Projection& projection) {
  return represented(users_.create(context.scope, body, context.actor), context, projection);
}

Result<Representation> UserResource::get(const ResourceContext& context, const std::string& id,
                                         const schema::Projection& projection) {
  return represented(users_.get(context.scope, id, schema::wants(projection, "groups")), context, projection);
}

Result<Representation> UserResource::replace(const ResourceContext& context, const std::string& id,
                                             const boost::json::object& body, const IfMatch& if_match,
                                             const schema::Projection& projection) {
  return represented(users_.replace(context.scope, id, body, if_match, context.actor), context, projection);
}

Result<Representation> UserResource::patch(const ResourceContext& context, const std::string& id,
                                           const boost::json::object& body, const IfMatch& if_match,
                                           const schema::Projection& projection) {
  return represented(users_.patch(context.scope, id, body, if_match, context.actor), context, projection);
}

Result<void> UserResource::remove(const ResourceContext& context, const std::string& id, const IfMatch& if_match) {
  return users_.remove(context.scope, id, if_match, context.actor);
}

Result<ResourcePage> UserResource::list(const ResourceContext& context, const ListRequest& request,
                                        const schema::Projection& projection) {
  auto page = users_.list(context.scope, request, schema::wants(projection, "groups"));
  if (!page) return page.error();
  ResourcePage out{page->total, {}, page->next_cursor, false};
  out.resources.reserve(page->items.size());
  for (const auto& view : page->items) out.resources.push_back(represented(view, context, projection).body);
  return out;
}

}  // namespace kestra::scim
