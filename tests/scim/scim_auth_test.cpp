// Authentication of SCIM requests over HTTP: every way a bearer token can be
// wrong, times every method, on /ServiceProviderConfig; disabled
// integrations; and that a refused request changes nothing.
#define BOOST_TEST_MODULE scim_auth
#include "admin_support.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <optional>
#include <ostream>
#include <string>

using namespace kestra::test;
namespace data = boost::unit_test::data;
namespace json = boost::json;

namespace {

// acme/okta is the integration under test.  Around it: another integration
// of acme, one of globex, a rotated-out token of okta, and the token of a
// deleted integration.
struct World {
  // Many refused requests from one address: past the default failed-auth
  // burst they would be 429 (noisy_neighbour_test covers that).
  HarnessProcess harness{[] {
    auto options = module_options({"acme", "globex"});
    options.extra_yaml += "kestra.scim.rate-limit.failed-auth-burst: 10000\n";
    return options;
  }()};
  TestIntegration okta = create_integration(harness, "acme", "okta");
  TestIntegration entra = create_integration(harness, "acme", "entra");
  TestIntegration foreign = create_integration(harness, "globex", "okta");
  std::string rotated_out = okta.token;
  TestIntegration gone = create_integration(harness, "acme", "gone");

  World() {
    auto rotated = admin_request(harness, "POST", integrations_path("acme", "/" + okta.id + "/rotate-token"));
    if (rotated.status != 200) throw std::runtime_error("rotate failed: " + rotated.body);
    okta.token = std::string(json_body(rotated).at("secretToken").as_string());
    auto deleted = admin_request(harness, "DELETE", integrations_path("acme", "/" + gone.id));
    if (deleted.status != 204) throw std::runtime_error("delete failed: " + deleted.body);
  }

  std::string path(const std::string& base) const { return base + "/ServiceProviderConfig"; }
};

struct BadCredentials {
  const char* name;
  // The Authorization header (none when nullopt) and the endpoint it is sent to.
  std::optional<std::string> (*header)(const World&);
  std::string (*base)(const World&);
};
std::ostream& operator<<(std::ostream& out, const BadCredentials& c) { return out << c.name; }

std::string okta_base(const World& w) { return w.okta.base; }

const BadCredentials kBadCredentials[] = {
    {"no Authorization header", [](const World&) -> std::optional<std::string> { return std::nullopt; }, okta_base},
    {"empty Authorization header", [](const World&) -> std::optional<std::string> { return ""; }, okta_base},
    {"Basic with the admin's credentials",
     [](const World& w) -> std::optional<std::string> { return w.harness.admin_authorization(); }, okta_base},
    {"Basic with the token",
     [](const World& w) -> std::optional<std::string> { return "Basic " + w.okta.token; }, okta_base},
    {"token without a scheme", [](const World& w) -> std::optional<std::string> { return w.okta.token; }, okta_base},
    {"Bearer without a token", [](const World&) -> std::optional<std::string> { return "Bearer"; }, okta_base},
    {"Bearer and spaces", [](const World&) -> std::optional<std::string> { return "Bearer    "; }, okta_base},
    {"Bearer garbage", [](const World&) -> std::optional<std::string> { return "Bearer garbage"; }, okta_base},
    {"Bearer with a forged secret",
     [](const World& w) -> std::optional<std::string> {
       auto forged = w.okta.token;
       forged.back() = forged.back() == 'A' ? 'B' : 'A';
       return "Bearer " + forged;
     },
     okta_base},
    {"Bearer with a truncated token",
     [](const World& w) -> std::optional<std::string> { return "Bearer " + w.okta.token.substr(0, 100); }, okta_base},
    {"another integration's token, same tenant",
     [](const World& w) -> std::optional<std::string> { return "Bearer " + w.entra.token; }, okta_base},
    {"another tenant's token",
     [](const World& w) -> std::optional<std::string> { return "Bearer " + w.foreign.token; }, okta_base},
    {"rotated-out token",
     [](const World& w) -> std::optional<std::string> { return "Bearer " + w.rotated_out; }, okta_base},
    {"deleted integration's token on its endpoint",
     [](const World& w) -> std::optional<std::string> { return "Bearer " + w.gone.token; },
     [](const World& w) { return w.gone.base; }},
    {"deleted integration's token",
     [](const World& w) -> std::optional<std::string> { return "Bearer " + w.gone.token; }, okta_base},
    {"valid token on another integration's endpoint",
     [](const World& w) -> std::optional<std::string> { return "Bearer " + w.okta.token; },
     [](const World& w) { return w.entra.base; }},
    {"valid token under another tenant",
     [](const World& w) -> std::optional<std::string> { return "Bearer " + w.okta.token; },
     [](const World& w) { return scim_base("globex", w.okta.id); }},
    {"valid token on an unknown integration",
     [](const World& w) -> std::optional<std::string> { return "Bearer " + w.okta.token; },
     [](const World&) { return scim_base("acme", "00000000-0000-4000-8000-000000000000"); }},
};

const char* const kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};

struct Snapshot {
  TenantState acme;
  TenantState globex;
};

Snapshot snapshot(const HarnessProcess& harness) {
  return {tenant_state(harness, "acme"), tenant_state(harness, "globex")};
}

void check_unchanged(const Snapshot& before, const Snapshot& after) {
  kestra::test::check_unchanged(before.acme, after.acme);
  kestra::test::check_unchanged(before.globex, after.globex);
}

HttpResponse send(const World& w, const std::string& method, const std::string& path,
                  const std::optional<std::string>& authorization) {
  Headers headers{{"Content-Type", "application/scim+json"}};
  if (authorization) headers.emplace_back("Authorization", *authorization);
  const bool has_body = method == "POST" || method == "PUT" || method == "PATCH";
  return request(w.harness.port(), method, path, headers, has_body ? R"({"schemas":[]})" : "");
}

}  // namespace

BOOST_DATA_TEST_CASE(refused_credentials_are_401_on_every_method,
                     data::make(kBadCredentials) * data::make(kMethods), credentials, method) {
  World w;
  const auto before = snapshot(w.harness);
  const auto header = credentials.header(w);
  auto res = send(w, method, w.path(credentials.base(w)), header);

  check_scim_error(res, 401);
  BOOST_TEST(res.header("WWW-Authenticate").value_or("").starts_with("Bearer"),
             res.header("WWW-Authenticate").value_or("<none>"));
  for (const auto& token : {w.okta.token, w.entra.token, w.foreign.token, w.rotated_out, w.gone.token}) {
    BOOST_TEST(res.body.find(token) == std::string::npos, "the response echoes a token");
  }
  // Nothing changed, not even the integrations' last-request time.
  check_unchanged(before, snapshot(w.harness));
}

BOOST_AUTO_TEST_CASE(valid_token_is_accepted_in_any_scheme_case) {
  World w;
  for (const char* scheme : {"Bearer ", "bearer ", "BEARER "}) {
    BOOST_TEST_CONTEXT(scheme) {
      auto res = send(w, "GET", w.path(w.okta.base), scheme + w.okta.token);
      BOOST_TEST(res.status == 200u, res.body);
      BOOST_TEST(!res.header("WWW-Authenticate").has_value());
    }
  }
  // The other live tokens work on their own endpoints.
  BOOST_TEST(send(w, "GET", w.path(w.entra.base), "Bearer " + w.entra.token).status == 200u);
  BOOST_TEST(send(w, "GET", w.path(w.foreign.base), "Bearer " + w.foreign.token).status == 200u);
}

BOOST_DATA_TEST_CASE(a_valid_token_passes_authentication_on_every_method, data::make(kMethods), method) {
  World w;
  auto res = send(w, method, w.path(w.okta.base), "Bearer " + w.okta.token);
  // ServiceProviderConfig is read-only: authenticated writes are 405, not 401.
  if (std::string(method) == "GET") {
    BOOST_TEST(res.status == 200u, res.body);
  } else {
    check_scim_error(res, 405);
  }
}

BOOST_DATA_TEST_CASE(disabled_integration_is_403_until_enabled_again, data::make(kMethods), method) {
  World w;
  const auto path = integrations_path("acme", "/" + w.okta.id);
  BOOST_TEST_REQUIRE(admin_request(w.harness, "POST", path + "/disable").status == 200u);
  const auto before = snapshot(w.harness);

  auto res = send(w, method, w.path(w.okta.base), "Bearer " + w.okta.token);
  check_scim_error(res, 403);
  const auto detail = std::string(json_body(res).at("detail").as_string());
  BOOST_TEST(detail.find("disabled") != std::string::npos, detail);
  check_unchanged(before, snapshot(w.harness));

  // A wrong token on a disabled integration is still a 401: nothing is told
  // about an integration to a caller without its token.
  check_scim_error(send(w, method, w.path(w.okta.base), "Bearer " + w.entra.token), 401);
  check_scim_error(send(w, method, w.path(w.okta.base), "Bearer " + w.rotated_out), 401);
  check_scim_error(send(w, method, w.path(w.okta.base), std::nullopt), 401);
  // Other integrations are not affected.
  BOOST_TEST(send(w, "GET", w.path(w.entra.base), "Bearer " + w.entra.token).status == 200u);

  BOOST_TEST_REQUIRE(admin_request(w.harness, "POST", path + "/enable").status == 200u);
  res = send(w, "GET", w.path(w.okta.base), "Bearer " + w.okta.token);
  BOOST_TEST(res.status == 200u, res.body);
}

// An unknown tenant answers as a bad token does, whatever the token.
BOOST_AUTO_TEST_CASE(unknown_tenant_is_401_whatever_the_token) {
  World w;
  const auto bad = send(w, "GET", w.path(w.okta.base), std::optional<std::string>("Bearer not-a-token"));
  for (const auto& header : {std::optional<std::string>("Bearer not-a-token"),
                             std::optional<std::string>("Bearer " + w.okta.token)}) {
    auto res = send(w, "GET", w.path(scim_base("nobody", w.okta.id)), header);
    check_scim_error(res, 401);
    BOOST_TEST(res.body == bad.body);
  }
}

BOOST_AUTO_TEST_CASE(refused_requests_leave_no_trace_in_the_audit) {
  World w;
  const auto before = snapshot(w.harness);
  for (const auto& credentials : kBadCredentials) {
    for (const char* method : kMethods) {
      BOOST_TEST(send(w, method, w.path(credentials.base(w)), credentials.header(w)).status == 401u);
    }
  }
  check_unchanged(before, snapshot(w.harness));
  const auto okta = admin_get(w.harness, integrations_path("acme", "/" + w.okta.id));
  BOOST_TEST(okta.at("lastRequestAt").is_null());
  BOOST_TEST(okta.at("enabled").as_bool());
}

// The whole matrix in one world: every SCIM route and method, with every
// kind of refused credential and with a disabled integration.
const char* const kScimRoutes[] = {"/Users",          "/Users/some-id",         "/Users/.search",
                                   "/Groups",         "/Groups/some-id",        "/Groups/.search",
                                   "/.search",        "/Bulk",                  "/ServiceProviderConfig",
                                   "/ResourceTypes",  "/ResourceTypes/User",    "/Schemas",
                                   "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User", "/Me",
                                   "/Roles",          "/Roles/some-id"};

BOOST_AUTO_TEST_CASE(every_route_and_method_refuses_every_bad_credential) {
  World w;
  const auto before = snapshot(w.harness);
  std::size_t checked = 0;
  for (const auto& credentials : kBadCredentials) {
    for (const char* route : kScimRoutes) {
      for (const char* method : kMethods) {
        BOOST_TEST_CONTEXT(credentials.name << " " << method << " " << route) {
          auto res = send(w, method, credentials.base(w) + route, credentials.header(w));
          check_scim_error(res, 401);
          ++checked;
        }
      }
    }
  }
  BOOST_TEST(checked == std::size(kBadCredentials) * std::size(kScimRoutes) * std::size(kMethods));
  check_unchanged(before, snapshot(w.harness));

  const auto path = integrations_path("acme", "/" + w.okta.id);
  BOOST_TEST_REQUIRE(admin_request(w.harness, "POST", path + "/disable").status == 200u);
  const auto disabled = snapshot(w.harness);
  for (const char* route : kScimRoutes) {
    for (const char* method : kMethods) {
      BOOST_TEST_CONTEXT("disabled " << method << " " << route) {
        check_scim_error(send(w, method, w.okta.base + route, "Bearer " + w.okta.token), 403);
      }
    }
  }
  check_unchanged(disabled, snapshot(w.harness));

  // After all of it, the host's log holds no token and no password.
  const std::string log = w.harness.full_log();
  BOOST_TEST(!log.empty());
  for (const auto& secret : {w.okta.token, w.rotated_out, w.entra.token, w.foreign.token, w.gone.token,
                             w.harness.options().admin_password}) {
    BOOST_TEST(log.find(secret) == std::string::npos, "the log shows a secret");
    BOOST_TEST(log.find(secret.substr(secret.size() / 2)) == std::string::npos, "the log shows part of a secret");
  }
}
