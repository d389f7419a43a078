// Ends database calls a server never answers.
//
// libpq has no read timeout, and MySQL's read_timeout is set only from the
// JDBC URL's socketTimeout: a server that keeps the connection open but
// stops answering (hung, frozen, a network dropping the packets of an open
// connection) would hold a request, and its session, forever.  While a
// session is lent out its TCP socket is watched: once the client has sent
// something and received nothing for `timeout` (TCP_INFO: time since the
// last data received, not older than the last data sent), the socket is
// shut down, the blocked call fails as a lost connection (Unavailable: 503)
// and the next borrower reconnects.  A session held idle for that long
// after an answer within the same clock tick looks the same; the
// repositories never hold one idle.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>

namespace kestra::adapters {

class SessionWatchdog {
 public:
  // `timeout` zero: nothing is ever cut.  The thread starts with the first
  // watch of a TCP socket.
  explicit SessionWatchdog(std::chrono::milliseconds timeout) : timeout_(timeout) {}
  ~SessionWatchdog();  // stops and joins the thread
  SessionWatchdog(const SessionWatchdog&) = delete;
  SessionWatchdog& operator=(const SessionWatchdog&) = delete;

  // Watches a socket until destroyed (or moved from).
  class Watch {
   public:
    Watch() = default;
    Watch(Watch&& other) noexcept : dog_(other.dog_), id_(other.id_) { other.dog_ = nullptr; }
    Watch& operator=(Watch&& other) noexcept;
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;
    ~Watch() { release(); }

   private:
    friend class SessionWatchdog;
    Watch(SessionWatchdog* dog, std::uint64_t id) : dog_(dog), id_(id) {}
    void release() noexcept;

    SessionWatchdog* dog_ = nullptr;
    std::uint64_t id_ = 0;
  };

  // Watches the TCP socket `fd` through a duplicate of its own, so that the
  // client library may close and reuse `fd` meanwhile.  A negative `fd` or
  // one that is no TCP socket (SQLite, a Unix socket) is not watched.
  [[nodiscard]] Watch watch(int fd);

 private:
  void run();
  void forget(std::uint64_t id) noexcept;

  const std::chrono::milliseconds timeout_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  struct Socket {
    int fd;            // our duplicate
    bool cut = false;  // shut down already
  };
  std::map<std::uint64_t, Socket> sockets_;  // by watch id
  std::uint64_t next_id_ = 1;
  std::thread thread_;
};

}  // namespace kestra::adapters
