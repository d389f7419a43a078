// SIGTERM: stop accepting, finish requests in flight, destroy modules, exit 0.
#define BOOST_TEST_MODULE harness_graceful_shutdown
#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"

#include <chrono>
#include <csignal>
#include <future>
#include <thread>

using namespace kestra::test;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(request_in_flight_completes_after_sigterm) {
    HarnessProcess harness(echo_options());
    const std::uint16_t port = harness.port();

    auto slow = std::async(std::launch::async, [port] { return request(port, "GET", "/fixture/slow?ms=1500"); });
    std::this_thread::sleep_for(300ms);
    const auto before_stop = std::chrono::steady_clock::now();
    const int exit_code = harness.stop();
    const auto stop_took_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - before_stop).count();

    const HttpResponse response = slow.get();
    BOOST_TEST(response.status == 200u);
    BOOST_TEST(json_object(response).at("slept").as_int64() == 1500);
    BOOST_TEST(exit_code == 0);
    BOOST_TEST(stop_took_ms >= 900);  // it waited for the request

    // The module is destroyed only after its in-flight call returned.
    const std::string err = harness.stderr_text();
    BOOST_TEST_INFO("stderr:\n" << err);
    const std::size_t served = err.find("\"path\":\"/fixture/slow\"");
    const std::size_t destroyed = err.find("fixture_echo destroyed");
    BOOST_TEST_REQUIRE(served != std::string::npos);
    BOOST_TEST_REQUIRE(destroyed != std::string::npos);
    BOOST_TEST(served < destroyed);
    BOOST_TEST(err.find("\"message\":\"stopped\"") != std::string::npos);

    BOOST_CHECK_THROW(request(port, "GET", "/echo/gone"), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(idle_and_half_sent_connections_do_not_hold_shutdown) {
    HarnessProcess harness(echo_options());
    const std::uint16_t port = harness.port();
    auto half_sent = std::async(std::launch::async, [port] {
        try {
            return request_raw(port, "GET /echo/x HTTP/1.1\r\nHost: x\r\n").status;
        } catch (const std::runtime_error&) {
            return 0u;  // closed without an answer: expected
        }
    });
    std::this_thread::sleep_for(300ms);
    const auto before_stop = std::chrono::steady_clock::now();
    BOOST_TEST(harness.stop() == 0);
    const auto stop_took_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - before_stop).count();
    BOOST_TEST(stop_took_ms < 10000);
    BOOST_TEST(half_sent.get() == 0u);
}

BOOST_AUTO_TEST_CASE(sigint_also_stops_cleanly) {
    HarnessProcess harness(echo_options());
    BOOST_TEST(get(harness, "/echo/x").status == 200u);
    harness.send_signal(SIGINT);
    BOOST_TEST(harness.wait_exit(30s).value_or(-1) == 0);
}
