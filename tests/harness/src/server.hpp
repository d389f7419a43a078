// The HTTP/1.1 server (Boost.Beast; the only translation unit that includes
// it).  IO runs on its own threads; every request is handed to a worker
// pool, so that a slow module call never blocks IO, and no worker ever
// waits on a client: a request's body is read only once it is admitted, and
// a streamed response the client does not take goes to a temporary file.
#pragma once

#include "http_types.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace kestra::harness {

class Logger;

struct ServerOptions {
    std::string host;
    std::uint16_t port = 0;
    std::size_t io_threads = 1;
    std::size_t workers = 4;
    std::uint64_t max_body = 10485760;       // larger -> 413
    std::uint32_t max_header = 8192;         // larger -> 431
    std::chrono::seconds read_timeout{60};   // per read of a header or a body (then 408)
    std::chrono::seconds write_timeout{30};  // a client that takes no response bytes this long is closed
    std::size_t max_connections = 1024;      // more open at once -> 503
    std::uint64_t max_body_in_flight = 4 * 10485760ull;  // body bytes read or held at once, all connections (503 beyond)
};

class Server {
public:
    using Handler = std::function<HttpReply(const HttpExchange&)>;        // called on a worker thread
    using Observer = std::function<void(const RequestSummary&)>;          // once per response
    // Called on a worker thread with the head of a request (empty body)
    // whose body has yet to be read: a reply refuses it unread, nullopt reads it.
    using Admission = std::function<std::optional<HttpReply>(const HttpExchange&)>;

    Server(ServerOptions options, Handler handler, Observer observer, Admission admission, Logger& logger);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds, listens, installs the SIGINT/SIGTERM watch and starts the IO
    // threads.  Returns the bound port.  Throws std::runtime_error.
    std::uint16_t start();
    // Blocks until SIGINT or SIGTERM.
    void wait_for_stop_signal();
    // Stops accepting, closes idle connections, lets requests in flight
    // finish.  False when connections remain at the deadline.
    bool drain(std::chrono::steady_clock::time_point deadline);
    // Stops the IO threads and the worker pool and joins them.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace kestra::harness
