// The instance admin's domain claims (iam/domain_claims): which tenants may
// provision which domains, from the configuration and the admin API, each
// change audited in the claiming tenant; and the instance-wide audit of
// claims and cross-tenant links.
#pragma once

#include "ports/host.hpp"
#include "core/result.hpp"
#include "ports/domain_claim_store.hpp"
#include "provisioning/admin_service.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kestra::provisioning {

// The audit actions the instance admin's trail lists.
inline constexpr std::string_view kClaimAdded = "domain-claim.add";
inline constexpr std::string_view kClaimRemoved = "domain-claim.remove";
inline constexpr std::string_view kUserLinked = "user.link";

class DomainClaimService {
 public:
  // `store` and `host` outlive the service.
  DomainClaimService(ports::DomainClaimStore& store, const ports::HostPort& host);

  // Makes the claims of source CONFIG exactly `configured`: adds the
  // missing ones, removes those no longer listed (an admin's stay).
  Result<void> apply_configuration(const std::vector<ports::DomainClaim>& configured);

  // Every claim (tenant empty) or one tenant's, by domain then tenant.
  Result<std::vector<ports::DomainClaim>> list(const std::string& tenant);
  // NotFound for a tenant the host does not know; InvalidInput for a
  // malformed domain; Conflict when the tenant claims it already.
  Result<ports::DomainClaim> add(const std::string& tenant, std::string_view domain, const Actor& actor);
  // NotFound when there is no such claim; Conflict for a configured one.
  Result<void> remove(const std::string& tenant, std::string_view domain, const Actor& actor);
  // Claim changes and cross-tenant links in every tenant, newest first
  // (`page` from 1).
  Result<ports::Page<ports::AuditEntry>> audit(std::int64_t page, std::int64_t size);

 private:
  ports::DomainClaimStore& store_;
  const ports::HostPort& host_;
};

}  // namespace kestra::provisioning
