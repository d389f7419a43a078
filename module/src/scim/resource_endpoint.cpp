// act(), what HTTP and Bulk share of a request on any resource type, and
// the HTTP side of ScimApi (scim_api.hpp) that serves it: a collection, an
// item and a /.search of any ResourceHandler, and the root /.search.
#include "scim/resource_endpoint.hpp"

#include "core/utf8.hpp"
#include "http/json_body.hpp"
#include "scim/responses.hpp"
#include "scim/scim_api.hpp"
#include "scim/schema/projection.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace kestra::scim {
namespace json = boost::json;

namespace {

constexpr std::int64_t kDefaultCount = 100;

// An id from the URL that could name a stored resource: UTF-8 text without
// control characters, within the stores' id width.  Any other is looked up
// nowhere (PostgreSQL refuses such bytes outright).
bool storable_id(std::string_view id) {
  if (utf8::length(id) > ports::kMaxIdChars) return false;  // kInvalid too
  return std::none_of(id.begin(), id.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

Error not_in_tenant(std::string_view kind, std::string_view id) {
  return Error::not_found(std::string(kind) + " '" + std::string(id) + "' not found in this tenant");
}

std::optional<std::string_view> header(const http::Request& req, std::string_view name) { return req.header(name); }

// The permission a method on one resource needs; nullopt: method not allowed.
std::optional<std::string_view> action_for(std::string_view method, std::string_view delete_action) {
  if (method == "GET") return "READ";
  if (method == "PUT" || method == "PATCH") return "UPDATE";
  if (method == "DELETE") return delete_action;
  return std::nullopt;
}

// Authorises a request on one user or group.  A DELETE removes the
// subject's bindings in the tenant with it (a user leaves the tenant, a
// group is gone), so it needs BINDINGS DELETE as well, whoever made them.
Result<void> authorize_resource(const provisioning::ScimCaller& caller, std::string_view resource,
                                std::string_view method, std::string_view action) {
  if (auto ok = provisioning::Authenticator::authorize(caller, resource, action); !ok) return ok;
  if (method == "DELETE") return provisioning::Authenticator::authorize(caller, "BINDINGS", "DELETE");
  return {};
}

}  // namespace

Result<Outcome> act(ResourceHandler& handler, const provisioning::ScimCaller& caller, const ResourceContext& context,
                    const ResourceRequest& request, const schema::Registry& registry, std::int64_t max_results) {
  const std::string_view method = request.method;
  const std::string& id = request.id;
  const std::string_view permission = handler.permission();
  if (!handler.read_only().empty() && method != "GET") {
    return Error{ErrorKind::MethodNotAllowed, std::string(handler.read_only()), {}};
  }
  if (id.empty()) {  // the collection: a create
    if (method != "POST") return method_not_allowed(method);
    if (auto ok = provisioning::Authenticator::authorize(caller, permission, "CREATE"); !ok) return ok.error();
  } else {
    const auto action = action_for(method, handler.delete_action());
    if (!action) return method_not_allowed(method);
    if (auto ok = authorize_resource(caller, permission, method, *action); !ok) return ok.error();
    if (!storable_id(id)) return not_in_tenant(handler.noun(), id);
    if (method == "DELETE") {
      if (auto removed = handler.remove(context, id, request.if_match); !removed) return removed.error();
      return Outcome{204, {}, false};
    }
  }
  const auto document = method == "GET" ? Result<json::object>(json::object()) : request.body();
  if (!document) return document.error();
  // attributes / excludedAttributes shape the answer (RFC 7644 3.9).
  auto query = parse_list_query(request.query, kDefaultCount, max_results);
  if (!query) return query.error();
  auto projection = schema::parse_projection(registry, handler.type(), query->attributes, query->excluded_attributes);
  if (!projection) return projection.error();
  if (id.empty()) {
    auto created = handler.create(context, *document, *projection);
    if (!created) return created.error();
    return Outcome{201, std::move(*created), true};
  }
  auto resource = method == "GET"   ? handler.get(context, id, *projection)
                  : method == "PUT" ? handler.replace(context, id, *document, request.if_match, *projection)
                                    : handler.patch(context, id, *document, request.if_match, *projection);
  if (!resource) return resource.error();
  const bool no_content = method == "PATCH" && handler.patch_answers_no_content() && query->attributes.empty() &&
                          query->excluded_attributes.empty();
  return Outcome{no_content ? 204 : 200, std::move(*resource), !no_content};
}

bool reads_bindings(const provisioning::ScimCaller& caller) { return caller.permissions.allows("BINDINGS", "READ"); }

// ------------------------------------------------------------------ HTTP

ResourceContext ScimApi::context(const Call& call) const {
  return {call.scope, call.actor, call.base, reads_bindings(call.caller)};
}

Result<Outcome> ScimApi::act(ResourceHandler& handler, const Call& call, ResourceRequest request) {
  return scim::act(handler, call.caller, context(call), request, registry_, settings_.max_results);
}

http::Response ScimApi::respond(ResourceHandler& handler, const Call& call, Result<Outcome> outcome) {
  if (!outcome) return fail(outcome.error());
  auto& o = *outcome;
  if (!o.with_body) return bodiless(o.status, o.resource.etag);
  if (not_modified(call.req, o.resource.etag)) return bodiless(304, o.resource.etag);
  http::Response res = scim_json(o.status, std::string());
  if (o.resource.streamed && call.req.method == "GET") {
    // Written as it is read: a group of any size is never held whole.
    res.producer = std::move(o.resource.body);
  } else {
    auto text = written(o.resource.body);
    if (!text) return fail(text.error());
    res.body = std::move(*text);
  }
  if (o.status == 201) {
    res.with_header("Location", call.base + "/" + std::string(handler.endpoint()) + "/" + o.resource.id);
  }
  if (!o.resource.etag.empty()) res.with_header("ETag", o.resource.etag);
  return res;
}

http::Response ScimApi::collection(ResourceHandler& handler, Call& call) {
  const auto& req = call.req;
  if (req.method != "GET") {
    return respond(handler, call,
                   act(handler, call, {req.method, {}, request_body(call), header(req, "If-Match"), req.query}));
  }
  if (auto ok = provisioning::Authenticator::authorize(call.caller, handler.permission(), "READ"); !ok) {
    return fail(ok.error());
  }
  auto request = parse_list_query(req.query, kDefaultCount, settings_.max_results);
  if (!request) return fail(request.error());
  return list(handler, call, *request);
}

http::Response ScimApi::item(ResourceHandler& handler, Call& call) {
  const auto& req = call.req;
  return respond(handler, call,
                 act(handler, call,
                     {req.method, std::string(req.param("id")), request_body(call), header(req, "If-Match"), req.query}));
}

http::Response ScimApi::search(ResourceHandler& handler, Call& call) {
  if (call.req.method != "POST") return fail(method_not_allowed(call.req));
  if (auto ok = provisioning::Authenticator::authorize(call.caller, handler.permission(), "READ"); !ok) {
    return fail(ok.error());
  }
  auto body = http::parse_json_object(call.req.body, settings_.json);
  if (!body) return fail(body.error());
  auto request = parse_search_body(*body, kDefaultCount, settings_.max_results);
  if (!request) return fail(request.error());
  return list(handler, call, *request);
}

http::Response ScimApi::list(ResourceHandler& handler, Call& call, const ListRequest& request) {
  auto projection =
      schema::parse_projection(registry_, handler.type(), request.attributes, request.excluded_attributes);
  if (!projection) return fail(projection.error());
  auto page = handler.list(context(call), request, *projection);
  if (!page) return fail(page.error());
  if (page->streamed) {
    return streamed_list(page->total, request.start_index, std::move(page->resources), page->next_cursor);
  }
  std::vector<std::string> resources;
  resources.reserve(page->resources.size());
  for (const auto& resource : page->resources) {
    auto text = written(resource);
    if (!text) return fail(text.error());
    resources.push_back(std::move(*text));
  }
  return scim_json(200, list_response(page->total, request.start_index, resources, page->next_cursor));
}

BodyReader ScimApi::request_body(const Call& call) const {
  return [&call, limits = settings_.json] { return http::parse_json_object(call.req.body, limits); };
}

http::Response ScimApi::users(Call& call) { return collection(*user_resource_, call); }
http::Response ScimApi::user(Call& call) { return item(*user_resource_, call); }
http::Response ScimApi::users_search(Call& call) { return search(*user_resource_, call); }
http::Response ScimApi::groups(Call& call) { return collection(*group_resource_, call); }
http::Response ScimApi::group(Call& call) { return item(*group_resource_, call); }
http::Response ScimApi::groups_search(Call& call) { return search(*group_resource_, call); }
http::Response ScimApi::roles(Call& call) {
  if (call.req.method != "GET") return fail(Error{ErrorKind::MethodNotAllowed, std::string(role_resource_->read_only()), {}});
  return collection(*role_resource_, call);
}
http::Response ScimApi::role(Call& call) { return item(*role_resource_, call); }

http::Response ScimApi::root_search(Call& call) {
  if (call.req.method != "POST") return fail(method_not_allowed(call.req));
  for (auto resource : {"USERS", "GROUPS"}) {
    if (auto ok = provisioning::Authenticator::authorize(call.caller, resource, "READ"); !ok) return fail(ok.error());
  }
  auto body = http::parse_json_object(call.req.body, settings_.json);
  if (!body) return fail(body.error());
  auto request = parse_search_body(*body, kDefaultCount, settings_.max_results);
  if (!request) return fail(request.error());
  if (request->cursor) {
    return fail(Error::invalid("cursor paging is offered per resource type: use /Users/.search or /Groups/.search",
                               "invalidValue"));
  }
  auto user_projection =
      schema::parse_projection(registry_, user_resource_->type(), request->attributes, request->excluded_attributes);
  if (!user_projection) return fail(user_projection.error());
  auto group_projection =
      schema::parse_projection(registry_, group_resource_->type(), request->attributes, request->excluded_attributes);
  if (!group_projection) return fail(group_projection.error());

  // Users first, then groups: one ordered sequence paged by startIndex/count.
  const auto ctx = context(call);
  auto users = user_resource_->list(ctx, *request, *user_projection);
  ListRequest group_request = *request;
  const std::int64_t user_total = users ? users->total : 0;
  const std::int64_t user_items = users ? static_cast<std::int64_t>(users->resources.size()) : 0;
  group_request.start_index = std::max<std::int64_t>(1, request->start_index - user_total);
  // Groups follow the last user: none while a page of users ended early (list-max-bytes).
  const bool users_done = request->start_index - 1 + user_items >= user_total;
  group_request.count = users_done ? std::max<std::int64_t>(0, request->count - user_items) : 0;
  auto groups = group_resource_->list(ctx, group_request, *group_projection);
  // An attribute one resource type lacks matches nothing of that type.
  if (!users && !groups) return fail(users.error());
  if (!users && users.error().scim_type != "invalidFilter") return fail(users.error());
  if (!groups && groups.error().scim_type != "invalidFilter") return fail(groups.error());

  std::vector<BodyWriter> resources;
  if (users) resources = std::move(users->resources);
  std::int64_t total = user_total;
  if (groups) {
    total += groups->total;
    if (request->start_index + user_items > user_total) {
      for (auto& group : groups->resources) resources.push_back(std::move(group));
    }
  }
  return streamed_list(total, request->start_index, std::move(resources), std::nullopt);
}

}  // namespace kestra::scim
