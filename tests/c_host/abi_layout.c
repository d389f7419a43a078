/* Compiled as C99 with -Wall -Wextra -pedantic -Werror: the header is pure C,
 * and its layout is pinned.  A change here is an ABI break. */
#include "kestra_plugin.h"

#define PIN(name, cond) typedef char pin_##name[(cond) ? 1 : -1]
#define AT(type, field, off) PIN(type##_##field, offsetof(type, field) == (off))

PIN(status_size, sizeof(kestra_status) == 4);
PIN(str_size, sizeof(kestra_str) == 2 * sizeof(void *));
PIN(pair_size, sizeof(kestra_pair) == 2 * sizeof(kestra_str));
PIN(frozen_status, KESTRA_OK == 0 && KESTRA_ERR_INVALID_ARGUMENT == 1 && KESTRA_ERR_NOT_FOUND == 2 &&
                       KESTRA_ERR_UNSUPPORTED == 3 && KESTRA_ERR_STATE == 4 && KESTRA_ERR_REFUSED == 5 &&
                       KESTRA_ERR_INTERNAL == 6 && KESTRA_ERR_IO == 7);
PIN(frozen_levels, KESTRA_LOG_DEBUG == 0 && KESTRA_LOG_INFO == 1 && KESTRA_LOG_WARN == 2 && KESTRA_LOG_ERROR == 3);
PIN(version, KESTRA_PLUGIN_ABI_VERSION == 0x00010001u);

#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu
PIN(principal_size, sizeof(kestra_principal) == 40);
AT(kestra_principal, flags, 4);
AT(kestra_principal, subject, 8);
AT(kestra_principal, tenants, 24);
AT(kestra_principal, tenant_count, 32);

PIN(request_size, sizeof(kestra_request) == 160);
AT(kestra_request, method, 8);
AT(kestra_request, path, 24);
AT(kestra_request, query, 40);
AT(kestra_request, body, 56);
AT(kestra_request, headers, 72);
AT(kestra_request, header_count, 80);
AT(kestra_request, path_params, 88);
AT(kestra_request, path_param_count, 96);
AT(kestra_request, principal, 104);
AT(kestra_request, request_id, 112);
AT(kestra_request, remote_address, 128);
AT(kestra_request, scheme, 144);

PIN(response_size, sizeof(kestra_response) == 40);
AT(kestra_response, host_data, 8);
AT(kestra_response, set_status, 16);
AT(kestra_response, add_header, 24);
AT(kestra_response, write_body, 32);

PIN(route_size, sizeof(kestra_route) == 64);
AT(kestra_route, flags, 4);
AT(kestra_route, method, 8);
AT(kestra_route, path_template, 24);
AT(kestra_route, handler, 40);
AT(kestra_route, handler_data, 48);
AT(kestra_route, admit, 56);  /* ABI 1.1 */

PIN(event_size, sizeof(kestra_event) == 72);
AT(kestra_event, type, 8);
AT(kestra_event, tenant, 24);
AT(kestra_event, subject, 40);
AT(kestra_event, payload_json, 56);

PIN(host_size, sizeof(kestra_host) == 96);
AT(kestra_host, abi_version, 4);
AT(kestra_host, host_data, 8);
AT(kestra_host, host_name, 16);
AT(kestra_host, host_version, 32);
AT(kestra_host, log, 48);
AT(kestra_host, config_get, 56);
AT(kestra_host, register_route, 64);
AT(kestra_host, tenant_exists, 72);
AT(kestra_host, emit_event, 80);
AT(kestra_host, get_extension, 88);

PIN(module_size, sizeof(kestra_module) == 80);
AT(kestra_module, abi_version, 4);
AT(kestra_module, id, 8);
AT(kestra_module, version, 24);
AT(kestra_module, description, 40);
AT(kestra_module, create, 56);
AT(kestra_module, destroy, 64);
AT(kestra_module, get_extension, 72);
PIN(module_min_size, KESTRA_MODULE_MIN_SIZE == 80);

PIN(tenant_hooks_size, sizeof(kestra_tenant_hooks) == 32);
AT(kestra_tenant_hooks, hook_data, 8);
AT(kestra_tenant_hooks, tenant_created, 16);
AT(kestra_tenant_hooks, tenant_deleted, 24);
PIN(iam_hooks_size, sizeof(kestra_host_iam_hooks) == 16);
PIN(metrics_size, sizeof(kestra_host_metrics) == 32);
AT(kestra_host_metrics, counter_add, 8);
AT(kestra_host_metrics, gauge_set, 16);
AT(kestra_host_metrics, histogram_observe, 24);
#endif

int main(void) { return 0; }
