// Group membership changes of one PATCH, folded into a ports::MemberDelta
// (applied by the store as: replace_all, remove, remove_matching, add) so that
// the result equals applying the operations one by one.  Internal to scim/patch.
#pragma once

#include "ports/resource_store.hpp"
#include "scim/filter/ast.hpp"
#include "scim/filter/attribute_info.hpp"

#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace kestra::scim::patch::detail {

class MemberFold {
 public:
  // Adds members (a value already pending is kept once, with its first type).
  void add(const std::vector<ports::MemberRef>& members);
  // Removes members by id: a pending add of the id is dropped too.
  void remove(const std::vector<std::string>& ids);
  // Removes the members matching `node` (relative to a member); pending adds
  // it matches (on value and type) are dropped.  Later calls are or-ed.
  void remove_matching(const filter::Node& node, const filter::AttributeLookup& lookup);
  // Removes every member.
  void clear();
  // clear, then add.
  void replace(const std::vector<ports::MemberRef>& members);

  // The delta; its remove_matching points into this fold until take_filter().
  ports::MemberDelta delta() const;
  filter::NodePtr take_filter() { return std::move(matching_); }

 private:
  bool replace_all_ = false;
  std::vector<ports::MemberRef> add_;
  std::unordered_set<std::string> pending_;  // the values in add_
  std::vector<std::string> remove_;
  std::unordered_set<std::string> removing_;  // the ids in remove_
  filter::NodePtr matching_;
};

// The member ids of a filter made only of `value eq "…"` terms joined by
// `or`; nullopt for any other filter.
std::optional<std::vector<std::string>> ids_of_value_filter(const filter::Node& node);

}  // namespace kestra::scim::patch::detail
