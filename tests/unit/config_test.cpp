#include "app/config.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <map>

namespace {

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

const RefusedCase kRefused[] = {
    {"tenants absent", {}, "kestra.ee.tenants.enabled"},
    {"tenants false", {{"kestra.ee.tenants.enabled", "false"}}, "kestra.ee.tenants.enabled"},
    {"tenants garbage", {{"kestra.ee.tenants.enabled", "yes please"}}, "kestra.ee.tenants.enabled"},
    {"bad max results",
     {{"kestra.ee.tenants.enabled", "true"}, {"kestra.scim.filter.max-results", "-3"}},
     "kestra.scim.filter.max-results"},
    {"bad pool size",
     {{"kestra.ee.tenants.enabled", "true"}, {"kestra.scim.datasource.pool-size", "4x"}},
     "kestra.scim.datasource.pool-size"},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(config)

BOOST_DATA_TEST_CASE(refused_configurations, boost::unit_test::data::make(kRefused), c) {
  MapConfig source;
  source.values = c.values;
  auto config = kestra::app::load_config(source);
  BOOST_REQUIRE(config.has_error());
  BOOST_TEST(config.error().detail.find(c.message_part) != std::string::npos, config.error().detail);
}

BOOST_AUTO_TEST_CASE(defaults_and_overrides) {
  MapConfig source;
  source.values = {{"kestra.ee.tenants.enabled", "true"},
                   {"kestra.scim.sqlite.path", "/tmp/x.db"},
                   {"kestra.url", "https://kestra.example.com/"},
                   {"kestra.scim.filter.max-results", "250"}};
  auto config = kestra::app::load_config(source);
  BOOST_REQUIRE(config.has_value());
  BOOST_TEST(config->store.sqlite_path == "/tmp/x.db");
  BOOST_TEST(config->store.backend == "sqlite");
  BOOST_TEST(config->public_url == "https://kestra.example.com/");
  BOOST_TEST(config->max_results == 250);
  BOOST_TEST(config->bulk_max_operations == 1000);
}

BOOST_AUTO_TEST_SUITE_END()
