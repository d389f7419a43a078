// Request size limits: body -> 413, header section -> 431.
#define BOOST_TEST_MODULE harness_limits
#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"

using namespace kestra::test;

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
