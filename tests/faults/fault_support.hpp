// Shared by the fault tests: the database timeouts the module runs with, a
// timed SCIM call, the check that an answer is a success or a SCIM 503 with
// Retry-After, and a TCP proxy that can cut the module's database
// connections at a chosen point of their conversation.
#pragma once

#include "scim_support.hpp"

#include <boost/asio.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <functional>
#include <future>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace kestra::test {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// The module's statement, connect and socket timeouts in these tests.
inline constexpr auto kDatabaseTimeout = 2s;
// The longest a request may take while the database is away: its call
// waits for an answer or a connection once (the timeout, and up to a
// quarter more until the module's watchdog looks), a best-effort write
// before it (the integration's last-request time, every 10 s) may have
// waited once already, and scheduling slack on a loaded 2-core machine.
inline constexpr auto kRequestBound = 2 * kDatabaseTimeout + 3s;

inline double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

inline constexpr const char* kPatchOpUrn = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

inline std::string patch_request(boost::json::array operations) {
  return boost::json::serialize(
      boost::json::object{{"schemas", boost::json::array{kPatchOpUrn}}, {"Operations", std::move(operations)}});
}

inline boost::json::object bulk_request(boost::json::array operations) {
  return {{"schemas", boost::json::array{kBulkRequestUrn}}, {"Operations", std::move(operations)}};
}

inline boost::json::object bulk_post(const std::string& path, const std::string& bulk_id,
                                     boost::json::object resource) {
  return {{"method", "POST"}, {"path", path}, {"bulkId", bulk_id}, {"data", std::move(resource)}};
}

// Faults need a database server: skips (exit 77) on SQLite, and skips or
// fails (KESTRA_TEST_REQUIRE_DATABASES=1) when the server is unreachable.
inline void require_server_backend() {
  if (test_backend() == Backend::Sqlite) {
    std::cout << "SKIPPED: the fault tests need KESTRA_TEST_BACKEND=postgres or mysql" << std::endl;
    std::exit(kSkipExitCode);
  }
  require_test_backend();
}

// The module on `database`, reached at `host_port` (empty: the server
// itself), with its database timeouts set to kDatabaseTimeout:
// statement-timeout, and the JDBC URL's connectTimeout and socketTimeout
// (PostgreSQL counts seconds, MySQL milliseconds).
inline HarnessOptions fault_options(std::shared_ptr<ScratchDatabase> database, const std::string& host_port = {}) {
  HarnessOptions options;
  options.modules = {KESTRA_MODULE_PATH};
  options.tenants = {"acme"};
  const auto timeout_s = std::chrono::seconds(kDatabaseTimeout).count();
  const std::string timeout =
      std::to_string(database->backend() == Backend::Postgres ? timeout_s : timeout_s * 1000);
  options.extra_yaml = database->harness_yaml(host_port, "connectTimeout=" + timeout + "&socketTimeout=" + timeout) +
                       "kestra.scim.datasource.statement-timeout: " + std::to_string(timeout_s) + "s\n"
                       // Load and the check after it outrun the default 500 req/s
                       // and one tenant's share of the sessions: a 429 there
                       // would read as a lost write.
                       "kestra.scim.rate-limit.enabled: false\n"
                       "kestra.scim.fair-share.enabled: false\n";
  options.database = std::move(database);
  return options;
}

// The status of each operation of a Bulk answer (200), in request order;
// nullopt for any other answer.
inline std::optional<std::vector<std::string>> bulk_statuses(const HttpResponse& res) {
  if (res.status != 200) return std::nullopt;
  boost::system::error_code ec;
  const auto body = boost::json::parse(res.body, ec);
  if (ec || !body.is_object() || !body.as_object().contains("Operations")) return std::nullopt;
  std::vector<std::string> statuses;
  for (const auto& result : body.at("Operations").as_array()) statuses.push_back(str(result, "status"));
  return statuses;
}

// One SCIM call, timed.  A transport failure (no HTTP answer at all) is
// status 0 with the reason as body.
struct TimedCall {
  std::string what;  // "POST /Users"
  Clock::time_point start;
  Clock::duration elapsed{};
  HttpResponse response;

  Clock::time_point end() const { return start + elapsed; }
  bool bulk() const { return what.ends_with("/Bulk"); }
  // 2xx, and for a Bulk 2xx for each operation too.
  bool succeeded() const {
    if (response.status < 200 || response.status >= 300) return false;
    if (!bulk()) return true;
    const auto statuses = bulk_statuses(response);
    return statuses &&
           std::all_of(statuses->begin(), statuses->end(), [](const auto& status) { return status.starts_with('2'); });
  }
};

inline TimedCall timed_call(const Scim& scim, std::string_view method, const std::string& path,
                            std::string_view body = {}) {
  TimedCall call{std::string(method) + " " + path, Clock::now(), {}, {}};
  try {
    call.response = scim.call(method, path, body);
  } catch (const std::exception& e) {
    call.response.body = e.what();
  }
  call.elapsed = Clock::now() - call.start;
  return call;
}

// True for a SCIM 503 (RFC 7644 3.12) with a Retry-After header, whose
// detail tells nothing about the database (address, driver, SQL).
inline bool is_scim_unavailable(const HttpResponse& res) {
  if (res.status != 503 || !res.header("Retry-After")) return false;
  if (res.header("Content-Type").value_or("") != "application/scim+json") return false;
  boost::system::error_code ec;
  const auto body = boost::json::parse(res.body, ec);
  if (ec || !body.is_object()) return false;
  const auto& o = body.as_object();
  if (!o.contains("schemas") || o.at("schemas") != boost::json::array{kErrorUrn} || !o.contains("status") ||
      o.at("status") != boost::json::value("503") || !o.contains("detail") || !o.at("detail").is_string()) {
    return false;
  }
  const std::string_view detail = o.at("detail").as_string();
  for (const char* internal : {"127.0.0.1", "connection", "server", "query", "soci", "schema"}) {
    if (detail.find(internal) != std::string_view::npos) return false;
  }
  return true;
}

// True for a Bulk answer (200) each of whose operations succeeded or
// answered 503 (RFC 7644 3.7.3: each operation has its own status), with
// Retry-After when one did.
inline bool is_bulk_of_successes_or_unavailable(const HttpResponse& res) {
  const auto statuses = bulk_statuses(res);
  if (!statuses) return false;
  bool unavailable = false;
  for (const auto& status : *statuses) {
    if (!status.starts_with('2') && status != "503") return false;
    unavailable = unavailable || status == "503";
  }
  return res.header("Retry-After").has_value() == unavailable;
}

// A call while the database may be away: a success or a SCIM 503 with
// Retry-After (for a Bulk, each operation's), answered within kRequestBound.
inline void check_success_or_unavailable(const TimedCall& call) {
  BOOST_TEST(((call.bulk() ? is_bulk_of_successes_or_unavailable(call.response) : call.succeeded()) ||
              is_scim_unavailable(call.response)),
             call.what << " answered " << call.response.status << " " << call.response.body);
  BOOST_TEST(seconds(call.elapsed) < seconds(kRequestBound), call.what << " took " << seconds(call.elapsed) << " s");
}

// Calls `attempt` until it succeeds or `patience` passes; the calls made.
inline std::vector<TimedCall> until_success(const std::function<TimedCall()>& attempt,
                                            Clock::duration patience = 15s) {
  std::vector<TimedCall> calls;
  const auto deadline = Clock::now() + patience;
  do {
    calls.push_back(attempt());
    if (calls.back().succeeded()) break;
    std::this_thread::sleep_for(100ms);
  } while (Clock::now() < deadline);
  return calls;
}

// Where a TcpProxy cuts: in the `turn`-th turn of the clients since reset()
// (0-based, over all connections; a turn is what a client sends before
// the server answers), after forwarding some of it.
struct Cut {
  enum class Keep {
    Half,             // half of the turn's first read: the server gets a partial message
    BeforeMarkerEnd,  // up to 3 bytes before the marker's end: a partial marker
    Whole,            // through the read in which the marker ends: it arrives, its answer is lost
  };
  std::size_t turn = 0;
  Keep keep = Keep::Half;
};

inline std::ostream& operator<<(std::ostream& out, const Cut& cut) {
  static constexpr const char* kKeep[] = {"half of it", "up to 3 bytes before the marker's end", "all of it"};
  return out << "turn " << cut.turn << ", " << kKeep[static_cast<int>(cut.keep)];
}

// A TCP proxy on 127.0.0.1 in front of a database server, run by a thread
// of its own.  It counts the clients' bytes and turns, and remembers the
// turns in which a marker (e.g. "COMMIT") ended; armed with a Cut, it
// closes every connection (both sides) at that point, and forwards new
// connections again afterwards.  Counting turns, not bytes or reads, keeps
// cut points stable between runs: statement texts differ in length (SOCI
// numbers PostgreSQL's prepared statements per session), and a long
// message arrives in as many reads as timing makes it.
class TcpProxy {
 public:
  TcpProxy(const std::string& server_host_port, std::string marker)
      : marker_(std::move(marker)),
        acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}),
        server_(boost::asio::ip::make_address(server_host_port.substr(0, server_host_port.rfind(':'))),
                static_cast<unsigned short>(std::stoi(server_host_port.substr(server_host_port.rfind(':') + 1)))) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~TcpProxy() {
    io_.stop();
    thread_.join();
  }
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  std::string address() const { return "127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }

  // Counts from zero again; disarms.
  void reset() {
    std::lock_guard lock(mutex_);
    bytes_ = turns_ = 0;
    marker_turns_.clear();
    armed_.reset();
    cutting_ = false;
    cuts_ = 0;
  }
  void arm(Cut cut) {
    std::lock_guard lock(mutex_);
    armed_ = cut;
  }
  void disarm() {
    std::lock_guard lock(mutex_);
    armed_.reset();
  }
  // Since reset(): client bytes forwarded, client turns, the turns in which
  // the marker ended, and the cuts made.
  std::size_t bytes() const {
    std::lock_guard lock(mutex_);
    return bytes_;
  }
  std::size_t turns() const {
    std::lock_guard lock(mutex_);
    return turns_;
  }
  std::vector<std::size_t> marker_turns() const {
    std::lock_guard lock(mutex_);
    return marker_turns_;
  }
  int cuts() const {
    std::lock_guard lock(mutex_);
    return cuts_;
  }

  // Closes every connection now (not counted as a cut); returns once done.
  void close_connections() {
    std::promise<void> done;
    boost::asio::post(io_, [this, &done] {
      for (const auto& link : links_) link->close();
      links_.clear();
      done.set_value();
    });
    done.get_future().wait();
  }

 private:
  using tcp = boost::asio::ip::tcp;

  struct Link {
    tcp::socket client;
    tcp::socket server;
    std::string tail;     // the last marker-size - 1 client bytes, to find a marker across reads
    bool answered = true;  // the server spoke since the client last did: its next bytes start a turn
    std::array<char, 16384> up{};
    std::array<char, 16384> down{};
    explicit Link(boost::asio::io_context& io) : client(io), server(io) {}
    void close() {
      boost::system::error_code ignored;
      client.close(ignored);
      server.close(ignored);
    }
  };

  void accept() {
    auto link = std::make_shared<Link>(io_);
    acceptor_.async_accept(link->client, [this, link](boost::system::error_code ec) {
      if (ec) return;
      link->server.async_connect(server_, [this, link](boost::system::error_code connect_ec) {
        if (connect_ec) return link->close();
        std::erase_if(links_, [](const auto& l) { return !l->client.is_open(); });
        links_.push_back(link);
        pump_up(link);
        pump_down(link);
      });
      accept();
    });
  }

  // Client to server: counted, searched for the marker, cut when armed.
  void pump_up(const std::shared_ptr<Link>& link) {
    link->client.async_read_some(boost::asio::buffer(link->up), [this, link](boost::system::error_code ec,
                                                                             std::size_t n) {
      if (ec) return link->close();
      const std::size_t forward = count(*link, n);
      const bool cut = cutting();
      boost::asio::async_write(link->server, boost::asio::buffer(link->up, forward),
                               [this, link, cut](boost::system::error_code write_ec, std::size_t) {
                                 if (cut) return cut_all();
                                 if (write_ec) return link->close();
                                 pump_up(link);
                               });
    });
  }

  void pump_down(const std::shared_ptr<Link>& link) {
    link->server.async_read_some(boost::asio::buffer(link->down), [this, link](boost::system::error_code ec,
                                                                               std::size_t n) {
      if (ec) return link->close();
      link->answered = true;
      boost::asio::async_write(link->client, boost::asio::buffer(link->down, n),
                               [this, link](boost::system::error_code write_ec, std::size_t) {
                                 if (write_ec) return link->close();
                                 pump_down(link);
                               });
    });
  }

  // Of `n` bytes just read from a client, how many to forward; counts
  // them and their turn, and records whether the marker ended in them.
  std::size_t count(Link& link, std::size_t n) {
    std::lock_guard lock(mutex_);
    const bool turn_starts = link.answered;
    link.answered = false;
    if (turn_starts) ++turns_;
    const std::size_t turn = turns_ - 1;

    const std::string seen = link.tail + std::string(link.up.data(), n);
    std::optional<std::size_t> marker_end;  // in these bytes
    for (auto at = seen.find(marker_); at != std::string::npos; at = seen.find(marker_, at + 1)) {
      marker_end = at + marker_.size() - link.tail.size();
    }
    link.tail = seen.substr(seen.size() - std::min(seen.size(), marker_.size() - 1));
    if (marker_end && (marker_turns_.empty() || marker_turns_.back() != turn)) marker_turns_.push_back(turn);

    std::size_t forward = cutting_ ? 0 : n;  // nothing more once a cut is due
    if (armed_ && armed_->turn == turn) {
      using Keep = Cut::Keep;
      if (armed_->keep == Keep::Half && turn_starts) {
        cutting_ = true;
        forward = n / 2;
      } else if (armed_->keep != Keep::Half && marker_end) {
        cutting_ = true;
        forward = armed_->keep == Keep::Whole ? n : *marker_end - std::min<std::size_t>(*marker_end, 3);
      }
    }
    bytes_ += forward;
    return forward;
  }

  bool cutting() const {
    std::lock_guard lock(mutex_);
    return cutting_;
  }

  void cut_all() {
    {
      std::lock_guard lock(mutex_);
      if (!cutting_) return;  // cut already, by another connection's write
      cutting_ = false;
      armed_.reset();
      ++cuts_;
    }
    for (const auto& link : links_) link->close();
    links_.clear();
  }

  const std::string marker_;
  boost::asio::io_context io_;
  tcp::acceptor acceptor_;
  const tcp::endpoint server_;
  std::vector<std::shared_ptr<Link>> links_;  // touched by the proxy's thread only
  std::thread thread_;

  mutable std::mutex mutex_;
  std::size_t bytes_ = 0;
  std::size_t turns_ = 0;
  std::vector<std::size_t> marker_turns_;
  std::optional<Cut> armed_;
  bool cutting_ = false;
  int cuts_ = 0;
};

}  // namespace kestra::test
