#include "modules.hpp"

#include "config.hpp"
#include "event_log.hpp"
#include "logger.hpp"
#include "metrics.hpp"
#include "router.hpp"
#include "tenant_store.hpp"
#include "text.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <span>
#include <thread>

// True when the peer-written struct *p is large enough to hold `field`.
#define KESTRA_HAS_FIELD(p, type, field) \
    ((p)->struct_size >= offsetof(type, field) + sizeof(((const type*)nullptr)->field))

namespace kestra::harness {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view log_name = "kestra.harness.modules";
constexpr std::size_t max_log_message = 64 * 1024;

ModuleRecord* record_of(const kestra_host* host) {
    return host ? static_cast<ModuleRecord*>(host->host_data) : nullptr;
}

bool valid(kestra_str s) { return s.ptr != nullptr || s.len == 0; }

std::string_view view(kestra_str s) { return s.ptr ? std::string_view(s.ptr, s.len) : std::string_view{}; }

kestra_str str_of(std::string_view s) { return kestra_str{s.data(), s.size()}; }

std::string module_logger(const ModuleRecord& record) { return "module." + record.id; }

// ---------------------------------------------------------------- kestra_host

void host_log(const kestra_host* host, kestra_log_level level, kestra_str message) {
    try {
        ModuleRecord* record = record_of(host);
        if (!record || !valid(message)) return;
        const LogLevel mapped = level == KESTRA_LOG_DEBUG  ? LogLevel::debug
                                : level == KESTRA_LOG_WARN ? LogLevel::warn
                                : level == KESTRA_LOG_ERROR ? LogLevel::error
                                                            : LogLevel::info;
        std::string_view text = view(message);
        if (text.size() > max_log_message) text = text.substr(0, max_log_message);
        record->services->logger.write(mapped, module_logger(*record), text);
    } catch (...) {
    }
}

kestra_status host_config_get(const kestra_host* host, kestra_str key, kestra_str_fn fn, void* ctx) {
    try {
        ModuleRecord* record = record_of(host);
        if (!record || !fn || !valid(key) || key.len == 0) return KESTRA_ERR_INVALID_ARGUMENT;
        const Config::Entry* entry = record->services->config.find(view(key));
        if (!entry) return KESTRA_ERR_NOT_FOUND;
        if (entry->kind != Config::Kind::scalar && entry->kind != Config::Kind::sequence)
            return KESTRA_ERR_UNSUPPORTED;
        for (const std::string& value : entry->values) fn(ctx, str_of(value));
        return KESTRA_OK;
    } catch (...) {
        return KESTRA_ERR_INTERNAL;
    }
}

kestra_status host_register_route(const kestra_host* host, const kestra_route* route) {
    try {
        ModuleRecord* record = record_of(host);
        if (!record || !route) return KESTRA_ERR_INVALID_ARGUMENT;
        if (!record->creating) return KESTRA_ERR_STATE;
        if (!KESTRA_HAS_FIELD(route, kestra_route, handler_data) || !route->handler || !valid(route->method) ||
            !valid(route->path_template))
            return KESTRA_ERR_INVALID_ARGUMENT;
        if ((route->flags & ~KESTRA_ROUTE_ADMIN) != 0) return KESTRA_ERR_UNSUPPORTED;
        RouteTarget target;
        target.flags = route->flags;
        target.module = record;
        target.handler = route->handler;
        target.handler_data = route->handler_data;
        if (KESTRA_HAS_FIELD(route, kestra_route, admit)) target.admit = route->admit;
        return record->services->router.add(view(route->method), view(route->path_template), std::move(target));
    } catch (...) {
        return KESTRA_ERR_INTERNAL;
    }
}

kestra_status host_tenant_exists(const kestra_host* host, kestra_str tenant) {
    try {
        ModuleRecord* record = record_of(host);
        if (!record || !valid(tenant)) return KESTRA_ERR_INVALID_ARGUMENT;
        return record->services->tenants.exists(view(tenant)) ? KESTRA_OK : KESTRA_ERR_NOT_FOUND;
    } catch (...) {
        return KESTRA_ERR_INTERNAL;
    }
}

void host_emit_event(const kestra_host* host, const kestra_event* event) {
    try {
        ModuleRecord* record = record_of(host);
        if (!record || !event) return;
        const auto text = [](kestra_str s) { return valid(s) ? std::string(view(s)) : std::string{}; };
        EventRecord e;
        e.time = utc_timestamp();
        e.module = record->id;
        if (KESTRA_HAS_FIELD(event, kestra_event, type)) e.type = text(event->type);
        if (KESTRA_HAS_FIELD(event, kestra_event, tenant)) e.tenant = text(event->tenant);
        if (KESTRA_HAS_FIELD(event, kestra_event, subject)) e.subject = text(event->subject);
        if (KESTRA_HAS_FIELD(event, kestra_event, payload_json)) e.payload_json = text(event->payload_json);
        boost::json::object fields{{"module", e.module}, {"type", e.type},       {"tenant", e.tenant},
                                   {"subject", e.subject}, {"payload", payload_value(e.payload_json)}};
        const std::string type = e.type;
        fields["sequence"] = record->services->events.append(std::move(e));
        record->services->logger.info("kestra.harness.events", "event " + type, fields);
    } catch (...) {
    }
}

kestra_status iam_register_tenant_hooks(const kestra_host* host, const kestra_tenant_hooks* hooks) {
    try {
        ModuleRecord* record = record_of(host);
        if (!record || !hooks) return KESTRA_ERR_INVALID_ARGUMENT;
        if (!record->creating) return KESTRA_ERR_STATE;
        if (!KESTRA_HAS_FIELD(hooks, kestra_tenant_hooks, hook_data)) return KESTRA_ERR_INVALID_ARGUMENT;
        kestra_tenant_hooks copy{};
        const std::size_t size = std::min<std::size_t>(hooks->struct_size, sizeof copy);
        std::memcpy(&copy, hooks, size);
        copy.struct_size = static_cast<std::uint32_t>(size);
        const bool has_created = KESTRA_HAS_FIELD(&copy, kestra_tenant_hooks, tenant_created) && copy.tenant_created;
        const bool has_deleted = KESTRA_HAS_FIELD(&copy, kestra_tenant_hooks, tenant_deleted) && copy.tenant_deleted;
        if (!has_created && !has_deleted) return KESTRA_ERR_INVALID_ARGUMENT;
        record->hooks.push_back(copy);
        return KESTRA_OK;
    } catch (...) {
        return KESTRA_ERR_INTERNAL;
    }
}

// Calls `record_fn` with the labels as views (no copy: the registry copies
// only what a new series keeps).
template <class Record>
void metric_call(const kestra_host* host, kestra_str name, const kestra_pair* labels, std::size_t count, Record record_fn) {
    try {
        ModuleRecord* record = record_of(host);
        if (!record || !valid(name) || (count > 0 && !labels) || count > MetricsRegistry::max_labels) return;
        std::array<MetricsRegistry::LabelView, MetricsRegistry::max_labels> views;
        for (std::size_t i = 0; i < count; ++i) {
            if (!valid(labels[i].name) || !valid(labels[i].value)) return;
            views[i] = {view(labels[i].name), view(labels[i].value)};
        }
        record_fn(record->services->metrics, view(name), std::span<const MetricsRegistry::LabelView>(views.data(), count),
                  std::string_view(record->metrics_help));
    } catch (...) {
    }
}

using LabelSpan = std::span<const MetricsRegistry::LabelView>;

void metrics_counter_add(const kestra_host* host, kestra_str name, const kestra_pair* labels, std::size_t count,
                         double value) {
    metric_call(host, name, labels, count,
                [value](MetricsRegistry& m, std::string_view n, LabelSpan l, std::string_view help) {
                    m.counter_add(n, l, value, help);
                });
}

void metrics_gauge_set(const kestra_host* host, kestra_str name, const kestra_pair* labels, std::size_t count,
                       double value) {
    metric_call(host, name, labels, count,
                [value](MetricsRegistry& m, std::string_view n, LabelSpan l, std::string_view help) {
                    m.gauge_set(n, l, value, help);
                });
}

void metrics_histogram_observe(const kestra_host* host, kestra_str name, const kestra_pair* labels,
                               std::size_t count, double value) {
    metric_call(host, name, labels, count,
                [value](MetricsRegistry& m, std::string_view n, LabelSpan l, std::string_view help) {
                    m.histogram_observe(n, l, value, help);
                });
}

constexpr kestra_host_iam_hooks iam_hooks_table{sizeof(kestra_host_iam_hooks), &iam_register_tenant_hooks};
constexpr kestra_host_metrics metrics_table{sizeof(kestra_host_metrics), &metrics_counter_add, &metrics_gauge_set,
                                            &metrics_histogram_observe};

const void* host_get_extension(const kestra_host* host, const char* id) {
    if (!record_of(host) || !id) return nullptr;
    if (std::strcmp(id, KESTRA_EXT_IAM_HOOKS) == 0) return &iam_hooks_table;
    if (std::strcmp(id, KESTRA_EXT_METRICS) == 0) return &metrics_table;
    return nullptr;
}

void collect_error(void* ctx, kestra_str reason) {
    try {
        auto* text = static_cast<std::string*>(ctx);
        if (!text || !valid(reason)) return;
        if (!text->empty()) *text += "; ";
        *text += view(reason).substr(0, max_log_message);
    } catch (...) {
    }
}

constexpr std::string_view host_name = "kestra-harness";
constexpr std::string_view host_version = KESTRA_HARNESS_VERSION;

}  // namespace

std::string abi_text(std::uint32_t abi_version) {
    return std::to_string(KESTRA_PLUGIN_ABI_MAJOR_OF(abi_version)) + "." +
           std::to_string(KESTRA_PLUGIN_ABI_MINOR_OF(abi_version));
}

std::string_view status_name(kestra_status status) {
    switch (status) {
    case KESTRA_OK: return "OK";
    case KESTRA_ERR_INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case KESTRA_ERR_NOT_FOUND: return "NOT_FOUND";
    case KESTRA_ERR_UNSUPPORTED: return "UNSUPPORTED";
    case KESTRA_ERR_STATE: return "STATE";
    case KESTRA_ERR_REFUSED: return "REFUSED";
    case KESTRA_ERR_INTERNAL: return "INTERNAL";
    case KESTRA_ERR_IO: return "IO";
    default: return "UNKNOWN";
    }
}

ModuleManager::ModuleManager(HostServices& services, std::FILE* banner) : services_(services), banner_(banner) {}

ModuleManager::~ModuleManager() { destroy_all(); }

void ModuleManager::load_directory(const fs::path& dir) {
    std::vector<fs::path> candidates;
    for (const auto& entry : fs::directory_iterator(dir)) {
        std::error_code ec;
        if (entry.path().extension() == ".so" && fs::is_regular_file(entry.path(), ec)) candidates.push_back(entry.path());
    }
    std::sort(candidates.begin(), candidates.end(),
              [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
    for (const auto& path : candidates) load(path);
}

void ModuleManager::load(const fs::path& file) {
    auto record = std::make_unique<ModuleRecord>();
    record->services = &services_;
    record->path = file;
    try {
        record->handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!record->handle) {
            const char* why = dlerror();
            return refuse(std::move(record), std::string("dlopen failed: ") + (why ? why : "unknown error"));
        }
        dlerror();
        void* symbol = dlsym(record->handle, KESTRA_PLUGIN_ENTRY_SYMBOL);
        if (!symbol)
            return refuse(std::move(record), "no '" KESTRA_PLUGIN_ENTRY_SYMBOL "' symbol: not a kestra module");
        const auto entry = reinterpret_cast<kestra_plugin_entry_fn>(symbol);
        const kestra_module* table = entry(KESTRA_PLUGIN_ABI_VERSION);
        if (!table)
            return refuse(std::move(record),
                          "the module's entry point refused host ABI " + abi_text(KESTRA_PLUGIN_ABI_VERSION));
        if (table->struct_size < offsetof(kestra_module, abi_version) + sizeof(table->abi_version))
            return refuse(std::move(record), "module table too small to carry an ABI version");
        if (KESTRA_PLUGIN_ABI_MAJOR_OF(table->abi_version) != KESTRA_PLUGIN_ABI_MAJOR)
            return refuse(std::move(record), "ABI mismatch: module implements ABI " + abi_text(table->abi_version) +
                                                 ", host implements ABI " + abi_text(KESTRA_PLUGIN_ABI_VERSION) +
                                                 " (major versions differ)");
        if (table->struct_size < KESTRA_MODULE_MIN_SIZE)
            return refuse(std::move(record), "module table is " + std::to_string(table->struct_size) +
                                                 " bytes, smaller than the ABI " +
                                                 std::to_string(KESTRA_PLUGIN_ABI_MAJOR) + ".x minimum of " +
                                                 std::to_string(KESTRA_MODULE_MIN_SIZE));
        if (!table->create || !table->destroy)
            return refuse(std::move(record), "module table lacks create or destroy");
        if (!valid(table->id) || table->id.len == 0 || !valid(table->version) || !valid(table->description))
            return refuse(std::move(record), "module table has an empty or malformed id, version or description");
        record->table = table;
        record->id = view(table->id);
        record->version = view(table->version);
        record->description = view(table->description);
        record->metrics_help = "Reported by module " + record->id + ".";
        record->abi_version = table->abi_version;
        for (const auto& loaded : modules_)
            if (loaded->id == record->id)
                return refuse(std::move(record),
                              "module id '" + loaded->id + "' is already loaded from " + loaded->path.string());

        record->host = kestra_host{sizeof(kestra_host),
                                   KESTRA_PLUGIN_ABI_VERSION,
                                   record.get(),
                                   str_of(host_name),
                                   str_of(host_version),
                                   &host_log,
                                   &host_config_get,
                                   &host_register_route,
                                   &host_tenant_exists,
                                   &host_emit_event,
                                   &host_get_extension};
        std::string create_error;
        record->creating = true;
        const kestra_status status = table->create(&record->host, &record->instance, &collect_error, &create_error);
        record->creating = false;
        if (status != KESTRA_OK)
            return refuse(std::move(record), "create failed (" + std::string(status_name(status)) + "): " +
                                                 (create_error.empty() ? "no reason given" : create_error));
    } catch (const std::exception& e) {
        return refuse(std::move(record), std::string("host error while loading: ") + e.what());
    }

    std::fprintf(banner_, "module loaded: %s %s (ABI %s) from %s\n", record->id.c_str(), record->version.c_str(),
                 abi_text(record->abi_version).c_str(), record->path.c_str());
    std::fflush(banner_);
    services_.logger.info(log_name, "module loaded",
                          {{"module", record->id},
                           {"version", record->version},
                           {"abi", abi_text(record->abi_version)},
                           {"path", record->path.string()}});
    modules_.push_back(std::move(record));
}

void ModuleManager::refuse(std::unique_ptr<ModuleRecord> record, const std::string& reason) {
    services_.router.remove_module(record.get());
    record->hooks.clear();
    std::fprintf(banner_, "module refused: %s: %s\n", record->path.c_str(), reason.c_str());
    std::fflush(banner_);
    boost::json::object fields{{"path", record->path.string()}, {"reason", reason}};
    if (!record->id.empty()) fields["module"] = record->id;
    services_.logger.error(log_name, "module refused: " + reason, fields);
    if (record->handle) dlclose(record->handle);
}

void ModuleManager::destroy_all() {
    while (!modules_.empty()) {
        std::unique_ptr<ModuleRecord> record = std::move(modules_.back());
        modules_.pop_back();
        record->table->destroy(record->instance);
        dlclose(record->handle);
        services_.logger.info(log_name, "module destroyed", {{"module", record->id}});
    }
}

void ModuleManager::tenant_created(std::string_view tenant) { run_hooks(tenant, true); }

void ModuleManager::tenant_deleted(std::string_view tenant) { run_hooks(tenant, false); }

void ModuleManager::run_hooks(std::string_view tenant, bool created) {
    for (const auto& record : modules_) {
        for (const kestra_tenant_hooks& hooks : record->hooks) {
            kestra_status (*hook)(void*, kestra_str) = nullptr;
            if (created && KESTRA_HAS_FIELD(&hooks, kestra_tenant_hooks, tenant_created)) hook = hooks.tenant_created;
            if (!created && KESTRA_HAS_FIELD(&hooks, kestra_tenant_hooks, tenant_deleted)) hook = hooks.tenant_deleted;
            if (!hook) continue;
            kestra_status status;
            {
                CallScope scope(calls_in_flight_);
                status = hook(hooks.hook_data, str_of(tenant));
            }
            if (status != KESTRA_OK)
                services_.logger.warn(log_name, created ? "tenant_created hook failed" : "tenant_deleted hook failed",
                                      {{"module", record->id}, {"tenant", tenant}, {"status", status_name(status)}});
        }
    }
}

bool ModuleManager::wait_until_idle(std::chrono::steady_clock::time_point deadline) const {
    while (calls_in_flight_.load() > 0) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

}  // namespace kestra::harness
