// The Provisioning admin API over HTTP: every route's happy path and errors,
// and that a refused request changes nothing.
#define BOOST_TEST_MODULE scim_admin_api
#include "admin_support.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <limits>
#include <optional>
#include <ostream>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace kestra::test;
namespace data = boost::unit_test::data;
namespace json = boost::json;

namespace {

constexpr const char* kTenant = "acme";
constexpr const char* kUnknownId = "00000000-0000-4000-8000-000000000000";

json::object create_ok(const HarnessProcess& harness, const std::string& body, const std::string& tenant = kTenant) {
  auto res = admin_request(harness, "POST", integrations_path(tenant), body);
  BOOST_TEST_REQUIRE(res.status == 201u, res.body);
  return json_body(res);
}

std::string id_of(const json::value& v) { return std::string(v.at("id").as_string()); }

std::string role_id(const HarnessProcess& harness, const std::string& tenant = kTenant) {
  return id_of(results(admin_get(harness, tenant_path(tenant, "/roles"))).at(0));
}

std::vector<std::string> names_in(const json::value& page) {
  std::vector<std::string> names;
  for (const auto& i : results(page)) names.emplace_back(i.at("name").as_string());
  return names;
}

unsigned scim_get(const HarnessProcess& harness, const TestIntegration& integration) {
  return request(harness.port(), "GET", integration.base + "/ServiceProviderConfig", integration.auth()).status;
}

// Every admin route, as the OpenAPI document names it.  {id} is an
// integration's id, or a role's under /roles, or a binding's under /bindings.
struct Route {
  const char* method;
  const char* path;
  const char* body;
};
std::ostream& operator<<(std::ostream& out, const Route& r) { return out << r.method << " " << r.path; }

const Route kRoutes[] = {
    {"POST", "/api/v1/{tenant}/security-integrations", R"({"name":"new-one","description":"d","type":"SCIM"})"},
    {"GET", "/api/v1/{tenant}/security-integrations", ""},
    {"GET", "/api/v1/{tenant}/security-integrations/{id}", ""},
    {"PUT", "/api/v1/{tenant}/security-integrations/{id}", R"({"name":"renamed","description":"d"})"},
    {"DELETE", "/api/v1/{tenant}/security-integrations/{id}", ""},
    {"POST", "/api/v1/{tenant}/security-integrations/{id}/enable", ""},
    {"POST", "/api/v1/{tenant}/security-integrations/{id}/disable", ""},
    {"POST", "/api/v1/{tenant}/security-integrations/{id}/rotate-token", ""},
    {"GET", "/api/v1/{tenant}/security-integrations/{id}/audit", ""},
    {"GET", "/api/v1/{tenant}/roles", ""},
    {"GET", "/api/v1/{tenant}/security-integrations/{id}/assignable-roles", ""},
    {"PUT", "/api/v1/{tenant}/security-integrations/{id}/assignable-roles", R"({"roles":null})"},
    {"GET", "/api/v1/{tenant}/scim-assignable-roles", ""},
    {"PUT", "/api/v1/{tenant}/scim-assignable-roles", R"({"roles":null})"},
    {"POST", "/api/v1/{tenant}/roles", R"({"name":"Developer","permissions":{"FLOWS":["READ"]}})"},
    {"PUT", "/api/v1/{tenant}/roles/{id}", R"({"permissions":{"USERS":["READ"]}})"},
    {"DELETE", "/api/v1/{tenant}/roles/{id}", ""},
    {"GET", "/api/v1/{tenant}/service-accounts", ""},
    {"GET", "/api/v1/{tenant}/bindings", ""},
    {"POST", "/api/v1/{tenant}/bindings", R"({"roleId":"r","type":"USER","subjectId":"u"})"},
    {"DELETE", "/api/v1/{tenant}/bindings/{id}", ""},
    {"GET", "/api/v1/{tenant}/scim-domain-claims", ""},
    {"GET", "/api/v1/scim-instance/domain-claims", ""},
    {"POST", "/api/v1/scim-instance/domain-claims", R"({"tenant":"acme","domain":"acme.example"})"},
    {"DELETE", "/api/v1/scim-instance/domain-claims/{tenant}/{domain}", ""},
    {"GET", "/api/v1/scim-instance/audit", ""},
    {"GET", "/api/v1/plugins/kestra-scim/openapi.json", ""},
};

bool has(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

std::string expand(std::string path, const std::string& tenant, const std::string& integration,
                   const std::string& role, const std::string& binding) {
  const auto replace = [&](std::string_view key, const std::string& value) {
    if (auto at = path.find(key); at != std::string::npos) path.replace(at, key.size(), value);
  };
  const bool is_role = path.find("/roles/") != std::string::npos && !has(path, "/security-integrations/");
  const bool is_binding = has(path, "/bindings/");
  replace("{tenant}", tenant);
  replace("{id}", is_role ? role : is_binding ? binding : integration);
  replace("{domain}", "acme.example");
  return path;
}

// A harness with one integration in acme and one in globex.
struct World {
  HarnessProcess harness{module_options({"acme", "globex"})};
  TestIntegration okta = create_integration(harness, "acme", "okta");
  TestIntegration foreign = create_integration(harness, "globex", "foreign");
  std::string acme_role = role_id(harness, "acme");
  std::string globex_role = role_id(harness, "globex");
  std::string acme_binding = id_of(results(admin_get(harness, tenant_path("acme", "/bindings"))).at(0));
  std::string globex_binding = id_of(results(admin_get(harness, tenant_path("globex", "/bindings"))).at(0));
};

// World, plus the SCIM tokens an attacker may hold: a disabled
// integration's, a rotated-out one and a deleted integration's.
struct TokenWorld : World {
  TokenWorld() {
    const auto post = [&](const TestIntegration& i, const std::string& action) {
      const auto res = admin_request(harness, "POST", integrations_path(kTenant, "/" + i.id + action));
      BOOST_TEST_REQUIRE(res.status == 200u, res.body);
      return json_body(res);
    };
    post(disabled, "/disable");
    rotated_out = rotating.token;
    post(rotating, "/rotate-token");
    BOOST_TEST_REQUIRE(admin_request(harness, "DELETE", integrations_path(kTenant, "/" + gone.id)).status == 204u);
  }
  TestIntegration disabled = create_integration(harness, kTenant, "disabled");
  TestIntegration rotating = create_integration(harness, kTenant, "rotating");
  TestIntegration gone = create_integration(harness, kTenant, "gone");
  std::string rotated_out;
};

}  // namespace

BOOST_AUTO_TEST_CASE(every_documented_route_is_in_the_test_table) {
  HarnessProcess harness(module_options());
  const auto doc = admin_get(harness, "/api/v1/plugins/kestra-scim/openapi.json").as_object();
  std::set<std::pair<std::string, std::string>> tested;
  for (const auto& r : kRoutes) tested.emplace(r.method, r.path);
  std::size_t documented = 0;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const char* method : {"get", "post", "put", "patch", "delete"}) {
      if (!item.as_object().contains(method)) continue;
      std::string upper(method);
      for (char& c : upper) c = static_cast<char>(c - 'a' + 'A');
      BOOST_TEST(tested.contains({upper, std::string(path)}), upper << " " << path << " has no test row");
      ++documented;
    }
  }
  BOOST_TEST(documented == std::size(kRoutes));
}

BOOST_AUTO_TEST_CASE(openapi_document_is_served_as_openapi_3_json) {
  HarnessProcess harness(module_options());
  auto res = admin_request(harness, "GET", "/api/v1/plugins/kestra-scim/openapi.json");
  BOOST_TEST_REQUIRE(res.status == 200u);
  BOOST_TEST(res.header("Content-Type").value_or("").starts_with("application/json"));
  boost::system::error_code ec;
  auto doc = json::parse(res.body, ec);
  BOOST_TEST_REQUIRE(!ec);
  BOOST_TEST(doc.at("openapi").as_string().starts_with("3."));
  BOOST_TEST(doc.at("info").at("title").is_string());
  BOOST_TEST(doc.at("paths").at("/api/v1/{tenant}/security-integrations").as_object().contains("post"));
  BOOST_TEST(doc.at("paths").at("/api/v1/{tenant}/roles/{id}").as_object().contains("put"));
  BOOST_TEST(doc.at("components").at("schemas").as_object().contains("CreatedIntegration"));

  auto anonymous = request(harness.port(), "GET", "/api/v1/plugins/kestra-scim/openapi.json");
  BOOST_TEST(anonymous.status == 401u);
}

BOOST_AUTO_TEST_CASE(the_host_reports_the_module_version_and_abi) {
  HarnessProcess harness(module_options());
  const std::string out = harness.stdout_text();
  BOOST_TEST_INFO("stdout:\n" << out);
  // The line starting with prefix (empty when none).
  const auto line_starting = [&out](std::string_view prefix) {
    for (std::size_t at = 0; at < out.size();) {
      const std::size_t end = std::min(out.find('\n', at), out.size());
      if (std::string_view(out).substr(at, end - at).starts_with(prefix)) return out.substr(at, end - at);
      at = end + 1;
    }
    return std::string();
  };
  std::smatch banner;
  const std::string loaded = line_starting("module loaded: kestra-scim ");
  BOOST_TEST_REQUIRE(std::regex_match(loaded, banner,
                                      std::regex(R"(module loaded: kestra-scim (\d+\.\d+\.\d+) \(ABI (\d+\.\d+)\) from .+)")));
  BOOST_TEST(std::regex_match(line_starting("kestra-harness "), std::regex(R"(kestra-harness \S+ ABI \d+\.\d+)")));

  const auto plugins = admin_get(harness, "/api/v1/plugins").as_array();
  BOOST_TEST_REQUIRE(plugins.size() == 1u);
  const auto& scim = plugins.at(0).as_object();
  BOOST_TEST(scim.at("id").as_string() == "kestra-scim");
  BOOST_TEST(scim.at("version").as_string() == banner[1].str());
  BOOST_TEST(scim.at("abiVersion").as_string() == banner[2].str());
  BOOST_TEST(!scim.at("description").as_string().empty());
}

// --- authentication of admin routes (by the host) ------------------------

namespace {

struct Credentials {
  const char* name;
  std::optional<std::string> (*header)(const TokenWorld&);
};
std::ostream& operator<<(std::ostream& out, const Credentials& c) { return out << c.name; }

const Credentials kBadCredentials[] = {
    {"no Authorization", [](const TokenWorld&) -> std::optional<std::string> { return std::nullopt; }},
    {"wrong password",
     [](const TokenWorld&) -> std::optional<std::string> { return basic_auth("admin@kestra.io", "wrong"); }},
    {"unknown user",
     [](const TokenWorld&) -> std::optional<std::string> { return basic_auth("eve@kestra.io", "Harness-Admin-Pass-1"); }},
    {"malformed Basic", [](const TokenWorld&) -> std::optional<std::string> { return "Basic %%%not-base64"; }},
    // No SCIM token is an admin credential, whatever its integration's state.
    {"integration token as Bearer",
     [](const TokenWorld& w) -> std::optional<std::string> { return "Bearer " + w.okta.token; }},
    {"another tenant's integration token",
     [](const TokenWorld& w) -> std::optional<std::string> { return "Bearer " + w.foreign.token; }},
    {"disabled integration's token",
     [](const TokenWorld& w) -> std::optional<std::string> { return "Bearer " + w.disabled.token; }},
    {"rotated-out token", [](const TokenWorld& w) -> std::optional<std::string> { return "Bearer " + w.rotated_out; }},
    {"deleted integration's token",
     [](const TokenWorld& w) -> std::optional<std::string> { return "Bearer " + w.gone.token; }},
    {"integration token as Basic password",
     [](const TokenWorld& w) -> std::optional<std::string> { return basic_auth("admin@kestra.io", w.okta.token); }},
};

}  // namespace

BOOST_DATA_TEST_CASE(admin_routes_refuse_missing_or_wrong_credentials, data::make(kBadCredentials), credentials) {
  TokenWorld w;
  const auto before = tenant_state(w.harness, kTenant);
  Headers headers{{"Content-Type", "application/json"}};
  if (auto value = credentials.header(w)) headers.emplace_back("Authorization", *value);
  for (const auto& route : kRoutes) {
    BOOST_TEST_CONTEXT(route) {
      auto res = request(w.harness.port(), route.method,
                         expand(route.path, kTenant, w.okta.id, w.acme_role, w.acme_binding), headers,
                         route.body);
      BOOST_TEST(res.status == 401u, res.body);
      // No Basic challenge on /api/: a browser would prompt and cache credentials.
      BOOST_TEST(!res.header("WWW-Authenticate").has_value());
      BOOST_TEST(!has(res.body, w.okta.token));
    }
  }
  check_unchanged(before, tenant_state(w.harness, kTenant));
  BOOST_TEST(scim_get(w.harness, w.okta) == 200u);  // the token was not rotated or deleted
}

BOOST_AUTO_TEST_CASE(unknown_tenant_is_404_on_every_tenant_route) {
  World w;
  const auto before = tenant_state(w.harness, kTenant);
  for (const auto& route : kRoutes) {
    if (!has(route.path, "{tenant}")) continue;
    BOOST_TEST_CONTEXT(route) {
      auto res = admin_request(w.harness, route.method,
                               expand(route.path, "nobody", w.okta.id, w.acme_role, w.acme_binding),
                               route.body);
      check_admin_error(res, 404, "nobody");
    }
  }
  check_unchanged(before, tenant_state(w.harness, kTenant));
}

namespace {

struct UnknownId {
  const char* name;
  std::string (*integration)(const World&);
  std::string (*role)(const World&);
  std::string (*binding)(const World&);
};
std::ostream& operator<<(std::ostream& out, const UnknownId& c) { return out << c.name; }

const UnknownId kUnknownIds[] = {
    {"id that never existed", [](const World&) { return std::string(kUnknownId); },
     [](const World&) { return std::string(kUnknownId); }, [](const World&) { return std::string(kUnknownId); }},
    {"id of another tenant's object", [](const World& w) { return w.foreign.id; },
     [](const World& w) { return w.globex_role; }, [](const World& w) { return w.globex_binding; }},
};

}  // namespace

BOOST_DATA_TEST_CASE(unknown_integration_or_role_is_404, data::make(kUnknownIds), c) {
  World w;
  const auto before = tenant_state(w.harness, kTenant);
  const auto globex_before = tenant_state(w.harness, "globex");
  for (const auto& route : kRoutes) {
    if (!has(route.path, "{id}")) continue;
    BOOST_TEST_CONTEXT(route) {
      auto res = admin_request(w.harness, route.method,
                               expand(route.path, kTenant, c.integration(w), c.role(w), c.binding(w)),
                               route.body);
      check_admin_error(res, 404);
    }
  }
  check_unchanged(before, tenant_state(w.harness, kTenant));
  check_unchanged(globex_before, tenant_state(w.harness, "globex"));
  BOOST_TEST(scim_get(w.harness, w.foreign) == 200u);
}

// --- cross-site writes and bodies not declared JSON are refused ---

namespace {

bool is_write(const Route& r) { return std::string_view(r.method) != "GET"; }

std::string integration_body(const std::string& name) { return R"({"name":")" + name + R"(","type":"SCIM"})"; }

std::string instance_claims(const HarnessProcess& harness) {
  return json::serialize(admin_get(harness, "/api/v1/scim-instance/domain-claims"));
}

struct CrossSite {
  const char* name;
  Headers headers;  // besides the admin's credentials and Content-Type: application/json
};
std::ostream& operator<<(std::ostream& out, const CrossSite& c) { return out << c.name; }

const CrossSite kCrossSite[] = {
    {"foreign Origin", {{"Origin", "https://evil.example"}}},
    {"foreign Origin, same-origin claimed", {{"Origin", "https://evil.example"}, {"Sec-Fetch-Site", "same-origin"}}},
    {"Sec-Fetch-Site cross-site", {{"Sec-Fetch-Site", "cross-site"}}},
    {"same-site sibling", {{"Origin", "http://sibling.localhost"}, {"Sec-Fetch-Site", "same-site"}}},
    {"another port of this host", {{"Origin", "http://127.0.0.1:1"}}},
    {"opaque Origin", {{"Origin", "null"}}},
};

}  // namespace

BOOST_DATA_TEST_CASE(admin_writes_refuse_cross_site_requests, data::make(kCrossSite), c) {
  World w;
  const auto before = tenant_state(w.harness, kTenant);
  const auto claims_before = instance_claims(w.harness);
  auto headers = admin_headers(w.harness);
  headers.insert(headers.end(), c.headers.begin(), c.headers.end());
  for (const auto& route : kRoutes) {
    if (!is_write(route)) continue;
    BOOST_TEST_CONTEXT(route) {
      auto res = request(w.harness.port(), route.method,
                         expand(route.path, kTenant, w.okta.id, w.acme_role, w.acme_binding), headers, route.body);
      check_admin_error(res, 403, "cross-site");
    }
  }
  check_unchanged(before, tenant_state(w.harness, kTenant));
  BOOST_TEST(instance_claims(w.harness) == claims_before);
  BOOST_TEST(scim_get(w.harness, w.okta) == 200u);  // neither disabled, rotated nor deleted
}

namespace {

struct NotJson {
  const char* name;
  const char* content_type;  // nullptr: none sent
};
std::ostream& operator<<(std::ostream& out, const NotJson& c) { return out << c.name; }

const NotJson kNotJson[] = {
    {"text/plain", "text/plain"},
    {"a form", "application/x-www-form-urlencoded"},
    {"multipart", "multipart/form-data; boundary=x"},
    {"SCIM's media type", "application/scim+json"},
    {"no Content-Type", nullptr},
};

}  // namespace

BOOST_DATA_TEST_CASE(admin_writes_refuse_a_body_not_declared_json, data::make(kNotJson), c) {
  World w;
  const auto before = tenant_state(w.harness, kTenant);
  const auto claims_before = instance_claims(w.harness);
  Headers headers{{"Authorization", w.harness.admin_authorization()}};
  if (c.content_type) headers.emplace_back("Content-Type", c.content_type);
  for (const auto& route : kRoutes) {
    if (!is_write(route) || !*route.body) continue;
    BOOST_TEST_CONTEXT(route) {
      auto res = request(w.harness.port(), route.method,
                         expand(route.path, kTenant, w.okta.id, w.acme_role, w.acme_binding), headers, route.body);
      check_admin_error(res, 415, "application/json");
    }
  }
  check_unchanged(before, tenant_state(w.harness, kTenant));
  BOOST_TEST(instance_claims(w.harness) == claims_before);
}

BOOST_AUTO_TEST_CASE(same_origin_and_non_browser_writes_are_allowed) {
  HarnessProcess harness(module_options());
  const std::string own = harness.base_url();
  Headers browser{{"Authorization", harness.admin_authorization()},
                  {"Origin", own},
                  {"Sec-Fetch-Site", "same-origin"}};
  auto json_browser = browser;
  json_browser.emplace_back("Content-Type", "application/json; charset=UTF-8");
  auto created = request(harness.port(), "POST", integrations_path(kTenant), json_browser, integration_body("from-the-page"));
  BOOST_TEST_REQUIRE(created.status == 201u, created.body);
  const auto id = id_of(json_body(created));
  // Bodiless writes need no Content-Type: from the page, and from a script.
  auto disabled = request(harness.port(), "POST", integrations_path(kTenant, "/" + id + "/disable"), browser);
  BOOST_TEST(disabled.status == 200u, disabled.body);
  auto enabled = request(harness.port(), "POST", integrations_path(kTenant, "/" + id + "/enable"),
                         {{"Authorization", harness.admin_authorization()}});
  BOOST_TEST(enabled.status == 200u, enabled.body);
  auto removed = request(harness.port(), "DELETE", integrations_path(kTenant, "/" + id), browser);
  BOOST_TEST(removed.status == 204u, removed.body);
  BOOST_TEST(results(admin_get(harness, integrations_path(kTenant))).empty());
}

BOOST_AUTO_TEST_CASE(a_configured_allowed_origin_may_write) {
  auto options = module_options();
  options.extra_yaml += "kestra.scim.allowed-origins: [\"https://admin.localhost\"]\n";
  HarnessProcess harness(options);
  const auto from = [&](const char* origin) {
    auto headers = admin_headers(harness);
    headers.emplace_back("Origin", origin);
    headers.emplace_back("Sec-Fetch-Site", "same-site");
    return headers;
  };
  auto created = request(harness.port(), "POST", integrations_path(kTenant), from("https://admin.localhost"),
                         integration_body("from-admin"));
  BOOST_TEST(created.status == 201u, created.body);
  // Any other origin still may not.
  check_admin_error(request(harness.port(), "POST", integrations_path(kTenant), from("https://other.localhost"),
                            integration_body("from-other")),
                    403);
  BOOST_TEST(results(admin_get(harness, integrations_path(kTenant))).size() == 1u);
}

// --- create ----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(create_returns_the_integration_and_its_token_once) {
  HarnessProcess harness(module_options());
  auto res = admin_request(harness, "POST", integrations_path(kTenant),
                           R"({"name":"okta-prod","description":"Okta production","type":"SCIM"})");
  BOOST_TEST_REQUIRE(res.status == 201u, res.body);
  BOOST_TEST(res.header("Content-Type").value_or("").starts_with("application/json"));
  BOOST_TEST(res.header("Cache-Control").value_or("") == "no-store");
  const auto body = json_body(res);
  const auto id = id_of(body);
  BOOST_TEST(id.size() == 36u);
  BOOST_TEST(body.at("name").as_string() == "okta-prod");
  BOOST_TEST(body.at("description").as_string() == "Okta production");
  BOOST_TEST(body.at("type").as_string() == "SCIM");
  BOOST_TEST(body.at("tenantId").as_string() == kTenant);
  BOOST_TEST(body.at("enabled").as_bool());
  BOOST_TEST(body.at("uri").as_string() == harness.base_url() + "/api/v1/acme/integrations/" + id + "/scim/v2");
  BOOST_TEST(!body.at("createdAt").as_string().empty());
  BOOST_TEST(body.at("lastRequestAt").is_null());
  BOOST_TEST(body.at("provisionedUsers").as_int64() == 0);
  BOOST_TEST(body.at("provisionedGroups").as_int64() == 0);

  const std::string token(body.at("secretToken").as_string());
  BOOST_TEST(token.size() >= 200u);
  BOOST_TEST(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
             std::string::npos);
  const TestIntegration integration{id, token, scim_base(kTenant, id)};
  BOOST_TEST(scim_get(harness, integration) == 200u);

  const auto list = admin_get(harness, integrations_path(kTenant));
  BOOST_TEST(list.at("total").as_int64() == 1);
  BOOST_TEST(names_in(list) == std::vector<std::string>{"okta-prod"});
}

BOOST_AUTO_TEST_CASE(create_defaults_and_disabled_creation) {
  HarnessProcess harness(module_options());
  // type and description may be left out; enabled may be false.
  auto plain = create_ok(harness, R"({"name":"plain"})");
  BOOST_TEST(plain.at("type").as_string() == "SCIM");
  BOOST_TEST(plain.at("description").as_string() == "");
  BOOST_TEST(plain.at("enabled").as_bool());

  auto off = create_ok(harness, R"({"name":"off","type":"SCIM","enabled":false})");
  BOOST_TEST(!off.at("enabled").as_bool());
  TestIntegration integration{id_of(off), std::string(off.at("secretToken").as_string()),
                              scim_base(kTenant, id_of(off))};
  BOOST_TEST(scim_get(harness, integration) == 403u);
  BOOST_TEST(!admin_get(harness, integrations_path(kTenant, "/" + integration.id)).at("enabled").as_bool());
}

namespace {

struct BadBody {
  const char* name;
  std::string body;
  const char* message_part;
};
std::ostream& operator<<(std::ostream& out, const BadBody& c) { return out << c.name; }

std::string named(const std::string& name) { return R"({"name":")" + name + R"(","type":"SCIM"})"; }

const BadBody kBadCreates[] = {
    {"empty body", "", "JSON"},
    {"malformed JSON", R"({"name":"fresh",)", "JSON"},
    {"trailing garbage", R"({"name":"fresh"} x)", "JSON"},
    {"array", R"(["okta"])", "object"},
    {"string", R"("okta")", "object"},
    {"name is a number", R"({"name":5,"type":"SCIM"})", "name"},
    {"name is an object", R"({"name":{"v":"okta"},"type":"SCIM"})", "name"},
    {"name missing", R"({"description":"d","type":"SCIM"})", "name"},
    {"name null", R"({"name":null,"type":"SCIM"})", "name"},
    {"enabled is a string", R"({"name":"fresh","type":"SCIM","enabled":"yes"})", "enabled"},
    {"enabled is a number", R"({"name":"fresh","type":"SCIM","enabled":1})", "enabled"},
    {"description is a number", R"({"name":"fresh","description":7,"type":"SCIM"})", "description"},
    {"type is a number", R"({"name":"fresh","type":2})", "type"},
    {"unsupported type", R"({"name":"ldap","type":"LDAP"})", "SCIM"},
    {"unsupported type SAML", R"({"name":"saml","type":"SAML"})", "SCIM"},
    {"empty type", R"({"name":"fresh","type":""})", "SCIM"},
    {"empty name", named(""), "name"},
    {"upper case", named("Okta"), "name"},
    {"leading hyphen", named("-okta"), "name"},
    {"trailing hyphen", named("okta-"), "name"},
    {"underscore", named("okta_prod"), "name"},
    {"space", named("okta prod"), "name"},
    {"dot", named("okta.prod"), "name"},
    {"slash", named("okta/prod"), "name"},
    {"non-ASCII", named("\xC3\xB6kta"), "name"},
    {"64 characters", named(std::string(64, 'a')), "name"},
};

}  // namespace

BOOST_DATA_TEST_CASE(create_refuses_bad_input_and_changes_nothing, data::make(kBadCreates), c) {
  World w;
  const auto before = tenant_state(w.harness, kTenant);
  auto res = admin_request(w.harness, "POST", integrations_path(kTenant), c.body);
  check_admin_error(res, 400, c.message_part);
  check_unchanged(before, tenant_state(w.harness, kTenant));
}

BOOST_AUTO_TEST_CASE(name_limits_are_accepted) {
  HarnessProcess harness(module_options());
  for (const std::string& name : {std::string("a"), std::string(63, 'z'), std::string("0kta-2-prod")}) {
    BOOST_TEST_CONTEXT(name) {
      auto res = admin_request(harness, "POST", integrations_path(kTenant), named(name));
      BOOST_TEST(res.status == 201u, res.body);
    }
  }
  BOOST_TEST(admin_get(harness, integrations_path(kTenant)).at("total").as_int64() == 3);
}

BOOST_AUTO_TEST_CASE(duplicate_name_is_409_on_create_and_on_update) {
  World w;
  auto entra = create_integration(w.harness, kTenant, "entra");
  const auto before = tenant_state(w.harness, kTenant);

  check_admin_error(admin_request(w.harness, "POST", integrations_path(kTenant), named("okta")), 409, "okta");
  check_admin_error(admin_request(w.harness, "PUT", integrations_path(kTenant, "/" + entra.id), R"({"name":"okta"})"),
                    409, "okta");
  check_unchanged(before, tenant_state(w.harness, kTenant));
  BOOST_TEST(scim_get(w.harness, entra) == 200u);

  // Names are unique per tenant only.
  auto other = admin_request(w.harness, "POST", integrations_path("globex"), named("okta"));
  BOOST_TEST(other.status == 201u, other.body);
}

// --- list ------------------------------------------------------------------

namespace {

struct ListCase {
  const char* query;
  std::vector<std::string> names;
  std::int64_t total;
};
std::ostream& operator<<(std::ostream& out, const ListCase& c) { return out << '"' << c.query << '"'; }

const ListCase kListCases[] = {
    {"", {"entra", "keycloak", "my-okta", "okta-dev", "okta-prod"}, 5},
    {"?q=okta", {"my-okta", "okta-dev", "okta-prod"}, 3},
    {"?q=OKTA", {"my-okta", "okta-dev", "okta-prod"}, 3},
    {"?q=prod", {"okta-prod"}, 1},
    {"?q=-", {"my-okta", "okta-dev", "okta-prod"}, 3},
    {"?q=zzz", {}, 0},
    {"?q=%25", {}, 0},  // a literal %, not a wildcard
    {"?q=_", {}, 0},    // a literal _, not a wildcard
    {"?q=", {"entra", "keycloak", "my-okta", "okta-dev", "okta-prod"}, 5},
    {"?size=2", {"entra", "keycloak"}, 5},
    {"?size=2&page=1", {"entra", "keycloak"}, 5},
    {"?size=2&page=2", {"my-okta", "okta-dev"}, 5},
    {"?page=3&size=2", {"okta-prod"}, 5},
    {"?size=2&page=4", {}, 5},
    {"?q=okta&size=2&page=2", {"okta-prod"}, 3},
    {"?size=1000", {"entra", "keycloak", "my-okta", "okta-dev", "okta-prod"}, 5},
    {"?page=1000000000&size=1000", {}, 5},
    {"?unknown=1&q=entra", {"entra"}, 1},
};

}  // namespace

BOOST_DATA_TEST_CASE(list_filters_by_name_and_pages, data::make(kListCases), c) {
  HarnessProcess harness(module_options({"acme", "globex"}));
  for (const char* name : {"okta-prod", "keycloak", "okta-dev", "entra", "my-okta"}) create_ok(harness, named(name));
  create_ok(harness, named("okta-other"), "globex");  // another tenant's never shows

  const auto page = admin_get(harness, integrations_path(kTenant, c.query));
  BOOST_TEST(names_in(page) == c.names, boost::test_tools::per_element());
  BOOST_TEST(page.at("total").as_int64() == c.total);
  for (const auto& i : results(page)) {
    BOOST_TEST(!i.as_object().contains("secretToken"));
    BOOST_TEST(i.at("tenantId").as_string() == kTenant);
  }
}

namespace {

struct BadPaging {
  const char* query;
  const char* parameter;
};
std::ostream& operator<<(std::ostream& out, const BadPaging& c) { return out << c.query; }

const BadPaging kBadPaging[] = {
    {"?size=0", "size"},  {"?size=-1", "size"}, {"?size=abc", "size"}, {"?size=1001", "size"},
    {"?size=2x", "size"}, {"?page=0", "page"},  {"?page=-2", "page"},  {"?page=one", "page"},
    {"?page=", "page"},   {"?size=", "size"},
};

}  // namespace

BOOST_DATA_TEST_CASE(bad_paging_is_400, data::make(kBadPaging), c) {
  World w;
  const auto before = tenant_state(w.harness, kTenant);
  check_admin_error(admin_request(w.harness, "GET", integrations_path(kTenant, c.query)), 400, c.parameter);
  check_admin_error(admin_request(w.harness, "GET", integrations_path(kTenant, "/" + w.okta.id + "/audit" + c.query)),
                    400, c.parameter);
  check_unchanged(before, tenant_state(w.harness, kTenant));
}

// --- read, update ----------------------------------------------------------

BOOST_AUTO_TEST_CASE(reads_never_show_the_token) {
  World w;
  const auto path = integrations_path(kTenant, "/" + w.okta.id);
  std::vector<HttpResponse> reads = {
      admin_request(w.harness, "GET", path),
      admin_request(w.harness, "GET", integrations_path(kTenant)),
      admin_request(w.harness, "PUT", path, R"({"description":"changed"})"),
      admin_request(w.harness, "POST", path + "/disable"),
      admin_request(w.harness, "POST", path + "/enable"),
      admin_request(w.harness, "GET", path + "/audit"),
      admin_request(w.harness, "GET", tenant_path(kTenant, "/service-accounts")),
      admin_request(w.harness, "GET", tenant_path(kTenant, "/bindings")),
      admin_request(w.harness, "GET", tenant_path(kTenant, "/roles")),
      admin_request(w.harness, "GET", "/api/v1/events"),
  };
  for (const auto& res : reads) {
    BOOST_TEST(res.status == 200u, res.body);
    BOOST_TEST(!has(res.body, w.okta.token));
    BOOST_TEST(!has(res.body, "secretToken"));
  }
}

BOOST_AUTO_TEST_CASE(get_shows_the_integration_and_its_activity) {
  World w;
  const auto path = integrations_path(kTenant, "/" + w.okta.id);
  auto got = admin_get(w.harness, path).as_object();
  BOOST_TEST(id_of(got) == w.okta.id);
  BOOST_TEST(got.at("name").as_string() == "okta");
  BOOST_TEST(got.at("description").as_string() == "test");
  BOOST_TEST(got.at("type").as_string() == "SCIM");
  BOOST_TEST(got.at("tenantId").as_string() == kTenant);
  BOOST_TEST(got.at("enabled").as_bool());
  BOOST_TEST(got.at("createdAt") == got.at("updatedAt"));
  BOOST_TEST(got.at("lastRequestAt").is_null());
  BOOST_TEST(got.at("provisionedUsers").as_int64() == 0);
  BOOST_TEST(got.at("provisionedGroups").as_int64() == 0);
  BOOST_TEST(got.at("uri").as_string() == w.harness.base_url() + w.okta.base);

  // A refused SCIM request is not activity of the integration.
  auto refused = request(w.harness.port(), "GET", w.okta.base + "/ServiceProviderConfig",
                         {{"Authorization", "Bearer " + w.foreign.token}});
  BOOST_TEST(refused.status == 401u);
  BOOST_TEST(admin_get(w.harness, path).at("lastRequestAt").is_null());

  BOOST_TEST(scim_get(w.harness, w.okta) == 200u);
  got = admin_get(w.harness, path).as_object();
  BOOST_TEST_REQUIRE(got.at("lastRequestAt").is_string());
  BOOST_TEST(got.at("lastRequestAt").as_string() >= got.at("createdAt").as_string());
  BOOST_TEST(got.at("updatedAt") == got.at("createdAt"));  // activity is not an update
  // The list shows it too; the other tenant's integration saw no request.
  BOOST_TEST(results(admin_get(w.harness, integrations_path(kTenant))).at(0).at("lastRequestAt").is_string());
  BOOST_TEST(admin_get(w.harness, integrations_path("globex", "/" + w.foreign.id)).at("lastRequestAt").is_null());
}

BOOST_AUTO_TEST_CASE(update_changes_name_and_description) {
  World w;
  const auto path = integrations_path(kTenant, "/" + w.okta.id);
  const auto created = admin_get(w.harness, path);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));

  auto res = admin_request(w.harness, "PUT", path, R"({"name":"okta-prod","description":"Production"})");
  BOOST_TEST_REQUIRE(res.status == 200u, res.body);
  auto body = json_body(res);
  BOOST_TEST(body.at("name").as_string() == "okta-prod");
  BOOST_TEST(body.at("description").as_string() == "Production");
  BOOST_TEST(body.at("createdAt") == created.at("createdAt"));
  BOOST_TEST(body.at("updatedAt").as_string() > created.at("updatedAt").as_string());
  BOOST_TEST(body.at("uri") == created.at("uri"));  // the endpoint is the id's, not the name's
  BOOST_TEST(!body.contains("secretToken"));

  // Absent fields are kept; its own name is not a conflict.
  res = admin_request(w.harness, "PUT", path, R"({"description":"Only the description"})");
  BOOST_TEST_REQUIRE(res.status == 200u, res.body);
  BOOST_TEST(json_body(res).at("name").as_string() == "okta-prod");
  res = admin_request(w.harness, "PUT", path, R"({"name":"okta-prod"})");
  BOOST_TEST_REQUIRE(res.status == 200u, res.body);
  BOOST_TEST(json_body(res).at("description").as_string() == "Only the description");

  const auto stored = admin_get(w.harness, path);
  BOOST_TEST(stored.at("name").as_string() == "okta-prod");
  BOOST_TEST(stored.at("description").as_string() == "Only the description");
  BOOST_TEST(names_in(admin_get(w.harness, integrations_path(kTenant))) == std::vector<std::string>{"okta-prod"});
  BOOST_TEST(scim_get(w.harness, w.okta) == 200u);  // the token survives a rename
}

namespace {

const BadBody kBadUpdates[] = {
    {"empty body", "", "JSON"},
    {"malformed JSON", R"({"name":)", "JSON"},
    {"array", "[]", "object"},
    {"name is a number", R"({"name":5})", "name"},
    {"name is a boolean", R"({"name":true})", "name"},
    {"description is a number", R"({"description":5})", "description"},
    {"description is an array", R"({"description":["a"]})", "description"},
    {"invalid name", R"({"name":"Okta Prod"})", "name"},
    {"empty name", R"({"name":""})", "name"},
    {"64 characters", R"({"name":")" + std::string(64, 'b') + R"("})", "name"},
};

}  // namespace

BOOST_DATA_TEST_CASE(update_refuses_bad_input_and_changes_nothing, data::make(kBadUpdates), c) {
  World w;
  const auto before = tenant_state(w.harness, kTenant);
  check_admin_error(admin_request(w.harness, "PUT", integrations_path(kTenant, "/" + w.okta.id), c.body), 400,
                    c.message_part);
  check_unchanged(before, tenant_state(w.harness, kTenant));
}

// --- enable, disable, delete, rotate ---------------------------------------

BOOST_AUTO_TEST_CASE(disable_and_enable_toggle_scim_access) {
  World w;
  const auto path = integrations_path(kTenant, "/" + w.okta.id);
  for (int round = 0; round < 2; ++round) {  // both are idempotent
    auto res = admin_request(w.harness, "POST", path + "/disable");
    BOOST_TEST_REQUIRE(res.status == 200u, res.body);
    BOOST_TEST(!json_body(res).at("enabled").as_bool());
    BOOST_TEST(!admin_get(w.harness, path).at("enabled").as_bool());
    BOOST_TEST(scim_get(w.harness, w.okta) == 403u);
  }
  BOOST_TEST(scim_get(w.harness, w.foreign) == 200u);
  for (int round = 0; round < 2; ++round) {
    auto res = admin_request(w.harness, "POST", path + "/enable");
    BOOST_TEST_REQUIRE(res.status == 200u, res.body);
    BOOST_TEST(json_body(res).at("enabled").as_bool());
    BOOST_TEST(admin_get(w.harness, path).at("enabled").as_bool());
    BOOST_TEST(scim_get(w.harness, w.okta) == 200u);
  }
}

BOOST_AUTO_TEST_CASE(delete_removes_the_integration_and_its_access) {
  World w;
  auto entra = create_integration(w.harness, kTenant, "entra");
  const auto path = integrations_path(kTenant, "/" + w.okta.id);
  auto res = admin_request(w.harness, "DELETE", path);
  BOOST_TEST(res.status == 204u, res.body);
  BOOST_TEST(res.body.empty());

  check_admin_error(admin_request(w.harness, "GET", path), 404);
  check_admin_error(admin_request(w.harness, "GET", path + "/audit"), 404);
  check_admin_error(admin_request(w.harness, "DELETE", path), 404);
  const auto list = admin_get(w.harness, integrations_path(kTenant));
  BOOST_TEST(list.at("total").as_int64() == 1);
  BOOST_TEST(names_in(list) == std::vector<std::string>{"entra"});
  BOOST_TEST(scim_get(w.harness, w.okta) == 401u);
  BOOST_TEST(scim_get(w.harness, entra) == 200u);

  // The name is free again, with a new id and token.
  auto again = create_integration(w.harness, kTenant, "okta");
  BOOST_TEST(again.id != w.okta.id);
  BOOST_TEST(scim_get(w.harness, again) == 200u);
  BOOST_TEST(scim_get(w.harness, w.okta) == 401u);
}

BOOST_AUTO_TEST_CASE(rotate_token_shows_a_new_token_once_and_revokes_the_old_at_once) {
  World w;
  const auto path = integrations_path(kTenant, "/" + w.okta.id);
  auto res = admin_request(w.harness, "POST", path + "/rotate-token");
  BOOST_TEST_REQUIRE(res.status == 200u, res.body);
  BOOST_TEST(res.header("Cache-Control").value_or("") == "no-store");
  auto body = json_body(res);
  BOOST_TEST(id_of(body) == w.okta.id);
  const std::string second(body.at("secretToken").as_string());
  BOOST_TEST(second.size() >= 200u);
  BOOST_TEST(second != w.okta.token);

  TestIntegration rotated{w.okta.id, second, w.okta.base};
  BOOST_TEST(scim_get(w.harness, w.okta) == 401u);
  BOOST_TEST(scim_get(w.harness, rotated) == 200u);
  BOOST_TEST(!has(admin_request(w.harness, "GET", path).body, second));

  res = admin_request(w.harness, "POST", path + "/rotate-token");
  BOOST_TEST_REQUIRE(res.status == 200u, res.body);
  TestIntegration third{w.okta.id, std::string(json_body(res).at("secretToken").as_string()), w.okta.base};
  BOOST_TEST(scim_get(w.harness, rotated) == 401u);
  BOOST_TEST(scim_get(w.harness, w.okta) == 401u);
  BOOST_TEST(scim_get(w.harness, third) == 200u);
  BOOST_TEST(scim_get(w.harness, w.foreign) == 200u);  // other integrations keep theirs

  // Rotation keeps the service account and binding.
  BOOST_TEST(results(admin_get(w.harness, tenant_path(kTenant, "/service-accounts"))).size() == 1u);
  BOOST_TEST(results(admin_get(w.harness, tenant_path(kTenant, "/bindings"))).size() == 1u);
}

BOOST_AUTO_TEST_CASE(audit_lists_admin_actions_newest_first) {
  World w;
  const auto path = integrations_path(kTenant, "/" + w.okta.id);
  BOOST_TEST_REQUIRE(admin_request(w.harness, "POST", path + "/disable").status == 200u);
  BOOST_TEST_REQUIRE(admin_request(w.harness, "POST", path + "/enable").status == 200u);
  BOOST_TEST_REQUIRE(admin_request(w.harness, "POST", path + "/rotate-token").status == 200u);
  BOOST_TEST_REQUIRE(admin_request(w.harness, "PUT", path, R"({"name":"okta-prod"})").status == 200u);
  // Refused requests leave no trace.
  BOOST_TEST_REQUIRE(admin_request(w.harness, "PUT", path, R"({"name":5})").status == 400u);
  BOOST_TEST_REQUIRE(request(w.harness.port(), "POST", path + "/disable").status == 401u);

  const auto audit = admin_get(w.harness, path + "/audit");
  const std::vector<std::string> expected = {"integration.update", "integration.rotate-token", "integration.enable",
                                             "integration.disable", "integration.create"};
  std::vector<std::string> actions;
  std::string previous_time = "9999";
  std::int64_t previous_id = std::numeric_limits<std::int64_t>::max();
  for (const auto& e : results(audit)) {
    actions.emplace_back(e.at("action").as_string());
    BOOST_TEST(e.at("actor").at("type").as_string() == "ADMIN");
    BOOST_TEST(e.at("actor").at("id").as_string() == "admin@kestra.io");
    BOOST_TEST(e.at("target").at("id").as_string() == w.okta.id);
    BOOST_TEST(e.at("outcome").as_string() == "SUCCESS");
    BOOST_TEST(e.at("time").as_string() <= previous_time);
    BOOST_TEST(e.at("id").as_int64() < previous_id);
    BOOST_TEST(!has(json::serialize(e), w.okta.token));
    previous_time = e.at("time").as_string();
    previous_id = e.at("id").as_int64();
  }
  BOOST_TEST(actions == expected, boost::test_tools::per_element());
  BOOST_TEST(audit.at("total").as_int64() == 5);

  const auto second_page = admin_get(w.harness, path + "/audit?size=2&page=2");
  BOOST_TEST(second_page.at("total").as_int64() == 5);
  std::vector<std::string> page_actions;
  for (const auto& e : results(second_page)) page_actions.emplace_back(e.at("action").as_string());
  BOOST_TEST(page_actions == (std::vector<std::string>{"integration.enable", "integration.disable"}),
             boost::test_tools::per_element());

  // Another integration's trail is its own.
  const auto foreign = admin_get(w.harness, integrations_path("globex", "/" + w.foreign.id + "/audit"));
  BOOST_TEST(foreign.at("total").as_int64() == 1);
}

// --- the SCIM endpoint URI --------------------------------------------------

namespace {

struct UriCase {
  const char* name;
  const char* yaml;  // extra configuration (kestra.url, kestra.scim.trusted-proxies, .allowed-hosts)
  Headers headers;
  const char* base;  // @PORT@ is the harness's port
};
std::ostream& operator<<(std::ostream& out, const UriCase& c) { return out << c.name; }

// The harness is at 127.0.0.1: as a trusted proxy, it may name kestra.example.com.
constexpr const char* kBehindProxy =
    "kestra.scim.trusted-proxies: [127.0.0.1]\n"
    "kestra.scim.allowed-hosts: [localhost, 127.0.0.1, kestra.example.com]\n";

const UriCase kUriCases[] = {
    {"client's Host", "", {}, "http://127.0.0.1:@PORT@"},
    {"allowed Host header", "kestra.scim.allowed-hosts: [localhost, \"kestra.internal:8080\"]\n",
     {{"Host", "kestra.internal:8080"}}, "http://kestra.internal:8080"},
    {"Host not allowed: the fallback", "", {{"Host", "evil.example"}}, "http://localhost"},
    {"Host not allowed: the first allowed host", "kestra.scim.allowed-hosts: [kestra.example.com, 127.0.0.1]\n",
     {{"Host", "evil.example:8080"}}, "http://kestra.example.com"},
    {"forwarded from an untrusted peer: ignored", "",
     {{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "kestra.example.com"}}, "http://127.0.0.1:@PORT@"},
    {"forwarded proto and host from a trusted proxy", kBehindProxy,
     {{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "kestra.example.com"}}, "https://kestra.example.com"},
    {"forwarded lists use the first value", kBehindProxy,
     {{"X-Forwarded-Proto", "https, http"}, {"X-Forwarded-Host", "kestra.example.com, proxy.internal"}},
     "https://kestra.example.com"},
    {"forwarded proto only", kBehindProxy, {{"X-Forwarded-Proto", "https"}}, "https://127.0.0.1:@PORT@"},
    {"forwarded host over Host", kBehindProxy, {{"Host", "localhost:8080"}, {"X-Forwarded-Host", "kestra.example.com"}},
     "http://kestra.example.com"},
    {"trusted proxy naming a host not allowed: the fallback", kBehindProxy,
     {{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "evil.example"}}, "https://localhost"},
    {"unknown forwarded proto is ignored", kBehindProxy, {{"X-Forwarded-Proto", "gopher"}}, "http://127.0.0.1:@PORT@"},
    {"configured kestra.url", "kestra.url: \"https://kestra.example.com\"\n", {}, "https://kestra.example.com"},
    {"configured kestra.url wins over headers", "kestra.url: \"https://kestra.example.com\"\n",
     {{"Host", "evil.example"}, {"X-Forwarded-Proto", "http"}, {"X-Forwarded-Host", "evil2.example"}},
     "https://kestra.example.com"},
    {"configured kestra.url wins over a trusted proxy",
     "kestra.url: \"https://kestra.example.com\"\nkestra.scim.trusted-proxies: [127.0.0.1]\n",
     {{"X-Forwarded-Proto", "http"}, {"X-Forwarded-Host", "localhost"}}, "https://kestra.example.com"},
    {"configured kestra.url with a trailing slash", "kestra.url: \"https://kestra.example.com/\"\n", {},
     "https://kestra.example.com"},
};

}  // namespace

BOOST_DATA_TEST_CASE(uri_is_the_absolute_scim_endpoint, data::make(kUriCases), c) {
  auto options = module_options();
  options.extra_yaml += c.yaml;
  HarnessProcess harness(options);
  std::string base = c.base;
  if (auto at = base.find("@PORT@"); at != std::string::npos) base.replace(at, 6, std::to_string(harness.port()));

  auto headers = admin_headers(harness);
  headers.insert(headers.end(), c.headers.begin(), c.headers.end());
  auto created = request(harness.port(), "POST", integrations_path(kTenant), headers, named("okta"));
  BOOST_TEST_REQUIRE(created.status == 201u, created.body);
  const auto body = json_body(created);
  const auto id = id_of(body);
  const std::string expected = base + "/api/v1/acme/integrations/" + id + "/scim/v2";
  BOOST_TEST(body.at("uri").as_string() == expected);

  auto got = request(harness.port(), "GET", integrations_path(kTenant, "/" + id), headers);
  BOOST_TEST(json_body(got).at("uri").as_string() == expected);
  auto list = request(harness.port(), "GET", integrations_path(kTenant), headers);
  BOOST_TEST(results(json::parse(list.body)).at(0).at("uri").as_string() == expected);

  // Its path is where the SCIM endpoint answers.
  const auto path = expected.substr(base.size());
  auto spc = request(harness.port(), "GET", path + "/ServiceProviderConfig",
                     {{"Authorization", "Bearer " + std::string(body.at("secretToken").as_string())}});
  BOOST_TEST(spc.status == 200u, spc.body);
}

// --- secrets stay out of the log -------------------------------------------

BOOST_AUTO_TEST_CASE(tokens_and_admin_password_never_reach_the_log) {
  auto options = module_options({"acme", "globex"});
  HarnessProcess harness(options);
  std::vector<std::string> secrets;
  auto okta = create_integration(harness, kTenant, "okta");
  auto entra = create_integration(harness, kTenant, "entra");
  secrets.push_back(okta.token);
  secrets.push_back(entra.token);
  auto rotated = admin_request(harness, "POST", integrations_path(kTenant, "/" + okta.id + "/rotate-token"));
  BOOST_TEST_REQUIRE(rotated.status == 200u);
  const std::string fresh(json_body(rotated).at("secretToken").as_string());
  secrets.push_back(fresh);

  // Tokens presented in every way, accepted and refused.
  for (const auto& token : secrets) {
    for (const auto& base : {okta.base, entra.base, scim_base("globex", okta.id), scim_base("nobody", okta.id)}) {
      request(harness.port(), "GET", base + "/ServiceProviderConfig", {{"Authorization", "Bearer " + token}});
      request(harness.port(), "POST", base + "/ServiceProviderConfig", {{"Authorization", "Bearer " + token}}, "{}");
    }
    request(harness.port(), "GET", integrations_path(kTenant), {{"Authorization", "Bearer " + token}});
  }
  BOOST_TEST_REQUIRE(admin_request(harness, "POST", integrations_path(kTenant, "/" + entra.id + "/disable")).status ==
                     200u);
  request(harness.port(), "GET", entra.base + "/ServiceProviderConfig", entra.auth());
  BOOST_TEST_REQUIRE(admin_request(harness, "DELETE", integrations_path(kTenant, "/" + entra.id)).status == 204u);
  request(harness.port(), "GET", entra.base + "/ServiceProviderConfig", entra.auth());
  request(harness.port(), "GET", integrations_path(kTenant), {{"Authorization", basic_auth(options.admin_username,
                                                                                           "not-the-password")}});
  harness.stop();

  const auto log = harness.full_log();
  BOOST_TEST_REQUIRE(!log.empty());
  BOOST_TEST(has(log, okta.id));  // the log does record the requests
  for (const auto& token : secrets) {
    BOOST_TEST(!has(log, token));
    BOOST_TEST(!has(log, token.substr(token.size() - 48)), "a part of a token's secret is in the log");
  }
  BOOST_TEST(!has(log, options.admin_password));
  BOOST_TEST(!has(log, harness.admin_authorization().substr(6)));
  BOOST_TEST(!has(log, "not-the-password"));
}
