// The one place where an Error becomes an HTTP response (RFC 7644 3.12).
#pragma once

#include "core/result.hpp"
#include "http/http.hpp"

namespace kestra::scim {

inline constexpr std::string_view kContentType = "application/scim+json";
inline constexpr std::string_view kErrorSchema = "urn:ietf:params:scim:api:messages:2.0:Error";

int http_status(ErrorKind kind);

// A SCIM error response.  Internal errors carry a fixed text: their detail is
// for the log, never for the client.
http::Response error_response(const Error& error);

// A JSON error for the admin API: {"message": ..., "status": ...}.
http::Response admin_error_response(const Error& error);

}  // namespace kestra::scim
