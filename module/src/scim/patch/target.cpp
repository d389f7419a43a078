// Resolving a PATCH path against the schemas.
#include "core/text.hpp"
#include "scim/patch/detail.hpp"

#include "scim/filter/render.hpp"
#include "scim/patch/quirks/unqualified_extension.hpp"

#include <type_traits>
#include <variant>

namespace kestra::scim::patch::detail {
namespace {

Result<void> check_filter_names(const filter::Node& node, const filter::AttrPath& parent, bool primitive,
                                const filter::AttributeLookup& lookup, std::string_view text) {
  auto check = [&](const filter::AttrPath& path) -> Result<void> {
    if (lookup(path, &parent)) return {};
    // A primitive element is addressed as "value" (`tags[value eq "x"]`, RFC 7644 errata 7122).
    if (primitive && path.urn.empty() && path.sub_attribute.empty() && iequals(path.attribute, "value"))
      return {};
    return invalid_path("The filter of " + quoted(text) + " names " + quoted(filter::to_string(path)) +
                        ", which is no sub-attribute of " + quoted(parent.attribute));
  };
  return std::visit(
      [&](const auto& n) -> Result<void> {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, filter::Compare> || std::is_same_v<T, filter::Present>) {
          return check(n.path);
        } else if constexpr (std::is_same_v<T, filter::And> || std::is_same_v<T, filter::Or>) {
          if (auto r = check_filter_names(*n.left, parent, primitive, lookup, text); !r) return r;
          return check_filter_names(*n.right, parent, primitive, lookup, text);
        } else if constexpr (std::is_same_v<T, filter::Not>) {
          return check_filter_names(*n.inner, parent, primitive, lookup, text);
        } else {
          return invalid_path("The filter of " + quoted(text) + " nests a value filter");
        }
      },
      node.value);
}

}  // namespace

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }
Error invalid_path(std::string detail) { return Error::invalid(std::move(detail), "invalidPath"); }
Error invalid_value(std::string detail) { return Error::invalid(std::move(detail), "invalidValue"); }
Error no_target(std::string detail) { return Error::invalid(std::move(detail), "noTarget"); }
Error mutability(std::string detail) { return Error::invalid(std::move(detail), "mutability"); }

filter::AttrPath Target::parent_path() const {
  filter::AttrPath p;
  if (resolved.extension) p.urn = resolved.schema->id;
  p.attribute = resolved.attribute->name;
  return p;
}

const schema::Schema* schema_named(const schema::ResourceType& type, std::string_view text) {
  if (iequals(text, type.schema->id)) return type.schema;
  if (auto* ext = type.extension(text)) return ext->schema;
  return nullptr;
}

Result<Target> resolve_target(const Context& ctx, const filter::PatchPath& path, std::string_view text) {
  const filter::AttrPath& p = path.attribute;
  auto resolved = ctx.registry.resolve(ctx.type, p.urn, p.attribute, p.sub_attribute);
  if (!resolved) resolved = quirks::resolve_in_single_extension(ctx.registry, ctx.type, p);
  if (!resolved) return invalid_path("Unknown attribute " + quoted(text) + " for " + ctx.type.name);

  Target target;
  target.resolved = *resolved;
  target.text = std::string(text);
  if (!path.value_filter) return target;

  const schema::Attribute& a = *resolved->attribute;
  if (!a.multi_valued)
    return invalid_path("A value filter selects elements of a multi-valued attribute; " + quoted(a.name) +
                        " is single-valued");
  if (auto ok = check_filter_names(*path.value_filter, target.parent_path(), a.type != schema::Type::Complex, ctx.lookup,
                                   text); !ok)
    return ok.error();
  target.filter = path.value_filter.get();
  if (path.sub_attribute_after_filter.empty()) return target;
  target.element_sub = a.sub_attribute(path.sub_attribute_after_filter);
  if (!target.element_sub)
    return invalid_path("Unknown sub-attribute " + quoted(path.sub_attribute_after_filter) + " of " +
                        quoted(a.name) + " in " + quoted(text));
  return target;
}

filter::NodePtr clone(const filter::Node& node) {
  auto out = std::make_unique<filter::Node>();
  std::visit(
      [&](const auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, filter::Compare> || std::is_same_v<T, filter::Present>) {
          out->value = n;
        } else if constexpr (std::is_same_v<T, filter::And> || std::is_same_v<T, filter::Or>) {
          out->value = T{clone(*n.left), clone(*n.right)};
        } else if constexpr (std::is_same_v<T, filter::Not>) {
          out->value = filter::Not{clone(*n.inner)};
        } else {
          out->value = filter::ValuePath{n.path, n.filter ? clone(*n.filter) : nullptr};
        }
      },
      node.value);
  return out;
}

}  // namespace kestra::scim::patch::detail
