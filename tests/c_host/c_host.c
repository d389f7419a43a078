/*
 * A minimal host in plain C99: loads a module through kestra_plugin.h alone,
 * serves one request to it without HTTP, and unloads it.  It proves that
 * nothing C++ leaks through the ABI, and is the example for host authors.
 *
 *   c_host /path/to/libkestra-scim.so /path/to/state-dir
 *
 * It creates a provisioning integration through an admin route, then reads
 * ServiceProviderConfig with the integration's token.  Exit status 0 when
 * every answer is the expected one.
 */
#include "kestra_plugin.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROUTES 64

/* ------------------------------------------------------------ host state */

typedef struct route_entry {
    char method[16];
    char path_template[256];
    uint32_t flags;
    kestra_handler_fn handler;
    void *handler_data;
} route_entry;

static route_entry g_routes[MAX_ROUTES];
static size_t g_route_count;
static int g_creating; /* register_route is valid only during create */
static char g_sqlite_path[1024];

static kestra_str str_of(const char *s) {
    kestra_str out;
    out.ptr = s;
    out.len = strlen(s);
    return out;
}

static int str_eq(kestra_str a, const char *b) {
    return a.len == strlen(b) && (a.len == 0 || memcmp(a.ptr, b, a.len) == 0);
}

static int copy_str(char *dst, size_t cap, kestra_str s) {
    if (s.len + 1 > cap) return 0;
    if (s.len) memcpy(dst, s.ptr, s.len);
    dst[s.len] = '\0';
    return 1;
}

/* ------------------------------------------------------------ host table */

static void host_log(const kestra_host *host, kestra_log_level level, kestra_str message) {
    (void)host;
    fprintf(stderr, "[module level=%d] %.*s\n", (int)level, (int)message.len, message.ptr);
}

static kestra_status host_config_get(const kestra_host *host, kestra_str key, kestra_str_fn fn, void *ctx) {
    (void)host;
    if (str_eq(key, "kestra.ee.tenants.enabled")) {
        fn(ctx, str_of("true"));
        return KESTRA_OK;
    }
    if (str_eq(key, "kestra.scim.sqlite.path")) {
        fn(ctx, str_of(g_sqlite_path));
        return KESTRA_OK;
    }
    return KESTRA_ERR_NOT_FOUND;
}

static kestra_status host_register_route(const kestra_host *host, const kestra_route *route) {
    route_entry *e;
    (void)host;
    if (!g_creating) return KESTRA_ERR_STATE;
    if (!route || route->struct_size < sizeof(kestra_route) || !route->handler) return KESTRA_ERR_INVALID_ARGUMENT;
    if (g_route_count == MAX_ROUTES) return KESTRA_ERR_UNSUPPORTED;
    e = &g_routes[g_route_count];
    if (!copy_str(e->method, sizeof e->method, route->method) ||
        !copy_str(e->path_template, sizeof e->path_template, route->path_template)) {
        return KESTRA_ERR_INVALID_ARGUMENT;
    }
    e->flags = route->flags;
    e->handler = route->handler;
    e->handler_data = route->handler_data;
    ++g_route_count;
    return KESTRA_OK;
}

static kestra_status host_tenant_exists(const kestra_host *host, kestra_str tenant) {
    (void)host;
    return str_eq(tenant, "acme") ? KESTRA_OK : KESTRA_ERR_NOT_FOUND;
}

static void host_emit_event(const kestra_host *host, const kestra_event *event) {
    (void)host;
    fprintf(stderr, "[event] %.*s\n", (int)event->type.len, event->type.ptr);
}

static const void *host_get_extension(const kestra_host *host, const char *id) {
    (void)host;
    (void)id;
    return NULL; /* this host offers no optional features */
}

/* ------------------------------------------------------------ response */

typedef struct response_buffer {
    uint32_t status;
    int body_started;
    char content_type[128];
    char body[16384];
    size_t body_len;
} response_buffer;

static kestra_status res_set_status(const kestra_response *res, uint32_t status) {
    response_buffer *b = (response_buffer *)res->host_data;
    if (b->body_started) return KESTRA_ERR_STATE;
    b->status = status;
    return KESTRA_OK;
}

static kestra_status res_add_header(const kestra_response *res, kestra_str name, kestra_str value) {
    response_buffer *b = (response_buffer *)res->host_data;
    if (b->body_started) return KESTRA_ERR_STATE;
    if (str_eq(name, "Content-Type")) copy_str(b->content_type, sizeof b->content_type, value);
    return KESTRA_OK;
}

static kestra_status res_write_body(const kestra_response *res, kestra_str chunk) {
    response_buffer *b = (response_buffer *)res->host_data;
    b->body_started = 1;
    if (b->body_len + chunk.len >= sizeof b->body) return KESTRA_ERR_UNSUPPORTED;
    memcpy(b->body + b->body_len, chunk.ptr, chunk.len);
    b->body_len += chunk.len;
    b->body[b->body_len] = '\0';
    return KESTRA_OK;
}

/* Calls the route registered for `method` whose template ends with
 * `suffix`, for tenant "acme" / integration `integration`. */
static int call(const char *method, const char *suffix, const char *tenant, const char *integration,
                const char *authorization, const char *body, const kestra_principal *principal,
                response_buffer *out) {
    size_t i;
    const route_entry *route = NULL;
    kestra_pair params[3];
    kestra_pair headers[3];
    size_t header_count = 1;
    kestra_request req;
    kestra_response res;
    char path[512];

    for (i = 0; i < g_route_count; ++i) {
        size_t n = strlen(g_routes[i].path_template), m = strlen(suffix);
        int method_ok = strcmp(g_routes[i].method, "*") == 0 || strcmp(g_routes[i].method, method) == 0;
        if (method_ok && n >= m && strcmp(g_routes[i].path_template + n - m, suffix) == 0) route = &g_routes[i];
    }
    if (!route) {
        fprintf(stderr, "no %s route ends with %s\n", method, suffix);
        return 0;
    }
    if (route->flags & KESTRA_ROUTE_ADMIN) {
        snprintf(path, sizeof path, "/api/v1/%s%s", tenant, suffix);
    } else {
        snprintf(path, sizeof path, "/api/v1/%s/integrations/%s/scim/v2%s", tenant, integration, suffix);
    }
    params[0].name = str_of("tenant");
    params[0].value = str_of(tenant);
    params[1].name = str_of("integrationId");
    params[1].value = str_of(integration);
    params[2].name = str_of("id");
    params[2].value = str_of(integration);
    headers[0].name = str_of("Host");
    headers[0].value = str_of("c-host.example");
    if (authorization) {
        headers[header_count].name = str_of("Authorization");
        headers[header_count].value = str_of(authorization);
        ++header_count;
    }
    if (body && body[0] != '\0') {
        headers[header_count].name = str_of("Content-Type");
        headers[header_count].value = str_of("application/json");
        ++header_count;
    }

    memset(&req, 0, sizeof req);
    req.struct_size = sizeof req;
    req.method = str_of(method);
    req.path = str_of(path);
    req.query = str_of("");
    req.body = str_of(body ? body : "");
    req.headers = headers;
    req.header_count = header_count;
    req.path_params = params;
    req.path_param_count = 3;
    req.principal = (route->flags & KESTRA_ROUTE_ADMIN) ? principal : NULL;
    req.request_id = str_of("c-host-1");
    req.remote_address = str_of("127.0.0.1");
    req.scheme = str_of("http");

    memset(out, 0, sizeof *out);
    memset(&res, 0, sizeof res);
    res.struct_size = sizeof res;
    res.host_data = out;
    res.set_status = res_set_status;
    res.add_header = res_add_header;
    res.write_body = res_write_body;
    return route->handler(route->handler_data, &req, &res) == KESTRA_OK;
}

/* Copies the string value of "key":"..." in a flat JSON text into dst. */
static int json_string(const char *json, const char *key, char *dst, size_t cap) {
    char pattern[64];
    const char *start, *end;
    snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
    start = strstr(json, pattern);
    if (!start) return 0;
    start += strlen(pattern);
    end = strchr(start, '"');
    if (!end || (size_t)(end - start) + 1 > cap) return 0;
    memcpy(dst, start, (size_t)(end - start));
    dst[end - start] = '\0';
    return 1;
}

int main(int argc, char **argv) {
    void *handle;
    kestra_plugin_entry_fn entry;
    const kestra_module *module;
    kestra_host host;
    void *instance = NULL;
    response_buffer response;
    kestra_principal admin;
    char integration[64] = "";
    char token[512] = "";
    int ok = 1;

    if (argc != 3) {
        fprintf(stderr, "usage: %s MODULE.so STATE_DIR\n", argv[0]);
        return 2;
    }
    snprintf(g_sqlite_path, sizeof g_sqlite_path, "%s/c-host.db", argv[2]);

    handle = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 1;
    }
    /* dlsym returns void*; POSIX guarantees the conversion to a function pointer. */
    *(void **)(&entry) = dlsym(handle, KESTRA_PLUGIN_ENTRY_SYMBOL);
    if (!entry) {
        fprintf(stderr, "not a kestra module: no %s\n", KESTRA_PLUGIN_ENTRY_SYMBOL);
        dlclose(handle);
        return 1;
    }
    module = entry(KESTRA_PLUGIN_ABI_VERSION);
    if (!module || KESTRA_PLUGIN_ABI_MAJOR_OF(module->abi_version) != KESTRA_PLUGIN_ABI_MAJOR ||
        module->struct_size < KESTRA_MODULE_MIN_SIZE) {
        fprintf(stderr, "incompatible module\n");
        dlclose(handle);
        return 1;
    }
    printf("loaded %.*s %.*s (ABI %u.%u)\n", (int)module->id.len, module->id.ptr, (int)module->version.len,
           module->version.ptr, (unsigned)KESTRA_PLUGIN_ABI_MAJOR_OF(module->abi_version),
           (unsigned)KESTRA_PLUGIN_ABI_MINOR_OF(module->abi_version));

    memset(&host, 0, sizeof host);
    host.struct_size = sizeof host;
    host.abi_version = KESTRA_PLUGIN_ABI_VERSION;
    host.host_data = NULL;
    host.host_name = str_of("c-host");
    host.host_version = str_of("1.0.0");
    host.log = host_log;
    host.config_get = host_config_get;
    host.register_route = host_register_route;
    host.tenant_exists = host_tenant_exists;
    host.emit_event = host_emit_event;
    host.get_extension = host_get_extension;

    g_creating = 1;
    if (module->create(&host, &instance, NULL, NULL) != KESTRA_OK) {
        fprintf(stderr, "module refused to start\n");
        dlclose(handle);
        return 1;
    }
    g_creating = 0;
    printf("%u routes registered\n", (unsigned)g_route_count);

    /* An admin creates an integration (the host authenticated the principal)... */
    memset(&admin, 0, sizeof admin);
    admin.struct_size = sizeof admin;
    admin.flags = KESTRA_PRINCIPAL_SUPERADMIN;
    admin.subject = str_of("c-host-admin");
    if (!call("POST", "/security-integrations", "acme", "", NULL,
              "{\"name\":\"c-host\",\"description\":\"from C\",\"type\":\"SCIM\"}", &admin, &response) ||
        response.status != 201 || !json_string(response.body, "id", integration, sizeof integration) ||
        !json_string(response.body, "secretToken", token + 7, sizeof token - 7)) {
        fprintf(stderr, "create integration: status %u body %s\n", (unsigned)response.status, response.body);
        ok = 0;
    }
    memcpy(token, "Bearer ", 7);
    /* ...and the IdP reads ServiceProviderConfig with the integration's token. */
    if (ok && (!call("GET", "/ServiceProviderConfig", "acme", integration, token, NULL, NULL, &response) ||
               response.status != 200 ||
               strstr(response.body, "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig") == NULL ||
               strcmp(response.content_type, "application/scim+json") != 0)) {
        fprintf(stderr, "ServiceProviderConfig: status %u body %s\n", (unsigned)response.status, response.body);
        ok = 0;
    }
    if (!call("GET", "/ServiceProviderConfig", "acme", integration, NULL, NULL, NULL, &response) ||
        response.status != 401 || strstr(response.body, "urn:ietf:params:scim:api:messages:2.0:Error") == NULL) {
        fprintf(stderr, "no token: status %u body %s\n", (unsigned)response.status, response.body);
        ok = 0;
    }
    if (!call("GET", "/ServiceProviderConfig", "nobody", integration, token, NULL, NULL, &response) ||
        response.status != 401 || strstr(response.body, "urn:ietf:params:scim:api:messages:2.0:Error") == NULL) {
        fprintf(stderr, "unknown tenant: status %u body %s\n", (unsigned)response.status, response.body);
        ok = 0;
    }

    module->destroy(instance);
    dlclose(handle);
    printf(ok ? "c host round trip: ok\n" : "c host round trip: FAILED\n");
    return ok ? 0 : 1;
}
