// RFC 7644 3.7 Bulk: the request parsed and checked, its operations run in
// order (a "bulkId:x" in a path or a value resolved to the id the POST of
// bulkId x created; an operation that refers to one not created yet waits
// for a later pass, so forward references resolve too), failOnErrors
// honoured, the BulkResponse built.  What one operation does is the
// caller's: a Runner answering it as the HTTP endpoint would.
#pragma once

#include "core/result.hpp"
#include "http/http.hpp"
#include "scim/filter/parser.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kestra::scim::bulk {

struct Operation {
  std::string method;  // POST | PUT | PATCH | DELETE
  std::string bulk_id;
  std::string path;    // "/Users", "/Groups/{id}", ...
  std::optional<std::string> version;  // If-Match
  boost::json::value data;
};

struct Request {
  std::vector<Operation> operations;
  std::int64_t fail_on_errors = 0;  // 0: run them all
};

// The BulkRequest `body`; InvalidInput (invalidSyntax, invalidValue,
// invalidPath) or PayloadTooLarge past `max_operations`.
Result<Request> parse(const boost::json::object& body, std::size_t max_operations);

// The filter node limit holds for the whole Bulk: the paths of its PATCH
// operations together (invalidPath).
Result<void> check_filter_nodes(const std::vector<Operation>& ops, const filter::Limits& limits);

// One operation, its references resolved: `endpoint` is "/Users" of
// "/Users/{id}", `id` the rest ("" for a collection).  A POST answers its
// resource's URL in a Location header, the id as its last segment.
using Runner = std::function<http::Response(const Operation& op, const std::string& endpoint, const std::string& id)>;

struct Response {
  boost::json::object body;  // the BulkResponse
  bool unavailable = false;  // an operation found the database away (Retry-After)
};

// Runs the operations in order through `run_one`; once one answers 503 the
// rest are not attempted.  `base`: the SCIM base URL, for locations.
Response run(const Request& request, const std::string& base, const Runner& run_one);

}  // namespace kestra::scim::bulk
