// /Groups over HTTP: create with members, read with and without members,
// replace, delete, displayName uniqueness, and the users' `groups`.
#define BOOST_TEST_MODULE scim_groups
#include "scim_support.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>

using namespace kestra::test;
namespace data = boost::unit_test::data;
namespace json = boost::json;

namespace {

struct World {
  HarnessProcess harness{module_options({"acme", "globex"})};
  Scim okta = scim_client(harness, "acme", "okta");
  Scim foreign = scim_client(harness, "globex", "okta");
  std::string alice = create_user(okta, "alice@example.com");
  std::string bob = create_user(okta, "bob@example.com");
  std::string carol = create_user(okta, "carol@example.com");
};

// The group's members as served: id -> member object.
std::map<std::string, json::object> members_by_id(const json::object& group) {
  std::map<std::string, json::object> out;
  for (const auto& m : group.at("members").as_array()) out[str(m, "value")] = m.as_object();
  return out;
}

// The ids of the groups a user lists.
std::set<std::string> groups_of(const Scim& scim, const std::string& user) {
  std::set<std::string> out;
  const auto u = get_json(scim, "/Users/" + user);
  if (const auto* g = u.if_contains("groups")) {
    for (const auto& e : g->as_array()) out.insert(str(e, "value"));
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(create_with_members_and_read_them_back) {
  World w;
  auto body = group_body("Engineering", {w.alice, w.bob});
  body["externalId"] = "okta-group-1";
  body["members"].as_array()[1].as_object()["display"] = "ignored: the server names members";
  const auto res = w.okta.post("/Groups", body);
  const auto group = require_json(res, 201, "POST /Groups");
  const std::string id = str(group, "id");
  const auto& meta = group.at("meta").as_object();
  BOOST_TEST(str(meta, "resourceType") == "Group");
  BOOST_TEST(str(meta, "location") == w.okta.url() + "/Groups/" + id);
  BOOST_TEST(res.header("Location").value_or("") == str(meta, "location"));
  BOOST_TEST(res.header("ETag").value_or("") == str(meta, "version"));
  BOOST_TEST(meta.at("created") == meta.at("lastModified"));
  BOOST_TEST(group.at("schemas") == json::array{kGroupUrn});
  BOOST_TEST(str(group, "displayName") == "Engineering");
  BOOST_TEST(str(group, "externalId") == "okta-group-1");

  const auto got = get_json(w.okta, "/Groups/" + id);
  BOOST_TEST(got == group);
  const auto members = members_by_id(got);
  BOOST_TEST_REQUIRE(members.size() == 2u);
  for (const auto& [user, name] : {std::pair{w.alice, "alice@example.com"}, std::pair{w.bob, "bob@example.com"}}) {
    const auto& m = members.at(user);
    BOOST_TEST(str(m, "display") == name);
    BOOST_TEST(str(m, "type") == "User");
    BOOST_TEST(str(m, "$ref") == w.okta.url() + "/Users/" + user);
  }

  const auto without = get_json(w.okta, "/Groups/" + id + "?excludedAttributes=members");
  BOOST_TEST(!without.contains("members"));
  BOOST_TEST(str(without, "displayName") == "Engineering");
  BOOST_TEST(str(without, "id") == id);
  const auto names_only = get_json(w.okta, "/Groups/" + id + "?attributes=displayName");
  BOOST_TEST(!names_only.contains("members"));
  BOOST_TEST(!names_only.contains("externalId"));
  BOOST_TEST(str(names_only, "id") == id);
  const auto values_only = get_json(w.okta, "/Groups/" + id + "?attributes=members.value");
  for (const auto& m : values_only.at("members").as_array()) BOOST_TEST(m.as_object().size() == 1u, m);
  const auto listed = list(w.okta, "/Groups?excludedAttributes=members");
  BOOST_TEST(listed.at("Resources").as_array().at(0).as_object().contains("members") == false);

  BOOST_TEST(groups_of(w.okta, w.alice) == std::set<std::string>{id});
  BOOST_TEST(groups_of(w.okta, w.carol).empty());
  const auto alice = get_json(w.okta, "/Users/" + w.alice);
  const auto& entry = alice.at("groups").as_array().at(0);
  BOOST_TEST(str(entry, "display") == "Engineering");
  BOOST_TEST(str(entry, "type") == "direct");
}

// A listed page shows each user's own groups (read for the page at once).
BOOST_AUTO_TEST_CASE(a_listed_page_shows_each_users_groups) {
  World w;
  const auto both = create_group(w.okta, "Both", {w.alice, w.bob});
  const auto only_bob = create_group(w.okta, "Bob Only", {w.bob});
  std::map<std::string, std::set<std::string>> listed;
  const auto page = list(w.okta, "/Users?count=100");
  for (const auto& u : page.at("Resources").as_array()) {
    auto& groups = listed[str(u, "id")];
    if (const auto* g = u.as_object().if_contains("groups")) {
      for (const auto& e : g->as_array()) groups.insert(str(e, "value"));
    }
  }
  BOOST_TEST((listed[w.alice] == std::set<std::string>{both}));
  BOOST_TEST((listed[w.bob] == std::set<std::string>{both, only_bob}));
  BOOST_TEST(listed[w.carol].empty());
  const auto names = list(w.okta, "/Users?attributes=userName").at("Resources").as_array();
  BOOST_TEST(!names.at(0).as_object().contains("groups"));
}

BOOST_AUTO_TEST_CASE(a_group_without_members_has_none_to_show) {
  World w;
  const auto group = create(w.okta, "/Groups", json::object{{"schemas", json::array{kGroupUrn}}, {"displayName", "Empty"}});
  BOOST_TEST(!group.contains("members"));
  BOOST_TEST(!get_json(w.okta, "/Groups/" + str(group, "id")).contains("members"));
}

BOOST_AUTO_TEST_CASE(groups_can_hold_groups) {
  World w;
  const auto inner = create_group(w.okta, "Inner", {w.alice});
  auto body = group_body("Outer", {w.bob});
  body["members"].as_array().push_back(json::object{{"value", inner}, {"type", "Group"}});
  const auto outer = create(w.okta, "/Groups", body);
  const auto members = members_by_id(get_json(w.okta, "/Groups/" + str(outer, "id")));
  BOOST_TEST_REQUIRE(members.count(inner) == 1u);
  BOOST_TEST(str(members.at(inner), "type") == "Group");
  BOOST_TEST(str(members.at(inner), "display") == "Inner");
  BOOST_TEST(str(members.at(inner), "$ref") == w.okta.url() + "/Groups/" + inner);
}

namespace {

struct BadMember {
  const char* name;
  std::string (*id)(const World&);
};
std::ostream& operator<<(std::ostream& out, const BadMember& m) { return out << m.name; }

const BadMember kBadMembers[] = {
    {"unknown id", [](const World&) { return std::string("00000000-0000-4000-8000-000000000000"); }},
    {"user of another tenant only",
     [](const World& w) { return create_user(w.foreign, "stranger@globex.example"); }},
    {"group of another tenant", [](const World& w) { return create_group(w.foreign, "Globex Team"); }},
    {"user removed from this tenant",
     [](const World& w) {
       const auto id = create_user(w.okta, "leaver@example.com");
       if (w.okta.del("/Users/" + id).status != 204) throw std::runtime_error("delete failed");
       return id;
     }},
    {"quote in the id", [](const World&) { return std::string("x' OR '1'='1"); }},
};

}  // namespace

BOOST_DATA_TEST_CASE(a_member_not_of_this_tenant_is_invalid_value_and_nothing_is_written, data::make(kBadMembers),
                     bad) {
  World w;
  const auto existing = create_group(w.okta, "Existing", {w.alice});
  const std::string stranger = bad.id(w);
  const auto before = scim_state(w.okta, "acme");

  const auto created = w.okta.post("/Groups", group_body("New", {w.bob, stranger}));
  check_error(created, 400, "invalidValue");
  BOOST_TEST(detail_of(created).find(stranger) != std::string::npos, created.body);

  const auto replaced = w.okta.put("/Groups/" + existing, group_body("Renamed", {w.carol, stranger}));
  check_error(replaced, 400, "invalidValue");
  BOOST_TEST(detail_of(replaced).find(stranger) != std::string::npos, replaced.body);

  check_unchanged(before, scim_state(w.okta, "acme"));
  BOOST_TEST(groups_of(w.okta, w.bob).empty());
  BOOST_TEST(groups_of(w.okta, w.carol).empty());
}

BOOST_AUTO_TEST_CASE(display_name_is_unique_per_tenant) {
  World w;
  const auto id = create_group(w.okta, "Admins");
  const auto before = scim_state(w.okta, "acme");
  check_error(w.okta.post("/Groups", group_body("Admins")), 409, "uniqueness");
  check_error(w.okta.post("/Groups", group_body("ADMINS", {w.alice})), 409, "uniqueness");
  check_unchanged(before, scim_state(w.okta, "acme"));

  // Another tenant may use the name.
  const auto elsewhere = create_group(w.foreign, "Admins");
  BOOST_TEST(elsewhere != id);
  // Renaming onto a taken name is refused too.
  const auto other = create_group(w.okta, "Operators");
  check_error(w.okta.put("/Groups/" + other, group_body("admins")), 409, "uniqueness");
  BOOST_TEST(str(get_json(w.okta, "/Groups/" + other), "displayName") == "Operators");
  // The group may change the case of its own name.
  BOOST_TEST(str(require_json(w.okta.put("/Groups/" + id, group_body("ADMINS")), 200, "recase"), "displayName") ==
             "ADMINS");
}

BOOST_AUTO_TEST_CASE(put_replaces_name_and_members) {
  World w;
  const auto created = create(w.okta, "/Groups", group_body("Team", {w.alice, w.bob}));
  const std::string id = str(created, "id");

  auto res = w.okta.put("/Groups/" + id, group_body("Team B", {w.bob, w.carol}));
  auto group = require_json(res, 200, "PUT");
  BOOST_TEST(str(group, "displayName") == "Team B");
  BOOST_TEST(member_ids(group) == (std::set<std::string>{w.bob, w.carol}));
  BOOST_TEST(member_ids(get_json(w.okta, "/Groups/" + id)) == (std::set<std::string>{w.bob, w.carol}));
  BOOST_TEST(res.header("ETag").value_or("") != str(created.at("meta"), "version"));
  BOOST_TEST(str(group.at("meta"), "version") == res.header("ETag").value_or(""));
  BOOST_TEST(group.at("meta").at("created") == created.at("meta").at("created"));
  BOOST_TEST(groups_of(w.okta, w.alice).empty());
  BOOST_TEST(groups_of(w.okta, w.carol) == std::set<std::string>{id});
  BOOST_TEST(str(get_json(w.okta, "/Users/" + w.carol).at("groups").as_array().at(0), "display") == "Team B");

  // No members given: none left.
  group = require_json(w.okta.put("/Groups/" + id, json::object{{"schemas", json::array{kGroupUrn}}, {"displayName", "Team B"}}),
                       200, "PUT without members");
  BOOST_TEST(!group.contains("members"));
  BOOST_TEST(groups_of(w.okta, w.bob).empty());
  // The same member twice counts once.
  group = require_json(w.okta.put("/Groups/" + id, group_body("Team B", {w.alice, w.alice})), 200, "twice");
  BOOST_TEST(group.at("members").as_array().size() == 1u);

  check_error(w.okta.put("/Groups/00000000-0000-4000-8000-000000000000", group_body("X")), 404);
}

BOOST_AUTO_TEST_CASE(delete_removes_the_group_and_the_users_memberships) {
  World w;
  const auto id = create_group(w.okta, "Doomed", {w.alice});
  const auto keep = create_group(w.okta, "Kept", {w.alice});
  const auto res = w.okta.del("/Groups/" + id);
  BOOST_TEST(res.status == 204u, res.body);
  BOOST_TEST(res.body.empty());
  check_error(w.okta.get("/Groups/" + id), 404);
  check_error(w.okta.del("/Groups/" + id), 404);
  check_error(w.okta.put("/Groups/" + id, group_body("Doomed")), 404);
  BOOST_TEST(ids_of(list(w.okta, "/Groups")) == std::vector<std::string>{keep});
  BOOST_TEST(groups_of(w.okta, w.alice) == std::set<std::string>{keep});
  // The name is free again.
  create_group(w.okta, "Doomed");
}

BOOST_AUTO_TEST_CASE(deleting_a_user_removes_its_memberships_here) {
  World w;
  const auto team = create(w.okta, "/Groups", group_body("Team", {w.alice, w.bob}));
  const std::string id = str(team, "id");
  BOOST_TEST(w.okta.del("/Users/" + w.alice).status == 204u);
  const auto after = get_json(w.okta, "/Groups/" + id);
  BOOST_TEST(member_ids(after) == std::set<std::string>{w.bob});
  BOOST_TEST(str(after.at("meta"), "version") != str(team.at("meta"), "version"));
  BOOST_TEST(total_of(list(w.okta, "/Groups?" + filter_query("members[value eq \"" + w.alice + "\"]"))) == 0);

  // Granted access again, the user starts with no groups here.
  const auto back = create(w.okta, "/Users", user_body("alice@example.com"));
  BOOST_TEST(str(back, "id") == w.alice);
  BOOST_TEST(groups_of(w.okta, w.alice).empty());
  BOOST_TEST(member_ids(get_json(w.okta, "/Groups/" + id)) == std::set<std::string>{w.bob});
}

BOOST_AUTO_TEST_CASE(user_groups_attribute_can_be_excluded_or_asked_for) {
  World w;
  const auto g1 = create_group(w.okta, "One", {w.alice});
  const auto g2 = create_group(w.okta, "Two", {w.alice});
  BOOST_TEST(groups_of(w.okta, w.alice) == (std::set<std::string>{g1, g2}));
  BOOST_TEST(!get_json(w.okta, "/Users/" + w.alice + "?excludedAttributes=groups").contains("groups"));
  const auto only = get_json(w.okta, "/Users/" + w.alice + "?attributes=groups");
  BOOST_TEST(only.at("groups").as_array().size() == 2u);
  BOOST_TEST(!only.contains("userName"));
  const auto listed = list(w.okta, "/Users?" + filter_query("groups.display eq \"two\""));
  BOOST_TEST(ids_of(listed) == std::vector<std::string>{w.alice});
}
