// Plain request/response values passed between the Beast server and the
// dispatcher, so that only server.cpp includes Beast.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kestra::harness {

// Borrowed views, valid while the server handles the request.
struct HttpExchange {
    std::string_view method;
    std::string_view target;  // path and query, as received
    std::vector<std::pair<std::string_view, std::string_view>> headers;
    std::string_view body;
    std::string_view remote_address;
    std::string_view request_id;

    std::optional<std::string_view> header(std::string_view name) const;  // case-insensitive
};

struct HttpReply {
    unsigned status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    static HttpReply json(unsigned status, std::string body);
    // {"message": message}
    static HttpReply message(unsigned status, std::string_view message);
};

using PathParams = std::vector<std::pair<std::string, std::string>>;

}  // namespace kestra::harness

namespace kestra::harness {

// What the server reports once per request, for the access log and metrics.
struct RequestSummary {
    std::string_view method;
    std::string_view path;  // without the query string
    unsigned status = 0;
    double duration_ms = 0;
    std::string_view request_id;
};

}  // namespace kestra::harness
