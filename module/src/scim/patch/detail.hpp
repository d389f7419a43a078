// Internals of scim/patch, shared by its .cpp files only.
#pragma once

#include "core/result.hpp"
#include "scim/filter/ast.hpp"
#include "scim/filter/attribute_info.hpp"
#include "scim/filter/patch_path.hpp"
#include "scim/patch/members.hpp"
#include "scim/patch/patch.hpp"
#include "scim/schema/registry.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kestra::scim::patch::detail {

namespace json = boost::json;

// The state one request works on.
struct Context {
  const schema::Registry& registry;
  const schema::ResourceType& type;
  filter::AttributeLookup lookup;
  json::object& doc;
  bool members_separate = false;
  MemberFold& members;
};

// What a path names, resolved against the schemas.
struct Target {
  schema::Resolved resolved;                         // attribute, and sub_attribute for "attr.sub"
  const filter::Node* filter = nullptr;              // "attr[filter]", relative to the elements
  const schema::Attribute* element_sub = nullptr;    // "attr[filter].sub"
  std::string text;                                  // the path as sent, for messages

  const schema::Attribute& attribute() const { return *resolved.attribute; }
  // The sub-attribute operated on (inside the complex value or each element), or null.
  const schema::Attribute* sub() const { return filter ? element_sub : resolved.sub_attribute; }
  // The element path the filter is relative to.
  filter::AttrPath parent_path() const;
};

std::string quoted(std::string_view text);
Error invalid_path(std::string detail);
Error invalid_value(std::string detail);
Error no_target(std::string detail);
Error mutability(std::string detail);

// --- target.cpp ---------------------------------------------------------------
Result<Target> resolve_target(const Context& ctx, const filter::PatchPath& path, std::string_view text);
// The extension (or core schema) whose URN is exactly `text`, else null.
const schema::Schema* schema_named(const schema::ResourceType& type, std::string_view text);
// A copy of a filter tree.
filter::NodePtr clone(const filter::Node& node);

// --- document.cpp -------------------------------------------------------------
// Case-insensitive member access; put replaces any spelling of `name` with `name`.
const json::value* get(const json::object& object, std::string_view name);
void put(json::object& object, std::string_view name, json::value value);
void erase(json::object& object, std::string_view name);
// RFC 7643 2.5: null, [] and {} are "unassigned".
bool absent(const json::value* value);
// Equality as the attribute's caseExact sees it (arrays as multisets, objects by sub-attribute).
bool same_value(const schema::Attribute& attribute, const json::value& a, const json::value& b);
// Equal under same_value, equal keys (arrays: as multisets, in n log n).
std::string value_key(const schema::Attribute& attribute, const json::value& value);
// Every sub-attribute `given` names has the same value in `element` (primitive: equal).
bool element_contains(const schema::Attribute& attribute, const json::value& element, const json::value& given);
// The elements of a multi-valued attribute, indexed so that the elements
// containing a given one (element_contains) are found without comparing it
// with every element: an element is keyed by each of its sub-attribute values
// (and by its whole value); only those sharing the given element's rarest key
// are compared.
class ElementIndex {
 public:
  explicit ElementIndex(const schema::Attribute& attribute) : attribute_(attribute) {}
  // Indexes elements[i]; `elements` is the array later calls receive.
  void add(const json::array& elements, std::size_t i);
  // Whether some element contains `given`.
  bool contains(const json::array& elements, const json::value& given) const;
  // The positions of every element that contains `given`, ascending.
  std::vector<std::size_t> containing(const json::array& elements, const json::value& given) const;

 private:
  // The candidates for `given`; nullopt: every object element (given names nothing).
  std::optional<const std::vector<std::size_t>*> candidates(const json::value& given) const;
  std::string whole_key(const json::value& value) const;

  const schema::Attribute& attribute_;
  std::unordered_map<std::string, std::vector<std::size_t>> by_key_;
  std::vector<std::size_t> objects_;
};
// The object holding `resolved` (the document, or its extension object, created
// and listed in `schemas` when `create`).  Null when absent and not `create`.
json::object* container(Context& ctx, const schema::Resolved& resolved, bool create);
// Lists every non-empty extension object in `schemas`.
void list_extensions(Context& ctx);
// The `primary` flags of an array, for enforce_primary.
std::vector<bool> primary_flags(const json::array& elements);
// RFC 7644 3.5.2: an element newly set primary clears primary on the others.
Result<void> enforce_primary(const schema::Attribute& attribute, json::array& elements,
                             const std::vector<bool>& before, std::string_view path);
// Immutable / required rules for changing `attribute` from `current` to `next` (null: removed).
Result<void> check_change(const schema::Attribute& attribute, const json::value* current, const json::value* next,
                          std::string_view path);
// `next` as the value of `attribute` in `container` (checked by
// check_change, errors naming `path`, else the attribute; an absent value,
// an empty array, removes the attribute).
Result<void> store_value(json::object& container, const schema::Attribute& attribute, const json::value* current,
                         json::value next, std::string_view path = {});

// --- add.cpp / replace.cpp / remove.cpp ----------------------------------------
// attr[filter] or attr[filter].sub: add updates the matches or creates
// the element; replace needs a match (RFC 7644 3.5.2.1, 3.5.2.3).
Result<void> add_filtered(Context& ctx, const Target& target, const json::value& value);
Result<void> replace_filtered(Context& ctx, const Target& target, const json::value& value);
Result<void> apply_remove(Context& ctx, const Target& target, const json::value* value);

// --- members.cpp: "members" of a Group when Context::members_separate ------------
bool is_members(const Context& ctx, const Target& target);
Result<void> members_operation(Context& ctx, OpKind op, const Target& target, const json::value* value);

// Shared by add and replace.
enum class Write { Add, Replace };
Result<void> write_attribute(Context& ctx, const Target& target, const json::value& value, Write mode);
Result<void> write_complex_sub(Context& ctx, const Target& target, const json::value& value, Write mode);
Result<void> write_every_element(Context& ctx, const Target& target, const json::value& value, Write mode);
// The target of an add or replace: filtered elements, an attribute, a
// sub-attribute of a complex one, or a sub-attribute of every element.
Result<void> write_target(Context& ctx, const Target& target, const json::value& value, Write mode);
// Drops the elements left without any sub-attribute.
void drop_empty_elements(json::array& elements);
// Indices of the elements the target's filter selects.
std::vector<std::size_t> matching_elements(const Context& ctx, const Target& target, const json::array& elements);
// The single element a filtered add/replace carries (an object, or a one-element array of one).
Result<json::value> one_element(const schema::Attribute& attribute, const json::value& value, std::string_view path);
// Sets (or, for null, removes) `sub` in one element.
Result<void> set_in_element(const schema::Attribute& sub, json::object& element, const json::value* value,
                            std::string_view path);

}  // namespace kestra::scim::patch::detail
