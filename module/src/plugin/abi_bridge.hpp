// Between the C ABI and the module's plain C++ types.  Everything here is
// called from inside exported functions that catch every exception.
#pragma once

#include "app/config.hpp"
#include "ports/host.hpp"
#include "http/http.hpp"
#include "kestra_plugin.h"

#include <string>
#include <string_view>

namespace kestra::plugin {

inline kestra_str to_str(std::string_view s) { return kestra_str{s.data(), s.size()}; }
inline std::string_view to_view(kestra_str s) { return s.ptr ? std::string_view(s.ptr, s.len) : std::string_view(); }

// True when `field_end` (offset + size of a field) lies within a struct the
// peer declared as `struct_size` bytes long.
inline bool has_field(uint32_t struct_size, std::size_t field_end) { return field_end <= struct_size; }

// The host table seen as HostPort and ConfigSource.
class HostBridge final : public ports::HostPort, public app::ConfigSource {
 public:
  explicit HostBridge(const kestra_host* host) : host_(host) {}

  void log(ports::LogLevel level, std::string_view message) const override;
  bool tenant_exists(std::string_view tenant) const override;
  void emit_event(std::string_view type, std::string_view tenant, std::string_view subject,
                  std::string_view payload_json) const override;
  std::optional<std::string> get(std::string_view dotted_key) const override;

  const kestra_host* raw() const { return host_; }

 private:
  const kestra_host* host_;
};

// A borrowed ABI request as an http::Request; `principal_storage` keeps the
// converted principal alive for the call.
http::Request to_request(const kestra_request& req, http::Principal& principal_storage);

// Writes a response through the host's callbacks.
kestra_status write_response(const kestra_response& res, const http::Response& response);

// The body of every route trampoline: calls the handler, and turns any
// exception into a 500 SCIM error.  Never throws.
kestra_status dispatch(const http::Handler& handler, const kestra_request* req, const kestra_response* res,
                       const HostBridge& host) noexcept;

// The body of every admit trampoline: writes the refusal, if any; nothing
// when the request may go on.  Never throws.
kestra_status dispatch_admission(const http::Admission& admit, const kestra_request* req, const kestra_response* res,
                                 const HostBridge& host) noexcept;

}  // namespace kestra::plugin
