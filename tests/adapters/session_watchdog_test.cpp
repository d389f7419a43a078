// SessionWatchdog over plain loopback sockets: a call the peer never
// answers ends soon after the timeout; an answered one, an unwatched one,
// and sockets it cannot watch are left alone.
#define BOOST_TEST_MODULE adapters_session_watchdog
#include "session_watchdog.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <ostream>
#include <stdexcept>
#include <thread>
#include <utility>

using kestra::adapters::SessionWatchdog;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

constexpr auto kTimeout = 300ms;

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(Fd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd& operator=(Fd&&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// A connected loopback TCP pair: `client` and the peer the test plays.
struct TcpPair {
  Fd client;
  Fd peer;
};

TcpPair connected_pair() {
  Fd listener(::socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), size) != 0 || ::listen(listener.get(), 1) != 0 ||
      ::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    throw std::runtime_error("cannot listen on loopback");
  }
  Fd client(::socket(AF_INET, SOCK_STREAM, 0));
  if (::connect(client.get(), reinterpret_cast<sockaddr*>(&address), size) != 0) {
    throw std::runtime_error("cannot connect on loopback");
  }
  return {std::move(client), Fd(::accept(listener.get(), nullptr, nullptr))};
}

void send_text(int fd, const char* text) { BOOST_TEST_REQUIRE(::send(fd, text, std::strlen(text), 0) > 0); }

// Waits up to `patience` for `fd` to become readable; whether it did.
bool readable_within(int fd, std::chrono::milliseconds patience) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(patience.count())) > 0;
}

// True when the peer has closed or shut the socket down (read returns 0 or fails).
bool ended(int fd) {
  char byte = 0;
  return ::recv(fd, &byte, 1, MSG_DONTWAIT) <= 0;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_call_never_answered_ends_soon_after_the_timeout) {
  SessionWatchdog watchdog(kTimeout);
  auto pair = connected_pair();
  const auto watch = watchdog.watch(pair.client.get());
  const auto start = Clock::now();
  send_text(pair.client.get(), "SELECT 1");  // the peer reads it and says nothing
  BOOST_TEST_REQUIRE(readable_within(pair.client.get(), 10 * kTimeout));
  const auto waited = Clock::now() - start;
  BOOST_TEST(ended(pair.client.get()));
  BOOST_TEST(waited >= kTimeout);
  BOOST_TEST(waited < kTimeout + kTimeout / 4 + 200ms, std::chrono::duration<double>(waited).count() << " s");
}

BOOST_AUTO_TEST_CASE(an_answered_call_is_left_alone_however_long_the_session_then_waits) {
  SessionWatchdog watchdog(kTimeout);
  auto pair = connected_pair();
  const auto watch = watchdog.watch(pair.client.get());
  send_text(pair.client.get(), "SELECT 1");
  std::this_thread::sleep_for(20ms);  // an answer a few clock ticks later
  send_text(pair.peer.get(), "1");
  char answer[8];
  BOOST_TEST_REQUIRE(::recv(pair.client.get(), answer, sizeof answer, 0) == 1);
  BOOST_TEST(!readable_within(pair.client.get(), 3 * kTimeout));
}

BOOST_AUTO_TEST_CASE(a_socket_no_longer_watched_is_left_alone) {
  SessionWatchdog watchdog(kTimeout);
  auto pair = connected_pair();
  { const auto watch = watchdog.watch(pair.client.get()); }
  send_text(pair.client.get(), "SELECT 1");
  BOOST_TEST(!readable_within(pair.client.get(), 3 * kTimeout));
}

namespace {

struct Unwatched {
  const char* name;
  std::chrono::milliseconds timeout;
  bool unix_socket;  // else TCP
};
std::ostream& operator<<(std::ostream& out, const Unwatched& c) { return out << c.name; }

const Unwatched kUnwatched[] = {
    {"timeout zero", 0ms, false},
    {"a Unix socket", kTimeout, true},
};

}  // namespace

BOOST_DATA_TEST_CASE(what_cannot_be_watched_is_left_alone, boost::unit_test::data::make(kUnwatched), c) {
  SessionWatchdog watchdog(c.timeout);
  int unix_pair[2] = {-1, -1};
  BOOST_TEST_REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, unix_pair) == 0);
  const Fd unix_client(unix_pair[0]), unix_peer(unix_pair[1]);
  auto tcp = connected_pair();
  const int client = c.unix_socket ? unix_client.get() : tcp.client.get();
  const auto watch = watchdog.watch(client);
  const auto nothing = watchdog.watch(-1);
  send_text(client, "SELECT 1");
  BOOST_TEST(!readable_within(client, 3 * kTimeout));
}
