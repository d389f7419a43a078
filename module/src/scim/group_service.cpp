#include "scim/group_service.hpp"
#include "core/text.hpp"

#include "core/case_fold.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/retry.hpp"
#include "scim/etag.hpp"
#include "scim/patch/patch.hpp"
#include "scim/schema/validator.hpp"
#include "scim/scim_audit.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace kestra::scim {
namespace json = boost::json;

namespace {

// Members are streamed from the store in pages of this many rows.
constexpr std::int64_t kMemberPage = 2000;

Error group_not_found(const std::string& id) {
  return Error::not_found("group '" + id + "' not found in this tenant");
}

json::object* kestra_extension(json::object& doc) {
  for (auto& [key, value] : doc) {
    if (iequals(key, kKestraGroupSchema) && value.is_object()) return &value.get_object();
  }
  return nullptr;
}

void list_schema(json::object& doc, bool listed) {
  auto* schemas = doc.if_contains("schemas");
  if (!schemas || !schemas->is_array()) {
    doc["schemas"] = json::array{"urn:ietf:params:scim:schemas:core:2.0:Group"};
    schemas = doc.if_contains("schemas");
  }
  auto& list = schemas->get_array();
  const auto at = std::find_if(list.begin(), list.end(), [](const json::value& v) {
    return v.is_string() && iequals(v.get_string(), kKestraGroupSchema);
  });
  if (listed && at == list.end()) list.emplace_back(kKestraGroupSchema);
  if (!listed && at != list.end()) list.erase(at);
}

// The group's roles live in bindings: take them out of the document (with
// the extension, when nothing else is left in it).
json::value take_roles(json::object& doc) {
  json::value roles;
  auto* extension = kestra_extension(doc);
  if (!extension) return roles;
  for (auto it = extension->begin(); it != extension->end(); ++it) {
    if (iequals(it->key(), "roles")) {
      roles = it->value();
      extension->erase(it);
      break;
    }
  }
  if (extension->empty()) {
    for (auto it = doc.begin(); it != doc.end(); ++it) {
      if (iequals(it->key(), kKestraGroupSchema)) {
        doc.erase(it);
        break;
      }
    }
    list_schema(doc, false);
  }
  return roles;
}

// The group's roles from its bindings in place of whatever the stored
// document says (groups stored before roles were bindings kept them there).
void put_roles(json::object& doc, const std::vector<ports::RoleAssignment>& roles) {
  take_roles(doc);
  if (roles.empty()) return;
  auto* extension = kestra_extension(doc);
  if (!extension) {
    doc[kKestraGroupSchema] = json::object();
    extension = kestra_extension(doc);
  }
  (*extension)["roles"] = roles_json(roles);
  list_schema(doc, true);
}

}  // namespace

Result<std::string> render_group(const ports::GroupRow& group, std::string_view base,
                                 const schema::Projection& projection, GroupService* members,
                                 const ports::Scope& scope, bool with_roles) {
  std::string text;
  auto rendered = render_group_to(group, base, projection, members, scope, with_roles,
                                  [&](std::string_view piece) {
                                    text.append(piece);
                                    return true;
                                  });
  if (!rendered) return rendered.error();
  return text;
}

Result<void> render_group_to(const ports::GroupRow& group, std::string_view base,
                             const schema::Projection& projection, GroupService* members,
                             const ports::Scope& scope, bool with_roles,
                             const std::function<bool(std::string_view)>& sink) {
  json::object out;
  boost::system::error_code ec;
  auto stored = json::parse(group.resource_json, ec);
  if (!ec && stored.is_object()) out = std::move(stored.as_object());
  put_roles(out, with_roles ? group.roles : std::vector<ports::RoleAssignment>{});
  out["id"] = group.id;
  if (group.external_id) out["externalId"] = *group.external_id;
  out["meta"] = json::object{{"resourceType", "Group"},
                             {"created", group.created_at},
                             {"lastModified", group.updated_at},
                             {"location", std::string(base) + "/Groups/" + group.id},
                             {"version", group_etag(group.version)}};
  out.erase("members");
  schema::apply(projection, out);
  std::string text = json::serialize(out);
  const auto whole = [&]() -> Result<void> {
    sink(text);
    return {};
  };
  if (!members || group.member_count == 0 || !schema::wants(projection, "members")) return whole();

  // The member sub-attributes the projection keeps ("attributes=members.value").
  json::object probe{{"members", json::array{json::object{{"value", ""}, {"display", ""}, {"type", ""}, {"$ref", ""}}}}};
  schema::apply(projection, probe);
  const json::object* kept = nullptr;
  if (const auto* m = probe.if_contains("members"); m && m->is_array() && !m->get_array().empty()) {
    kept = m->get_array().front().if_object();
  }
  if (!kept) return whole();

  // The members go out as they are read, spliced in before the closing brace.
  text.pop_back();
  text += text.size() > 1 ? ",\"members\":[" : "\"members\":[";
  bool open = sink(text);
  std::string item;
  bool first = true;
  auto streamed = members->for_each_member(scope, group.id, kMemberPage, [&](const ports::MemberRef& m) {
    if (!open) return false;
    item.clear();
    if (!first) item += ',';
    first = false;
    const std::string_view endpoint = m.type == "Group" ? "/Groups/" : "/Users/";
    json::object member;
    if (kept->contains("value")) member["value"] = m.value;
    if (kept->contains("display")) member["display"] = m.display;
    if (kept->contains("type")) member["type"] = m.type;
    if (kept->contains("$ref")) member["$ref"] = std::string(base) + std::string(endpoint) + m.value;
    item += json::serialize(member);
    open = sink(item);
    return open;
  });
  if (!streamed) return streamed.error();
  if (open) sink("]}");
  return {};
}

GroupService::GroupService(ports::GroupStore& store, const schema::Registry& registry, RoleService& roles,
                           filter::Limits filter_limits, std::size_t list_max_bytes)
    : ResourceService(registry, "Group", roles, filter_limits, list_max_bytes), store_(store) {}

json::object GroupService::document_of(const ports::GroupRow& row) const {
  json::object doc;
  boost::system::error_code ec;
  auto stored = json::parse(row.resource_json, ec);
  if (!ec && stored.is_object()) doc = std::move(stored.as_object());
  if (row.external_id) doc["externalId"] = *row.external_id;
  put_roles(doc, row.roles);
  return doc;
}

Result<GroupService::Write> GroupService::to_write(const ports::Scope& scope, json::object document,
                                                   const std::vector<ports::RoleAssignment>& current,
                                                   const provisioning::Actor& actor) {
  Write w;
  const auto roles = take_roles(document);
  auto desired = roles_.resolve(scope, &roles, current);
  if (!desired) return desired.error();
  if (auto ok = RoleService::authorize_change(actor, current, *desired); !ok) return ok.error();
  if (!current.empty() || !desired->empty()) w.group.roles = std::move(*desired);
  if (auto* external = document.if_contains("externalId"); external && external->is_string()) {
    w.group.external_id = std::string(external->as_string());
  }
  if (auto* members = document.if_contains("members"); members && members->is_array()) {
    for (const auto& m : members->as_array()) {
      if (!m.is_object()) continue;
      const auto* value = m.as_object().if_contains("value");
      if (!value || !value->is_string()) return Error::invalid("every member needs a 'value' (its id)", "invalidValue");
      const auto* type = m.as_object().if_contains("type");
      w.members.push_back({std::string(value->as_string()),
                           type && type->is_string() ? std::string(type->as_string()) : std::string("User"), {}});
    }
  }
  for (auto key : {"id", "meta", "externalId", "members"}) document.erase(key);
  auto* display_name = document.if_contains("displayName");
  if (!display_name || !display_name->is_string() || display_name->as_string().empty()) {
    return Error::invalid("'displayName' is required", "invalidValue");
  }
  w.group.display_name = std::string(display_name->as_string());
  if (auto ok = schema::check_plain_text("displayName", w.group.display_name); !ok) return ok.error();
  if (auto ok = schema::check_length("displayName", w.group.display_name, ports::kMaxGroupNameChars); !ok) {
    return ok.error();
  }
  if (w.group.external_id) {
    if (auto ok = schema::check_length("externalId", *w.group.external_id, ports::kMaxExternalIdChars); !ok) {
      return ok.error();
    }
  }
  w.group.display_name_key = fold_case(w.group.display_name);
  w.group.resource_json = json::serialize(document);
  return w;
}

Result<ports::GroupRow> GroupService::create(const ports::Scope& scope, const json::object& body,
                                             const provisioning::Actor& actor) {
  auto document = schema::validate_resource(registry_, *type_, body, schema::Mode::Create);
  if (!document) return document.error();
  auto write = to_write(scope, std::move(*document), {}, actor);
  if (!write) return write.error();
  const auto id = crypto::new_uuid();
  auto created = store_.create(scope, write->group, write->members, id, now_iso8601(),
                               scim_audit(scope, actor, "group.create", "GROUP", id,
                                          "displayName=" + write->group.display_name));
  if (created) roles_.emit(scope, "GROUP", created->id, created->binding_changes);
  return created;
}

Result<ports::GroupRow> GroupService::get(const ports::Scope& scope, const std::string& id) {
  auto found = store_.find(scope, id);
  if (!found) return found.error();
  if (!*found) return group_not_found(id);
  return std::move(**found);
}

Result<ports::GroupRow> GroupService::replace(const ports::Scope& scope, const std::string& id,
                                              const json::object& body,
                                              const std::optional<std::string_view>& if_match,
                                              const provisioning::Actor& actor) {
  auto current = get(scope, id);
  if (!current) return current.error();
  if (auto ok = check_if_match(if_match, group_etag(current->version)); !ok) return ok.error();
  const auto existing = document_of(*current);
  // A client that may not read bindings never saw the roles: leaving them
  // out of a PUT keeps them.
  json::object request = body;
  if (!RoleService::reads_bindings(actor) && !current->roles.empty()) {
    const auto* extension = kestra_extension(request);
    if (!extension || !extension->contains("roles")) put_roles(request, current->roles);
  }
  auto document = schema::validate_resource(registry_, *type_, request, schema::Mode::Replace, &existing);
  if (!document) return document.error();
  auto write = to_write(scope, std::move(*document), current->roles, actor);
  if (!write) return write.error();
  ports::MemberDelta delta;
  delta.replace_all = true;
  delta.add = std::move(write->members);
  auto updated = store_.update(scope, id, write->group, delta, ports::ExpectedVersion{current->version, 0},
                               now_iso8601(), scim_audit(scope, actor, "group.replace", "GROUP", id));
  if (updated) roles_.emit(scope, "GROUP", id, updated->binding_changes);
  return updated;
}

Result<ports::GroupRow> GroupService::patch(const ports::Scope& scope, const std::string& id,
                                            const json::object& body,
                                            const std::optional<std::string_view>& if_match,
                                            const provisioning::Actor& actor) {
  auto request = patch::parse_patch_request(body, patch::kMaxOperations, filter_limits_);
  if (!request) return request.error();
  return optimistically(!if_match, [&]() -> Result<ports::GroupRow> {
    auto current = get(scope, id);
    if (!current) return current.error();
    if (auto ok = check_if_match(if_match, group_etag(current->version)); !ok) return ok.error();
    auto outcome = patch::apply_patch(registry_, *type_, document_of(*current), *request,
                                      patch::PatchOptions{.members_separate = true});
    if (!outcome) return outcome.error();
    if (!outcome->changed && outcome->members.empty()) return current;
    std::optional<ports::GroupWrite> group;
    if (outcome->changed) {
      auto write = to_write(scope, std::move(outcome->resource), current->roles, actor);
      if (!write) return write.error();
      group = std::move(write->group);
    }
    // Member rows change one by one and need no version check; a document
    // change does (it rewrote what we read).
    std::optional<ports::ExpectedVersion> expected;
    if (group || if_match) expected = ports::ExpectedVersion{current->version, 0};
    auto updated = store_.update(scope, id, group, outcome->members, expected, now_iso8601(),
                                 scim_audit(scope, actor, "group.patch", "GROUP", id));
    if (updated) roles_.emit(scope, "GROUP", id, updated->binding_changes);
    return updated;
  });
}

Result<void> GroupService::remove(const ports::Scope& scope, const std::string& id,
                                  const std::optional<std::string_view>& if_match, const provisioning::Actor& actor) {
  if (if_match) {
    auto current = get(scope, id);
    if (!current) return current.error();
    if (auto ok = check_if_match(if_match, group_etag(current->version)); !ok) return ok.error();
  }
  auto removed = store_.remove(scope, id, scim_audit(scope, actor, "group.delete", "GROUP", id));
  if (!removed) return removed.error();
  roles_.emit(scope, "GROUP", id, *removed);
  return {};
}

Result<ports::ListPage<ports::GroupRow>> GroupService::list(const ports::Scope& scope, const ListRequest& request) {
  filter::NodePtr filter;
  auto query = to_list_query(request, filter, filter_limits_);
  if (!query) return query.error();
  query->max_bytes = list_max_bytes_;
  return store_.list(scope, *query);
}

}  // namespace kestra::scim
