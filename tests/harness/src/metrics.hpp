// In-memory counters, gauges and histograms, rendered as Prometheus text.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kestra::harness {

class MetricsRegistry {
public:
    using Labels = std::vector<std::pair<std::string, std::string>>;

    // [thread-safe] Each returns false (and records nothing) for an invalid
    // name or label, a negative counter increment, a non-finite value, or a
    // name already used with another metric type.
    bool counter_add(std::string_view name, Labels labels, double value);
    bool gauge_set(std::string_view name, Labels labels, double value);
    bool histogram_observe(std::string_view name, Labels labels, double value);

    // Prometheus text exposition format 0.0.4.
    std::string render() const;

private:
    enum class Type { counter, gauge, histogram };
    struct Series {
        double value = 0;  // counter / gauge
        std::vector<std::uint64_t> buckets;
        double sum = 0;
        std::uint64_t count = 0;
    };
    struct Family {
        Type type;
        std::map<Labels, Series> series;
    };

    Series* series_for(std::string_view name, Labels& labels, Type type);

    mutable std::mutex mutex_;
    std::map<std::string, Family, std::less<>> families_;
    std::size_t series_count_ = 0;
};

}  // namespace kestra::harness
