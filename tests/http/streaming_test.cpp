// A body a module writes in several write_body calls goes out as it is
// written, chunked; one write_body keeps a Content-Length.  A handler that
// fails after the body began makes the host close without the last chunk,
// and a client that goes away makes write_body answer KESTRA_ERR_IO.
#define BOOST_TEST_MODULE harness_streaming
#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"
#include "kestra/test/raw_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>


#include <chrono>
#include <stdexcept>
#include <thread>

using namespace kestra::test;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;

namespace {

constexpr int kIoErr = 7;  // KESTRA_ERR_IO

// The body /fixture/stream writes: piece i is `size` times 'a' + i % 26.
std::string expected_body(int pieces, int size) {
    std::string out;
    for (int i = 0; i < pieces; ++i) out.append(static_cast<std::size_t>(size), static_cast<char>('a' + i % 26));
    return out;
}

std::string stream_target(int pieces, int size, bool fail = false) {
    return "/fixture/stream?pieces=" + std::to_string(pieces) + "&size=" + std::to_string(size) +
           (fail ? "&fail=1" : "");
}

boost::json::object stream_stats(const HarnessProcess& harness) {
    return json_object(get(harness, "/fixture/stream-stats"));
}

// Waits for the last /fixture/stream handler call to return.
boost::json::object finished_stream(const HarnessProcess& harness) {
    const auto deadline = Clock::now() + 30s;
    auto stats = stream_stats(harness);
    while (!stats.at("done").as_bool() && Clock::now() < deadline) {
        std::this_thread::sleep_for(20ms);
        stats = stream_stats(harness);
    }
    return stats;
}

struct Harness {
    HarnessProcess harness{echo_options()};
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(streaming, Harness)

BOOST_AUTO_TEST_CASE(one_write_keeps_a_content_length) {
    const HttpResponse response = get(harness, stream_target(1, 1000));
    BOOST_TEST(response.status == 200u);
    BOOST_TEST(response.header("Content-Length").value_or("") == "1000");
    BOOST_TEST(!response.header("Transfer-Encoding").has_value());
    BOOST_TEST(response.body == expected_body(1, 1000));
}

BOOST_AUTO_TEST_CASE(several_writes_arrive_chunked_and_whole) {
    // 8 MiB in 128 pieces: far more than the host holds for a client at once.
    const HttpResponse response = get(harness, stream_target(128, 65536));
    BOOST_TEST(response.status == 200u);
    BOOST_TEST(response.header("Transfer-Encoding").value_or("") == "chunked");
    BOOST_TEST(!response.header("Content-Length").has_value());
    BOOST_TEST(response.header("Content-Type").value_or("") == "text/plain");
    BOOST_TEST(response.header("X-Request-Id").has_value());
    BOOST_TEST(response.body.size() == 128u * 65536u);
    BOOST_TEST((response.body == expected_body(128, 65536)));
    const auto stats = finished_stream(harness);
    BOOST_TEST(stats.at("written").as_int64() == 128);
    BOOST_TEST(stats.at("status").as_int64() == 0);
}

BOOST_AUTO_TEST_CASE(the_wire_carries_chunks_and_the_last_chunk) {
    RawClient client(harness.port());
    client.get(stream_target(3, 10) + "&x=1");
    bool closed = false;
    std::string wire;
    const auto deadline = Clock::now() + 10s;
    while (wire.find("\r\n0\r\n\r\n") == std::string::npos && !closed && Clock::now() < deadline)
        wire += client.read_all(200ms, closed);
    BOOST_TEST_INFO("wire: " << wire);
    BOOST_TEST(wire.rfind("HTTP/1.1 200 OK\r\n", 0) == 0u);
    BOOST_TEST(wire.find("Transfer-Encoding: chunked\r\n") != std::string::npos);
    BOOST_TEST(wire.find("\r\n\r\na\r\naaaaaaaaaa\r\na\r\nbbbbbbbbbb\r\na\r\ncccccccccc\r\n0\r\n\r\n") !=
               std::string::npos);
    BOOST_TEST(!closed);  // keep-alive
}

BOOST_AUTO_TEST_CASE(the_connection_serves_the_next_request_after_a_streamed_body) {
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(30s);
    stream.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), harness.port()));
    beast::flat_buffer buffer;
    for (const std::string& target : {stream_target(5, 70000), std::string("/echo/again"), stream_target(4, 3)}) {
        BOOST_TEST_CONTEXT(target) {
            bhttp::request<bhttp::empty_body> req{bhttp::verb::get, target, 11};
            req.set(bhttp::field::host, "127.0.0.1");
            bhttp::write(stream, req);
            bhttp::response_parser<bhttp::string_body> parser;
            parser.body_limit(std::uint64_t{1} << 30);
            bhttp::read(stream, buffer, parser);
            BOOST_TEST(parser.get().result_int() == 200u);
            BOOST_TEST(parser.get().keep_alive());
            if (target == "/echo/again") {
                BOOST_TEST(boost::json::parse(parser.get().body()).at("word").as_string() == "again");
            } else {
                BOOST_TEST(parser.chunked());
                const int pieces = target == stream_target(5, 70000) ? 5 : 4;
                const int size = pieces == 5 ? 70000 : 3;
                BOOST_TEST((parser.get().body() == expected_body(pieces, size)));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(head_gets_the_head_only) {
    for (const int pieces : {1, 3}) {
        BOOST_TEST_CONTEXT("pieces " << pieces) {
            RawClient client(harness.port());
            client.send("HEAD " + stream_target(pieces, 1000) +
                        " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            bool closed = false;
            std::string wire;
            const auto deadline = Clock::now() + 10s;
            while (!closed && Clock::now() < deadline) wire += client.read_all(200ms, closed);
            BOOST_TEST(closed);
            BOOST_TEST(wire.rfind("HTTP/1.1 200 OK\r\n", 0) == 0u);
            const std::size_t end = wire.find("\r\n\r\n");
            BOOST_TEST(end + 4 == wire.size());  // no body bytes at all
            if (pieces == 1)
                BOOST_TEST(wire.find("Content-Length: 1000\r\n") != std::string::npos);
            else
                BOOST_TEST(wire.find("Transfer-Encoding: chunked\r\n") != std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_failure_after_the_body_began_closes_without_the_last_chunk) {
    RawClient client(harness.port());
    client.get(stream_target(4, 1000, true));
    bool closed = false;
    std::string wire;
    const auto deadline = Clock::now() + 10s;
    while (!closed && Clock::now() < deadline) wire += client.read_all(200ms, closed);
    BOOST_TEST(closed);
    BOOST_TEST(wire.rfind("HTTP/1.1 200 OK\r\n", 0) == 0u);
    BOOST_TEST(wire.find("Transfer-Encoding: chunked\r\n") != std::string::npos);
    BOOST_TEST(wire.find(std::string(1000, 'd')) != std::string::npos);  // every piece went out...
    BOOST_TEST(wire.find("\r\n0\r\n\r\n") == std::string::npos);         // ...but not the end
    // A client library sees an incomplete message, not a whole one.
    BOOST_CHECK_THROW(get(harness, stream_target(4, 1000, true)), std::exception);
    const std::string log = harness.stdout_text() + harness.stderr_text();
    BOOST_TEST(log.find("failed while streaming") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_client_that_goes_away_stops_the_writer) {
    RawClient client(harness.port());
    // 300 pieces 10 ms apart: the client leaves long before the last.
    client.get(stream_target(300, 65536) + "&ms=10");
    const std::string head = client.read_some(100000);
    BOOST_TEST(head.rfind("HTTP/1.1 200 OK\r\n", 0) == 0u);
    client.close();
    const auto stats = finished_stream(harness);
    BOOST_TEST(stats.at("done").as_bool());
    BOOST_TEST(stats.at("status").as_int64() == kIoErr);
    BOOST_TEST(stats.at("written").as_int64() < 300);
    BOOST_TEST(get(harness, "/echo/still-serving").status == 200u);
}

BOOST_AUTO_TEST_SUITE_END()
