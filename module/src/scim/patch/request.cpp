// parse_patch_request: the PatchOp envelope (RFC 7644 3.5.2).
#include "core/text.hpp"
#include "scim/patch/patch.hpp"

#include "scim/patch/quirks/case_insensitive_names.hpp"

#include <exception>

namespace kestra::scim::patch {
namespace {

namespace json = boost::json;

Error invalid_syntax(std::string detail) { return Error::invalid(std::move(detail), "invalidSyntax"); }

std::string where(std::size_t index) { return "Operations[" + std::to_string(index) + "]"; }

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

Result<Operation> parse_operation(const json::value& item, std::size_t index, const filter::Limits& path_limits) {
  const auto* object = item.if_object();
  if (!object) return invalid_syntax(where(index) + " must be a JSON object");

  const json::value* op_value = nullptr;
  for (const auto& kv : *object) {
    if (!iequals(kv.key(), "op")) continue;
    if (op_value) return invalid_syntax(where(index) + " has more than one 'op'");
    op_value = &kv.value();
  }
  if (!op_value || !op_value->is_string())
    return invalid_syntax(where(index) + " needs an 'op': \"add\", \"remove\" or \"replace\"");
  auto kind = quirks::op_kind_from_name(op_value->get_string());
  if (!kind)
    return invalid_syntax(where(index) + " has op '" + std::string(op_value->get_string()) +
                          "'; it must be \"add\", \"remove\" or \"replace\"");

  Operation op;
  op.op = *kind;
  if (const json::value* path = quirks::find_any_case(*object, "path"); path && !path->is_null()) {
    if (!path->is_string()) return Error::invalid(where(index) + ": 'path' must be a string", "invalidPath");
    op.path_text = std::string(trimmed(path->get_string()));
    auto parsed = filter::parse_patch_path(op.path_text, path_limits);
    if (!parsed) return Error::invalid(where(index) + ": " + parsed.error().detail, "invalidPath");
    op.path = std::move(*parsed);
  }
  if (const json::value* value = quirks::find_any_case(*object, "value")) op.value = *value;

  switch (op.op) {
    case OpKind::Remove:
      if (!op.path) return Error::invalid(where(index) + ": remove needs a 'path' (RFC 7644 3.5.2.2)", "noTarget");
      break;
    case OpKind::Add:
    case OpKind::Replace:
      if (!op.value) return invalid_syntax(where(index) + ": " + (op.op == OpKind::Add ? "add" : "replace") +
                                           " needs a 'value'");
      if (!op.path && !op.value->is_object())
        return Error::invalid(where(index) + ": without a 'path', 'value' must be an object of attributes",
                              "invalidValue");
      break;
  }
  return op;
}

}  // namespace

Result<PatchRequest> parse_patch_request(const json::object& body, std::size_t max_operations,
                                         const filter::Limits& path_limits) {
  try {
    const json::value* schemas = quirks::find_any_case(body, "schemas");
    bool listed = false;
    if (schemas && schemas->is_array()) {
      for (const auto& s : schemas->get_array()) listed = listed || (s.is_string() && iequals(s.get_string(), kPatchOpUrn));
    }
    if (!listed) return invalid_syntax("'schemas' must list " + std::string(kPatchOpUrn));

    const json::value* operations = quirks::find_any_case(body, "Operations");
    if (!operations || !operations->is_array())
      return invalid_syntax("The request needs an 'Operations' array (RFC 7644 3.5.2)");
    const auto& items = operations->get_array();
    if (items.empty()) return invalid_syntax("'Operations' is empty: give at least one operation");
    if (items.size() > max_operations)
      return Error::invalid("'Operations' holds " + std::to_string(items.size()) + " operations; at most " +
                                std::to_string(max_operations) + " are accepted in one request",
                            "invalidValue");

    PatchRequest request;
    request.operations.reserve(items.size());
    // The filter node limit holds for the whole request, not each path.
    std::size_t nodes = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
      auto op = parse_operation(items[i], i, path_limits);
      if (!op) return op.error();
      if (op->path && op->path->value_filter) nodes += filter::node_count(*op->path->value_filter);
      if (nodes > path_limits.max_nodes)
        return Error::invalid("the filters of 'Operations' hold more than " + std::to_string(path_limits.max_nodes) +
                                  " nodes together (reached at " + where(i) +
                                  "); send fewer or simpler filters in one request",
                              "invalidPath");
      request.operations.push_back(std::move(*op));
    }
    return request;
  } catch (const std::exception& e) {
    return Error::internal(std::string("PATCH request parsing failed: ") + e.what());
  }
}

}  // namespace kestra::scim::patch
