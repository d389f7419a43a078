#include "session_watchdog.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>

namespace kestra::adapters {
namespace {

std::optional<tcp_info> info_of(int fd) {
  tcp_info info{};
  socklen_t size = sizeof info;
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &size) != 0) return std::nullopt;
  return info;
}

// The client spoke last (or in the same clock tick as the server), and the
// server has been silent for at least `timeout`.
bool unanswered(int fd, std::chrono::milliseconds timeout) {
  const auto info = info_of(fd);
  if (!info) return false;
  return info->tcpi_last_data_recv >= info->tcpi_last_data_sent &&
         std::chrono::milliseconds(info->tcpi_last_data_recv) >= timeout;
}

}  // namespace

SessionWatchdog::~SessionWatchdog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (const auto& [id, socket] : sockets_) ::close(socket.fd);
}

SessionWatchdog::Watch SessionWatchdog::watch(int fd) {
  if (timeout_.count() <= 0 || fd < 0 || !info_of(fd)) return {};
  int copy = -1;
  do {
    copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  } while (copy < 0 && errno == EINTR);
  if (copy < 0) return {};  // out of descriptors: unwatched rather than failed

  std::lock_guard lock(mutex_);
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  const std::uint64_t id = next_id_++;
  sockets_.emplace(id, Socket{copy});
  return Watch(this, id);
}

void SessionWatchdog::forget(std::uint64_t id) noexcept {
  std::lock_guard lock(mutex_);
  const auto it = sockets_.find(id);
  if (it == sockets_.end()) return;
  ::close(it->second.fd);
  sockets_.erase(it);
}

void SessionWatchdog::run() {
  // A few looks per timeout, so a call ends at most a quarter late.
  const auto period = std::clamp(timeout_ / 4, std::chrono::milliseconds(20), std::chrono::milliseconds(1000));
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, period, [this] { return stopping_; })) {
    for (auto& [id, socket] : sockets_) {
      if (socket.cut || !unanswered(socket.fd, timeout_)) continue;
      // Both directions: the blocked read returns at once (end of file).
      ::shutdown(socket.fd, SHUT_RDWR);
      socket.cut = true;
    }
  }
}

SessionWatchdog::Watch& SessionWatchdog::Watch::operator=(Watch&& other) noexcept {
  if (this != &other) {
    release();
    dog_ = other.dog_;
    id_ = other.id_;
    other.dog_ = nullptr;
  }
  return *this;
}

void SessionWatchdog::Watch::release() noexcept {
  if (dog_ != nullptr) dog_->forget(id_);
  dog_ = nullptr;
}

}  // namespace kestra::adapters
