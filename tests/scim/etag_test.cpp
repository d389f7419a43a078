// ETags over HTTP (RFC 7644 3.14): If-None-Match on GET, If-Match on PUT
// and DELETE, for users and groups; a refused precondition changes nothing.
#define BOOST_TEST_MODULE scim_etag
#include "scim_support.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>

using namespace kestra::test;
namespace data = boost::unit_test::data;
namespace json = boost::json;

namespace {

struct Kind {
  const char* endpoint;
  json::object (*body)(const std::string& name);
};
std::ostream& operator<<(std::ostream& out, const Kind& k) { return out << k.endpoint; }

const Kind kKinds[] = {
    {"/Users", [](const std::string& name) { return user_body(name + "@example.com"); }},
    {"/Groups", [](const std::string& name) { return group_body(name); }},
};

struct World {
  HarnessProcess harness{module_options()};
  Scim okta = scim_client(harness, "acme", "okta");
};

struct Created {
  std::string path;
  std::string etag;
};

Created create_one(const World& w, const Kind& k, const std::string& name) {
  const auto res = w.okta.post(k.endpoint, k.body(name));
  const auto body = require_json(res, 201, "create");
  return {std::string(k.endpoint) + "/" + str(body, "id"), res.header("ETag").value_or("")};
}

// The opaque part of W/"…": clients may send it strong or weak.
std::string strong(const std::string& etag) { return etag.starts_with("W/") ? etag.substr(2) : etag; }

}  // namespace

BOOST_DATA_TEST_CASE(if_none_match_answers_304_while_the_version_holds, data::make(kKinds), k) {
  World w;
  const auto c = create_one(w, k, "cached");
  const auto got = w.okta.get(c.path);
  BOOST_TEST(got.status == 200u);
  BOOST_TEST(got.header("ETag").value_or("") == c.etag);
  BOOST_TEST(str(json_body(got).at("meta"), "version") == c.etag);

  for (const auto& tag : {c.etag, strong(c.etag), std::string("*"), "W/\"0\", " + c.etag}) {
    BOOST_TEST_CONTEXT("If-None-Match: " << tag) {
      const auto res = w.okta.get(c.path, {{"If-None-Match", tag}});
      BOOST_TEST(res.status == 304u, res.body);
      BOOST_TEST(res.body.empty());
      BOOST_TEST(res.header("ETag").value_or("") == c.etag);
    }
  }
  for (const std::string tag : {"W/\"0\"", "\"other\"", ""}) {
    BOOST_TEST_CONTEXT("If-None-Match: " << tag) {
      BOOST_TEST(w.okta.get(c.path, {{"If-None-Match", tag}}).status == 200u);
    }
  }

  // After a change the old tag no longer matches.
  const auto put = w.okta.put(c.path, k.body("cached-renamed"));
  BOOST_TEST_REQUIRE(put.status == 200u, put.body);
  const auto fresh = w.okta.get(c.path, {{"If-None-Match", c.etag}});
  BOOST_TEST(fresh.status == 200u);
  BOOST_TEST(fresh.header("ETag").value_or("") == put.header("ETag").value_or(""));
  BOOST_TEST(fresh.header("ETag").value_or("") != c.etag);
}

BOOST_DATA_TEST_CASE(a_stale_if_match_is_412_and_changes_nothing, data::make(kKinds), k) {
  World w;
  const auto c = create_one(w, k, "guarded");
  const auto put = w.okta.put(c.path, k.body("guarded-v2"), {{"If-Match", c.etag}});
  BOOST_TEST_REQUIRE(put.status == 200u, put.body);
  const std::string current = put.header("ETag").value_or("");
  BOOST_TEST(current != c.etag);
  BOOST_TEST(str(json_body(put).at("meta"), "version") == current);

  const auto before = scim_state(w.okta, "acme");
  const auto representation = w.okta.get(c.path).body;
  for (const auto& stale : {c.etag, strong(c.etag), std::string("W/\"999\""), std::string("\"garbage\"")}) {
    BOOST_TEST_CONTEXT("If-Match: " << stale) {
      check_error(w.okta.put(c.path, k.body("guarded-v3"), {{"If-Match", stale}}), 412);
      check_error(w.okta.del(c.path, {{"If-Match", stale}}), 412);
    }
  }
  check_unchanged(before, scim_state(w.okta, "acme"));
  BOOST_TEST(w.okta.get(c.path).body == representation);

  // The current tag, weak or strong, or "*", lets the change through.
  const auto again = w.okta.put(c.path, k.body("guarded-v3"), {{"If-Match", strong(current)}});
  BOOST_TEST_REQUIRE(again.status == 200u, again.body);
  const std::string latest = again.header("ETag").value_or("");
  BOOST_TEST(latest != current);
  const auto star = w.okta.put(c.path, k.body("guarded-v4"), {{"If-Match", "*"}});
  BOOST_TEST_REQUIRE(star.status == 200u, star.body);
  const auto del = w.okta.del(c.path, {{"If-Match", "W/\"1\", " + star.header("ETag").value_or("")}});
  BOOST_TEST(del.status == 204u, del.body);
  check_error(w.okta.get(c.path), 404);
  check_error(w.okta.del(c.path, {{"If-Match", "*"}}), 404);
}

BOOST_DATA_TEST_CASE(every_change_moves_the_etag, data::make(kKinds), k) {
  World w;
  const auto c = create_one(w, k, "versioned");
  std::set<std::string> seen{c.etag};
  for (int i = 0; i < 3; ++i) {
    const auto put = w.okta.put(c.path, k.body("versioned-" + std::to_string(i)));
    BOOST_TEST_REQUIRE(put.status == 200u);
    BOOST_TEST(seen.insert(put.header("ETag").value_or("")).second, "ETag repeated: " << put.header("ETag").value_or(""));
  }
}

BOOST_AUTO_TEST_CASE(membership_changes_move_the_group_etag) {
  World w;
  const auto alice = create_user(w.okta, "alice@example.com");
  const auto bob = create_user(w.okta, "bob@example.com");
  const auto group = w.okta.post("/Groups", group_body("Team", {alice, bob}));
  BOOST_TEST_REQUIRE(group.status == 201u);
  const std::string path = "/Groups/" + str(json_body(group), "id");
  const std::string etag = group.header("ETag").value_or("");

  // Removing a user from the tenant changes the group it belonged to.
  BOOST_TEST_REQUIRE(w.okta.del("/Users/" + bob).status == 204u);
  const auto after = w.okta.get(path, {{"If-None-Match", etag}});
  BOOST_TEST(after.status == 200u);
  BOOST_TEST(after.header("ETag").value_or("") != etag);
  check_error(w.okta.put(path, group_body("Team", {alice}), {{"If-Match", etag}}), 412);
}

BOOST_AUTO_TEST_CASE(list_entries_carry_the_same_version_as_get) {
  World w;
  const auto u = create_one(w, kKinds[0], "listed");
  const auto g = create_one(w, kKinds[1], "listed");
  const auto users = list(w.okta, "/Users");
  BOOST_TEST(str(users.at("Resources").as_array()[0].at("meta"), "version") == u.etag);
  const auto groups = list(w.okta, "/Groups");
  BOOST_TEST(str(groups.at("Resources").as_array()[0].at("meta"), "version") == g.etag);
}
