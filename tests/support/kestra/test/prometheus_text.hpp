// A strict reader of the Prometheus text exposition format 0.0.4, for tests
// of GET /metrics: it checks what a scraper relies on and returns the
// samples, or the first problem found (with its line).
//
// Checked: every line is "# HELP name text", "# TYPE name type" or a sample
// "name{label="value",...} value"; HELP and TYPE at most once per metric and
// before its samples; a metric's lines in one group; names and label names
// well formed, label values escaped only as \\, \" and \n; no two samples
// with one name and label set; counters not negative; per histogram series,
// buckets by increasing "le" ending at +Inf, cumulative, with the +Inf
// bucket equal to _count, and a _sum.
#pragma once

#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kestra::test {

struct PromSample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
};

struct PromText {
    std::vector<PromSample> samples;
    std::map<std::string, std::string> types;  // metric -> counter / gauge / histogram / ...
    std::map<std::string, std::string> help;
    std::string error;  // empty when the text is valid

    // The value of the sample with exactly this name and these labels.
    std::optional<double> value(std::string_view name, const std::map<std::string, std::string>& labels = {}) const {
        for (const auto& s : samples)
            if (s.name == name && s.labels == labels) return s.value;
        return std::nullopt;
    }
    // Every sample of that name.
    std::vector<PromSample> all(std::string_view name) const {
        std::vector<PromSample> out;
        for (const auto& s : samples)
            if (s.name == name) out.push_back(s);
        return out;
    }
};

namespace prom_detail {

inline bool name_char(char c, bool first, bool colon) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':') ||
           (!first && c >= '0' && c <= '9');
}

// Reads a metric or label name at `at`; empty when there is none.
inline std::string read_name(std::string_view line, std::size_t& at, bool colon) {
    const std::size_t start = at;
    while (at < line.size() && name_char(line[at], at == start, colon)) ++at;
    return std::string(line.substr(start, at - start));
}

inline std::optional<double> read_value(std::string_view text) {
    if (text == "+Inf") return HUGE_VAL;
    if (text == "-Inf") return -HUGE_VAL;
    if (text == "NaN") return NAN;
    if (text.empty()) return std::nullopt;
    const std::string copy(text);
    char* end = nullptr;
    const double v = std::strtod(copy.c_str(), &end);
    if (end != copy.c_str() + copy.size()) return std::nullopt;
    if (copy.find_first_of("xXpP") != std::string::npos) return std::nullopt;  // no hex floats
    return v;
}

inline std::string family_of(const std::string& sample, const std::map<std::string, std::string>& types) {
    if (types.count(sample)) return sample;
    for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
        if (sample.size() > suffix.size() && sample.ends_with(suffix)) {
            const std::string base = sample.substr(0, sample.size() - suffix.size());
            auto it = types.find(base);
            if (it != types.end() && (it->second == "histogram" || it->second == "summary")) return base;
        }
    }
    return {};
}

}  // namespace prom_detail

inline PromText parse_prometheus_text(std::string_view text) {
    using namespace prom_detail;
    PromText out;
    if (!text.empty() && text.back() != '\n') {
        out.error = "the text does not end with a line feed";
        return out;
    }
    std::set<std::string> closed;   // families whose group of lines has ended
    std::string current;            // family of the previous line
    std::set<std::pair<std::string, std::map<std::string, std::string>>> seen;
    std::size_t number = 0;
    const auto fail = [&](std::string_view line, const std::string& why) {
        out.error = "line " + std::to_string(number) + " (" + std::string(line) + "): " + why;
        return out;
    };
    const auto enter = [&](const std::string& family) -> bool {
        if (family == current) return true;
        if (closed.count(family)) return false;
        if (!current.empty()) closed.insert(current);
        current = family;
        return true;
    };
    while (!text.empty()) {
        const std::size_t eol = text.find('\n');
        const std::string_view line = text.substr(0, eol);
        text.remove_prefix(eol + 1);
        ++number;
        if (line.empty()) return fail(line, "empty line");
        if (line.front() == '#') {
            const bool is_help = line.starts_with("# HELP ");
            const bool is_type = line.starts_with("# TYPE ");
            if (!is_help && !is_type) continue;  // a comment
            std::size_t at = 7;
            const std::string name = read_name(line, at, true);
            if (name.empty()) return fail(line, "no metric name");
            if (!enter(name)) return fail(line, "metric " + name + " continues after other metrics");
            if (is_help) {
                if (at < line.size() && line[at] != ' ') return fail(line, "bad HELP");
                const std::string_view help = at < line.size() ? line.substr(at + 1) : std::string_view();
                for (std::size_t i = 0; i < help.size(); ++i) {
                    if (help[i] != '\\') continue;
                    if (i + 1 == help.size() || (help[i + 1] != '\\' && help[i + 1] != 'n'))
                        return fail(line, "bad escape in HELP");
                    ++i;
                }
                if (!out.help.emplace(name, std::string(help)).second) return fail(line, "second HELP for " + name);
            } else {
                if (at >= line.size() || line[at] != ' ') return fail(line, "bad TYPE");
                const std::string type(line.substr(at + 1));
                if (type != "counter" && type != "gauge" && type != "histogram" && type != "summary" &&
                    type != "untyped")
                    return fail(line, "unknown type " + type);
                if (out.types.count(name)) return fail(line, "second TYPE for " + name);
                for (const auto& s : out.samples)
                    if (family_of(s.name, {{name, type}}) == name) return fail(line, "TYPE after samples");
                out.types.emplace(name, type);
            }
            continue;
        }
        PromSample sample;
        std::size_t at = 0;
        sample.name = read_name(line, at, true);
        if (sample.name.empty()) return fail(line, "no metric name");
        if (at < line.size() && line[at] == '{') {
            ++at;
            while (at < line.size() && line[at] != '}') {
                const std::string label = read_name(line, at, false);
                if (label.empty() || label.starts_with("__")) return fail(line, "bad label name");
                if (line.substr(at, 2) != "=\"") return fail(line, "label " + label + " without =\"");
                at += 2;
                std::string value;
                for (;;) {
                    if (at >= line.size()) return fail(line, "unterminated label value");
                    const char c = line[at++];
                    if (c == '"') break;
                    if (c != '\\') {
                        value += c;
                        continue;
                    }
                    if (at >= line.size()) return fail(line, "unterminated escape");
                    const char e = line[at++];
                    if (e == '\\') value += '\\';
                    else if (e == '"') value += '"';
                    else if (e == 'n') value += '\n';
                    else return fail(line, "bad escape in a label value");
                }
                if (!sample.labels.emplace(label, value).second) return fail(line, "label " + label + " twice");
                if (at < line.size() && line[at] == ',') ++at;
                else if (at >= line.size() || line[at] != '}') return fail(line, "bad label list");
            }
            if (at >= line.size()) return fail(line, "unterminated label list");
            ++at;
        }
        if (at >= line.size() || line[at] != ' ') return fail(line, "no value");
        std::string_view rest = line.substr(at + 1);
        const std::size_t space = rest.find(' ');
        const auto value = read_value(rest.substr(0, space));
        if (!value) return fail(line, "bad value");
        if (space != std::string_view::npos) {
            const std::string_view stamp = rest.substr(space + 1);
            if (stamp.empty() || stamp.find_first_not_of("-0123456789") != std::string_view::npos)
                return fail(line, "bad timestamp");
        }
        sample.value = *value;
        const std::string family = family_of(sample.name, out.types);
        if (family.empty()) return fail(line, "sample of a metric without TYPE");
        if (!enter(family)) return fail(line, "metric " + family + " continues after other metrics");
        const std::string& type = out.types.at(family);
        if (type == "histogram" && sample.name == family) return fail(line, "a histogram sample needs a suffix");
        if (type == "histogram" && sample.name == family + "_bucket" && !sample.labels.count("le"))
            return fail(line, "a bucket without le");
        if (type == "counter" && !(sample.value >= 0)) return fail(line, "a negative counter");
        if (!seen.emplace(sample.name, sample.labels).second) return fail(line, "the same sample twice");
        out.samples.push_back(std::move(sample));
    }

    // Histograms, per label set.
    for (const auto& [family, type] : out.types) {
        if (type != "histogram") continue;
        std::map<std::map<std::string, std::string>, std::vector<std::pair<double, double>>> buckets;
        for (const auto& s : out.samples) {
            if (s.name != family + "_bucket") continue;
            auto labels = s.labels;
            const auto le = read_value(labels.at("le"));
            if (!le) {
                out.error = family + ": bad le " + labels.at("le");
                return out;
            }
            labels.erase("le");
            buckets[labels].emplace_back(*le, s.value);
        }
        for (const auto& [labels, list] : buckets) {
            for (std::size_t i = 1; i < list.size(); ++i) {
                if (!(list[i].first > list[i - 1].first) || list[i].second < list[i - 1].second) {
                    out.error = family + ": buckets not increasing";
                    return out;
                }
            }
            const auto count = out.value(family + "_count", labels);
            if (list.empty() || !std::isinf(list.back().first) || !count || *count != list.back().second ||
                !out.value(family + "_sum", labels)) {
                out.error = family + ": +Inf bucket, _count or _sum missing or inconsistent";
                return out;
            }
        }
    }
    return out;
}

}  // namespace kestra::test
