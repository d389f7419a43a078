// The module's one exported symbol and its instance lifecycle.  Every
// function here catches every exception: nothing crosses the C ABI.
#include "app/application.hpp"
#include "kestra/adapters/jdbc_url.hpp"
#include "kestra/adapters/store_factory.hpp"
#include "kestra_plugin.h"
#include "plugin/abi_bridge.hpp"
#include "plugin/host_metrics.hpp"

#include <exception>
#include <memory>
#include <string>
#include <vector>

namespace kestra::plugin {
namespace {

constexpr std::string_view kModuleId = "kestra-scim";
constexpr std::string_view kModuleVersion = KESTRA_SCIM_VERSION;

struct RouteBinding;

struct Instance {
  explicit Instance(const kestra_host* host) : bridge(host), metrics(host) {}
  HostBridge bridge;
  HostMetrics metrics;  // before app: the store and the handlers report to it
  std::unique_ptr<app::Application> app;
  std::vector<std::unique_ptr<RouteBinding>> routes;
};

struct RouteBinding {
  Instance* instance;
  http::Route route;
};

kestra_status handle_route(void* handler_data, const kestra_request* req, const kestra_response* res) {
  const auto* binding = static_cast<const RouteBinding*>(handler_data);
  return dispatch(binding->route.handler, req, res, binding->instance->bridge);
}

kestra_status admit_route(void* handler_data, const kestra_request* req, const kestra_response* res) {
  const auto* binding = static_cast<const RouteBinding*>(handler_data);
  return dispatch_admission(binding->route.admit, req, res, binding->instance->bridge);
}

// A tenant hook: the application's answer to `event` on the tenant, logged
// when it failed; no exception leaves it.
template <Result<void> (app::Application::*Event)(const std::string&)>
kestra_status on_tenant(void* data, kestra_str tenant, std::string_view what) noexcept {
  try {
    auto* instance = static_cast<Instance*>(data);
    auto result = (instance->app.get()->*Event)(std::string(to_view(tenant)));
    if (result) return KESTRA_OK;
    instance->bridge.log(ports::LogLevel::Error, "kestra-scim: " + std::string(what) + ": " + result.error().detail);
    return KESTRA_ERR_INTERNAL;
  } catch (...) {
    return KESTRA_ERR_INTERNAL;
  }
}

kestra_status on_tenant_created(void* data, kestra_str tenant) {
  return on_tenant<&app::Application::tenant_created>(data, tenant, "tenant created");
}

kestra_status on_tenant_deleted(void* data, kestra_str tenant) {
  return on_tenant<&app::Application::tenant_deleted>(data, tenant, "tenant deleted");
}

// Builds the instance and registers everything; an Error says why it refused.
Result<std::unique_ptr<Instance>> build(const kestra_host* host) {
  auto instance = std::make_unique<Instance>(host);
  auto config = app::load_config(instance->bridge);
  if (!config) return config.error();
  auto discovery = scim::Discovery::load(app::scim_settings(*config));
  if (!discovery) return discovery.error();
  auto registry = scim::schema::Registry::load();
  if (!registry) return registry.error();
  auto store_config = adapters::resolve_datasource(config->store);
  if (!store_config) return store_config.error();
  config->store = std::move(*store_config);
  auto store = adapters::open_store(config->store, instance->metrics);
  if (!store) return store.error();
  instance->bridge.log(ports::LogLevel::Info, "kestra-scim " + std::string(kModuleVersion) + ": storage " +
                                                config->store.backend + ", schema version " +
                                                std::to_string((*store)->schema_version()));
  for (const std::string& warning : (*store)->open_warnings()) {
    instance->bridge.log(ports::LogLevel::Warn, "kestra-scim: " + warning);
  }
  instance->app = std::make_unique<app::Application>(std::move(*config), std::move(*store), instance->bridge,
                                                     instance->metrics, std::move(*discovery), std::move(*registry));
  if (auto started = instance->app->start(); !started) return started.error();
  if (!instance->metrics.enabled()) {
    instance->bridge.log(ports::LogLevel::Info,
                         "kestra-scim: the host offers no " KESTRA_EXT_METRICS " extension; metrics are off");
  }

  for (auto& route : instance->app->routes()) {
    auto binding = std::make_unique<RouteBinding>(RouteBinding{instance.get(), std::move(route)});
    kestra_route r{};
    r.struct_size = sizeof(kestra_route);
    r.flags = binding->route.admin ? KESTRA_ROUTE_ADMIN : 0u;
    r.method = to_str(binding->route.method);
    r.path_template = to_str(binding->route.path_template);
    r.handler = &handle_route;
    r.handler_data = binding.get();
    r.admit = binding->route.admit ? &admit_route : nullptr;
    if (host->register_route(host, &r) != KESTRA_OK) {
      return Error::internal("the host refused route " + binding->route.method + " " + binding->route.path_template);
    }
    instance->routes.push_back(std::move(binding));
  }

  const auto* iam = static_cast<const kestra_host_iam_hooks*>(host->get_extension(host, KESTRA_EXT_IAM_HOOKS));
  if (iam && has_field(iam->struct_size, offsetof(kestra_host_iam_hooks, register_tenant_hooks) + sizeof(void*))) {
    kestra_tenant_hooks hooks{};
    hooks.struct_size = sizeof(kestra_tenant_hooks);
    hooks.hook_data = instance.get();
    hooks.tenant_created = &on_tenant_created;
    hooks.tenant_deleted = &on_tenant_deleted;
    if (iam->register_tenant_hooks(host, &hooks) != KESTRA_OK) {
      return Error::internal("the host refused the IAM bootstrap hooks");
    }
  } else {
    instance->bridge.log(ports::LogLevel::Warn,
                         "kestra-scim: the host offers no " KESTRA_EXT_IAM_HOOKS
                         " extension; tenants are bootstrapped on first use");
  }
  return instance;
}

kestra_status create(const kestra_host* host, void** instance_out, kestra_str_fn on_error, void* error_ctx) {
  auto fail = [&](std::string_view why) {
    if (on_error) on_error(error_ctx, to_str(why));
    return KESTRA_ERR_REFUSED;
  };
  try {
    if (!host || !instance_out) return fail("create called without a host table or an output pointer");
    if (KESTRA_PLUGIN_ABI_MAJOR_OF(host->abi_version) != KESTRA_PLUGIN_ABI_MAJOR ||
        host->struct_size < offsetof(kestra_host, get_extension) + sizeof(void*)) {
      return fail("incompatible host table");
    }
    *instance_out = nullptr;
    auto built = build(host);
    if (!built) return fail(built.error().detail);
    *instance_out = built->release();
    return KESTRA_OK;
  } catch (const std::exception& e) {
    return fail(std::string("kestra-scim failed to start: ") + e.what());
  } catch (...) {
    return fail("kestra-scim failed to start");
  }
}

void destroy(void* instance) {
  try {
    delete static_cast<Instance*>(instance);
  } catch (...) {
  }
}

const void* get_extension(void*, const char*) { return nullptr; }

constexpr kestra_module kModule = {
    sizeof(kestra_module),
    KESTRA_PLUGIN_ABI_VERSION,
    {kModuleId.data(), kModuleId.size()},
    {kModuleVersion.data(), kModuleVersion.size()},
    {"SCIM 2.0 provisioning of users and groups", sizeof("SCIM 2.0 provisioning of users and groups") - 1},
    &create,
    &destroy,
    &get_extension,
};

}  // namespace
}  // namespace kestra::plugin

extern "C" __attribute__((visibility("default"))) const kestra_module* kestra_plugin_entry(uint32_t host_abi_version) {
  if (KESTRA_PLUGIN_ABI_MAJOR_OF(host_abi_version) != KESTRA_PLUGIN_ABI_MAJOR) return nullptr;
  return &kestra::plugin::kModule;
}
