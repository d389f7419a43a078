// MySQL 8 and MariaDB 10.11: a pool of sessions through SOCI's linked
// MySQL backend.
#pragma once

#include "core/result.hpp"
#include "dialect.hpp"
#include "ports/store.hpp"

#include <memory>

namespace kestra::adapters {

// Checks the connection settings of `config` (without connecting).
Result<std::unique_ptr<Dialect>> make_mysql_dialect(const ports::StoreConfig& config);

}  // namespace kestra::adapters
