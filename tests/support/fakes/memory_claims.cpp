// ports::DomainClaimStore in memory: claims by (tenant, domain), CONFIG
// claims removable only as CONFIG, the instance-wide audit.
#include "memory_repositories.hpp"

#include "core/clock.hpp"

#include <algorithm>

namespace kestra::test::fakes {

namespace {

class MemoryDomainClaimStore final : public ports::DomainClaimStore {
 public:
  explicit MemoryDomainClaimStore(MemoryState& state) : s_(state) {}

  Result<std::vector<ports::DomainClaim>> claims_on(const std::vector<std::string>& domains) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("claims.claims_on"); !ok) return ok.error();
    std::vector<ports::DomainClaim> out;
    for (const auto& c : s_.claims) {
      if (std::find(domains.begin(), domains.end(), c.domain) != domains.end()) out.push_back(c);
    }
    return sorted(std::move(out));
  }
  Result<std::vector<ports::DomainClaim>> list(const std::string& tenant) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("claims.list"); !ok) return ok.error();
    std::vector<ports::DomainClaim> out;
    for (const auto& c : s_.claims) {
      if (tenant.empty() || c.tenant_id == tenant) out.push_back(c);
    }
    return sorted(std::move(out));
  }
  Result<bool> add(const ports::DomainClaim& claim, const ports::AuditEntry& audit) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("claims.add"); !ok) return ok.error();
    if (find(claim.tenant_id, claim.domain) != s_.claims.end()) return false;
    ports::DomainClaim stored = claim;
    if (stored.created_at.empty()) stored.created_at = now_iso8601();
    s_.claims.push_back(stored);
    s_.append_audit(audit);
    return true;
  }
  Result<bool> remove(const std::string& tenant, const std::string& domain, const std::string& source,
                      const ports::AuditEntry& audit) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("claims.remove"); !ok) return ok.error();
    const auto found = find(tenant, domain);
    if (found == s_.claims.end()) return false;
    if (found->source == "CONFIG" && source != "CONFIG") {
      return Error::conflict("the claim of '" + domain + "' comes from the configuration", "mutability");
    }
    s_.claims.erase(found);
    s_.append_audit(audit);
    return true;
  }
  Result<ports::Page<ports::AuditEntry>> instance_audit(const std::vector<std::string>& actions, std::int64_t offset,
                                                        std::int64_t limit) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("claims.instance_audit"); !ok) return ok.error();
    std::vector<ports::AuditEntry> matched;
    for (auto it = s_.audit.rbegin(); it != s_.audit.rend(); ++it) {
      if (std::find(actions.begin(), actions.end(), it->action) != actions.end()) matched.push_back(*it);
    }
    return page_of(std::move(matched), offset, limit);
  }

 private:
  std::vector<ports::DomainClaim>::iterator find(const std::string& tenant, const std::string& domain) {
    return std::find_if(s_.claims.begin(), s_.claims.end(),
                        [&](const auto& c) { return c.tenant_id == tenant && c.domain == domain; });
  }
  static std::vector<ports::DomainClaim> sorted(std::vector<ports::DomainClaim> claims) {
    std::sort(claims.begin(), claims.end(), [](const auto& a, const auto& b) {
      return std::tie(a.domain, a.tenant_id) < std::tie(b.domain, b.tenant_id);
    });
    return claims;
  }

  MemoryState& s_;
};

}  // namespace

std::unique_ptr<ports::DomainClaimStore> make_domain_claim_store(MemoryState& state) {
  return std::make_unique<MemoryDomainClaimStore>(state);
}

}  // namespace kestra::test::fakes
