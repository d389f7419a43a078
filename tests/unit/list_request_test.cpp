#include "scim/list_request.hpp"

#include <boost/json.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

namespace {

struct QueryCase {
  const char* query;
  const char* filter;
  std::int64_t start_index;
  std::int64_t count;
  bool ascending;
  const char* sort_by;  // "" = none
};
std::ostream& operator<<(std::ostream& os, const QueryCase& c) { return os << c.query; }

const QueryCase kQueries[] = {
    {"", "", 1, 100, true, ""},
    {"filter=userName%20eq%20%22a%40b.c%22&startIndex=1&count=100", "userName eq \"a@b.c\"", 1, 100, true, ""},
    {"startIndex=0&count=5", "", 1, 5, true, ""},
    {"startIndex=-4", "", 1, 100, true, ""},
    {"count=-1", "", 1, 0, true, ""},
    {"count=0", "", 1, 0, true, ""},
    {"count=999999", "", 1, 1000, true, ""},
    {"sortBy=name.familyName&sortOrder=Descending", "", 1, 100, false, "name.familyName"},
    {"SORTBY=userName&SortOrder=ascending", "", 1, 100, true, "userName"},
    {"FILTER=displayName+eq+%22x%22", "displayName eq \"x\"", 1, 100, true, ""},
    {"startIndex=51&count=25", "", 51, 25, true, ""},
};

struct BadCase {
  const char* query;
  const char* part;
};
std::ostream& operator<<(std::ostream& os, const BadCase& c) { return os << c.query; }
const BadCase kBad[] = {
    {"count=ten", "count"},
    {"startIndex=1.5", "startIndex"},
    {"sortOrder=up", "sortOrder"},
    {"count=", "count"},
    {"startIndex=99999999999999999999999", "startIndex"},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(list_request)

BOOST_DATA_TEST_CASE(query_strings, boost::unit_test::data::make(kQueries), c) {
  auto r = kestra::scim::parse_list_query(c.query, 100, 1000);
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->filter == c.filter);
  BOOST_TEST(r->start_index == c.start_index);
  BOOST_TEST(r->count == c.count);
  BOOST_TEST(r->ascending == c.ascending);
  BOOST_TEST(r->sort_by.value_or("") == c.sort_by);
}

BOOST_DATA_TEST_CASE(bad_query_strings, boost::unit_test::data::make(kBad), c) {
  auto r = kestra::scim::parse_list_query(c.query, 100, 1000);
  BOOST_REQUIRE(r.has_error());
  BOOST_TEST(r.error().scim_type == "invalidValue");
  BOOST_TEST(r.error().detail.find(c.part) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(search_body) {
  auto body = boost::json::parse(R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
    "attributes": ["displayName", "userName"],
    "excludedAttributes": "emails",
    "filter": "displayName sw \"smith\"",
    "startIndex": 1, "count": 10, "sortBy": "userName", "sortOrder": "descending"})").as_object();
  auto r = kestra::scim::parse_search_body(body, 100, 1000);
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->attributes == "displayName,userName");
  BOOST_TEST(r->excluded_attributes == "emails");
  BOOST_TEST(r->filter == "displayName sw \"smith\"");
  BOOST_TEST(r->count == 10);
  BOOST_TEST(!r->ascending);
  BOOST_TEST(kestra::scim::parse_search_body(boost::json::parse(R"({"count": true})").as_object(), 100, 1000)
                 .has_error());
}

BOOST_AUTO_TEST_CASE(cursor_parameter) {
  auto first = kestra::scim::parse_list_query("cursor&count=2", 100, 1000);
  BOOST_REQUIRE(first.has_value());
  BOOST_TEST(first->cursor.has_value());
  BOOST_TEST(first->cursor->empty());
  auto next = kestra::scim::parse_list_query("cursor=abc", 100, 1000);
  BOOST_TEST(next->cursor.value_or("") == "abc");
}

namespace {

struct LimitCase {
  const char* name;
  const char* filter;
  kestra::scim::filter::Limits limits;
  const char* detail_part;  // nullptr: accepted
};
std::ostream& operator<<(std::ostream& os, const LimitCase& c) { return os << c.name; }

const LimitCase kLimitCases[] = {
    {"length at the limit", R"(userName eq "abc")", {.max_length = 17}, nullptr},
    {"one byte longer", R"(userName eq "abcd")", {.max_length = 17}, "18 bytes long; the limit is 17"},
    {"nodes at the limit", "a pr or b pr", {.max_nodes = 3}, nullptr},
    {"one node more", "a pr or b pr or c pr", {.max_nodes = 3}, "more than 3 nodes"},
    {"defaults", R"(userName eq "x")", {}, nullptr},
};

}  // namespace

BOOST_DATA_TEST_CASE(list_filters_honour_the_configured_limits, boost::unit_test::data::make(kLimitCases), c) {
  kestra::scim::ListRequest request;
  request.filter = c.filter;
  kestra::scim::filter::NodePtr owned;
  auto query = kestra::scim::to_list_query(request, owned, c.limits);
  if (!c.detail_part) {
    BOOST_TEST(query.has_value());
    BOOST_TEST(owned != nullptr);
    return;
  }
  BOOST_REQUIRE(query.has_error());
  BOOST_TEST(query.error().scim_type == "invalidFilter");
  BOOST_TEST(query.error().detail.find(c.detail_part) != std::string::npos, query.error().detail);
}

BOOST_AUTO_TEST_SUITE_END()
