// Loading, checking, creating and destroying modules; the kestra_host table
// each module receives; tenant hooks.
#pragma once

#include "host_services.hpp"
#include "kestra_plugin.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kestra::harness {

struct ModuleRecord {
    HostServices* services = nullptr;
    std::filesystem::path path;
    void* handle = nullptr;
    const kestra_module* table = nullptr;
    void* instance = nullptr;
    std::string id;
    std::string version;
    std::string description;
    std::uint32_t abi_version = 0;
    std::string metrics_help;  // HELP text of the metrics the module creates
    bool creating = false;  // register_route / register_tenant_hooks are allowed only then
    std::vector<kestra_tenant_hooks> hooks;
    kestra_host host{};     // host_data points back to this record
};

std::string abi_text(std::uint32_t abi_version);  // "1.0"
std::string_view status_name(kestra_status status);

class ModuleManager {
public:
    // banner: where the one-line "module loaded/refused" notices go (stdout).
    ModuleManager(HostServices& services, std::FILE* banner);
    ~ModuleManager();
    ModuleManager(const ModuleManager&) = delete;
    ModuleManager& operator=(const ModuleManager&) = delete;

    // [main] Every "*.so" in dir, sorted by file name.  A refused module is
    // logged once, unloaded, and its routes and hooks dropped.
    void load_directory(const std::filesystem::path& dir);
    void load(const std::filesystem::path& file);
    // [main] destroy + dlclose, in reverse load order.  Callers make sure
    // no call into a module is in flight.
    void destroy_all();

    const std::vector<std::unique_ptr<ModuleRecord>>& modules() const { return modules_; }

    // [any-thread] Runs every module's hooks; non-OK results are logged.
    void tenant_created(std::string_view tenant);
    void tenant_deleted(std::string_view tenant);

    // Counts calls into module code so that shutdown can wait for them.
    class CallScope {
    public:
        explicit CallScope(std::atomic<std::int64_t>& counter) : counter_(counter) { ++counter_; }
        ~CallScope() { --counter_; }
        CallScope(const CallScope&) = delete;
        CallScope& operator=(const CallScope&) = delete;

    private:
        std::atomic<std::int64_t>& counter_;
    };
    std::atomic<std::int64_t>& call_counter() { return calls_in_flight_; }
    bool wait_until_idle(std::chrono::steady_clock::time_point deadline) const;

private:
    void refuse(std::unique_ptr<ModuleRecord> record, const std::string& reason);
    void run_hooks(std::string_view tenant, bool created);

    HostServices& services_;
    std::FILE* banner_;
    std::vector<std::unique_ptr<ModuleRecord>> modules_;
    std::atomic<std::int64_t> calls_in_flight_{0};
};

}  // namespace kestra::harness
