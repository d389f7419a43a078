// Kestra's datasource (datasources.postgres / .mysql: a JDBC URL, username,
// password) as the store's server connection.
#pragma once

#include "core/result.hpp"
#include "ports/store.hpp"

#include <string_view>

namespace kestra::adapters {

// A JDBC URL as the server connection of `base`: jdbc:postgresql://h1[:p1][,h2[:p2]]/db?k=v&...,
// jdbc:mysql://[user[:password]@]host[:port]/db?k=v&... (or jdbc:mariadb:).  Honoured query
// parameters, PostgreSQL: user, password, currentSchema, sslmode, ssl, sslrootcert, sslcert,
// sslkey, connectTimeout, socketTimeout, ApplicationName, targetServerType; MySQL: user, password, sslMode,
// requireSSL, serverSslCert, connectTimeout, socketTimeout, localSocket.  Others are ignored.
// InvalidInput saying what is wrong (never echoing a password).
Result<ports::StoreConfig> store_config_from_jdbc(std::string_view url, ports::StoreConfig base = {});

// `config` with its datasource, if any, turned into the connection fields
// (the username and password keys win over the URL's); InvalidInput naming
// the key that is wrong.  open_store() does this first.
Result<ports::StoreConfig> resolve_datasource(ports::StoreConfig config);

}  // namespace kestra::adapters
