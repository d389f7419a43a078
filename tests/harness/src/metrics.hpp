// In-memory counters, gauges and histograms, rendered as Prometheus text.
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kestra::harness {

class MetricsRegistry {
public:
    using Labels = std::vector<std::pair<std::string, std::string>>;
    using LabelView = std::pair<std::string_view, std::string_view>;

    // At most this many labels on one series.
    static constexpr std::size_t max_labels = 16;

    // [thread-safe] Each returns false (and records nothing) for an invalid
    // name or label (a label value must be UTF-8), a negative counter
    // increment, a non-finite value, a name already used with another metric
    // type, or a name whose samples would clash with another metric's (a
    // histogram "x" renders x_bucket, x_sum and x_count).  Recording into an
    // existing series allocates nothing.
    // `help` becomes the metric's HELP text when the call creates it.
    bool counter_add(std::string_view name, std::span<const LabelView> labels, double value,
                     std::string_view help = {});
    bool gauge_set(std::string_view name, std::span<const LabelView> labels, double value,
                   std::string_view help = {});
    bool histogram_observe(std::string_view name, std::span<const LabelView> labels, double value,
                           std::string_view help = {});

    bool counter_add(std::string_view name, std::initializer_list<LabelView> labels, double value,
                     std::string_view help = {}) {
        return counter_add(name, std::span<const LabelView>(labels.begin(), labels.size()), value, help);
    }
    bool histogram_observe(std::string_view name, std::initializer_list<LabelView> labels, double value,
                           std::string_view help = {}) {
        return histogram_observe(name, std::span<const LabelView>(labels.begin(), labels.size()), value, help);
    }

    // Prometheus text exposition format 0.0.4: per metric a "# HELP" line
    // (when it has a text; \\ and \n escaped), a "# TYPE" line, then its
    // samples; label values escaped (\\, \", \n).
    std::string render() const;

private:
    enum class Type { counter, gauge, histogram };
    struct Series {
        double value = 0;  // counter / gauge
        std::vector<std::uint64_t> buckets;
        double sum = 0;
        std::uint64_t count = 0;
    };
    // Orders stored labels and looked-up views alike, so that finding an
    // existing series copies nothing.
    struct LabelsLess {
        using is_transparent = void;
        template <class A, class B>
        bool operator()(const A& a, const B& b) const {
            return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                                [](const auto& x, const auto& y) {
                                                    const LabelView xv{x.first, x.second};
                                                    const LabelView yv{y.first, y.second};
                                                    return xv < yv;
                                                });
        }
    };
    struct Family {
        Type type;
        std::string help;
        std::map<Labels, Series, LabelsLess> series;
    };

    Series* series_for(std::string_view name, std::span<const LabelView> labels, Type type, std::string_view help);
    bool clashes(std::string_view name, Type type) const;

    mutable std::mutex mutex_;
    std::map<std::string, Family, std::less<>> families_;
    std::size_t series_count_ = 0;
};

}  // namespace kestra::harness
