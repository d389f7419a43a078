// The database a benchmark tool opens, from its command line:
//   --backend sqlite --sqlite-path FILE
//   --backend postgresql --connection "host=... port=... dbname=... user=... password=..." [--schema S]
//   --backend mysql --connection "host=... port=... db=... user=... password=..."
#pragma once

#include "cli.hpp"
#include "ports/store.hpp"

namespace kestra::bench {

inline ports::StoreConfig store_config(const Args& args, int sessions) {
  ports::StoreConfig config;
  config.backend = args.text("backend", "sqlite");
  config.sqlite_path = args.text("sqlite-path", config.sqlite_path);
  config.connection = args.text("connection", "");
  config.schema = args.text("schema", "");
  config.pool_size = sessions;
  config.statement_timeout_ms = 0;  // seeding a 100,000-member group is one long transaction
  return config;
}

}  // namespace kestra::bench
