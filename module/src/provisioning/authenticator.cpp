#include "provisioning/authenticator.hpp"

#include "core/clock.hpp"
#include "provisioning/token.hpp"

#include <cctype>

namespace kestra::provisioning {
namespace {

// How often the last-request time of an integration is written at most.
constexpr auto kTouchInterval = std::chrono::seconds(10);

Error unauthorized(std::string detail) { return {ErrorKind::Unauthorized, std::move(detail), {}}; }

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) return std::nullopt;
  }
  auto token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) return std::nullopt;
  return token;
}

}  // namespace

Authenticator::Authenticator(ports::ProvisioningStore& store, std::string token_pepper)
    : store_(store), pepper_(std::move(token_pepper)) {}

Result<ScimCaller> Authenticator::authenticate(std::optional<std::string_view> authorization, std::string_view tenant,
                                               std::string_view integration_id) {
  if (!authorization) return unauthorized("missing Authorization header: send 'Authorization: Bearer <token>'");
  auto token = bearer_token(*authorization);
  if (!token) return unauthorized("malformed Authorization header: send 'Authorization: Bearer <token>'");
  auto prefix = token_lookup_prefix(*token);
  if (!prefix) return unauthorized("invalid token");
  auto grant = store_.find_token(std::string(*prefix));
  if (!grant) return grant.error();
  if (!*grant || (*grant)->revoked || !token_matches(*token, (*grant)->secret_hash, pepper_) ||
      (*grant)->integration_id != integration_id || (*grant)->tenant_id != tenant) {
    return unauthorized("invalid token");
  }
  const auto& g = **grant;
  if (!g.integration_enabled) {
    return Error{ErrorKind::Forbidden,
                 "integration '" + g.integration_id + "' is disabled: an administrator must enable it", {}};
  }
  ScimCaller caller{g.integration_id, g.tenant_id, g.service_account_id, {}};
  for (const auto& json : g.role_permissions_json) {
    auto permissions = iam::Permissions::from_json(json);
    if (!permissions) return permissions.error();
    caller.permissions.merge(*permissions);
  }
  record_request(g.integration_id);
  return caller;
}

Result<void> Authenticator::authorize(const ScimCaller& caller, std::string_view resource, std::string_view action) {
  if (caller.permissions.allows(resource, action)) return {};
  return Error{ErrorKind::Forbidden,
               "the integration's role does not grant " + std::string(resource) + ": " + std::string(action), {}};
}

void Authenticator::record_request(const std::string& integration_id) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(touch_mutex_);
    auto& last = last_touch_[integration_id];
    if (last != std::chrono::steady_clock::time_point{} && now - last < kTouchInterval) return;
    last = now;
  }
  // Best effort: a failed write of the last-request time fails no request.
  (void)store_.touch_integration(integration_id, now_iso8601());
}

}  // namespace kestra::provisioning

