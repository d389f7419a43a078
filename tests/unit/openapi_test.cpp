#include "app/admin_api.hpp"
#include "kestra/resources.hpp"

#include <boost/algorithm/string/case_conv.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

BOOST_AUTO_TEST_SUITE(openapi)

BOOST_AUTO_TEST_CASE(every_admin_route_is_documented) {
  auto text = kestra::resources::find("openapi/kestra-scim-admin.json");
  BOOST_REQUIRE(text.has_value());
  auto doc = boost::json::parse(*text).as_object();
  BOOST_TEST(doc.at("openapi").as_string().starts_with("3."));
  const auto& paths = doc.at("paths").as_object();
  const auto routes = kestra::app::AdminApi::route_table();
  BOOST_TEST(routes.size() >= 12u);
  for (const auto& [method, path] : routes) {
    auto it = paths.find(path);
    BOOST_TEST_INFO(method << " " << path);
    BOOST_REQUIRE(it != paths.end());
    BOOST_TEST(it->value().as_object().contains(boost::algorithm::to_lower_copy(method)));
  }
}

BOOST_AUTO_TEST_SUITE_END()
