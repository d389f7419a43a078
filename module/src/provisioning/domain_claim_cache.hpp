// ports::DomainClaimStore with its claims kept in memory for a moment: every
// user write asks which tenants claim its domains, and claims change rarely.
// Writes go through to the store and drop the copy at once; a change made
// through another host (same database) is seen within `ttl`.
#pragma once

#include "ports/domain_claim_store.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kestra::provisioning {

class DomainClaimCache final : public ports::DomainClaimStore {
 public:
  static constexpr std::chrono::milliseconds kDefaultTtl{1000};

  // `store` outlives the cache.
  explicit DomainClaimCache(ports::DomainClaimStore& store, std::chrono::milliseconds ttl = kDefaultTtl);

  Result<std::vector<ports::DomainClaim>> claims_on(const std::vector<std::string>& domains) override;
  Result<std::vector<ports::DomainClaim>> list(const std::string& tenant) override;
  Result<bool> add(const ports::DomainClaim& claim, const ports::AuditEntry& audit) override;
  Result<bool> remove(const std::string& tenant, const std::string& domain, const std::string& source,
                      const ports::AuditEntry& audit) override;
  Result<ports::Page<ports::AuditEntry>> instance_audit(const std::vector<std::string>& actions, std::int64_t offset,
                                                        std::int64_t limit) override;

 private:
  using Snapshot = std::shared_ptr<const std::vector<ports::DomainClaim>>;
  // Every claim, read again from the store when the copy is older than ttl_.
  Result<Snapshot> snapshot();
  void invalidate();

  ports::DomainClaimStore& store_;
  const std::chrono::milliseconds ttl_;
  std::mutex mutex_;
  Snapshot claims_;
  std::chrono::steady_clock::time_point read_at_;
};

}  // namespace kestra::provisioning
