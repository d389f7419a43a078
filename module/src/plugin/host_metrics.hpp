// ports::Metrics over the host's "kestra.metrics/1" extension, taken at
// create.  A host without it (or with an older, smaller table) gets a
// Metrics that records nothing.  Every label is a borrowed view built on the
// stack: recording allocates nothing on the module's side.
#pragma once

#include "kestra_plugin.h"
#include "ports/metrics.hpp"

namespace kestra::plugin {

class HostMetrics final : public ports::Metrics {
 public:
  // Names of what is reported.
  static constexpr std::string_view kRequests = "kestra_scim_requests_total";
  static constexpr std::string_view kRequestDuration = "kestra_scim_request_duration_seconds";
  static constexpr std::string_view kRateLimited = "kestra_scim_rate_limited_total";
  static constexpr std::string_view kLastRequest = "kestra_scim_integration_last_request_timestamp_seconds";
  static constexpr std::string_view kPoolInUse = "kestra_scim_db_pool_in_use";
  static constexpr std::string_view kPoolSize = "kestra_scim_db_pool_size";
  static constexpr std::string_view kDbErrors = "kestra_scim_db_errors_total";

  // [main] `host` outlives this object.  Reports every database error kind
  // at 0, so that each series exists before its first error.
  explicit HostMetrics(const kestra_host* host);

  bool enabled() const { return counter_add_ != nullptr; }

  void scim_request(const ports::ScimRequestSample& sample) const override;
  void rate_limited(std::string_view tenant, std::string_view integration) const override;
  void integration_request(std::string_view tenant, std::string_view integration, double unix_seconds) const override;
  void db_pool_in_use(std::size_t sessions) const override;
  void db_pool_size(std::size_t sessions) const override;
  void db_error(ports::DbError kind) const override;

 private:
  using RecordFn = void (*)(const kestra_host*, kestra_str, const kestra_pair*, size_t, double);

  const kestra_host* host_;
  // All three, or none (metrics off).
  RecordFn counter_add_ = nullptr;
  RecordFn gauge_set_ = nullptr;
  RecordFn histogram_observe_ = nullptr;
};

}  // namespace kestra::plugin
