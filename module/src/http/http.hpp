// Plain HTTP request/response values: what handlers see.  Built from the
// ABI request by plugin/, and by tests directly; no Beast, no ABI here.
#pragma once

#include "core/result.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kestra::http {

struct Principal {
  std::string subject;
  bool superadmin = false;
  std::vector<std::string> tenants;

  bool administers(std::string_view tenant) const;
};

struct Request {
  std::string_view method;
  std::string_view path;
  std::string_view query;  // raw, undecoded
  std::string_view body;
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::vector<std::pair<std::string_view, std::string_view>> params;
  const Principal* principal = nullptr;  // admin routes only
  std::string_view request_id;
  std::string_view scheme = "http";
  std::string_view remote_address;  // the peer, as the host saw it

  // Case-insensitive header lookup (first occurrence).
  std::optional<std::string_view> header(std::string_view name) const;
  // A path parameter of the route template; empty when absent.
  std::string_view param(std::string_view name) const;
};

// Takes the next piece of a produced body; false: the client went away, stop.
using BodySink = std::function<bool(std::string_view)>;
// Writes a body piece by piece into the sink, as it is read (a large group's
// members), so that it is never held whole.  An error before anything went
// out becomes the error's response; after, the host cuts the response short.
using BodyProducer = std::function<Result<void>(const BodySink&)>;

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, the body instead of `body`: called once, after the handler
  // returned, by whoever writes the response out (plugin/abi_bridge).
  BodyProducer producer;
  // Why a 5xx answer was given, for the host's log only: never sent.
  std::string log_detail;

  Response& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

using Handler = std::function<Response(const Request&)>;
// Looks at a request before its body is read (Request::body is empty): a
// Response refuses it, nullopt lets the host read the body and call the handler.
using Admission = std::function<std::optional<Response>(const Request&)>;

struct Route {
  std::string method;         // "GET" ... or "*"
  std::string path_template;  // with {name} segments
  bool admin = false;         // the host authenticates the caller
  Handler handler;
  Admission admit = nullptr;  // optional; the handler still makes the same checks
};

// Decodes an application/x-www-form-urlencoded query into name/value pairs.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);

}  // namespace kestra::http
