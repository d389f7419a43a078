// Shared by the fuzz targets: the embedded SCIM schemas, loaded once.
#pragma once

#include "scim/schema/registry.hpp"

#include <cstdlib>
#include <utility>

namespace kestra::fuzz {

// The registry every target validates and evaluates against; a broken
// build (schemas that do not load) aborts at once.
inline scim::schema::Registry load_registry() {
  auto loaded = scim::schema::Registry::load();
  if (!loaded) std::abort();
  return std::move(*loaded);
}

}  // namespace kestra::fuzz
