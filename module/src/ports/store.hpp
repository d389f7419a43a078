// Storage ports: what the domain needs from a database.  Implemented in
// adapters/ (SOCI: SQLite, PostgreSQL, MySQL/MariaDB).
#pragma once

#include "core/result.hpp"
#include "ports/provisioning_store.hpp"
#include "ports/resource_store.hpp"

#include <memory>
#include <string>

namespace kestra::ports {

// Where and how to open the store; filled from the host configuration.
struct StoreConfig {
  std::string backend = "sqlite";   // sqlite | postgresql | mysql
  std::string sqlite_path = "data/kestra-scim.db";
  std::string connection;           // SOCI connection string for server backends
  int pool_size = 4;
  int busy_timeout_ms = 10000;
};

class Store {
 public:
  virtual ~Store() = default;

  // The schema version the database is at after migrations.
  virtual int schema_version() const = 0;

  // Records that the module has bootstrapped `tenant`; true when it is new.
  virtual Result<bool> ensure_tenant(const std::string& tenant) = 0;

  // Removes everything the module holds for `tenant`.
  virtual Result<void> remove_tenant(const std::string& tenant) = 0;

  // The repositories, sharing this store's connections.
  virtual ProvisioningStore& provisioning() = 0;
  virtual UserStore& users() = 0;
  virtual GroupStore& groups() = 0;
};

}  // namespace kestra::ports
