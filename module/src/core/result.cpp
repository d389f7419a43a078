#include "core/result.hpp"

#include <stdexcept>

namespace kestra {

void throw_exception_from_error(const Error& e, const boost::source_location&) {
  throw std::runtime_error("unchecked error result: " + e.detail);
}

}  // namespace kestra
