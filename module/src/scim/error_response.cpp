#include "scim/error_response.hpp"

#include "core/utf8.hpp"

#include <boost/json.hpp>

namespace kestra::scim {
namespace {

// Server-side failures are told to the client in general terms (the cause,
// which may name the database and its address, goes to the host's log).
// Other details may quote client text: bytes that are not UTF-8 would make
// the answer invalid JSON.
std::string client_detail(const Error& error) {
  if (error.kind == ErrorKind::Internal) return "internal server error";
  if (error.kind == ErrorKind::Unavailable) return "the service is temporarily unavailable; retry later";
  return utf8::sanitized(error.detail);
}

bool server_side(const Error& error) {
  return error.kind == ErrorKind::Internal || error.kind == ErrorKind::Unavailable;
}

}  // namespace

int http_status(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::InvalidInput: return 400;
    case ErrorKind::Unauthorized: return 401;
    case ErrorKind::Forbidden: return 403;
    case ErrorKind::NotFound: return 404;
    case ErrorKind::MethodNotAllowed: return 405;
    case ErrorKind::Conflict: return 409;
    case ErrorKind::PreconditionFailed: return 412;
    case ErrorKind::PayloadTooLarge: return 413;
    case ErrorKind::UnsupportedMediaType: return 415;
    case ErrorKind::TooManyRequests: return 429;
    case ErrorKind::Internal: return 500;
    case ErrorKind::NotImplemented: return 501;
    case ErrorKind::Unavailable: return 503;
  }
  return 500;
}

http::Response error_response(const Error& error) {
  const int status = http_status(error.kind);
  boost::json::object body;
  body["schemas"] = boost::json::array{kErrorSchema};
  body["status"] = std::to_string(status);
  if (!error.scim_type.empty() && error.kind != ErrorKind::Internal) body["scimType"] = error.scim_type;
  body["detail"] = client_detail(error);
  http::Response res;
  res.status = status;
  res.body = boost::json::serialize(body);
  res.with_header("Content-Type", std::string(kContentType));
  if (server_side(error)) res.log_detail = error.detail;
  if (error.kind == ErrorKind::Unauthorized) res.with_header("WWW-Authenticate", "Bearer realm=\"kestra-scim\"");
  if (error.kind == ErrorKind::Unavailable || error.kind == ErrorKind::TooManyRequests) {
    res.with_header("Retry-After", "1");
  }
  return res;
}

http::Response admin_error_response(const Error& error) {
  const int status = http_status(error.kind);
  boost::json::object body;
  body["status"] = status;
  body["message"] = client_detail(error);
  http::Response res;
  res.status = status;
  res.body = boost::json::serialize(body);
  res.with_header("Content-Type", "application/json");
  if (server_side(error)) res.log_detail = error.detail;
  return res;
}

}  // namespace kestra::scim
