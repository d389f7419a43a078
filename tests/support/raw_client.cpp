#include "kestra/test/raw_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace kestra::test {

using Clock = std::chrono::steady_clock;

RawClient::RawClient(std::uint16_t port, int receive_buffer) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    if (fd_ < 0) throw std::runtime_error("socket failed");
    if (receive_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    const timeval send_limit{20, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &send_limit, sizeof send_limit);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd_);
        throw std::runtime_error("cannot connect to the harness");
    }
}

RawClient::~RawClient() { close(); }

void RawClient::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

bool RawClient::send(std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

void RawClient::get(std::string_view target) {
    send("GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
}

bool RawClient::readable(std::chrono::milliseconds wait) {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(std::max<std::int64_t>(0, wait.count()))) > 0;
}

std::string RawClient::read_all(std::chrono::milliseconds limit, bool& closed) {
    std::string out;
    closed = false;
    const auto deadline = Clock::now() + limit;
    char chunk[65536];
    while (Clock::now() < deadline) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (!readable(std::max(left, std::chrono::milliseconds(1)))) continue;
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) {
            closed = true;
            break;
        }
        out.append(chunk, static_cast<std::size_t>(n));
    }
    return out;
}

std::string RawClient::read_all(std::chrono::milliseconds limit) {
    bool closed = false;
    return read_all(limit, closed);
}

std::string RawClient::read_head(std::chrono::milliseconds limit) {
    std::string out;
    const auto deadline = Clock::now() + limit;
    char chunk[4096];
    while (out.find("\r\n\r\n") == std::string::npos && Clock::now() < deadline) {
        if (!readable(std::chrono::milliseconds(50))) continue;
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) break;
        out.append(chunk, static_cast<std::size_t>(n));
    }
    return out;
}

std::string RawClient::read_some(std::size_t n) {
    std::string out;
    char chunk[4096];
    while (out.size() < n) {
        const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
        if (got <= 0) break;
        out.append(chunk, static_cast<std::size_t>(got));
    }
    return out;
}

}  // namespace kestra::test
