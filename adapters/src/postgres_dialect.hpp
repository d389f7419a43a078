// PostgreSQL (15 and later): a pool of libpq sessions through SOCI's
// linked PostgreSQL backend.
#pragma once

#include "core/result.hpp"
#include "dialect.hpp"
#include "ports/store.hpp"

#include <memory>

namespace kestra::adapters {

// Checks the connection settings of `config` (without connecting).
Result<std::unique_ptr<Dialect>> make_postgres_dialect(const ports::StoreConfig& config);

}  // namespace kestra::adapters
