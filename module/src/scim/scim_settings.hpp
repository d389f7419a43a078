// What the SCIM endpoint is configured with; app/ reads it from the host's
// configuration (app/config.hpp names the keys).
#pragma once

#include "http/json_body.hpp"
#include "http/public_address.hpp"
#include "scim/filter/parser.hpp"

namespace kestra::scim {

struct ScimSettings {
  http::AddressPolicy addresses;  // the base of absolute URLs
  int max_results = 1000;         // a list page at most; ServiceProviderConfig filter.maxResults
  int bulk_max_operations = 1000;
  int bulk_max_payload_bytes = 1048576;
  http::JsonLimits json;          // of a request body
  filter::Limits filter;          // of list filters and PATCH paths
};

}  // namespace kestra::scim
