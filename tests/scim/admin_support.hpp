// Admin API helpers for the HTTP tests: authenticated calls, the harness's
// event log, and a snapshot of everything a tenant's admin can read, to show
// that a refused request changed nothing.
#pragma once

#include "module_harness.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <map>
#include <string>
#include <vector>

namespace kestra::test {

inline std::string tenant_path(const std::string& tenant, const std::string& rest = {}) {
  return "/api/v1/" + tenant + rest;
}

inline std::string integrations_path(const std::string& tenant, const std::string& rest = {}) {
  return tenant_path(tenant, "/security-integrations" + rest);
}

inline HttpResponse admin_request(const HarnessProcess& harness, std::string_view method, const std::string& target,
                                  std::string_view body = {}) {
  return request(harness.port(), method, target, admin_headers(harness), body);
}

// GET with the admin's credentials; throws unless 200 with a JSON body.
inline boost::json::value admin_get(const HarnessProcess& harness, const std::string& target) {
  auto res = admin_request(harness, "GET", target);
  if (res.status != 200) {
    throw std::runtime_error("GET " + target + " answered " + std::to_string(res.status) + ": " + res.body);
  }
  return boost::json::parse(res.body);
}

inline boost::json::array events(const HarnessProcess& harness) {
  return admin_get(harness, "/api/v1/events").as_array();
}

// Types of the module's events about `tenant`, oldest first.
inline std::vector<std::string> event_types(const HarnessProcess& harness, const std::string& tenant) {
  std::vector<std::string> types;
  for (const auto& e : events(harness)) {
    const auto& o = e.as_object();
    if (o.at("module").as_string() == "kestra-scim" && o.at("tenant").as_string() == tenant) {
      types.emplace_back(o.at("type").as_string());
    }
  }
  return types;
}

// Subjects of the module's events of `type` about `tenant`.
inline std::vector<std::string> event_subjects(const HarnessProcess& harness, const std::string& tenant,
                                               const std::string& type) {
  std::vector<std::string> subjects;
  for (const auto& e : events(harness)) {
    const auto& o = e.as_object();
    if (o.at("module").as_string() == "kestra-scim" && o.at("tenant").as_string() == tenant &&
        o.at("type").as_string() == type) {
      subjects.emplace_back(o.at("subject").as_string());
    }
  }
  return subjects;
}

inline boost::json::array results(const boost::json::value& page) { return page.at("results").as_array(); }

// Everything a tenant's admin can read, serialised.
struct TenantState {
  std::string integrations;
  std::string roles;
  std::string service_accounts;
  std::string bindings;
  std::map<std::string, std::string> audits;  // by integration id
  std::size_t events = 0;
};

inline TenantState tenant_state(const HarnessProcess& harness, const std::string& tenant) {
  TenantState s;
  const auto list = admin_get(harness, integrations_path(tenant, "?size=1000"));
  s.integrations = boost::json::serialize(list);
  s.roles = boost::json::serialize(admin_get(harness, tenant_path(tenant, "/roles")));
  s.service_accounts = boost::json::serialize(admin_get(harness, tenant_path(tenant, "/service-accounts")));
  s.bindings = boost::json::serialize(admin_get(harness, tenant_path(tenant, "/bindings")));
  for (const auto& i : results(list)) {
    const std::string id(i.at("id").as_string());
    s.audits[id] = boost::json::serialize(admin_get(harness, integrations_path(tenant, "/" + id + "/audit?size=1000")));
  }
  s.events = events(harness).size();
  return s;
}

inline void check_unchanged(const TenantState& before, const TenantState& after) {
  BOOST_TEST(after.integrations == before.integrations);
  BOOST_TEST(after.roles == before.roles);
  BOOST_TEST(after.service_accounts == before.service_accounts);
  BOOST_TEST(after.bindings == before.bindings);
  BOOST_TEST(after.audits == before.audits);
  BOOST_TEST(after.events == before.events);
}

// An admin error: JSON {"status": N, "message": "..."} with N the HTTP status.
inline void check_admin_error(const HttpResponse& res, unsigned status, const std::string& message_part = {}) {
  BOOST_TEST(res.status == status, res.body);
  BOOST_TEST(res.header("Content-Type").value_or("").starts_with("application/json"));
  boost::system::error_code ec;
  const auto body = boost::json::parse(res.body, ec);
  BOOST_TEST_REQUIRE(!ec, "not JSON: " << res.body);
  BOOST_TEST_REQUIRE(body.is_object(), res.body);
  const auto& o = body.as_object();
  BOOST_TEST_REQUIRE(o.contains("status"), res.body);
  BOOST_TEST_REQUIRE(o.contains("message"), res.body);
  BOOST_TEST(o.at("status").is_int64());
  BOOST_TEST(o.at("status").to_number<std::int64_t>() == static_cast<std::int64_t>(status));
  BOOST_TEST_REQUIRE(o.at("message").is_string());
  BOOST_TEST(!o.at("message").as_string().empty());
  if (!message_part.empty()) {
    BOOST_TEST(std::string(o.at("message").as_string()).find(message_part) != std::string::npos, res.body);
  }
}

// A SCIM error (RFC 7644 3.12) with `status`.
inline void check_scim_error(const HttpResponse& res, unsigned status) {
  BOOST_TEST(res.status == status, res.body);
  BOOST_TEST(res.header("Content-Type").value_or("") == "application/scim+json");
  boost::system::error_code ec;
  const auto body = boost::json::parse(res.body, ec);
  BOOST_TEST_REQUIRE(!ec, "not JSON: " << res.body);
  const auto& o = body.as_object();
  BOOST_TEST_REQUIRE(o.contains("schemas"), res.body);
  BOOST_TEST(o.at("schemas") == boost::json::array{"urn:ietf:params:scim:api:messages:2.0:Error"});
  BOOST_TEST(o.at("status") == boost::json::value(std::to_string(status)));
  BOOST_TEST_REQUIRE(o.contains("detail"), res.body);
  BOOST_TEST(!o.at("detail").as_string().empty());
}

}  // namespace kestra::test
