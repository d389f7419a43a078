// Requests in progress per tenant and per integration: one of them may hold
// at most its share of the host's workers and database sessions (each SCIM
// request holds at most one session at a time), so that a busy or hostile
// tenant leaves the rest to the others.  While other tenants are active (a
// request in progress or ended within the contention window), a tenant also
// runs at most its equal share of the host's processors at once (a share of
// the sessions is not a share of the CPU): its other admitted requests wait,
// holding no session, for one of its running requests to end.  Held per
// host process.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace kestra::provisioning {

struct FairShareLimits {
  std::size_t per_tenant = 3;       // requests of one tenant admitted at once
  std::size_t per_integration = 3;  // requests of one integration admitted at once
  // While n tenants are active, one runs at most max(1, cpus / n) requests
  // at once; 0: no share of the processors.
  std::size_t cpus = 0;
  // How long after its last request a tenant still counts as active.
  std::chrono::milliseconds contention_window{1000};
  // How long an admitted request waits to run before it is refused.
  std::chrono::milliseconds run_wait{1000};
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

  using Clock = std::chrono::steady_clock;

  explicit FairShare(FairShareLimits limits) : limits_(limits) {}

  // A running slot, or nullopt when the tenant or the integration holds its
  // share of the sessions, or its share of the processors for longer than
  // run_wait.
  std::optional<Slot> enter(std::string_view tenant, std::string_view integration,
                            Clock::time_point now = Clock::now());

  const FairShareLimits& limits() const { return limits_; }
  // Requests of the tenant admitted, running or waiting (metrics, tests).
  std::size_t in_progress(std::string_view tenant) const;
  // Of those, the running ones.
  std::size_t running(std::string_view tenant) const;
  // How many requests the tenant may run now: per_tenant alone, its share of
  // the processors while others are active.
  std::size_t share_of(std::string_view tenant, Clock::time_point now = Clock::now()) const;

 private:
  struct TenantState {
    std::size_t admitted = 0;  // running or waiting
    std::size_t running = 0;
    Clock::time_point last_active{};
  };
  void leave(const std::string& tenant, const std::string& integration);
  std::size_t share_locked(const std::string& tenant, Clock::time_point now) const;
  bool active(const TenantState& state, Clock::time_point now) const;

  FairShareLimits limits_;
  mutable std::mutex mutex_;
  std::condition_variable ended_;  // a running request ended
  // Tenants with a request in progress or active within the window; the
  // others are forgotten at the next sweep.
  std::unordered_map<std::string, TenantState> tenants_;
  std::unordered_map<std::string, std::size_t> integrations_;  // only non-zero counts
  Clock::time_point last_sweep_{};
};

// The limits for a host of `capacity` workers and sessions: each share a
// fraction of it, rounded up, at least 1.
FairShareLimits fair_share_limits(std::size_t capacity, double tenant_share, double integration_share);

}  // namespace kestra::provisioning
