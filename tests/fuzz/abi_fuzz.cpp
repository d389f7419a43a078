// Fuzzes a whole SCIM request through the module's one exported entry point
// (kestra_plugin_entry), on SQLite: the host side is this file.  The input is
// "METHOD /path?query\n" followed by the body; the path is appended to a real
// integration's SCIM base and sent with its token, so requests get past
// authentication into the handlers, the services and the store.
#include "kestra_plugin.h"

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

extern "C" const kestra_module* kestra_plugin_entry(uint32_t host_abi_version);

namespace {

std::string_view view(kestra_str s) { return s.ptr ? std::string_view(s.ptr, s.len) : std::string_view(); }
kestra_str str(std::string_view s) { return {s.data(), s.size()}; }

struct Route {
  std::string method;
  std::string path_template;
  kestra_handler_fn handler;
  void* data;
  bool admin;
};

struct Reply {
  unsigned status = 0;
  std::string body;
};

struct Host {
  std::string state = std::filesystem::temp_directory_path() / ("kestra-fuzz-abi-" + std::to_string(getpid()));
  std::string sqlite_path = state + "/kestra-scim.db";
  std::vector<Route> routes;
  kestra_host table{};
  const kestra_module* module = nullptr;
  void* instance = nullptr;
  std::string base;
  std::string authorization;

  Host();
  ~Host() {
    if (module && instance) module->destroy(instance);
    std::error_code ec;
    std::filesystem::remove_all(state, ec);
  }
  Reply call(std::string_view method, std::string_view path, std::string_view query, std::string_view body,
             bool admin);
};

Host* g_host = nullptr;

kestra_status config_get(const kestra_host*, kestra_str key, kestra_str_fn fn, void* ctx) {
  const std::string_view k = view(key);
  std::string value;
  if (k == "kestra.ee.tenants.enabled") value = "true";
  else if (k == "kestra.scim.sqlite.path") value = g_host->sqlite_path;
  else if (k == "kestra.scim.rate-limit.enabled") value = "false";
  else if (k == "kestra.scim.datasource.pool-size") value = "1";
  else return KESTRA_ERR_NOT_FOUND;
  fn(ctx, str(value));
  return KESTRA_OK;
}

kestra_status register_route(const kestra_host*, const kestra_route* route) {
  g_host->routes.push_back({std::string(view(route->method)), std::string(view(route->path_template)), route->handler,
                            route->handler_data, (route->flags & KESTRA_ROUTE_ADMIN) != 0});
  return KESTRA_OK;
}

kestra_status tenant_exists(const kestra_host*, kestra_str tenant) {
  return view(tenant) == "acme" ? KESTRA_OK : KESTRA_ERR_NOT_FOUND;
}

void log_line(const kestra_host*, kestra_log_level, kestra_str) {}
void emit_event(const kestra_host*, const kestra_event*) {}
const void* no_extension(const kestra_host*, const char*) { return nullptr; }

kestra_status set_status(const kestra_response* res, uint32_t status) {
  static_cast<Reply*>(res->host_data)->status = status;
  return KESTRA_OK;
}
kestra_status add_header(const kestra_response*, kestra_str, kestra_str) { return KESTRA_OK; }
kestra_status write_body(const kestra_response* res, kestra_str chunk) {
  static_cast<Reply*>(res->host_data)->body.append(view(chunk));
  return KESTRA_OK;
}

void on_error(void*, kestra_str reason) {
  fprintf(stderr, "module refused: %.*s\n", static_cast<int>(reason.len), reason.ptr);
  std::abort();
}

// {name} segments of `path_template` matched against `path`.
bool match(std::string_view path_template, std::string_view path, std::vector<std::pair<std::string, std::string>>& params) {
  params.clear();
  while (!path_template.empty() || !path.empty()) {
    if (path_template.empty() || path.empty() || path_template[0] != '/' || path[0] != '/') return false;
    path_template.remove_prefix(1);
    path.remove_prefix(1);
    const auto t_end = path_template.find('/');
    const auto p_end = path.find('/');
    const auto t = path_template.substr(0, t_end);
    const auto p = path.substr(0, p_end);
    if (t.size() > 2 && t.front() == '{' && t.back() == '}') {
      params.emplace_back(std::string(t.substr(1, t.size() - 2)), std::string(p));
    } else if (t != p) {
      return false;
    }
    path_template = t_end == std::string_view::npos ? std::string_view() : path_template.substr(t_end);
    path = p_end == std::string_view::npos ? std::string_view() : path.substr(p_end);
  }
  return true;
}

Host::Host() {
  g_host = this;
  std::filesystem::create_directories(state);
  table.struct_size = sizeof(kestra_host);
  table.abi_version = KESTRA_PLUGIN_ABI_VERSION;
  table.host_name = str("kestra-fuzz");
  table.host_version = str("0");
  table.log = &log_line;
  table.config_get = &config_get;
  table.register_route = &register_route;
  table.tenant_exists = &tenant_exists;
  table.emit_event = &emit_event;
  table.get_extension = &no_extension;
  module = kestra_plugin_entry(KESTRA_PLUGIN_ABI_VERSION);
  if (!module || module->create(&table, &instance, &on_error, nullptr) != KESTRA_OK) std::abort();
  auto created = call("POST", "/api/v1/acme/security-integrations", "", R"({"name":"fuzz","type":"SCIM"})", true);
  auto doc = boost::json::parse(created.body).as_object();
  base = "/api/v1/acme/integrations/" + std::string(doc.at("id").as_string()) + "/scim/v2";
  authorization = "Bearer " + std::string(doc.at("secretToken").as_string());
}

Reply Host::call(std::string_view method, std::string_view path, std::string_view query, std::string_view body,
                 bool admin) {
  Reply reply;
  std::vector<std::pair<std::string, std::string>> params;
  for (const auto& route : routes) {
    if ((route.method != "*" && route.method != method) || route.admin != admin) continue;
    if (!match(route.path_template, path, params)) continue;
    std::vector<kestra_pair> headers = {{str("Authorization"), str(authorization)},
                                        {str("Content-Type"), str(admin ? "application/json" : "application/scim+json")}};
    std::vector<kestra_pair> path_params;
    for (const auto& [name, value] : params) path_params.push_back({str(name), str(value)});
    const kestra_str tenant = str("acme");
    kestra_principal principal{sizeof(kestra_principal), KESTRA_PRINCIPAL_SUPERADMIN, str("admin"), &tenant, 1};
    kestra_request request{};
    request.struct_size = sizeof(kestra_request);
    request.method = str(method);
    request.path = str(path);
    request.query = str(query);
    request.body = str(body);
    request.headers = headers.data();
    request.header_count = headers.size();
    request.path_params = path_params.data();
    request.path_param_count = path_params.size();
    request.principal = admin ? &principal : nullptr;
    request.request_id = str("fuzz");
    request.remote_address = str("127.0.0.1");
    request.scheme = str("http");
    kestra_response response{sizeof(kestra_response), &reply, &set_status, &add_header, &write_body};
    route.handler(route.data, &request, &response);
    return reply;
  }
  return reply;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Host host;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto line_end = input.find('\n');
  const auto line = input.substr(0, line_end);
  const auto body = line_end == std::string_view::npos ? std::string_view() : input.substr(line_end + 1);
  const auto space = line.find(' ');
  if (space == std::string_view::npos) return 0;
  const auto method = line.substr(0, space);
  const auto target = line.substr(space + 1);
  const auto question = target.find('?');
  const std::string path = host.base + std::string(target.substr(0, question));
  const auto query = question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  const auto reply = host.call(method, path, query, body, false);
  // Whatever the request, the answer is an HTTP status the module chose.
  if (reply.status != 0 && (reply.status < 200 || reply.status > 599)) std::abort();
  return 0;
}
