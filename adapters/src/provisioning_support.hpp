// What the files of SociProvisioningStore share: checks, errors, and the
// audited write every change runs in.
#pragma once

#include "errors.hpp"
#include "soci_provisioning_store.hpp"

#include <string>
#include <string_view>

namespace kestra::adapters::provisioning {

inline constexpr const char* kServiceAccount = "SERVICE_ACCOUNT";

// Empty means `tenant`; any other tenant is a caller's mistake.
inline Result<void> check_tenant(const std::string& tenant, const std::string& other, std::string_view what) {
  if (tenant.empty()) return Error::invalid("tenant id is empty");
  if (other.empty() || other == tenant) return {};
  return Error::invalid("the " + std::string(what) + " belongs to tenant '" + other + "', not '" + tenant + "'");
}

inline Result<void> check_paging(std::int64_t offset, std::int64_t limit) {
  if (offset < 0 || limit < 0) {
    return Error::invalid("offset and limit must not be negative, not " + std::to_string(offset) + " and " +
                          std::to_string(limit));
  }
  return {};
}

inline Error integration_not_found(const std::string& id) {
  return Error::not_found("integration '" + id + "' does not exist in this tenant");
}

}  // namespace kestra::adapters::provisioning

namespace kestra::adapters {

template <class Body>
auto SociProvisioningStore::audited_write(const std::string& tenant, const ports::AuditEntry& audit,
                                          const std::string& failure, Body&& body)
    -> std::invoke_result_t<Body&, Session> {
  auto same = provisioning::check_tenant(tenant, audit.tenant_id, "audit entry");
  if (!same) return same.error();
  return in_write_transaction(sessions_, dialect_, failure, body);
}

template <class Body>
auto SociProvisioningStore::read(const std::string& failure, Body&& body) {
  return on_session(sessions_, dialect_, failure, body);
}

}  // namespace kestra::adapters
