// The module's configuration, read from the host by dotted key.
#pragma once

#include "core/result.hpp"
#include "ports/store.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace kestra::app {

// Read access to the host's configuration.
class ConfigSource {
 public:
  virtual ~ConfigSource() = default;
  virtual std::optional<std::string> get(std::string_view dotted_key) const = 0;
};

inline constexpr std::string_view kTenantsEnabledKey = "kestra.ee.tenants.enabled";

struct ModuleConfig {
  std::string public_url;        // kestra.url: public base URL, when set
  std::string token_pepper;      // kestra.scim.token.pepper: HMAC key for token hashes
  ports::StoreConfig store;
  int max_results = 1000;        // kestra.scim.filter.max-results
  int bulk_max_operations = 1000;         // kestra.scim.bulk.max-operations
  int bulk_max_payload_bytes = 1048576;   // kestra.scim.bulk.max-payload-size
};

// Fails when tenants are not enabled (naming the key) or a value is malformed.
Result<ModuleConfig> load_config(const ConfigSource& source);

}  // namespace kestra::app
