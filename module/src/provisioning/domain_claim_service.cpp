#include "provisioning/domain_claim_service.hpp"

#include "core/clock.hpp"
#include "iam/domain_claims.hpp"

#include <algorithm>

namespace kestra::provisioning {
namespace {

constexpr std::string_view kConfigSource = "CONFIG";
constexpr std::string_view kAdminSource = "ADMIN";

// The configuration acts as the system.
const Actor kConfiguration{"SYSTEM", "kestra.scim.domain-claims", ""};

ports::AuditEntry claim_audit(const std::string& tenant, const std::string& domain, const Actor& actor,
                              std::string_view action, std::string_view source) {
  return make_audit(tenant, std::nullopt, actor, std::string(action), "DOMAIN", domain,
                    "source=" + std::string(source));
}

}  // namespace

DomainClaimService::DomainClaimService(ports::DomainClaimStore& store, const ports::HostPort& host)
    : store_(store), host_(host) {}

Result<void> DomainClaimService::apply_configuration(const std::vector<ports::DomainClaim>& configured) {
  auto stored = store_.list("");
  if (!stored) return stored.error();
  for (const auto& claim : configured) {
    ports::DomainClaim row = claim;
    row.source = std::string(kConfigSource);
    row.created_at = now_iso8601();
    auto added = store_.add(row, claim_audit(row.tenant_id, row.domain, kConfiguration, kClaimAdded, kConfigSource));
    if (!added) return added.error();
    if (*added) host_.log(ports::LogLevel::Info, "kestra-scim: tenant '" + row.tenant_id + "' claims '" + row.domain + "'");
  }
  for (const auto& claim : *stored) {
    if (claim.source != kConfigSource) continue;
    const bool still = std::any_of(configured.begin(), configured.end(), [&](const ports::DomainClaim& c) {
      return c.tenant_id == claim.tenant_id && c.domain == claim.domain;
    });
    if (still) continue;
    auto removed = store_.remove(claim.tenant_id, claim.domain, std::string(kConfigSource),
                                 claim_audit(claim.tenant_id, claim.domain, kConfiguration, kClaimRemoved, kConfigSource));
    if (!removed) return removed.error();
    host_.log(ports::LogLevel::Info,
              "kestra-scim: tenant '" + claim.tenant_id + "' no longer claims '" + claim.domain + "'");
  }
  return {};
}

Result<std::vector<ports::DomainClaim>> DomainClaimService::list(const std::string& tenant) {
  return store_.list(tenant);
}

Result<ports::DomainClaim> DomainClaimService::add(const std::string& tenant, std::string_view domain,
                                                   const Actor& actor) {
  if (!host_.tenant_exists(tenant)) return Error::not_found("tenant '" + tenant + "' does not exist");
  auto normalized = iam::normalize_domain(domain);
  if (!normalized) return normalized.error();
  ports::DomainClaim claim{tenant, *normalized, std::string(kAdminSource), now_iso8601()};
  auto added = store_.add(claim, claim_audit(tenant, claim.domain, actor, kClaimAdded, kAdminSource));
  if (!added) return added.error();
  if (!*added) return Error::conflict("tenant '" + tenant + "' claims '" + claim.domain + "' already");
  return claim;
}

Result<void> DomainClaimService::remove(const std::string& tenant, std::string_view domain, const Actor& actor) {
  auto normalized = iam::normalize_domain(domain);
  if (!normalized) return normalized.error();
  auto removed = store_.remove(tenant, *normalized, std::string(kAdminSource),
                               claim_audit(tenant, *normalized, actor, kClaimRemoved, kAdminSource));
  if (!removed) return removed.error();
  if (!*removed) return Error::not_found("tenant '" + tenant + "' does not claim '" + *normalized + "'");
  return {};
}

Result<ports::Page<ports::AuditEntry>> DomainClaimService::audit(std::int64_t page, std::int64_t size) {
  return store_.instance_audit({std::string(kClaimAdded), std::string(kClaimRemoved), std::string(kUserLinked)},
                               offset_of(page, size), size);
}

}  // namespace kestra::provisioning
