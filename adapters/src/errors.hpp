// Turns the exceptions SOCI and the standard library throw into Errors.
#pragma once

#include "core/result.hpp"
#include "dialect.hpp"

#include <exception>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace kestra::adapters {
namespace detail {

template <class T>
struct AsResult {
  using type = Result<T>;
};
template <class T>
struct AsResult<Result<T>> {
  using type = Result<T>;
};

}  // namespace detail

// Thrown by adapter code for a condition that waiting may clear (a lock
// another process holds too long): guarded() makes it Unavailable.
class UnavailableError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Runs `body` and returns what it returns (a value, void or a Result), or
// an Error whose detail is `action` ("cannot record tenant 'acme'") followed
// by the cause of the exception, counted in the dialect's metrics.
template <class F>
auto guarded(const Dialect& dialect, const std::string& action, F&& body)
    -> typename detail::AsResult<std::invoke_result_t<F&>>::type {
  try {
    if constexpr (std::is_void_v<std::invoke_result_t<F&>>) {
      body();
      return {};
    } else {
      return body();
    }
  } catch (const soci::soci_error& e) {
    const ErrorKind kind = dialect.classify(e);
    dialect.metrics().db_error(kind == ErrorKind::Unavailable    ? ports::DbError::Unavailable
                               : kind == ErrorKind::InvalidInput ? ports::DbError::InvalidInput
                                                                 : ports::DbError::Internal);
    return Error{kind, action + ": " + e.get_error_message(), {}};
  } catch (const UnavailableError& e) {
    dialect.metrics().db_error(ports::DbError::Unavailable);
    return Error::unavailable(action + ": " + e.what());
  } catch (const std::exception& e) {
    dialect.metrics().db_error(ports::DbError::Internal);
    return Error::internal(action + ": " + e.what());
  } catch (...) {
    dialect.metrics().db_error(ports::DbError::Internal);
    return Error::internal(action + ": unknown exception");
  }
}

}  // namespace kestra::adapters
