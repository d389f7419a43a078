// apply_patch: runs the operations in order on a working copy, then
// normalises the result as a PUT would.
#include "scim/patch/detail.hpp"
#include "core/text.hpp"

#include "scim/patch/quirks/okta_readonly_in_value.hpp"
#include "scim/patch/quirks/pathless_value_paths.hpp"
#include "scim/schema/validator.hpp"

#include <exception>

namespace kestra::scim::patch {
namespace {

using detail::Context;
using detail::Target;
namespace json = boost::json;

const char* op_name(OpKind op) {
  switch (op) {
    case OpKind::Add: return "add";
    case OpKind::Remove: return "remove";
    case OpKind::Replace: return "replace";
  }
  return "?";
}

Result<void> apply_to(Context& ctx, OpKind op, const Target& target, const json::value* value) {
  if (ctx.members_separate && detail::is_members(ctx, target))
    return detail::members_operation(ctx, op, target, value);
  const schema::Attribute* sub = target.sub();
  if (target.attribute().mutability == schema::Mutability::ReadOnly ||
      (sub && sub->mutability == schema::Mutability::ReadOnly))
    return detail::mutability("Attribute " + detail::quoted(target.text) + " is readOnly");
  const json::value null_value;
  switch (op) {
    case OpKind::Add: return detail::write_target(ctx, target, value ? *value : null_value, detail::Write::Add);
    case OpKind::Replace:
      return detail::write_target(ctx, target, value ? *value : null_value, detail::Write::Replace);
    case OpKind::Remove: return detail::apply_remove(ctx, target, value);
  }
  return {};
}

// One attribute of a path-less value (or of a value under a schema URN path).
Result<void> apply_keyed(Context& ctx, OpKind op, const std::string& path, const json::value& value) {
  auto parsed = filter::parse_patch_path(path);
  if (!parsed) return detail::invalid_path("Value member " + detail::quoted(path) + ": " + parsed.error().detail);
  auto target = detail::resolve_target(ctx, *parsed, path);
  if (!target) return target.error();
  if (quirks::ignored_in_pathless_value(target->resolved)) return {};
  return apply_to(ctx, op, *target, &value);
}

// Path (or path-less key) that is exactly a schema URN: its object's members
// are the attributes; remove (or replace with null) clears the extension.
Result<void> apply_schema_urn(Context& ctx, OpKind op, const schema::Schema& schema, const json::value* value) {
  const bool core = &schema == ctx.type.schema;
  if (op != OpKind::Remove && value && value->is_object()) {
    for (const auto& kv : value->get_object()) {
      // Clients repeat the extension's "schemas" inside its value; it names
      // no attribute, and the document's own list is kept by list_extensions.
      if (iequals(kv.key(), "schemas")) continue;
      if (auto ok = apply_keyed(ctx, op, schema.id + ":" + std::string(kv.key()), kv.value()); !ok) return ok;
    }
    return {};
  }
  if (op == OpKind::Add && detail::absent(value)) return {};
  if (op != OpKind::Remove && !detail::absent(value))
    return detail::invalid_value("The value for schema " + detail::quoted(schema.id) + " must be an object");
  if (core) return detail::invalid_path("The core schema " + detail::quoted(schema.id) + " cannot be removed");
  const json::value* data = detail::get(ctx.doc, schema.id);
  if (data && data->is_object()) {
    for (const auto& a : schema.attributes) {
      const json::value* current = detail::get(data->get_object(), a.name);
      if (detail::absent(current)) continue;
      if (auto ok = detail::check_change(a, current, nullptr, schema.id + ":" + a.name); !ok) return ok;
    }
  }
  detail::erase(ctx.doc, schema.id);
  return {};
}

Result<void> apply_pathless(Context& ctx, OpKind op, const json::object& value) {
  for (const auto& pv : quirks::expand_pathless_value(ctx.type, value)) {
    if (const schema::Schema* s = detail::schema_named(ctx.type, pv.path)) {
      if (auto ok = apply_schema_urn(ctx, op, *s, pv.value); !ok) return ok;
      continue;
    }
    if (auto ok = apply_keyed(ctx, op, pv.path, *pv.value); !ok) return ok;
  }
  return {};
}

Result<void> apply_operation(Context& ctx, const Operation& op) {
  const json::value* value = op.value ? &*op.value : nullptr;
  if (op.op != OpKind::Remove && !value)
    return Error::invalid(std::string(op_name(op.op)) + " needs a 'value'", "invalidSyntax");
  if (!op.path) {
    if (op.op == OpKind::Remove) return detail::no_target("remove needs a 'path' (RFC 7644 3.5.2.2)");
    if (!value->is_object())
      return detail::invalid_value("Without a 'path', 'value' must be an object of attributes");
    return apply_pathless(ctx, op.op, value->get_object());
  }
  if (const schema::Schema* s = detail::schema_named(ctx.type, op.path_text))
    return apply_schema_urn(ctx, op.op, *s, value);
  auto target = detail::resolve_target(ctx, *op.path, op.path_text);
  if (!target) return target.error();
  return apply_to(ctx, op.op, *target, value);
}

Result<PatchOutcome> run(const schema::Registry& registry, const schema::ResourceType& type,
                         const json::object& resource, const PatchRequest& request, const PatchOptions& options) {
  json::object doc = resource;
  detail::MemberFold members;
  Context ctx{registry, type, registry.lookup_for(type), doc, options.members_separate, members};
  detail::list_extensions(ctx);

  for (std::size_t i = 0; i < request.operations.size(); ++i) {
    const Operation& op = request.operations[i];
    if (auto ok = apply_operation(ctx, op); !ok) {
      Error e = ok.error();
      e.detail = "Operations[" + std::to_string(i) + "] (" + op_name(op.op) +
                 (op.path ? " " + detail::quoted(op.path_text) : std::string()) + "): " + e.detail;
      return e;
    }
  }
  detail::list_extensions(ctx);

  auto patched = schema::validate_resource(registry, type, doc, schema::Mode::Replace, &resource);
  if (!patched) {
    Error e = patched.error();
    e.detail = "The patched resource is not valid: " + e.detail;
    return e;
  }
  PatchOutcome out;
  out.resource = std::move(*patched);
  auto before = schema::validate_resource(registry, type, resource, schema::Mode::Create);
  out.changed = before ? *before != out.resource : resource != out.resource;
  out.members = members.delta();
  out.owned_filter = members.take_filter();
  return out;
}

}  // namespace

Result<PatchOutcome> apply_patch(const schema::Registry& registry, const schema::ResourceType& type,
                                 const json::object& resource, const PatchRequest& request,
                                 const PatchOptions& options) {
  try {
    return run(registry, type, resource, request, options);
  } catch (const std::exception& e) {
    return Error::internal(std::string("PATCH failed: ") + e.what());
  }
}

}  // namespace kestra::scim::patch
