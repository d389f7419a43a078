// Storage ports: what the domain needs from a database.  Implemented in
// adapters/ (SOCI: SQLite, PostgreSQL, MySQL/MariaDB).
#pragma once

#include "core/result.hpp"
#include "ports/domain_claim_store.hpp"
#include "ports/provisioning_store.hpp"
#include "ports/resource_store.hpp"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kestra::ports {

// Where and how to open the store; filled from the host configuration
// (app/config: Kestra's datasources block).
struct StoreConfig {
  std::string backend = "sqlite";   // sqlite | postgresql | mysql
  std::string sqlite_path = "data/kestra-scim.db";

  // Server backends.  Either `connection`, a SOCI connection string of the
  // backend ("host=db port=5432 dbname=kestra ...", a leading
  // "postgresql://" or "mysql://" allowed), or the fields below; the fields
  // are quoted by the adapter, so any character is safe in them.
  std::string connection;
  std::string host;      // PostgreSQL: several, comma-separated, tried in order
  std::string port;      // empty: the backend's default; PostgreSQL: one per host
  std::string database;
  std::string user;
  std::string password;
  std::string schema;    // PostgreSQL: the schema (search_path) of the tables
  // Further connection options, by the backend's own names: PostgreSQL
  // sslmode, sslrootcert, sslcert, sslkey, connect_timeout,
  // application_name, target_session_attrs; MySQL ssl_mode, sslca, sslcert,
  // sslkey, connect_timeout, read_timeout, write_timeout, unix_socket.
  std::vector<std::pair<std::string, std::string>> options;

  // Kestra's datasource as configured (datasources.<name>.*), until the
  // adapters turn it into the fields above (adapters/jdbc_url.hpp).
  struct Datasource {
    std::string name;  // postgres | mysql
    std::string url;   // jdbc:postgresql:, jdbc:mysql: or jdbc:mariadb:
    std::optional<std::string> username;
    std::optional<std::string> password;
  };
  std::optional<Datasource> datasource;

  int pool_size = 4;
  int busy_timeout_ms = 10000;         // waiting for a pooled session; SQLite's busy timeout
  int statement_timeout_ms = 30000;    // every backend (SQLite: the connection interrupts it); 0: none
  // Server backends: how long a call may wait for the server's answer
  // before the client gives up on the connection (a server that accepts
  // but never answers); unset: the statement timeout and 5 s more (none
  // when there is no statement timeout); 0: none.
  std::optional<int> socket_timeout_ms;
};

class Store {
 public:
  virtual ~Store() = default;

  // The schema version the database is at after migrations.
  virtual int schema_version() const = 0;

  // What opening the store found worth a warning in the host's log, e.g. a
  // key the migrations could not recompute (table and id, no user data).
  virtual const std::vector<std::string>& open_warnings() const = 0;

  // Records that the module has bootstrapped `tenant`; true when it is new.
  virtual Result<bool> ensure_tenant(const std::string& tenant) = 0;

  // Removes everything the module holds for `tenant`.
  virtual Result<void> remove_tenant(const std::string& tenant) = 0;

  // The repositories, sharing this store's connections.
  virtual ProvisioningStore& provisioning() = 0;
  virtual UserStore& users() = 0;
  virtual GroupStore& groups() = 0;
  virtual DomainClaimStore& domain_claims() = 0;
};

}  // namespace kestra::ports
