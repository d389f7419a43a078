#include "provisioning/authenticator.hpp"

#include "core/clock.hpp"
#include "provisioning/token.hpp"

#include <cctype>

namespace kestra::provisioning {
namespace {

// How often the last-request time of an integration is written at most.
constexpr auto kTouchInterval = std::chrono::seconds(10);
// How old the live token prefixes may be when a throttled address asks.
constexpr auto kLiveRefresh = std::chrono::seconds(1);

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

Authenticator::Authenticator(ports::ProvisioningStore& store, std::string token_pepper, RateLimit failures)
    : store_(store), pepper_(std::move(token_pepper)), failures_(failures) {}

std::optional<std::chrono::seconds> Authenticator::throttled(std::string_view client,
                                                             std::optional<std::string_view> authorization) {
  auto wait = failures_.would_wait(client);
  if (!wait) return std::nullopt;
  const auto token = authorization ? bearer_token(*authorization) : std::nullopt;
  const auto prefix = token ? token_lookup_prefix(*token) : std::nullopt;
  if (prefix && live_prefix(*prefix)) return std::nullopt;
  return wait;
}

Result<ScimCaller> Authenticator::authenticate(std::optional<std::string_view> authorization, std::string_view tenant,
                                               std::string_view integration_id, std::string_view client) {
  auto caller = check(authorization, tenant, integration_id);
  if (!caller && caller.error().kind == ErrorKind::Unauthorized) (void)failures_.acquire(client);
  return caller;
}

Error Authenticator::refuse(std::string_view client) {
  (void)failures_.acquire(client);
  return unauthorized("invalid token");
}

Result<ScimCaller> Authenticator::check(std::optional<std::string_view> authorization, std::string_view tenant,
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

bool Authenticator::live_prefix(std::string_view prefix) {
  std::lock_guard lock(live_mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (live_read_ == std::chrono::steady_clock::time_point{} || now - live_read_ >= kLiveRefresh) {
    live_read_ = now;
    // Unreadable: the old set stays (the lookup itself would fail too).
    if (auto read = store_.live_token_prefixes()) live_prefixes_ = {read->begin(), read->end()};
  }
  return live_prefixes_.contains(std::string(prefix));
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

