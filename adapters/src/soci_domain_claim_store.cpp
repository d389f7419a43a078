#include "soci_domain_claim_store.hpp"

#include "errors.hpp"
#include "sql_params.hpp"
#include "store_support.hpp"

#include <soci/into.h>
#include <soci/session.h>
#include <soci/statement.h>
#include <soci/use.h>

#include <algorithm>
#include <tuple>

// A claim as kSelectClaims reads it.
namespace soci {
template <>
struct type_conversion<kestra::ports::DomainClaim> {
  typedef values base_type;
  static void from_base(const values& v, indicator, kestra::ports::DomainClaim& out) {
    kestra::adapters::columns::read(v, out.domain, out.tenant_id, out.source, out.created_at);
  }
};
}  // namespace soci

namespace kestra::adapters {
namespace {

constexpr const char* kSelectClaims = "SELECT domain, tenant_id, source, created_at FROM scim_domain_claims";

// The claims `where` selects (with what `params` binds), by domain then tenant.
std::vector<ports::DomainClaim> read_claims(soci::session& sql, const std::string& where, SqlParams& params) {
  std::vector<ports::DomainClaim> out;
  ports::DomainClaim row;
  support::for_each_row(
      sql, std::string(kSelectClaims) + where,
      [&](soci::statement& st) {
        st.exchange(soci::into(row));
        params.bind(st);
      },
      [&] { out.push_back(row); });
  // Ordered here: a few rows, and no collation differences between engines.
  std::sort(out.begin(), out.end(), [](const ports::DomainClaim& a, const ports::DomainClaim& b) {
    return std::tie(a.domain, a.tenant_id) < std::tie(b.domain, b.tenant_id);
  });
  return out;
}

}  // namespace

SociDomainClaimStore::SociDomainClaimStore(const Dialect& dialect, SessionPool& sessions)
    : dialect_(dialect), sessions_(sessions) {}

Result<std::vector<ports::DomainClaim>> SociDomainClaimStore::claims_on(const std::vector<std::string>& domains) {
  std::vector<std::string> wanted;
  for (const auto& d : domains) {
    if (!d.empty() && std::find(wanted.begin(), wanted.end(), d) == wanted.end()) wanted.push_back(d);
  }
  if (wanted.empty()) return std::vector<ports::DomainClaim>{};
  auto session = sessions_.borrow();
  if (!session) return session.error();
  return guarded(dialect_, "cannot read the domain claims", [&] {
    SqlParams params;
    std::string where = " WHERE domain IN (";
    for (std::size_t i = 0; i < wanted.size(); ++i) where += (i ? ", " : "") + params.text(wanted[i]);
    return read_claims(**session, where + ")", params);
  });
}

Result<std::vector<ports::DomainClaim>> SociDomainClaimStore::list(const std::string& tenant) {
  auto session = sessions_.borrow();
  if (!session) return session.error();
  return guarded(dialect_, "cannot list the domain claims", [&] {
    SqlParams params;
    return read_claims(**session, tenant.empty() ? std::string() : " WHERE tenant_id = " + params.text(tenant),
                       params);
  });
}

Result<bool> SociDomainClaimStore::add(const ports::DomainClaim& claim, const ports::AuditEntry& audit) {
  if (claim.tenant_id.empty() || claim.domain.empty()) return Error::invalid("a claim needs a tenant and a domain");
  auto session = sessions_.borrow();
  if (!session) return session.error();
  return guarded(dialect_, "cannot add the claim of '" + claim.domain + "'", [&] {
    soci::session& sql = **session;
    WriteTransaction transaction(sql, dialect_);
    const bool added = support::unless_duplicate(dialect_, [&] {
      sql << "INSERT INTO scim_domain_claims (domain, tenant_id, source, created_at) "
             "VALUES (:domain, :tenant, :source, :created_at)",
          soci::use(claim.domain, "domain"), soci::use(claim.tenant_id, "tenant"), soci::use(claim.source, "source"),
          soci::use(claim.created_at, "created_at");
    });
    if (!added) return false;
    support::insert_audit(sql, support::audit_for(audit, claim.domain), claim.tenant_id);
    transaction.commit();
    return true;
  });
}

Result<bool> SociDomainClaimStore::remove(const std::string& tenant, const std::string& domain,
                                          const std::string& source, const ports::AuditEntry& audit) {
  auto session = sessions_.borrow();
  if (!session) return session.error();
  return guarded(dialect_, "cannot remove the claim of '" + domain + "'", [&]() -> Result<bool> {
    soci::session& sql = **session;
    WriteTransaction transaction(sql, dialect_);
    std::string stored_source;
    sql << "SELECT source FROM scim_domain_claims WHERE domain = :domain AND tenant_id = :tenant",
        soci::into(stored_source), soci::use(domain, "domain"), soci::use(tenant, "tenant");
    if (!sql.got_data()) return false;
    if (stored_source == "CONFIG" && source != "CONFIG") {
      return Error::conflict("tenant '" + tenant + "' claims '" + domain +
                                 "' in the configuration (kestra.scim.domain-claims): remove it there",
                             "mutability");
    }
    sql << "DELETE FROM scim_domain_claims WHERE domain = :domain AND tenant_id = :tenant",
        soci::use(domain, "domain"), soci::use(tenant, "tenant");
    support::insert_audit(sql, support::audit_for(audit, domain), tenant);
    transaction.commit();
    return true;
  });
}

Result<ports::Page<ports::AuditEntry>> SociDomainClaimStore::instance_audit(const std::vector<std::string>& actions,
                                                                          std::int64_t offset, std::int64_t limit) {
  if (offset < 0 || limit < 0) return Error::invalid("offset and limit must not be negative");
  if (actions.empty()) return ports::Page<ports::AuditEntry>{};
  auto session = sessions_.borrow();
  if (!session) return session.error();
  return guarded(dialect_, "cannot list the instance audit", [&] {
    soci::session& sql = **session;
    SqlParams params;
    std::string where = " WHERE action IN (";
    for (std::size_t i = 0; i < actions.size(); ++i) where += (i ? ", " : "") + params.text(actions[i]);
    where += ")";
    ports::Page<ports::AuditEntry> page;
    long long total = 0;
    support::for_each_row(
        sql, "SELECT COUNT(*) FROM scim_audit" + where,
        [&](soci::statement& st) {
          st.exchange(soci::into(total));
          params.bind(st);
        },
        [] {});
    page.total = total;
    const long long first = offset;
    const long long size = limit;
    ports::AuditEntry row;
    support::for_each_row(
        sql, std::string("SELECT ") + support::kAuditColumns + " FROM scim_audit" + where +
                 " ORDER BY id DESC LIMIT :size OFFSET :first",
        [&](soci::statement& st) {
          st.exchange(soci::into(row));
          params.bind(st);
          st.exchange(soci::use(size, "size"));
          st.exchange(soci::use(first, "first"));
        },
        [&] { page.items.push_back(row); });
    return page;
  });
}

}  // namespace kestra::adapters
