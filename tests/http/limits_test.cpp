// Host limits: body -> 413, header section -> 431, a request that does not
// arrive within the read timeout -> 408, connections beyond the maximum -> 503.
#define BOOST_TEST_MODULE harness_limits
#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"
#include "kestra/test/raw_client.hpp"


#include <chrono>
#include <stdexcept>
#include <thread>

using namespace kestra::test;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

HarnessOptions with_yaml(const std::string& yaml) {
    HarnessOptions options = echo_options();
    options.extra_yaml = yaml;
    return options;
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

}  // namespace

BOOST_AUTO_TEST_CASE(default_body_limit_is_10_mib) {
    HarnessProcess harness(echo_options());
    constexpr std::size_t limit = 10485760;

    const HttpResponse at_limit = request(harness.port(), "GET", "/echo/x", {}, std::string(limit, 'a'));
    BOOST_TEST(at_limit.status == 200u);
    BOOST_TEST(json_object(at_limit).at("bodyLength").as_int64() == static_cast<std::int64_t>(limit));

    const HttpResponse over = request(harness.port(), "POST", "/fixture/any", {}, std::string(limit + 1, 'a'));
    BOOST_TEST(over.status == 413u);
    BOOST_TEST(json_object(over).at("message").is_string());
    BOOST_TEST(over.header("Connection").value_or("") == "close");

    // Refused from Content-Length alone, before the body is sent.
    const HttpResponse announced = request_raw(
        harness.port(), "POST /fixture/any HTTP/1.1\r\nHost: x\r\nContent-Length: 10485761\r\n\r\n0123456789");
    BOOST_TEST(announced.status == 413u);
    BOOST_TEST(get(harness, "/echo/still-serving").status == 200u);
}

BOOST_AUTO_TEST_CASE(configured_body_limit) {
    HarnessOptions options = echo_options();
    options.extra_yaml = "micronaut:\n  server:\n    max-request-size: 1KB\n";
    HarnessProcess harness(options);
    BOOST_TEST(request(harness.port(), "POST", "/fixture/any", {}, std::string(1024, 'a')).status == 200u);
    BOOST_TEST(request(harness.port(), "POST", "/fixture/any", {}, std::string(1025, 'a')).status == 413u);
}

BOOST_AUTO_TEST_CASE(oversized_header_is_431) {
    HarnessProcess harness(echo_options());
    BOOST_TEST(get(harness, "/echo/x", {{"X-Big", std::string(4000, 'h')}}).status == 200u);
    const HttpResponse over = get(harness, "/echo/x", {{"X-Big", std::string(9000, 'h')}});
    BOOST_TEST(over.status == 431u);
    BOOST_TEST(json_object(over).at("message").is_string());
    BOOST_TEST(get(harness, "/echo/still-serving").status == 200u);
}

BOOST_AUTO_TEST_CASE(configured_header_limit) {
    HarnessOptions options = echo_options();
    options.extra_yaml = "micronaut.server.max-header-size: 16384\n";
    HarnessProcess harness(options);
    BOOST_TEST(get(harness, "/echo/x", {{"X-Big", std::string(9000, 'h')}}).status == 200u);
    BOOST_TEST(get(harness, "/echo/x", {{"X-Big", std::string(17000, 'h')}}).status == 431u);
}

BOOST_AUTO_TEST_CASE(malformed_request_is_400) {
    HarnessProcess harness(echo_options());
    BOOST_TEST(request_raw(harness.port(), "GET /echo/x HTTP/1.1\r\nBad Header Line\r\n\r\n").status == 400u);
}

// ------------------------------------------------------------ slow clients

BOOST_AUTO_TEST_CASE(a_header_that_stops_arriving_is_408) {
    HarnessProcess harness(with_yaml("micronaut.server.read-idle-timeout: 1\n"));
    RawClient client(harness.port());
    const auto start = Clock::now();
    client.send("GET /echo/x HTTP/1.1\r\nHost: x\r\n");
    const std::string answer = client.read_all(10s);
    BOOST_TEST(answer.starts_with("HTTP/1.1 408"), answer);
    BOOST_TEST(answer.find("\"message\"") != std::string::npos, answer);
    BOOST_TEST(seconds_since(start) >= 0.9);
    BOOST_TEST(seconds_since(start) < 5.0);
    BOOST_TEST(get(harness, "/echo/still-serving").status == 200u);
}

BOOST_AUTO_TEST_CASE(a_header_dripped_byte_by_byte_still_gets_408_in_time) {
    HarnessProcess harness(with_yaml("micronaut.server.read-idle-timeout: 1\n"));
    RawClient client(harness.port());
    const auto start = Clock::now();
    client.send("GET /echo/x HTTP/1.1\r\n");
    // Each header line comes well within the timeout; the whole header never does.
    for (int i = 0; i < 40 && !client.readable(200ms); ++i) client.send("X-Drip-" + std::to_string(i) + ": y\r\n");
    const std::string answer = client.read_all(10s);
    BOOST_TEST(answer.starts_with("HTTP/1.1 408"), answer);
    BOOST_TEST(seconds_since(start) < 5.0);
}

BOOST_AUTO_TEST_CASE(a_body_that_stops_arriving_is_408) {
    HarnessProcess harness(with_yaml("micronaut.server.read-idle-timeout: 1\n"));
    RawClient client(harness.port());
    client.send("POST /fixture/any HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc");
    const std::string answer = client.read_all(10s);
    BOOST_TEST(answer.starts_with("HTTP/1.1 408"), answer);
    BOOST_TEST(get(harness, "/echo/still-serving").status == 200u);
}

BOOST_AUTO_TEST_CASE(an_idle_connection_is_closed_without_an_answer) {
    HarnessProcess harness(with_yaml("micronaut.server.read-idle-timeout: 1\n"));
    RawClient idle(harness.port());
    const auto start = Clock::now();
    BOOST_TEST(idle.read_all(10s).empty());
    BOOST_TEST(seconds_since(start) < 5.0);

    // Between two requests of a keep-alive connection, too.
    RawClient kept(harness.port());
    kept.send("GET /echo/x HTTP/1.1\r\nHost: x\r\n\r\n");
    const std::string answer = kept.read_all(10s);
    BOOST_TEST(answer.starts_with("HTTP/1.1 200"), answer);
    BOOST_TEST(answer.find("408") == std::string::npos, answer);
}

// ------------------------------------------------------------ connections

BOOST_AUTO_TEST_CASE(connections_beyond_the_maximum_are_503) {
    HarnessProcess harness(with_yaml("kestra.harness.max-connections: 2\n"));
    auto first = std::make_unique<RawClient>(harness.port());
    RawClient second(harness.port());
    const HttpResponse refused = get(harness, "/echo/x");
    BOOST_TEST(refused.status == 503u);
    BOOST_TEST(json_object(refused).at("message").as_string().starts_with("Too many connections"));
    BOOST_TEST(refused.header("Connection").value_or("") == "close");
    BOOST_TEST(harness.log().find("too many open") != std::string::npos);

    // A connection that closes makes room.
    first.reset();
    unsigned status = 0;
    for (int i = 0; i < 50 && status != 200u; ++i) {
        std::this_thread::sleep_for(100ms);
        status = get(harness, "/echo/x").status;
    }
    BOOST_TEST(status == 200u);
}

BOOST_AUTO_TEST_CASE(a_connection_limit_below_one_is_refused_at_start) {
    HarnessOptions options = with_yaml("kestra.harness.max-connections: 0\n");
    options.start = false;
    HarnessProcess harness(options);
    harness.spawn();
    BOOST_TEST(harness.wait_exit(20s).value_or(-1) == 2);
    BOOST_TEST(harness.stderr_text().find("kestra.harness.max-connections") != std::string::npos);
}
