#include "dispatcher.hpp"

#include "config.hpp"
#include "event_log.hpp"
#include "logger.hpp"
#include "metrics.hpp"
#include "modules.hpp"
#include "static_files.hpp"
#include "tenant_store.hpp"
#include "text.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>

namespace kestra::harness {

namespace {

constexpr std::string_view http_log = "kestra.harness.http";
constexpr std::string_view tenant_log = "kestra.harness.tenants";

kestra_str str_of(std::string_view s) { return kestra_str{s.data(), s.size()}; }

// The response a module handler writes through kestra_response.  One
// write_body (the common case) is held and sent with a Content-Length; from
// a second one on, the head and the body go out through the server's
// BodyStream as they are written, so that a large body is never held whole.
struct ResponseWriter {
    std::mutex mutex;
    bool open = true;           // only inside the handler call
    bool answered = false;      // set_status or write_body was called
    bool body_started = false;  // status and headers are frozen after the first write_body
    HttpReply reply;
    BodyStream* stream = nullptr;  // null: hold the whole body
    bool streaming = false;        // the head went out; reply.body is no longer used
    bool client_gone = false;
};

// 204 and 304 have no body, so nothing to stream.
bool may_stream(unsigned status) { return status != 204 && status != 304; }

ResponseWriter* writer_of(const kestra_response* res) {
    return res ? static_cast<ResponseWriter*>(res->host_data) : nullptr;
}

bool header_name_char(char c) {
    static constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           extra.find(c) != std::string_view::npos;
}

// The host owns message framing and connection management.
bool framing_header(std::string_view name) {
    static constexpr std::array<std::string_view, 5> names{"content-length", "transfer-encoding", "connection",
                                                           "keep-alive", "upgrade"};
    return std::any_of(names.begin(), names.end(), [&](std::string_view n) { return iequals(n, name); });
}

kestra_status writer_set_status(const kestra_response* res, uint32_t http_status) {
    try {
        ResponseWriter* w = writer_of(res);
        if (!w) return KESTRA_ERR_INVALID_ARGUMENT;
        std::lock_guard lock(w->mutex);
        if (!w->open || w->body_started) return KESTRA_ERR_STATE;
        if (http_status < 200 || http_status > 599) return KESTRA_ERR_INVALID_ARGUMENT;
        w->reply.status = http_status;
        w->answered = true;
        return KESTRA_OK;
    } catch (...) {
        return KESTRA_ERR_INTERNAL;
    }
}

kestra_status writer_add_header(const kestra_response* res, kestra_str name, kestra_str value) {
    try {
        ResponseWriter* w = writer_of(res);
        if (!w || !name.ptr || name.len == 0 || (!value.ptr && value.len != 0)) return KESTRA_ERR_INVALID_ARGUMENT;
        const std::string_view n(name.ptr, name.len);
        const std::string_view v = value.ptr ? std::string_view(value.ptr, value.len) : std::string_view{};
        if (!std::all_of(n.begin(), n.end(), header_name_char) || v.find_first_of("\r\n", 0) != std::string_view::npos ||
            v.find('\0') != std::string_view::npos)
            return KESTRA_ERR_INVALID_ARGUMENT;
        std::lock_guard lock(w->mutex);
        if (!w->open || w->body_started) return KESTRA_ERR_STATE;
        if (!framing_header(n)) w->reply.headers.emplace_back(n, v);
        return KESTRA_OK;
    } catch (...) {
        return KESTRA_ERR_INTERNAL;
    }
}

kestra_status writer_write_body(const kestra_response* res, kestra_str chunk) {
    try {
        ResponseWriter* w = writer_of(res);
        if (!w || (!chunk.ptr && chunk.len != 0)) return KESTRA_ERR_INVALID_ARGUMENT;
        std::lock_guard lock(w->mutex);
        if (!w->open) return KESTRA_ERR_STATE;
        w->body_started = true;
        w->answered = true;
        if (w->client_gone) return KESTRA_ERR_IO;
        if (chunk.len == 0) return KESTRA_OK;
        const std::string_view piece(chunk.ptr, chunk.len);
        if (!w->streaming) {
            if (!w->stream || w->reply.body.empty() || !may_stream(w->reply.status)) {
                w->reply.body.append(piece);
                return KESTRA_OK;
            }
            // A second piece: stream from now on, starting with what is held.
            w->streaming = true;
            const bool sent = w->stream->start(w->reply.status, w->reply.headers) && w->stream->write(w->reply.body);
            std::string().swap(w->reply.body);
            if (!sent) {
                w->client_gone = true;
                return KESTRA_ERR_IO;
            }
        }
        if (!w->stream->write(piece)) {
            w->client_gone = true;
            return KESTRA_ERR_IO;
        }
        return KESTRA_OK;
    } catch (...) {
        return KESTRA_ERR_INTERNAL;
    }
}

std::string_view method_label(std::string_view method) {
    static constexpr std::array<std::string_view, 9> known{"GET",    "POST",    "PUT",   "PATCH", "DELETE",
                                                           "HEAD",   "OPTIONS", "TRACE", "CONNECT"};
    return std::find(known.begin(), known.end(), method) != known.end() ? method : std::string_view("OTHER");
}

HttpReply json_reply(unsigned status, const boost::json::value& value) {
    return HttpReply::json(status, boost::json::serialize(value));
}

// A 401 for missing or wrong super-admin credentials.  The Basic challenge
// makes a browser ask for, and then cache, credentials: never on /api/,
// which the Provisioning page calls with fetch and its own sign-in form.
HttpReply unauthorized(std::string_view raw_path, std::string_view message) {
    HttpReply reply = HttpReply::message(401, message);
    if (!raw_path.starts_with("/api/")) reply.headers.emplace_back("WWW-Authenticate", "Basic realm=\"kestra\"");
    return reply;
}

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

}  // namespace

Dispatcher::Dispatcher(HostServices& services, ModuleManager& modules, const StaticFiles* ui)
    : services_(services), modules_(modules), ui_(ui) {}

void Dispatcher::register_host_routes() {
    const auto add = [&](std::string_view method, std::string_view path, std::uint32_t flags,
                         HttpReply (Dispatcher::*member)(const HostCall&)) {
        RouteTarget target;
        target.flags = flags;
        target.host_handler = [this, member](const HostCall& call) { return (this->*member)(call); };
        if (services_.router.add(method, path, std::move(target)) != KESTRA_OK)
            throw std::logic_error("cannot register host route " + std::string(path));
    };
    add("GET", "/api/v1/tenants", KESTRA_ROUTE_ADMIN, &Dispatcher::list_tenants);
    add("POST", "/api/v1/tenants", KESTRA_ROUTE_ADMIN, &Dispatcher::create_tenant);
    add("GET", "/api/v1/tenants/{id}", KESTRA_ROUTE_ADMIN, &Dispatcher::get_tenant);
    add("DELETE", "/api/v1/tenants/{id}", KESTRA_ROUTE_ADMIN, &Dispatcher::delete_tenant);
    add("GET", "/api/v1/plugins", KESTRA_ROUTE_ADMIN, &Dispatcher::list_plugins);
    add("GET", "/api/v1/events", KESTRA_ROUTE_ADMIN, &Dispatcher::list_events);
    add("GET", "/metrics", 0, &Dispatcher::metrics);
    add("GET", "/health", 0, &Dispatcher::health);
}

HttpReply Dispatcher::handle(const HttpExchange& exchange) noexcept {
    try {
        return route(exchange);
    } catch (const std::exception& e) {
        services_.logger.error(http_log, "request failed", {{"requestId", exchange.request_id}, {"error", e.what()}});
    } catch (...) {
        services_.logger.error(http_log, "request failed", {{"requestId", exchange.request_id}});
    }
    try {
        return HttpReply::message(500, "Internal Server Error");
    } catch (...) {
        return HttpReply{500, {}, {}};
    }
}

void Dispatcher::record(const RequestSummary& s) noexcept {
    try {
        services_.logger.info(http_log,
                              std::string(s.method) + " " + std::string(s.path) + " " + std::to_string(s.status),
                              {{"method", s.method},
                               {"path", s.path},
                               {"status", s.status},
                               {"durationMs", static_cast<std::int64_t>(s.duration_ms)},
                               {"durationUs", static_cast<std::int64_t>(s.duration_ms * 1000.0)},
                               {"requestId", s.request_id}});
        const std::string method(method_label(s.method));
        services_.metrics.counter_add("kestra_harness_http_requests_total",
                                      {{"method", method}, {"status", std::to_string(s.status)}}, 1,
                                      "HTTP requests the harness answered, by method and status.");
        services_.metrics.histogram_observe("kestra_harness_http_request_duration_seconds", {{"method", method}},
                                            s.duration_ms / 1000.0,
                                            "Time the harness took to answer an HTTP request, by method.");
    } catch (...) {
    }
}

std::optional<HttpReply> Dispatcher::admit(const HttpExchange& head) noexcept {
    try {
        const std::string_view raw_path = path_of(head.target);
        if (ui_ && ui_->handles(raw_path)) return ui_->serve(head, raw_path);  // the page takes no body
        Router::Match match;
        if (auto refused = match_and_authenticate(head, raw_path, match)) return refused;
        const RouteTarget& target = *match.target;
        if (!target.admit) return std::nullopt;
        const std::string_view query = head.target.substr(std::min(head.target.size(), raw_path.size() + 1));
        return call_module(target, head, raw_path, query, match.params, true);
    } catch (const std::exception& e) {
        services_.logger.error(http_log, "admission failed", {{"requestId", head.request_id}, {"error", e.what()}});
    } catch (...) {
        services_.logger.error(http_log, "admission failed", {{"requestId", head.request_id}});
    }
    try {
        return HttpReply::message(500, "Internal Server Error");
    } catch (...) {
        return HttpReply{500, {}, {}};
    }
}

HttpReply Dispatcher::route(const HttpExchange& exchange) {
    const std::size_t question = exchange.target.find('?');
    const std::string_view raw_path = exchange.target.substr(0, question);
    const std::string_view query =
        question == std::string_view::npos ? std::string_view{} : exchange.target.substr(question + 1);

    if (ui_ && ui_->handles(raw_path)) return ui_->serve(exchange, raw_path);

    Router::Match match;
    if (auto refused = match_and_authenticate(exchange, raw_path, match)) return std::move(*refused);
    const RouteTarget& target = *match.target;
    if (target.host_handler) return target.host_handler(HostCall{exchange, match.params, query});
    return *call_module(target, exchange, raw_path, query, match.params, false);
}

std::optional<HttpReply> Dispatcher::match_and_authenticate(const HttpExchange& exchange, std::string_view raw_path,
                                                            Router::Match& match) const {
    switch (services_.router.match(exchange.method, raw_path, match)) {
    case Router::Outcome::bad_path: return HttpReply::message(400, "Malformed request path");
    case Router::Outcome::not_found: return HttpReply::message(404, "Not Found");
    case Router::Outcome::method_not_allowed: {
        std::sort(match.allowed.begin(), match.allowed.end());
        match.allowed.erase(std::unique(match.allowed.begin(), match.allowed.end()), match.allowed.end());
        std::string allow;
        for (const auto& m : match.allowed) allow += (allow.empty() ? "" : ", ") + m;
        HttpReply reply = HttpReply::message(405, "Method Not Allowed");
        reply.headers.emplace_back("Allow", allow);
        return reply;
    }
    case Router::Outcome::found: break;
    }
    if ((match.target->flags & KESTRA_ROUTE_ADMIN) && !authenticated(exchange))
        return unauthorized(raw_path, "Unauthorized");
    return std::nullopt;
}

bool Dispatcher::authenticated(const HttpExchange& exchange) const {
    const Settings& settings = services_.settings;
    if (!settings.admin_enabled()) return false;
    const auto header = exchange.header("Authorization");
    if (!header) return false;
    std::string_view value = *header;
    if (value.size() < 6 || !iequals(value.substr(0, 6), "Basic ")) return false;
    value.remove_prefix(6);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    const auto decoded = base64_decode(value);
    if (!decoded) return false;
    const std::size_t colon = decoded->find(':');
    if (colon == std::string::npos) return false;
    const bool user_ok = secrets_equal(std::string_view(*decoded).substr(0, colon), settings.admin_username);
    const bool password_ok = secrets_equal(std::string_view(*decoded).substr(colon + 1), settings.admin_password);
    return user_ok & password_ok;
}

std::optional<HttpReply> Dispatcher::call_module(const RouteTarget& target, const HttpExchange& exchange,
                                                std::string_view raw_path, std::string_view query,
                                                const PathParams& params, bool admission) {
    const std::string path = percent_decode(raw_path).value_or(std::string(raw_path));

    std::vector<kestra_pair> headers;
    headers.reserve(exchange.headers.size());
    for (const auto& [name, value] : exchange.headers) headers.push_back({str_of(name), str_of(value)});
    std::vector<kestra_pair> path_params;
    path_params.reserve(params.size());
    for (const auto& [name, value] : params) path_params.push_back({str_of(name), str_of(value)});

    std::vector<std::string> tenant_ids;
    std::vector<kestra_str> tenant_views;
    kestra_principal principal{};
    const bool admin = (target.flags & KESTRA_ROUTE_ADMIN) != 0;
    if (admin) {
        tenant_ids = services_.tenants.list();
        for (const auto& id : tenant_ids) tenant_views.push_back(str_of(id));
        principal = kestra_principal{sizeof(kestra_principal), KESTRA_PRINCIPAL_SUPERADMIN,
                                     str_of(services_.settings.admin_username), tenant_views.data(),
                                     tenant_views.size()};
    }

    const kestra_request request{sizeof(kestra_request),
                                 str_of(exchange.method),
                                 str_of(path),
                                 str_of(query),
                                 str_of(admission ? std::string_view{} : exchange.body),
                                 headers.data(),
                                 headers.size(),
                                 path_params.data(),
                                 path_params.size(),
                                 admin ? &principal : nullptr,
                                 str_of(exchange.request_id),
                                 str_of(exchange.remote_address),
                                 str_of("http")};
    ResponseWriter writer;
    writer.stream = admission ? nullptr : exchange.stream;
    const kestra_response response{sizeof(kestra_response), &writer, &writer_set_status, &writer_add_header,
                                   &writer_write_body};
    kestra_status status;
    {
        ModuleManager::CallScope scope(modules_.call_counter());
        status = (admission ? target.admit : target.handler)(target.handler_data, &request, &response);
    }
    std::lock_guard lock(writer.mutex);
    writer.open = false;
    if (admission && status == KESTRA_OK && !writer.answered) return std::nullopt;
    if (writer.streaming) {
        // The head is out: a failure now can only cut the body short.
        if (status != KESTRA_OK && !writer.client_gone)
            services_.logger.warn(http_log, "module handler failed while streaming its response: connection closed",
                                  {{"module", target.module ? target.module->id : std::string()},
                                   {"status", status_name(status)},
                                   {"requestId", exchange.request_id}});
        writer.reply.streamed = true;
        writer.reply.stream_complete = status == KESTRA_OK && !writer.client_gone;
        return std::move(writer.reply);
    }
    if (status != KESTRA_OK && !writer.body_started) {
        services_.logger.warn(http_log, admission ? "module admit failed without a response"
                                                  : "module handler failed without a response",
                              {{"module", target.module ? target.module->id : std::string()},
                               {"status", status_name(status)},
                               {"requestId", exchange.request_id}});
        return HttpReply::message(500, "Internal Server Error");
    }
    return std::move(writer.reply);
}

HttpReply Dispatcher::list_tenants(const HostCall&) {
    boost::json::array out;
    for (const auto& id : services_.tenants.list()) out.push_back(boost::json::object{{"id", id}});
    return json_reply(200, out);
}

HttpReply Dispatcher::create_tenant(const HostCall& call) {
    boost::system::error_code ec;
    const boost::json::value body = boost::json::parse(call.exchange.body, ec);
    const auto* object = ec ? nullptr : body.if_object();
    if (!object) return HttpReply::message(400, "The body must be a JSON object such as {\"id\":\"acme\"}");
    const auto* id = object->if_contains("id");
    if (!id || !id->is_string()) return HttpReply::message(400, "Field 'id' (a string) is required");
    const std::string tenant(id->get_string());
    if (!TenantStore::valid_id(tenant))
        return HttpReply::message(400, "Invalid tenant id: it must match ^[a-z0-9][a-z0-9_-]{0,62}$");

    std::lock_guard lock(tenant_changes_);
    if (!services_.tenants.add(tenant)) return HttpReply::message(409, "Tenant '" + tenant + "' already exists");
    services_.logger.info(tenant_log, "tenant created", {{"tenant", tenant}});
    modules_.tenant_created(tenant);
    HttpReply reply = json_reply(201, boost::json::object{{"id", tenant}});
    reply.headers.emplace_back("Location", "/api/v1/tenants/" + tenant);
    return reply;
}

HttpReply Dispatcher::get_tenant(const HostCall& call) {
    const std::string& tenant = call.params.front().second;
    if (!services_.tenants.exists(tenant)) return HttpReply::message(404, "Tenant '" + tenant + "' not found");
    return json_reply(200, boost::json::object{{"id", tenant}});
}

HttpReply Dispatcher::delete_tenant(const HostCall& call) {
    const std::string& tenant = call.params.front().second;
    std::lock_guard lock(tenant_changes_);
    if (!services_.tenants.exists(tenant)) return HttpReply::message(404, "Tenant '" + tenant + "' not found");
    modules_.tenant_deleted(tenant);
    services_.tenants.remove(tenant);
    services_.logger.info(tenant_log, "tenant deleted", {{"tenant", tenant}});
    return HttpReply{204, {}, {}};
}

HttpReply Dispatcher::list_plugins(const HostCall&) {
    boost::json::array out;
    for (const auto& m : modules_.modules())
        out.push_back(boost::json::object{{"id", m->id},
                                          {"version", m->version},
                                          {"description", m->description},
                                          {"abiVersion", abi_text(m->abi_version)},
                                          {"path", m->path.string()}});
    return json_reply(200, out);
}

HttpReply Dispatcher::list_events(const HostCall&) { return json_reply(200, services_.events.to_json()); }

// Liveness, and the transport ceiling of the benchmarks: no module, no store.
HttpReply Dispatcher::health(const HostCall&) { return HttpReply::json(200, R"({"status":"UP"})"); }

HttpReply Dispatcher::metrics(const HostCall& call) {
    using Access = Settings::MetricsAccess;
    const Access access = services_.settings.metrics_access;
    const bool allowed = access == Access::open ||
                         (access == Access::loopback_or_admin && loopback_address(call.exchange.remote_address)) ||
                         authenticated(call.exchange);
    if (!allowed) return unauthorized("/metrics", "Unauthorized: /metrics needs the super-admin credentials");
    HttpReply reply{200, {{"Content-Type", "text/plain; version=0.0.4; charset=utf-8"}}, services_.metrics.render()};
    return reply;
}

}  // namespace kestra::harness
