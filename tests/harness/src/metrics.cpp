#include "metrics.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>

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

// Well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF),
// as the text format requires of label values.
bool valid_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t extra = 0;
        std::uint32_t code = 0;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            extra = 1;
            code = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2;
            code = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3;
            code = c & 0x07;
        } else {
            return false;
        }
        if (text.size() - i <= extra) return false;
        for (std::size_t k = 1; k <= extra; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80) return false;
            code = (code << 6) | (next & 0x3F);
        }
        if ((extra == 2 && (code < 0x800 || (code >= 0xD800 && code <= 0xDFFF))) ||
            (extra == 3 && (code < 0x10000 || code > 0x10FFFF)))
            return false;
        i += extra + 1;
    }
    return true;
}

std::string number(double value) {
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

std::string escape_help(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
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

bool MetricsRegistry::clashes(std::string_view name, Type type) const {
    constexpr std::array<std::string_view, 3> suffixes{"_bucket", "_sum", "_count"};
    for (std::string_view suffix : suffixes) {
        // A histogram's samples against an existing metric of that name...
        if (type == Type::histogram && families_.contains(std::string(name) + std::string(suffix))) return true;
        // ...and a metric named like an existing histogram's samples.
        if (name.size() > suffix.size() && name.ends_with(suffix)) {
            const auto base = families_.find(name.substr(0, name.size() - suffix.size()));
            if (base != families_.end() && base->second.type == Type::histogram) return true;
        }
    }
    return false;
}

MetricsRegistry::Series* MetricsRegistry::series_for(std::string_view name, std::span<const LabelView> labels,
                                                     Type type, std::string_view help) {
    if (labels.size() > max_labels) return nullptr;
    std::array<LabelView, max_labels> sorted_storage;
    const std::span<LabelView> sorted(sorted_storage.data(), labels.size());
    std::copy(labels.begin(), labels.end(), sorted.begin());
    std::sort(sorted.begin(), sorted.end());

    auto family = families_.find(name);
    if (family != families_.end() && family->second.type != type) return nullptr;
    if (family != families_.end()) {
        const auto series = family->second.series.find(sorted);
        if (series != family->second.series.end()) return &series->second;
    }

    // A new series: check what it would render.
    if (!valid_name(name, true)) return nullptr;
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        const std::string_view label = sorted[i].first;
        if (!valid_name(label, false) || label.starts_with("__")) return nullptr;
        if (type == Type::histogram && label == "le") return nullptr;
        if (i > 0 && sorted[i - 1].first == label) return nullptr;
        if (!valid_utf8(sorted[i].second)) return nullptr;
    }
    if (series_count_ >= max_series) return nullptr;
    if (family == families_.end()) {
        if (clashes(name, type)) return nullptr;
        family = families_.emplace(std::string(name), Family{type, std::string(help), {}}).first;
    }
    Labels stored;
    stored.reserve(sorted.size());
    for (const auto& [label, value] : sorted) stored.emplace_back(label, value);
    ++series_count_;
    auto series = family->second.series.emplace(std::move(stored), Series{}).first;
    if (type == Type::histogram) series->second.buckets.assign(bucket_bounds.size(), 0);
    return &series->second;
}

bool MetricsRegistry::counter_add(std::string_view name, std::span<const LabelView> labels, double value,
                                  std::string_view help) {
    if (!std::isfinite(value) || value < 0) return false;
    std::lock_guard lock(mutex_);
    Series* series = series_for(name, labels, Type::counter, help);
    if (!series) return false;
    series->value += value;
    return true;
}

bool MetricsRegistry::gauge_set(std::string_view name, std::span<const LabelView> labels, double value,
                                std::string_view help) {
    if (!std::isfinite(value)) return false;
    std::lock_guard lock(mutex_);
    Series* series = series_for(name, labels, Type::gauge, help);
    if (!series) return false;
    series->value = value;
    return true;
}

bool MetricsRegistry::histogram_observe(std::string_view name, std::span<const LabelView> labels, double value,
                                        std::string_view help) {
    if (!std::isfinite(value)) return false;
    std::lock_guard lock(mutex_);
    Series* series = series_for(name, labels, Type::histogram, help);
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
        if (!family.help.empty()) out += "# HELP " + name + " " + escape_help(family.help) + "\n";
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
