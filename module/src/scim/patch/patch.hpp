// SCIM PATCH (RFC 7644 3.5.2) as two pure functions: parse the request body,
// then apply it to the current document.  No SQL, no HTTP.
//
// Rules, where the RFC leaves a choice (each is tested in
// tests/unit/patch_*_test.cpp):
// - Operations apply in order to a working copy; the first failure fails the
//   whole request (atomic) and nothing of it is returned.
// - A path-less add/replace is, key by key, the same operation with the key as
//   its path: "name" merges like path "name", a key that is itself a path
//   ("name.givenName", `emails[type eq "work"].value`, "urn:…:User:manager",
//   an extension URN holding an object) is expanded (Entra sends these).
//   readOnly attributes in such a value (Okta's group "id", "meta", "groups")
//   are ignored, as RFC 7644 3.5.1 ignores them in a PUT.  A path that names a
//   readOnly attribute explicitly is refused (mutability).  A name that is in
//   no core schema but in exactly one extension ("manager") resolves there.
// - add, multi-valued: appends each new element unless an existing element
//   already has every sub-attribute it gives (then nothing changes).
//   add / replace, singular complex: the given sub-attributes are merged, the
//   others kept (RFC 7644 3.5.2.3).  replace, multi-valued without filter: the
//   whole list is replaced.
// - A value filter (`emails[type eq "work"]`): replace without a
//   sub-attribute replaces each matched element by the value (RFC: "the
//   value or values that match the filter SHALL be replaced"), with one
//   (`….value`) it sets that sub-attribute in each match; no match: noTarget.
//   add merges the value's sub-attributes (or sets the one named) into each
//   match; with no match it creates the element from the filter's `eq` terms
//   (quirks/entra_add_filtered_element.hpp), else noTarget.  The filter's
//   names must be sub-attributes of the attribute (invalidPath otherwise).
// - "attr.sub" on a multi-valued attribute (no filter) acts on every element;
//   add/replace with no element at all: noTarget.
// - remove: without a path, noTarget.  A filter that matches nothing, or an
//   absent attribute, is a successful no-op (Entra and Okta resend removals).
//   remove of a multi-valued attribute WITH a value removes only the listed
//   values, [] none (Entra/JumpCloud/authentik; quirks/members_value_list.hpp).
//   Removing a required attribute (userName, Group displayName), a readOnly
//   one or an immutable one that has a value: mutability (RFC 7644 3.5.2.2).
//   replace with null (or [] / {}) is a remove.
// - immutable: may be set when it has no value; changing an existing value is
//   mutability.  writeOnly (password) is type-checked and dropped.
// - Setting primary true on one element clears it (sets false) on the others
//   of that attribute; two new primaries in one operation: invalidValue.
// - Every value goes through schema::validate_value (types, "True"/"False"
//   strings, names in the schema's spelling); the result goes through
//   schema::validate_resource (Mode::Replace), so a PATCH can only produce a
//   document a PUT would accept.
// - Group members with PatchOptions::members_separate: never read from or
//   written to the document; every operation on "members" folds into
//   PatchOutcome::members, applied by the store in the order replace_all,
//   remove, remove_matching, add.  Folding keeps that order equivalent to the
//   sequence of operations (a member added then removed is not added).  Only
//   whole-list add/replace/remove and remove by filter exist there: the
//   sub-attributes of a member are immutable or readOnly (mutability), and a
//   filtered add/replace is invalidPath.
//
// scimType of the errors: invalidSyntax (body structure, unknown op, missing
// value, unknown sub-attribute in a value), invalidPath (path syntax, unknown
// attribute, filter on a single-valued attribute), invalidValue (types, more
// than max_operations operations: RFC 7644 has no better code), noTarget,
// mutability.  Details name the operation ("Operations[2]").
#pragma once

#include "core/result.hpp"
#include "ports/resource_store.hpp"
#include "scim/filter/ast.hpp"
#include "scim/filter/patch_path.hpp"
#include "scim/schema/registry.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kestra::scim::patch {

inline constexpr std::string_view kPatchOpUrn = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
// More operations than this in one request: 400 invalidValue.
inline constexpr std::size_t kMaxOperations = 1000;

enum class OpKind { Add, Remove, Replace };

struct Operation {
  OpKind op = OpKind::Add;
  std::string path_text;                   // as sent (trimmed); empty: no path
  std::optional<filter::PatchPath> path;   // parsed path_text; nullopt: no path
  std::optional<boost::json::value> value; // nullopt: no "value" member
};

// Move-only: parsed paths own their filter trees.
struct PatchRequest {
  std::vector<Operation> operations;  // at least one
};

// Checks the PatchOp envelope (RFC 7644 3.5.2): `schemas` lists kPatchOpUrn,
// `Operations` (any case) is a non-empty array of at most max_operations
// objects; `op` is add/remove/replace in any case; `path`, when present and
// not null, parses within `path_limits`; add/replace carry `value` (an object
// when there is no path); remove has a path (noTarget otherwise).  Never throws.
Result<PatchRequest> parse_patch_request(const boost::json::object& body,
                                         std::size_t max_operations = kMaxOperations,
                                         const filter::Limits& path_limits = {});

struct PatchOptions {
  // Groups: operations on "members" go to PatchOutcome::members.
  bool members_separate = false;
};

struct PatchOutcome {
  boost::json::object resource;  // the patched document, normalised
  ports::MemberDelta members;    // empty unless members_separate
  bool changed = false;          // `resource` differs from the input document (members not included)
  // Owns the node members.remove_matching points to (moving the outcome keeps it valid).
  filter::NodePtr owned_filter;
};

// Applies `request` to `resource`, the current document in SCIM shape
// (schemas, core attributes, extension objects under their URN; id and meta
// are not needed and not returned).  Never throws.
Result<PatchOutcome> apply_patch(const schema::Registry& registry, const schema::ResourceType& type,
                                 const boost::json::object& resource, const PatchRequest& request,
                                 const PatchOptions& options = {});

}  // namespace kestra::scim::patch
