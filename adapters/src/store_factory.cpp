#include "kestra/adapters/store_factory.hpp"

#include "kestra/adapters/jdbc_url.hpp"

#include "dialect_factory.hpp"
#include "mysql_dialect.hpp"
#include "postgres_dialect.hpp"
#include "soci_store.hpp"
#include "sqlite_dialect.hpp"

#include <exception>
#include <string>

namespace kestra::adapters {
namespace {

constexpr int kMaxPoolSize = 256;
constexpr int kMaxTimeoutMs = 24 * 3600 * 1000;

// Checks what every backend uses, before anything touches the disk.
Result<void> validate(const ports::StoreConfig& config) {
  if (config.pool_size < 1 || config.pool_size > kMaxPoolSize) {
    return Error::invalid("pool_size must be between 1 and " + std::to_string(kMaxPoolSize) + ", not " +
                          std::to_string(config.pool_size));
  }
  if (config.busy_timeout_ms < 0) {
    return Error::invalid("busy_timeout_ms must not be negative, not " + std::to_string(config.busy_timeout_ms));
  }
  if (config.statement_timeout_ms < 0 || config.statement_timeout_ms > kMaxTimeoutMs) {
    return Error::invalid("statement_timeout_ms must be between 0 and a day, not " +
                          std::to_string(config.statement_timeout_ms));
  }
  if (config.socket_timeout_ms && (*config.socket_timeout_ms < 0 || *config.socket_timeout_ms > kMaxTimeoutMs)) {
    return Error::invalid("socket_timeout_ms must be between 0 and a day, not " +
                          std::to_string(*config.socket_timeout_ms));
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<Dialect>> make_dialect(const ports::StoreConfig& config) {
  auto valid = validate(config);
  if (!valid) return valid.error();
  if (config.backend == "sqlite") return make_sqlite_dialect(config);
  if (config.backend == "postgresql") return make_postgres_dialect(config);
  if (config.backend == "mysql") return make_mysql_dialect(config);
  return Error::invalid("unknown store backend '" + config.backend + "'; expected sqlite, postgresql or mysql");
}

Result<std::unique_ptr<ports::Store>> open_store(const ports::StoreConfig& config, const ports::Metrics& metrics) {
  try {
    auto resolved = resolve_datasource(config);
    if (!resolved) return resolved.error();
    auto dialect = make_dialect(*resolved);
    if (!dialect) return dialect.error();
    return SociStore::open(std::move(*dialect), *resolved, metrics);
  } catch (const std::exception& e) {
    return Error::internal(std::string("cannot open the store: ") + e.what());
  } catch (...) {
    return Error::internal("cannot open the store: unknown exception");
  }
}

}  // namespace kestra::adapters
