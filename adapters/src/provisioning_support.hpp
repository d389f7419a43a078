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
  using Out = std::invoke_result_t<Body&, Session>;
  auto same = provisioning::check_tenant(tenant, audit.tenant_id, "audit entry");
  if (!same) return same.error();
  auto session = sessions_.borrow();
  if (!session) return session.error();
  return guarded(dialect_, failure, [&]() -> Out {
    const Session db(*session);
    WriteTransaction transaction(db.sql, dialect_);
    Out out = body(db);
    if (out) transaction.commit();
    return out;
  });
}

template <class Body>
auto SociProvisioningStore::read(const std::string& failure, Body&& body) {
  using Out = typename detail::AsResult<std::invoke_result_t<Body&, Session>>::type;
  auto session = sessions_.borrow();
  if (!session) return Out(session.error());
  return guarded(dialect_, failure, [&] { return body(Session(*session)); });
}

}  // namespace kestra::adapters
