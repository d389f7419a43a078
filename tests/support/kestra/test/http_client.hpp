// A small synchronous HTTP/1.1 client for tests: one connection per request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kestra::test {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
    unsigned status = 0;
    Headers headers;
    std::string body;

    // Case-insensitive; the first header of that name.
    std::optional<std::string> header(std::string_view name) const;
};

// Sends one request to 127.0.0.1:port and reads the whole response.  Adds
// Host (unless `headers` has one), and Content-Length when there is a body
// (or the method is POST, PUT or PATCH).  Throws std::runtime_error on a connection error or after 60 s.
HttpResponse request(std::uint16_t port, std::string_view method, std::string_view target,
                     const Headers& headers = {}, std::string_view body = {});

// Writes raw bytes and reads one response (for malformed or oversized requests).
HttpResponse request_raw(std::uint16_t port, std::string_view bytes);

// "Basic base64(user:password)" and "Bearer token", for an Authorization header.
std::string basic_auth(std::string_view user, std::string_view password);
std::string bearer(std::string_view token);

}  // namespace kestra::test
