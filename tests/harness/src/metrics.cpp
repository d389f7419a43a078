#include "metrics.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace kestra::harness {

namespace {

constexpr std::array<double, 11> bucket_bounds{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
constexpr std::size_t max_series = 10000;

bool valid_name(std::string_view name, bool allow_colon) {
    if (name.empty()) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                        (allow_colon && c == ':') || (i > 0 && c >= '0' && c <= '9');
        if (!ok) return false;
    }
    return true;
}

std::string number(double value) {
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

std::string escape_label(std::string_view value) {
    std::string out;
    for (char c : value) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

std::string label_text(const MetricsRegistry::Labels& labels, std::string_view extra_name = {},
                       std::string_view extra_value = {}) {
    std::string out;
    for (const auto& [name, value] : labels) {
        out += out.empty() ? "{" : ",";
        out += name + "=\"" + escape_label(value) + "\"";
    }
    if (!extra_name.empty()) {
        out += out.empty() ? "{" : ",";
        out += std::string(extra_name) + "=\"" + std::string(extra_value) + "\"";
    }
    if (!out.empty()) out += "}";
    return out;
}

}  // namespace

MetricsRegistry::Series* MetricsRegistry::series_for(std::string_view name, Labels& labels, Type type) {
    if (!valid_name(name, true)) return nullptr;
    std::sort(labels.begin(), labels.end());
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const auto& label = labels[i].first;
        if (!valid_name(label, false) || label.rfind("__", 0) == 0) return nullptr;
        if (type == Type::histogram && label == "le") return nullptr;
        if (i > 0 && labels[i - 1].first == label) return nullptr;
    }
    auto family = families_.find(name);
    if (family == families_.end()) family = families_.emplace(std::string(name), Family{type, {}}).first;
    if (family->second.type != type) return nullptr;
    auto series = family->second.series.find(labels);
    if (series == family->second.series.end()) {
        if (series_count_ >= max_series) return nullptr;
        ++series_count_;
        series = family->second.series.emplace(labels, Series{}).first;
        if (type == Type::histogram) series->second.buckets.assign(bucket_bounds.size(), 0);
    }
    return &series->second;
}

bool MetricsRegistry::counter_add(std::string_view name, Labels labels, double value) {
    if (!std::isfinite(value) || value < 0) return false;
    std::lock_guard lock(mutex_);
    Series* series = series_for(name, labels, Type::counter);
    if (!series) return false;
    series->value += value;
    return true;
}

bool MetricsRegistry::gauge_set(std::string_view name, Labels labels, double value) {
    if (!std::isfinite(value)) return false;
    std::lock_guard lock(mutex_);
    Series* series = series_for(name, labels, Type::gauge);
    if (!series) return false;
    series->value = value;
    return true;
}

bool MetricsRegistry::histogram_observe(std::string_view name, Labels labels, double value) {
    if (!std::isfinite(value)) return false;
    std::lock_guard lock(mutex_);
    Series* series = series_for(name, labels, Type::histogram);
    if (!series) return false;
    for (std::size_t i = 0; i < bucket_bounds.size(); ++i)
        if (value <= bucket_bounds[i]) ++series->buckets[i];
    series->sum += value;
    ++series->count;
    return true;
}

std::string MetricsRegistry::render() const {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& [name, family] : families_) {
        const char* type_name = family.type == Type::counter ? "counter"
                                : family.type == Type::gauge ? "gauge"
                                                             : "histogram";
        out += "# TYPE " + name + " " + type_name + "\n";
        for (const auto& [labels, series] : family.series) {
            if (family.type != Type::histogram) {
                out += name + label_text(labels) + " " + number(series.value) + "\n";
                continue;
            }
            for (std::size_t i = 0; i < bucket_bounds.size(); ++i)
                out += name + "_bucket" + label_text(labels, "le", number(bucket_bounds[i])) + " " +
                       std::to_string(series.buckets[i]) + "\n";
            out += name + "_bucket" + label_text(labels, "le", "+Inf") + " " + std::to_string(series.count) + "\n";
            out += name + "_sum" + label_text(labels) + " " + number(series.sum) + "\n";
            out += name + "_count" + label_text(labels) + " " + std::to_string(series.count) + "\n";
        }
    }
    return out;
}

}  // namespace kestra::harness
