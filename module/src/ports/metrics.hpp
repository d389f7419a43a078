// What the module reports about itself: SCIM requests, rate limiting, the
// database pool and its errors.  Independent of the C ABI: plugin/ implements
// it over the host's kestra.metrics/1 extension.  Every function does nothing
// by default, which is what a host without metrics gets (no_metrics()).
//
// Labels are bounded by construction: a resource type from a closed set, a
// method from a closed set, a status code, and tenant / integration ids only
// once the host or the store knows them.  Never a path, an id from a URL, a
// token or user data.
#pragma once

#include <cstddef>
#include <string_view>

namespace kestra::ports {

// The SCIM resource type a request addresses (the route it matched).
enum class ScimResource { Users, Groups, Roles, Schemas, ServiceProviderConfig, ResourceTypes, Bulk, Me, Other };

inline std::string_view resource_name(ScimResource resource) {
  switch (resource) {
    case ScimResource::Users: return "Users";
    case ScimResource::Groups: return "Groups";
    case ScimResource::Roles: return "Roles";
    case ScimResource::Schemas: return "Schemas";
    case ScimResource::ServiceProviderConfig: return "ServiceProviderConfig";
    case ScimResource::ResourceTypes: return "ResourceTypes";
    case ScimResource::Bulk: return "Bulk";
    case ScimResource::Me: return "Me";
    case ScimResource::Other: return "other";
  }
  return "other";
}

// An HTTP method as a label: the methods SCIM uses, anything else "OTHER".
inline std::string_view method_name(std::string_view method) {
  for (std::string_view known : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
    if (method == known) return known;
  }
  return "OTHER";
}

// Why a database call failed.
enum class DbError {
  PoolExhausted,  // no pooled session became free in time
  Connection,     // a lost connection could not be opened again
  Unavailable,    // a statement failed in a way waiting may clear (lost connection, timeout, deadlock, busy)
  InvalidInput,   // the database refused a value (e.g. longer than its column)
  Internal,       // anything else
};

inline std::string_view db_error_name(DbError kind) {
  switch (kind) {
    case DbError::PoolExhausted: return "pool_exhausted";
    case DbError::Connection: return "connection";
    case DbError::Unavailable: return "unavailable";
    case DbError::InvalidInput: return "invalid_input";
    case DbError::Internal: return "internal";
  }
  return "internal";
}

// One SCIM request, once answered.
struct ScimRequestSample {
  std::string_view tenant;  // empty when the host does not know the tenant
  ScimResource resource = ScimResource::Other;
  std::string_view method;  // as received; reported through method_name()
  int status = 0;
  double seconds = 0;  // from routing to the end of the response
};

// [thread-safe] every function; none throws, none blocks on I/O.
class Metrics {
 public:
  virtual ~Metrics() = default;

  virtual void scim_request(const ScimRequestSample&) const {}
  // An authenticated integration was refused by its rate limit (429).
  virtual void rate_limited(std::string_view /*tenant*/, std::string_view /*integration*/) const {}
  // An authenticated request of the integration arrived at `unix_seconds`.
  virtual void integration_request(std::string_view /*tenant*/, std::string_view /*integration*/,
                                   double /*unix_seconds*/) const {}
  // Sessions of the store's pool lent out, and the pool's size.
  virtual void db_pool_in_use(std::size_t /*sessions*/) const {}
  virtual void db_pool_size(std::size_t /*sessions*/) const {}
  virtual void db_error(DbError) const {}
};

// A Metrics that records nothing, for code run without a host (tests, tools).
inline const Metrics& no_metrics() {
  static const Metrics none;
  return none;
}

}  // namespace kestra::ports
