#include "app/config.hpp"
#include "core/processors.hpp"
#include "kestra/adapters/jdbc_url.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <map>
#include <thread>
#include <utility>
#include <vector>

namespace {

using Options = std::vector<std::pair<std::string, std::string>>;

struct MapConfig : kestra::app::ConfigSource {
  std::map<std::string, std::string, std::less<>> values;
  std::optional<std::string> get(std::string_view key) const override {
    auto it = values.find(key);
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
};

struct RefusedCase {
  const char* name;
  std::map<std::string, std::string, std::less<>> values;
  const char* message_part;
};
std::ostream& operator<<(std::ostream& os, const RefusedCase& c) { return os << c.name; }

const std::pair<std::string, std::string> kTenants{"kestra.ee.tenants.enabled", "true"};

// The configuration as the module starts with it: loaded, then its
// datasource resolved by the adapters.
kestra::Result<kestra::app::ModuleConfig> start_config(const MapConfig& source) {
  auto config = kestra::app::load_config(source);
  if (!config) return config.error();
  auto store = kestra::adapters::resolve_datasource(config->store);
  if (!store) return store.error();
  config->store = std::move(*store);
  return config;
}

const RefusedCase kRefused[] = {
    {"tenants absent", {}, "kestra.ee.tenants.enabled"},
    {"tenants false", {{"kestra.ee.tenants.enabled", "false"}}, "kestra.ee.tenants.enabled"},
    {"tenants garbage", {{"kestra.ee.tenants.enabled", "yes please"}}, "kestra.ee.tenants.enabled"},
    {"bad max results", {kTenants, {"kestra.scim.filter.max-results", "-3"}}, "kestra.scim.filter.max-results"},
    {"bad pool size", {kTenants, {"kestra.scim.datasource.pool-size", "4x"}}, "kestra.scim.datasource.pool-size"},
    {"zero pool size", {kTenants, {"kestra.scim.datasource.pool-size", "0"}}, "kestra.scim.datasource.pool-size"},
    {"bad statement timeout",
     {kTenants, {"kestra.scim.datasource.statement-timeout", "30"}},
     "kestra.scim.datasource.statement-timeout"},
    {"statement timeout over a day",
     {kTenants, {"kestra.scim.datasource.statement-timeout", "25h"}},
     "kestra.scim.datasource.statement-timeout"},
    {"unknown repository type", {kTenants, {"kestra.repository.type", "oracle"}}, "kestra.repository.type"},
    {"repository type without its datasource",
     {kTenants, {"kestra.repository.type", "postgres"}, {"datasources.mysql.url", "jdbc:mysql://db/kestra"}},
     "datasources.postgres.url is not set"},
    {"two datasources, no type",
     {kTenants,
      {"datasources.postgres.url", "jdbc:postgresql://db/kestra"},
      {"datasources.mysql.url", "jdbc:mysql://db/kestra"}},
     "kestra.repository.type"},
    {"postgres datasource with a mysql URL",
     {kTenants, {"datasources.postgres.url", "jdbc:mysql://db/kestra"}},
     "datasources.postgres.url must be a jdbc:postgresql: URL"},
    {"mysql datasource with a postgres URL",
     {kTenants, {"datasources.mysql.url", "jdbc:postgresql://db/kestra"}},
     "datasources.mysql.url must be a jdbc:mysql:"},
    {"not a JDBC URL",
     {kTenants, {"datasources.postgres.url", "postgresql://db/kestra"}},
     "datasources.postgres.url: the datasource URL must start with jdbc:"},
    {"bad port",
     {kTenants, {"datasources.postgres.url", "jdbc:postgresql://db:99999/kestra"}},
     "port '99999'"},
    {"mysql without a database", {kTenants, {"datasources.mysql.url", "jdbc:mysql://db:3306/"}}, "must name a database"},
    {"mysql with two hosts", {kTenants, {"datasources.mysql.url", "jdbc:mysql://a,b/kestra"}}, "several hosts"},
    {"bad sslmode",
     {kTenants, {"datasources.postgres.url", "jdbc:postgresql://db/kestra?sslmode=maybe"}},
     "parameter sslmode"},
    {"two schemas",
     {kTenants, {"datasources.postgres.url", "jdbc:postgresql://db/kestra?currentSchema=a,b"}},
     "currentSchema must name one schema"},
    {"bad escape", {kTenants, {"datasources.postgres.url", "jdbc:postgresql://db/kes%zztra"}}, "%-escape"},
    {"trusted proxy not an address", {kTenants, {"kestra.scim.trusted-proxies", "10.0.0.5,proxy.internal"}},
     "kestra.scim.trusted-proxies: 'proxy.internal' is not an IP address"},
    {"trusted proxies naming nothing", {kTenants, {"kestra.scim.trusted-proxies", " , "}},
     "kestra.scim.trusted-proxies is set but names nothing"},
    {"allowed host with a path", {kTenants, {"kestra.scim.allowed-hosts", "kestra.example.com/x"}},
     "kestra.scim.allowed-hosts: 'kestra.example.com/x'"},
    {"allowed host with a bad port", {kTenants, {"kestra.scim.allowed-hosts", "kestra.example.com:0"}},
     "kestra.scim.allowed-hosts"},
    {"allowed origin with a path", {kTenants, {"kestra.scim.allowed-origins", "https://admin.example.com/ui"}},
     "kestra.scim.allowed-origins: 'https://admin.example.com/ui' is not an origin"},
    {"allowed origin without a scheme", {kTenants, {"kestra.scim.allowed-origins", "admin.example.com"}},
     "kestra.scim.allowed-origins"},
    {"body limit not a number", {kTenants, {"kestra.scim.limits.max-body-size", "1MB"}},
     "kestra.scim.limits.max-body-size must be a positive whole number"},
    {"body limit zero", {kTenants, {"kestra.scim.limits.max-body-size", "0"}}, "kestra.scim.limits.max-body-size"},
    {"negative JSON depth", {kTenants, {"kestra.scim.limits.json-max-depth", "-1"}}, "kestra.scim.limits.json-max-depth"},
    {"JSON depth beyond the stack's", {kTenants, {"kestra.scim.limits.json-max-depth", "257"}},
     "kestra.scim.limits.json-max-depth must be at most 256"},
    {"JSON elements beyond int", {kTenants, {"kestra.scim.limits.json-max-elements", "99999999999"}},
     "kestra.scim.limits.json-max-elements"},
    {"filter length empty", {kTenants, {"kestra.scim.limits.filter-max-length", ""}},
     "kestra.scim.limits.filter-max-length"},
    {"filter nodes beyond the stack's", {kTenants, {"kestra.scim.limits.filter-max-nodes", "1001"}},
     "kestra.scim.limits.filter-max-nodes must be at most 1000"},
    {"bulk payload zero", {kTenants, {"kestra.scim.bulk.max-payload-size", "0"}}, "kestra.scim.bulk.max-payload-size"},
    {"rate limit switch not a boolean", {kTenants, {"kestra.scim.rate-limit.enabled", "yes"}},
     "kestra.scim.rate-limit.enabled must be true or false"},
    {"rate zero", {kTenants, {"kestra.scim.rate-limit.requests-per-second", "0"}},
     "kestra.scim.rate-limit.requests-per-second must be a number above 0"},
    {"rate not a number", {kTenants, {"kestra.scim.rate-limit.requests-per-second", "fast"}},
     "kestra.scim.rate-limit.requests-per-second"},
    {"burst below one", {kTenants, {"kestra.scim.rate-limit.burst", "0.5"}}, "kestra.scim.rate-limit.burst must be at least 1"},
    {"failed-auth burst below one", {kTenants, {"kestra.scim.rate-limit.failed-auth-burst", "0"}},
     "kestra.scim.rate-limit.failed-auth-burst"},
    {"tenant share above one", {kTenants, {"kestra.scim.fair-share.tenant", "1.5"}},
     "kestra.scim.fair-share.tenant is a fraction of the sessions: at most 1"},
    {"integration share zero", {kTenants, {"kestra.scim.fair-share.integration", "0"}},
     "kestra.scim.fair-share.integration"},
    {"fair share switch not a boolean", {kTenants, {"kestra.scim.fair-share.enabled", "maybe"}},
     "kestra.scim.fair-share.enabled must be true or false"},
    {"fair share cpus zero", {kTenants, {"kestra.scim.fair-share.cpus", "0"}}, "kestra.scim.fair-share.cpus"},
    {"contention window not a duration", {kTenants, {"kestra.scim.fair-share.contention-window", "soon"}},
     "kestra.scim.fair-share.contention-window must be a duration"},
    {"run wait not a duration", {kTenants, {"kestra.scim.fair-share.run-wait", "-1s"}},
     "kestra.scim.fair-share.run-wait must be a duration"},
    {"string length zero", {kTenants, {"kestra.scim.limits.string-max-length", "0"}},
     "kestra.scim.limits.string-max-length"},
    {"domain claim without a tenant", {kTenants, {"kestra.scim.domain-claims", "=acme.example"}}, "TENANT=DOMAIN"},
    {"domain claim without '='", {kTenants, {"kestra.scim.domain-claims", "acme.example"}}, "TENANT=DOMAIN"},
    {"domain claim of a bad domain", {kTenants, {"kestra.scim.domain-claims", "acme=acme..example"}},
     "kestra.scim.domain-claims: 'acme..example' is not a domain name"},
    {"bad claims refresh", {kTenants, {"kestra.scim.domain-claims-refresh", "soon"}},
     "kestra.scim.domain-claims-refresh"},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(config)

BOOST_DATA_TEST_CASE(refused_configurations, boost::unit_test::data::make(kRefused), c) {
  MapConfig source;
  source.values = c.values;
  auto config = start_config(source);
  BOOST_REQUIRE(config.has_error());
  BOOST_TEST(config.error().detail.find(c.message_part) != std::string::npos, config.error().detail);
}

BOOST_AUTO_TEST_CASE(refusals_never_echo_a_password) {
  MapConfig source;
  source.values = {kTenants,
                   {"datasources.postgres.url", "jdbc:postgresql://u:s3cret@db:0/kestra?password=s3cret"},
                   {"datasources.postgres.password", "s3cret"}};
  auto config = start_config(source);
  BOOST_REQUIRE(config.has_error());
  BOOST_TEST(config.error().detail.find("s3cret") == std::string::npos, config.error().detail);
}

BOOST_AUTO_TEST_CASE(defaults_and_overrides) {
  MapConfig source;
  source.values = {kTenants,
                   {"kestra.scim.sqlite.path", "/tmp/x.db"},
                   {"kestra.url", "https://kestra.example.com/"},
                   {"kestra.scim.filter.max-results", "250"}};
  auto config = kestra::app::load_config(source);
  BOOST_REQUIRE(config.has_value());
  BOOST_TEST(config->store.sqlite_path == "/tmp/x.db");
  BOOST_TEST(config->store.backend == "sqlite");
  BOOST_TEST(config->store.statement_timeout_ms == 30000);
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  BOOST_TEST(config->store.pool_size == std::max(4, 2 * cores));
  BOOST_TEST(config->addresses.public_url == "https://kestra.example.com/");
  BOOST_TEST(config->max_results == 250);
  BOOST_TEST(config->bulk_max_operations == 1000);
  BOOST_TEST(config->bulk_max_payload_bytes == 1048576);
}

BOOST_AUTO_TEST_CASE(address_policy_has_local_defaults_and_can_be_set) {
  MapConfig source;
  source.values = {kTenants};
  auto defaults = kestra::app::load_config(source);
  BOOST_REQUIRE(defaults.has_value());
  BOOST_TEST(defaults->addresses.public_url.empty());
  BOOST_TEST(defaults->addresses.trusted_proxies.empty());
  BOOST_TEST(defaults->addresses.allowed_hosts == (std::vector<std::string>{"localhost", "127.0.0.1", "[::1]"}),
             boost::test_tools::per_element());
  BOOST_TEST(defaults->addresses.allowed_origins.empty());

  source.values = {kTenants,
                   {"kestra.scim.trusted-proxies", "10.0.0.5, ::FFFF:10.0.0.6,0:0::1"},
                   {"kestra.scim.allowed-hosts", "Kestra.Example.com, kestra.internal:8080,[::1]"},
                   {"kestra.scim.allowed-origins", "HTTPS://Admin.Example.com:443/"}};
  auto set = kestra::app::load_config(source);
  BOOST_REQUIRE(set.has_value());
  BOOST_TEST(set->addresses.trusted_proxies == (std::vector<std::string>{"10.0.0.5", "10.0.0.6", "::1"}),
             boost::test_tools::per_element());
  BOOST_TEST(set->addresses.allowed_hosts ==
                 (std::vector<std::string>{"kestra.example.com", "kestra.internal:8080", "[::1]"}),
             boost::test_tools::per_element());
  BOOST_TEST(set->addresses.allowed_origins == (std::vector<std::string>{"https://admin.example.com"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(domain_claims_are_tenant_domain_items) {
  MapConfig source;
  source.values = {kTenants};
  auto none = kestra::app::load_config(source);
  BOOST_REQUIRE(none.has_value());
  BOOST_TEST(none->domain_claims.empty());
  BOOST_TEST(none->domain_claims_refresh.count() == 1000);

  // A YAML sequence arrives joined by commas; repeats count once.
  source.values = {kTenants,
                   {"kestra.scim.domain-claims", " acme=Acme.Example, acme=corp.example,globex=corp.example, acme=acme.example"},
                   {"kestra.scim.domain-claims-refresh", "0s"}};
  auto config = kestra::app::load_config(source);
  BOOST_TEST_REQUIRE(config.has_value(), (config ? "" : config.error().detail));
  std::vector<std::string> claims;
  for (const auto& c : config->domain_claims) claims.push_back(c.tenant_id + "=" + c.domain + ":" + c.source);
  BOOST_TEST(claims == (std::vector<std::string>{"acme=acme.example:CONFIG", "acme=corp.example:CONFIG",
                                                 "globex=corp.example:CONFIG"}),
             boost::test_tools::per_element());
  BOOST_TEST(config->domain_claims_refresh.count() == 0);
}

BOOST_AUTO_TEST_CASE(request_limits_have_safe_defaults_and_can_be_set) {
  MapConfig source;
  source.values = {kTenants};
  auto defaults = kestra::app::load_config(source);
  BOOST_REQUIRE(defaults.has_value());
  BOOST_TEST(defaults->json.max_bytes == 1048576u);
  BOOST_TEST(defaults->json.max_depth == 32u);
  BOOST_TEST(defaults->json.max_elements == 100000u);
  BOOST_TEST(defaults->filter.max_length == 4096u);
  BOOST_TEST(defaults->filter.max_nodes == 256u);
  BOOST_TEST(defaults->filter.max_depth == 32u);

  source.values = {kTenants,
                   {"kestra.scim.limits.max-body-size", "2048"},
                   {"kestra.scim.limits.json-max-depth", "256"},
                   {"kestra.scim.limits.json-max-elements", "64"},
                   {"kestra.scim.limits.filter-max-length", "100"},
                   {"kestra.scim.limits.filter-max-nodes", "1000"}};
  auto set = kestra::app::load_config(source);
  BOOST_REQUIRE(set.has_value());
  BOOST_TEST(set->json.max_bytes == 2048u);
  BOOST_TEST(set->json.max_depth == 256u);
  BOOST_TEST(set->json.max_elements == 64u);
  BOOST_TEST(set->filter.max_length == 100u);
  BOOST_TEST(set->filter.max_nodes == 1000u);
}

BOOST_AUTO_TEST_CASE(rate_limit_has_a_default_and_can_be_set) {
  MapConfig source;
  source.values = {kTenants};
  auto defaults = kestra::app::load_config(source);
  BOOST_REQUIRE(defaults.has_value());
  BOOST_TEST(defaults->rate_limit.enabled);
  BOOST_TEST(defaults->rate_limit.requests_per_second == 500.0);
  BOOST_TEST(defaults->rate_limit.burst == 1000.0);
  source.values = {kTenants,
                   {"kestra.scim.rate-limit.enabled", "false"},
                   {"kestra.scim.rate-limit.requests-per-second", "0.5"},
                   {"kestra.scim.rate-limit.burst", "20"}};
  auto set = kestra::app::load_config(source);
  BOOST_REQUIRE(set.has_value());
  BOOST_TEST(!set->rate_limit.enabled);
  BOOST_TEST(set->rate_limit.requests_per_second == 0.5);
  BOOST_TEST(set->rate_limit.burst == 20.0);
}

BOOST_AUTO_TEST_CASE(noisy_neighbour_limits_have_defaults_and_can_be_set) {
  MapConfig source;
  source.values = {kTenants, {"kestra.scim.datasource.pool-size", "8"}};
  auto defaults = kestra::app::load_config(source);
  BOOST_REQUIRE(defaults.has_value());
  BOOST_TEST(defaults->fair_share.per_tenant == 6u);  // 0.75 of 8
  BOOST_TEST(defaults->fair_share.per_integration == 6u);
  BOOST_TEST(defaults->fair_share.cpus == kestra::available_processors());
  BOOST_TEST(defaults->fair_share.contention_window.count() == 1000);
  BOOST_TEST(defaults->fair_share.run_wait.count() == 1000);
  BOOST_TEST(defaults->failed_auth_limit.requests_per_second == 1.0);
  BOOST_TEST(defaults->failed_auth_limit.burst == 20.0);
  BOOST_TEST(defaults->max_string_chars == 16384u);
  BOOST_TEST(defaults->list_max_bytes == 8388608u);
  source.values = {kTenants,
                   {"kestra.scim.datasource.pool-size", "8"},
                   {"kestra.scim.fair-share.tenant", "0.5"},
                   {"kestra.scim.fair-share.integration", "0.25"},
                   {"kestra.scim.fair-share.cpus", "3"},
                   {"kestra.scim.fair-share.contention-window", "250ms"},
                   {"kestra.scim.fair-share.run-wait", "2s"},
                   {"kestra.scim.rate-limit.failed-auth-per-second", "0.5"},
                   {"kestra.scim.rate-limit.failed-auth-burst", "5"},
                   {"kestra.scim.limits.string-max-length", "100"},
                   {"kestra.scim.limits.list-max-bytes", "1000"}};
  auto set = kestra::app::load_config(source);
  BOOST_REQUIRE(set.has_value());
  BOOST_TEST(set->fair_share.per_tenant == 4u);
  BOOST_TEST(set->fair_share.per_integration == 2u);
  BOOST_TEST(set->fair_share.cpus == 3u);
  BOOST_TEST(set->fair_share.contention_window.count() == 250);
  BOOST_TEST(set->fair_share.run_wait.count() == 2000);
  BOOST_TEST(set->failed_auth_limit.requests_per_second == 0.5);
  BOOST_TEST(set->failed_auth_limit.burst == 5.0);
  BOOST_TEST(set->max_string_chars == 100u);
  BOOST_TEST(set->list_max_bytes == 1000u);
  source.values["kestra.scim.fair-share.enabled"] = "false";
  BOOST_TEST(kestra::app::load_config(source)->fair_share.per_tenant > 1000000u);
  BOOST_TEST(kestra::app::load_config(source)->fair_share.cpus == 0u);  // no share of the processors
}

BOOST_AUTO_TEST_CASE(pool_follows_the_hosts_worker_count_unless_set) {
  MapConfig source;
  source.values = {kTenants, {"kestra.harness.workers", "7"}};
  BOOST_TEST(kestra::app::load_config(source)->store.pool_size == 7);
  source.values["kestra.scim.datasource.pool-size"] = "3";
  BOOST_TEST(kestra::app::load_config(source)->store.pool_size == 3);
}

namespace {

// A datasource block and the store configuration it becomes.
struct DatasourceCase {
  const char* name;
  std::map<std::string, std::string, std::less<>> values;
  const char* backend;
  const char* host;
  const char* port;
  const char* database;
  const char* user;
  const char* password;
  const char* schema;
  Options options;
};
std::ostream& operator<<(std::ostream& os, const DatasourceCase& c) { return os << c.name; }

const DatasourceCase kDatasources[] = {
    {"no datasource: embedded SQLite", {}, "sqlite", "", "", "", "", "", "", {}},
    {"Kestra's postgres block",
     {{"datasources.postgres.url", "jdbc:postgresql://postgres:5432/kestra"},
      {"datasources.postgres.driver-class-name", "org.postgresql.Driver"},
      {"datasources.postgres.username", "kestra"},
      {"datasources.postgres.password", "k3str4"}},
     "postgresql", "postgres", "5432", "kestra", "kestra", "k3str4", "", {}},
    {"Kestra's mysql block",
     {{"datasources.mysql.url", "jdbc:mysql://mysql:3306/kestra"},
      {"datasources.mysql.username", "kestra"},
      {"datasources.mysql.password", "k3str4"}},
     "mysql", "mysql", "3306", "kestra", "kestra", "k3str4", "", {}},
    {"mariadb URL", {{"datasources.mysql.url", "jdbc:mariadb://maria/db"}}, "mysql", "maria", "", "db", "", "", "", {}},
    {"no port: the driver's default",
     {{"datasources.postgres.url", "jdbc:postgresql://db.internal/kestra"}},
     "postgresql", "db.internal", "", "kestra", "", "", "", {}},
    {"several hosts, a port for each",
     {{"datasources.postgres.url", "jdbc:postgresql://a:5433,b,[::1]:6000/kestra"}},
     "postgresql", "a,b,::1", "5433,5432,6000", "kestra", "", "", "", {}},
    {"no host: localhost", {{"datasources.postgres.url", "jdbc:postgresql:///kestra"}},
     "postgresql", "localhost", "", "kestra", "", "", "", {}},
    {"host-less form", {{"datasources.postgres.url", "jdbc:postgresql:kestra"}},
     "postgresql", "", "", "kestra", "", "", "", {}},
    {"user and password in the query, escaped",
     {{"datasources.postgres.url", "jdbc:postgresql://db/k%20db?user=ke%26stra&password=p%3Dw%25"}},
     "postgresql", "db", "", "k db", "ke&stra", "p=w%", "", {}},
    {"username key wins over the URL",
     {{"datasources.postgres.url", "jdbc:postgresql://db/kestra?user=a&password=b"},
      {"datasources.postgres.username", "c"}},
     "postgresql", "db", "", "kestra", "c", "b", "", {}},
    {"user info in the authority",
     {{"datasources.mysql.url", "jdbc:mysql://me:p%40ss@db:3307/kestra"}},
     "mysql", "db", "3307", "kestra", "me", "p@ss", "", {}},
    {"postgres parameters",
     {{"datasources.postgres.url",
       "jdbc:postgresql://db/kestra?currentSchema=scim&sslmode=verify-full&sslrootcert=/ca.pem&connectTimeout=5"
       "&ApplicationName=kestra&targetServerType=primary&prepareThreshold=0"}},
     "postgresql", "db", "", "kestra", "", "", "scim",
     {{"sslmode", "verify-full"},
      {"sslrootcert", "/ca.pem"},
      {"connect_timeout", "5"},
      {"application_name", "kestra"},
      {"target_session_attrs", "primary"}}},
    {"pgJDBC ssl=true verifies", {{"datasources.postgres.url", "jdbc:postgresql://db/kestra?ssl=true"}},
     "postgresql", "db", "", "kestra", "", "", "", {{"sslmode", "verify-full"}}},
    {"mysql parameters",
     {{"datasources.mysql.url",
       "jdbc:mysql://db/kestra?sslMode=REQUIRED&connectTimeout=2500&socketTimeout=60000&serverTimezone=UTC"
       "&useUnicode=true"}},
     "mysql", "db", "", "kestra", "", "", "",
     {{"ssl_mode", "REQUIRED"}, {"connect_timeout", "3"}, {"read_timeout", "60"}, {"write_timeout", "60"}}},
    {"mysql sslMode preferred adds nothing",
     {{"datasources.mysql.url", "jdbc:mysql://db/kestra?sslMode=PREFERRED&connectTimeout=0"}},
     "mysql", "db", "", "kestra", "", "", "", {}},
    {"repository type picks postgres",
     {{"kestra.repository.type", "postgres"},
      {"datasources.postgres.url", "jdbc:postgresql://pg/kestra"},
      {"datasources.mysql.url", "jdbc:mysql://my/kestra"}},
     "postgresql", "pg", "", "kestra", "", "", "", {}},
    {"repository type picks mysql",
     {{"kestra.repository.type", "mysql"},
      {"datasources.postgres.url", "jdbc:postgresql://pg/kestra"},
      {"datasources.mysql.url", "jdbc:mysql://my/kestra"}},
     "mysql", "my", "", "kestra", "", "", "", {}},
    {"repository type elasticsearch: the one datasource",
     {{"kestra.repository.type", "elasticsearch"}, {"datasources.mysql.url", "jdbc:mysql://my/kestra"}},
     "mysql", "my", "", "kestra", "", "", "", {}},
    {"repository type h2: embedded SQLite",
     {{"kestra.repository.type", "h2"}, {"datasources.postgres.url", "jdbc:postgresql://pg/kestra"}},
     "sqlite", "", "", "", "", "", "", {}},
};

}  // namespace

BOOST_DATA_TEST_CASE(datasource_becomes_the_store_connection, boost::unit_test::data::make(kDatasources), c) {
  MapConfig source;
  source.values = c.values;
  source.values.insert(kTenants);
  auto config = start_config(source);
  BOOST_REQUIRE_MESSAGE(config.has_value(), (config ? "" : config.error().detail));
  const auto& s = config->store;
  BOOST_TEST(s.backend == c.backend);
  BOOST_TEST(s.host == c.host);
  BOOST_TEST(s.port == c.port);
  BOOST_TEST(s.database == c.database);
  BOOST_TEST(s.user == c.user);
  BOOST_TEST(s.password == c.password);
  BOOST_TEST(s.schema == c.schema);
  BOOST_TEST(s.connection.empty());
  BOOST_TEST_REQUIRE(s.options.size() == c.options.size());
  for (std::size_t i = 0; i < c.options.size(); ++i) {
    BOOST_TEST(s.options[i].first == c.options[i].first);
    BOOST_TEST(s.options[i].second == c.options[i].second);
  }
  BOOST_TEST(s.sqlite_path == "data/kestra-scim.db");
}

namespace {

struct DurationCase {
  const char* text;
  long long ms;  // -1: refused
};
std::ostream& operator<<(std::ostream& os, const DurationCase& c) { return os << c.text; }

const DurationCase kDurations[] = {
    {"30s", 30000},  {"500ms", 500},   {"2m", 120000},     {"1h", 3600000},  {"0s", 0},     {"PT30S", 30000},
    {"pt1m30s", 90000}, {"PT1H", 3600000}, {"24h", 86400000}, {"30", -1},    {"", -1},      {"s", -1},
    {"-5s", -1},     {"5 s", -1},      {"1d", -1},         {"PT", -1},       {"PT30S1M", -1}, {"25h", -1},
    {"PT1.5S", -1},  {"99999999999999999999s", -1},
};

}  // namespace

BOOST_DATA_TEST_CASE(statement_timeout_durations, boost::unit_test::data::make(kDurations), c) {
  MapConfig source;
  source.values = {kTenants, {"kestra.scim.datasource.statement-timeout", c.text}};
  auto config = kestra::app::load_config(source);
  if (c.ms < 0) {
    BOOST_TEST_REQUIRE(config.has_error());
    BOOST_TEST(config.error().detail.find("kestra.scim.datasource.statement-timeout") != std::string::npos);
  } else {
    BOOST_TEST_REQUIRE(config.has_value(), (config ? "" : config.error().detail));
    BOOST_TEST(config->store.statement_timeout_ms == c.ms);
  }
}

namespace {

// socketTimeout: seconds in pgJDBC, milliseconds in MySQL Connector/J.
struct SocketTimeoutCase {
  const char* url;
  long long ms;  // -1: unset, -2: refused
};
std::ostream& operator<<(std::ostream& os, const SocketTimeoutCase& c) { return os << c.url; }

const SocketTimeoutCase kSocketTimeouts[] = {
    {"jdbc:postgresql://db/kestra", -1},
    {"jdbc:postgresql://db/kestra?socketTimeout=2", 2000},
    {"jdbc:postgresql://db/kestra?socketTimeout=0", 0},
    {"jdbc:postgresql://db/kestra?socketTimeout=86400", 86400000},
    {"jdbc:postgresql://db/kestra?socketTimeout=86401", -2},
    {"jdbc:postgresql://db/kestra?socketTimeout=2s", -2},
    {"jdbc:mysql://db/kestra", -1},
    {"jdbc:mysql://db/kestra?socketTimeout=2500", 2500},
    {"jdbc:mysql://db/kestra?socketTimeout=0", 0},
    {"jdbc:mysql://db/kestra?socketTimeout=-1", -2},
};

}  // namespace

BOOST_DATA_TEST_CASE(socket_timeout_from_the_jdbc_url, boost::unit_test::data::make(kSocketTimeouts), c) {
  auto store = kestra::adapters::store_config_from_jdbc(c.url);
  if (c.ms == -2) {
    BOOST_TEST_REQUIRE(store.has_error());
    BOOST_TEST(store.error().detail.find("socketTimeout") != std::string::npos);
    return;
  }
  BOOST_TEST_REQUIRE(store.has_value(), (store ? "" : store.error().detail));
  BOOST_TEST(store->socket_timeout_ms.has_value() == (c.ms != -1));
  if (c.ms != -1) BOOST_TEST(*store->socket_timeout_ms == c.ms);
}

BOOST_AUTO_TEST_SUITE_END()
