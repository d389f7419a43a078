#include "config.hpp"

#include "tenant_store.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>
#include <thread>

// The page's folder when kestra.ui.path is not set: resources/ui of the
// source tree this harness was built from.
#ifndef KESTRA_HARNESS_UI_DIR
#define KESTRA_HARNESS_UI_DIR ""
#endif

namespace kestra::harness {

namespace {

std::string normalize_segment(std::string_view segment) {
    std::string out;
    out.reserve(segment.size() + 4);
    for (std::size_t i = 0; i < segment.size(); ++i) {
        const char c = segment[i];
        if (c >= 'A' && c <= 'Z') {
            const bool after_lower = i > 0 && ((segment[i - 1] >= 'a' && segment[i - 1] <= 'z') ||
                                               (segment[i - 1] >= '0' && segment[i - 1] <= '9'));
            if (after_lower) out += '-';
            out += static_cast<char>(c - 'A' + 'a');
        } else {
            out += c;
        }
    }
    return out;
}

std::string join_key(const std::string& prefix, const std::string& key) {
    return prefix.empty() ? key : prefix + "." + key;
}

std::uint64_t parse_unsigned(std::string_view key, std::string_view text) {
    std::uint64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end)
        throw ConfigError(std::string(key) + ": expected a non-negative integer, got '" + std::string(text) + "'");
    return value;
}

// Splits "10MB" into (10, "MB").
std::pair<std::uint64_t, std::string> number_and_unit(std::string_view key, std::string_view text) {
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    std::string unit(text.substr(digits));
    std::transform(unit.begin(), unit.end(), unit.begin(), [](unsigned char c) { return std::tolower(c); });
    return {parse_unsigned(key, text.substr(0, digits)), unit};
}

std::uint64_t checked_multiply(std::string_view key, std::uint64_t value, std::uint64_t factor) {
    if (factor != 0 && value > UINT64_MAX / factor) throw ConfigError(std::string(key) + ": value too large");
    return value * factor;
}

std::uint64_t parse_bytes(std::string_view key, std::string_view text) {
    const auto [number, unit] = number_and_unit(key, text);
    if (unit.empty() || unit == "b") return number;
    if (unit == "kb") return checked_multiply(key, number, 1024);
    if (unit == "mb") return checked_multiply(key, number, 1024 * 1024);
    if (unit == "gb") return checked_multiply(key, number, 1024 * 1024 * 1024);
    throw ConfigError(std::string(key) + ": unknown size unit in '" + std::string(text) + "'");
}

std::chrono::seconds parse_seconds(std::string_view key, std::string_view text) {
    const auto [number, unit] = number_and_unit(key, text);
    if (unit.empty() || unit == "s") return std::chrono::seconds(number);
    if (unit == "ms") return std::chrono::seconds((number + 999) / 1000);
    if (unit == "m") return std::chrono::seconds(checked_multiply(key, number, 60));
    if (unit == "h") return std::chrono::seconds(checked_multiply(key, number, 3600));
    throw ConfigError(std::string(key) + ": unknown duration unit in '" + std::string(text) + "'");
}

bool parse_bool(std::string_view key, std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower == "true") return true;
    if (lower == "false") return false;
    throw ConfigError(std::string(key) + ": expected true or false, got '" + std::string(text) + "'");
}

void mark_mapping(Config::Entries& entries, const std::string& key) {
    entries.try_emplace(key, Config::Entry{Config::Kind::mapping, {}});
}

void flatten(const YAML::Node& node, const std::string& prefix, Config::Entries& entries) {
    switch (node.Type()) {
    case YAML::NodeType::Map: {
        if (!prefix.empty()) mark_mapping(entries, prefix);
        for (const auto& item : node) {
            if (!item.first.IsScalar())
                throw ConfigError("configuration keys must be scalars (under '" + prefix + "')");
            const std::string key = join_key(prefix, normalize_config_key(item.first.Scalar()));
            // A flat "a.b.c" key also makes "a" and "a.b" mappings.
            for (std::size_t dot = key.find('.', prefix.empty() ? 0 : prefix.size() + 1);
                 dot != std::string::npos; dot = key.find('.', dot + 1))
                mark_mapping(entries, key.substr(0, dot));
            flatten(item.second, key, entries);
        }
        return;
    }
    case YAML::NodeType::Sequence: {
        Config::Entry entry{Config::Kind::sequence, {}};
        for (const auto& element : node) {
            if (!element.IsScalar()) {
                entry = Config::Entry{Config::Kind::unsupported, {}};
                break;
            }
            entry.values.push_back(element.Scalar());
        }
        entries[prefix] = std::move(entry);
        return;
    }
    case YAML::NodeType::Scalar:
        entries[prefix] = Config::Entry{Config::Kind::scalar, {node.Scalar()}};
        return;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
        return;
    }
}

}  // namespace

std::string normalize_config_key(std::string_view key) {
    std::string out;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = key.find('.', start);
        out += normalize_segment(key.substr(start, dot == std::string_view::npos ? dot : dot - start));
        if (dot == std::string_view::npos) break;
        out += '.';
        start = dot + 1;
    }
    return out;
}

Config Config::from_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) throw ConfigError("cannot read configuration file '" + path.string() + "'");
    std::ostringstream text;
    text << in.rdbuf();
    return from_yaml(text.str(), path.string());
}

Config Config::from_yaml(const std::string& text, std::string_view origin) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw ConfigError(std::string(origin) + ": invalid YAML: " + e.what());
    }
    Entries entries;
    if (root.IsNull()) return Config(std::move(entries));
    if (!root.IsMap()) throw ConfigError(std::string(origin) + ": the top level must be a mapping");
    flatten(root, "", entries);
    return Config(std::move(entries));
}

const Config::Entry* Config::find(std::string_view dotted_key) const {
    const auto it = entries_.find(normalize_config_key(dotted_key));
    return it == entries_.end() ? nullptr : &it->second;
}

std::optional<std::string> Config::scalar(std::string_view key) const {
    const Entry* entry = find(key);
    if (!entry) return std::nullopt;
    if (entry->kind != Kind::scalar) throw ConfigError(std::string(key) + ": expected a single value");
    return entry->values.front();
}

std::optional<std::vector<std::string>> Config::list(std::string_view key) const {
    const Entry* entry = find(key);
    if (!entry) return std::nullopt;
    if (entry->kind != Kind::scalar && entry->kind != Kind::sequence)
        throw ConfigError(std::string(key) + ": expected a list of values");
    return entry->values;
}

Settings Settings::from(const Config& config) {
    Settings s;
    const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
    s.workers = std::max<std::size_t>(4, 2 * cores);

    if (auto v = config.scalar("micronaut.server.host")) s.host = *v;
    if (auto v = config.scalar("micronaut.server.port")) {
        const auto port = parse_unsigned("micronaut.server.port", *v);
        if (port > 65535) throw ConfigError("micronaut.server.port: must be 0..65535");
        s.port = static_cast<std::uint16_t>(port);
    }
    if (auto v = config.scalar("micronaut.server.max-request-size")) {
        s.max_request_size = parse_bytes("micronaut.server.max-request-size", *v);
        if (s.max_request_size == 0) throw ConfigError("micronaut.server.max-request-size: must be positive");
    }
    if (auto v = config.scalar("micronaut.server.max-header-size")) {
        const auto size = parse_bytes("micronaut.server.max-header-size", *v);
        if (size < 256 || size > UINT32_MAX)
            throw ConfigError("micronaut.server.max-header-size: must be at least 256 bytes");
        s.max_header_size = static_cast<std::uint32_t>(size);
    }
    if (auto v = config.scalar("micronaut.server.read-idle-timeout")) {
        s.read_idle_timeout = parse_seconds("micronaut.server.read-idle-timeout", *v);
        if (s.read_idle_timeout.count() < 1)
            throw ConfigError("micronaut.server.read-idle-timeout: must be at least 1 second");
    }
    if (auto v = config.scalar("micronaut.server.write-idle-timeout")) {
        s.write_idle_timeout = parse_seconds("micronaut.server.write-idle-timeout", *v);
        if (s.write_idle_timeout.count() < 1)
            throw ConfigError("micronaut.server.write-idle-timeout: must be at least 1 second");
    }
    if (auto v = config.scalar("kestra.plugins.path")) {
        std::error_code ec;
        if (!std::filesystem::is_directory(*v, ec))
            throw ConfigError("kestra.plugins.path: '" + *v + "' is not a directory");
        s.plugins_path = *v;
    }
    if (auto v = config.scalar("kestra.ee.tenants.enabled"))
        s.tenants_enabled = parse_bool("kestra.ee.tenants.enabled", *v);
    if (auto v = config.scalar("kestra.security.super-admin.username")) s.admin_username = *v;
    if (auto v = config.scalar("kestra.security.super-admin.password")) s.admin_password = *v;
    if (auto v = config.list("kestra.tenants")) {
        for (const auto& id : *v) {
            if (!TenantStore::valid_id(id))
                throw ConfigError("kestra.tenants: '" + id + "' is not a valid tenant id ([a-z0-9][a-z0-9_-]{0,62})");
            s.tenants.push_back(id);
        }
    }
    if (auto v = config.scalar("kestra.ui.path")) {
        std::error_code ec;
        if (!v->empty() && !std::filesystem::is_directory(*v, ec))
            throw ConfigError("kestra.ui.path: '" + *v + "' is not a directory");
        if (!v->empty()) s.ui_path = *v;  // "" turns the page off
    } else if (std::error_code ec; !std::string_view(KESTRA_HARNESS_UI_DIR).empty() &&
                                   std::filesystem::is_directory(KESTRA_HARNESS_UI_DIR, ec)) {
        s.ui_path = KESTRA_HARNESS_UI_DIR;
    }
    if (auto v = config.scalar("kestra.harness.data-dir")) s.data_dir = *v;
    if (auto v = config.scalar("kestra.harness.max-connections")) {
        s.max_connections = parse_unsigned("kestra.harness.max-connections", *v);
        if (s.max_connections < 1 || s.max_connections > 100000)
            throw ConfigError("kestra.harness.max-connections: must be 1..100000");
    }
    s.max_body_bytes_in_flight = checked_multiply("micronaut.server.max-request-size", s.max_request_size, 4);
    if (auto v = config.scalar("kestra.harness.max-body-bytes-in-flight")) {
        s.max_body_bytes_in_flight = parse_bytes("kestra.harness.max-body-bytes-in-flight", *v);
        if (s.max_body_bytes_in_flight < s.max_request_size)
            throw ConfigError("kestra.harness.max-body-bytes-in-flight: must be at least "
                              "micronaut.server.max-request-size");
    }
    if (auto v = config.scalar("kestra.harness.metrics-access")) {
        if (*v == "open") s.metrics_access = MetricsAccess::open;
        else if (*v == "loopback-or-admin") s.metrics_access = MetricsAccess::loopback_or_admin;
        else if (*v == "admin") s.metrics_access = MetricsAccess::admin;
        else throw ConfigError("kestra.harness.metrics-access: expected open, loopback-or-admin or admin, got '" + *v + "'");
    }
    if (auto v = config.scalar("kestra.harness.workers")) {
        s.workers = parse_unsigned("kestra.harness.workers", *v);
        if (s.workers < 1 || s.workers > 1024) throw ConfigError("kestra.harness.workers: must be 1..1024");
    }
    return s;
}

}  // namespace kestra::harness
