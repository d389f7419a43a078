// One structured line per request; never a credential, query or body.
#define BOOST_TEST_MODULE harness_request_log
#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"

using namespace kestra::test;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(each_request_has_one_structured_log_line) {
    HarnessProcess harness(echo_options());
    BOOST_TEST(get(harness, "/echo/abc?token=query-secret-123", {{"X-Request-Id", "log-check-1"}}).status == 200u);
    BOOST_TEST(get(harness, "/nowhere", {{"X-Request-Id", "log-check-2"}}).status == 404u);
    BOOST_TEST_REQUIRE(harness.wait_for_log("\"requestId\":\"log-check-2\"", 5s));

    const std::string err = harness.stderr_text();
    BOOST_TEST_INFO("stderr:\n" << err);
    BOOST_TEST(count_of(err, "\"requestId\":\"log-check-1\"") == 1u);
    const auto line = boost::json::parse(line_with(err, "\"requestId\":\"log-check-1\"")).as_object();
    BOOST_TEST(line.at("logger").as_string() == "kestra.harness.http");
    BOOST_TEST(line.at("level").as_string() == "INFO");
    BOOST_TEST(line.at("method").as_string() == "GET");
    BOOST_TEST(line.at("path").as_string() == "/echo/abc");
    BOOST_TEST(line.at("status").as_int64() == 200);
    BOOST_TEST(line.at("durationMs").is_int64());
    BOOST_TEST(line.at("time").is_string());
    const auto missing = boost::json::parse(line_with(err, "\"requestId\":\"log-check-2\"")).as_object();
    BOOST_TEST(missing.at("status").as_int64() == 404);
    BOOST_TEST(err.find("query-secret-123") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(credentials_never_reach_the_log) {
    HarnessOptions options = echo_options();
    options.admin_password = "Super-Secret-Password-77";
    HarnessProcess harness(options);
    const std::string good = harness.admin_authorization();
    const std::string wrong = basic_auth(options.admin_username, "wrong-password-abc");

    BOOST_TEST(get(harness, "/api/v1/t/fixture/admin", {{"Authorization", good}, {"X-Request-Id", "auth-1"}}).status == 200u);
    BOOST_TEST(get(harness, "/api/v1/t/fixture/admin", {{"Authorization", wrong}, {"X-Request-Id", "auth-2"}}).status == 401u);
    BOOST_TEST(get(harness, "/echo/x", {{"Authorization", "Bearer secret-xyz"}, {"X-Request-Id", "auth-3"}}).status == 200u);
    BOOST_TEST(request(harness.port(), "POST", "/fixture/any", {{"X-Request-Id", "auth-4"}},
                       R"({"password":"body-secret-456"})").status == 200u);
    BOOST_TEST_REQUIRE(harness.wait_for_log("\"requestId\":\"auth-4\"", 5s));
    BOOST_TEST(harness.stop() == 0);

    const std::string log = harness.full_log();
    BOOST_TEST_INFO("log:\n" << log);
    for (const std::string& secret : {std::string("secret-xyz"), good.substr(6), wrong.substr(6),
                                      options.admin_password, std::string("wrong-password-abc"),
                                      std::string("body-secret-456"), std::string("Authorization")}) {
        BOOST_TEST_CONTEXT(secret) { BOOST_TEST(log.find(secret) == std::string::npos); }
    }
    for (const char* id : {"auth-1", "auth-2", "auth-3", "auth-4"})
        BOOST_TEST(count_of(log, "\"requestId\":\"" + std::string(id) + "\"") == 1u);
}
