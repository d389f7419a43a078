#include "router.hpp"

#include "text.hpp"

#include <algorithm>
#include <optional>

namespace kestra::harness {

namespace {

bool valid_method(std::string_view method) {
    if (method == "*") return true;
    if (method.empty() || method.size() > 32) return false;
    return std::all_of(method.begin(), method.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool valid_parameter_name(std::string_view name) {
    if (name.empty()) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
        if (!ok) return false;
    }
    return true;
}

// Splits "/a/b" into {"a","b"}; "/" into {}.  Segments may be empty.
std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> parts;
    if (path == "/") return parts;
    std::size_t start = 1;
    while (true) {
        const std::size_t slash = path.find('/', start);
        parts.push_back(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return parts;
}

}  // namespace

kestra_status Router::add(std::string_view method, std::string_view path_template, RouteTarget target) {
    if (!valid_method(method) || path_template.empty() || path_template.front() != '/')
        return KESTRA_ERR_INVALID_ARGUMENT;
    Entry entry{std::string(method), {}, std::move(target)};
    for (std::string_view part : split_path(path_template)) {
        if (part.empty() || part.find_first_of("?#") != std::string_view::npos) return KESTRA_ERR_INVALID_ARGUMENT;
        if (part.front() == '{') {
            if (part.back() != '}') return KESTRA_ERR_INVALID_ARGUMENT;
            const std::string_view name = part.substr(1, part.size() - 2);
            if (!valid_parameter_name(name)) return KESTRA_ERR_INVALID_ARGUMENT;
            const bool repeated = std::any_of(entry.segments.begin(), entry.segments.end(),
                                              [&](const Segment& s) { return s.parameter && s.text == name; });
            if (repeated) return KESTRA_ERR_INVALID_ARGUMENT;
            entry.segments.push_back({true, std::string(name)});
        } else {
            if (part.find_first_of("{}") != std::string_view::npos) return KESTRA_ERR_INVALID_ARGUMENT;
            entry.segments.push_back({false, std::string(part)});
        }
    }
    const auto same_shape = [&](const Entry& other) {
        if (other.method != entry.method || other.segments.size() != entry.segments.size()) return false;
        for (std::size_t i = 0; i < entry.segments.size(); ++i) {
            const Segment& a = entry.segments[i];
            const Segment& b = other.segments[i];
            if (a.parameter != b.parameter || (!a.parameter && a.text != b.text)) return false;
        }
        return true;
    };
    if (std::any_of(entries_.begin(), entries_.end(), same_shape)) return KESTRA_ERR_STATE;
    entries_.push_back(std::move(entry));
    return KESTRA_OK;
}

void Router::remove_module(const ModuleRecord* module) {
    std::erase_if(entries_, [&](const Entry& e) { return e.target.module == module; });
}

Router::Outcome Router::match(std::string_view method, std::string_view raw_path, Match& out) const {
    if (raw_path.empty() || raw_path.front() != '/') return Outcome::bad_path;
    // "/x/Users/" is "/x/Users", as clients (and most servers) take it.
    if (raw_path.size() > 1 && raw_path.back() == '/') raw_path.remove_suffix(1);
    std::vector<std::string> segments;
    for (std::string_view part : split_path(raw_path)) {
        auto decoded = percent_decode(part);
        if (!decoded) return Outcome::bad_path;
        segments.push_back(std::move(*decoded));
    }

    const Entry* best = nullptr;
    const auto more_specific = [](const Entry& a, const Entry& b) {
        for (std::size_t i = 0; i < a.segments.size(); ++i)
            if (a.segments[i].parameter != b.segments[i].parameter) return !a.segments[i].parameter;
        return a.method != "*" && b.method == "*";
    };
    out.allowed.clear();
    for (const Entry& entry : entries_) {
        if (entry.segments.size() != segments.size()) continue;
        bool path_matches = true;
        for (std::size_t i = 0; i < segments.size() && path_matches; ++i) {
            const Segment& s = entry.segments[i];
            path_matches = s.parameter ? !segments[i].empty() : s.text == segments[i];
        }
        if (!path_matches) continue;
        if (entry.method != "*" && entry.method != method) {
            out.allowed.push_back(entry.method);
            continue;
        }
        if (!best || more_specific(entry, *best)) best = &entry;
    }
    if (!best) return out.allowed.empty() ? Outcome::not_found : Outcome::method_not_allowed;

    out.target = &best->target;
    out.params.clear();
    for (std::size_t i = 0; i < segments.size(); ++i)
        if (best->segments[i].parameter) out.params.emplace_back(best->segments[i].text, segments[i]);
    return Outcome::found;
}

}  // namespace kestra::harness
