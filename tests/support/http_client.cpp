#include "kestra/test/http_client.hpp"

#include <openssl/evp.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <stdexcept>

namespace kestra::test {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr std::chrono::seconds io_timeout{60};

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && beast::iequals(a, b);
}

std::string to_string(beast::string_view s) { return std::string(s.data(), s.size()); }

beast::tcp_stream connect(net::io_context& ioc, std::uint16_t port) {
    beast::tcp_stream stream(ioc);
    stream.expires_after(io_timeout);
    stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    return stream;
}

// head_request: the answer to HEAD has headers only, whatever its Content-Length says.
HttpResponse read_response(beast::tcp_stream& stream, bool head_request) {
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::uint64_t{1} << 30);
    parser.skip(head_request);
    stream.expires_after(io_timeout);
    http::read(stream, buffer, parser);
    const auto& message = parser.get();
    HttpResponse response;
    response.status = message.result_int();
    for (const auto& field : message) response.headers.emplace_back(to_string(field.name_string()), to_string(field.value()));
    response.body = message.body();
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    return response;
}

template <class Body>
HttpResponse exchange(std::uint16_t port, const Body& send, bool head_request = false) {
    try {
        net::io_context ioc;
        beast::tcp_stream stream = connect(ioc, port);
        send(stream);
        return read_response(stream, head_request);
    } catch (const boost::system::system_error& e) {
        throw std::runtime_error("HTTP exchange with 127.0.0.1:" + std::to_string(port) + " failed: " + e.what());
    }
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
    for (const auto& [key, value] : headers)
        if (iequals(key, name)) return value;
    return std::nullopt;
}

HttpResponse request(std::uint16_t port, std::string_view method, std::string_view target, const Headers& headers,
                     std::string_view body) {
    return exchange(port, [&](beast::tcp_stream& stream) {
        http::request<http::string_body> message;
        message.method_string(method);
        message.target(target);
        message.version(11);
        message.set(http::field::host, "127.0.0.1:" + std::to_string(port));
        for (const auto& [name, value] : headers) {
            if (iequals(name, "Host"))
                message.set(http::field::host, value);  // the caller's Host replaces the default
            else
                message.insert(name, value);
        }
        message.body() = std::string(body);
        if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") message.prepare_payload();
        stream.expires_after(io_timeout);
        beast::error_code ec;
        http::write(stream, message, ec);
        // A server that rejects a request early may close before reading all
        // of it; its answer is still worth reading.
        if (ec && ec != net::error::broken_pipe && ec != net::error::connection_reset)
            throw boost::system::system_error(ec);
    }, method == "HEAD");
}

HttpResponse request_raw(std::uint16_t port, std::string_view bytes) {
    return exchange(port, [&](beast::tcp_stream& stream) {
        stream.expires_after(io_timeout);
        net::write(stream, net::buffer(bytes.data(), bytes.size()));
    });
}

std::string basic_auth(std::string_view user, std::string_view password) {
    const std::string plain = std::string(user) + ":" + std::string(password);
    std::string encoded(4 * ((plain.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                  reinterpret_cast<const unsigned char*>(plain.data()), static_cast<int>(plain.size()));
    encoded.resize(static_cast<std::size_t>(n));
    return "Basic " + encoded;
}

std::string bearer(std::string_view token) { return "Bearer " + std::string(token); }

}  // namespace kestra::test
