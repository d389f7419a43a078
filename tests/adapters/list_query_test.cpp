#define BOOST_TEST_MODULE adapters_list_query
#include "resource_data.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cctype>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace data = boost::unit_test::data;
namespace ports = kestra::ports;
using namespace kestra::test;
using kestra::ErrorKind;

BOOST_TEST_GLOBAL_FIXTURE(BackendCheck);

namespace {

using Ids = std::vector<std::string>;

std::string joined(const Ids& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ",") + id;
  return "[" + out + "]";
}

// Nine users with ties in title, created_at and active, and gaps (missing
// title, missing externalId).
struct Sortable {
  const char* id;
  const char* user_name;
  const char* title;  // nullptr: none
  bool active;
  const char* external_id;  // nullptr: none
  const char* created;
};
const Sortable kSortable[] = {
    {"t01", "Zed", "B", true, "x3", "2026-01-05T00:00:00.000Z"},
    {"t02", "amy", "a", false, nullptr, "2026-01-05T00:00:00.000Z"},
    {"t03", "Bea", "A", true, "x1", "2026-01-01T00:00:00.000Z"},
    {"t04", "carl", "b", false, "X2", "2026-01-06T00:00:00.000Z"},
    {"t05", "dan", nullptr, true, nullptr, "2026-01-07T00:00:00.000Z"},
    {"t06", "Eve", "c", true, nullptr, "2026-01-08T00:00:00.000Z"},
    {"t07", "fay", "a", false, nullptr, "2026-01-09T00:00:00.000Z"},
    {"t08", "gus", nullptr, true, nullptr, "2026-01-10T00:00:00.000Z"},
    {"t09", "hal", "B", true, nullptr, "2026-01-11T00:00:00.000Z"},
};

void seed_sortable(ResourceFixture& fx) {
  for (const Sortable& s : kSortable) {
    const std::string extra = s.title ? std::string("\"title\":\"") + s.title + "\"" : "";
    auto w = user_write(s.user_name, extra, s.active,
                        s.external_id ? std::optional<std::string>(s.external_id) : std::nullopt);
    must_create_user(fx, kAcme, s.id, w, s.created);
  }
}

struct SortCase {
  const char* sort_by;  // "" = none
  bool ascending;
  Ids expected;
};
std::ostream& operator<<(std::ostream& out, const SortCase& c) {
  return out << (*c.sort_by ? c.sort_by : "(default)") << (c.ascending ? " asc" : " desc");
}

const SortCase kSorts[] = {
    {"", true, {"t03", "t01", "t02", "t04", "t05", "t06", "t07", "t08", "t09"}},
    {"title", true, {"t02", "t03", "t07", "t01", "t04", "t09", "t06", "t05", "t08"}},
    {"title", false, {"t05", "t08", "t06", "t01", "t04", "t09", "t02", "t03", "t07"}},
    {"urn:ietf:params:scim:schemas:core:2.0:User:TITLE", true,
     {"t02", "t03", "t07", "t01", "t04", "t09", "t06", "t05", "t08"}},
    {"userName", true, {"t02", "t03", "t04", "t05", "t06", "t07", "t08", "t09", "t01"}},
    {"userName", false, {"t01", "t09", "t08", "t07", "t06", "t05", "t04", "t03", "t02"}},
    {"active", true, {"t02", "t04", "t07", "t01", "t03", "t05", "t06", "t08", "t09"}},
    {"active", false, {"t01", "t03", "t05", "t06", "t08", "t09", "t02", "t04", "t07"}},
    {"externalId", true, {"t04", "t03", "t01", "t02", "t05", "t06", "t07", "t08", "t09"}},
    {"meta.created", false, {"t09", "t08", "t07", "t06", "t05", "t04", "t01", "t02", "t03"}},
    {"id", false, {"t09", "t08", "t07", "t06", "t05", "t04", "t03", "t02", "t01"}},
};

ports::ListPage<ports::UserRow> must_list(ResourceFixture& fx, const ports::ListQuery& q) {
  auto page = fx.users->list(kAcme, q);
  BOOST_TEST_REQUIRE(page.has_value(), (page ? "" : describe(page.error())));
  return *page;
}

ports::ListQuery sorted(const SortCase& c) {
  ports::ListQuery q;
  if (*c.sort_by) q.sort = ports::SortKey{c.sort_by, c.ascending};
  return q;
}

}  // namespace

BOOST_DATA_TEST_CASE(cursor_pages_follow_the_sort_with_ties_broken_by_id,
                     data::make(kSorts) * data::make({1, 2, 4, 8, 9, 20}), c, size) {
  ResourceFixture fx;
  seed_sortable(fx);
  Ids seen;
  ports::ListQuery q = sorted(c);
  q.count = size;
  for (int pages = 0; pages < 20; ++pages) {
    const auto page = must_list(fx, q);
    BOOST_TEST(page.total == 9);
    BOOST_TEST(static_cast<int>(page.items.size()) <= size);
    for (const auto& u : page.items) seen.push_back(u.id);
    if (!page.next_cursor) break;
    BOOST_TEST(static_cast<int>(page.items.size()) == size);
    q.cursor = page.next_cursor;
  }
  BOOST_TEST(joined(seen) == joined(c.expected));
}

BOOST_DATA_TEST_CASE(offset_pages_follow_the_same_order, data::make(kSorts) * data::make({1, 3, 4}), c, size) {
  ResourceFixture fx;
  seed_sortable(fx);
  Ids seen;
  for (int offset = 0; offset < 12; offset += size) {
    ports::ListQuery q = sorted(c);
    q.offset = offset;
    q.count = size;
    const auto page = must_list(fx, q);
    BOOST_TEST(page.total == 9);
    BOOST_TEST(page.next_cursor.has_value() == (offset + size < 9));
    for (const auto& u : page.items) seen.push_back(u.id);
  }
  BOOST_TEST(joined(seen) == joined(c.expected));
}

BOOST_AUTO_TEST_CASE(count_zero_returns_only_the_total) {
  ResourceFixture fx;
  seed_sortable(fx);
  ports::ListQuery q;
  q.count = 0;
  const auto filter = parse(R"(active eq true)");
  q.filter = filter.get();
  const auto page = must_list(fx, q);
  BOOST_TEST(page.total == 6);
  BOOST_TEST(page.items.empty());
  BOOST_TEST(!page.next_cursor.has_value());
}

BOOST_AUTO_TEST_CASE(total_counts_the_filter_not_the_page) {
  ResourceFixture fx;
  seed_sortable(fx);
  const auto filter = parse(R"(active eq true)");
  ports::ListQuery q;
  q.filter = filter.get();
  q.offset = 4;
  q.count = 5;
  const auto page = must_list(fx, q);
  BOOST_TEST(page.total == 6);
  BOOST_TEST(joined([&] {
               Ids ids;
               for (const auto& u : page.items) ids.push_back(u.id);
               return ids;
             }()) == joined({"t08", "t09"}));
  q.offset = 50;
  const auto past = must_list(fx, q);
  BOOST_TEST(past.items.empty());
  BOOST_TEST(past.total == 6);
}

// Unfiltered, the count reads the tenant's access rows alone (no join to
// scim_users), and still counts only this tenant's users.
BOOST_AUTO_TEST_CASE(an_unfiltered_count_does_not_join_the_users) {
  ResourceFixture fx;
  seed_sortable(fx);
  QueryLog log;
  fx.log(log);
  ports::ListQuery all;
  all.count = 2;
  const auto page = must_list(fx, all);
  BOOST_TEST(page.items.size() == 2u);
  BOOST_TEST(page.total == 9);
  const auto queries = log.queries();
  const auto count = std::find_if(queries.begin(), queries.end(), [](const std::string& query) {
    return query.find("COUNT(*)") != std::string::npos;
  });
  BOOST_TEST_REQUIRE((count != queries.end()));
  BOOST_TEST(count->find("JOIN") == std::string::npos, *count);

  const auto filter = parse(R"(active eq true)");
  ports::ListQuery filtered;
  filtered.filter = filter.get();
  filtered.count = 2;
  BOOST_TEST(must_list(fx, filtered).total == 6);
}

// A page that is not resumed from a cursor and ends before `count` rows
// tells the total: no COUNT runs (Okta's userName eq lookup, which needs no
// read transaction either).  Past the end,
// or with more rows to come, the total is counted.
BOOST_AUTO_TEST_CASE(a_page_that_tells_the_total_runs_no_count) {
  ResourceFixture fx;
  seed_sortable(fx);
  QueryLog log;
  fx.log(log);
  const auto counts = [&] {
    const auto queries = log.queries();
    return std::count_if(queries.begin(), queries.end(),
                         [](const std::string& query) { return query.find("COUNT(*)") != std::string::npos; });
  };
  const auto filter = parse(R"(userName eq "amy")");
  ports::ListQuery q;
  q.filter = filter.get();
  q.count = 100;
  const auto one = must_list(fx, q);
  BOOST_TEST(one.items.size() == 1u);
  BOOST_TEST(one.total == 1);
  BOOST_TEST(counts() == 0);
  // One statement for the page (and one for its roles): no snapshot.
  const auto queries = log.queries();
  BOOST_TEST(std::none_of(queries.begin(), queries.end(), [](const std::string& query) {
    return query.starts_with("BEGIN") || query.starts_with("START TRANSACTION");
  }));

  ports::ListQuery all;
  all.count = 4;
  all.offset = 6;  // rows 7 to 9 of 9: the last, short page
  const auto last = must_list(fx, all);
  BOOST_TEST(last.items.size() == 3u);
  BOOST_TEST(last.total == 9);
  BOOST_TEST(counts() == 0);

  all.offset = 0;  // more rows follow
  BOOST_TEST(must_list(fx, all).total == 9);
  BOOST_TEST(counts() == 1);
}

// Okta's group lookup (displayName eq, unique per tenant whatever the
// case) is one statement too: no COUNT, no snapshot.
BOOST_AUTO_TEST_CASE(a_group_lookup_by_display_name_runs_no_count) {
  ResourceFixture fx;
  seed(fx);
  QueryLog log;
  fx.log(log);
  const auto filter = parse(R"(displayName eq "ADMINS")");
  ports::ListQuery q;
  q.filter = filter.get();
  q.count = 100;
  const auto page = fx.groups->list(kAcme, q);
  BOOST_TEST_REQUIRE(page.has_value(), (page ? "" : describe(page.error())));
  BOOST_TEST_REQUIRE(page->items.size() == 1u);
  BOOST_TEST(page->items[0].id == "g1");
  BOOST_TEST(page->total == 1);
  const auto queries = log.queries();
  BOOST_TEST(std::none_of(queries.begin(), queries.end(), [](const std::string& query) {
    return query.find("COUNT(*)") != std::string::npos || query.starts_with("BEGIN") ||
           query.starts_with("START TRANSACTION");
  }));
}

BOOST_AUTO_TEST_CASE(cursor_neither_repeats_nor_skips_when_rows_arrive_before_it) {
  ResourceFixture fx;
  seed_sortable(fx);
  ports::ListQuery q;
  q.sort = ports::SortKey{"userName", true};
  q.count = 3;
  const auto first = must_list(fx, q);  // amy, Bea, carl
  BOOST_TEST_REQUIRE(first.next_cursor.has_value());
  // "aaron" sorts before the cursor: an offset would now repeat "carl".
  must_create_user(fx, kAcme, "t10", user_write("aaron"), "2026-02-01T00:00:00.000Z");
  q.cursor = first.next_cursor;
  const auto second = must_list(fx, q);
  BOOST_TEST_REQUIRE(second.items.size() == 3u);
  BOOST_TEST(second.items[0].id == "t05");
  BOOST_TEST(second.total == 10);
}

BOOST_AUTO_TEST_CASE(cursor_of_another_sort_is_invalid_cursor) {
  ResourceFixture fx;
  seed_sortable(fx);
  ports::ListQuery q;
  q.sort = ports::SortKey{"userName", true};
  q.count = 2;
  const auto first = must_list(fx, q);
  BOOST_TEST_REQUIRE(first.next_cursor.has_value());
  for (const auto& other : {ports::SortKey{"userName", false}, ports::SortKey{"title", true}}) {
    ports::ListQuery again;
    again.sort = other;
    again.cursor = first.next_cursor;
    auto listed = fx.users->list(kAcme, again);
    BOOST_TEST_REQUIRE(!listed.has_value());
    BOOST_TEST(listed.error().scim_type == "invalidCursor");
  }
  ports::ListQuery garbage;
  garbage.cursor = "not-a-cursor";
  auto listed = fx.users->list(kAcme, garbage);
  BOOST_TEST_REQUIRE(!listed.has_value());
  BOOST_TEST(listed.error().kind == ErrorKind::InvalidInput);
  BOOST_TEST(listed.error().scim_type == "invalidCursor");
}

BOOST_DATA_TEST_CASE(unknown_or_multi_valued_sort_is_invalid_filter,
                     data::make({"foo", "emails", "emails.value", "name", "password", "groups", "members",
                                 "urn:example:2.0:User:title", "title; DROP TABLE scim_users"}),
                     sort_by) {
  ResourceFixture fx;
  seed_sortable(fx);
  ports::ListQuery q;
  q.sort = ports::SortKey{sort_by, true};
  auto listed = fx.users->list(kAcme, q);
  BOOST_TEST_REQUIRE(!listed.has_value());
  BOOST_TEST(listed.error().scim_type == "invalidFilter");
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_users") == 9);
}

BOOST_AUTO_TEST_CASE(negative_paging_is_invalid) {
  ResourceFixture fx;
  ports::ListQuery q;
  q.count = -1;
  BOOST_TEST(!fx.users->list(kAcme, q).has_value());
  q.count = 1;
  q.offset = -1;
  BOOST_TEST(!fx.groups->list(kAcme, q).has_value());
}

BOOST_AUTO_TEST_CASE(group_pages_sort_by_display_name) {
  ResourceFixture fx;
  seed(fx);
  ports::ListQuery q;
  q.sort = ports::SortKey{"displayName", false};
  q.count = 1;
  Ids seen;
  for (int i = 0; i < 5; ++i) {
    auto page = fx.groups->list(kAcme, q);
    BOOST_TEST_REQUIRE(page.has_value());
    for (const auto& g : page->items) seen.push_back(g.id);
    if (!page->next_cursor) break;
    q.cursor = page->next_cursor;
  }
  BOOST_TEST(joined(seen) == joined({"g2", "g3", "g1"}));
}

// --- query plans ------------------------------------------------------------

namespace {

// The plan SQLite picks for `sql` (its parameters unbound), one detail a line.
std::vector<std::string> query_plan(const std::filesystem::path& file, const std::string& sql) {
  using namespace sqlite_api;  // soci-sqlite3.h includes sqlite3.h in this namespace
  sqlite3* db = nullptr;
  std::vector<std::string> lines;
  BOOST_TEST_REQUIRE(sqlite3_open_v2(file.string().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  const std::string explain = "EXPLAIN QUERY PLAN " + sql;
  const int rc = sqlite3_prepare_v2(db, explain.c_str(), -1, &stmt, nullptr);
  if (rc == SQLITE_OK) {
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      lines.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3)));
    }
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  BOOST_TEST_REQUIRE(rc == SQLITE_OK, explain);
  return lines;
}

struct PlanCase {
  const char* target;  // Users | Groups
  const char* filter;
  const char* driving_index;  // must appear in the plan of the count and of the page
};
std::ostream& operator<<(std::ostream& out, const PlanCase& c) { return out << c.target << ": " << c.filter; }

const PlanCase kPlans[] = {
    {"Users", R"(userName eq "bjensen@example.com")", "sqlite_autoindex_scim_users_2 (user_name_key=?)"},
    {"Users", R"(userName eq "x" and active eq true)", "sqlite_autoindex_scim_users_2 (user_name_key=?)"},
    {"Users", R"(externalId eq "ext-bob")",
     "scim_external_ids_lookup (integration_id=? AND resource_type=? AND external_id=?)"},
    {"Users", R"(emails.value eq "bob@example.com")", "scim_user_values_lookup (attribute=? AND value_key=?)"},
    {"Users", R"(emails eq "bob@example.com")", "scim_user_values_lookup (attribute=? AND value_key=?)"},
    {"Users", R"(emails[type eq "work" and value eq "bob@example.com"])",
     "scim_user_values_lookup (attribute=? AND value_key=?)"},
    {"Users", R"(emails[type eq "work"].value eq "bob@example.com")",
     "scim_user_values_lookup (attribute=? AND value_key=?)"},
    {"Users", R"(displayName eq "Babs Jensen")", "scim_users_display_name (display_name_key=?)"},
    {"Users", R"(groups eq "g1")", "sqlite_autoindex_scim_group_members_1 (group_id=?)"},
    {"Users", R"(id eq "u01")", "(tenant_id=? AND user_id=?)"},
    {"Groups", R"(displayName eq "Admins")", "sqlite_autoindex_scim_groups_2 (tenant_id=? AND display_name_key=?)"},
    {"Groups", R"(members.value eq "u01")", "scim_group_members_member (tenant_id=? AND member_id=?)"},
    {"Groups", R"(members[value eq "u01" and type eq "User"])",
     "scim_group_members_member (tenant_id=? AND member_id=?)"},
    {"Groups", R"(externalId eq "grp-ext-1")",
     "scim_external_ids_lookup (integration_id=? AND resource_type=? AND external_id=?)"},
    {"Groups", R"(id eq "g1")", "sqlite_autoindex_scim_groups_1 (id=?)"},
};

}  // namespace

BOOST_TEST_DECORATOR(*boost::unit_test::precondition(only_on(Backend::Sqlite)))
BOOST_DATA_TEST_CASE(filter_on_an_indexed_attribute_uses_its_index, data::make(kPlans), c) {
  ResourceFixture fx;
  seed(fx);
  StatementTrace trace;
  fx.trace(trace);
  const auto filter = parse(c.filter);
  ports::ListQuery q;
  q.filter = filter.get();
  const bool users = std::string(c.target) == "Users";
  const bool listed = users ? fx.users->list(kAcme, q).has_value() : fx.groups->list(kAcme, q).has_value();
  BOOST_TEST_REQUIRE(listed);
  // That page tells its total; the count (count=0) must use the index too.
  q.count = 0;
  const bool counted = users ? fx.users->list(kAcme, q).has_value() : fx.groups->list(kAcme, q).has_value();
  BOOST_TEST_REQUIRE(counted);

  int checked = 0;
  int role_reads = 0;
  for (const auto& entry : trace.entries()) {
    if (!entry.sql.starts_with("SELECT")) continue;
    const auto plan = query_plan(fx.db.file(), entry.sql);
    std::string text;
    for (const auto& line : plan) text += line + "\n";
    // The roles of the page's rows, read by their subject ids.
    const bool roles = entry.sql.find("FROM scim_bindings") != std::string::npos;
    role_reads += roles ? 1 : 0;
    checked += roles ? 0 : 1;
    const std::string index =
        roles ? "scim_bindings_subject (tenant_id=? AND subject_type=? AND subject_id=?)" : c.driving_index;
    BOOST_TEST(text.find(index) != std::string::npos, "plan of\n" << entry.sql << "\n" << text);
    for (const auto& line : plan) {
      // No full scan, and no walk through every row of the tenant.
      BOOST_TEST(!line.starts_with("SCAN"), line << "\n" << text);
      BOOST_TEST(line.find("(tenant_id=?)") == std::string::npos, line << "\n" << text);
    }
  }
  BOOST_TEST(checked == 2);     // the count and the page
  BOOST_TEST(role_reads <= 1);  // and the page's roles, when it has rows
}

// --- PostgreSQL query plans -------------------------------------------------

namespace {

// The generic plan PostgreSQL makes for `query` (":name" placeholders, as
// the repositories write it), with sequential scans priced out so that an
// index shows up wherever one can serve: a tiny test table would otherwise
// always be scanned.
std::string postgres_plan(soci::session& sql, const std::string& query) {
  std::string text;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < query.size();) {
    if (query[i] == '\'') {
      const std::size_t end = query.find('\'', i + 1);
      text += query.substr(i, end + 1 - i);
      i = end + 1;
    } else if (query[i] == ':' && i + 1 < query.size() && std::isalpha(static_cast<unsigned char>(query[i + 1]))) {
      std::size_t end = i + 1;
      while (end < query.size() && (std::isalnum(static_cast<unsigned char>(query[end])) || query[end] == '_')) ++end;
      const std::string name = query.substr(i + 1, end - i - 1);
      auto at = std::find(names.begin(), names.end(), name);
      if (at == names.end()) at = names.insert(names.end(), name);
      text += "$" + std::to_string(at - names.begin() + 1);
      i = end;
    } else {
      text += query[i++];
    }
  }
  std::string arguments;
  for (std::size_t i = 0; i < names.size(); ++i) arguments += std::string(i == 0 ? "" : ", ") + "'0'";
  sql << "SET plan_cache_mode = force_generic_plan";
  sql << "SET enable_seqscan = off";
  sql << "PREPARE kestra_plan AS " + text;
  std::string plan;
  soci::rowset<std::string> lines = (sql.prepare << "EXPLAIN EXECUTE kestra_plan" +
                                                        (names.empty() ? "" : "(" + arguments + ")"));
  for (const std::string& line : lines) plan += line + "\n";
  sql << "DEALLOCATE kestra_plan";
  return plan;
}

struct PostgresPlanCase {
  const char* target;  // Users | Groups
  const char* filter;
  const char* index;   // must drive the count and the page
};
std::ostream& operator<<(std::ostream& out, const PostgresPlanCase& c) { return out << c.target << ": " << c.filter; }

// Lookups whose index wins whatever the statistics.  (On tables this small
// the planner may serve displayName or groups from another index of the
// tenant as cheaply, and a generic plan cannot range-scan LIKE :pattern.)
const PostgresPlanCase kPostgresPlans[] = {
    {"Users", R"(userName eq "bjensen@example.com")", "scim_users_user_name_key_key"},
    {"Users", R"(userName eq "x" and active eq true)", "scim_users_user_name_key_key"},
    {"Users", R"(emails eq "bob@example.com")", "scim_user_values_lookup"},
    {"Users", R"(emails[type eq "work" and value eq "bob@example.com"])", "scim_user_values_lookup"},
    {"Users", R"(externalId eq "ext-bob")", "scim_external_ids_lookup"},
    {"Groups", R"(members.value eq "u01")", "scim_group_members_member"},
    {"Groups", R"(members[value eq "u01" and type eq "User"])", "scim_group_members_member"},
    {"Groups", R"(externalId eq "grp-ext-1")", "scim_external_ids_lookup"},
};

}  // namespace

BOOST_TEST_DECORATOR(*boost::unit_test::precondition(only_on(Backend::Postgres)))
BOOST_DATA_TEST_CASE(postgres_serves_indexed_filters_from_their_index, data::make(kPostgresPlans), c) {
  ResourceFixture fx;
  seed(fx);
  QueryLog log;
  fx.log(log);
  const auto filter = parse(c.filter);
  ports::ListQuery q;
  q.filter = filter.get();
  const bool users = std::string(c.target) == "Users";
  const bool listed = users ? fx.users->list(kAcme, q).has_value() : fx.groups->list(kAcme, q).has_value();
  BOOST_TEST_REQUIRE(listed);
  // That page tells its total; the count (count=0) must use the index too.
  q.count = 0;
  const bool counted = users ? fx.users->list(kAcme, q).has_value() : fx.groups->list(kAcme, q).has_value();
  BOOST_TEST_REQUIRE(counted);

  int checked = 0;
  int role_reads = 0;
  for (const auto& query : log.queries()) {
    if (!query.starts_with("SELECT")) continue;
    // The roles of the page's rows, read by their subject ids.
    const bool roles = query.find("FROM scim_bindings") != std::string::npos;
    role_reads += roles ? 1 : 0;
    checked += roles ? 0 : 1;
    const std::string plan = postgres_plan(fx.sql, query);
    // (On tables this small the planner may take either index of scim_bindings.)
    BOOST_TEST(plan.find(roles ? "using scim_bindings_" : c.index) != std::string::npos,
               "plan of\n" << query << "\n" << plan);
    BOOST_TEST(plan.find("Seq Scan") == std::string::npos, "plan of\n" << query << "\n" << plan);
  }
  BOOST_TEST(checked == 2);     // the count and the page
  BOOST_TEST(role_reads <= 1);  // and the page's roles, when it has rows
}
