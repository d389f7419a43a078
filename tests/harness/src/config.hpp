// Kestra-style YAML configuration, flattened to dotted keys (Micronaut style:
// nested mappings and flat "a.b.c" keys are equivalent; camelCase segments
// match kebab-case ones).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kestra::harness {

class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Config {
public:
    enum class Kind { scalar, sequence, mapping, unsupported };
    struct Entry {
        Kind kind = Kind::mapping;
        std::vector<std::string> values;  // one for a scalar, one per element for a sequence
    };

    static Config from_file(const std::filesystem::path& path);             // throws ConfigError
    static Config from_yaml(const std::string& text, std::string_view origin);  // throws ConfigError

    // nullptr when absent.  [thread-safe] after construction.
    const Entry* find(std::string_view dotted_key) const;

    // Typed reads for the harness's own settings; throw ConfigError naming the key.
    std::optional<std::string> scalar(std::string_view key) const;
    std::optional<std::vector<std::string>> list(std::string_view key) const;

    using Entries = std::map<std::string, Entry, std::less<>>;

private:
    explicit Config(Entries entries) : entries_(std::move(entries)) {}

    Entries entries_;
};

// "superAdmin.maxRequestSize" -> "super-admin.max-request-size"
std::string normalize_config_key(std::string_view key);

struct Settings {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::optional<std::filesystem::path> plugins_path;
    bool tenants_enabled = false;
    std::string admin_username;
    std::string admin_password;
    std::vector<std::string> tenants;
    std::filesystem::path data_dir = "./data";
    std::size_t workers = 4;
    std::uint64_t max_request_size = 10485760;
    std::uint32_t max_header_size = 8192;
    std::chrono::seconds read_idle_timeout{60};
    // A client that takes no bytes of a response for this long is closed.
    std::chrono::seconds write_idle_timeout{30};
    std::size_t max_connections = 1024;
    // Request body bytes being read or handled at once, over all connections
    // (503 beyond); unset: 4 x max_request_size.
    std::uint64_t max_body_bytes_in_flight = 0;
    // Who may read GET /metrics.
    enum class MetricsAccess { open, loopback_or_admin, admin };
    MetricsAccess metrics_access = MetricsAccess::loopback_or_admin;
    // The Provisioning page's folder (kestra.ui.path), served at /ui/; unset: no page.
    std::optional<std::filesystem::path> ui_path;

    bool admin_enabled() const { return !admin_username.empty() && !admin_password.empty(); }

    static Settings from(const Config& config);  // throws ConfigError
};

}  // namespace kestra::harness
