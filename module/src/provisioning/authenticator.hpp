// Authentication and authorisation of SCIM requests: the integration's bearer
// token, checked against the store on every request (no cache, so a change
// made through any host is enforced by every host at once).  Failed
// attempts are limited per client address, so that guessing costs no
// database lookup past the limit.
#pragma once

#include "core/result.hpp"
#include "iam/permissions.hpp"
#include "ports/provisioning_store.hpp"
#include "provisioning/rate_limiter.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace kestra::provisioning {

// The integration a SCIM request acts as.
struct ScimCaller {
  std::string integration_id;
  std::string tenant_id;
  std::string service_account_id;
  iam::Permissions permissions;
};

class Authenticator {
 public:
  // `failures`: failed authentications allowed per client address.
  Authenticator(ports::ProvisioningStore& store, std::string token_pepper, RateLimit failures = {true, 1, 20});

  // Unauthorized for a missing, malformed, unknown, revoked or foreign token
  // (another integration's or tenant's); Forbidden for a disabled integration.
  // A failure counts against `client` (the peer address).
  Result<ScimCaller> authenticate(std::optional<std::string_view> authorization, std::string_view tenant,
                                  std::string_view integration_id, std::string_view client = {});

  // The answer to a bad token, counted against `client`.
  Error refuse(std::string_view client);

  // How long `client` must wait, when it has failed to authenticate too
  // often and this token is none of the live ones (their prefixes are read
  // at most once a second): the request is refused (429) before any lookup
  // of its own.  nullopt: go on and authenticate.
  std::optional<std::chrono::seconds> throttled(std::string_view client,
                                                std::optional<std::string_view> authorization);

  // Forbidden unless the caller's stored role grants `action` on `resource`.
  static Result<void> authorize(const ScimCaller& caller, std::string_view resource, std::string_view action);

 private:
  Result<ScimCaller> check(std::optional<std::string_view> authorization, std::string_view tenant,
                           std::string_view integration_id);
  void record_request(const std::string& integration_id);
  bool live_prefix(std::string_view prefix);

  ports::ProvisioningStore& store_;
  std::string pepper_;
  std::mutex touch_mutex_;
  std::map<std::string, std::chrono::steady_clock::time_point> last_touch_;
  RateLimiter failures_;  // keyed by client address
  // The live tokens' prefixes, so that a throttled address (maybe a proxy
  // shared with an attacker) keeps its good tokens working.
  std::mutex live_mutex_;
  std::unordered_set<std::string> live_prefixes_;
  std::chrono::steady_clock::time_point live_read_{};
};

}  // namespace kestra::provisioning
