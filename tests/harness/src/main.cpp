// kestra-harness --config FILE
// A Kestra-style host: loads every module of kestra.plugins.path through the
// C ABI and serves their routes over HTTP until SIGINT/SIGTERM.
#include "config.hpp"
#include "dispatcher.hpp"
#include "event_log.hpp"
#include "logger.hpp"
#include "metrics.hpp"
#include "modules.hpp"
#include "router.hpp"
#include "server.hpp"
#include "static_files.hpp"
#include "tenant_store.hpp"

#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string_view>
#include <thread>

namespace {

using namespace kestra::harness;

constexpr std::chrono::seconds shutdown_grace{30};
constexpr std::size_t event_capacity = 1000;
constexpr std::string_view main_log = "kestra.harness";

std::filesystem::path config_path_from(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--config" && i + 1 < argc) return argv[i + 1];
        if (arg.rfind("--config=", 0) == 0) return std::string(arg.substr(9));
    }
    throw ConfigError("usage: kestra-harness --config FILE");
}

sigset_t stop_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}

int run(int argc, char** argv) {
    // Stop signals stay blocked (and so pending) until the server watches
    // them; every thread started before then inherits the mask.
    const sigset_t signals = stop_signals();
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    const Config config = Config::from_file(config_path_from(argc, argv));
    const Settings settings = Settings::from(config);

    Logger logger(stderr);
    TenantStore tenants(settings.data_dir);
    EventLog events(event_capacity);
    MetricsRegistry metrics;
    Router router;
    HostServices services{logger, config, settings, tenants, events, metrics, router};

    std::printf("kestra-harness %s ABI %u.%u\n", KESTRA_HARNESS_VERSION, KESTRA_PLUGIN_ABI_MAJOR,
                KESTRA_PLUGIN_ABI_MINOR);
    std::fflush(stdout);
    if (!settings.admin_enabled())
        logger.warn(main_log, "kestra.security.superAdmin username/password not set: admin routes answer 401");

    std::unique_ptr<StaticFiles> ui;
    if (settings.ui_path) {
        ui = std::make_unique<StaticFiles>(*settings.ui_path, "/ui");
        logger.info(main_log, "Provisioning page served at /ui/", {{"path", ui->root().string()}});
    } else {
        logger.info(main_log, "kestra.ui.path not set: no Provisioning page at /ui/");
    }

    ModuleManager modules(services, stdout);
    Dispatcher dispatcher(services, modules, ui.get());
    dispatcher.register_host_routes();
    if (settings.plugins_path) modules.load_directory(*settings.plugins_path);
    else logger.warn(main_log, "kestra.plugins.path not set: no module loaded");

    for (const auto& tenant : settings.tenants) {
        if (!tenants.add(tenant)) continue;
        logger.info("kestra.harness.tenants", "tenant created from configuration", {{"tenant", tenant}});
        modules.tenant_created(tenant);
    }

    ServerOptions options;
    options.host = settings.host;
    options.port = settings.port;
    options.io_threads = std::max(1u, std::thread::hardware_concurrency());
    options.workers = settings.workers;
    options.max_body = settings.max_request_size;
    options.max_header = settings.max_header_size;
    options.read_timeout = settings.read_idle_timeout;
    options.write_timeout = settings.write_idle_timeout;
    options.max_connections = settings.max_connections;
    options.max_body_in_flight = settings.max_body_bytes_in_flight;
    Server server(
        options, [&](const HttpExchange& exchange) { return dispatcher.handle(exchange); },
        [&](const RequestSummary& summary) { dispatcher.record(summary); },
        [&](const HttpExchange& head) { return dispatcher.admit(head); }, logger);
    const std::uint16_t port = server.start();
    const bool ipv6 = settings.host.find(':') != std::string::npos;
    std::printf("listening on http://%s%s%s:%u\n", ipv6 ? "[" : "", settings.host.c_str(), ipv6 ? "]" : "",
                static_cast<unsigned>(port));
    std::fflush(stdout);
    logger.info(main_log, "listening",
                {{"host", settings.host}, {"port", port}, {"workers", options.workers}, {"ioThreads", options.io_threads},
                 {"tenantsEnabled", settings.tenants_enabled}});
    pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);

    server.wait_for_stop_signal();
    const auto deadline = std::chrono::steady_clock::now() + shutdown_grace;
    if (!server.drain(deadline))
        logger.warn(main_log, "connections still open after the shutdown grace period; closing them");
    if (!modules.wait_until_idle(deadline)) {
        logger.error(main_log, "module calls still running after the shutdown grace period; exiting without "
                               "destroying modules");
        std::fflush(nullptr);
        std::_Exit(1);
    }
    server.stop();
    modules.destroy_all();
    logger.info(main_log, "stopped");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const ConfigError& e) {
        std::fprintf(stderr, "kestra-harness: configuration error: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "kestra-harness: fatal: %s\n", e.what());
        return 1;
    } catch (...) {
        std::fprintf(stderr, "kestra-harness: fatal: unknown error\n");
        return 1;
    }
}
