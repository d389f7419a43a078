// Listing over HTTP: startIndex/count paging and the max-results clamp,
// sorting, attributes/excludedAttributes projection, POST .search bodies,
// root /.search, and RFC 9865 cursor paging.
#define BOOST_TEST_MODULE scim_listing
#include "scim_support.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cctype>
#include <functional>
#include <memory>
#include <ostream>

using namespace kestra::test;
namespace data = boost::unit_test::data;
namespace json = boost::json;

namespace {

constexpr int kMaxResults = 5;

HarnessOptions listing_options() {
  auto options = module_options();
  options.extra_yaml += "kestra.scim.filter.max-results: " + std::to_string(kMaxResults) + "\n";
  return options;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

struct Listed {
  std::string id;
  std::string user_name;
  std::string family_name;
  std::string created;
  std::string external_id;
};

// Twelve users (names and family names in neither creation nor alphabetical
// order, two family names shared) and three groups, in acme.
struct Population {
  HarnessProcess harness{listing_options()};
  Scim okta = scim_client(harness, "acme", "okta");
  std::vector<Listed> users;  // in creation order
  std::vector<std::string> groups;         // Group A, B, C
  std::vector<std::string> listed_groups;  // as listed without sortBy

  Population() {
    const char* names[] = {"user07@example.com", "User03@example.com", "user11@example.com", "user01@example.com",
                           "USER09@example.com", "user05@example.com", "user12@example.com", "user02@example.com",
                           "user08@example.com", "User10@example.com", "user04@example.com", "user06@example.com"};
    const char* families[] = {"Miller", "adams", "Young", "Baker", "Smith", "Lopez",
                              "Evans",  "Smith", "King",  "Ford",  "garcia", "Diaz"};
    for (int i = 0; i < 12; ++i) {
      auto body = user_body(names[i]);
      body["name"] = json::object{{"familyName", families[i]}, {"givenName", "Given" + std::to_string(i)}};
      body["emails"] = json::array{json::object{{"value", names[i]}, {"type", "work"}}};
      body["externalId"] = "ext-" + std::to_string(i);
      body["schemas"] = json::array{kUserUrn, kEnterpriseUrn};
      body[kEnterpriseUrn] = json::object{{"department", "Dept" + std::to_string(i % 3)}, {"costCenter", "CC"}};
      const auto created = create(okta, "/Users", body);
      users.push_back({str(created, "id"), names[i], families[i], str(created.at("meta"), "created"),
                       "ext-" + std::to_string(i)});
    }
    for (const char* g : {"Group A", "Group B", "Group C"}) groups.push_back(create_group(okta, g, {users[0].id}));
    std::vector<Listed> by_creation;
    for (const auto& id : groups) {
      by_creation.push_back({id, "", "", str(get_json(okta, "/Groups/" + id).at("meta"), "created"), ""});
    }
    listed_groups = listed_ids(by_creation);
  }

  std::vector<std::string> ids(const std::vector<Listed>& in) const {
    std::vector<std::string> out;
    for (const auto& u : in) out.push_back(u.id);
    return out;
  }
  // The order of a list without sortBy: meta.created, then id (creates may
  // share a timestamp).
  std::vector<std::string> listed_ids(std::vector<Listed> some) const {
    std::stable_sort(some.begin(), some.end(), [](const Listed& a, const Listed& b) {
      return a.created != b.created ? a.created < b.created : a.id < b.id;
    });
    return ids(some);
  }
  std::vector<std::string> listed_ids() const { return listed_ids(users); }
};

Population& population() {
  static auto p = std::make_unique<Population>();
  return *p;
}

// Walks startIndex pages of kMaxResults; returns the ids in order.
std::vector<std::string> walk_pages(const Scim& scim, const std::string& endpoint, const std::string& query) {
  std::vector<std::string> out;
  for (int start = 1;; start += kMaxResults) {
    const auto page = list(scim, endpoint + "?" + query + "&startIndex=" + std::to_string(start));
    BOOST_TEST(page.at("startIndex").as_int64() == start);
    const auto ids = ids_of(page);
    BOOST_TEST(ids.size() <= static_cast<std::size_t>(kMaxResults));
    out.insert(out.end(), ids.begin(), ids.end());
    if (start + kMaxResults > total_of(page)) break;
  }
  return out;
}

// --------------------------------------------------------------- paging

struct PageCase {
  const char* query;
  std::int64_t start_index;  // echoed
  std::size_t from, to;      // slice of the users in creation order
  std::int64_t total;
};
std::ostream& operator<<(std::ostream& out, const PageCase& c) { return out << "?" << c.query; }

const PageCase kPages[] = {
    {"", 1, 0, 5, 12},                      // default count, clamped to max-results
    {"count=3", 1, 0, 3, 12},
    {"startIndex=4&count=3", 4, 3, 6, 12},
    {"startIndex=11&count=5", 11, 10, 12, 12},
    {"startIndex=12&count=5", 12, 11, 12, 12},
    {"startIndex=13&count=5", 13, 0, 0, 12},
    {"startIndex=1000", 1000, 0, 0, 12},
    {"startIndex=0&count=2", 1, 0, 2, 12},    // below 1 means 1
    {"startIndex=-5&count=2", 1, 0, 2, 12},
    {"count=0", 1, 0, 0, 12},                 // totalResults only
    {"count=-1", 1, 0, 0, 12},                // negative means 0
    {"count=6", 1, 0, 5, 12},                 // clamped
    {"count=1000000", 1, 0, 5, 12},
    {"StartIndex=2&Count=2", 2, 1, 3, 12},    // parameter names ignore case
    {"count=2&startIndex=2&count=3", 2, 1, 4, 12},
    {"filter=name.familyName%20eq%20%22smith%22&count=5", 1, 0, 0, 2},
};

}  // namespace

BOOST_DATA_TEST_CASE(start_index_and_count_page_in_creation_order, data::make(kPages), c) {
  auto& p = population();
  const auto page = list(p.okta, std::string("/Users?") + c.query);
  BOOST_TEST(total_of(page) == c.total);
  BOOST_TEST(page.at("startIndex").as_int64() == c.start_index);
  if (c.total != 12) {
    // The filtered case: the two Smiths, in creation order.
    BOOST_TEST(ids_of(page) == p.listed_ids({p.users[4], p.users[7]}));
    return;
  }
  const auto all = p.listed_ids();
  BOOST_TEST(ids_of(page) == std::vector<std::string>(all.begin() + c.from, all.begin() + c.to));
}

BOOST_AUTO_TEST_CASE(filtered_pages_count_the_filtered_total) {
  auto& p = population();
  const auto page = list(p.okta, "/Users?" + filter_query(R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Dept1")") +
                                     "&startIndex=2&count=2");
  BOOST_TEST(total_of(page) == 4);  // users 1, 4, 7, 10
  const auto dept1 = p.listed_ids({p.users[1], p.users[4], p.users[7], p.users[10]});
  BOOST_TEST(ids_of(page) == std::vector<std::string>(dept1.begin() + 1, dept1.begin() + 3));
}

BOOST_AUTO_TEST_CASE(the_configured_maximum_is_advertised) {
  auto& p = population();
  const auto spc = get_json(p.okta, "/ServiceProviderConfig");
  BOOST_TEST(spc.at("filter").at("maxResults").as_int64() == kMaxResults);
}

// --------------------------------------------------------------- sorting

namespace {

struct SortCase {
  const char* query;
  std::function<std::string(const Listed&)> key;
  bool ascending;
};
std::ostream& operator<<(std::ostream& out, const SortCase& c) { return out << (*c.query ? c.query : "(none)"); }

const SortCase kSorts[] = {
    {"", [](const Listed& u) { return u.created; }, true},
    {"sortBy=userName", [](const Listed& u) { return lower(u.user_name); }, true},
    {"sortBy=userName&sortOrder=ascending", [](const Listed& u) { return lower(u.user_name); }, true},
    {"sortBy=userName&sortOrder=descending", [](const Listed& u) { return lower(u.user_name); }, false},
    {"sortBy=USERNAME&sortOrder=Descending", [](const Listed& u) { return lower(u.user_name); }, false},
    {"sortBy=name.familyName", [](const Listed& u) { return lower(u.family_name); }, true},
    {"sortBy=name.familyName&sortOrder=descending", [](const Listed& u) { return lower(u.family_name); }, false},
    {"sortBy=urn:ietf:params:scim:schemas:core:2.0:User:name.familyName&sortOrder=descending",
     [](const Listed& u) { return lower(u.family_name); }, false},
    {"sortBy=meta.created", [](const Listed& u) { return u.created; }, true},
    {"sortBy=meta.created&sortOrder=descending", [](const Listed& u) { return u.created; }, false},
    {"sortBy=externalId&sortOrder=descending", [](const Listed& u) { return u.external_id; }, false},
};

// The order the service must produce: by key, ties broken by id ascending.
std::vector<std::string> expected_order(const Population& p, const SortCase& c) {
  auto users = p.users;
  std::stable_sort(users.begin(), users.end(), [&](const Listed& a, const Listed& b) {
    const auto ka = c.key(a), kb = c.key(b);
    if (ka != kb) return c.ascending ? ka < kb : ka > kb;
    return a.id < b.id;
  });
  return p.ids(users);
}

}  // namespace

BOOST_DATA_TEST_CASE(sorted_pages_are_stable_and_cover_every_user_once, data::make(kSorts), c) {
  auto& p = population();
  const auto want = expected_order(p, c);
  const auto walked = walk_pages(p.okta, "/Users", c.query);
  BOOST_TEST(walked == want);
  BOOST_TEST(as_set(walked).size() == 12u);
  // The same request answers the same page.
  const std::string page2 = std::string("/Users?") + c.query + "&startIndex=6&count=5";
  BOOST_TEST(json::serialize(get_json(p.okta, page2)) == json::serialize(get_json(p.okta, page2)));
  // .search takes the same parameters in its body.
  json::object search{{"schemas", json::array{kSearchRequestUrn}}, {"startIndex", 6}, {"count", 5}};
  for (const auto& [k, v] : http_query_pairs(c.query)) search[k] = v;
  const auto searched = check_list(p.okta.post("/Users/.search", search), "search");
  BOOST_TEST(ids_of(searched) == std::vector<std::string>(want.begin() + 5, want.begin() + 10));
}

BOOST_AUTO_TEST_CASE(groups_sort_by_display_name) {
  auto& p = population();
  BOOST_TEST(ids_of(list(p.okta, "/Groups?sortBy=displayName&sortOrder=descending")) ==
             (std::vector<std::string>{p.groups[2], p.groups[1], p.groups[0]}));
  BOOST_TEST(ids_of(list(p.okta, "/Groups")) == p.listed_groups);
}

BOOST_AUTO_TEST_CASE(an_unsortable_attribute_or_order_is_refused) {
  auto& p = population();
  check_error(p.okta.get("/Users?sortBy=emails"), 400, "invalidFilter");
  check_error(p.okta.get("/Users?sortBy=bogus"), 400, "invalidFilter");
  check_error(p.okta.get("/Users?sortBy=password"), 400, "invalidFilter");
  check_error(p.okta.get("/Groups?sortBy=members"), 400, "invalidFilter");
  check_error(p.okta.get("/Users?sortBy=userName&sortOrder=sideways"), 400, "invalidValue");
  check_error(p.okta.get("/Users?startIndex=one"), 400, "invalidValue");
  check_error(p.okta.get("/Users?count=1e3"), 400, "invalidValue");
}

// --------------------------------------------------------------- projection

namespace {

// Paths use '/' between levels ("name/givenName"): URNs contain dots.  On
// an array, a path names the member of every element.
bool has_path(const json::value& v, std::string_view path) {
  const auto slash = path.find('/');
  const auto head = std::string(path.substr(0, slash));
  if (v.is_array()) {
    if (v.as_array().empty()) return false;
    for (const auto& e : v.as_array())
      if (!has_path(e, path)) return false;
    return true;
  }
  if (!v.is_object()) return false;
  const auto* child = v.as_object().if_contains(head);
  if (!child) return false;
  return slash == std::string_view::npos || has_path(*child, path.substr(slash + 1));
}

bool lacks_path(const json::value& v, std::string_view path) {
  const auto slash = path.find('/');
  const auto head = std::string(path.substr(0, slash));
  if (v.is_array()) {
    for (const auto& e : v.as_array())
      if (!lacks_path(e, path)) return false;
    return true;
  }
  if (!v.is_object()) return true;
  const auto* child = v.as_object().if_contains(head);
  if (!child) return true;
  return slash != std::string_view::npos && lacks_path(*child, path.substr(slash + 1));
}

std::string ent(const char* attribute) { return std::string(kEnterpriseUrn) + "/" + attribute; }

constexpr const char* kDepartment = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department";

struct ProjectionCase {
  const char* name;
  const char* attributes;  // query value ("" = none)
  const char* excluded;
  std::vector<std::string> present;
  std::vector<std::string> absent;
};
std::ostream& operator<<(std::ostream& out, const ProjectionCase& c) { return out << c.name; }

const ProjectionCase kProjections[] = {
    {"no parameters", "", "", {"id", "userName", "name/givenName", "emails/value", "active", "externalId", "meta/location"},
     {"password"}},
    {"attributes=userName", "userName", "", {"id", "userName", "schemas"},
     {"name", "emails", "active", "externalId", "password", kEnterpriseUrn}},
    {"attribute names ignore case", "USERNAME,Name.GivenName", "", {"id", "userName", "name/givenName"},
     {"name/familyName", "emails"}},
    {"a sub-attribute", "name.givenName", "", {"id", "name/givenName"}, {"name/familyName", "userName"}},
    {"a sub-attribute of a multi-valued attribute", "emails.value", "", {"id", "emails/value"},
     {"emails/type", "userName"}},
    {"an extension attribute", kDepartment, "",
     {"id", ent("department")}, {ent("costCenter"), "userName"}},
    {"a whole extension", kEnterpriseUrn, "", {"id", ent("department"), ent("costCenter")}, {"userName"}},
    {"password is never returned", "password,userName", "", {"id", "userName"}, {"password"}},
    {"unknown names are ignored", "bogus,userName", "", {"id", "userName"}, {"bogus", "name"}},
    {"excluded attributes", "", "emails,name", {"id", "userName", "active", "externalId"}, {"emails", "name"}},
    {"id cannot be excluded", "", "id,userName", {"id", "name"}, {"userName"}},
    {"excluded extension", "", kEnterpriseUrn, {"id", "userName"}, {kEnterpriseUrn}},
    {"excluded sub-attribute", "", "name.familyName", {"id", "name/givenName"}, {"name/familyName"}},
};

// The same projection must hold wherever a user is returned.
enum class Where { Get, List, Search, Post, Put };
const Where kWheres[] = {Where::Get, Where::List, Where::Search, Where::Post, Where::Put};
std::ostream& operator<<(std::ostream& out, Where w) {
  const char* names[] = {"GET", "list", ".search", "POST", "PUT"};
  return out << names[static_cast<int>(w)];
}

json::object full_user(const std::string& user_name) {
  auto body = user_body(user_name);
  body["schemas"] = json::array{kUserUrn, kEnterpriseUrn};
  body["name"] = json::object{{"givenName", "Pro"}, {"familyName", "Jection"}};
  body["emails"] = json::array{json::object{{"value", user_name}, {"type", "work"}}};
  body["externalId"] = "ext";
  body["password"] = "s3cret-Pa55";
  body[kEnterpriseUrn] = json::object{{"department", "QA"}, {"costCenter", "7"}};
  return body;
}

struct ProjectionWorld {
  HarnessProcess harness{module_options()};
  Scim okta = scim_client(harness, "acme", "okta");
  std::string id = create_user(okta, full_user("pro@example.com"));
};

ProjectionWorld& projection_world() {
  static auto w = std::make_unique<ProjectionWorld>();
  return *w;
}

}  // namespace

BOOST_DATA_TEST_CASE(attributes_and_excluded_attributes_shape_every_response,
                     data::make(kProjections) * data::make(kWheres), c, where) {
  auto& w = projection_world();
  std::string query;
  if (*c.attributes) query += "attributes=" + url_encode(c.attributes);
  if (*c.excluded) query += std::string(query.empty() ? "" : "&") + "excludedAttributes=" + url_encode(c.excluded);
  static int serial = 0;
  json::object user;
  switch (where) {
    case Where::Get:
      user = get_json(w.okta, "/Users/" + w.id + "?" + query);
      break;
    case Where::List: {
      const auto page = list(w.okta, "/Users?" + filter_query("id eq \"" + w.id + "\"") + "&" + query);
      BOOST_TEST_REQUIRE(page.at("Resources").as_array().size() == 1u);
      user = page.at("Resources").as_array()[0].as_object();
      break;
    }
    case Where::Search: {
      json::object body{{"schemas", json::array{kSearchRequestUrn}}, {"filter", "id eq \"" + w.id + "\""}};
      if (*c.attributes) body["attributes"] = json::array{json::string(c.attributes)};
      if (*c.excluded) body["excludedAttributes"] = c.excluded;  // a comma-separated string works too
      const auto page = check_list(w.okta.post("/Users/.search", body), ".search");
      BOOST_TEST_REQUIRE(page.at("Resources").as_array().size() == 1u);
      user = page.at("Resources").as_array()[0].as_object();
      break;
    }
    case Where::Post:
      user = require_json(w.okta.post("/Users?" + query, full_user("post" + std::to_string(++serial) + "@example.com")),
                          201, "POST");
      break;
    case Where::Put:
      user = require_json(w.okta.put("/Users/" + w.id + "?" + query, full_user("pro@example.com")), 200, "PUT");
      break;
  }
  for (const auto& path : c.present) BOOST_TEST(has_path(user, path), path << " missing in " << user);
  for (const auto& path : c.absent) BOOST_TEST(lacks_path(user, path), path << " present in " << user);
  BOOST_TEST(json::serialize(user).find("s3cret-Pa55") == std::string::npos);
  // A projected-away extension leaves "schemas" too.
  const auto& schemas = user.at("schemas").as_array();
  const bool listed = std::find(schemas.begin(), schemas.end(), json::value(kEnterpriseUrn)) != schemas.end();
  BOOST_TEST(listed == user.contains(kEnterpriseUrn), user);
}

// --------------------------------------------------------------- .search

BOOST_AUTO_TEST_CASE(search_bodies_filter_sort_page_and_project) {
  auto& p = population();
  const auto page = check_list(
      p.okta.post("/Users/.search", json::parse(R"({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        "attributes": ["userName", "name.familyName"],
        "excludedAttributes": ["name.familyName"],
        "filter": "userName sw \"user0\"",
        "sortBy": "userName", "sortOrder": "descending",
        "startIndex": 2, "count": 3
      })")),
      "search");
  BOOST_TEST(total_of(page) == 9);
  BOOST_TEST(page.at("startIndex").as_int64() == 2);
  BOOST_TEST(field_of_each(page, "userName") ==
             (std::vector<std::string>{"user08@example.com", "user07@example.com", "user06@example.com"}));
  for (const auto& r : page.at("Resources").as_array()) {
    BOOST_TEST(!r.as_object().contains("name"), r);
    BOOST_TEST(!r.as_object().contains("emails"), r);
  }

  const auto groups = check_list(p.okta.post("/Groups/.search", json::parse(R"({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        "filter": "displayName ne \"Group B\"", "excludedAttributes": ["members"], "sortBy": "displayName"
      })")),
                                 "groups search");
  BOOST_TEST(ids_of(groups) == (std::vector<std::string>{p.groups[0], p.groups[2]}));
  BOOST_TEST(!groups.at("Resources").as_array()[0].as_object().contains("members"));

  // Empty body members mean nothing; a body needs no "schemas" to be read.
  BOOST_TEST(total_of(check_list(p.okta.post("/Users/.search", json::object{}), "empty")) == 12);
  BOOST_TEST(total_of(check_list(p.okta.post("/Users/.search", json::object{{"filter", nullptr}}), "null")) == 12);
}

BOOST_AUTO_TEST_CASE(search_bodies_of_the_wrong_shape_are_refused) {
  auto& p = population();
  struct Bad {
    const char* name;
    const char* body;
    const char* scim_type;
  };
  const Bad bad[] = {
      {"count as text", R"({"count": "ten"})", "invalidValue"},
      {"count as boolean", R"({"count": true})", "invalidValue"},
      {"count as object", R"({"count": {}})", "invalidValue"},
      {"startIndex as fraction", R"({"startIndex": 1.5})", "invalidValue"},
      {"filter as number", R"({"filter": 5})", "invalidFilter"},
      {"filter as array", R"({"filter": ["userName pr"]})", "invalidValue"},
      {"attributes of numbers", R"({"attributes": [1, 2]})", "invalidValue"},
      {"sortOrder unknown", R"({"sortOrder": "up"})", "invalidValue"},
  };
  for (const auto& b : bad) {
    BOOST_TEST_CONTEXT(b.name) { check_error(p.okta.call("POST", "/Users/.search", b.body), 400, b.scim_type); }
  }
  check_error(p.okta.call("POST", "/Users/.search", "not json"), 400, "invalidSyntax");
  check_error(p.okta.call("POST", "/Users/.search", "[]"), 400, "invalidSyntax");
  check_error(p.okta.get("/Users/.search"), 405);
  check_error(p.okta.get("/Groups/.search"), 405);
  check_error(p.okta.get("/.search"), 405);
}

BOOST_AUTO_TEST_CASE(root_search_lists_users_then_groups) {
  auto& p = population();
  const auto search = [&](json::object body) {
    body["schemas"] = json::array{kSearchRequestUrn};
    return check_list(p.okta.post("/.search", body), json::serialize(body));
  };
  const auto all = p.listed_ids();
  auto page = search({{"count", 5}});
  BOOST_TEST(total_of(page) == 15);
  BOOST_TEST(ids_of(page) == std::vector<std::string>(all.begin(), all.begin() + 5));

  // The seam: the last users, then the first groups.
  page = search({{"startIndex", 11}, {"count", 4}});
  const auto& groups = p.listed_groups;
  BOOST_TEST(ids_of(page) == (std::vector<std::string>{all[10], all[11], groups[0], groups[1]}));
  BOOST_TEST(page.at("Resources").as_array()[1].at("meta").at("resourceType") == "User");
  BOOST_TEST(page.at("Resources").as_array()[2].at("meta").at("resourceType") == "Group");
  page = search({{"startIndex", 14}, {"count", 5}});
  BOOST_TEST(ids_of(page) == (std::vector<std::string>{groups[1], groups[2]}));
  page = search({{"startIndex", 16}});
  BOOST_TEST(page.at("Resources").as_array().empty());
  BOOST_TEST(total_of(page) == 15);

  // A filter on an attribute of one type only selects that type.
  page = search({{"filter", "userName sw \"user1\""}});
  BOOST_TEST(as_set(ids_of(page)) == (std::set<std::string>{p.users[2].id, p.users[6].id, p.users[9].id}));
  page = search({{"filter", "displayName sw \"group\""}, {"excludedAttributes", "members"}});
  BOOST_TEST(ids_of(page) == groups);
  // Groups have no userName: a filter naming it selects no group at all.
  page = search({{"filter", "userName eq \"user01@example.com\" or displayName eq \"Group C\""}});
  BOOST_TEST(ids_of(page) == std::vector<std::string>{p.users[3].id});
  page = search({{"attributes", json::array{"userName", "displayName"}}, {"count", 0}});
  BOOST_TEST(total_of(page) == 15);
  page = search({{"attributes", json::array{"userName", "displayName"}}, {"startIndex", 12}, {"count", 2}});
  // The last user listed, then the first group listed.
  const auto last_user = std::find_if(p.users.begin(), p.users.end(), [&](const Listed& u) { return u.id == all[11]; });
  BOOST_TEST_REQUIRE((last_user != p.users.end()));
  const char* group_names[] = {"Group A", "Group B", "Group C"};
  const auto first_group = std::find(p.groups.begin(), p.groups.end(), groups[0]) - p.groups.begin();
  BOOST_TEST(str(page.at("Resources").as_array()[0], "userName") == last_user->user_name);
  BOOST_TEST(!page.at("Resources").as_array()[0].as_object().contains("name"));
  BOOST_TEST(str(page.at("Resources").as_array()[1], "displayName") == group_names[first_group]);
  BOOST_TEST(!page.at("Resources").as_array()[1].as_object().contains("members"));

  check_error(p.okta.post("/.search", json::object{{"filter", "bogus eq \"x\""}}), 400, "invalidFilter");
  check_error(p.okta.post("/.search", json::object{{"filter", "userName eq"}}), 400, "invalidFilter");
}

// --------------------------------------------------------------- cursors

namespace {

struct CursorCase {
  const char* endpoint;
  const char* query;  // besides cursor and count
  bool search;        // POST .search instead of GET
};
std::ostream& operator<<(std::ostream& out, const CursorCase& c) {
  return out << (c.search ? "POST " : "GET ") << c.endpoint << " " << c.query;
}

const CursorCase kCursors[] = {
    {"/Users", "", false},
    {"/Users", "", true},
    {"/Users", "sortBy=userName&sortOrder=descending", false},
    {"/Users", "sortBy=name.familyName", false},
    {"/Users", "sortBy=name.familyName", true},
    {"/Users", "filter=userName%20sw%20%22user0%22&sortBy=meta.created", false},
    {"/Groups", "sortBy=displayName", false},
};

std::vector<std::pair<std::string, std::string>> pairs(const std::string& query) { return http_query_pairs(query); }

}  // namespace

BOOST_DATA_TEST_CASE(cursor_paging_walks_every_row_exactly_once, data::make(kCursors), c) {
  auto& p = population();
  // The same query by startIndex is the reference order.
  const auto want = walk_pages(p.okta, c.endpoint, std::string("count=5&") + c.query);
  BOOST_TEST_REQUIRE(!want.empty());
  std::vector<std::string> walked;
  std::optional<std::string> cursor = "";
  int pages = 0;
  while (cursor && ++pages < 20) {
    json::object page;
    if (c.search) {
      json::object body{{"schemas", json::array{kSearchRequestUrn}}, {"cursor", *cursor}, {"count", 2}};
      for (const auto& [k, v] : pairs(c.query)) body[k] = v;
      page = check_list(p.okta.post(std::string(c.endpoint) + "/.search", body), "cursor search");
    } else {
      const std::string target = std::string(c.endpoint) + "?" + c.query + (*c.query ? "&" : "") +
                                 (cursor->empty() ? "cursor" : "cursor=" + url_encode(*cursor)) + "&count=2";
      page = list(p.okta, target);
    }
    const auto ids = ids_of(page);
    BOOST_TEST(ids.size() <= 2u);
    BOOST_TEST(total_of(page) == static_cast<std::int64_t>(want.size()));
    walked.insert(walked.end(), ids.begin(), ids.end());
    cursor.reset();
    if (const auto* next = page.if_contains("nextCursor")) {
      BOOST_TEST_REQUIRE(next->is_string());
      BOOST_TEST(!next->as_string().empty());
      cursor = std::string(next->as_string());
    }
  }
  BOOST_TEST(walked == want);
}

BOOST_AUTO_TEST_CASE(a_cursor_neither_repeats_nor_skips_when_rows_arrive) {
  HarnessProcess harness(listing_options());
  auto okta = scim_client(harness, "acme", "okta");
  for (const char* n : {"b@x", "d@x", "f@x", "h@x"}) create_user(okta, n);
  auto page = list(okta, "/Users?sortBy=userName&cursor&count=2");
  BOOST_TEST(field_of_each(page, "userName") == (std::vector<std::string>{"b@x", "d@x"}));
  BOOST_TEST_REQUIRE(page.contains("nextCursor"));
  // Before the cursor: an offset would now repeat d@x.
  create_user(okta, "a@x");
  // After it: the walk still reaches it.
  create_user(okta, "e@x");
  std::vector<std::string> rest;
  std::optional<std::string> cursor = str(page, "nextCursor");
  while (cursor) {
    page = list(okta, "/Users?sortBy=userName&count=2&cursor=" + url_encode(*cursor));
    for (const auto& n : field_of_each(page, "userName")) rest.push_back(n);
    cursor.reset();
    if (page.contains("nextCursor")) cursor = str(page, "nextCursor");
  }
  BOOST_TEST(rest == (std::vector<std::string>{"e@x", "f@x", "h@x"}));
}

BOOST_AUTO_TEST_CASE(a_foreign_or_mismatched_cursor_is_invalid_cursor) {
  auto& p = population();
  const auto first = list(p.okta, "/Users?sortBy=userName&cursor&count=2");
  BOOST_TEST_REQUIRE(first.contains("nextCursor"));
  const std::string next = str(first, "nextCursor");
  check_error(p.okta.get("/Users?sortBy=name.familyName&count=2&cursor=" + url_encode(next)), 400, "invalidCursor");
  check_error(p.okta.get("/Users?sortBy=userName&sortOrder=descending&count=2&cursor=" + url_encode(next)), 400,
              "invalidCursor");
  check_error(p.okta.get("/Users?count=2&cursor=not-a-cursor"), 400, "invalidCursor");
  check_error(p.okta.get("/Users?count=2&cursor=" + url_encode(next + "x")), 400, "invalidCursor");
  // Root search pages by startIndex only.
  check_error(p.okta.post("/.search", json::object{{"cursor", ""}}), 400, "invalidValue");
}
