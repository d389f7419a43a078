#include "resource_links.hpp"

namespace kestra::adapters {

LinkStatements::LinkStatements()
    : remove_external_id{"DELETE FROM scim_external_ids WHERE integration_id = :integration AND resource_type = :type "
                         "AND resource_id = :id",
                         Reuse::Once},
      insert_external_id{"INSERT INTO scim_external_ids (integration_id, resource_type, resource_id, external_id) "
                         "VALUES (:integration, :type, :id, :external_id)",
                         Reuse::Cached},
      leave_counts{"UPDATE scim_groups SET member_count = member_count - 1, version = version + 1, updated_at = :now "
                   "WHERE tenant_id = :tenant AND id IN (SELECT m.group_id FROM scim_group_members m "
                   "WHERE m.tenant_id = :tenant2 AND m.member_id = :id AND m.member_type = :member_type)",
                   Reuse::Once},
      leave{"DELETE FROM scim_group_members WHERE tenant_id = :tenant AND member_id = :id "
            "AND member_type = :member_type",
            Reuse::Once} {}

void write_external_id(Session db, const LinkStatements& s, const std::string& integration_id,
                       const std::string& type, const std::string& id, const std::optional<std::string>& external_id,
                       bool fresh) {
  if (integration_id.empty()) return;
  if (!fresh) {
    execute(db, s.remove_external_id, param("integration", integration_id), param("type", type), param("id", id));
  }
  if (!external_id) return;
  execute(db, s.insert_external_id, param("integration", integration_id), param("type", type), param("id", id),
          param("external_id", *external_id));
}

void leave_all_groups(Session db, const LinkStatements& s, const std::string& tenant, const std::string& member_type,
                      const std::string& id, const std::string& now) {
  execute(db, s.leave_counts, param("now", now), param("tenant", tenant), param("tenant2", tenant), param("id", id),
          param("member_type", member_type));
  execute(db, s.leave, param("tenant", tenant), param("id", id), param("member_type", member_type));
}

}  // namespace kestra::adapters
