#define BOOST_TEST_MODULE adapters_group_store
#include "kestra/adapters/store_factory.hpp"
#include "resource_data.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <functional>
#include <latch>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace data = boost::unit_test::data;
namespace ports = kestra::ports;
using namespace kestra::test;
using kestra::ErrorKind;

BOOST_TEST_GLOBAL_FIXTURE(BackendCheck);

namespace {

constexpr const char* kT1 = "2026-03-01T00:00:00.000Z";
constexpr const char* kT2 = "2026-03-02T00:00:00.000Z";

using Ids = std::vector<std::string>;

std::string joined(const Ids& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ",") + id;
  return "[" + out + "]";
}

// Users a, b, c, d ("amy", "bob", "cat", "dan") in acme; eve only in globex;
// group H ("Helpers") in acme, g9 in globex.
void seed_small(ResourceFixture& fx) {
  const std::pair<const char*, const char*> users[] = {{"a", "amy"}, {"b", "bob"}, {"c", "cat"}, {"d", "dan"}};
  for (const auto& [id, name] : users) must_create_user(fx, kAcme, id, user_write(name), kT1);
  must_create_user(fx, kGlobex, "eve", user_write("eve"), kT1);
  must_create_group(fx, kAcme, "H", group_write("Helpers"), {}, kT1);
  must_create_group(fx, kGlobex, "g9", group_write("Others"), {"eve"}, kT1);
}

struct Member {
  std::string id, type, display;
};

std::vector<Member> members_of(ResourceFixture& fx, const std::string& group, std::int64_t page = 100) {
  std::vector<Member> out;
  auto streamed = fx.groups->for_each_member(kAcme, group, page, [&](const ports::MemberRef& m) {
    out.push_back({m.value, m.type, m.display});
    return true;
  });
  BOOST_TEST_REQUIRE(streamed.has_value(), (streamed ? "" : describe(streamed.error())));
  return out;
}

Ids member_ids(ResourceFixture& fx, const std::string& group) {
  Ids ids;
  for (const auto& m : members_of(fx, group)) ids.push_back(m.id);
  return ids;
}

ports::GroupRow must_find(ResourceFixture& fx, const std::string& id, const ports::Scope& scope = kAcme) {
  auto found = fx.groups->find(scope, id);
  BOOST_TEST_REQUIRE(found.has_value());
  BOOST_TEST_REQUIRE(found->has_value(), id);
  return **found;
}

std::map<std::string, long long> table_counts(ResourceFixture& fx) {
  std::map<std::string, long long> counts;
  for (const char* t : {"scim_groups", "scim_group_members", "scim_audit", "scim_external_ids", "scim_bindings"}) {
    counts[t] = fx.rows(std::string("SELECT COUNT(*) FROM ") + t);
  }
  return counts;
}

// Every group's member_count equals its rows.
void check_member_counts(ResourceFixture& fx) {
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_groups g WHERE g.member_count <> "
                     "(SELECT COUNT(*) FROM scim_group_members m WHERE m.group_id = g.id)") == 0);
}

// Users bulk-u0000..bulk-uNNNN with access to acme, written directly.
void bulk_users(ResourceFixture& fx, int n) {
  soci::transaction tx(fx.sql);
  std::string id;
  soci::statement user = (fx.sql.prepare << "INSERT INTO scim_users (id, user_name, user_name_key, resource, "
                                            "created_at, updated_at, version) VALUES (:id, :id2, :id3, '{}', 't', 't', 1)",
                          soci::use(id, "id"), soci::use(id, "id2"), soci::use(id, "id3"));
  soci::statement access = (fx.sql.prepare << "INSERT INTO scim_tenant_users (tenant_id, user_id, active, created_at, "
                                              "updated_at, version) VALUES ('acme', :id, 1, 't', 't', 1)",
                            soci::use(id, "id"));
  for (int i = 0; i < n; ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "bulk-u%05d", i);
    id = buf;
    user.execute(true);
    access.execute(true);
  }
  tx.commit();
}

std::string bulk_id(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "bulk-u%05d", i);
  return buf;
}

Ids bulk_ids(int n) {
  Ids ids;
  for (int i = 0; i < n; ++i) ids.push_back(bulk_id(i));
  return ids;
}

}  // namespace

BOOST_AUTO_TEST_CASE(create_stores_the_group_its_members_and_audit) {
  ResourceFixture fx;
  seed_small(fx);
  auto created = fx.groups->create(kAcme, group_write("Admins", "ext-g"), {{"b", "User", ""}, {"H", "User", ""}}, "G",
                                   kT2, audit("acme", "group.create"));
  BOOST_TEST_REQUIRE(created.has_value(), (created ? "" : describe(created.error())));
  BOOST_TEST(created->id == "G");
  BOOST_TEST(created->display_name == "Admins");
  BOOST_TEST(created->resource_json == group_write("Admins").resource_json);
  BOOST_TEST(created->external_id.value_or("") == "ext-g");
  BOOST_TEST(created->created_at == kT2);
  BOOST_TEST(created->updated_at == kT2);
  BOOST_TEST(created->version == 1);
  BOOST_TEST(created->member_count == 2);
  // The stored type is the database's, not the request's.
  const auto members = members_of(fx, "G");
  BOOST_TEST_REQUIRE(members.size() == 2u);
  BOOST_TEST(members[0].id == "H");
  BOOST_TEST(members[0].type == "Group");
  BOOST_TEST(members[0].display == "Helpers");
  BOOST_TEST(members[1].id == "b");
  BOOST_TEST(members[1].type == "User");
  BOOST_TEST(members[1].display == "bob");
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_groups WHERE id = 'G' AND integration_id = 'okta' "
                     "AND display_name_key = 'admins'") == 1);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_audit WHERE action = 'group.create' AND target_id = 'G'") == 1);
  BOOST_TEST(!fx.groups->find(kGlobex, "G")->has_value());
  check_member_counts(fx);
}

BOOST_AUTO_TEST_CASE(create_with_repeated_members_stores_each_once) {
  ResourceFixture fx;
  seed_small(fx);
  auto created = fx.groups->create(kAcme, group_write("G"), refs({"a", "b", "a", "a"}), "G", kT2, audit("acme", "c"));
  BOOST_TEST_REQUIRE(created.has_value());
  BOOST_TEST(created->member_count == 2);
  BOOST_TEST(joined(member_ids(fx, "G")) == joined({"a", "b"}));
}

namespace {

struct UnknownMembers {
  const char* name;
  std::function<Ids()> members;
  const char* named;  // the id the error names
};
std::ostream& operator<<(std::ostream& out, const UnknownMembers& c) { return out << c.name; }

// bulk-u00000... (see bulk_users) with `unknown` at `at`.
Ids many_with(const std::string& unknown, std::size_t at, std::size_t total) {
  Ids ids = bulk_ids(static_cast<int>(total));
  ids[at] = unknown;
  return ids;
}

const UnknownMembers kUnknown[] = {
    {"one unknown", [] { return Ids{"nope"}; }, "nope"},
    {"the first of two, between known ones", [] { return Ids{"a", "nope-1", "b", "nope-2"}; }, "nope-1"},
    {"a user of another tenant", [] { return Ids{"a", "eve"}; }, "eve"},
    {"a group of another tenant", [] { return Ids{"g9", "a"}; }, "g9"},
    {"an id that looks like SQL", [] { return Ids{"x' OR '1'='1"}; }, "x' OR '1'='1"},
    {"an id differing in case", [] { return Ids{"A"}; }, "A"},
    {"in the second batch of a long list", [] { return many_with("late", 777, 1200); }, "late"},
};

}  // namespace

BOOST_DATA_TEST_CASE(create_with_an_unknown_member_names_it_and_writes_nothing, data::make(kUnknown), c) {
  ResourceFixture fx;
  seed_small(fx);
  bulk_users(fx, 1200);
  const auto before = table_counts(fx);
  auto created = fx.groups->create(kAcme, group_write("G", "ext"), refs(c.members()), "G", kT2, audit("acme", "c"));
  BOOST_TEST_REQUIRE(!created.has_value());
  BOOST_TEST(created.error().kind == ErrorKind::InvalidInput);
  BOOST_TEST(created.error().scim_type == "invalidValue");
  BOOST_TEST(created.error().detail == "member '" + std::string(c.named) + "' is not a user or group of this tenant");
  const auto after = table_counts(fx);
  for (const auto& [table, n] : before) BOOST_TEST(after.at(table) == n, table);
}

BOOST_AUTO_TEST_CASE(members_are_checked_with_one_query_per_batch) {
  ResourceFixture fx;
  seed_small(fx);
  bulk_users(fx, 1199);
  Ids ids = bulk_ids(1199);
  ids.push_back("H");
  ids.push_back("a");
  ids.push_back("a");  // twice: checked and stored once
  StatementTrace trace;
  if (on_sqlite()) fx.trace(trace);
  auto created = fx.groups->create(kAcme, group_write("G"), refs(ids), "G", kT2, audit("acme", "c"));
  BOOST_TEST_REQUIRE(created.has_value(), (created ? "" : describe(created.error())));
  int checks = 0;
  for (const auto& e : trace.entries()) checks += e.sql.find("UNION ALL") != std::string::npos;
  if (on_sqlite()) BOOST_TEST(checks == 3);  // 1201 distinct ids in batches of 500
  BOOST_TEST(created->member_count == 1201);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_group_members WHERE member_type = 'Group'") == 1);
}

BOOST_DATA_TEST_CASE(display_name_is_unique_per_tenant_ignoring_case, data::make({"Admins", "admins", "ADMINS"}), name) {
  ResourceFixture fx;
  seed_small(fx);
  must_create_group(fx, kAcme, "G", group_write("Admins"), {}, kT1);
  auto again = fx.groups->create(kAcme, group_write(name), {}, "G2", kT2, audit("acme", "c"));
  BOOST_TEST_REQUIRE(!again.has_value());
  BOOST_TEST(again.error().kind == ErrorKind::Conflict);
  BOOST_TEST(again.error().scim_type == "uniqueness");
  auto elsewhere = fx.groups->create(kGlobex, group_write(name), {}, "G3", kT2, audit("globex", "c"));
  BOOST_TEST(elsewhere.has_value());
}

// Two hosts (two pools) creating one displayName in different cases at
// once: the unique key on (tenant, folded name) lets one through.
BOOST_AUTO_TEST_CASE(racing_creates_of_one_display_name_make_one_group) {
  TestDatabase db;
  std::unique_ptr<ports::Store> hosts[2];
  for (auto& host : hosts) {
    auto store = kestra::adapters::open_store(db.config(4));
    BOOST_TEST_REQUIRE(store.has_value(), (store ? "" : store.error().detail));
    host = std::move(*store);
  }
  constexpr int kThreads = 8;
  const char* const names[] = {"Admins", "admins", "ADMINS", "aDmInS"};
  std::latch start(kThreads);
  std::atomic<int> created{0}, conflicts{0};
  std::vector<std::string> others(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      auto result = hosts[i % 2]->groups().create(kAcme, group_write(names[i % 4]), {}, "g-" + std::to_string(i),
                                                  kT1, audit("acme", "group.create"));
      if (result) {
        ++created;
      } else if (result.error().kind == ErrorKind::Conflict && result.error().scim_type == "uniqueness") {
        ++conflicts;
      } else {
        others[i] = describe(result.error());
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& other : others) BOOST_TEST(other.empty(), other);
  BOOST_TEST(created.load() == 1);
  BOOST_TEST(conflicts.load() == kThreads - 1);
  auto sql = db.session();
  long long groups = 0, audits = 0;
  *sql << "SELECT COUNT(*) FROM scim_groups", soci::into(groups);
  *sql << "SELECT COUNT(*) FROM scim_audit", soci::into(audits);
  BOOST_TEST(groups == 1);
  BOOST_TEST(audits == 1);
}

// --- update -----------------------------------------------------------------

namespace {

struct DeltaCase {
  const char* name;
  std::function<ports::MemberDelta(std::vector<std::unique_ptr<kestra::scim::filter::Node>>&)> delta;
  Ids expected;  // from {H, a, b}, in id order
};
std::ostream& operator<<(std::ostream& out, const DeltaCase& c) { return out << c.name; }

using Keep = std::vector<std::unique_ptr<kestra::scim::filter::Node>>;

ports::MemberDelta matching(Keep& keep, const char* filter) {
  keep.push_back(parse(filter));
  ports::MemberDelta d;
  d.remove_matching = keep.back().get();
  return d;
}

const DeltaCase kDeltas[] = {
    {"nothing", [](Keep&) { return ports::MemberDelta{}; }, {"H", "a", "b"}},
    {"add one", [](Keep&) { return ports::MemberDelta{false, refs({"c"}), {}, nullptr}; }, {"H", "a", "b", "c"}},
    {"add a member already there", [](Keep&) { return ports::MemberDelta{false, refs({"a"}), {}, nullptr}; },
     {"H", "a", "b"}},
    {"add the same twice", [](Keep&) { return ports::MemberDelta{false, refs({"d", "d"}), {}, nullptr}; },
     {"H", "a", "b", "d"}},
    {"remove one", [](Keep&) { return ports::MemberDelta{false, {}, {"a"}, nullptr}; }, {"H", "b"}},
    {"remove one not there", [](Keep&) { return ports::MemberDelta{false, {}, {"zz", "c"}, nullptr}; },
     {"H", "a", "b"}},
    {"remove then add back", [](Keep&) { return ports::MemberDelta{false, refs({"a"}), {"a"}, nullptr}; },
     {"H", "a", "b"}},
    {"replace all", [](Keep&) { return ports::MemberDelta{true, refs({"c", "d"}), {}, nullptr}; }, {"c", "d"}},
    {"replace all with nothing", [](Keep&) { return ports::MemberDelta{true, {}, {}, nullptr}; }, {}},
    {"replace all keeping one", [](Keep&) { return ports::MemberDelta{true, refs({"a"}), {}, nullptr}; }, {"a"}},
    {"remove matching value", [](Keep& k) { return matching(k, R"(value eq "a")"); }, {"H", "b"}},
    {"remove matching type", [](Keep& k) { return matching(k, R"(type eq "group")"); }, {"a", "b"}},
    {"remove matching display", [](Keep& k) { return matching(k, R"(display co "BO")"); }, {"H", "a"}},
    {"remove matching a group's display", [](Keep& k) { return matching(k, R"(display sw "help")"); }, {"a", "b"}},
    {"remove matching or", [](Keep& k) { return matching(k, R"(value eq "a" or value eq "H")"); }, {"b"}},
    {"remove matching not", [](Keep& k) { return matching(k, R"(not (type eq "User"))"); }, {"a", "b"}},
    {"remove matching nothing", [](Keep& k) { return matching(k, R"(value eq "zz")"); }, {"H", "a", "b"}},
    {"remove matching members.value", [](Keep& k) { return matching(k, R"(members.value eq "b")"); }, {"H", "a"}},
    {"remove matching SQL-looking value", [](Keep& k) { return matching(k, R"(value eq "a' OR '1'='1")"); },
     {"H", "a", "b"}},
    {"remove matching, then add",
     [](Keep& k) {
       auto d = matching(k, R"(type eq "User")");
       d.add = refs({"c"});
       return d;
     },
     {"H", "c"}},
};

}  // namespace

BOOST_DATA_TEST_CASE(update_applies_the_member_delta, data::make(kDeltas), c) {
  ResourceFixture fx;
  seed_small(fx);
  must_create_group(fx, kAcme, "G", group_write("G"), {"a", "b", "H"}, kT1);
  Keep keep;
  const auto delta = c.delta(keep);
  auto updated = fx.groups->update(kAcme, "G", std::nullopt, delta, ports::ExpectedVersion{1, 0}, kT2,
                                   audit("acme", "group.update", "G"));
  BOOST_TEST_REQUIRE(updated.has_value(), (updated ? "" : describe(updated.error())));
  BOOST_TEST(joined(member_ids(fx, "G")) == joined(c.expected));
  BOOST_TEST(updated->member_count == static_cast<long long>(c.expected.size()));
  BOOST_TEST(updated->version == 2);
  BOOST_TEST(updated->updated_at == kT2);
  BOOST_TEST(updated->display_name == "G");
  check_member_counts(fx);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_audit WHERE action = 'group.update'") == 1);
}

namespace {

struct FailedUpdate {
  const char* name;
  std::function<ports::MemberDelta(Keep&)> delta;
  std::optional<ports::ExpectedVersion> expected;
  ErrorKind kind;
  const char* scim_type;
};
std::ostream& operator<<(std::ostream& out, const FailedUpdate& c) { return out << c.name; }

const FailedUpdate kFailedUpdates[] = {
    {"unknown member added after a remove",
     [](Keep&) { return ports::MemberDelta{true, refs({"c", "ghost"}), {"a"}, nullptr}; }, std::nullopt,
     ErrorKind::InvalidInput, "invalidValue"},
    {"the group itself", [](Keep&) { return ports::MemberDelta{false, refs({"G"}), {}, nullptr}; }, std::nullopt,
     ErrorKind::InvalidInput, "invalidValue"},
    {"stale version", [](Keep&) { return ports::MemberDelta{false, refs({"c"}), {}, nullptr}; },
     ports::ExpectedVersion{7, 0}, ErrorKind::PreconditionFailed, ""},
    {"filter on an unknown attribute", [](Keep& k) { return matching(k, R"(foo eq "a")"); }, std::nullopt,
     ErrorKind::InvalidInput, "invalidFilter"},
    {"filter on a user attribute", [](Keep& k) { return matching(k, R"(emails pr)"); }, std::nullopt,
     ErrorKind::InvalidInput, "invalidFilter"},
    {"filter with a number for a string", [](Keep& k) { return matching(k, R"(value eq 5)"); }, std::nullopt,
     ErrorKind::InvalidInput, "invalidFilter"},
};

}  // namespace

BOOST_DATA_TEST_CASE(failed_update_changes_nothing, data::make(kFailedUpdates), c) {
  ResourceFixture fx;
  seed_small(fx);
  must_create_group(fx, kAcme, "G", group_write("G"), {"a", "b"}, kT1);
  const auto before = table_counts(fx);
  Keep keep;
  auto updated = fx.groups->update(kAcme, "G", group_write("Renamed", "ext"), c.delta(keep), c.expected, kT2,
                                   audit("acme", "group.update"));
  BOOST_TEST_REQUIRE(!updated.has_value());
  BOOST_TEST(updated.error().kind == c.kind);
  BOOST_TEST(updated.error().scim_type == c.scim_type);
  const auto after = table_counts(fx);
  for (const auto& [table, n] : before) BOOST_TEST(after.at(table) == n, table);
  const auto row = must_find(fx, "G");
  BOOST_TEST(row.display_name == "G");
  BOOST_TEST(row.version == 1);
  BOOST_TEST(joined(member_ids(fx, "G")) == joined({"a", "b"}));
}

BOOST_AUTO_TEST_CASE(update_of_the_document_renames_and_sets_the_external_id) {
  ResourceFixture fx;
  seed_small(fx);
  must_create_group(fx, kAcme, "G", group_write("G"), {"a"}, kT1);
  auto renamed = fx.groups->update(kAcme, "G", group_write("Gee", "ext-1"), {}, std::nullopt, kT2, audit("acme", "u"));
  BOOST_TEST_REQUIRE(renamed.has_value());
  BOOST_TEST(renamed->display_name == "Gee");
  BOOST_TEST(renamed->external_id.value_or("") == "ext-1");
  BOOST_TEST(renamed->member_count == 1);
  // Its own name in another case is no conflict; another group's name is.
  BOOST_TEST(fx.groups->update(kAcme, "G", group_write("GEE"), {}, std::nullopt, kT2, audit("acme", "u")).has_value());
  BOOST_TEST(!must_find(fx, "G").external_id.has_value());
  auto taken = fx.groups->update(kAcme, "G", group_write("helpers"), {}, std::nullopt, kT2, audit("acme", "u"));
  BOOST_TEST_REQUIRE(!taken.has_value());
  BOOST_TEST(taken.error().kind == ErrorKind::Conflict);
  BOOST_TEST(must_find(fx, "G").display_name == "GEE");
}

BOOST_AUTO_TEST_CASE(update_or_remove_of_another_tenants_group_is_not_found) {
  ResourceFixture fx;
  seed_small(fx);
  auto updated = fx.groups->update(kAcme, "g9", std::nullopt, {}, std::nullopt, kT2, audit("acme", "u"));
  BOOST_TEST_REQUIRE(!updated.has_value());
  BOOST_TEST(updated.error().kind == ErrorKind::NotFound);
  auto removed = fx.groups->remove(kAcme, "g9", audit("acme", "d"));
  BOOST_TEST_REQUIRE(!removed.has_value());
  BOOST_TEST(removed.error().kind == ErrorKind::NotFound);
  auto streamed = fx.groups->for_each_member(kAcme, "g9", 10, [](const ports::MemberRef&) { return true; });
  BOOST_TEST_REQUIRE(!streamed.has_value());
  BOOST_TEST(streamed.error().kind == ErrorKind::NotFound);
  BOOST_TEST(must_find(fx, "g9", kGlobex).member_count == 1);
}

// --- streaming members ------------------------------------------------------

BOOST_DATA_TEST_CASE(members_stream_in_id_order_page_by_page, data::make({1, 2, 3, 5, 6, 100}), page) {
  ResourceFixture fx;
  seed_small(fx);
  must_create_group(fx, kAcme, "G", group_write("G"), {"d", "H", "b", "a", "c"}, kT1);
  Ids ids;
  for (const auto& m : members_of(fx, "G", page)) ids.push_back(m.id);
  BOOST_TEST(joined(ids) == joined({"H", "a", "b", "c", "d"}));
}

BOOST_DATA_TEST_CASE(members_stop_streaming_when_the_sink_says_so,
                     data::make({1, 2, 3, 5}) * data::make({1, 2, 4}), stop_after, page) {
  ResourceFixture fx;
  seed_small(fx);
  must_create_group(fx, kAcme, "G", group_write("G"), {"d", "H", "b", "a", "c"}, kT1);
  StatementTrace trace;
  if (on_sqlite()) fx.trace(trace);
  int calls = 0;
  auto streamed = fx.groups->for_each_member(kAcme, "G", page, [&](const ports::MemberRef&) { return ++calls < stop_after; });
  BOOST_TEST_REQUIRE(streamed.has_value());
  BOOST_TEST(calls == stop_after);
  int pages = 0;
  for (const auto& e : trace.entries()) pages += e.sql.find("m.member_id > :after") != std::string::npos;
  if (on_sqlite()) BOOST_TEST(pages == (stop_after + page - 1) / page);
}

BOOST_AUTO_TEST_CASE(member_page_size_must_be_positive) {
  ResourceFixture fx;
  seed_small(fx);
  auto streamed = fx.groups->for_each_member(kAcme, "H", 0, [](const ports::MemberRef&) { return true; });
  BOOST_TEST_REQUIRE(!streamed.has_value());
  BOOST_TEST(streamed.error().kind == ErrorKind::InvalidInput);
}

// --- cost of a membership change ------------------------------------------

namespace {

struct Cost {
  std::size_t statements = 0;
  long long steps = 0;
  long long full_scan_steps = 0;
};

Cost cost_of(ResourceFixture& fx, const std::function<void()>& action) {
  StatementTrace trace;
  fx.trace(trace);
  action();
  for (std::size_t i = 0; i < fx.pool_size; ++i) StatementTrace::detach(fx.pool->at(i));
  return {trace.entries().size(), trace.steps(), trace.full_scan_steps()};
}

struct CostCase {
  const char* name;
  std::function<ports::MemberDelta(const std::string& group)> delta;
};
std::ostream& operator<<(std::ostream& out, const CostCase& c) { return out << c.name; }

const CostCase kCosts[] = {
    {"add one user", [](const std::string& g) { return ports::MemberDelta{false, refs({"new-" + g}), {}, nullptr}; }},
    {"add one user already there", [](const std::string&) {
       return ports::MemberDelta{false, refs({"bulk-u00003"}), {}, nullptr}; }},
    {"remove one user", [](const std::string&) { return ports::MemberDelta{false, {}, {"bulk-u00004"}, nullptr}; }},
    {"add and remove", [](const std::string& g) {
       return ports::MemberDelta{false, refs({"new-" + g}), {"bulk-u00005"}, nullptr}; }},
};

}  // namespace

// SQLite counts the work of each statement (virtual-machine steps).
BOOST_TEST_DECORATOR(*boost::unit_test::precondition(only_on(Backend::Sqlite)))
BOOST_DATA_TEST_CASE(membership_change_costs_the_same_in_a_group_of_10_and_of_3000, data::make(kCosts), c) {
  ResourceFixture fx;
  bulk_users(fx, 3000);
  const Ids all = bulk_ids(3000);
  must_create_group(fx, kAcme, "small", group_write("Small"), Ids(all.begin(), all.begin() + 10), kT1);
  must_create_group(fx, kAcme, "large", group_write("Large"), all, kT1);
  must_create_user(fx, kAcme, "new-small", user_write("new-small"), kT1);
  must_create_user(fx, kAcme, "new-large", user_write("new-large"), kT1);

  std::map<std::string, Cost> costs;
  for (const std::string group : {"small", "large"}) {
    costs[group] = cost_of(fx, [&] {
      auto updated = fx.groups->update(kAcme, group, std::nullopt, c.delta(group), std::nullopt, kT2,
                                       audit("acme", "group.update"));
      BOOST_TEST_REQUIRE(updated.has_value(), (updated ? "" : describe(updated.error())));
    });
  }
  BOOST_TEST_MESSAGE(c.name << ": " << costs["small"].statements << " statements, " << costs["small"].steps
                             << " / " << costs["large"].steps << " VM steps (10 / 3000 members)");
  BOOST_TEST(costs["small"].statements == costs["large"].statements);
  BOOST_TEST(costs["small"].steps == costs["large"].steps);
  BOOST_TEST(costs["small"].full_scan_steps == 0);
  BOOST_TEST(costs["large"].full_scan_steps == 0);
  BOOST_TEST(costs["large"].steps < 1000, "steps: " << costs["large"].steps);
  check_member_counts(fx);
}

// --- remove -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(remove_takes_the_group_out_of_its_parents_and_drops_its_bindings) {
  ResourceFixture fx;
  seed_small(fx);
  must_create_group(fx, kAcme, "child", group_write("Child", "ext-c"), {"a", "b"}, kT1);
  must_create_group(fx, kAcme, "parent", group_write("Parent"), {"child", "c"}, kT1);
  fx.sql << "INSERT INTO scim_roles (id, tenant_id, name, name_key, permissions, created_at, updated_at) "
            "VALUES ('r', 'acme', 'Viewer', 'viewer', '{}', 't', 't')";
  fx.sql << "INSERT INTO scim_bindings (id, tenant_id, role_id, subject_type, subject_id, source, created_at) "
            "VALUES ('b1', 'acme', 'r', 'GROUP', 'child', 'SCIM', 't'), "
            "('b2', 'acme', 'r', 'GROUP', 'parent', 'SCIM', 't')";

  auto removed = fx.groups->remove(kAcme, "child", audit("acme", "group.delete", "child"));
  BOOST_TEST_REQUIRE(removed.has_value(), (removed ? "" : describe(removed.error())));
  BOOST_TEST(!fx.groups->find(kAcme, "child")->has_value());
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_group_members WHERE group_id = 'child' OR member_id = 'child'") == 0);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_bindings WHERE subject_id = 'child'") == 0);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_bindings WHERE subject_id = 'parent'") == 1);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_external_ids WHERE resource_id = 'child'") == 0);
  const auto parent = must_find(fx, "parent");
  BOOST_TEST(parent.member_count == 1);
  BOOST_TEST(parent.version == 2);
  BOOST_TEST(joined(member_ids(fx, "parent")) == joined({"c"}));
  BOOST_TEST(must_find(fx, "g9", kGlobex).member_count == 1);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_users") == 5);
  check_member_counts(fx);
  auto again = fx.groups->remove(kAcme, "child", audit("acme", "group.delete"));
  BOOST_TEST_REQUIRE(!again.has_value());
  BOOST_TEST(again.error().kind == ErrorKind::NotFound);
}
