// ports::GroupStore in memory: groups of one tenant, displayName unique per
// tenant (case-folded key), membership applied as a delta.
#include "memory_repositories.hpp"

#include "core/clock.hpp"
#include "core/text.hpp"
#include "scim/filter/evaluator.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <unordered_set>
#include <variant>

namespace kestra::test::fakes {
namespace json = boost::json;
namespace f = scim::filter;

namespace {

constexpr std::string_view kGroupSingular[] = {"id", "displayname", "externalid"};
constexpr std::string_view kGroupMulti[] = {"members"};
constexpr std::string_view kMemberAttributes[] = {"value", "type", "display"};

Error group_not_found(const std::string& id) {
  return Error::not_found("group '" + id + "' does not exist in this tenant");
}

Error display_name_taken(const ports::GroupWrite& group) {
  return Error::conflict("a group with displayName '" + group.display_name + "' already exists in this tenant");
}

// A member filter may name value, type and display only.
Result<void> check_member_filter(const f::Node& node) {
  const auto check_path = [](const f::AttrPath& path) -> Result<void> {
    const std::string name = ascii_lower(path.attribute);
    if (path.urn.empty() && path.sub_attribute.empty() &&
        std::find(std::begin(kMemberAttributes), std::end(kMemberAttributes), name) != std::end(kMemberAttributes)) {
      return {};
    }
    return invalid_filter("a member filter may name value, type and display, not '" + path.attribute + "'");
  };
  if (const auto* n = std::get_if<f::Compare>(&node.value)) return check_path(n->path);
  if (const auto* n = std::get_if<f::Present>(&node.value)) return check_path(n->path);
  if (const auto* n = std::get_if<f::Not>(&node.value)) return check_member_filter(*n->inner);
  const auto pair = [](const f::NodePtr& left, const f::NodePtr& right) -> Result<void> {
    if (auto ok = check_member_filter(*left); !ok) return ok;
    return check_member_filter(*right);
  };
  if (const auto* n = std::get_if<f::And>(&node.value)) return pair(n->left, n->right);
  if (const auto* n = std::get_if<f::Or>(&node.value)) return pair(n->left, n->right);
  return invalid_filter("a member filter cannot hold a value path");
}

class MemoryGroupStore final : public ports::GroupStore {
 public:
  explicit MemoryGroupStore(MemoryState& state) : s_(state) {}

  Result<ports::GroupRow> create(const ports::Scope& scope, const ports::GroupWrite& group,
                                 const std::vector<ports::MemberRef>& members, const std::string& new_id,
                                 const std::string& now, const ports::AuditEntry& audit) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("groups.create"); !ok) return ok.error();
    if (scope.tenant_id.empty()) return Error::invalid("no tenant");
    if (new_id.empty()) return Error::invalid("the new group's id is empty");
    if (group.display_name.empty() || group.display_name_key.empty()) {
      return Error::invalid("displayName is empty", "invalidValue");
    }
    if (!name_free(scope.tenant_id, group, "")) return display_name_taken(group);
    auto resolved = resolve(scope.tenant_id, new_id, members);
    if (!resolved) return resolved.error();
    if (group.roles) {
      if (auto ok = s_.check_roles(scope.tenant_id, *group.roles); !ok) return ok.error();
    }
    GroupRecord record;
    record.id = new_id;
    record.tenant_id = scope.tenant_id;
    record.display_name = group.display_name;
    record.display_name_key = group.display_name_key;
    record.resource_json = group.resource_json;
    record.created_at = record.updated_at = now;
    record.seq = s_.seq();
    record.integration_id = scope.integration_id;
    record.members = std::move(*resolved);
    s_.groups.emplace(new_id, std::move(record));
    s_.set_external_id(scope.integration_id, "Group", new_id, group.external_id);
    std::vector<ports::BindingChange> changes;
    if (group.roles) changes = s_.sync_scim_roles(scope, kGroup, new_id, *group.roles, now).changes;
    s_.append_audit(audit, new_id);
    auto row = read(scope, s_.groups.at(new_id));
    row.binding_changes = std::move(changes);
    return row;
  }

  Result<std::optional<ports::GroupRow>> find(const ports::Scope& scope, const std::string& id) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("groups.find"); !ok) return ok.error();
    const auto* group = of_tenant(scope.tenant_id, id);
    if (!group) return std::optional<ports::GroupRow>();
    return std::optional<ports::GroupRow>(read(scope, *group));
  }

  Result<void> for_each_member(const ports::Scope& scope, const std::string& group_id, std::int64_t page,
                               const std::function<bool(const ports::MemberRef&)>& sink) override {
    std::vector<ports::MemberRef> members;
    {
      std::lock_guard lock(s_.mutex);
      if (auto ok = s_.enter("groups.for_each_member"); !ok) return ok.error();
      if (page <= 0) return Error::invalid("the page size of a member listing must be positive");
      const auto* group = of_tenant(scope.tenant_id, group_id);
      if (!group) return group_not_found(group_id);
      for (const auto& m : group->members) members.push_back({m.id, m.type, s_.display_of(m)});
    }
    // A stable order: by member id, as the adapters page them.
    std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.value < b.value; });
    for (const auto& m : members) {
      if (!sink(m)) break;
    }
    return {};
  }

  Result<ports::GroupRow> update(const ports::Scope& scope, const std::string& id,
                                 const std::optional<ports::GroupWrite>& group, const ports::MemberDelta& delta,
                                 const std::optional<ports::ExpectedVersion>& expected, const std::string& now,
                                 const ports::AuditEntry& audit) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("groups.update"); !ok) return ok.error();
    if (group && (group->display_name.empty() || group->display_name_key.empty())) {
      return Error::invalid("displayName is empty", "invalidValue");
    }
    if (delta.remove_matching) {
      if (auto ok = check_member_filter(*delta.remove_matching); !ok) return ok.error();
    }
    auto* stored = of_tenant(scope.tenant_id, id);
    if (!stored) return group_not_found(id);
    if (expected && expected->version != stored->version) {
      return Error{ErrorKind::PreconditionFailed,
                   "group '" + id + "' has changed since the version the request expects", {}};
    }
    if (group && !name_free(scope.tenant_id, *group, id)) return display_name_taken(*group);
    if (group && group->roles) {
      if (auto ok = s_.check_roles(scope.tenant_id, *group->roles); !ok) return ok.error();
    }
    auto added = resolve(scope.tenant_id, id, delta.add);
    if (!added) return added.error();

    // Checked: now the writes.
    std::vector<ports::BindingChange> changes;
    if (group) {
      stored->display_name = group->display_name;
      stored->display_name_key = group->display_name_key;
      stored->resource_json = group->resource_json;
      s_.set_external_id(scope.integration_id, "Group", id, group->external_id);
      if (group->roles) changes = s_.sync_scim_roles(scope, kGroup, id, *group->roles, now).changes;
    }
    auto& members = stored->members;
    if (delta.replace_all) members.clear();
    std::erase_if(members, [&](const Member& m) {
      return std::find(delta.remove.begin(), delta.remove.end(), m.id) != delta.remove.end();
    });
    if (delta.remove_matching) {
      static const f::AttributeLookup kNoLookup;
      std::erase_if(members, [&](const Member& m) {
        const json::object row{{"value", m.id}, {"type", m.type}, {"display", s_.display_of(m)}};
        return f::matches(*delta.remove_matching, row, kNoLookup);
      });
    }
    for (auto& m : *added) {
      const bool held = std::any_of(members.begin(), members.end(), [&](const Member& x) { return x.id == m.id; });
      if (!held) members.push_back(std::move(m));
    }
    ++stored->version;
    stored->updated_at = now;
    s_.append_audit(audit, id);
    auto row = read(scope, *stored);
    row.binding_changes = std::move(changes);
    return row;
  }

  Result<std::vector<ports::BindingChange>> remove(const ports::Scope& scope, const std::string& id,
                                                   const ports::AuditEntry& audit) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("groups.remove"); !ok) return ok.error();
    if (!of_tenant(scope.tenant_id, id)) return group_not_found(id);
    const std::string now = audit.created_at.empty() ? now_iso8601() : audit.created_at;
    s_.leave_all_groups(scope.tenant_id, "Group", id, now);
    auto changes = s_.delete_bindings(scope.tenant_id, kGroup, id, {});
    std::erase_if(s_.external_ids, [&](const auto& e) {
      return std::get<1>(e.first) == "Group" && std::get<2>(e.first) == id;
    });
    s_.groups.erase(id);
    s_.append_audit(audit, id);
    return changes;
  }

  Result<ports::ListPage<ports::GroupRow>> list(const ports::Scope& scope, const ports::ListQuery& query) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("groups.list"); !ok) return ok.error();
    if (scope.tenant_id.empty()) return Error::invalid("no tenant");
    std::vector<Candidate> candidates;
    std::vector<const GroupRecord*> records;
    for (const auto& [id, group] : s_.groups) {
      if (group.tenant_id != scope.tenant_id) continue;
      candidates.push_back({group.seq, document_of(scope, group), group.resource_json.size()});
      records.push_back(&group);
    }
    const ListSchema schema{"urn:ietf:params:scim:schemas:core:2.0:group", "", kGroupSingular, kGroupMulti, {},
                            &s_.group_lookup};
    auto selected = select(candidates, query, schema);
    if (!selected) return selected.error();
    ports::ListPage<ports::GroupRow> page;
    page.total = selected->total;
    page.next_cursor = selected->next_cursor;
    for (const auto at : selected->page) page.items.push_back(read(scope, *records[at]));
    return page;
  }

 private:
  GroupRecord* of_tenant(const std::string& tenant, const std::string& id) {
    const auto found = s_.groups.find(id);
    if (found == s_.groups.end() || found->second.tenant_id != tenant) return nullptr;
    return &found->second;
  }

  bool name_free(const std::string& tenant, const ports::GroupWrite& group, const std::string& id) const {
    return std::none_of(s_.groups.begin(), s_.groups.end(), [&](const auto& g) {
      return g.second.tenant_id == tenant && g.first != id && g.second.display_name_key == group.display_name_key;
    });
  }

  // The members to add, each id once, with the type the store knows it by;
  // invalidValue naming the first id that is neither a user with access to
  // the tenant nor a group of it.
  Result<std::vector<Member>> resolve(const std::string& tenant, const std::string& group_id,
                                      const std::vector<ports::MemberRef>& refs) const {
    std::vector<Member> out;
    std::unordered_set<std::string> seen;
    for (const auto& ref : refs) {
      if (ref.value.empty()) return Error::invalid("a member has an empty value", "invalidValue");
      if (ref.value == group_id) {
        return Error::invalid("group '" + group_id + "' cannot be a member of itself", "invalidValue");
      }
      if (!seen.insert(ref.value).second) continue;
      if (s_.has_access(tenant, ref.value)) {
        out.push_back({ref.value, "User"});
        continue;
      }
      const auto group = s_.groups.find(ref.value);
      if (group != s_.groups.end() && group->second.tenant_id == tenant) {
        out.push_back({ref.value, "Group"});
        continue;
      }
      return Error::invalid("member '" + ref.value + "' is not a user or group of this tenant", "invalidValue");
    }
    return out;
  }

  ports::GroupRow read(const ports::Scope& scope, const GroupRecord& group) const {
    ports::GroupRow row;
    row.id = group.id;
    row.display_name = group.display_name;
    row.resource_json = group.resource_json;
    row.external_id = s_.external_id(scope.integration_id, "Group", group.id);
    row.created_at = group.created_at;
    row.updated_at = group.updated_at;
    row.version = group.version;
    row.member_count = static_cast<std::int64_t>(group.members.size());
    row.roles = s_.scim_roles(scope.tenant_id, kGroup, group.id);
    return row;
  }

  json::object document_of(const ports::Scope& scope, const GroupRecord& group) const {
    json::object doc;
    boost::system::error_code ec;
    auto stored = json::parse(group.resource_json, ec);
    if (!ec && stored.is_object()) doc = std::move(stored.as_object());
    doc["id"] = group.id;
    if (auto external = s_.external_id(scope.integration_id, "Group", group.id)) doc["externalId"] = *external;
    doc["meta"] = json::object{{"created", group.created_at}, {"lastModified", group.updated_at}};
    json::array members;
    for (const auto& m : group.members) {
      members.push_back(json::object{{"value", m.id}, {"type", m.type}, {"display", s_.display_of(m)}});
    }
    doc["members"] = std::move(members);
    return doc;
  }

  MemoryState& s_;
};

}  // namespace

std::unique_ptr<ports::GroupStore> make_group_store(MemoryState& state) {
  return std::make_unique<MemoryGroupStore>(state);
}

}  // namespace kestra::test::fakes
