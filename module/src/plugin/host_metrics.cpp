#include "plugin/host_metrics.hpp"

#include "plugin/abi_bridge.hpp"

#include <charconv>
#include <cstddef>

namespace kestra::plugin {
namespace {

kestra_pair label(std::string_view name, std::string_view value) { return kestra_pair{to_str(name), to_str(value)}; }

}  // namespace

HostMetrics::HostMetrics(const kestra_host* host) : host_(host) {
  const auto* table = static_cast<const kestra_host_metrics*>(host->get_extension(host, KESTRA_EXT_METRICS));
  if (table == nullptr ||
      !has_field(table->struct_size, offsetof(kestra_host_metrics, histogram_observe) + sizeof(void*)) ||
      !table->counter_add || !table->gauge_set || !table->histogram_observe) {
    return;
  }
  counter_add_ = table->counter_add;
  gauge_set_ = table->gauge_set;
  histogram_observe_ = table->histogram_observe;
  for (auto kind : {ports::DbError::PoolExhausted, ports::DbError::Connection, ports::DbError::Unavailable,
                    ports::DbError::InvalidInput, ports::DbError::Internal}) {
    const kestra_pair labels[] = {label("kind", ports::db_error_name(kind))};
    counter_add_(host_, to_str(kDbErrors), labels, 1, 0);
  }
}

void HostMetrics::scim_request(const ports::ScimRequestSample& sample) const {
  if (!enabled()) return;
  char status[16];
  const auto written = std::to_chars(status, status + sizeof status, sample.status);
  const std::string_view resource = ports::resource_name(sample.resource);
  const std::string_view method = ports::method_name(sample.method);
  const kestra_pair labels[] = {label("tenant", sample.tenant), label("resource", resource), label("method", method),
                                label("status", std::string_view(status, written.ptr))};
  counter_add_(host_, to_str(kRequests), labels, 4, 1);
  histogram_observe_(host_, to_str(kRequestDuration), labels + 1, 2, sample.seconds);
}

void HostMetrics::rate_limited(std::string_view tenant, std::string_view integration) const {
  if (!enabled()) return;
  const kestra_pair labels[] = {label("tenant", tenant), label("integration", integration)};
  counter_add_(host_, to_str(kRateLimited), labels, 2, 1);
}

void HostMetrics::integration_request(std::string_view tenant, std::string_view integration,
                                      double unix_seconds) const {
  if (!enabled()) return;
  const kestra_pair labels[] = {label("tenant", tenant), label("integration", integration)};
  gauge_set_(host_, to_str(kLastRequest), labels, 2, unix_seconds);
}

void HostMetrics::db_pool_in_use(std::size_t sessions) const {
  if (!enabled()) return;
  gauge_set_(host_, to_str(kPoolInUse), nullptr, 0, static_cast<double>(sessions));
}

void HostMetrics::db_pool_size(std::size_t sessions) const {
  if (!enabled()) return;
  gauge_set_(host_, to_str(kPoolSize), nullptr, 0, static_cast<double>(sessions));
}

void HostMetrics::db_error(ports::DbError kind) const {
  if (!enabled()) return;
  const kestra_pair labels[] = {label("kind", ports::db_error_name(kind))};
  counter_add_(host_, to_str(kDbErrors), labels, 1, 1);
}

}  // namespace kestra::plugin
