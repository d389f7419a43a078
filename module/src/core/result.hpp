// Errors as values between layers.  One place (scim/error_response) maps an
// Error to an HTTP response; nothing below the handlers knows HTTP.
#pragma once

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <string>
#include <utility>

namespace kestra {

enum class ErrorKind {
  InvalidInput,        // 400
  Unauthorized,        // 401
  Forbidden,           // 403
  NotFound,            // 404
  MethodNotAllowed,    // 405
  Conflict,            // 409
  PreconditionFailed,  // 412
  PayloadTooLarge,     // 413
  UnsupportedMediaType,  // 415
  TooManyRequests,     // 429
  Internal,            // 500 (detail never shown to the client)
  NotImplemented,      // 501
  Unavailable,         // 503
};

struct Error {
  ErrorKind kind = ErrorKind::Internal;
  std::string detail;     // a sentence a person can act on
  std::string scim_type;  // RFC 7644 3.12 scimType, when one applies

  static Error invalid(std::string detail, std::string scim_type = {}) {
    return {ErrorKind::InvalidInput, std::move(detail), std::move(scim_type)};
  }
  static Error not_found(std::string detail) { return {ErrorKind::NotFound, std::move(detail), {}}; }
  static Error conflict(std::string detail, std::string scim_type = "uniqueness") {
    return {ErrorKind::Conflict, std::move(detail), std::move(scim_type)};
  }
  static Error internal(std::string detail) { return {ErrorKind::Internal, std::move(detail), {}}; }
  static Error unavailable(std::string detail) { return {ErrorKind::Unavailable, std::move(detail), {}}; }
};

// Lets boost::system::result<T, Error>::value() throw when misused.
[[noreturn]] void throw_exception_from_error(const Error& e, const boost::source_location& loc);

template <class T>
using Result = boost::system::result<T, Error>;

}  // namespace kestra
