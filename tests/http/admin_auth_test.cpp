// Admin routes: the host checks HTTP Basic credentials before the module runs,
// without a Basic challenge on /api/ (the page signs in with fetch; a
// challenge would make the browser prompt and cache credentials).  /metrics:
// loopback or admin by default, configurable.
#define BOOST_TEST_MODULE harness_admin_auth
#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"

using namespace kestra::test;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view admin_route = "/api/v1/main/fixture/admin";

void expect_unauthorized(const HttpResponse& response) {
    BOOST_TEST(response.status == 401u);
    BOOST_TEST(!response.header("WWW-Authenticate").has_value());
    BOOST_TEST(json_object(response).contains("message"));
}

}  // namespace

BOOST_AUTO_TEST_CASE(admin_route_requires_the_super_admin_credentials) {
    HarnessOptions options = echo_options();
    options.tenants = {"main"};
    HarnessProcess harness(options);

    expect_unauthorized(get(harness, admin_route));
    expect_unauthorized(get(harness, admin_route, {{"Authorization", basic_auth(options.admin_username, "wrong")}}));
    expect_unauthorized(get(harness, admin_route, {{"Authorization", basic_auth("someone", options.admin_password)}}));
    expect_unauthorized(get(harness, admin_route,
                            {{"Authorization", basic_auth(options.admin_username, options.admin_password + "x")}}));
    expect_unauthorized(get(harness, admin_route, {{"Authorization", bearer(options.admin_password)}}));
    expect_unauthorized(get(harness, admin_route, {{"Authorization", "Basic %%%not-base64"}}));
    BOOST_TEST(admin_calls(harness) == 0);

    const HttpResponse ok = get(harness, admin_route, {{"Authorization", harness.admin_authorization()}});
    BOOST_TEST(ok.status == 200u);
    const auto body = json_object(ok);
    BOOST_TEST(body.at("tenant").as_string() == "main");
    BOOST_TEST(body.at("subject").as_string() == options.admin_username);
    BOOST_TEST(body.at("superadmin").as_bool());
    BOOST_TEST(body.at("tenantCount").as_int64() == 1);
    BOOST_TEST(admin_calls(harness) == 1);
}

BOOST_AUTO_TEST_CASE(host_admin_routes_require_credentials_too) {
    HarnessProcess harness(echo_options());
    expect_unauthorized(get(harness, "/api/v1/tenants"));
    expect_unauthorized(get(harness, "/api/v1/plugins"));
    expect_unauthorized(get(harness, "/api/v1/events"));
    expect_unauthorized(request(harness.port(), "POST", "/api/v1/tenants", {}, R"({"id":"acme"})"));
    BOOST_TEST(tenant_hooks(harness).at("created").as_int64() == 0);
    BOOST_TEST(get(harness, "/api/v1/tenants", {{"Authorization", harness.admin_authorization()}}).status == 200u);
}

BOOST_AUTO_TEST_CASE(admin_routes_refuse_everyone_without_configured_credentials) {
    HarnessOptions options = echo_options();
    HarnessProcess harness(options);
    expect_unauthorized(get(harness, admin_route, {{"Authorization", basic_auth("", "")}}));
    expect_unauthorized(get(harness, admin_route, {{"Authorization", basic_auth("admin", "")}}));
    BOOST_TEST(admin_calls(harness) == 0);
}

// ------------------------------------------------------------ /metrics

BOOST_AUTO_TEST_CASE(metrics_from_loopback_need_no_credentials_by_default) {
    HarnessProcess harness(echo_options());
    BOOST_TEST(get(harness, "/metrics").status == 200u);
}

BOOST_AUTO_TEST_CASE(metrics_for_admin_only_need_the_super_admin_credentials) {
    HarnessOptions options = echo_options();
    options.extra_yaml = "kestra.harness.metrics-access: admin\n";
    HarnessProcess harness(options);
    const HttpResponse refused = get(harness, "/metrics");
    BOOST_TEST(refused.status == 401u);
    BOOST_TEST(refused.body.find("kestra_harness") == std::string::npos);
    // Not under /api/: a scraper or a person with a browser may be asked.
    BOOST_TEST(refused.header("WWW-Authenticate").value_or("") == "Basic realm=\"kestra\"");
    BOOST_TEST(get(harness, "/metrics", {{"Authorization", basic_auth(options.admin_username, "wrong")}}).status == 401u);
    const HttpResponse ok = get(harness, "/metrics", {{"Authorization", harness.admin_authorization()}});
    BOOST_TEST(ok.status == 200u);
    BOOST_TEST(ok.header("Content-Type").value_or("").starts_with("text/plain"));
}

BOOST_AUTO_TEST_CASE(metrics_open_to_all_need_nothing) {
    HarnessOptions options = echo_options();
    options.extra_yaml = "kestra.harness.metrics-access: open\n";
    HarnessProcess harness(options);
    BOOST_TEST(get(harness, "/metrics").status == 200u);
}

BOOST_AUTO_TEST_CASE(an_unknown_metrics_access_is_refused_at_start) {
    HarnessOptions options = echo_options();
    options.extra_yaml = "kestra.harness.metrics-access: everyone\n";
    options.start = false;
    HarnessProcess harness(options);
    harness.spawn();
    BOOST_TEST(harness.wait_exit(20s).value_or(-1) == 2);
    BOOST_TEST(harness.stderr_text().find("kestra.harness.metrics-access") != std::string::npos);
}
