/*
 * kestra_plugin.h - the C ABI between a Kestra-style host and a loadable module.
 *
 * ABI version 1.1.  Pure C99; the only contract between host and module.
 * 1.1 appended kestra_route.admit.
 *
 * LIFECYCLE (host side)
 *   1. handle = dlopen(path, RTLD_NOW | RTLD_LOCAL)
 *   2. entry  = (kestra_plugin_entry_fn)dlsym(handle, KESTRA_PLUGIN_ENTRY_SYMBOL)
 *      NULL -> not a module: refuse.
 *   3. module = entry(KESTRA_PLUGIN_ABI_VERSION)
 *      NULL -> the module refuses this host.  Otherwise the host checks
 *      KESTRA_PLUGIN_ABI_MAJOR_OF(module->abi_version) equals its own major and
 *      module->struct_size >= KESTRA_MODULE_MIN_SIZE, else refuses.
 *   4. module->create(host, &instance, on_error, ctx)   [main]
 *      The module registers its routes and hooks from inside create, never
 *      from static constructors.  A non-OK status means the module refused
 *      to start; it has reported why through on_error.
 *   5. the host serves: route handlers and hooks are called on any thread.
 *   6. module->destroy(instance)                        [main]
 *      only after every in-flight call into the module has returned.
 *   7. dlclose(handle)
 *
 * RULES
 *   - Every struct begins with uint32_t struct_size (the sizeof the writer
 *     compiled against).  A reader must treat a field that lies past
 *     struct_size as absent.  Fields are only ever appended (minor version);
 *     removing or changing one is a new major version.
 *   - kestra_str and kestra_pair are plain views frozen for ever; they carry
 *     no struct_size and never grow.
 *   - Strings are UTF-8 views {ptr, len}; they are NOT NUL-terminated unless
 *     a comment says so.  ptr may be NULL only when len is 0.
 *   - Ownership: data passed into a call is borrowed for the duration of that
 *     call only; copy what must outlive it.  Responses go out through host
 *     callbacks and the host copies the bytes before returning.  Nothing
 *     allocated on one side is ever freed on the other.
 *   - No exception, longjmp or abort crosses the boundary: every function
 *     catches everything on its own side and reports a status.
 *   - Enum values (status codes, log levels, flags) are frozen: new values
 *     may be added, existing ones never change meaning.
 *   - Thread context is written beside each function:
 *       [main]        called only from the thread that loaded the module,
 *                     never concurrently with another [main] call;
 *       [any-thread]  may be called from any thread, concurrently;
 *       [thread-safe] the callee guarantees concurrent calls are safe.
 *   - Optional features go through get_extension("id/rev") on either side;
 *     NULL means the feature (at that revision) is absent.
 */
#ifndef KESTRA_PLUGIN_H
#define KESTRA_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ version */

#define KESTRA_PLUGIN_ABI_MAJOR 1u
#define KESTRA_PLUGIN_ABI_MINOR 1u
#define KESTRA_PLUGIN_ABI_MAKE(major, minor) ((uint32_t)(((major) << 16) | (minor)))
#define KESTRA_PLUGIN_ABI_VERSION KESTRA_PLUGIN_ABI_MAKE(KESTRA_PLUGIN_ABI_MAJOR, KESTRA_PLUGIN_ABI_MINOR)
#define KESTRA_PLUGIN_ABI_MAJOR_OF(v) ((uint32_t)(v) >> 16)
#define KESTRA_PLUGIN_ABI_MINOR_OF(v) ((uint32_t)(v) & 0xFFFFu)

/* The one exported symbol of a module. */
#define KESTRA_PLUGIN_ENTRY_SYMBOL "kestra_plugin_entry"

/* ------------------------------------------------------------------ values */

/* A borrowed UTF-8 string view. */
typedef struct kestra_str {
    const char *ptr;
    size_t len;
} kestra_str;

/* A borrowed name/value pair (HTTP header, path parameter, metric label). */
typedef struct kestra_pair {
    kestra_str name;
    kestra_str value;
} kestra_pair;

/* Status of a call.  Frozen values; a fixed-width integer, not an enum type,
 * so that its size never depends on the compiler. */
typedef int32_t kestra_status;
#define KESTRA_OK                    0
#define KESTRA_ERR_INVALID_ARGUMENT  1  /* a parameter is malformed */
#define KESTRA_ERR_NOT_FOUND         2  /* no such key, tenant, extension */
#define KESTRA_ERR_UNSUPPORTED       3  /* feature or value not supported */
#define KESTRA_ERR_STATE             4  /* call not allowed at this point */
#define KESTRA_ERR_REFUSED           5  /* the callee refuses (e.g. create) */
#define KESTRA_ERR_INTERNAL          6  /* unexpected failure on the callee side */
#define KESTRA_ERR_IO                7  /* the peer's connection went away */

/* Log levels. */
typedef int32_t kestra_log_level;
#define KESTRA_LOG_DEBUG 0
#define KESTRA_LOG_INFO  1
#define KESTRA_LOG_WARN  2
#define KESTRA_LOG_ERROR 3

/* A string callback: the callee calls it with a view that is valid only
 * during that call.  Used to hand strings from one side to the other
 * without allocation crossing the boundary. */
typedef void (*kestra_str_fn)(void *ctx, kestra_str value);

/* ------------------------------------------------------------------ requests */

/* The authenticated caller of an admin route, established by the host.
 * OWNERSHIP: borrowed for the duration of the handler call. */
typedef struct kestra_principal {
    uint32_t struct_size;
    uint32_t flags;                 /* KESTRA_PRINCIPAL_* */
    kestra_str subject;             /* user name or service-account id */
    const kestra_str *tenants;      /* tenants this principal administers */
    size_t tenant_count;
} kestra_principal;
#define KESTRA_PRINCIPAL_SUPERADMIN 0x1u   /* administers every tenant */

/* One HTTP request routed to the module.
 * OWNERSHIP: the struct and everything it points to are borrowed for the
 * duration of the handler call. */
typedef struct kestra_request {
    uint32_t struct_size;
    kestra_str method;              /* "GET", "POST", ... upper case */
    kestra_str path;                /* decoded path, no query string */
    kestra_str query;               /* raw query string after '?', not decoded */
    kestra_str body;                /* whole request body (may be empty) */
    const kestra_pair *headers;     /* names as received; match case-insensitively */
    size_t header_count;
    const kestra_pair *path_params; /* {name} segments of the route template, decoded */
    size_t path_param_count;
    const kestra_principal *principal; /* admin routes: never NULL; other routes: NULL */
    kestra_str request_id;          /* host-assigned id, for logs and audit */
    kestra_str remote_address;      /* peer address as text */
    kestra_str scheme;              /* "http" or "https" as the host sees it */
} kestra_request;

/* Where a handler writes its response.  The host copies every byte before
 * each call returns.  Order: set_status and add_header before the first
 * write_body; after it they return KESTRA_ERR_STATE (the host may already
 * have sent the head and be streaming the body).  A handler that writes
 * nothing and returns non-OK gets a 500 from the host.
 * All functions: [any-thread], only from inside the handler call that
 * received this response. */
typedef struct kestra_response {
    uint32_t struct_size;
    void *host_data;                /* OWNERSHIP: host's; do not touch */
    kestra_status (*set_status)(const struct kestra_response *res, uint32_t http_status);
    kestra_status (*add_header)(const struct kestra_response *res, kestra_str name, kestra_str value);
    /* Appends body bytes.  KESTRA_ERR_IO: the client went away; stop writing. */
    kestra_status (*write_body)(const struct kestra_response *res, kestra_str chunk);
} kestra_response;

/* A route handler.  [any-thread] - called concurrently for many requests.
 * handler_data is the pointer given at registration. */
typedef kestra_status (*kestra_handler_fn)(void *handler_data,
                                           const kestra_request *req,
                                           const kestra_response *res);

/* A route the module asks the host to serve. */
typedef struct kestra_route {
    uint32_t struct_size;
    uint32_t flags;                 /* KESTRA_ROUTE_* */
    kestra_str method;              /* "GET" ...; "*" = every method (the module answers 405 itself) */
    kestra_str path_template;       /* "/api/v1/{tenant}/integrations/{integrationId}/scim/v2/Users/{id}";
                                     * literal segments match exactly (case too); a request path with one
                                     * trailing slash matches as the path without it */
    kestra_handler_fn handler;
    void *handler_data;             /* OWNERSHIP: module's; must outlive the module instance */

    /* ABI 1.1.  Optional (NULL: none).  [any-thread] The host may call it
     * with the head of a request before it reads the request's body, so
     * that a request refused anyway costs no body: req->body is empty, the
     * rest as for the handler (on an admin route, after the host
     * authenticated the caller).  Same arguments and ownership as the
     * handler; its response is held whole, never streamed.
     *   - Writes nothing and returns KESTRA_OK: the host reads the body and
     *     calls the handler.
     *   - Sets a status (or writes body bytes): that is the answer; the
     *     handler is not called, the body is not read, and the host closes
     *     the connection after answering.
     *   - Returns non-OK without a response: the host answers 500.
     * The handler must still make every check admit makes: a host may call
     * admit only for bodies not yet received, and a 1.0 host never calls it. */
    kestra_handler_fn admit;
} kestra_route;
/* Admin route: the host authenticates the caller before calling the handler
 * (401 without calling it when that fails) and passes the principal.  The
 * host does so before it reads the body. */
#define KESTRA_ROUTE_ADMIN 0x1u

/* An event the module emits to the host (IAM changes, audit). */
typedef struct kestra_event {
    uint32_t struct_size;
    kestra_str type;                /* dotted name, e.g. "iam.role.created" */
    kestra_str tenant;              /* may be empty */
    kestra_str subject;             /* id of the object concerned */
    kestra_str payload_json;        /* a JSON object with the details */
} kestra_event;

/* ------------------------------------------------------------------ host table */

typedef struct kestra_host {
    uint32_t struct_size;
    uint32_t abi_version;           /* KESTRA_PLUGIN_ABI_VERSION of the host */
    void *host_data;                /* OWNERSHIP: host's; one per loaded module */
    kestra_str host_name;           /* e.g. "kestra-harness" */
    kestra_str host_version;

    /* [thread-safe] Writes one log line.  Never pass secrets. */
    void (*log)(const struct kestra_host *host, kestra_log_level level, kestra_str message);

    /* [thread-safe] Looks up a configuration value by dotted key, e.g.
     * "kestra.ee.tenants.enabled".  A scalar calls fn once with its text;
     * a sequence of scalars calls fn once per element, in order.
     * KESTRA_OK: found; KESTRA_ERR_NOT_FOUND: absent; KESTRA_ERR_UNSUPPORTED:
     * the key names a mapping. */
    kestra_status (*config_get)(const struct kestra_host *host, kestra_str key,
                                kestra_str_fn fn, void *ctx);

    /* [main] Only during create.  The host copies the route.  Fails with
     * KESTRA_ERR_INVALID_ARGUMENT for a malformed template and
     * KESTRA_ERR_STATE for a (method, template) already registered. */
    kestra_status (*register_route)(const struct kestra_host *host, const kestra_route *route);

    /* [thread-safe] KESTRA_OK when the tenant exists, KESTRA_ERR_NOT_FOUND
     * when it does not. */
    kestra_status (*tenant_exists)(const struct kestra_host *host, kestra_str tenant);

    /* [thread-safe] Emits an event; the host copies it. */
    void (*emit_event)(const struct kestra_host *host, const kestra_event *event);

    /* [thread-safe] Optional host features by id "name/revision"; NULL when
     * absent.  OWNERSHIP: the returned table is the host's and lives until
     * the module is destroyed. */
    const void *(*get_extension)(const struct kestra_host *host, const char *id /* NUL-terminated */);
} kestra_host;

/* ------------------------------------------------------------------ module table */

typedef struct kestra_module {
    uint32_t struct_size;
    uint32_t abi_version;           /* KESTRA_PLUGIN_ABI_VERSION the module was built with */
    kestra_str id;                  /* stable id, e.g. "kestra-scim" */
    kestra_str version;             /* semantic version of the module */
    kestra_str description;

    /* [main] Creates an instance.  The module keeps `host` (valid until
     * destroy) and registers its routes and hooks through it.  On failure
     * it calls on_error(error_ctx, reason) once and returns non-OK; the
     * host then destroys nothing and unloads the module. */
    kestra_status (*create)(const kestra_host *host, void **instance_out,
                            kestra_str_fn on_error, void *error_ctx);

    /* [main] Destroys an instance after every in-flight call has returned. */
    void (*destroy)(void *instance);

    /* [thread-safe] Optional module features by id "name/revision"; NULL
     * when absent.  OWNERSHIP: module's, valid until destroy. */
    const void *(*get_extension)(void *instance, const char *id /* NUL-terminated */);
} kestra_module;

/* The smallest module table a version-1 host accepts. */
#define KESTRA_MODULE_MIN_SIZE ((uint32_t)(offsetof(kestra_module, get_extension) + sizeof(void *)))

/* The entry function every module exports (and nothing else).
 * [main] Must do no work beyond returning its static const table.
 * Returns NULL to refuse a host whose ABI major it does not implement. */
typedef const kestra_module *(*kestra_plugin_entry_fn)(uint32_t host_abi_version);

/* ------------------------------------------------------------------ extensions */

/* Host extension "kestra.iam-hooks/1": IAM bootstrap hooks.  The module
 * registers them during create; the host calls them when a tenant is created
 * (including, once, tenants that exist at the host's first start) and
 * before a tenant is deleted. */
#define KESTRA_EXT_IAM_HOOKS "kestra.iam-hooks/1"

typedef struct kestra_tenant_hooks {
    uint32_t struct_size;
    void *hook_data;                /* OWNERSHIP: module's; must outlive the instance */
    /* [any-thread] Prepares what a new tenant needs.  Non-OK: the host logs it. */
    kestra_status (*tenant_created)(void *hook_data, kestra_str tenant);
    /* [any-thread] Removes the module's objects of a tenant being deleted. */
    kestra_status (*tenant_deleted)(void *hook_data, kestra_str tenant);
} kestra_tenant_hooks;

typedef struct kestra_host_iam_hooks {
    uint32_t struct_size;
    /* [main] Only during create.  The host copies the struct. */
    kestra_status (*register_tenant_hooks)(const kestra_host *host, const kestra_tenant_hooks *hooks);
} kestra_host_iam_hooks;

/* Host extension "kestra.metrics/1": metrics the host exports (for example
 * as Prometheus text).  Names are snake_case; labels are borrowed. */
#define KESTRA_EXT_METRICS "kestra.metrics/1"

typedef struct kestra_host_metrics {
    uint32_t struct_size;
    /* [thread-safe] Adds value (>= 0) to a counter. */
    void (*counter_add)(const kestra_host *host, kestra_str name,
                        const kestra_pair *labels, size_t label_count, double value);
    /* [thread-safe] Sets a gauge. */
    void (*gauge_set)(const kestra_host *host, kestra_str name,
                      const kestra_pair *labels, size_t label_count, double value);
    /* [thread-safe] Records one observation (seconds for latencies) in a histogram. */
    void (*histogram_observe)(const kestra_host *host, kestra_str name,
                              const kestra_pair *labels, size_t label_count, double value);
} kestra_host_metrics;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KESTRA_PLUGIN_H */
