// Group members kept apart from the document: operations become a MemberDelta.
#include "core/text.hpp"
#include "scim/patch/members.hpp"

#include "scim/filter/evaluator.hpp"
#include "scim/patch/detail.hpp"
#include "scim/patch/quirks/members_value_list.hpp"

#include <algorithm>
#include <variant>

namespace kestra::scim::patch::detail {
namespace {

bool collect_ids(const filter::Node& node, std::vector<std::string>& out, std::unordered_set<std::string>& seen) {
  if (auto* either = std::get_if<filter::Or>(&node.value))
    return either->left && either->right && collect_ids(*either->left, out, seen) &&
           collect_ids(*either->right, out, seen);
  auto* compare = std::get_if<filter::Compare>(&node.value);
  if (!compare || compare->op != filter::CompareOp::Eq) return false;
  if (!compare->path.urn.empty() || !compare->path.sub_attribute.empty() ||
      !iequals(compare->path.attribute, "value"))
    return false;
  if (compare->value.kind != filter::Literal::Kind::String) return false;
  if (seen.insert(compare->value.text).second) out.push_back(compare->value.text);
  return true;
}

std::vector<std::string> ids_of(const std::vector<ports::MemberRef>& members) {
  std::vector<std::string> out;
  out.reserve(members.size());
  for (const auto& m : members) out.push_back(m.value);
  return out;
}

}  // namespace

void MemberFold::add(const std::vector<ports::MemberRef>& members) {
  for (const auto& m : members) {
    if (pending_.insert(m.value).second) add_.push_back(m);
  }
}

void MemberFold::remove(const std::vector<std::string>& ids) {
  const std::unordered_set<std::string> gone(ids.begin(), ids.end());
  bool dropped = false;
  for (const auto& id : gone) dropped = pending_.erase(id) > 0 || dropped;
  if (dropped) {
    add_.erase(std::remove_if(add_.begin(), add_.end(), [&](const ports::MemberRef& m) { return gone.contains(m.value); }),
               add_.end());
  }
  if (replace_all_) return;  // every stored member goes anyway
  for (const auto& id : ids) {
    if (removing_.insert(id).second) remove_.push_back(id);
  }
}

void MemberFold::remove_matching(const filter::Node& node, const filter::AttributeLookup& lookup) {
  const filter::AttrPath parent{"", "members", ""};
  add_.erase(std::remove_if(add_.begin(), add_.end(),
                            [&](const ports::MemberRef& m) {
                              boost::json::object element;
                              element["value"] = m.value;
                              element["type"] = m.type;
                              if (!filter::matches_element(node, element, parent, lookup)) return false;
                              pending_.erase(m.value);
                              return true;
                            }),
             add_.end());
  if (replace_all_) return;
  if (!matching_) {
    matching_ = clone(node);
    return;
  }
  auto both = std::make_unique<filter::Node>();
  both->value = filter::Or{std::move(matching_), clone(node)};
  matching_ = std::move(both);
}

void MemberFold::clear() {
  replace_all_ = true;
  add_.clear();
  pending_.clear();
  remove_.clear();
  removing_.clear();
  matching_.reset();
}

void MemberFold::replace(const std::vector<ports::MemberRef>& members) {
  clear();
  add(members);
}

ports::MemberDelta MemberFold::delta() const {
  ports::MemberDelta d;
  d.replace_all = replace_all_;
  d.add = add_;
  d.remove = remove_;
  d.remove_matching = matching_.get();
  return d;
}

std::optional<std::vector<std::string>> ids_of_value_filter(const filter::Node& node) {
  std::vector<std::string> out;
  std::unordered_set<std::string> seen;
  if (!collect_ids(node, out, seen)) return std::nullopt;
  return out;
}

bool is_members(const Context& ctx, const Target& target) {
  return target.resolved.schema == ctx.type.schema && target.resolved.schema->id == schema::kGroupUrn &&
         target.attribute().name == "members";
}

Result<void> members_operation(Context& ctx, OpKind op, const Target& target, const json::value* value) {
  const schema::Attribute& members = target.attribute();
  if (const schema::Attribute* sub = target.sub())
    return mutability("members." + sub->name + " cannot be changed: remove the member and add it again");
  if (target.filter && op != OpKind::Remove)
    return invalid_path("Path " + quoted(target.text) +
                        ": members are added or replaced as a list (path \"members\"), and removed by filter");

  switch (op) {
    case OpKind::Add:
    case OpKind::Replace: {
      const bool add = op == OpKind::Add;
      if (!value) return invalid_value(add ? "add needs a value" : "replace needs a value");
      auto refs = quirks::member_refs(members, *value, target.text);
      if (!refs) return refs.error();
      if (add) {
        ctx.members.add(*refs);
      } else {
        ctx.members.replace(*refs);
      }
      return {};
    }
    case OpKind::Remove:
      if (target.filter) {
        if (auto ids = ids_of_value_filter(*target.filter)) {
          ctx.members.remove(*ids);
        } else {
          ctx.members.remove_matching(*target.filter, ctx.lookup);
        }
        return {};
      }
      if (value && !value->is_null()) {  // Entra, JumpCloud, authentik: the listed members only
        auto refs = quirks::member_refs(members, *value, target.text);
        if (!refs) return refs.error();
        ctx.members.remove(ids_of(*refs));
        return {};
      }
      ctx.members.clear();
      return {};
  }
  return {};
}

}  // namespace kestra::scim::patch::detail
