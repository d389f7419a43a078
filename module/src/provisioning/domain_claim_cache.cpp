#include "provisioning/domain_claim_cache.hpp"

#include <unordered_set>

#include <algorithm>

namespace kestra::provisioning {

DomainClaimCache::DomainClaimCache(ports::DomainClaimStore& store, std::chrono::milliseconds ttl)
    : store_(store), ttl_(ttl) {}

Result<DomainClaimCache::Snapshot> DomainClaimCache::snapshot() {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    if (claims_ && now - read_at_ < ttl_) return claims_;
  }
  // Read outside the lock: a slow store delays no reader of a fresh copy.
  auto all = store_.list("");
  if (!all) return all.error();
  auto fresh = std::make_shared<const std::vector<ports::DomainClaim>>(std::move(*all));
  std::lock_guard lock(mutex_);
  claims_ = fresh;
  read_at_ = now;
  return fresh;
}

void DomainClaimCache::invalidate() {
  std::lock_guard lock(mutex_);
  claims_.reset();
}

Result<std::vector<ports::DomainClaim>> DomainClaimCache::claims_on(const std::vector<std::string>& domains) {
  auto all = snapshot();
  if (!all) return all.error();
  const std::unordered_set<std::string> wanted(domains.begin(), domains.end());
  std::vector<ports::DomainClaim> out;
  for (const auto& claim : **all) {
    if (wanted.contains(claim.domain)) out.push_back(claim);
  }
  return out;
}

Result<std::vector<ports::DomainClaim>> DomainClaimCache::list(const std::string& tenant) {
  return store_.list(tenant);
}

Result<bool> DomainClaimCache::add(const ports::DomainClaim& claim, const ports::AuditEntry& audit) {
  auto added = store_.add(claim, audit);
  invalidate();
  return added;
}

Result<bool> DomainClaimCache::remove(const std::string& tenant, const std::string& domain,
                                      const std::string& source, const ports::AuditEntry& audit) {
  auto removed = store_.remove(tenant, domain, source, audit);
  invalidate();
  return removed;
}

Result<ports::Page<ports::AuditEntry>> DomainClaimCache::instance_audit(const std::vector<std::string>& actions,
                                                                      std::int64_t offset, std::int64_t limit) {
  return store_.instance_audit(actions, offset, limit);
}

}  // namespace kestra::provisioning
