// Plain request/response values passed between the Beast server and the
// dispatcher, so that only server.cpp includes Beast.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kestra::harness {

// Where a reply whose body comes in several pieces goes out as it is
// written (HTTP/1.1 chunked), instead of being held whole.  Provided by the
// server; called on the worker thread that runs the handler.
class BodyStream {
public:
    virtual ~BodyStream() = default;
    // Sends the status line and headers.  False: the client is gone.
    virtual bool start(unsigned status, const std::vector<std::pair<std::string, std::string>>& headers) = 0;
    // Queues one piece of the body and returns at once: a bounded amount
    // waits in memory, the rest in a temporary file, until the client takes
    // it.  False: the client is gone (or stopped reading); stop writing.
    virtual bool write(std::string_view chunk) = 0;
};

// Borrowed views, valid while the server handles the request.
struct HttpExchange {
    std::string_view method;
    std::string_view target;  // path and query, as received
    std::vector<std::pair<std::string_view, std::string_view>> headers;
    std::string_view body;
    std::string_view remote_address;
    std::string_view request_id;
    BodyStream* stream = nullptr;  // null: the reply is sent whole

    std::optional<std::string_view> header(std::string_view name) const;  // case-insensitive
};

struct HttpReply {
    unsigned status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // The head and body already went out through HttpExchange::stream; the
    // server ends the body (complete) or closes the connection without its
    // last chunk (not complete: the client must not take it as whole).
    bool streamed = false;
    bool stream_complete = false;

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
