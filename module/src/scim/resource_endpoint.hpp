// What every SCIM resource type shares, decided once for all: which method
// a request may use, the permission it needs, whether its id could name a
// stored resource, its projection, and the status it answers.  HTTP
// (scim_api) and Bulk both come here; the handler says what is stored.
#pragma once

#include "provisioning/authenticator.hpp"
#include "scim/resources/resource_handler.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace kestra::scim {

// The request's body as a JSON object, read only once the request is
// authorised (Bulk: an operation's data).
using BodyReader = std::function<Result<boost::json::object>()>;

// One request on one resource type.
struct ResourceRequest {
  std::string_view method;
  std::string id;  // empty: the collection (only POST)
  BodyReader body;
  IfMatch if_match;
  std::string_view query;  // attributes / excludedAttributes shape the answer
};

// What a request came to, before its body is written.
struct Outcome {
  int status = 200;
  Representation resource;
  bool with_body = true;
};

Result<Outcome> act(ResourceHandler& handler, const provisioning::ScimCaller& caller, const ResourceContext& context,
                    const ResourceRequest& request, const schema::Registry& registry, std::int64_t max_results);

// Role assignments are bindings: only a caller that may read bindings sees them.
bool reads_bindings(const provisioning::ScimCaller& caller);

}  // namespace kestra::scim
