// ports::DomainClaimStore over SociStore's pool of sessions
// (scim_domain_claims; the instance audit reads scim_audit).
#pragma once

#include "core/result.hpp"
#include "dialect.hpp"
#include "pooled_session.hpp"
#include "ports/domain_claim_store.hpp"

#include <string>
#include <vector>

namespace kestra::adapters {

class SociDomainClaimStore final : public ports::DomainClaimStore {
 public:
  // `dialect` and `sessions` belong to the SociStore and outlive this object.
  SociDomainClaimStore(const Dialect& dialect, SessionPool& sessions);

  Result<std::vector<ports::DomainClaim>> claims_on(const std::vector<std::string>& domains) override;
  Result<std::vector<ports::DomainClaim>> list(const std::string& tenant) override;
  Result<bool> add(const ports::DomainClaim& claim, const ports::AuditEntry& audit) override;
  Result<bool> remove(const std::string& tenant, const std::string& domain, const std::string& source,
                      const ports::AuditEntry& audit) override;
  Result<ports::Page<ports::AuditEntry>> instance_audit(const std::vector<std::string>& actions, std::int64_t offset,
                                                        std::int64_t limit) override;

 private:
  const Dialect& dialect_;
  SessionPool& sessions_;
};

}  // namespace kestra::adapters
