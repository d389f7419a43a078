// One SCIM resource type as the generic endpoint (scim/scim_api) serves it.
// The endpoint does what is the same for every type: methods, permissions,
// the query and its projection, If-Match / If-None-Match, statuses, list
// envelopes and Bulk; a resource type says what it stores and how it is
// rendered.
#pragma once

#include "core/result.hpp"
#include "http/http.hpp"
#include "ports/resource_store.hpp"
#include "provisioning/admin_service.hpp"
#include "scim/list_request.hpp"
#include "scim/schema/projection.hpp"
#include "scim/schema/registry.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kestra::scim {

// Writes a resource's JSON text into the sink: at once, or as it is read
// (a group's members), so that a large resource is never held whole.
using BodyWriter = std::function<Result<void>(const http::BodySink&)>;

// A resource as a request left it: its id, ETag and representation.
struct Representation {
  std::string id;
  std::string etag;
  BodyWriter body;
  bool streamed = false;  // body reads the store while it writes
};

struct ResourcePage {
  std::int64_t total = 0;
  std::vector<BodyWriter> resources;
  std::optional<std::string> next_cursor;
  bool streamed = false;
};

// Who acts, where, and what they may see.
struct ResourceContext {
  const ports::Scope& scope;
  const provisioning::Actor& actor;
  const std::string& base;  // the integration's SCIM base URL
  bool reads_bindings;      // role assignments are shown (BINDINGS READ)
};

using IfMatch = std::optional<std::string_view>;

// What a resource type is, as data: its endpoint, names and permissions.
struct ResourceTraits {
  std::string_view endpoint;    // "Users"
  std::string_view noun;        // "user", in errors
  std::string_view permission;  // USERS | GROUPS | BINDINGS
  // The action a DELETE needs (removing a user from a tenant updates it).
  std::string_view delete_action = "DELETE";
  // Why writes are refused (405); empty: writable.
  std::string_view read_only = {};
  // A PATCH that asked for no attributes answers 204 (a group's body may be large).
  bool patch_answers_no_content = false;
};

class ResourceHandler {
 public:
  explicit ResourceHandler(ResourceTraits traits) : traits_(traits) {}
  virtual ~ResourceHandler() = default;

  virtual const schema::ResourceType& type() const = 0;
  std::string_view endpoint() const { return traits_.endpoint; }
  std::string_view noun() const { return traits_.noun; }
  std::string_view permission() const { return traits_.permission; }
  std::string_view delete_action() const { return traits_.delete_action; }
  std::string_view read_only() const { return traits_.read_only; }
  bool patch_answers_no_content() const { return traits_.patch_answers_no_content; }

  // Writes answer 405 (read_only()) unless the type overrides them.
  virtual Result<Representation> create(const ResourceContext& context, const boost::json::object& body,
                                        const schema::Projection& projection);
  virtual Result<Representation> get(const ResourceContext& context, const std::string& id,
                                     const schema::Projection& projection) = 0;
  virtual Result<Representation> replace(const ResourceContext& context, const std::string& id,
                                         const boost::json::object& body, const IfMatch& if_match,
                                         const schema::Projection& projection);
  virtual Result<Representation> patch(const ResourceContext& context, const std::string& id,
                                       const boost::json::object& body, const IfMatch& if_match,
                                       const schema::Projection& projection);
  virtual Result<void> remove(const ResourceContext& context, const std::string& id, const IfMatch& if_match);
  virtual Result<ResourcePage> list(const ResourceContext& context, const ListRequest& request,
                                    const schema::Projection& projection) = 0;

 private:
  Error not_writable() const;

  ResourceTraits traits_;
};

// A body already rendered.
BodyWriter text_body(std::string text);

}  // namespace kestra::scim
