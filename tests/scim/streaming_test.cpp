// GET /Groups/{id} of a large group streams its members (chunked, never
// held whole) and serves the same JSON as the buffered renderings; its
// projections and If-None-Match still work.
#define BOOST_TEST_MODULE scim_streaming
#include "scim_support.hpp"

#include <boost/test/unit_test.hpp>

using namespace kestra::test;
namespace json = boost::json;

namespace {

// Enough members for a body well past one 64 KiB piece.
constexpr int kMembers = 700;


struct World {
  HarnessProcess harness{module_options({"acme"})};
  Scim okta = scim_client(harness, "acme", "okta");
  std::vector<std::string> users = bulk_users(okta, kMembers, "member-");
  std::string group = create_group(okta, "Everyone", users);
};

}  // namespace

BOOST_AUTO_TEST_CASE(a_large_group_streams_the_same_json) {
  World w;
  const auto res = w.okta.get("/Groups/" + w.group);
  BOOST_TEST_REQUIRE(res.status == 200u, res.body);
  BOOST_TEST(res.header("Transfer-Encoding").value_or("") == "chunked");
  BOOST_TEST(!res.header("Content-Length").has_value());
  BOOST_TEST(res.header("Content-Type").value_or("").find("application/scim+json") == 0u);
  BOOST_TEST(res.body.size() > 2u * 65536u);
  const auto group = require_json(res, 200, "GET /Groups/{id}");
  BOOST_TEST(res.header("ETag").value_or("") == str(group.at("meta"), "version"));
  BOOST_TEST(json::serialize(group) == res.body);  // compact, as rendered whole
  BOOST_TEST(member_ids(group) == as_set(w.users));
  BOOST_TEST(group.at("members").as_array().size() == static_cast<std::size_t>(kMembers));

  // The list renders the group whole: the same document.
  const auto listed = list(w.okta, "/Groups?" + filter_query("displayName eq \"Everyone\""));
  BOOST_TEST_REQUIRE(listed.at("Resources").as_array().size() == 1u);
  BOOST_TEST(json::serialize(listed.at("Resources").as_array().front()) == res.body);

  // Projections.
  const auto values = get_json(w.okta, "/Groups/" + w.group + "?attributes=members.value");
  BOOST_TEST(!values.contains("displayName"));
  BOOST_TEST(member_ids(values) == as_set(w.users));
  for (const auto& m : values.at("members").as_array()) BOOST_TEST(m.as_object().size() == 1u);
  const auto excluded = w.okta.get("/Groups/" + w.group + "?excludedAttributes=members");
  BOOST_TEST(excluded.status == 200u);
  BOOST_TEST(excluded.header("Content-Length").has_value());
  BOOST_TEST(!require_json(excluded, 200, "excludedAttributes=members").contains("members"));

  // A matching If-None-Match is answered before any body.
  const auto etag = res.header("ETag").value_or("");
  const auto unchanged = w.okta.get("/Groups/" + w.group, {{"If-None-Match", etag}});
  BOOST_TEST(unchanged.status == 304u);
  BOOST_TEST(unchanged.body.empty());
  BOOST_TEST(unchanged.header("ETag").value_or("") == etag);

  // A group of a few members still goes out whole.
  const std::string small = create_group(w.okta, "Few", {w.users[0], w.users[1]});
  const auto few = w.okta.get("/Groups/" + small);
  BOOST_TEST(few.status == 200u);
  BOOST_TEST(few.header("Content-Length").has_value());
  BOOST_TEST(member_ids(require_json(few, 200, "GET small group")).size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_missing_group_is_still_a_404) {
  HarnessProcess harness{module_options({"acme"})};
  const Scim okta = scim_client(harness, "acme", "okta");
  check_error(okta.get("/Groups/no-such-group"), 404);
}
