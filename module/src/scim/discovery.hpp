// Discovery documents (RFC 7644 4): ServiceProviderConfig, loaded once from
// resources/scim/ and completed with the configured limits.
#pragma once

#include "core/result.hpp"
#include "scim/scim_settings.hpp"

#include <boost/json/object.hpp>

#include <string_view>

namespace kestra::scim {

class Discovery {
 public:
  static Result<Discovery> load(const ScimSettings& settings);

  // The ServiceProviderConfig with meta.location set to `location`.
  boost::json::object service_provider_config(std::string_view location) const;

 private:
  boost::json::object service_provider_config_;
};

}  // namespace kestra::scim
