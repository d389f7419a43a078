// Opens the configured database: connects a pool of sessions and brings the
// schema up to date.  Never throws; every failure comes back as an Error.
#pragma once

#include "core/result.hpp"
#include "ports/store.hpp"

#include <memory>

namespace kestra::adapters {

// Unavailable when the database cannot be reached or created (or another
// host holds the migration lock too long), InvalidInput for a bad
// configuration, Internal otherwise (e.g. a schema newer than this module).
Result<std::unique_ptr<ports::Store>> open_store(const ports::StoreConfig& config);

}  // namespace kestra::adapters
