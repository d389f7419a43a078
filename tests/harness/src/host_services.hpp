// The host-side services a loaded module reaches through its kestra_host table.
#pragma once

namespace kestra::harness {

class Logger;
class Config;
struct Settings;
class TenantStore;
class EventLog;
class MetricsRegistry;
class Router;

struct HostServices {
    Logger& logger;
    const Config& config;
    const Settings& settings;
    TenantStore& tenants;
    EventLog& events;
    MetricsRegistry& metrics;
    Router& router;
};

}  // namespace kestra::harness
