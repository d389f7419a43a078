// Opens the configured database: connects a pool of sessions and brings the
// schema up to date.  Never throws; every failure comes back as an Error.
#pragma once

#include "core/result.hpp"
#include "ports/metrics.hpp"
#include "ports/store.hpp"

#include <memory>

namespace kestra::adapters {

// Unavailable when the database cannot be reached or created (or another
// host holds the migration lock too long), InvalidInput for a bad
// configuration, Internal otherwise (e.g. a schema newer than this module).
// Pool use and database errors are reported to `metrics`, which must
// outlive the store.
Result<std::unique_ptr<ports::Store>> open_store(const ports::StoreConfig& config,
                                                 const ports::Metrics& metrics = ports::no_metrics());

}  // namespace kestra::adapters
