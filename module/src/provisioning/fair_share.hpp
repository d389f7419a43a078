// Requests in progress per tenant and per integration: one of them may hold
// at most its share of the host's workers and database sessions (each SCIM
// request holds at most one session at a time), so that a busy or hostile
// tenant leaves the rest to the others.  Held per host process.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace kestra::provisioning {

struct FairShareLimits {
  std::size_t per_tenant = 3;       // requests of one tenant at once
  std::size_t per_integration = 3;  // requests of one integration at once
};

class FairShare {
 public:
  // Held while a request runs (and streams its body); releases on destruction.
  class Slot {
   public:
    Slot(Slot&& other) noexcept : owner_(other.owner_), tenant_(std::move(other.tenant_)),
                                  integration_(std::move(other.integration_)) {
      other.owner_ = nullptr;
    }
    Slot& operator=(Slot&&) = delete;
    Slot(const Slot&) = delete;
    ~Slot();

   private:
    friend class FairShare;
    Slot(FairShare* owner, std::string tenant, std::string integration)
        : owner_(owner), tenant_(std::move(tenant)), integration_(std::move(integration)) {}
    FairShare* owner_;
    std::string tenant_;
    std::string integration_;
  };

  explicit FairShare(FairShareLimits limits) : limits_(limits) {}

  // A slot, or nullopt when the tenant or the integration holds its share.
  std::optional<Slot> enter(std::string_view tenant, std::string_view integration);

  const FairShareLimits& limits() const { return limits_; }
  // Requests of the tenant in progress (metrics, tests).
  std::size_t in_progress(std::string_view tenant) const;

 private:
  void leave(const std::string& tenant, const std::string& integration);

  FairShareLimits limits_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::size_t> tenants_;       // only non-zero counts
  std::unordered_map<std::string, std::size_t> integrations_;  // only non-zero counts
};

// The limits for a host of `capacity` workers and sessions: each share a
// fraction of it, rounded up, at least 1.
FairShareLimits fair_share_limits(std::size_t capacity, double tenant_share, double integration_share);

}  // namespace kestra::provisioning
