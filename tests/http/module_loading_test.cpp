// Loading: incompatible, refusing and non-module libraries beside a good
// module are each refused with one line saying why; the host keeps serving.
#define BOOST_TEST_MODULE harness_module_loading
#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"

using namespace kestra::test;

BOOST_AUTO_TEST_CASE(refused_modules_are_reported_and_the_good_one_serves) {
    HarnessOptions options;
    options.modules = {fixture_abi2, fixture_echo, fixture_noentry, fixture_refuse};
    HarnessProcess harness(options);

    const std::string out = harness.stdout_text();
    BOOST_TEST_INFO("stdout:\n" << out);
    BOOST_TEST(out.rfind("kestra-harness ", 0) == 0);
    BOOST_TEST(line_with(out, "kestra-harness ").find(" ABI 1.1") != std::string::npos);
    BOOST_TEST(line_with(out, "libfixture_abi2.so").find("module refused:") == 0);
    BOOST_TEST(line_with(out, "libfixture_abi2.so").find("ABI mismatch: module implements ABI 2.0") != std::string::npos);
    BOOST_TEST(line_with(out, "libfixture_refuse.so").find("module refused:") == 0);
    BOOST_TEST(line_with(out, "libfixture_refuse.so").find("fixture_refuse: intentional refusal, no database configured") !=
               std::string::npos);
    BOOST_TEST(line_with(out, "libfixture_noentry.so").find("no 'kestra_plugin_entry' symbol") != std::string::npos);
    BOOST_TEST(line_with(out, "libfixture_echo.so").find("module loaded: fixture-echo 1.0.0 (ABI 1.1)") == 0);
    const std::string last_line = out.substr(out.rfind('\n', out.size() - 2) + 1);
    BOOST_TEST(last_line == "listening on http://127.0.0.1:" + std::to_string(harness.port()) + "\n");

    // One structured log line per refusal, naming the reason.
    const std::string err = harness.stderr_text();
    BOOST_TEST_INFO("stderr:\n" << err);
    BOOST_TEST(count_of(err, "\"message\":\"module refused: ") == 3u);
    BOOST_TEST(count_of(err, "module refused: ABI mismatch") == 1u);
    BOOST_TEST(count_of(err, "module refused: create failed (REFUSED): fixture_refuse: intentional refusal") == 1u);

    const HttpResponse echo = get(harness, "/echo/still-here");
    BOOST_TEST(echo.status == 200u);
    BOOST_TEST(json_object(echo).at("word").as_string() == "still-here");
    // Routes of refused modules are dropped (abi2's create never ran).
    BOOST_TEST(get(harness, "/abi2/called").status == 404u);
    BOOST_TEST(get(harness, "/refuse/route").status == 404u);

    const HttpResponse plugins = get(harness, "/api/v1/plugins", {{"Authorization", harness.admin_authorization()}});
    BOOST_TEST(plugins.status == 200u);
    const auto list = boost::json::parse(plugins.body).as_array();
    BOOST_TEST_REQUIRE(list.size() == 1u);
    BOOST_TEST(list[0].at("id").as_string() == "fixture-echo");
    BOOST_TEST(list[0].at("version").as_string() == "1.0.0");
    BOOST_TEST(list[0].at("abiVersion").as_string() == "1.1");

    // The refused module's tenant hooks are gone: creating a tenant reaches
    // only fixture_echo (calling into the unloaded library would crash).
    const HttpResponse created = request(harness.port(), "POST", "/api/v1/tenants",
                                         {{"Authorization", harness.admin_authorization()}}, R"({"id":"acme"})");
    BOOST_TEST(created.status == 201u);
    BOOST_TEST(tenant_hooks(harness).at("created").as_int64() == 1);
    BOOST_TEST(harness.stop() == 0);
}

BOOST_AUTO_TEST_CASE(invalid_yaml_exits_with_code_2) {
    HarnessOptions options;
    options.yaml = "micronaut: [unclosed\n";
    options.start = false;
    HarnessProcess harness(options);
    harness.spawn();
    BOOST_TEST(harness.wait_exit(std::chrono::seconds(20)).value_or(-1) == 2);
    BOOST_TEST(harness.stderr_text().find("configuration error") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(missing_plugin_directory_exits_with_code_2) {
    HarnessOptions options;
    options.plugin_dir = "/nonexistent/kestra/plugins";
    options.start = false;
    HarnessProcess harness(options);
    harness.spawn();
    BOOST_TEST(harness.wait_exit(std::chrono::seconds(20)).value_or(-1) == 2);
    BOOST_TEST(harness.stderr_text().find("kestra.plugins.path") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(invalid_setting_value_exits_with_code_2) {
    HarnessOptions options = echo_options();
    options.extra_yaml = "micronaut:\n  server:\n    read-idle-timeout: soon\n";
    options.start = false;
    HarnessProcess harness(options);
    harness.spawn();
    BOOST_TEST(harness.wait_exit(std::chrono::seconds(20)).value_or(-1) == 2);
    BOOST_TEST(harness.stderr_text().find("micronaut.server.read-idle-timeout") != std::string::npos);
}
