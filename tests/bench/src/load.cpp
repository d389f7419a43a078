// kestra-bench-load: drives one scenario over N keep-alive HTTP/1.1
// connections (one client thread, Boost.Beast) and prints its figures as
// "name value unit" lines: req/s over the measured wall time, p50 and p99
// latency per series, request and error counts.
#include "cli.hpp"
#include "naming.hpp"
#include "scenarios.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using kestra::bench::Args;
using kestra::bench::Reply;
using kestra::bench::Request;
using kestra::bench::Scenario;

constexpr const char* kUsage =
    "usage: kestra-bench-load --url http://HOST:PORT --scenario NAME [--token T] [--connections N]\n"
    "         [--requests N | --duration SECONDS] [--warmup N] [--rate REQ_PER_S] [--name PREFIX]\n"
    "  get            --path /absolute/path?query [--expect STATUS]\n"
    "  create         --base SCIM_BASE --prefix P --body-file okta_create_user.json\n"
    "  lookup         --base SCIM_BASE --prefix P --users N [--seed S]\n"
    "  patch-members  --base SCIM_BASE --group ID --ids FILE [--ids-count N]   (a step: remove + add)\n"
    "  okta-sync      --base SCIM_BASE --prefix P --body-file F --users U --groups G --members M\n"
    "  noisy          --base SCIM_BASE --prefix P --group-small ID --group-large ID --ids FILE [--hold S]\n"
    "                 [--body-bytes N] [--stall-connections N]   (tenant A's worst shapes, in turn)\n"
    "  big-writes     --base SCIM_BASE --prefix P --ids FILE [--body-bytes N] [--group-small ID]\n"
    "                 (a 1 MB POST and each 1 MB PATCH, one after the other)\n"
    "  --rate: steps started per second over all connections (paced; default: as fast as answered)\n";

constexpr std::uint64_t kBodyLimit = 1ULL << 30;

// Latencies and outcomes of the measured requests.
struct Recorder {
  explicit Recorder(std::size_t series) : latencies_us(series) {}
  bool recording = false;
  std::vector<std::vector<double>> latencies_us;
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;
  std::string first_error;
  std::map<std::pair<int, unsigned>, std::uint64_t> statuses;  // (label, status) -> answers

  void status(int label, unsigned code) {
    if (recording) ++statuses[{label, code}];
  }

  void error(const std::string& why) {
    if (!recording) return;
    ++errors;
    if (first_error.empty()) first_error = why;
  }
};

class BeastSession final : public kestra::bench::Session {
 public:
  BeastSession(net::io_context& io, tcp::resolver::results_type endpoints, std::string host, std::string authorization,
               Recorder& recorder)
      : io_(io),
        endpoints_(std::move(endpoints)),
        host_(std::move(host)),
        authorization_(std::move(authorization)),
        recorder_(recorder) {}

  net::awaitable<Reply> send(Request request) override {
    beast::error_code ec;
    auto token = net::redirect_error(net::use_awaitable, ec);
    if (!stream_) {
      stream_.emplace(io_);
      co_await stream_->async_connect(endpoints_, token);
      if (ec) co_return failed("connect: " + ec.message());
      stream_->socket().set_option(tcp::no_delay(true), ec);
    }
    http::request<http::string_body> message(http::string_to_verb(request.method), request.target, 11);
    message.set(http::field::host, host_);
    const std::string& authorization = request.authorization.empty() ? authorization_ : request.authorization;
    if (!authorization.empty()) message.set(http::field::authorization, authorization);
    if (!request.body.empty()) {
      message.set(http::field::content_type, "application/scim+json");
      message.body() = std::move(request.body);
    }
    message.keep_alive(true);
    message.prepare_payload();

    const auto started = Clock::now();
    co_await http::async_write(*stream_, message, token);
    if (ec) co_return failed(request.method + " " + request.target + ": write: " + ec.message());
    http::response_parser<http::string_body> parser;
    parser.body_limit(kBodyLimit);
    co_await http::async_read(*stream_, buffer_, parser, token);
    if (ec) co_return failed(request.method + " " + request.target + ": read: " + ec.message());
    const double elapsed_us = std::chrono::duration<double, std::micro>(Clock::now() - started).count();

    auto response = parser.release();
    Reply reply{response.result_int(), std::move(response.body()), false};
    const bool refused = request.may_be_refused && reply.status == 429 && request.expected != 429 &&
                         request.also_expected != 429;
    reply.ok = reply.status == request.expected || (request.also_expected != 0 && reply.status == request.also_expected) ||
               refused;
    recorder_.status(request.label, reply.status);
    if (!response.keep_alive()) stream_.reset();
    if (recorder_.recording) {
      ++recorder_.requests;
      if (reply.ok && !refused) recorder_.latencies_us[static_cast<std::size_t>(request.label)].push_back(elapsed_us);
    }
    if (!reply.ok) {
      recorder_.error(request.method + " " + request.target + " answered " + std::to_string(reply.status) + ": " +
                      reply.body.substr(0, 300));
    }
    co_return reply;
  }

  void fail(const std::string& why) override { recorder_.error(why); }

  net::awaitable<void> abandon(kestra::bench::Abandon abandon) override {
    const Request& request = abandon.request;
    const std::string& authorization = request.authorization.empty() ? authorization_ : request.authorization;
    std::string raw = request.method + " " + request.target + " HTTP/1.1\r\nHost: " + host_ + "\r\n";
    if (!authorization.empty()) raw += "Authorization: " + authorization + "\r\n";
    const std::size_t length = abandon.declared_length ? abandon.declared_length : request.body.size();
    if (length > 0) raw += "Content-Type: application/scim+json\r\nContent-Length: " + std::to_string(length) + "\r\n";
    raw += "\r\n";
    raw.append(request.body, 0, std::min(abandon.body_prefix, request.body.size()));
    const auto hold = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(abandon.hold_s));
    const auto until = Clock::now() + hold;

    beast::error_code ec;
    auto token = net::redirect_error(net::use_awaitable, ec);
    std::vector<std::unique_ptr<beast::tcp_stream>> held;
    for (int i = 0; i < abandon.connections; ++i) {
      auto stream = std::make_unique<beast::tcp_stream>(io_);
      co_await stream->async_connect(endpoints_, token);
      if (ec) {
        recorder_.error("abandon: connect: " + ec.message());
        continue;
      }
      co_await net::async_write(stream->socket(), net::buffer(raw), token);
      if (ec) {
        recorder_.error("abandon: " + request.method + " " + request.target + ": write: " + ec.message());
        continue;
      }
      if (abandon.read_answer) {
        stream->expires_at(until);
        beast::flat_buffer buffer;
        http::response_parser<http::string_body> parser;
        parser.body_limit(kBodyLimit);
        co_await http::async_read(*stream, buffer, parser, token);
        stream->expires_never();
        recorder_.status(request.label, ec ? 0 : parser.get().result_int());
      } else {
        recorder_.status(request.label, 0);
      }
      held.push_back(std::move(stream));
    }
    net::steady_timer timer(io_);
    timer.expires_at(until);
    co_await timer.async_wait(token);
    if (recorder_.recording) recorder_.requests += static_cast<std::uint64_t>(abandon.connections);
  }

 private:
  Reply failed(const std::string& why) {
    stream_.reset();
    if (recorder_.recording) ++recorder_.requests;
    recorder_.error(why);
    return Reply{};
  }

  net::io_context& io_;
  tcp::resolver::results_type endpoints_;
  std::string host_;
  std::string authorization_;
  Recorder& recorder_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
};

// Hands out step indices until the count or the deadline is reached.
struct Budget {
  std::uint64_t next = 0;
  std::uint64_t end = 0;
  std::optional<Clock::time_point> deadline;

  std::optional<std::uint64_t> take() {
    if (next >= end || (deadline && Clock::now() >= *deadline)) return std::nullopt;
    return next++;
  }
};

// Paces steps: step K of a phase starts no earlier than K / rate seconds
// after the phase began (rate 0: at once).
struct Pace {
  double rate = 0;
  Clock::time_point started;
  std::uint64_t first = 0;
};

net::awaitable<void> worker(kestra::bench::Session& session, Scenario& scenario, int phase, Budget& budget,
                            Pace pace) {
  while (const auto index = budget.take()) {
    if (pace.rate > 0) {
      net::steady_timer timer(co_await net::this_coro::executor);
      timer.expires_at(pace.started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                                          static_cast<double>(*index - pace.first) / pace.rate)));
      beast::error_code ec;
      co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
    }
    co_await scenario.step(session, phase, *index);
  }
}

// Runs steps of `phase` on every session until the budget is spent.
void run_phase(net::io_context& io, std::vector<std::unique_ptr<BeastSession>>& sessions, Scenario& scenario,
               int phase, Budget& budget, double rate) {
  const Pace pace{rate, Clock::now(), budget.next};
  for (auto& session : sessions) net::co_spawn(io, worker(*session, scenario, phase, budget, pace), net::detached);
  io.restart();
  io.run();
}

struct Url {
  std::string host;
  std::string port;
};

Url parse_url(const std::string& url) {
  constexpr std::string_view scheme = "http://";
  if (url.rfind(scheme, 0) != 0) throw std::invalid_argument("--url must start with http://");
  std::string rest = url.substr(scheme.size());
  rest = rest.substr(0, rest.find('/'));
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos) return {rest, "80"};
  return {rest.substr(0, colon), rest.substr(colon + 1)};
}

int run(const Args& args) {
  const Url url = parse_url(args.required("url"));
  const auto connections = args.number("connections", 1);
  const auto requests = args.number("requests", 0);
  const double duration = args.decimal("duration", 0);
  const auto warmup = args.number("warmup", 0);
  const double rate = args.decimal("rate", 0);
  std::string name = args.text("name", args.required("scenario"));
  std::replace(name.begin(), name.end(), '-', '_');  // figure names are [A-Za-z0-9_.]
  if (connections < 1 || requests < 0 || warmup < 0 || duration < 0 || rate < 0) throw std::invalid_argument("counts must be positive");
  auto scenario = kestra::bench::make_scenario(args);
  const auto labels = scenario->labels();
  if (requests == 0 && duration == 0 && !scenario->phase_steps(0)) throw std::invalid_argument("give --requests or --duration");

  net::io_context io(1);
  tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(url.host, url.port);
  const std::string token = args.text("token", "");
  Recorder recorder(labels.size());
  std::vector<std::unique_ptr<BeastSession>> sessions;
  for (long long i = 0; i < connections; ++i) {
    sessions.push_back(std::make_unique<BeastSession>(io, endpoints, url.host + ":" + url.port,
                                                      token.empty() ? "" : "Bearer " + token, recorder));
  }

  double wall_s = 0;
  for (int phase = 0; phase < scenario->phases(); ++phase) {
    Budget budget;
    const auto fixed = scenario->phase_steps(phase);
    if (phase == 0 && warmup > 0 && !fixed) {
      budget.end = static_cast<std::uint64_t>(warmup);
      run_phase(io, sessions, *scenario, phase, budget, rate);
    }
    recorder.recording = true;
    budget.end = fixed ? *fixed : (requests > 0 ? budget.next + static_cast<std::uint64_t>(requests) : UINT64_MAX);
    const auto started = Clock::now();
    if (!fixed && duration > 0) {
      budget.deadline = started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(duration));
    }
    run_phase(io, sessions, *scenario, phase, budget, rate);
    wall_s += std::chrono::duration<double>(Clock::now() - started).count();
  }

  using kestra::bench::print_figure;
  print_figure(name + "_rps", wall_s > 0 ? static_cast<double>(recorder.requests) / wall_s : 0, "req/s");
  for (std::size_t i = 0; i < labels.size(); ++i) {
    auto& samples = recorder.latencies_us[i];
    if (samples.empty()) continue;
    const std::string series = labels[i].empty() ? name : name + "_" + labels[i];
    print_figure(series + "_p50", kestra::bench::quantile(samples, 0.50) / 1000.0, "ms");
    print_figure(series + "_p99", kestra::bench::quantile(samples, 0.99) / 1000.0, "ms");
  }
  if (scenario->counts_statuses()) {
    for (const auto& [key, count] : recorder.statuses) {
      const std::string& label = labels[static_cast<std::size_t>(key.first)];
      print_figure((label.empty() ? name : name + "_" + label) + "_status_" + std::to_string(key.second),
                   static_cast<double>(count), "count");
    }
  }
  for (const auto& figure : scenario->figures()) print_figure(name + "_" + figure.name, figure.value, figure.unit);
  print_figure(name + "_wall", wall_s, "s");
  print_figure(name + "_requests", static_cast<double>(recorder.requests), "count");
  print_figure(name + "_errors", static_cast<double>(recorder.errors), "count");
  if (recorder.errors > 0) {
    std::fprintf(stderr, "kestra-bench-load: %llu errors; first: %s\n", static_cast<unsigned long long>(recorder.errors),
                 recorder.first_error.c_str());
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return kestra::bench::run_tool("kestra-bench-load", kUsage, argc, argv, run); }
