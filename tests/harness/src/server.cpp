#include "server.hpp"

#include "logger.hpp"
#include "spool.hpp"
#include "text.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

namespace kestra::harness {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::string_view server_log = "kestra.harness.server";
constexpr std::chrono::seconds linger_time{2};
constexpr std::size_t linger_limit = 64 * 1024 * 1024;
// A streamed body: up to this much waits in memory for a client; the rest
// goes to a temporary file, so that neither a worker nor memory waits on a
// slow client.
constexpr std::size_t stream_window = 256 * 1024;
constexpr std::size_t spool_piece = 64 * 1024;  // read back from the file at a time
constexpr std::string_view retry_after_seconds = "5";

std::string_view sv(beast::string_view s) { return {s.data(), s.size()}; }

class Session;

// State shared by the server and its sessions; outlives every session.
struct Shared {
    Shared(ServerOptions options_in, Server::Handler handler_in, Server::Observer observer_in,
           Server::Admission admission_in, Logger& logger_in)
        : options(std::move(options_in)),
          handler(std::move(handler_in)),
          observer(std::move(observer_in)),
          admission(std::move(admission_in)),
          logger(logger_in) {}

    // Reserves n body bytes under max_body_in_flight; false when they do not fit.
    bool reserve_body(std::uint64_t n) {
        std::uint64_t now = body_bytes_in_flight.load();
        do {
            if (n > options.max_body_in_flight - std::min(now, options.max_body_in_flight)) return false;
        } while (!body_bytes_in_flight.compare_exchange_weak(now, now + n));
        return true;
    }

    ServerOptions options;
    Server::Handler handler;
    Server::Observer observer;
    Server::Admission admission;
    Logger& logger;
    std::mutex mutex;
    std::condition_variable changed;
    std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
    bool stopping = false;
    bool stop_requested = false;
    std::atomic<std::uint64_t> body_bytes_in_flight{0};
};

// Parse errors that mean "the peer went away", not "the peer sent garbage".
bool quiet_read_error(const beast::error_code& ec) {
    return ec == http::error::end_of_stream || ec == http::error::partial_message || ec == http::error::need_more ||
           ec == http::error::short_read || ec == http::error::stale_parser ||
           &ec.category() != &http::make_error_code(http::error::bad_method).category();
}

// One connection.  Every member is touched only on the connection's strand,
// except parser_ / request_ / request_id_ / remote_address_ / head_ /
// body_reserved_, which the worker uses while busy_ keeps the strand away
// from them, and the out_* members (a streamed body), which out_mutex_ guards.
class Session : public std::enable_shared_from_this<Session>, public BodyStream {
public:
    Session(tcp::socket&& socket, Shared& shared, net::thread_pool& workers)
        : stream_(std::move(socket)), deadline_(stream_.get_executor()), shared_(shared), workers_(workers) {
        beast::error_code ec;
        const auto endpoint = stream_.socket().remote_endpoint(ec);
        if (!ec) remote_address_ = endpoint.address().to_string();
    }

    ~Session() {
        release_body();
        std::lock_guard lock(shared_.mutex);
        shared_.sessions.erase(this);
        shared_.changed.notify_all();
    }

    void start() {
        net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::read_header, shared_from_this()));
    }

    // Answers 503 and closes: the server holds max_connections already.
    void refuse() {
        net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
            self->reject(503, "Too many connections: retry later");
        });
    }

    // Idle connections close now; a busy one closes after its response.
    void shut_down() {
        net::post(stream_.get_executor(), [self = shared_from_this()] {
            self->closing_ = true;
            if (!self->busy_) self->close();
        });
    }

private:
    void read_header() {
        if (closing_) return close();
        parser_.emplace();
        parser_->header_limit(shared_.options.max_header);
        parser_->body_limit(shared_.options.max_body);
        timed_out_ = false;
        arm_read_deadline();
        http::async_read_header(stream_, buffer_, *parser_,
                                beast::bind_front_handler(&Session::on_header, shared_from_this()));
    }

    void on_header(beast::error_code ec, std::size_t) {
        started_ = Clock::now();
        deadline_.cancel();
        if (ec) return on_read_error(ec);
        const std::string_view incoming = sv(parser_->get()["X-Request-Id"]);
        request_id_ = acceptable_request_id(incoming) ? std::string(incoming) : random_hex_id();
        const auto length = parser_->content_length();
        const bool body_buffered = length && buffer_.size() >= *length;
        if (parser_->is_done() || body_buffered) return read_body();
        admit();
    }

    // [strand] Route, credentials and the bytes in flight are checked on the
    // head, before a byte of the body is read.
    void admit() {
        busy_ = true;
        net::post(workers_, [self = shared_from_this()] {
            std::optional<HttpReply> refusal;
            try {
                const auto& head = self->parser_->get();
                HttpExchange exchange;
                exchange.method = sv(head.method_string());
                exchange.target = sv(head.target());
                for (const auto& field : head) exchange.headers.emplace_back(sv(field.name_string()), sv(field.value()));
                exchange.remote_address = self->remote_address_;
                exchange.request_id = self->request_id_;
                refusal = self->shared_.admission(exchange);
            } catch (...) {
                refusal = HttpReply::message(500, "Internal Server Error");
            }
            net::post(self->stream_.get_executor(), [self, refusal = std::move(refusal)]() mutable {
                self->on_admitted(std::move(refusal));
            });
        });
    }

    void on_admitted(std::optional<HttpReply> refusal) {
        busy_ = false;
        if (closing_) return close();
        if (refusal) return refuse_unread(std::move(*refusal));
        const std::uint64_t size = parser_->content_length().value_or(shared_.options.max_body);
        if (!shared_.reserve_body(size)) {
            shared_.logger.warn(server_log, "request refused: too many body bytes in flight",
                                {{"requestId", request_id_},
                                 {"maxBodyBytesInFlight", shared_.options.max_body_in_flight}});
            HttpReply busy = HttpReply::message(503, "Too many request bodies in flight: retry later");
            busy.headers.emplace_back("Retry-After", std::string(retry_after_seconds));
            return refuse_unread(std::move(busy));
        }
        body_reserved_ = size;
        const auto& request = parser_->get();
        if (beast::iequals(request[http::field::expect], "100-continue")) {
            continue_ = http::response<http::empty_body>(http::status::continue_, request.version());
            stream_.expires_after(shared_.options.write_timeout);
            http::async_write(stream_, continue_, [self = shared_from_this()](beast::error_code write_error, std::size_t) {
                if (write_error) return self->close();
                self->read_body();
            });
            return;
        }
        read_body();
    }

    void read_body() {
        arm_read_deadline();
        http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&Session::on_request, shared_from_this()));
    }

    void on_request(beast::error_code ec, std::size_t) {
        deadline_.cancel();
        if (ec) return on_read_error(ec);
        busy_ = true;
        request_ = parser_->release();
        method_ = std::string(sv(request_.method_string()));
        head_ = request_.method() == http::verb::head;
        path_ = sv(request_.target()).substr(0, sv(request_.target()).find('?'));
        net::post(workers_, [self = shared_from_this()] { self->handle_on_worker(); });
    }

    void handle_on_worker() {
        {
            std::lock_guard lock(out_mutex_);
            out_started_ = false;
            out_failed_ = false;
        }
        HttpReply reply;
        try {
            HttpExchange exchange;
            exchange.method = sv(request_.method_string());
            exchange.target = sv(request_.target());
            exchange.headers.reserve(std::distance(request_.begin(), request_.end()));
            for (const auto& field : request_) exchange.headers.emplace_back(sv(field.name_string()), sv(field.value()));
            exchange.body = request_.body();
            exchange.remote_address = remote_address_;
            exchange.request_id = request_id_;
            exchange.stream = this;
            reply = shared_.handler(exchange);
        } catch (...) {
            reply = HttpReply{500, {{"Content-Type", "application/json"}}, R"({"message":"Internal Server Error"})"};
        }
        std::string().swap(request_.body());
        release_body();
        bool started = false;
        {
            std::lock_guard lock(out_mutex_);
            started = out_started_;
        }
        // Once the head is out, only the end of the body is left to say.
        if (started) return queue_piece(OutPiece{OutPiece::Kind::end, {}, {}, reply.streamed && reply.stream_complete});
        net::post(stream_.get_executor(), [self = shared_from_this(), reply = std::move(reply)]() mutable {
            self->send(std::move(reply), self->request_.keep_alive());
        });
    }

    // ---- a streamed body (BodyStream: called on the worker thread)

    struct OutPiece {
        enum class Kind { head, data, end } kind;
        HttpReply head;      // head: status and headers
        std::string data;    // data: one chunk
        bool complete = false;  // end: false closes without the last chunk
    };

    bool start(unsigned status, const std::vector<std::pair<std::string, std::string>>& headers) override {
        {
            std::lock_guard lock(out_mutex_);
            if (out_failed_) return false;
            out_started_ = true;
        }
        queue_piece(OutPiece{OutPiece::Kind::head, HttpReply{status, headers, {}}, {}, false});
        return true;
    }

    // Never waits: memory holds the first stream_window bytes not yet
    // written, the spool the rest (in order: memory only while the spool is empty).
    bool write(std::string_view chunk) override {
        if (chunk.empty()) return true;
        {
            std::lock_guard lock(out_mutex_);
            if (out_failed_) return false;
            if (head_) return true;  // HEAD: the head only
            if (out_spool_.pending() == 0 && out_bytes_ + chunk.size() <= stream_window) {
                out_bytes_ += chunk.size();
                out_queue_.push_back(OutPiece{OutPiece::Kind::data, {}, std::string(chunk), false});
            } else if (!out_spool_.append(chunk)) {
                shared_.logger.error(server_log, "cannot spool a streamed response: connection closed",
                                     {{"requestId", request_id_}});
                out_failed_ = true;
                out_spool_.discard();
                return false;
            }
        }
        kick_pump();
        return true;
    }

    void queue_piece(OutPiece piece) {
        {
            std::lock_guard lock(out_mutex_);
            out_queue_.push_back(std::move(piece));
        }
        kick_pump();
    }

    void kick_pump() {
        bool kick = false;
        {
            std::lock_guard lock(out_mutex_);
            kick = !out_pumping_;
            out_pumping_ = true;
        }
        if (kick) net::post(stream_.get_executor(), [self = shared_from_this()] { self->pump(); });
    }

    // [strand] Writes one piece at a time: the head, data held in memory,
    // then data from the spool, and the end once both are empty.
    void pump() {
        std::optional<OutPiece> piece;
        bool failed = false;
        {
            std::lock_guard lock(out_mutex_);
            failed = out_failed_;
            if (!out_queue_.empty() && out_queue_.front().kind != OutPiece::Kind::end) {
                piece.emplace(std::move(out_queue_.front()));
                out_queue_.pop_front();
                out_bytes_ -= std::min(out_bytes_, piece->data.size());
            } else if (!failed && out_spool_.pending() > 0) {
                piece.emplace(OutPiece{OutPiece::Kind::data, {}, {}, false});
                if (!out_spool_.take(spool_piece, piece->data)) {
                    shared_.logger.error(server_log, "cannot read a spooled response back: connection closed",
                                         {{"requestId", request_id_}});
                    out_failed_ = failed = true;
                    out_spool_.discard();
                    piece.reset();
                }
            }
            if (!piece && !out_queue_.empty()) {
                piece.emplace(std::move(out_queue_.front()));
                out_queue_.pop_front();
            }
            if (!piece) {
                out_pumping_ = false;
                return;
            }
        }
        const auto next = [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_piece_written(ec); };
        switch (piece->kind) {
        case OutPiece::Kind::head:
            if (failed) return pump();
            try {
                stream_status_ = piece->head.status;
                out_response_ = {};
                out_response_.version(11);
                out_response_.result(piece->head.status);
                for (const auto& [name, value] : piece->head.headers) out_response_.insert(name, value);
                out_response_.set("X-Request-Id", request_id_);
                out_response_.keep_alive(request_.keep_alive() && !closing_);
                out_response_.chunked(true);
                out_serializer_.emplace(out_response_);
            } catch (const std::exception& e) {
                shared_.logger.error(server_log, "cannot build response", {{"error", e.what()}});
                return on_piece_written(net::error::no_memory);
            }
            stream_.expires_after(shared_.options.write_timeout);
            return http::async_write_header(stream_, *out_serializer_, next);
        case OutPiece::Kind::data:
            if (failed) return pump();
            out_current_ = std::move(piece->data);
            stream_.expires_after(shared_.options.write_timeout);
            return net::async_write(stream_, http::make_chunk(net::buffer(out_current_)), next);
        case OutPiece::Kind::end:
            return end_stream(piece->complete && !failed);
        }
    }

    void on_piece_written(beast::error_code ec) {
        if (ec) {
            // The client is gone or stopped reading: the worker stops; what it queued is dropped.
            std::lock_guard lock(out_mutex_);
            out_failed_ = true;
            out_bytes_ = 0;
            std::erase_if(out_queue_, [](const OutPiece& p) { return p.kind != OutPiece::Kind::end; });
            out_spool_.discard();
        }
        std::string().swap(out_current_);
        if (ec) {
            log_write_timeout(ec);
            close();
        }
        pump();
    }

    void log_write_timeout(beast::error_code ec) {
        if (ec != beast::error::timeout) return;
        shared_.logger.warn(server_log, "client took no response bytes within the write timeout: connection closed",
                            {{"requestId", request_id_},
                             {"writeIdleTimeoutSeconds", static_cast<std::int64_t>(shared_.options.write_timeout.count())}});
    }

    // [strand] The handler returned: the last chunk, or a close that tells
    // the client the body is not whole.
    void end_stream(bool complete) {
        {
            // The last piece of this response: the next one starts the pump again.
            std::lock_guard lock(out_mutex_);
            out_pumping_ = false;
        }
        const double duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - started_).count();
        try {
            shared_.observer(RequestSummary{method_, path_, stream_status_, duration_ms, request_id_});
        } catch (...) {
        }
        out_serializer_.reset();
        if (!complete) {
            busy_ = false;
            return close();
        }
        if (head_) return on_stream_written({});
        stream_.expires_after(shared_.options.write_timeout);
        net::async_write(stream_, http::make_chunk_last(),
                         [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_stream_written(ec); });
    }

    void on_stream_written(beast::error_code ec) {
        busy_ = false;
        log_write_timeout(ec);
        if (ec || !out_response_.keep_alive()) return close();
        request_ = {};
        read_header();
    }

    // A slow client (slowloris) gets read_timeout for the header and again
    // for the body; then the read is cancelled.  The stream's own timeout
    // would close the socket before the 408 could be written.
    void arm_read_deadline() {
        stream_.expires_never();
        deadline_.expires_after(shared_.options.read_timeout);
        deadline_.async_wait([self = shared_from_this()](beast::error_code ec) {
            // Cancelled, re-armed for the next phase, or the request is being handled.
            if (ec || self->busy_ || self->deadline_.expiry() > Clock::now()) return;
            self->timed_out_ = true;
            self->stream_.cancel();
        });
    }

    void on_read_error(beast::error_code ec) {
        if (timed_out_) {
            // Part of a request, then silence: say so.  An idle keep-alive connection just closes.
            const bool started = buffer_.size() > 0 || (parser_ && parser_->got_some());
            return started ? reject(408, "Request timeout: the request did not arrive in time") : close();
        }
        if (ec == http::error::header_limit) return reject(431, "Request header fields too large");
        if (ec == http::error::body_limit) return reject(413, "Request body too large");
        if (!quiet_read_error(ec)) return reject(400, "Malformed HTTP request");
        close();
    }

    // Answers a request that could not be read, then closes without
    // resetting the connection (so the client does see the answer).
    void reject(unsigned status, std::string_view message) {
        request_id_ = random_hex_id();
        refuse_unread(HttpReply::message(status, message));
    }

    // Answers without reading (the rest of) the body, then closes the same way.
    void refuse_unread(HttpReply reply) {
        busy_ = true;
        linger_ = true;
        head_ = false;
        if (parser_) {
            method_ = std::string(sv(parser_->get().method_string()));
            path_ = sv(parser_->get().target()).substr(0, sv(parser_->get().target()).find('?'));
        }
        send(std::move(reply), false);
    }

    void release_body() { shared_.body_bytes_in_flight -= std::exchange(body_reserved_, 0); }

    void send(HttpReply reply, bool keep_alive) {
        try {
            response_ = {};
            response_.version(11);
            response_.result(reply.status);
            for (const auto& [name, value] : reply.headers) response_.insert(name, value);
            response_.set("X-Request-Id", request_id_);
            if (reply.status == 204 || reply.status == 304) reply.body.clear();
            response_.body() = std::move(reply.body);
            response_.keep_alive(keep_alive && !closing_);
            response_.prepare_payload();
            if (head_) response_.body().clear();  // Content-Length stays that of the GET answer
            const double duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - started_).count();
            shared_.observer(RequestSummary{method_, path_, reply.status, duration_ms, request_id_});
        } catch (const std::exception& e) {
            shared_.logger.error(server_log, "cannot build response", {{"error", e.what()}});
            return close();
        }
        stream_.expires_after(shared_.options.write_timeout);
        http::async_write(stream_, response_, beast::bind_front_handler(&Session::on_written, shared_from_this()));
    }

    void on_written(beast::error_code ec, std::size_t) {
        busy_ = false;
        log_write_timeout(ec);
        if (ec) return close();
        if (linger_) return linger();
        if (!response_.keep_alive()) return close();
        request_ = {};
        read_header();
    }

    void linger() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        stream_.expires_after(linger_time);
        discard();
    }

    void discard() {
        stream_.async_read_some(net::buffer(discard_buffer_),
                                [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                    self->discarded_ += n;
                                    if (ec || self->discarded_ > linger_limit) return self->close();
                                    self->discard();
                                });
    }

    void close() {
        deadline_.cancel();  // its handler holds the session
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        stream_.close();
    }

    beast::tcp_stream stream_;
    net::steady_timer deadline_;
    Shared& shared_;
    net::thread_pool& workers_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::request<http::string_body> request_;
    http::response<http::empty_body> continue_;
    http::response<http::string_body> response_;
    // A streamed body.
    std::mutex out_mutex_;
    std::deque<OutPiece> out_queue_;
    std::size_t out_bytes_ = 0;  // data held in out_queue_
    Spool out_spool_;            // data past stream_window
    bool out_pumping_ = false;
    bool out_started_ = false;
    bool out_failed_ = false;
    std::string out_current_;
    unsigned stream_status_ = 0;
    http::response<http::empty_body> out_response_;
    std::optional<http::response_serializer<http::empty_body>> out_serializer_;
    std::array<char, 16384> discard_buffer_{};
    std::size_t discarded_ = 0;
    std::uint64_t body_reserved_ = 0;  // of Shared::body_bytes_in_flight
    std::string remote_address_;
    std::string request_id_;
    std::string method_;
    std::string path_;
    Clock::time_point started_ = Clock::now();
    bool busy_ = false;
    bool closing_ = false;
    bool linger_ = false;
    bool head_ = false;
    bool timed_out_ = false;
};

class Listener : public std::enable_shared_from_this<Listener> {
public:
    Listener(net::io_context& ioc, tcp::acceptor&& acceptor, Shared& shared, net::thread_pool& workers)
        : ioc_(ioc), acceptor_(std::move(acceptor)), shared_(shared), workers_(workers) {}

    void accept() {
        acceptor_.async_accept(net::make_strand(ioc_),
                               beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
    }

    void close() {
        net::post(acceptor_.get_executor(), [self = shared_from_this()] {
            beast::error_code ec;
            self->acceptor_.close(ec);
        });
    }

private:
    void on_accept(beast::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
        if (ec) {
            shared_.logger.warn(server_log, "accept failed", {{"error", ec.message()}});
            return accept();
        }
        auto session = std::make_shared<Session>(std::move(socket), shared_, workers_);
        bool admitted = false;
        {
            std::lock_guard lock(shared_.mutex);
            if (shared_.stopping) return;
            admitted = shared_.sessions.size() < shared_.options.max_connections;
            if (admitted) shared_.sessions.emplace(session.get(), session);
        }
        if (admitted) {
            session->start();
        } else {
            shared_.logger.warn(server_log, "connection refused: too many open",
                                {{"maxConnections", shared_.options.max_connections}});
            session->refuse();
        }
        accept();
    }

    net::io_context& ioc_;
    tcp::acceptor acceptor_;
    Shared& shared_;
    net::thread_pool& workers_;
};

tcp::endpoint resolve_endpoint(net::io_context& ioc, const std::string& host, std::uint16_t port) {
    beast::error_code ec;
    const auto address = net::ip::make_address(host, ec);
    if (!ec) return {address, port};
    tcp::resolver resolver(ioc);
    const auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec || results.empty()) throw std::runtime_error("cannot resolve micronaut.server.host '" + host + "'");
    return results.begin()->endpoint();
}

}  // namespace

struct Server::Impl {
    Impl(ServerOptions options, Handler handler, Observer observer, Admission admission, Logger& logger)
        : shared(std::move(options), std::move(handler), std::move(observer), std::move(admission), logger),
          ioc(static_cast<int>(shared.options.io_threads)),
          work(ioc.get_executor()),
          workers(shared.options.workers),
          signals(ioc, SIGINT, SIGTERM) {}

    Shared shared;
    net::io_context ioc;
    // Keeps the IO threads alive while every connection waits on a worker.
    net::executor_work_guard<net::io_context::executor_type> work;
    net::thread_pool workers;
    net::signal_set signals;
    std::shared_ptr<Listener> listener;
    std::vector<std::thread> threads;
};

Server::Server(ServerOptions options, Handler handler, Observer observer, Admission admission, Logger& logger)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), std::move(observer), std::move(admission),
                                   logger)) {}

Server::~Server() { stop(); }

std::uint16_t Server::start() {
    Impl& s = *impl_;
    const tcp::endpoint endpoint = resolve_endpoint(s.ioc, s.shared.options.host, s.shared.options.port);
    tcp::acceptor acceptor(net::make_strand(s.ioc));
    try {
        acceptor.open(endpoint.protocol());
        acceptor.set_option(net::socket_base::reuse_address(true));
        acceptor.bind(endpoint);
        acceptor.listen(net::socket_base::max_listen_connections);
    } catch (const boost::system::system_error& e) {
        throw std::runtime_error("cannot listen on " + s.shared.options.host + ":" +
                                 std::to_string(s.shared.options.port) + ": " + e.code().message());
    }
    const std::uint16_t port = acceptor.local_endpoint().port();
    s.listener = std::make_shared<Listener>(s.ioc, std::move(acceptor), s.shared, s.workers);
    s.listener->accept();
    s.signals.async_wait([&s](beast::error_code ec, int signal_number) {
        if (ec) return;
        s.shared.logger.info(server_log, "stop signal received", {{"signal", signal_number}});
        std::lock_guard lock(s.shared.mutex);
        s.shared.stop_requested = true;
        s.shared.changed.notify_all();
    });
    for (std::size_t i = 0; i < s.shared.options.io_threads; ++i) {
        s.threads.emplace_back([&s] {
            while (true) {
                try {
                    s.ioc.run();
                    return;
                } catch (const std::exception& e) {
                    s.shared.logger.error(server_log, "IO thread error", {{"error", e.what()}});
                }
            }
        });
    }
    return port;
}

void Server::wait_for_stop_signal() {
    std::unique_lock lock(impl_->shared.mutex);
    impl_->shared.changed.wait(lock, [&] { return impl_->shared.stop_requested; });
}

bool Server::drain(std::chrono::steady_clock::time_point deadline) {
    Shared& shared = impl_->shared;
    {
        std::vector<std::shared_ptr<Session>> open;
        {
            std::lock_guard lock(shared.mutex);
            shared.stopping = true;
            for (const auto& [raw, weak] : shared.sessions)
                if (auto session = weak.lock()) open.push_back(std::move(session));
        }
        if (impl_->listener) impl_->listener->close();
        for (const auto& session : open) session->shut_down();
    }
    std::unique_lock lock(shared.mutex);
    return shared.changed.wait_until(lock, deadline, [&] { return shared.sessions.empty(); });
}

void Server::stop() {
    impl_->ioc.stop();
    for (auto& thread : impl_->threads)
        if (thread.joinable()) thread.join();
    impl_->threads.clear();
    impl_->workers.stop();
    impl_->workers.join();
}

}  // namespace kestra::harness
