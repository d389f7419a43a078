#include "scim/discovery.hpp"

#include "kestra/resources.hpp"

#include <boost/json.hpp>

namespace kestra::scim {
namespace {

Result<boost::json::object> load_object(std::string_view path) {
  auto text = resources::find(path);
  if (!text) return Error::internal("resource missing: " + std::string(path));
  boost::system::error_code ec;
  auto value = boost::json::parse(*text, ec);
  if (ec || !value.is_object()) return Error::internal("resource is not a JSON object: " + std::string(path));
  return std::move(value.as_object());
}

}  // namespace

Result<Discovery> Discovery::load(const ScimSettings& settings) {
  auto spc = load_object("scim/ServiceProviderConfig.json");
  if (!spc) return spc.error();
  Discovery d;
  d.service_provider_config_ = std::move(*spc);
  auto& bulk = d.service_provider_config_["bulk"].as_object();
  if (bulk["supported"].as_bool()) {
    bulk["maxOperations"] = settings.bulk_max_operations;
    bulk["maxPayloadSize"] = settings.bulk_max_payload_bytes;
  }
  auto& filter = d.service_provider_config_["filter"].as_object();
  if (filter["supported"].as_bool()) filter["maxResults"] = settings.max_results;
  return d;
}

boost::json::object Discovery::service_provider_config(std::string_view location) const {
  auto doc = service_provider_config_;
  doc["meta"].as_object()["location"] = location;
  return doc;
}

}  // namespace kestra::scim
