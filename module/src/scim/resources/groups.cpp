#include "scim/resources/groups.hpp"

#include "scim/etag.hpp"

#include <memory>

namespace kestra::scim {

BodyWriter GroupResource::streamed(const ResourceContext& context, ports::GroupRow row,
                                   std::shared_ptr<const schema::Projection> projection) {
  return [row = std::move(row), projection = std::move(projection), base = context.base, groups = &groups_,
          scope = context.scope, with_roles = context.reads_bindings](const http::BodySink& sink) {
    return render_group_to(row, base, *projection, groups, scope, with_roles, sink);
  };
}

Result<Representation> GroupResource::written(Result<ports::GroupRow> row, const ResourceContext& context,
                                              const schema::Projection& projection) {
  if (!row) return row.error();
  auto text = render_group(*row, context.base, projection, &groups_, context.scope, context.reads_bindings);
  if (!text) return text.error();
  return Representation{row->id, group_etag(row->version), text_body(std::move(*text)), false};
}

Result<Representation> GroupResource::create(const ResourceContext& context, const boost::json::object& body,
                                             const schema::Projection& projection) {
  return written(groups_.create(context.scope, body, context.actor), context, projection);
}

Result<Representation> GroupResource::get(const ResourceContext& context, const std::string& id,
                                          const schema::Projection& projection) {
  auto row = groups_.get(context.scope, id);
  if (!row) return row.error();
  const std::string etag = group_etag(row->version);
  return Representation{id, etag,
                        streamed(context, std::move(*row), std::make_shared<const schema::Projection>(projection)),
                        true};
}

Result<Representation> GroupResource::replace(const ResourceContext& context, const std::string& id,
                                              const boost::json::object& body, const IfMatch& if_match,
                                              const schema::Projection& projection) {
  return written(groups_.replace(context.scope, id, body, if_match, context.actor), context, projection);
}

Result<Representation> GroupResource::patch(const ResourceContext& context, const std::string& id,
                                            const boost::json::object& body, const IfMatch& if_match,
                                            const schema::Projection& projection) {
  auto row = groups_.patch(context.scope, id, body, if_match, context.actor);
  if (!row) return row.error();
  // Rendered only when written out (a PATCH usually answers 204).
  const std::string etag = group_etag(row->version);
  return Representation{id, etag,
                        streamed(context, std::move(*row), std::make_shared<const schema::Projection>(projection)),
                        true};
}

Result<void> GroupResource::remove(const ResourceContext& context, const std::string& id, const IfMatch& if_match) {
  return groups_.remove(context.scope, id, if_match, context.actor);
}

Result<ResourcePage> GroupResource::list(const ResourceContext& context, const ListRequest& request,
                                         const schema::Projection& projection) {
  auto page = groups_.list(context.scope, request);
  if (!page) return page.error();
  ResourcePage out{page->total, {}, page->next_cursor, true};
  out.resources.reserve(page->items.size());
  auto shared = std::make_shared<const schema::Projection>(projection);
  for (auto& row : page->items) out.resources.push_back(streamed(context, std::move(row), shared));
  return out;
}

}  // namespace kestra::scim
