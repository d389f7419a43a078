// The request mixes the load client can drive.  A scenario knows request
// shapes only; the HTTP client (load.cpp) sends them and times them.
#pragma once

#include "cli.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kestra::bench {

struct Request {
  std::string method;
  std::string target;  // path and query
  std::string body;    // sent as application/scim+json when not empty
  int label = 0;       // index into Scenario::labels()
  unsigned expected = 200;
  unsigned also_expected = 0;  // a second accepted status (0: none), e.g. 429 beside 401
  std::string authorization{};  // replaces the session's own when not empty
  // 429 (past the tenant's fair share) is an answer: counted, not timed, no error.
  bool may_be_refused = false;
};

// Requests whose answers are not awaited: Session::abandon opens
// `connections` new connections, sends the head of `request` on each (its
// Content-Length is `declared_length` when not 0) and the first
// `body_prefix` bytes of its body, keeps them `hold_s` seconds, then closes
// them.  With `read_answer` each answer's status is counted under the
// request's label (0 when none came within the hold); without, nothing is
// read: the client of a response that never takes it.
struct Abandon {
  Request request;
  std::size_t declared_length = 0;
  std::size_t body_prefix = 0;
  int connections = 1;
  double hold_s = 1;
  bool read_answer = false;
};

struct Reply {
  unsigned status = 0;  // 0: no answer (connection error)
  std::string body;
  bool ok = false;      // status was the expected one
};

// One keep-alive connection.  [io-thread]
class Session {
 public:
  virtual ~Session() = default;
  // Times the request under its label; an unexpected status counts as an error.
  virtual boost::asio::awaitable<Reply> send(Request request) = 0;
  // Counts an error found in a well-formed answer (e.g. a wrong result).
  virtual void fail(const std::string& why) = 0;
  // See Abandon.  Its requests are not timed; their statuses are counted.
  virtual boost::asio::awaitable<void> abandon(Abandon abandon) = 0;
};

class Scenario {
 public:
  virtual ~Scenario() = default;
  // Names of the latency series; "" is the scenario's only series.
  virtual std::vector<std::string> labels() const { return {""}; }
  // Phases run one after the other, each on every connection.
  virtual int phases() const { return 1; }
  // Steps of a phase; nullopt: as many as --requests / --duration allow.
  virtual std::optional<std::uint64_t> phase_steps(int) const { return std::nullopt; }
  virtual boost::asio::awaitable<void> step(Session& session, int phase, std::uint64_t index) = 0;
  // Whether to print, per label, how many answers had each status.
  virtual bool counts_statuses() const { return false; }
  // Figures of the scenario itself (e.g. the sizes of the bodies it sends),
  // as (name suffix, value, unit).
  struct Figure {
    std::string name;
    double value;
    std::string unit;
  };
  virtual std::vector<Figure> figures() const { return {}; }
};

// --scenario get | create | lookup | patch-members | okta-sync | noisy |
// big-writes, with its
// options (see the usage text of load.cpp).
std::unique_ptr<Scenario> make_scenario(const Args& args);

}  // namespace kestra::bench
