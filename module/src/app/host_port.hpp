// What the domain needs from the host, independent of the C ABI.
#pragma once

#include <string_view>

namespace kestra::app {

enum class LogLevel { Debug, Info, Warn, Error };

class HostPort {
 public:
  virtual ~HostPort() = default;
  virtual void log(LogLevel level, std::string_view message) const = 0;
  virtual bool tenant_exists(std::string_view tenant) const = 0;
  virtual void emit_event(std::string_view type, std::string_view tenant, std::string_view subject,
                          std::string_view payload_json) const = 0;
};

}  // namespace kestra::app
