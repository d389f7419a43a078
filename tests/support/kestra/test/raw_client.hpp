// A TCP client to 127.0.0.1 that sees the bytes on the wire: for slow,
// stalled, idle and malformed clients.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace kestra::test {

class RawClient {
public:
    // receive_buffer > 0: a small SO_RCVBUF, so that little of a response
    // fits in the socket.  Sends give up after 20 s without progress.
    explicit RawClient(std::uint16_t port, int receive_buffer = 0);
    ~RawClient();
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    // All of `bytes`; false when the server closed (or stopped reading for 20 s) first.
    bool send(std::string_view bytes);
    // A GET of `target` on this connection (kept alive).
    void get(std::string_view target);

    // Whether the server has sent something (or closed) within `wait`.
    bool readable(std::chrono::milliseconds wait);
    // Everything until the server closes (closed = true) or `limit` passes.
    std::string read_all(std::chrono::milliseconds limit, bool& closed);
    std::string read_all(std::chrono::milliseconds limit);
    // Until the head of a response has arrived (or `limit` passes).
    std::string read_head(std::chrono::milliseconds limit);
    // At least n bytes (or until the server closes).
    std::string read_some(std::size_t n);

    void close();

private:
    int fd_;
};

}  // namespace kestra::test
