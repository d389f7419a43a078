// Route table: "/a/{param}/b" templates, literal segments win over
// parameters, method "*" matches every method, a path with one trailing
// slash matches as the path without it.  Filled before serving,
// read-only (and so thread-safe) afterwards.
#pragma once

#include "http_types.hpp"
#include "kestra_plugin.h"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace kestra::harness {

struct ModuleRecord;

struct HostCall {
    const HttpExchange& exchange;
    const PathParams& params;
    std::string_view query;
};
using HostHandler = std::function<HttpReply(const HostCall&)>;

struct RouteTarget {
    std::uint32_t flags = 0;                // KESTRA_ROUTE_*
    ModuleRecord* module = nullptr;         // null for the host's own routes
    kestra_handler_fn handler = nullptr;
    kestra_handler_fn admit = nullptr;      // optional: called on the head, before the body is read
    void* handler_data = nullptr;
    HostHandler host_handler;
};

class Router {
public:
    // KESTRA_OK, KESTRA_ERR_INVALID_ARGUMENT (malformed method or template)
    // or KESTRA_ERR_STATE (same method and template shape already registered).
    kestra_status add(std::string_view method, std::string_view path_template, RouteTarget target);
    void remove_module(const ModuleRecord* module);

    enum class Outcome { found, not_found, method_not_allowed, bad_path };
    struct Match {
        const RouteTarget* target = nullptr;
        PathParams params;                  // decoded
        std::vector<std::string> allowed;   // for method_not_allowed
    };
    Outcome match(std::string_view method, std::string_view raw_path, Match& out) const;

private:
    struct Segment {
        bool parameter;
        std::string text;  // literal text or parameter name
    };
    struct Entry {
        std::string method;
        std::vector<Segment> segments;
        RouteTarget target;
    };

    std::vector<Entry> entries_;
};

}  // namespace kestra::harness
