// Authentication and authorisation of SCIM requests: the integration's bearer
// token, checked against the store on every request (no cache, so a change
// made through any host is enforced by every host at once).
#pragma once

#include "core/result.hpp"
#include "iam/permissions.hpp"
#include "ports/provisioning_store.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

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
  Authenticator(ports::ProvisioningStore& store, std::string token_pepper);

  // Unauthorized for a missing, malformed, unknown, revoked or foreign token
  // (another integration's or tenant's); Forbidden for a disabled integration.
  Result<ScimCaller> authenticate(std::optional<std::string_view> authorization, std::string_view tenant,
                                  std::string_view integration_id);

  // Forbidden unless the caller's stored role grants `action` on `resource`.
  static Result<void> authorize(const ScimCaller& caller, std::string_view resource, std::string_view action);

 private:
  void record_request(const std::string& integration_id);

  ports::ProvisioningStore& store_;
  std::string pepper_;
  std::mutex touch_mutex_;
  std::map<std::string, std::chrono::steady_clock::time_point> last_touch_;
};

}  // namespace kestra::provisioning
