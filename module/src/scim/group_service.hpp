// SCIM Groups of one tenant; membership is read and changed row by row, so
// a group's size never decides the cost of a change.
#pragma once

#include "core/result.hpp"
#include "ports/resource_store.hpp"
#include "provisioning/admin_service.hpp"
#include "scim/list_request.hpp"
#include "scim/resource_service.hpp"
#include "scim/role_service.hpp"
#include "scim/schema/projection.hpp"
#include "scim/schema/registry.hpp"

#include <boost/json/object.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kestra::scim {

class GroupService;

// Renders a group as SCIM JSON text.  When `members` is set, members
// are streamed from it into the text (never held as JSON values); a group
// with no members has no "members" key.  `base` is the SCIM base URL.
// Its roles (Kestra extension) only `with_roles` (BINDINGS READ).
Result<std::string> render_group(const ports::GroupRow& group, std::string_view base,
                                 const schema::Projection& projection, GroupService* members,
                                 const ports::Scope& scope, bool with_roles = true);
// The same text, handed to `sink` piece by piece as the members are read
// (never held whole); `sink` returning false (the client went away) stops
// the reading.
Result<void> render_group_to(const ports::GroupRow& group, std::string_view base,
                             const schema::Projection& projection, GroupService* members,
                             const ports::Scope& scope, bool with_roles,
                             const std::function<bool(std::string_view)>& sink);

class GroupService : public ResourceService {
 public:
  // `filter_limits` bound list filters and PATCH paths; a list page ends
  // early once its stored documents hold `list_max_bytes` (0: never).
  GroupService(ports::GroupStore& store, const schema::Registry& registry, RoleService& roles,
               filter::Limits filter_limits = {}, std::size_t list_max_bytes = 0);

  Result<ports::GroupRow> create(const ports::Scope& scope, const boost::json::object& body,
                                 const provisioning::Actor& actor);
  Result<ports::GroupRow> get(const ports::Scope& scope, const std::string& id);
  Result<ports::GroupRow> replace(const ports::Scope& scope, const std::string& id, const boost::json::object& body,
                                  const std::optional<std::string_view>& if_match, const provisioning::Actor& actor);
  // RFC 7644 3.5.2; member operations become a row-by-row MemberDelta.
  Result<ports::GroupRow> patch(const ports::Scope& scope, const std::string& id, const boost::json::object& body,
                                const std::optional<std::string_view>& if_match, const provisioning::Actor& actor);
  Result<void> remove(const ports::Scope& scope, const std::string& id,
                      const std::optional<std::string_view>& if_match, const provisioning::Actor& actor);
  Result<ports::ListPage<ports::GroupRow>> list(const ports::Scope& scope, const ListRequest& request);

  // Streams the group's members in a stable order, `page` rows per query,
  // until `sink` returns false.
  Result<void> for_each_member(const ports::Scope& scope, const std::string& group_id, std::int64_t page,
                               const std::function<bool(const ports::MemberRef&)>& sink) {
    return store_.for_each_member(scope, group_id, page, sink);
  }

 private:
  struct Write {
    ports::GroupWrite group;
    std::vector<ports::MemberRef> members;
  };
  // `current`: the group's SCIM-managed roles before the write.
  Result<Write> to_write(const ports::Scope& scope, boost::json::object document,
                         const std::vector<ports::RoleAssignment>& current, const provisioning::Actor& actor);
  boost::json::object document_of(const ports::GroupRow& row) const;

  ports::GroupStore& store_;
};

}  // namespace kestra::scim
