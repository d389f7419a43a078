// Route matching, path parameters, the response callbacks' rules, and the
// host's answers when no module answers.
#define BOOST_TEST_MODULE harness_routing
#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"

using namespace kestra::test;

namespace {

struct EchoHarness {
    HarnessProcess harness{echo_options()};
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(routing, EchoHarness)

BOOST_AUTO_TEST_CASE(literal_segment_beats_parameter) {
    // fixture_echo registers /echo/{word} before /echo/literal.
    const auto literal = json_object(get(harness, "/echo/literal"));
    BOOST_TEST(literal.at("literal").as_bool());
    const auto param = json_object(get(harness, "/echo/literally"));
    BOOST_TEST(param.at("word").as_string() == "literally");
}

BOOST_AUTO_TEST_CASE(path_parameters_are_percent_decoded_and_query_is_raw) {
    const HttpResponse response = get(harness, "/echo/hello%20w%C3%B6rld%2Fx?q=a%20b&n=1", {{"X-Probe", "probe-value"}});
    BOOST_TEST(response.status == 200u);
    const auto body = json_object(response);
    BOOST_TEST(body.at("word").as_string() == "hello w\xC3\xB6rld/x");
    BOOST_TEST(body.at("path").as_string() == "/echo/hello w\xC3\xB6rld/x");
    BOOST_TEST(body.at("query").as_string() == "q=a%20b&n=1");
    BOOST_TEST(body.at("method").as_string() == "GET");
    BOOST_TEST(body.at("scheme").as_string() == "http");
    BOOST_TEST(body.at("remote").as_string() == "127.0.0.1");
    BOOST_TEST(body.at("probe").as_string() == "probe-value");
    BOOST_TEST(!body.at("principal").as_bool());
}

BOOST_AUTO_TEST_CASE(unknown_paths_are_404_json) {
    for (const char* target : {"/nowhere", "/echo", "/echo/a/b", "/echo/", "/"}) {
        BOOST_TEST_CONTEXT(target) {
            const HttpResponse response = get(harness, target);
            BOOST_TEST(response.status == 404u);
            BOOST_TEST(response.header("Content-Type").value_or("") == "application/json");
            BOOST_TEST(json_object(response).at("message").is_string());
        }
    }
}

BOOST_AUTO_TEST_CASE(malformed_percent_encoding_is_400) {
    BOOST_TEST(get(harness, "/echo/bad%zz").status == 400u);
    BOOST_TEST(get(harness, "/echo/bad%2").status == 400u);
}

BOOST_AUTO_TEST_CASE(wrong_method_is_405_and_star_matches_every_method) {
    const HttpResponse wrong = request(harness.port(), "DELETE", "/echo/x");
    BOOST_TEST(wrong.status == 405u);
    BOOST_TEST(wrong.header("Allow").value_or("") == "GET");
    for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
        BOOST_TEST_CONTEXT(method) {
            const HttpResponse any = request(harness.port(), method, "/fixture/any");
            BOOST_TEST(any.status == 200u);
            BOOST_TEST(json_object(any).at("method").as_string() == method);
        }
    }
}

BOOST_AUTO_TEST_CASE(handler_failure_without_output_is_500_json) {
    const HttpResponse response = get(harness, "/fixture/fail");
    BOOST_TEST(response.status == 500u);
    BOOST_TEST(json_object(response).at("message").is_string());
}

BOOST_AUTO_TEST_CASE(status_and_headers_are_frozen_after_the_first_body_write) {
    const HttpResponse response = get(harness, "/fixture/order");
    BOOST_TEST(response.status == 201u);
    BOOST_TEST(!response.header("X-Late").has_value());
    const auto body = json_object(response);
    BOOST_TEST(body.at("setStatusAfterBody").as_int64() == 4);  // KESTRA_ERR_STATE
    BOOST_TEST(body.at("addHeaderAfterBody").as_int64() == 4);
}

BOOST_AUTO_TEST_CASE(registration_rules_seen_by_the_module) {
    const auto checks = json_object(get(harness, "/fixture/checks"));
    BOOST_TEST(checks.at("duplicateRoute").as_int64() == 4);  // same method and shape: KESTRA_ERR_STATE
    BOOST_TEST(checks.at("badTemplate").as_int64() == 1);     // KESTRA_ERR_INVALID_ARGUMENT
    BOOST_TEST(checks.at("lateRoute").as_int64() == 4);       // after create: KESTRA_ERR_STATE
    BOOST_TEST(checks.at("lateHooks").as_int64() == 4);
    BOOST_TEST(checks.at("missingTenant").as_int64() == 2);   // KESTRA_ERR_NOT_FOUND
    BOOST_TEST(checks.at("unknownExtension").as_bool());
    BOOST_TEST(get(harness, "/fixture/late").status == 404u);
}

BOOST_AUTO_TEST_CASE(request_id_is_generated_or_honoured) {
    const HttpResponse given = get(harness, "/echo/x", {{"X-Request-Id", "client-chosen.id-42"}});
    BOOST_TEST(given.header("X-Request-Id").value_or("") == "client-chosen.id-42");
    BOOST_TEST(json_object(given).at("requestId").as_string() == "client-chosen.id-42");

    const HttpResponse generated = get(harness, "/echo/x", {{"X-Request-Id", "has spaces and \"quotes\""}});
    const std::string id = generated.header("X-Request-Id").value_or("");
    BOOST_TEST(id.size() == 32u);
    BOOST_TEST(json_object(generated).at("requestId").as_string() == id);
    BOOST_TEST(get(harness, "/echo/x").header("X-Request-Id").value_or("") != id);
}

BOOST_AUTO_TEST_SUITE_END()
