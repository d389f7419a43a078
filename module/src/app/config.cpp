#include "app/config.hpp"

#include <charconv>
#include <thread>

namespace kestra::app {
namespace {

Result<int> positive_int(const ConfigSource& source, std::string_view key, int fallback) {
  auto text = source.get(key);
  if (!text) return fallback;
  int value = 0;
  const auto* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end || value <= 0) {
    return Error::invalid(std::string(key) + " must be a positive whole number, not '" + *text + "'");
  }
  return value;
}

}  // namespace

Result<ModuleConfig> load_config(const ConfigSource& source) {
  auto tenants = source.get(kTenantsEnabledKey);
  if (!tenants || (*tenants != "true" && *tenants != "TRUE" && *tenants != "True")) {
    return Error::invalid("SCIM provisioning requires multi-tenancy: set " + std::string(kTenantsEnabledKey) +
                          ": true in the host configuration");
  }
  ModuleConfig config;
  if (auto url = source.get("kestra.url")) config.public_url = *url;
  if (auto path = source.get("kestra.scim.sqlite.path")) config.store.sqlite_path = *path;
  if (auto pepper = source.get("kestra.scim.token.pepper")) config.token_pepper = *pepper;

  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto pool = positive_int(source, "kestra.scim.datasource.pool-size", std::max(4, 2 * cores));
  auto max_results = positive_int(source, "kestra.scim.filter.max-results", config.max_results);
  auto bulk_ops = positive_int(source, "kestra.scim.bulk.max-operations", config.bulk_max_operations);
  auto bulk_bytes = positive_int(source, "kestra.scim.bulk.max-payload-size", config.bulk_max_payload_bytes);
  for (const auto* r : {&pool, &max_results, &bulk_ops, &bulk_bytes}) {
    if (r->has_error()) return r->error();
  }
  config.store.pool_size = *pool;
  config.max_results = *max_results;
  config.bulk_max_operations = *bulk_ops;
  config.bulk_max_payload_bytes = *bulk_bytes;
  return config;
}

}  // namespace kestra::app
