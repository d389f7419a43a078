#include "provisioning/fair_share.hpp"

#include <algorithm>
#include <cmath>

namespace kestra::provisioning {

FairShare::Slot::~Slot() {
  if (owner_) owner_->leave(tenant_, integration_);
}

bool FairShare::active(const TenantState& state, Clock::time_point now) const {
  return state.admitted > 0 || now - state.last_active < limits_.contention_window;
}

std::size_t FairShare::share_locked(const std::string& tenant, Clock::time_point now) const {
  if (limits_.cpus == 0) return limits_.per_tenant;
  std::size_t active_tenants = 1;  // the asking tenant
  for (const auto& [name, state] : tenants_) {
    if (name != tenant && active(state, now)) ++active_tenants;
  }
  if (active_tenants == 1) return limits_.per_tenant;
  return std::min(limits_.per_tenant, std::max<std::size_t>(1, limits_.cpus / active_tenants));
}

std::optional<FairShare::Slot> FairShare::enter(std::string_view tenant, std::string_view integration,
                                                Clock::time_point now) {
  std::unique_lock lock(mutex_);
  if (now - last_sweep_ >= limits_.contention_window) {
    std::erase_if(tenants_, [&](const auto& entry) { return !active(entry.second, now); });
    last_sweep_ = now;
  }
  const std::string t(tenant);
  const std::string i(integration);
  auto& state = tenants_[t];  // stable: erased only with no request admitted
  state.last_active = std::max(state.last_active, now);
  auto it = integrations_.find(i);
  const std::size_t integration_held = it == integrations_.end() ? 0 : it->second;
  if (state.admitted >= limits_.per_tenant || integration_held >= limits_.per_integration) {
    return std::nullopt;
  }
  ++state.admitted;
  ++integrations_[i];
  // Past its share of the processors, it waits (holding no session) for
  // one of its running requests to end, or for the others to go quiet.
  const auto deadline = now + limits_.run_wait;
  auto at = now;
  bool runs = state.running < share_locked(t, at);
  while (!runs && at < deadline) {
    ended_.wait_until(lock, deadline);
    at = std::max(now, Clock::now());
    runs = state.running < share_locked(t, at);
  }
  if (!runs) {
    --state.admitted;
    if (auto held = integrations_.find(i); held != integrations_.end() && --held->second == 0) {
      integrations_.erase(held);
    }
    return std::nullopt;
  }
  ++state.running;
  return Slot(this, t, i);
}

std::size_t FairShare::in_progress(std::string_view tenant) const {
  std::lock_guard lock(mutex_);
  auto it = tenants_.find(std::string(tenant));
  return it == tenants_.end() ? 0 : it->second.admitted;
}

std::size_t FairShare::running(std::string_view tenant) const {
  std::lock_guard lock(mutex_);
  auto it = tenants_.find(std::string(tenant));
  return it == tenants_.end() ? 0 : it->second.running;
}

std::size_t FairShare::share_of(std::string_view tenant, Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  return share_locked(std::string(tenant), now);
}

void FairShare::leave(const std::string& tenant, const std::string& integration) {
  const auto now = Clock::now();
  {
    std::lock_guard lock(mutex_);
    if (auto it = tenants_.find(tenant); it != tenants_.end() && it->second.admitted > 0) {
      --it->second.admitted;
      if (it->second.running > 0) --it->second.running;
      it->second.last_active = std::max(it->second.last_active, now);
    }
    if (auto it = integrations_.find(integration); it != integrations_.end() && --it->second == 0) {
      integrations_.erase(it);
    }
  }
  ended_.notify_all();
}

FairShareLimits fair_share_limits(std::size_t capacity, double tenant_share, double integration_share) {
  const auto share = [&](double fraction) {
    return std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(static_cast<double>(capacity) * fraction)));
  };
  return {share(tenant_share), share(integration_share)};
}

}  // namespace kestra::provisioning
