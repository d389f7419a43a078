// Metrics: what the module reports through the host's
// kestra.metrics/1 extension, read back from the harness's GET /metrics as
// a scraper would (a strict reader of the text format): SCIM requests by
// tenant, resource type, method and status; their latency by resource type
// and method; the database pool and its errors; rate-limit refusals and
// each integration's last request.  Labels carry no path, id, token or user
// data.
#define BOOST_TEST_MODULE scim_metrics
#include "kestra/test/prometheus_text.hpp"
#include "scim_support.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <tuple>

using namespace kestra::test;
namespace json = boost::json;
using Labels = std::map<std::string, std::string>;

namespace {

constexpr const char* kRequests = "kestra_scim_requests_total";
constexpr const char* kDuration = "kestra_scim_request_duration_seconds";
constexpr const char* kRateLimited = "kestra_scim_rate_limited_total";
constexpr const char* kLastRequest = "kestra_scim_integration_last_request_timestamp_seconds";
constexpr const char* kPoolInUse = "kestra_scim_db_pool_in_use";
constexpr const char* kPoolSize = "kestra_scim_db_pool_size";
constexpr const char* kDbErrors = "kestra_scim_db_errors_total";

const std::set<std::string> kResources{"Users",         "Groups", "Roles", "Schemas", "ServiceProviderConfig",
                                       "ResourceTypes", "Bulk",   "Me",    "other"};
const std::set<std::string> kMethods{"GET", "POST", "PUT", "PATCH", "DELETE", "OTHER"};

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// GET /metrics, read strictly: any format error fails the test.
PromText scrape(const HarnessProcess& harness) {
  const auto res = request(harness.port(), "GET", "/metrics");
  BOOST_TEST_REQUIRE(res.status == 200u);
  BOOST_TEST(res.header("Content-Type").value_or("").starts_with("text/plain; version=0.0.4"));
  auto text = parse_prometheus_text(res.body);
  BOOST_TEST_REQUIRE(text.error.empty(), text.error << "\n" << res.body);
  BOOST_TEST_MESSAGE("metrics:\n" << res.body);
  return text;
}

// The requests a test made, as the module should have counted them.
class Tally {
 public:
  explicit Tally(std::string tenant) : tenant_(std::move(tenant)) {}

  // Sends through `scim` and counts the answer under `resource`.
  HttpResponse call(const Scim& scim, const std::string& resource, std::string_view method, const std::string& path,
                    std::string_view body = {}) {
    auto res = scim.call(method, path, body);
    count(tenant_, resource, std::string(method), res.status);
    return res;
  }
  void count(const std::string& tenant, const std::string& resource, const std::string& method, unsigned status) {
    const std::string label = kMethods.count(method) ? method : "OTHER";
    ++requests_[{tenant, resource, label, std::to_string(status)}];
    ++timed_[{resource, label}];
  }

  // kestra_scim_requests_total and the histogram's counts are exactly these.
  void check(const PromText& text) const {
    std::size_t series = 0;
    for (const auto& sample : text.all(kRequests)) {
      ++series;
      const auto& l = sample.labels;
      BOOST_TEST_REQUIRE(l.size() == 4u);
      BOOST_TEST(kResources.count(l.at("resource")) == 1u, l.at("resource"));
      BOOST_TEST(kMethods.count(l.at("method")) == 1u, l.at("method"));
      const auto it = requests_.find({l.at("tenant"), l.at("resource"), l.at("method"), l.at("status")});
      BOOST_TEST_REQUIRE((it != requests_.end()), "unexpected series " << l.at("tenant") << " " << l.at("resource")
                                                                        << " " << l.at("method") << " "
                                                                        << l.at("status"));
      BOOST_TEST(sample.value == static_cast<double>(it->second),
                 l.at("resource") << " " << l.at("method") << " " << l.at("status"));
    }
    BOOST_TEST(series == requests_.size());
    std::size_t histograms = 0;
    for (const auto& sample : text.all(std::string(kDuration) + "_count")) {
      ++histograms;
      const auto& l = sample.labels;
      BOOST_TEST_REQUIRE(l.size() == 2u);
      const auto it = timed_.find({l.at("resource"), l.at("method")});
      BOOST_TEST_REQUIRE((it != timed_.end()), "unexpected histogram " << l.at("resource") << " " << l.at("method"));
      BOOST_TEST(sample.value == static_cast<double>(it->second), l.at("resource") << " " << l.at("method"));
      const auto sum = text.value(std::string(kDuration) + "_sum", l);
      BOOST_TEST_REQUIRE(sum.has_value());
      BOOST_TEST(*sum > 0.0);
      BOOST_TEST(*sum < 60.0 * it->second);
    }
    BOOST_TEST(histograms == timed_.size());
  }

 private:
  std::string tenant_;
  std::map<std::tuple<std::string, std::string, std::string, std::string>, int> requests_;
  std::map<std::pair<std::string, std::string>, int> timed_;
};

HarnessOptions metered(int pool_size) {
  auto options = module_options();
  options.extra_yaml += "kestra.scim.datasource.pool-size: " + std::to_string(pool_size) + "\n";
  return options;
}

}  // namespace

BOOST_AUTO_TEST_CASE(requests_are_counted_and_timed_by_resource_type_method_and_status) {
  HarnessProcess harness(metered(3));
  const Scim okta = scim_client(harness, "acme", "okta");
  Tally tally("acme");

  // Before any SCIM request: the pool is there, idle, and no error happened
  // (each kind reported at 0, so that rate() works from the start).
  {
    const auto text = scrape(harness);
    BOOST_TEST(text.types.at(kPoolSize) == "gauge");
    BOOST_TEST((text.value(kPoolSize) == std::optional<double>(3)));
    BOOST_TEST((text.value(kPoolInUse) == std::optional<double>(0)));
    BOOST_TEST(text.types.at(kDbErrors) == "counter");
    for (const char* kind : {"pool_exhausted", "connection", "unavailable", "invalid_input", "internal"})
      BOOST_TEST((text.value(kDbErrors, {{"kind", kind}}) == std::optional<double>(0)), kind);
    BOOST_TEST(text.all(kRequests).empty());
  }

  const double before = unix_now();
  const std::string user_name = "metrics.person@example.com";
  const auto created = tally.call(okta, "Users", "POST", "/Users", json::serialize(user_body(user_name)));
  BOOST_TEST_REQUIRE(created.status == 201u, created.body);
  const std::string user_id = str(json::parse(created.body), "id");
  BOOST_TEST(tally.call(okta, "Users", "GET", "/Users/" + user_id).status == 200u);
  const std::string missing_id = "no-such-user-4b1d";
  BOOST_TEST(tally.call(okta, "Users", "GET", "/Users/" + missing_id).status == 404u);
  BOOST_TEST(tally.call(okta, "Users", "GET", "/Users?" + filter_query("userName eq \"" + user_name + "\"")).status ==
             200u);
  const std::string group_name = "metrics-group-7f3e";
  const auto group = tally.call(okta, "Groups", "POST", "/Groups", json::serialize(group_body(group_name, {user_id})));
  BOOST_TEST_REQUIRE(group.status == 201u, group.body);
  const std::string group_id = str(json::parse(group.body), "id");
  // Its members are streamed: counted once the body is out.
  BOOST_TEST(tally.call(okta, "Groups", "GET", "/Groups/" + group_id).status == 200u);
  BOOST_TEST(tally.call(okta, "Groups", "POST", "/Groups/.search",
                        R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]})")
                 .status == 200u);
  tally.call(okta, "Roles", "GET", "/Roles");
  BOOST_TEST(tally.call(okta, "ServiceProviderConfig", "GET", "/ServiceProviderConfig").status == 200u);
  BOOST_TEST(tally.call(okta, "Schemas", "GET", "/Schemas").status == 200u);
  BOOST_TEST(tally.call(okta, "Schemas", "GET", "/Schemas/" + std::string(kUserUrn)).status == 200u);
  BOOST_TEST(tally.call(okta, "ResourceTypes", "GET", "/ResourceTypes").status == 200u);
  BOOST_TEST(tally.call(okta, "Me", "GET", "/Me").status == 501u);
  // A Bulk request is one request, whatever its operations.
  const json::object bulk{
      {"schemas", json::array{kBulkRequestUrn}},
      {"Operations", json::array{json::object{{"method", "POST"},
                                              {"path", "/Users"},
                                              {"bulkId", "b1"},
                                              {"data", user_body("metrics.bulk@example.com")}}}}};
  BOOST_TEST(tally.call(okta, "Bulk", "POST", "/Bulk", json::serialize(bulk)).status == 200u);
  BOOST_TEST(tally.call(okta, "other", "POST", "/.search",
                        R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]})")
                 .status == 200u);
  // Paths the module does not know: "other", never the path itself.
  const std::string unknown = "NoSuchEndpoint9c";
  BOOST_TEST(tally.call(okta, "other", "GET", "/" + unknown).status == 404u);
  BOOST_TEST(tally.call(okta, "other", "GET", "/" + unknown + "/x1").status == 404u);
  // A method SCIM does not use is OTHER.
  BOOST_TEST(tally.call(okta, "Users", "PROPFIND", "/Users").status == 405u);
  BOOST_TEST(tally.call(okta, "Groups", "DELETE", "/Groups/" + group_id).status == 204u);
  BOOST_TEST(tally.call(okta, "Users", "DELETE", "/Users/" + user_id).status == 204u);
  const double after = unix_now();

  // A wrong token: counted in its tenant, but it is no integration's request.
  Scim stranger = okta;
  stranger.integration.token = "not-the-token-5e2a";
  stranger.integration.id = "not-an-integration-11d";
  stranger.integration.base = scim_base("acme", stranger.integration.id);
  BOOST_TEST(tally.call(stranger, "Users", "GET", "/Users").status == 401u);
  // A tenant the host does not know: no tenant label (its name is the caller's).
  Scim elsewhere = okta;
  elsewhere.integration.base = scim_base("no-such-tenant-3c", okta.integration.id);
  BOOST_TEST(elsewhere.get("/Users").status == 401u);  // as a bad token
  tally.count("", "Users", "GET", 401);

  const auto text = scrape(harness);
  BOOST_TEST(text.types.at(kRequests) == "counter");
  BOOST_TEST(text.types.at(kDuration) == "histogram");
  BOOST_TEST(text.types.at(kLastRequest) == "gauge");
  BOOST_TEST(text.help.at(kRequests) == "Reported by module kestra-scim.");
  tally.check(text);

  // Each integration's last request: the one that authenticated only.
  const auto last = text.all(kLastRequest);
  BOOST_TEST_REQUIRE(last.size() == 1u);
  BOOST_TEST((last[0].labels == Labels{{"tenant", "acme"}, {"integration", okta.integration.id}}));
  BOOST_TEST(last[0].value >= before - 1);
  BOOST_TEST(last[0].value <= after + 1);

  // Every session went back; nothing failed in the database.
  BOOST_TEST((text.value(kPoolInUse) == std::optional<double>(0)));
  BOOST_TEST((text.value(kPoolSize) == std::optional<double>(3)));
  for (const auto& sample : text.all(kDbErrors)) BOOST_TEST(sample.value == 0.0, sample.labels.at("kind"));
  BOOST_TEST(text.all(kRateLimited).empty());

  // No label carries a path, an id from a URL, a token or user data.
  const std::string body = request(harness.port(), "GET", "/metrics").body;
  for (const std::string& secret : {okta.integration.token, stranger.integration.token, stranger.integration.id,
                                    user_name, user_id, group_name, group_id, missing_id, unknown,
                                    std::string("no-such-tenant-3c"), std::string("metrics.bulk")}) {
    BOOST_TEST(body.find(secret) == std::string::npos, secret);
  }
}

BOOST_AUTO_TEST_CASE(rate_limited_requests_are_counted_per_integration) {
  auto options = metered(2);
  options.extra_yaml +=
      "kestra.scim.rate-limit.requests-per-second: 0.5\nkestra.scim.rate-limit.burst: 3\n";
  HarnessProcess harness(options);
  const Scim okta = scim_client(harness, "acme", "okta");
  const Scim entra = scim_client(harness, "acme", "entra");
  Tally tally("acme");

  // A burst of three, then refusals (one request earned back every 2 s: on
  // a slow machine, one more may pass).
  int limited = 0;
  for (int i = 0; i < 6; ++i) {
    const auto res = tally.call(okta, "ServiceProviderConfig", "GET", "/ServiceProviderConfig");
    BOOST_TEST_REQUIRE((res.status == 200u || res.status == 429u), res.status);
    if (res.status == 429u) ++limited;
  }
  BOOST_TEST(limited >= 2);
  BOOST_TEST(tally.call(entra, "Users", "GET", "/Users").status == 200u);

  const auto text = scrape(harness);
  BOOST_TEST(text.types.at(kRateLimited) == "counter");
  const auto refused = text.all(kRateLimited);
  BOOST_TEST_REQUIRE(refused.size() == 1u);
  BOOST_TEST((refused[0].labels == Labels{{"tenant", "acme"}, {"integration", okta.integration.id}}));
  BOOST_TEST(refused[0].value == static_cast<double>(limited));
  BOOST_TEST((text.value(kRequests, {{"tenant", "acme"},
                                    {"resource", "ServiceProviderConfig"},
                                    {"method", "GET"},
                                    {"status", "429"}}) == std::optional<double>(limited)));
  tally.check(text);
  // A refused request is still the integration's latest.
  BOOST_TEST(text.all(kLastRequest).size() == 2u);
  BOOST_TEST((text.value(kPoolSize) == std::optional<double>(2)));
}
