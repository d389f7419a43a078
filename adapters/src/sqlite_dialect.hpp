// SQLite, the embedded default: one file shared by a pool of sessions in WAL
// mode.
#pragma once

#include "core/result.hpp"
#include "dialect.hpp"
#include "ports/store.hpp"

#include <memory>

namespace kestra::adapters {

// Checks config.sqlite_path and creates its parent directory if missing.
Result<std::unique_ptr<Dialect>> make_sqlite_dialect(const ports::StoreConfig& config);

}  // namespace kestra::adapters
