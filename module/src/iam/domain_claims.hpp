// The tenant trust boundary for global users (DESIGN.md 6).
//
// Users are global; which tenant may create, link, rename or rewrite one is
// decided by its domain (the part of userName after the last '@'):
//  - a domain the instance admin lets some tenants provision (a claim) is
//    reserved to them: only they may put users or email addresses in it, and
//    they share its users (one organisation, several tenants);
//  - an unclaimed domain (and a userName without '@') is first come: the
//    user belongs to the tenant that created it (its owner) and is never
//    shared.
// Global attributes (userName, name, emails, ...) are written only by a
// tenant entitled to the user this way; per-tenant state (active,
// externalId, groups, roles) by any tenant with access.
#pragma once

#include "core/result.hpp"
#include "ports/domain_claim_store.hpp"
#include "ports/resource_store.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kestra::iam {

using ports::DomainClaim;

// The domain of a userName or email address: after the last '@', case-folded;
// empty without one.
std::string domain_of(std::string_view address);

// A domain as a claim names it: lower case, at least one dot, labels of
// letters, digits and '-' (no leading or trailing '-'), 253 characters at
// most.  InvalidInput (invalidValue) saying what is wrong.
Result<std::string> normalize_domain(std::string_view text);

using ports::LinkRule;

// The claims on some domains (those a request names): who may use them.
class DomainClaims {
 public:
  explicit DomainClaims(std::vector<DomainClaim> claims = {});

  bool claimed(std::string_view domain) const;
  bool claims(std::string_view tenant, std::string_view domain) const;
  // A tenant may put an address in a domain it claims or that no one claims.
  bool may_use(std::string_view tenant, std::string_view domain) const;
  LinkRule link_rule(std::string_view tenant, std::string_view user_domain) const;
  // Whether `tenant` may write the global attributes of a user of that
  // domain and owner (empty: no owner, a user from before owners existed).
  bool entitled(std::string_view tenant, std::string_view user_domain, std::string_view owner) const;

 private:
  std::vector<DomainClaim> claims_;
};

// InvalidInput (invalidValue) naming the first address whose domain
// `tenant` may not use; `what` names the attribute ("userName", "emails").
struct NamedAddress {
  std::string attribute;
  std::string address;
};
Result<void> check_addresses(const DomainClaims& claims, std::string_view tenant,
                             const std::vector<NamedAddress>& addresses);

}  // namespace kestra::iam
