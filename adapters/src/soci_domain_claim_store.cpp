#include "soci_domain_claim_store.hpp"

#include "catalogue.hpp"
#include "sql_params.hpp"
#include "store_support.hpp"

#include <algorithm>
#include <tuple>

// A claim as the catalogue's SELECTs read it.
KESTRA_ROW(kestra::ports::DomainClaim, domain, tenant_id, source, created_at)

namespace kestra::adapters {
namespace {

Statement once(std::string text) { return {std::move(text), Reuse::Once}; }

const std::string kSelectClaims = "SELECT domain, tenant_id, source, created_at FROM scim_domain_claims";

// Every SQL text of the domain claims and the instance audit, named once;
// the ones a call builds (an IN list) are made by the functions below.
struct Statements {
  Statement all = once(kSelectClaims);
  Statement of_tenant = once(kSelectClaims + " WHERE tenant_id = :tenant");
  Statement insert = once(
      "INSERT INTO scim_domain_claims (domain, tenant_id, source, created_at) "
      "VALUES (:domain, :tenant, :source, :created_at)");
  Statement source_of = once("SELECT source FROM scim_domain_claims WHERE domain = :domain AND tenant_id = :tenant");
  Statement remove = once("DELETE FROM scim_domain_claims WHERE domain = :domain AND tenant_id = :tenant");

  // " IN (…)" of `values`, each bound.
  static std::string in_list(SqlParams& params, const std::vector<std::string>& values) {
    std::string text = " IN (";
    for (std::size_t i = 0; i < values.size(); ++i) text += (i ? ", " : "") + params.text(values[i]);
    return text + ")";
  }
  static Statement claims_on(SqlParams& params, const std::vector<std::string>& domains) {
    return once(kSelectClaims + " WHERE domain" + in_list(params, domains));
  }
  static Statement count_audit(SqlParams& params, const std::vector<std::string>& actions) {
    return once("SELECT COUNT(*) FROM scim_audit WHERE action" + in_list(params, actions));
  }
  static Statement audit_page(SqlParams& params, const std::vector<std::string>& actions) {
    return once(std::string("SELECT ") + support::kAuditColumns + " FROM scim_audit WHERE action" +
                in_list(params, actions) + " ORDER BY id DESC LIMIT :size OFFSET :first");
  }
};

const Statements& statements() {
  static const Statements catalogue;
  return catalogue;
}

// Ordered here: a few rows, and no collation differences between engines.
std::vector<ports::DomainClaim> sorted(std::vector<ports::DomainClaim> claims) {
  std::sort(claims.begin(), claims.end(), [](const ports::DomainClaim& a, const ports::DomainClaim& b) {
    return std::tie(a.domain, a.tenant_id) < std::tie(b.domain, b.tenant_id);
  });
  return claims;
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
  return on_session(sessions_, dialect_, "cannot read the domain claims", [&](Session db) {
    SqlParams params;
    const Statement query = Statements::claims_on(params, wanted);
    return sorted(rows<ports::DomainClaim>(db, query, generated(params)));
  });
}

Result<std::vector<ports::DomainClaim>> SociDomainClaimStore::list(const std::string& tenant) {
  return on_session(sessions_, dialect_, "cannot list the domain claims", [&](Session db) {
    if (tenant.empty()) return sorted(rows<ports::DomainClaim>(db, statements().all));
    return sorted(rows<ports::DomainClaim>(db, statements().of_tenant, param("tenant", tenant)));
  });
}

Result<bool> SociDomainClaimStore::add(const ports::DomainClaim& claim, const ports::AuditEntry& audit) {
  if (claim.tenant_id.empty() || claim.domain.empty()) return Error::invalid("a claim needs a tenant and a domain");
  return in_write_transaction(sessions_, dialect_, "cannot add the claim of '" + claim.domain + "'",
                              [&](Session db) -> Result<bool> {
    const bool added = support::unless_duplicate(dialect_, [&] {
      execute(db, statements().insert, param("domain", claim.domain), param("tenant", claim.tenant_id),
              param("source", claim.source), param("created_at", claim.created_at));
    });
    if (!added) return false;
    support::insert_audit(db.sql, support::audit_for(audit, claim.domain), claim.tenant_id);
    return true;
  });
}

Result<bool> SociDomainClaimStore::remove(const std::string& tenant, const std::string& domain,
                                          const std::string& source, const ports::AuditEntry& audit) {
  return in_write_transaction(sessions_, dialect_, "cannot remove the claim of '" + domain + "'",
                              [&](Session db) -> Result<bool> {
    const auto stored_source =
        first_row<std::string>(db, statements().source_of, param("domain", domain), param("tenant", tenant));
    if (!stored_source) return false;
    if (*stored_source == "CONFIG" && source != "CONFIG") {
      return Error::conflict("tenant '" + tenant + "' claims '" + domain +
                                 "' in the configuration (kestra.scim.domain-claims): remove it there",
                             "mutability");
    }
    execute(db, statements().remove, param("domain", domain), param("tenant", tenant));
    support::insert_audit(db.sql, support::audit_for(audit, domain), tenant);
    return true;
  });
}

Result<ports::Page<ports::AuditEntry>> SociDomainClaimStore::instance_audit(const std::vector<std::string>& actions,
                                                                          std::int64_t offset, std::int64_t limit) {
  if (offset < 0 || limit < 0) return Error::invalid("offset and limit must not be negative");
  if (actions.empty()) return ports::Page<ports::AuditEntry>{};
  return on_session(sessions_, dialect_, "cannot list the instance audit", [&](Session db) {
    SqlParams params;
    ports::Page<ports::AuditEntry> page;
    page.total = count(db, Statements::count_audit(params, actions), generated(params));
    SqlParams page_params;
    const long long first = offset;
    const long long size = limit;
    page.items = rows<ports::AuditEntry>(db, Statements::audit_page(page_params, actions), generated(page_params),
                                         param("size", size), param("first", first));
    return page;
  });
}

}  // namespace kestra::adapters
