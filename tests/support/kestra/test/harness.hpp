// Runs kestra-harness as a child process for a test: its own temporary
// directory (config, data dir, captured stdout/stderr), port 0, and a
// bounded wait for "listening on http://HOST:PORT".
#pragma once

#include "kestra/test/http_client.hpp"

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kestra::test {

class ScratchDatabase;

class HarnessError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The kestra-harness built with the tests.
std::filesystem::path harness_executable();

// Creates dir (if needed) holding one symlink per module, named like the
// module's file.  Returns dir.
std::filesystem::path make_plugin_dir(const std::filesystem::path& dir,
                                      const std::vector<std::filesystem::path>& modules);

struct HarnessOptions {
    // Symlinked into <temp dir>/plugins, which becomes kestra.plugins.path.
    std::vector<std::filesystem::path> modules;
    // Used as kestra.plugins.path instead, when set.
    std::optional<std::filesystem::path> plugin_dir;
    std::vector<std::string> tenants;                      // kestra.tenants
    bool tenants_enabled = true;                           // kestra.ee.tenants.enabled
    std::string admin_username = "admin@kestra.io";        // kestra.security.superAdmin.*
    std::string admin_password = "Harness-Admin-Pass-1";
    // Appended to the generated YAML (whose keys are written flat, so nested
    // "kestra:" / "micronaut:" mappings here merge with them).
    std::string extra_yaml;
    // Replaces the generated YAML entirely (modules, plugin_dir, tenants,
    // tenants_enabled and extra_yaml are then unused; admin_* still feed
    // admin_authorization()).  kestra.harness.data-dir is appended unless
    // the text mentions "data-dir".
    std::optional<std::string> yaml;
    // Start in the constructor (and wait for "listening on").
    bool start = true;
    // The module's store on a database server (kestra/test/database.hpp),
    // kept as long as the harness and dropped after it stops.
    std::shared_ptr<ScratchDatabase> database;
    std::filesystem::path executable = harness_executable();
};

class HarnessProcess {
public:
    // Creates the temporary directory and writes the config.  In extra_yaml
    // and yaml, "@DIR@" is replaced by the temporary directory's path.
    explicit HarnessProcess(HarnessOptions options = {});
    ~HarnessProcess();  // stop() if running, then removes the temporary directory
    HarnessProcess(const HarnessProcess&) = delete;
    HarnessProcess& operator=(const HarnessProcess&) = delete;

    // spawn() then wait for "listening on"; throws HarnessError (with the
    // log) when the process exits first or 30 s pass.  Restarting after
    // stop() keeps the same directory, config and data dir.
    void start(std::chrono::milliseconds timeout = std::chrono::seconds(30));
    // Starts the process without waiting (e.g. to observe a start failure).
    void spawn();
    // SIGTERM, then waits (SIGKILL after timeout).  Returns the exit code
    // (128 + signal when killed by a signal).  Idempotent.
    int stop(std::chrono::milliseconds timeout = std::chrono::seconds(45));
    int kill9();
    void send_signal(int signal_number);
    // The exit code once the process has exited within timeout; nullopt otherwise.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout);
    bool running() const { return pid_ > 0; }
    pid_t pid() const { return pid_; }
    // The process's resident memory (VmRSS of /proc/PID/status), in bytes.
    std::uint64_t rss_bytes() const;

    std::uint16_t port() const { return port_; }
    std::string base_url() const;  // "http://127.0.0.1:PORT"
    // "Basic ..." for the configured super-admin.
    std::string admin_authorization() const;

    const HarnessOptions& options() const { return options_; }
    const std::filesystem::path& dir() const { return dir_; }
    std::filesystem::path config_path() const { return dir_ / "application.yml"; }
    std::filesystem::path data_dir() const { return dir_ / "data"; }

    // Captured output of the current (or last) run.
    std::string stdout_text() const;
    std::string stderr_text() const;
    std::string log() const;  // stdout then stderr
    // Output of every run since construction.
    std::string full_log() const;
    // Whether the log holds `needle` (`count` times) within `timeout`.
    bool wait_for_log(std::string_view needle, std::chrono::milliseconds timeout, std::size_t count = 1) const;

private:
    std::string read_from(const std::filesystem::path& file, std::uintmax_t offset) const;
    std::string generated_yaml();  // also creates the plugin dir

    HarnessOptions options_;
    std::filesystem::path dir_;
    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
    std::optional<int> exit_code_;
    std::uintmax_t stdout_offset_ = 0;
    std::uintmax_t stderr_offset_ = 0;
};

}  // namespace kestra::test
