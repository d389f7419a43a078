// The module's configuration, read from the host by dotted key.
#pragma once

#include "core/result.hpp"
#include "http/json_body.hpp"
#include "http/public_address.hpp"
#include "ports/store.hpp"
#include "provisioning/fair_share.hpp"
#include "provisioning/rate_limiter.hpp"
#include "scim/filter/parser.hpp"
#include "scim/scim_settings.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kestra::app {

// Read access to the host's configuration.
class ConfigSource {
 public:
  virtual ~ConfigSource() = default;
  virtual std::optional<std::string> get(std::string_view dotted_key) const = 0;
};

inline constexpr std::string_view kTenantsEnabledKey = "kestra.ee.tenants.enabled";

struct ModuleConfig {
  // kestra.url, kestra.scim.trusted-proxies, .allowed-hosts, .allowed-origins:
  // the base of absolute URLs, and the origins that may write to the admin API.
  http::AddressPolicy addresses;
  std::string token_pepper;      // kestra.scim.token.pepper: HMAC key for token hashes
  ports::StoreConfig store;
  int max_results = 1000;        // kestra.scim.filter.max-results
  // kestra.scim.limits.string-max-length: characters of any string value (400 invalidValue beyond).
  std::size_t max_string_chars = 16384;
  // kestra.scim.limits.list-max-bytes: stored bytes of the resources of one
  // list page; a page that would hold more ends early (itemsPerPage < count).
  std::size_t list_max_bytes = 8388608;
  int bulk_max_operations = 1000;         // kestra.scim.bulk.max-operations
  int bulk_max_payload_bytes = 1048576;   // kestra.scim.bulk.max-payload-size
  // kestra.scim.limits.max-body-size, .json-max-depth, .json-max-elements
  http::JsonLimits json;
  // kestra.scim.limits.filter-max-length, .filter-max-nodes (list filters and PATCH paths)
  scim::filter::Limits filter;
  // kestra.security.defaultRole.roleId (or .name): the role every user SCIM
  // grants access to a tenant is bound to; .tenantId: only in that tenant.
  std::string default_role;
  std::string default_role_tenant;
  // kestra.scim.rate-limit.enabled, .requests-per-second, .burst
  provisioning::RateLimit rate_limit;
  // kestra.scim.rate-limit.failed-auth-per-second, .failed-auth-burst:
  // failed SCIM authentications per client address; past them, 429 with no
  // database lookup (tokens that authenticated lately still pass).
  provisioning::RateLimit failed_auth_limit{true, 1, 20};
  // kestra.scim.fair-share.tenant, .integration: the fraction of the
  // sessions (kestra.scim.datasource.pool-size) one tenant, one integration
  // may use at once; past it, 429 with Retry-After for it alone.
  // .cpus (default: the processors available), .contention-window (1s),
  // .run-wait (1s): while other tenants were active within the window, a
  // tenant runs at most its equal share of the cpus at once, its other
  // requests waiting up to run-wait.  .enabled: false lifts it all.
  provisioning::FairShareLimits fair_share;
  // kestra.scim.domain-claims: "TENANT=DOMAIN" items (iam/domain_claims),
  // the domain normalized.  The configuration's claims are applied at every
  // start: added when missing, and those it no longer lists removed.
  std::vector<ports::DomainClaim> domain_claims;
  // kestra.scim.domain-claims-refresh: how old the module's copy of the
  // claims may be when a user write reads it (a change made through another
  // host is seen that late); 0: read on every write.
  std::chrono::milliseconds domain_claims_refresh{1000};
};

// Fails when tenants are not enabled (naming the key) or a value is malformed.
//
// The store follows Kestra's own datasource: kestra.repository.type
// (postgres | mysql | h2 | memory | elasticsearch) picks datasources.postgres
// or datasources.mysql (url, username, password); unset or elasticsearch,
// the one datasource configured.  h2, memory or no datasource: the embedded
// SQLite file kestra.scim.sqlite.path.
Result<ModuleConfig> load_config(const ConfigSource& source);

// The SCIM endpoint's part of `config`.
scim::ScimSettings scim_settings(const ModuleConfig& config);

// "30s", "500ms", "2m", "1h" or ISO-8601 "PT30S", "PT1M30S"; "0s" is zero.
Result<std::chrono::milliseconds> parse_duration(std::string_view key, std::string_view text);

}  // namespace kestra::app
