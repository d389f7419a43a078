// SCIM Users in one tenant: global users, per-tenant access and `active`,
// per-integration externalId.  Plain domain logic over ports::UserStore.
// The tenant trust boundary (iam/domain_claims) is kept here: which domains
// a tenant may use, which existing user it may link, whose global
// attributes it may write.
#pragma once

#include "core/result.hpp"
#include "iam/domain_claims.hpp"
#include "ports/domain_claim_store.hpp"
#include "ports/resource_store.hpp"
#include "provisioning/admin_service.hpp"
#include "scim/list_request.hpp"
#include "scim/resource_service.hpp"
#include "scim/role_service.hpp"
#include "scim/schema/registry.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <vector>

namespace kestra::scim {

struct UserView {
  ports::UserRow row;
  std::optional<std::vector<ports::MemberRef>> groups;  // nullopt: not loaded (not asked for)
};

// Renders a user as its SCIM JSON (meta.location = `location`); its roles
// only `with_roles` (they are bindings: BINDINGS READ).
boost::json::object render_user(const UserView& user, std::string_view location, bool with_roles = true);

class UserService : public ResourceService {
 public:
  // `filter_limits` bound list filters and PATCH paths; a list page ends
  // early once its stored documents hold `list_max_bytes` (0: never).
  UserService(ports::UserStore& store, ports::DomainClaimStore& claims, const schema::Registry& registry,
              RoleService& roles, filter::Limits filter_limits = {}, std::size_t list_max_bytes = 0);

  Result<UserView> create(const ports::Scope& scope, const boost::json::object& body,
                          const provisioning::Actor& actor);
  Result<UserView> get(const ports::Scope& scope, const std::string& id, bool with_groups = false);
  // `if_match`: the If-Match header, when sent.
  Result<UserView> replace(const ports::Scope& scope, const std::string& id, const boost::json::object& body,
                           const std::optional<std::string_view>& if_match, const provisioning::Actor& actor);
  // RFC 7644 3.5.2.  Without If-Match, a concurrent change is retried.
  Result<UserView> patch(const ports::Scope& scope, const std::string& id, const boost::json::object& body,
                         const std::optional<std::string_view>& if_match, const provisioning::Actor& actor);
  Result<void> remove(const ports::Scope& scope, const std::string& id,
                      const std::optional<std::string_view>& if_match, const provisioning::Actor& actor);
  Result<ports::ListPage<UserView>> list(const ports::Scope& scope, const ListRequest& request, bool with_groups = false);


 private:
  // The stored user as the document a PUT or PATCH starts from.
  boost::json::object document_of(const ports::UserRow& row) const;
  // `current`: the SCIM-managed roles the user has here before the write.
  Result<ports::UserWrite> to_write(const ports::Scope& scope, boost::json::object document,
                                    const std::vector<ports::RoleAssignment>& current,
                                    const provisioning::Actor& actor);
  Result<UserView> with_groups(const ports::Scope& scope, ports::UserRow row, bool load);
  // The claims on the domains of `addresses` (and of `also`, when set).
  Result<iam::DomainClaims> claims_on(const std::vector<iam::NamedAddress>& addresses, std::string_view also = {});
  // What a PUT or PATCH may write of `current`: per-tenant state always;
  // the global attributes only when the tenant is entitled to the user, and
  // only in domains it may use.  Keeps the stored text of unchanged global
  // attributes (no new version when nothing a tenant reads changed).
  Result<void> check_global_write(const ports::Scope& scope, const ports::UserRow& current,
                                  const std::vector<iam::NamedAddress>& addresses, ports::UserWrite& write);

  ports::UserStore& store_;
  ports::DomainClaimStore& claims_;
};

}  // namespace kestra::scim
