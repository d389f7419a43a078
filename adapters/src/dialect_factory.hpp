// The dialect of a configured backend (sqlite, postgresql, mysql).
#pragma once

#include "core/result.hpp"
#include "dialect.hpp"
#include "ports/store.hpp"

#include <memory>

namespace kestra::adapters {

// Checks what every backend uses (pool size, timeouts), then the backend's
// own settings; touches nothing (SQLite: creates the file's directory).
Result<std::unique_ptr<Dialect>> make_dialect(const ports::StoreConfig& config);

}  // namespace kestra::adapters
