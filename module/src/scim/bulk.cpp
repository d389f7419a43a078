#include "scim/bulk.hpp"

#include "scim/error_response.hpp"
#include "scim/filter/ast.hpp"
#include "scim/filter/patch_path.hpp"
#include "scim/patch/quirks/case_insensitive_names.hpp"

#include <boost/json.hpp>

#include <cctype>
#include <map>

namespace kestra::scim::bulk {
namespace json = boost::json;

namespace {

constexpr std::string_view kBulkRequestSchema = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
constexpr std::string_view kBulkResponseSchema = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";
constexpr std::string_view kBulkIdPrefix = "bulkId:";

// Replaces "bulkId:x" strings by the ids created so far; false when one is
// not created yet.
bool resolve_references(json::value& v, const std::map<std::string, std::string>& created) {
  if (v.is_string()) {
    std::string_view s = v.as_string();
    if (!s.starts_with(kBulkIdPrefix)) return true;
    auto it = created.find(std::string(s.substr(kBulkIdPrefix.size())));
    if (it == created.end()) return false;
    v = it->second;
    return true;
  }
  bool ok = true;
  if (v.is_array()) {
    for (auto& e : v.as_array()) ok = resolve_references(e, created) && ok;
  } else if (v.is_object()) {
    for (auto& kv : v.as_object()) ok = resolve_references(kv.value(), created) && ok;
  }
  return ok;
}

bool resolve_path(std::string& path, const std::map<std::string, std::string>& created) {
  const auto at = path.find(kBulkIdPrefix);
  if (at == std::string::npos) return true;
  const auto end = path.find('/', at);
  const auto key = path.substr(at + kBulkIdPrefix.size(), end == std::string::npos ? std::string::npos : end - at - kBulkIdPrefix.size());
  auto it = created.find(key);
  if (it == created.end()) return false;
  path = path.substr(0, at) + it->second + (end == std::string::npos ? std::string() : path.substr(end));
  return true;
}

json::object failed_result(const Operation& op, const Error& error) {
  const auto e = error_response(error);
  json::object result{{"method", op.method}, {"status", std::to_string(e.status)}, {"response", json::parse(e.body)}};
  if (!op.bulk_id.empty()) result["bulkId"] = op.bulk_id;
  return result;
}

}  // namespace

Result<Request> parse(const json::object& body, std::size_t max_operations) {
  Request request;
  std::int64_t& fail_on_errors = request.fail_on_errors;
  bool listed = false;
  if (const auto* schemas = body.if_contains("schemas"); schemas && schemas->is_array()) {
    for (const auto& s : schemas->as_array()) listed = listed || (s.is_string() && s.as_string() == kBulkRequestSchema);
  }
  if (!listed) return Error::invalid("'schemas' must list " + std::string(kBulkRequestSchema), "invalidSyntax");
  fail_on_errors = 0;
  if (const auto* f = body.if_contains("failOnErrors"); f && !f->is_null()) {
    if (!f->is_int64() || f->as_int64() < 0) {
      return Error::invalid("'failOnErrors' must be a non-negative integer", "invalidValue");
    }
    fail_on_errors = f->as_int64();
  }
  const auto* ops = body.if_contains("Operations");
  if (!ops || !ops->is_array() || ops->as_array().empty()) {
    return Error::invalid("'Operations' must be a non-empty array", "invalidSyntax");
  }
  if (ops->as_array().size() > max_operations) {
    return Error{ErrorKind::PayloadTooLarge,
                 "the request has " + std::to_string(ops->as_array().size()) + " operations; at most " +
                     std::to_string(max_operations) + " are allowed",
                 {}};
  }
  std::vector<Operation>& out = request.operations;
  for (const auto& item : ops->as_array()) {
    if (!item.is_object()) return Error::invalid("each operation must be a JSON object", "invalidSyntax");
    const auto& o = item.as_object();
    Operation op;
    const auto text = [&](std::string_view key) -> std::string {
      const auto* v = o.if_contains(key);
      return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    op.method = text("method");
    for (auto& c : op.method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    op.bulk_id = text("bulkId");
    op.path = text("path");
    if (const auto* v = o.if_contains("version"); v && v->is_string()) op.version = std::string(v->as_string());
    if (const auto* d = o.if_contains("data")) op.data = *d;
    if (op.method != "POST" && op.method != "PUT" && op.method != "PATCH" && op.method != "DELETE") {
      return Error::invalid("operation method must be POST, PUT, PATCH or DELETE, not '" + op.method + "'",
                            "invalidValue");
    }
    if (op.method == "POST" && op.bulk_id.empty()) {
      return Error::invalid("a POST operation needs a bulkId", "invalidValue");
    }
    if (op.path.empty() || op.path.front() != '/') {
      return Error::invalid("operation path must start with '/', e.g. /Users", "invalidPath");
    }
    out.push_back(std::move(op));
  }
  return request;
}

// The filter node limit holds for the whole Bulk: the paths of its PATCH
// operations together.
Result<void> check_filter_nodes(const std::vector<Operation>& ops, const filter::Limits& limits) {
  std::size_t nodes = 0;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const auto* data = ops[i].data.if_object();
    const auto* operations = data ? patch::quirks::find_any_case(*data, "Operations") : nullptr;
    if (ops[i].method != "PATCH" || !operations || !operations->is_array()) continue;
    for (const auto& item : operations->get_array()) {
      const auto* object = item.if_object();
      const auto* path = object ? patch::quirks::find_any_case(*object, "path") : nullptr;
      if (!path || !path->is_string()) continue;
      auto parsed = filter::parse_patch_path(path->get_string(), limits);
      if (!parsed || !parsed->value_filter) continue;  // the operation itself reports a bad path
      nodes += filter::node_count(*parsed->value_filter);
      if (nodes > limits.max_nodes)
        return Error::invalid("the filters of the Bulk's operations hold more than " +
                                  std::to_string(limits.max_nodes) + " nodes together (reached at Operations[" +
                                  std::to_string(i) + "]); send fewer or simpler filters in one request",
                              "invalidPath");
    }
  }
  return {};
}

Response run(const Request& request, const std::string& base, const Runner& run_one) {
  const auto& ops = request.operations;
  const std::int64_t fail_on_errors = request.fail_on_errors;
  std::map<std::string, std::string> created;  // bulkId -> id
  std::vector<std::optional<json::object>> results(ops.size());
  std::int64_t errors = 0;
  bool unavailable = false;  // an operation found the database away
  bool progress = true;
  std::size_t done = 0;
  const Error not_attempted = Error::unavailable("not attempted: an earlier operation found the database unavailable");
  // Operations run in order; one that refers to a bulkId not created yet
  // waits for a later pass, so forward references resolve too.
  while (progress && done < ops.size() && (fail_on_errors == 0 || errors < fail_on_errors)) {
    progress = false;
    for (std::size_t i = 0; i < ops.size(); ++i) {
      if (results[i] || (fail_on_errors != 0 && errors >= fail_on_errors)) continue;
      auto op = ops[i];
      if (!resolve_path(op.path, created) || !resolve_references(op.data, created)) continue;
      progress = true;
      ++done;
      const auto slash = op.path.find('/', 1);
      const std::string endpoint = op.path.substr(0, slash);
      const std::string id = slash == std::string::npos ? std::string() : op.path.substr(slash + 1);
      // Each would wait for the database in turn: the request would take
      // as many timeouts as it has operations.
      const http::Response res = unavailable ? error_response(not_attempted) : run_one(op, endpoint, id);
      unavailable = unavailable || res.status == 503;
      json::object result{{"method", op.method}, {"status", std::to_string(res.status)}};
      if (!op.bulk_id.empty()) result["bulkId"] = op.bulk_id;
      for (const auto& [name, value] : res.headers) {
        if (name == "Location") result["location"] = value;
        if (name == "ETag") result["version"] = value;
      }
      if (res.status >= 400) {
        ++errors;
        boost::system::error_code ec;
        auto error_body = json::parse(res.body, ec);
        if (!ec) result["response"] = std::move(error_body);
      } else {
        if (!result.contains("location") && !id.empty()) result["location"] = base + endpoint + "/" + id;
        if (op.method == "POST") {
          // The created resource's id ends its Location.
          for (const auto& [name, value] : res.headers) {
            if (name == "Location") created[op.bulk_id] = value.substr(value.rfind('/') + 1);
          }
        }
      }
      results[i] = std::move(result);
    }
  }

  json::array out;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (results[i]) {
      out.push_back(std::move(*results[i]));
    } else if (fail_on_errors == 0 || errors < fail_on_errors) {
      // Never resolved: it refers to a bulkId that no operation created
      // (when the database went away, retrying the request may create it).
      out.push_back(failed_result(
          ops[i], unavailable ? not_attempted
                              : Error::conflict("operation refers to a bulkId that no operation of this request created",
                                                "invalidValue")));
    }
  }
  return {json::object{{"schemas", json::array{kBulkResponseSchema}}, {"Operations", std::move(out)}}, unavailable};
}

}  // namespace kestra::scim::bulk
