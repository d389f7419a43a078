// A ports::HostPort that records what the services tell the host: log lines
// and events.  Every tenant exists unless listed in `missing_tenants`.
#pragma once

#include "ports/host.hpp"

#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace kestra::test::fakes {

struct RecordedEvent {
  std::string type;
  std::string tenant;
  std::string subject;
  std::string payload_json;
};

class RecordingHost final : public ports::HostPort {
 public:
  std::set<std::string> missing_tenants;

  void log(ports::LogLevel, std::string_view message) const override {
    std::lock_guard lock(mutex_);
    logs_.emplace_back(message);
  }
  bool tenant_exists(std::string_view tenant) const override {
    return missing_tenants.count(std::string(tenant)) == 0;
  }
  void emit_event(std::string_view type, std::string_view tenant, std::string_view subject,
                  std::string_view payload_json) const override {
    std::lock_guard lock(mutex_);
    events_.push_back({std::string(type), std::string(tenant), std::string(subject), std::string(payload_json)});
  }

  std::vector<std::string> logs() const {
    std::lock_guard lock(mutex_);
    return logs_;
  }
  std::vector<RecordedEvent> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    logs_.clear();
    events_.clear();
  }

 private:
  mutable std::mutex mutex_;
  mutable std::vector<std::string> logs_;
  mutable std::vector<RecordedEvent> events_;
};

}  // namespace kestra::test::fakes
