// SCIM protocol helpers for the HTTP tests: a client bound to one
// integration, resource builders, list and error checks, and the replay of
// captured IdP request sequences from testdata/.
#pragma once

#include "admin_support.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace kestra::test {

inline constexpr const char* kUserUrn = "urn:ietf:params:scim:schemas:core:2.0:User";
inline constexpr const char* kGroupUrn = "urn:ietf:params:scim:schemas:core:2.0:Group";
inline constexpr const char* kEnterpriseUrn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
inline constexpr const char* kListResponseUrn = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
inline constexpr const char* kSearchRequestUrn = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
inline constexpr const char* kErrorUrn = "urn:ietf:params:scim:api:messages:2.0:Error";
inline constexpr const char* kBulkRequestUrn = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
inline constexpr const char* kBulkResponseUrn = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";

// Percent-encodes everything but RFC 3986 unreserved characters.
inline std::string url_encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

inline std::string filter_query(std::string_view filter) { return "filter=" + url_encode(filter); }

// "a=b&c=%22d%22" as decoded pairs, e.g. to turn a query into a SearchRequest.
inline std::vector<std::pair<std::string, std::string>> http_query_pairs(std::string_view query) {
  const auto decode = [](std::string_view in) {
    std::string out;
    for (std::size_t i = 0; i < in.size(); ++i) {
      if (in[i] == '%' && i + 2 < in.size()) {
        out += static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else {
        out += in[i] == '+' ? ' ' : in[i];
      }
    }
    return out;
  };
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (part.empty()) continue;
    const auto eq = part.find('=');
    out.emplace_back(decode(part.substr(0, eq)), eq == std::string_view::npos ? "" : decode(part.substr(eq + 1)));
  }
  return out;
}

inline std::string str(const boost::json::value& v, std::string_view key) {
  return std::string(v.at(key).as_string());
}

inline std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// SCIM calls with one integration's token.  Paths are relative to the
// integration's SCIM base ("/Users?..."), bodies are sent as
// application/scim+json unless `content_type` says otherwise.
struct Scim {
  const HarnessProcess* harness = nullptr;
  TestIntegration integration;

  Scim() = default;
  Scim(const HarnessProcess& h, TestIntegration i) : harness(&h), integration(std::move(i)) {}

  // The absolute URL of the SCIM base, as meta.location and Location start.
  std::string url() const { return harness->base_url() + integration.base; }

  HttpResponse call(std::string_view method, const std::string& path, std::string_view body = {},
                    Headers extra = {}, std::string_view content_type = "application/scim+json") const {
    Headers headers = integration.auth();
    if (!body.empty()) headers.emplace_back("Content-Type", std::string(content_type));
    for (auto& h : extra) headers.push_back(std::move(h));
    return request(harness->port(), method, integration.base + path, headers, body);
  }
  HttpResponse get(const std::string& path, Headers extra = {}) const { return call("GET", path, {}, std::move(extra)); }
  HttpResponse post(const std::string& path, const boost::json::value& body, Headers extra = {}) const {
    return call("POST", path, boost::json::serialize(body), std::move(extra));
  }
  HttpResponse put(const std::string& path, const boost::json::value& body, Headers extra = {}) const {
    return call("PUT", path, boost::json::serialize(body), std::move(extra));
  }
  HttpResponse del(const std::string& path, Headers extra = {}) const {
    return call("DELETE", path, {}, std::move(extra));
  }
};

inline Scim scim_client(const HarnessProcess& harness, const std::string& tenant, const std::string& name) {
  return Scim(harness, create_integration(harness, tenant, name));
}

inline boost::json::object user_body(const std::string& user_name) {
  return {{"schemas", boost::json::array{kUserUrn}}, {"userName", user_name}};
}

inline boost::json::object group_body(const std::string& display_name, const std::vector<std::string>& members = {}) {
  boost::json::array list;
  for (const auto& m : members) list.push_back(boost::json::object{{"value", m}});
  return {{"schemas", boost::json::array{kGroupUrn}}, {"displayName", display_name}, {"members", std::move(list)}};
}

inline boost::json::object require_json(const HttpResponse& res, unsigned status, const std::string& what) {
  BOOST_TEST_REQUIRE(res.status == status, what << ": " << res.status << " " << res.body);
  boost::system::error_code ec;
  auto v = boost::json::parse(res.body, ec);
  BOOST_TEST_REQUIRE(!ec, what << ": not JSON: " << res.body);
  BOOST_TEST_REQUIRE(v.is_object(), what << ": " << res.body);
  return std::move(v.as_object());
}

// POSTs and returns the created resource (201 required).
inline boost::json::object create(const Scim& scim, const std::string& endpoint, const boost::json::object& body) {
  return require_json(scim.post(endpoint, body), 201, "POST " + endpoint + " " + boost::json::serialize(body));
}
inline std::string create_user(const Scim& scim, const boost::json::object& body) {
  return str(create(scim, "/Users", body), "id");
}
inline std::string create_user(const Scim& scim, const std::string& user_name) {
  return create_user(scim, user_body(user_name));
}
inline std::string create_group(const Scim& scim, const std::string& name, const std::vector<std::string>& members = {}) {
  return str(create(scim, "/Groups", group_body(name, members)), "id");
}

// Creates n users (userName prefix<i>@domain) in Bulk requests of at most
// 500 operations; their ids, in order.
inline std::vector<std::string> bulk_users(const Scim& scim, int n, const std::string& prefix,
                                           const std::string& domain = "example.com") {
  std::vector<std::string> ids;
  for (int from = 0; from < n; from += 500) {
    boost::json::array operations;
    for (int i = from; i < std::min(n, from + 500); ++i) {
      operations.push_back(boost::json::object{{"method", "POST"},
                                               {"path", "/Users"},
                                               {"bulkId", "u" + std::to_string(i)},
                                               {"data", user_body(prefix + std::to_string(i) + "@" + domain)}});
    }
    const auto res = scim.post("/Bulk", boost::json::object{{"schemas", boost::json::array{kBulkRequestUrn}},
                                                            {"Operations", std::move(operations)}});
    const auto body = require_json(res, 200, "POST /Bulk");
    for (const auto& op : body.at("Operations").as_array()) {
      BOOST_TEST_REQUIRE(str(op, "status") == "201", boost::json::serialize(op));
      const std::string location = str(op, "location");
      ids.push_back(location.substr(location.rfind('/') + 1));
    }
  }
  return ids;
}

// GET that must answer 200 with a JSON object.
inline boost::json::object get_json(const Scim& scim, const std::string& path) {
  return require_json(scim.get(path), 200, "GET " + path);
}

// A ListResponse: checks its envelope and returns it.
inline boost::json::object check_list(const HttpResponse& res, const std::string& what) {
  auto body = require_json(res, 200, what);
  BOOST_TEST(res.header("Content-Type").value_or("") == "application/scim+json");
  BOOST_TEST(body.at("schemas") == boost::json::array{kListResponseUrn}, what);
  BOOST_TEST_REQUIRE(body.at("totalResults").is_int64(), what);
  BOOST_TEST_REQUIRE(body.at("Resources").is_array(), what);
  BOOST_TEST(body.at("itemsPerPage").as_int64() == static_cast<std::int64_t>(body.at("Resources").as_array().size()),
             what);
  return body;
}
inline boost::json::object list(const Scim& scim, const std::string& path) { return check_list(scim.get(path), path); }

inline std::vector<std::string> field_of_each(const boost::json::object& list_response, std::string_view key) {
  std::vector<std::string> out;
  for (const auto& r : list_response.at("Resources").as_array()) out.push_back(str(r, key));
  return out;
}
inline std::vector<std::string> ids_of(const boost::json::object& list_response) {
  return field_of_each(list_response, "id");
}
inline std::int64_t total_of(const boost::json::object& list_response) {
  return list_response.at("totalResults").as_int64();
}
inline std::set<std::string> as_set(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

// Members of a group, by id.
inline std::set<std::string> member_ids(const boost::json::object& group) {
  std::set<std::string> out;
  if (const auto* m = group.if_contains("members")) {
    for (const auto& e : m->as_array()) out.insert(str(e, "value"));
  }
  return out;
}

// A SCIM error (RFC 7644 3.12) with `status`, and `scim_type` when given
// ("" = no scimType member).
inline void check_error(const HttpResponse& res, unsigned status, std::optional<std::string> scim_type = std::nullopt) {
  check_scim_error(res, status);
  if (!scim_type) return;
  boost::system::error_code ec;
  auto body = boost::json::parse(res.body, ec);
  if (ec || !body.is_object()) return;
  const auto* t = body.as_object().if_contains("scimType");
  if (scim_type->empty()) {
    BOOST_TEST(!t, "unexpected scimType in " << res.body);
  } else {
    BOOST_TEST_REQUIRE(t, "no scimType in " << res.body);
    BOOST_TEST(t->as_string() == *scim_type, res.body);
  }
}

inline std::string detail_of(const HttpResponse& res) {
  boost::system::error_code ec;
  auto body = boost::json::parse(res.body, ec);
  if (ec || !body.is_object() || !body.as_object().contains("detail")) return {};
  return str(body, "detail");
}

// Nothing internal (SQL, driver, C++) in an error's detail, unless the
// client sent it (a detail may quote the request).
inline void check_detail_leaks_nothing(const HttpResponse& res, std::string_view sent = {}) {
  const auto detail = detail_of(res);
  for (const char* leak : {"SELECT", "sqlite", "soci", "scim_users", "std::", "exception"}) {
    if (sent.find(leak) != std::string_view::npos) continue;
    BOOST_TEST(detail.find(leak) == std::string::npos, detail);
  }
}

// The host and the module still answer.
inline void check_alive(const Scim& scim) {
  BOOST_TEST(scim.get("/ServiceProviderConfig").status == 200u, "the host stopped answering");
}

// Everything the integration can see of its tenant, to show that a refused
// request wrote nothing: every user and group as served, and the audit.
struct ScimState {
  std::string users;
  std::string groups;
  std::string audit;
  std::string bindings;  // every source's, the admin's too
};

inline ScimState scim_state(const Scim& scim, const std::string& tenant) {
  ScimState s;
  s.users = boost::json::serialize(get_json(scim, "/Users?count=1000&sortBy=userName"));
  s.groups = boost::json::serialize(get_json(scim, "/Groups?count=1000"));
  s.audit = boost::json::serialize(
      admin_get(*scim.harness, integrations_path(tenant, "/" + scim.integration.id + "/audit?size=1000")));
  s.bindings = boost::json::serialize(admin_get(*scim.harness, tenant_path(tenant, "/bindings?size=1000")));
  return s;
}

inline void check_unchanged(const ScimState& before, const ScimState& after) {
  BOOST_TEST(after.users == before.users);
  BOOST_TEST(after.groups == before.groups);
  BOOST_TEST(after.audit == before.audit);
  BOOST_TEST(after.bindings == before.bindings);
}

// The integration's audit actions, oldest first.
inline std::vector<std::string> audit_actions(const Scim& scim, const std::string& tenant) {
  const auto page = admin_get(*scim.harness, integrations_path(tenant, "/" + scim.integration.id + "/audit?size=1000"));
  std::vector<std::string> out;
  for (const auto& e : results(page)) out.push_back(str(e, "action"));
  std::reverse(out.begin(), out.end());
  return out;
}

// ---------------------------------------------------------------- fixtures

inline std::filesystem::path testdata(const std::string& relative) {
  return std::filesystem::path(KESTRA_SCIM_TESTDATA) / relative;
}

inline boost::json::value read_fixture(const std::string& relative) {
  std::ifstream in(testdata(relative));
  if (!in) throw std::runtime_error("missing fixture " + testdata(relative).string());
  std::stringstream text;
  text << in.rdbuf();
  return boost::json::parse(text.str());
}

// `expected` must be contained in `actual`: every member of an object
// (recursively), every element of an array in order with the same length,
// and equal scalars.  Strings match case-sensitively.
inline bool json_contains(const boost::json::value& actual, const boost::json::value& expected, std::string& where) {
  if (expected.is_object()) {
    if (!actual.is_object()) return false;
    for (const auto& [key, value] : expected.as_object()) {
      const auto* a = actual.as_object().if_contains(key);
      if (!a || !json_contains(*a, value, where)) {
        where = std::string(key) + (where.empty() ? "" : "." + where);
        return false;
      }
    }
    return true;
  }
  if (expected.is_array()) {
    if (!actual.is_array() || actual.as_array().size() != expected.as_array().size()) return false;
    for (std::size_t i = 0; i < expected.as_array().size(); ++i) {
      if (!json_contains(actual.as_array()[i], expected.as_array()[i], where)) {
        where = "[" + std::to_string(i) + "]" + (where.empty() ? "" : "." + where);
        return false;
      }
    }
    return true;
  }
  return actual == expected;
}

// Replays a captured request sequence (testdata/<file>): an array of steps
//   {"name", "method", "path", "body"? | "body_file"?, "status", "expect"?,
//    "absent"?: [member names], "capture"?: {"var": "member"}, "headers"?: {...}}
// "{{var}}" in paths, bodies and expectations is replaced by values captured
// from earlier responses.  Returns the captured variables.
inline std::map<std::string, std::string> replay(const Scim& scim, const std::string& file,
                                                 std::map<std::string, std::string> vars = {}) {
  const auto steps = read_fixture(file).as_array();
  BOOST_TEST_REQUIRE(!steps.empty());
  const auto substitute = [&](std::string text) {
    for (const auto& [k, v] : vars) text = replace_all(std::move(text), "{{" + k + "}}", v);
    return text;
  };
  for (const auto& step_value : steps) {
    const auto& step = step_value.as_object();
    const std::string name = str(step, "name");
    BOOST_TEST_CONTEXT(file << ": " << name) {
      const std::string method = str(step, "method");
      const std::string path = substitute(str(step, "path"));
      std::string body;
      if (const auto* b = step.if_contains("body")) body = substitute(boost::json::serialize(*b));
      if (const auto* f = step.if_contains("body_file")) {
        body = substitute(boost::json::serialize(read_fixture(std::string(f->as_string()))));
      }
      Headers headers;
      if (const auto* h = step.if_contains("headers")) {
        for (const auto& [k, v] : h->as_object()) headers.emplace_back(std::string(k), substitute(std::string(v.as_string())));
      }
      const auto res = scim.call(method, path, body, headers);
      const auto status = static_cast<unsigned>(step.at("status").as_int64());
      BOOST_TEST_REQUIRE(res.status == status, method << " " << path << " -> " << res.status << " " << res.body);
      if (res.status == 204) {
        BOOST_TEST(res.body.empty());
        continue;
      }
      boost::system::error_code ec;
      const auto actual = boost::json::parse(res.body, ec);
      BOOST_TEST_REQUIRE(!ec, "not JSON: " << res.body);
      BOOST_TEST(res.header("Content-Type").value_or("") == "application/scim+json");
      if (const auto* e = step.if_contains("expect")) {
        const auto expected = boost::json::parse(substitute(boost::json::serialize(*e)));
        std::string where;
        BOOST_TEST(json_contains(actual, expected, where), "mismatch at " << where << " in " << res.body);
      }
      if (const auto* a = step.if_contains("absent")) {
        for (const auto& key : a->as_array()) {
          BOOST_TEST(res.body.find("\"" + std::string(key.as_string()) + "\"") == std::string::npos,
                     key.as_string() << " must not appear in " << res.body);
        }
      }
      if (const auto* c = step.if_contains("capture")) {
        for (const auto& [var, member] : c->as_object()) {
          const auto* v = actual.as_object().if_contains(member.as_string());
          BOOST_TEST_REQUIRE(v, "no " << member.as_string() << " to capture in " << res.body);
          vars[std::string(var)] = std::string(v->as_string());
        }
      }
      if (status == 201) {
        BOOST_TEST(res.header("Location").value_or("") == str(actual.at("meta"), "location"));
        BOOST_TEST(res.header("ETag").value_or("") == str(actual.at("meta"), "version"));
      }
    }
  }
  return vars;
}

}  // namespace kestra::test
