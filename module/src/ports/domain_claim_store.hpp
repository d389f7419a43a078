// Storage port of the domain claims (iam/domain_claims): which tenants the
// instance admin lets provision which domains, and the instance-wide audit
// of claims and cross-tenant links.  Each write is one transaction.
#pragma once

#include "core/result.hpp"
#include "ports/provisioning_store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kestra::ports {

// One tenant's permission to provision one domain.
struct DomainClaim {
  std::string tenant_id;
  std::string domain;      // lower case (iam::normalize_domain)
  std::string source;      // CONFIG (kestra.scim.domain-claims) | ADMIN (the instance admin's API)
  std::string created_at;
};

class DomainClaimStore {
 public:
  virtual ~DomainClaimStore() = default;

  // The claims on these domains (lower case; empty ones ignored).
  virtual Result<std::vector<DomainClaim>> claims_on(const std::vector<std::string>& domains) = 0;
  // Every claim, or one tenant's (tenant non-empty), by domain then tenant.
  virtual Result<std::vector<DomainClaim>> list(const std::string& tenant) = 0;
  // False when the tenant claims the domain already (whatever the source).
  virtual Result<bool> add(const DomainClaim& claim, const AuditEntry& audit) = 0;
  // False when there is no such claim; Conflict when it comes from the
  // configuration (`source` CONFIG) and `source` is not CONFIG.
  virtual Result<bool> remove(const std::string& tenant, const std::string& domain, const std::string& source,
                              const AuditEntry& audit) = 0;
  // The audit entries of these actions in every tenant, newest first.
  virtual Result<Page<AuditEntry>> instance_audit(const std::vector<std::string>& actions, std::int64_t offset,
                                                  std::int64_t limit) = 0;
};

}  // namespace kestra::ports
