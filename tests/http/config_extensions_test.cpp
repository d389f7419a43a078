// config_get over the YAML tree, and the events and metrics the host keeps.
#define BOOST_TEST_MODULE harness_config_extensions
#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"
#include "kestra/test/prometheus_text.hpp"

using namespace kestra::test;

namespace {

struct ConfigResult {
    std::int64_t status;
    std::vector<std::string> values;
};

ConfigResult config_get(const HarnessProcess& harness, std::string_view key) {
    const auto body = json_object(get(harness, "/fixture/config?key=" + std::string(key)));
    ConfigResult result{body.at("status").as_int64(), {}};
    for (const auto& value : body.at("values").as_array()) result.values.emplace_back(value.as_string());
    return result;
}

}  // namespace

BOOST_AUTO_TEST_CASE(config_get_reads_any_key_of_the_yaml) {
    HarnessOptions options = echo_options();
    options.tenants = {"main", "other"};
    options.extra_yaml =
        "kestra:\n"
        "  scim:\n"
        "    sqlite:\n"
        "      path: \"@DIR@/scim.db\"\n"
        "    allowed: [a, b, c]\n"
        "    maxPageSize: 200\n"
        "    empty: []\n"
        "    objects:\n"
        "      - name: x\n"
        "kestra.flat.only.key: flat-value\n";
    HarnessProcess harness(options);

    const auto path = config_get(harness, "kestra.scim.sqlite.path");
    BOOST_TEST(path.status == 0);
    BOOST_TEST(path.values == std::vector<std::string>{(harness.dir() / "scim.db").string()});
    BOOST_TEST(config_get(harness, "kestra.scim.allowed").values == (std::vector<std::string>{"a", "b", "c"}));
    BOOST_TEST(config_get(harness, "kestra.tenants").values == (std::vector<std::string>{"main", "other"}));
    BOOST_TEST(config_get(harness, "kestra.flat.only.key").values == std::vector<std::string>{"flat-value"});
    BOOST_TEST(config_get(harness, "kestra.ee.tenants.enabled").values == std::vector<std::string>{"true"});
    BOOST_TEST(config_get(harness, "kestra.security.superAdmin.username").values ==
               std::vector<std::string>{options.admin_username});
    // Micronaut-style relaxed names: camelCase and kebab-case are one key.
    BOOST_TEST(config_get(harness, "kestra.scim.max-page-size").values == std::vector<std::string>{"200"});
    const auto empty = config_get(harness, "kestra.scim.empty");
    BOOST_TEST(empty.status == 0);
    BOOST_TEST(empty.values.empty());

    BOOST_TEST(config_get(harness, "kestra.scim").status == 3);          // mapping: UNSUPPORTED
    BOOST_TEST(config_get(harness, "kestra.flat").status == 3);          // made a mapping by a flat key
    BOOST_TEST(config_get(harness, "kestra.scim.objects").status == 3);  // sequence of mappings
    BOOST_TEST(config_get(harness, "kestra.scim.absent").status == 2);   // NOT_FOUND
    BOOST_TEST(config_get(harness, "nothing").status == 2);
}

BOOST_AUTO_TEST_CASE(events_are_logged_and_listed_for_superadmins) {
    HarnessProcess harness(echo_options());
    const HttpResponse emitted = request(harness.port(), "POST", "/fixture/events/iam.role.created?tenant=main", {},
                                         R"({"role":"SCIMProvisioner"})");
    BOOST_TEST(emitted.status == 202u);

    BOOST_TEST(get(harness, "/api/v1/events").status == 401u);
    const HttpResponse listed = get(harness, "/api/v1/events", {{"Authorization", harness.admin_authorization()}});
    BOOST_TEST(listed.status == 200u);
    const auto events = boost::json::parse(listed.body).as_array();
    BOOST_TEST_REQUIRE(events.size() == 1u);
    const auto& event = events[0].as_object();
    BOOST_TEST(event.at("type").as_string() == "iam.role.created");
    BOOST_TEST(event.at("tenant").as_string() == "main");
    BOOST_TEST(event.at("subject").as_string() == "fixture-subject");
    BOOST_TEST(event.at("module").as_string() == "fixture-echo");
    BOOST_TEST(event.at("payload").at("role").as_string() == "SCIMProvisioner");

    const std::string line = line_with(harness.stderr_text(), "\"logger\":\"kestra.harness.events\"");
    BOOST_TEST_REQUIRE(!line.empty());
    BOOST_TEST(boost::json::parse(line).at("type").as_string() == "iam.role.created");
}

BOOST_AUTO_TEST_CASE(event_buffer_keeps_the_last_1000) {
    HarnessProcess harness(echo_options());
    for (int i = 0; i < 1005; ++i)
        BOOST_TEST_REQUIRE(request(harness.port(), "POST", "/fixture/events/e" + std::to_string(i), {}, "{}").status ==
                           202u);
    const auto events =
        boost::json::parse(get(harness, "/api/v1/events", {{"Authorization", harness.admin_authorization()}}).body)
            .as_array();
    BOOST_TEST(events.size() == 1000u);
    BOOST_TEST(events.front().at("type").as_string() == "e5");
    BOOST_TEST(events.back().at("type").as_string() == "e1004");
}

BOOST_AUTO_TEST_CASE(metrics_are_exposed_as_prometheus_text) {
    HarnessProcess harness(echo_options());
    BOOST_TEST(request(harness.port(), "POST", "/fixture/events/iam.role.created", {}, R"({"a":1})").status == 202u);
    const HttpResponse metrics = get(harness, "/metrics");
    BOOST_TEST(metrics.status == 200u);
    BOOST_TEST(metrics.header("Content-Type").value_or("").rfind("text/plain", 0) == 0u);
    const std::string& text = metrics.body;
    BOOST_TEST_INFO("metrics:\n" << text);
    BOOST_TEST(text.find("# TYPE fixture_events_total counter\nfixture_events_total{type=\"iam.role.created\"} 1\n") !=
               std::string::npos);
    BOOST_TEST(text.find("fixture_last_event_bytes 7\n") != std::string::npos);
    BOOST_TEST(text.find("# TYPE fixture_event_seconds histogram\n") != std::string::npos);
    BOOST_TEST(text.find("fixture_event_seconds_bucket{le=\"0.25\"} 1\n") != std::string::npos);
    BOOST_TEST(text.find("fixture_event_seconds_bucket{le=\"0.1\"} 0\n") != std::string::npos);
    BOOST_TEST(text.find("fixture_event_seconds_count 1\n") != std::string::npos);
    BOOST_TEST(text.find("kestra_harness_http_requests_total{method=\"POST\",status=\"202\"} 1\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(metrics_text_is_valid_with_help_and_escaped_label_values) {
    HarnessProcess harness(echo_options());
    // The fixture labels its counter with the decoded path segment: a quote,
    // a backslash and a line feed.
    BOOST_TEST_REQUIRE(request(harness.port(), "POST", "/fixture/events/a%22b%5Cc%0Ad", {}, "{}").status == 202u);
    // A label value that is not UTF-8 is refused, not rendered.
    BOOST_TEST_REQUIRE(request(harness.port(), "POST", "/fixture/events/bad%FF", {}, "{}").status == 202u);
    const std::string text = get(harness, "/metrics").body;
    BOOST_TEST_INFO("metrics:\n" << text);
    BOOST_TEST(text.find("fixture_events_total{type=\"a\\\"b\\\\c\\nd\"} 1\n") != std::string::npos);
    BOOST_TEST(text.find("bad") == std::string::npos);
    BOOST_TEST(text.find("# HELP fixture_events_total Reported by module fixture-echo.\n"
                         "# TYPE fixture_events_total counter\n") != std::string::npos);
    BOOST_TEST(text.find("# HELP kestra_harness_http_requests_total HTTP requests") != std::string::npos);
    const PromText parsed = parse_prometheus_text(text);
    BOOST_TEST(parsed.error.empty(), parsed.error);
    BOOST_TEST((parsed.value("fixture_events_total", {{"type", "a\"b\\c\nd"}}) == std::optional<double>(1)));
    BOOST_TEST(parsed.types.at("fixture_event_seconds") == "histogram");
    BOOST_TEST((parsed.value("fixture_event_seconds_count") == std::optional<double>(2)));
}
