// Maps one HTTP request to a reply: routing, admin authentication, the
// host's own routes, and calls into module handlers through the C ABI.
#pragma once

#include "host_services.hpp"
#include "http_types.hpp"
#include "router.hpp"

#include <mutex>
#include <optional>
#include <string>

namespace kestra::harness {

class ModuleManager;
class StaticFiles;

class Dispatcher {
public:
    // ui: the Provisioning page's files (served before any route), or null.
    Dispatcher(HostServices& services, ModuleManager& modules, const StaticFiles* ui = nullptr);

    // [main] Before modules load, so that a module cannot take these paths.
    void register_host_routes();

    // [any-thread]
    HttpReply handle(const HttpExchange& exchange) noexcept;
    // [any-thread] Before a body is read, on the request's head: the answer
    // when the request is refused anyway (no route, no credentials, the
    // module's admit), nullopt to read the body.
    std::optional<HttpReply> admit(const HttpExchange& head) noexcept;
    // [any-thread] Access log line and request metrics.
    void record(const RequestSummary& summary) noexcept;

private:
    HttpReply route(const HttpExchange& exchange);
    // Matches the route and authenticates an admin route: the reply when either fails.
    std::optional<HttpReply> match_and_authenticate(const HttpExchange& exchange, std::string_view raw_path,
                                                    Router::Match& match) const;
    // Calls the module's handler, or with `admission` its admit function (the
    // body left out): then nullopt when it wrote no answer.
    std::optional<HttpReply> call_module(const RouteTarget& target, const HttpExchange& exchange,
                                         std::string_view raw_path, std::string_view query, const PathParams& params,
                                         bool admission);
    bool authenticated(const HttpExchange& exchange) const;

    HttpReply list_tenants(const HostCall& call);
    HttpReply create_tenant(const HostCall& call);
    HttpReply get_tenant(const HostCall& call);
    HttpReply delete_tenant(const HostCall& call);
    HttpReply list_plugins(const HostCall& call);
    HttpReply list_events(const HostCall& call);
    HttpReply metrics(const HostCall& call);
    HttpReply health(const HostCall& call);

    HostServices& services_;
    ModuleManager& modules_;
    const StaticFiles* ui_;
    std::mutex tenant_changes_;  // one tenant create/delete (with its hooks) at a time
};

}  // namespace kestra::harness
