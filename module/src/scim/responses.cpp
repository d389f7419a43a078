#include "scim/responses.hpp"

#include "scim/error_response.hpp"
#include "scim/etag.hpp"

#include <boost/json.hpp>

namespace kestra::scim {
namespace json = boost::json;

namespace {

// A list envelope up to its first resource.
std::string list_head(std::int64_t total, std::int64_t start_index, std::size_t items,
                      const std::optional<std::string>& next_cursor) {
  json::object head{{"schemas", json::array{kListResponseSchema}},
                    {"totalResults", total},
                    {"startIndex", start_index},
                    {"itemsPerPage", static_cast<std::int64_t>(items)}};
  if (next_cursor) head["nextCursor"] = *next_cursor;
  std::string text = json::serialize(head);
  text.pop_back();
  text += ",\"Resources\":[";
  return text;
}

}  // namespace

http::Response scim_json(int status, std::string body) {
  http::Response res;
  res.status = status;
  res.body = std::move(body);
  res.with_header("Content-Type", std::string(kContentType));
  return res;
}

http::Response scim_json(int status, const json::object& body) { return scim_json(status, json::serialize(body)); }

http::Response fail(const Error& e) { return error_response(e); }

Error method_not_allowed(std::string_view method) {
  return {ErrorKind::MethodNotAllowed, "method " + std::string(method) + " is not allowed on this endpoint", {}};
}

Error method_not_allowed(const http::Request& req) { return method_not_allowed(req.method); }

// A list envelope with resources already rendered as JSON text.
std::string list_response(std::int64_t total, std::int64_t start_index, const std::vector<std::string>& resources,
                          const std::optional<std::string>& next_cursor) {
  std::string text = list_head(total, start_index, resources.size(), next_cursor);
  for (std::size_t i = 0; i < resources.size(); ++i) {
    if (i) text += ',';
    text += resources[i];
  }
  text += "]}";
  return text;
}

// A resource's whole text.
Result<std::string> written(const BodyWriter& body) {
  std::string text;
  auto ok = body([&](std::string_view piece) {
    text.append(piece);
    return true;
  });
  if (!ok) return ok.error();
  return text;
}

// A list whose resources go out one after the other as they are rendered
// (a group with its members is read while it is written), so that a page
// is never held whole.
http::Response streamed_list(std::int64_t total, std::int64_t start_index, std::vector<BodyWriter> resources,
                             const std::optional<std::string>& next_cursor) {
  http::Response res = scim_json(200, std::string());
  res.producer = [head = list_head(total, start_index, resources.size(), next_cursor),
                  resources = std::move(resources)](const http::BodySink& sink) -> Result<void> {
    if (!sink(head)) return {};
    for (std::size_t i = 0; i < resources.size(); ++i) {
      if (i && !sink(",")) return {};
      if (auto ok = resources[i](sink); !ok) return ok;
    }
    (void)sink("]}");
    return {};
  };
  return res;
}

// 429 with the Retry-After of `wait`.
http::Response too_many(const std::string& why, std::chrono::seconds wait) {
  auto res = fail({ErrorKind::TooManyRequests, why + "; retry after " + std::to_string(wait.count()) + " s", {}});
  for (auto& [name, value] : res.headers) {
    if (name == "Retry-After") value = std::to_string(wait.count());
  }
  return res;
}

// A bodiless answer (204, or 304 for a matching If-None-Match), with its ETag when known.
http::Response bodiless(int status, std::string_view etag) {
  http::Response res;
  res.status = status;
  if (!etag.empty()) res.with_header("ETag", std::string(etag));
  return res;
}

bool not_modified(const http::Request& req, std::string_view etag) {
  auto none_match = req.header("If-None-Match");
  return req.method == "GET" && none_match && etag_listed(*none_match, etag);
}

}  // namespace kestra::scim
