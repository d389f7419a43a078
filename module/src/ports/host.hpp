// What the services need from the host, independent of the C ABI: plugin/
// implements it over the host's callbacks.
#pragma once

#include <string_view>

namespace kestra::ports {

enum class LogLevel { Debug, Info, Warn, Error };

class HostPort {
 public:
  virtual ~HostPort() = default;
  virtual void log(LogLevel level, std::string_view message) const = 0;
  virtual bool tenant_exists(std::string_view tenant) const = 0;
  virtual void emit_event(std::string_view type, std::string_view tenant, std::string_view subject,
                          std::string_view payload_json) const = 0;
};

}  // namespace kestra::ports
