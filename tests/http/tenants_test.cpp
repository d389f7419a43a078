// Tenant routes of the host, their hooks, and persistence across restarts.
#define BOOST_TEST_MODULE harness_tenants
#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"

#include <fstream>
#include <iterator>

using namespace kestra::test;

namespace {

HttpResponse create_tenant(const HarnessProcess& harness, std::string_view body) {
    return request(harness.port(), "POST", "/api/v1/tenants",
                   {{"Authorization", harness.admin_authorization()}, {"Content-Type", "application/json"}}, body);
}

HttpResponse delete_tenant(const HarnessProcess& harness, std::string_view id) {
    return request(harness.port(), "DELETE", "/api/v1/tenants/" + std::string(id),
                   {{"Authorization", harness.admin_authorization()}});
}

std::vector<std::string> tenant_ids(const HarnessProcess& harness) {
    const HttpResponse response = get(harness, "/api/v1/tenants", {{"Authorization", harness.admin_authorization()}});
    BOOST_TEST(response.status == 200u);
    std::vector<std::string> ids;
    const boost::json::value list = boost::json::parse(response.body);
    for (const auto& tenant : list.as_array())
        ids.emplace_back(tenant.at("id").as_string());
    return ids;
}

}  // namespace

BOOST_AUTO_TEST_CASE(create_and_delete_fire_the_module_hooks) {
    HarnessProcess harness(echo_options());

    const HttpResponse created = create_tenant(harness, R"({"id":"acme"})");
    BOOST_TEST(created.status == 201u);
    BOOST_TEST(json_object(created).at("id").as_string() == "acme");
    BOOST_TEST(created.header("Location").value_or("") == "/api/v1/tenants/acme");
    auto hooks = tenant_hooks(harness);
    BOOST_TEST(hooks.at("created").as_int64() == 1);
    BOOST_TEST(hooks.at("lastCreated").as_string() == "acme");
    BOOST_TEST(hooks.at("existedOnCreate").as_bool());
    BOOST_TEST(tenant_ids(harness) == std::vector<std::string>{"acme"});
    BOOST_TEST(get(harness, "/api/v1/tenants/acme", {{"Authorization", harness.admin_authorization()}}).status == 200u);

    BOOST_TEST(create_tenant(harness, R"({"id":"acme"})").status == 409u);
    BOOST_TEST(create_tenant(harness, R"({"id":"Bad Id"})").status == 400u);
    BOOST_TEST(create_tenant(harness, R"({"id":"-leading-dash"})").status == 400u);
    BOOST_TEST(create_tenant(harness, R"({"id":")" + std::string(64, 'a') + R"("})").status == 400u);
    BOOST_TEST(create_tenant(harness, R"({"id":42})").status == 400u);
    BOOST_TEST(create_tenant(harness, R"({"name":"acme2"})").status == 400u);
    BOOST_TEST(create_tenant(harness, "not json").status == 400u);
    BOOST_TEST(tenant_hooks(harness).at("created").as_int64() == 1);

    const HttpResponse deleted = delete_tenant(harness, "acme");
    BOOST_TEST(deleted.status == 204u);
    BOOST_TEST(deleted.body.empty());
    hooks = tenant_hooks(harness);
    BOOST_TEST(hooks.at("deleted").as_int64() == 1);
    BOOST_TEST(hooks.at("lastDeleted").as_string() == "acme");
    BOOST_TEST(hooks.at("existedOnDelete").as_bool());  // hooks run before the tenant goes
    BOOST_TEST(tenant_ids(harness).empty());

    BOOST_TEST(delete_tenant(harness, "acme").status == 404u);
    BOOST_TEST(tenant_hooks(harness).at("deleted").as_int64() == 1);
}

BOOST_AUTO_TEST_CASE(configured_tenants_are_created_once_across_restarts) {
    HarnessOptions options = echo_options();
    options.tenants = {"alpha", "beta"};
    HarnessProcess harness(options);

    auto hooks = tenant_hooks(harness);
    BOOST_TEST(hooks.at("created").as_int64() == 2);
    BOOST_TEST(hooks.at("existedOnCreate").as_bool());
    BOOST_TEST(create_tenant(harness, R"({"id":"gamma"})").status == 201u);
    BOOST_TEST(harness.stop() == 0);

    harness.start();
    BOOST_TEST(tenant_hooks(harness).at("created").as_int64() == 0);
    BOOST_TEST(tenant_ids(harness) == (std::vector<std::string>{"alpha", "beta", "gamma"}));
    BOOST_TEST(harness.stop() == 0);
}

BOOST_AUTO_TEST_CASE(a_new_configured_tenant_is_created_at_the_next_start) {
    HarnessOptions options = echo_options();
    options.tenants = {"alpha"};
    HarnessProcess harness(options);
    BOOST_TEST(tenant_hooks(harness).at("created").as_int64() == 1);
    BOOST_TEST(harness.stop() == 0);

    // Same data dir, one more configured tenant: only that one is new.
    {
        std::ifstream in(harness.config_path());
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const std::string from = "kestra.tenants: [\"alpha\"]";
        text.replace(text.find(from), from.size(), "kestra.tenants: [\"alpha\", \"delta\"]");
        std::ofstream(harness.config_path(), std::ios::trunc) << text;
    }
    harness.start();
    const auto hooks = tenant_hooks(harness);
    BOOST_TEST(hooks.at("created").as_int64() == 1);
    BOOST_TEST(hooks.at("lastCreated").as_string() == "delta");
}
