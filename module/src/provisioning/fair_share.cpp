#include "provisioning/fair_share.hpp"

#include <algorithm>
#include <cmath>

namespace kestra::provisioning {

FairShare::Slot::~Slot() {
  if (owner_) owner_->leave(tenant_, integration_);
}

std::optional<FairShare::Slot> FairShare::enter(std::string_view tenant, std::string_view integration) {
  std::lock_guard lock(mutex_);
  const std::string t(tenant);
  const std::string i(integration);
  auto held_by = [](const auto& counts, const std::string& key) {
    auto it = counts.find(key);
    return it == counts.end() ? std::size_t{0} : it->second;
  };
  if (held_by(tenants_, t) >= limits_.per_tenant || held_by(integrations_, i) >= limits_.per_integration) {
    return std::nullopt;
  }
  ++tenants_[t];
  ++integrations_[i];
  return Slot(this, t, i);
}

std::size_t FairShare::in_progress(std::string_view tenant) const {
  std::lock_guard lock(mutex_);
  auto it = tenants_.find(std::string(tenant));
  return it == tenants_.end() ? 0 : it->second;
}

void FairShare::leave(const std::string& tenant, const std::string& integration) {
  std::lock_guard lock(mutex_);
  for (auto [counts, key] : {std::pair{&tenants_, &tenant}, std::pair{&integrations_, &integration}}) {
    auto it = counts->find(*key);
    if (it == counts->end()) continue;
    if (--it->second == 0) counts->erase(it);
  }
}

FairShareLimits fair_share_limits(std::size_t capacity, double tenant_share, double integration_share) {
  const auto share = [&](double fraction) {
    return std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(static_cast<double>(capacity) * fraction)));
  };
  return {share(tenant_share), share(integration_share)};
}

}  // namespace kestra::provisioning
