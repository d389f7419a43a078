#define BOOST_TEST_MODULE adapters_user_store
#include "kestra/adapters/store_factory.hpp"
#include "resource_data.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <atomic>
#include <functional>
#include <latch>
#include <ostream>
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

ports::UserRow must_find(ResourceFixture& fx, const ports::Scope& scope, const std::string& id) {
  auto found = fx.users->find(scope, id);
  BOOST_TEST_REQUIRE(found.has_value(), (found ? "" : describe(found.error())));
  BOOST_TEST_REQUIRE(found->has_value(), id << " not found in " << scope.tenant_id);
  return **found;
}

bool visible(ResourceFixture& fx, const ports::Scope& scope, const std::string& id) {
  auto found = fx.users->find(scope, id);
  BOOST_TEST_REQUIRE(found.has_value());
  return found->has_value();
}

struct on_a_server {
  boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
    boost::test_tools::assertion_result result(current_backend() != Backend::Sqlite);
    result.message() << "needs a database server";
    return result;
  }
};

// The groups of one user, through the batch call.
std::vector<ports::MemberRef> groups_of(ResourceFixture& fx, const ports::Scope& scope, const std::string& id) {
  auto groups = fx.users->groups_of(scope, {id});
  BOOST_TEST_REQUIRE(groups.has_value(), (groups ? "" : describe(groups.error())));
  BOOST_TEST_REQUIRE(groups->size() <= 1u);
  return groups->empty() ? std::vector<ports::MemberRef>{} : groups->begin()->second;
}

std::string row_text(const ports::UserRow& r) {
  std::string roles;
  for (const auto& role : r.roles) roles += role.role_id + ":" + role.role_name + ":" + role.type + ",";
  return r.id + "|" + r.user_name + "|" + r.resource_json + "|" + (r.active ? "1" : "0") + "|" +
         r.external_id.value_or("<none>") + "|" + r.created_at + "|" + r.updated_at + "|" +
         std::to_string(r.version) + "|" + std::to_string(r.access_version) + "|" + roles;
}

}  // namespace

// The row a create returns is the one a read finds: the create builds it
// from what it wrote instead of reading it back.
BOOST_AUTO_TEST_CASE(create_returns_the_row_a_read_finds) {
  ResourceFixture fx;
  const auto w = user_write("Row.Check", R"("displayName":"Row","emails":[{"value":"r@x.org","primary":true}])", true,
                            "ext-row");
  const auto created = fx.users->create(kAcme, w, "id-row", kT1, audit("acme", "user.create"));
  BOOST_TEST_REQUIRE(created.has_value(), (created ? "" : describe(created.error())));
  BOOST_TEST(row_text(*created) == row_text(must_find(fx, kAcme, "id-row")));

  const ports::Scope no_integration{"acme", ""};
  const auto plain = fx.users->create(no_integration, user_write("plain", "", false, "ignored"), "id-plain", kT2,
                                      audit("acme", "user.create"));
  BOOST_TEST_REQUIRE(plain.has_value(), (plain ? "" : describe(plain.error())));
  BOOST_TEST(row_text(*plain) == row_text(must_find(fx, no_integration, "id-plain")));
}

// Statements cached on a session whose connection the server ended are
// not run again: the next requests reconnect and prepare them anew.
BOOST_AUTO_TEST_CASE(cached_statements_do_not_outlive_a_lost_connection,
                     *boost::unit_test::precondition(on_a_server())) {
  TestDatabase db;
  auto config = db.config(1);
  const std::string application = "kestra-scim-cache-" + std::to_string(::getpid());
  if (current_backend() == Backend::Postgres) config.options.emplace_back("application_name", application);
  auto opened = kestra::adapters::open_store(config);
  BOOST_TEST_REQUIRE(opened.has_value(), (opened ? "" : describe(opened.error())));
  ports::UserStore& users = (*opened)->users();
  const auto made = users.create(kAcme, user_write("before", "", true, "ext-a"), "id-a", kT1,
                                 audit("acme", "user.create", "id-a"));
  BOOST_TEST_REQUIRE(made.has_value(), (made ? "" : describe(made.error())));
  const auto filter = parse(R"(userName eq "before")");
  ports::ListQuery q;
  q.filter = filter.get();
  BOOST_TEST_REQUIRE(users.list(kAcme, q).has_value());
  BOOST_TEST_REQUIRE(users.groups_of(kAcme, {"id-a"}).has_value());

  // The server ends the store's only session.
  auto admin = db.session();
  if (current_backend() == Backend::Postgres) {
    long long ended = 0;
    *admin << "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = :a",
        soci::use(application), soci::into(ended);
    BOOST_TEST_REQUIRE(ended == 1);
  } else {
    std::vector<long long> ids;
    long long id = 0;
    soci::statement st = (admin->prepare << "SELECT id FROM information_schema.processlist "
                                            "WHERE db = DATABASE() AND id <> CONNECTION_ID()",
                          soci::into(id));
    st.execute();
    while (st.fetch()) ids.push_back(id);
    BOOST_TEST_REQUIRE(ids.size() == 1u);
    *admin << "KILL :id", soci::use(ids[0]);
  }

  for (int i = 0; i < 2; ++i) {
    // The first request after the loss may fail (Unavailable); the next must not.
    const auto listed = users.list(kAcme, q);
    if (listed.has_error()) {
      BOOST_TEST(i == 0);
      BOOST_TEST(listed.error().kind == ErrorKind::Unavailable, describe(listed.error()));
      continue;
    }
    BOOST_TEST_REQUIRE(listed->items.size() == 1u);
    BOOST_TEST(listed->items[0].id == "id-a");
  }
  BOOST_TEST(users.groups_of(kAcme, {"id-a"}).has_value());
  const auto after = users.create(kAcme, user_write("after", "", true, "ext-b"), "id-b", kT2,
                                  audit("acme", "user.create", "id-b"));
  BOOST_TEST_REQUIRE(after.has_value(), (after ? "" : describe(after.error())));
  const auto found = users.find(kAcme, "id-b");
  BOOST_TEST_REQUIRE(found.has_value());
  BOOST_TEST_REQUIRE(found->has_value());
  BOOST_TEST((*found)->external_id.value_or("") == "ext-b");
}

BOOST_AUTO_TEST_CASE(create_stores_the_user_its_values_access_external_id_and_audit) {
  ResourceFixture fx;
  auto w = user_write("BJensen", R"("displayName":"Babs","name":{"familyName":"Jensen"},)"
                                 R"("emails":[{"value":"B@x.org","type":"work","primary":true},{"value":"c@y.org"}],)"
                                 R"("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"m1"}})",
                      false, "ext-1");
  auto created = fx.users->create(kAcme, w, "id-1", kT1, audit("acme", "user.create"));
  BOOST_TEST_REQUIRE(created.has_value(), (created ? "" : describe(created.error())));
  BOOST_TEST(created->id == "id-1");
  BOOST_TEST(created->user_name == "BJensen");
  BOOST_TEST(created->resource_json == w.resource_json);
  BOOST_TEST(!created->active);
  BOOST_TEST(created->external_id.value_or("") == "ext-1");
  BOOST_TEST(created->created_at == kT1);
  BOOST_TEST(created->updated_at == kT1);
  BOOST_TEST(created->version == 1);
  BOOST_TEST(created->access_version == 1);

  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_users WHERE user_name_key = 'bjensen' AND display_name_key = 'babs' "
                     "AND family_name = 'Jensen' AND manager_id = 'm1'") == 1);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_user_values WHERE user_id = 'id-1' AND attribute = 'emails'") == 2);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_user_values WHERE value = 'B@x.org' AND value_key = 'b@x.org' "
                     "AND type = 'work' AND is_primary = 1 AND position = 0") == 1);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_tenant_users WHERE tenant_id = 'acme' AND user_id = 'id-1' "
                     "AND active = 0 AND integration_id = 'okta' AND version = 1") == 1);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_external_ids WHERE integration_id = 'okta' AND resource_type = 'User' "
                     "AND resource_id = 'id-1' AND external_id = 'ext-1'") == 1);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_audit WHERE tenant_id = 'acme' AND action = 'user.create' "
                     "AND target_id = 'id-1'") == 1);

  // Another integration of the tenant does not see this externalId.
  BOOST_TEST(!must_find(fx, ports::Scope{"acme", "entra"}, "id-1").external_id.has_value());
}

// A new user without roles is one statement on PostgreSQL (a WITH of
// INSERTs: no BEGIN, no COMMIT), one transaction elsewhere; the same rows
// either way.  Without an integration no externalId is kept.
BOOST_AUTO_TEST_CASE(a_new_user_is_one_statement_where_the_engine_allows) {
  ResourceFixture fx;
  QueryLog log;
  fx.log(log);
  const auto w = user_write("One.Shot", R"("emails":[{"value":"o@x.org","primary":true},{"value":"p@x.org"}])", true,
                            "ext-one");
  const auto created = fx.users->create(kAcme, w, "id-one", kT1, audit("acme", "user.create"));
  BOOST_TEST_REQUIRE(created.has_value(), (created ? "" : describe(created.error())));
  const auto queries = log.queries();
  if (current_backend() == Backend::Postgres) {
    BOOST_TEST_REQUIRE(queries.size() == 1u);
    BOOST_TEST(queries[0].starts_with("WITH new_user AS (INSERT INTO scim_users"));
  } else {
    BOOST_TEST_REQUIRE(queries.size() >= 2u);
    BOOST_TEST((queries.front().starts_with("BEGIN") || queries.front().starts_with("START TRANSACTION")));
  }
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_user_values WHERE user_id = 'id-one' AND attribute = 'emails' "
                     "AND ((position = 0 AND value_key = 'o@x.org' AND is_primary = 1 AND type IS NULL) "
                     "OR (position = 1 AND value = 'p@x.org' AND is_primary = 0))") == 2);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_tenant_users WHERE tenant_id = 'acme' AND user_id = 'id-one' "
                     "AND active = 1 AND integration_id = 'okta' AND created_at = '2026-03-01T00:00:00.000Z'") == 1);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_external_ids WHERE resource_id = 'id-one' "
                     "AND external_id = 'ext-one'") == 1);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_audit WHERE target_id = 'id-one' AND action = 'user.create'") == 1);

  const ports::Scope no_integration{"acme", ""};
  const auto plain = fx.users->create(no_integration, user_write("plain.one", "", false, "ignored"), "id-plain", kT2,
                                      audit("acme", "user.create"));
  BOOST_TEST_REQUIRE(plain.has_value(), (plain ? "" : describe(plain.error())));
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_tenant_users WHERE user_id = 'id-plain' AND active = 0 "
                     "AND integration_id IS NULL") == 1);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_external_ids WHERE resource_id = 'id-plain'") == 0);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_user_values WHERE user_id = 'id-plain'") == 0);

  // A taken userName fails the statement whole: nothing of the second id.
  const auto again = fx.users->create(kAcme, user_write("ONE.shot", "", true, "ext-two"), "id-two", kT2,
                                      audit("acme", "user.create"));
  BOOST_TEST_REQUIRE(again.has_error());
  BOOST_TEST(again.error().kind == ErrorKind::Conflict);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_audit WHERE target_id = 'id-two'") == 0);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_external_ids WHERE external_id = 'ext-two'") == 0);
}

BOOST_AUTO_TEST_CASE(create_of_an_existing_user_name_grants_access_in_another_tenant) {
  ResourceFixture fx;
  must_create_user(fx, kAcme, "id-1", user_write("bjensen", R"("title":"Guide")", true, "ext-acme"), kT1);
  BOOST_TEST(fx.groups->create(kAcme, group_write("Admins"), refs({"id-1"}), "g1", kT1, audit("acme", "g")).has_value());

  // Same userName in another case, new attributes, inactive there; its
  // domain claimed by both tenants (iam/domain_claims: LinkRule::Shared).
  auto shared = user_write("BJENSEN", R"("title":"Boss")", false, "ext-globex");
  shared.link = ports::LinkRule::Shared;
  auto granted = fx.users->create(kGlobex, shared, "id-2", kT2, audit("globex", "user.create"));
  BOOST_TEST_REQUIRE(granted.has_value(), (granted ? "" : describe(granted.error())));
  BOOST_TEST(granted->id == "id-1");
  BOOST_TEST(granted->user_name == "BJENSEN");
  BOOST_TEST(!granted->active);
  BOOST_TEST(granted->external_id.value_or("") == "ext-globex");
  BOOST_TEST(granted->version == 2);
  BOOST_TEST(granted->access_version == 1);
  BOOST_TEST(granted->created_at == kT2);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_users") == 1);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_tenant_users WHERE user_id = 'id-1'") == 2);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_audit WHERE tenant_id = 'globex' AND target_id = 'id-1' "
                     "AND action = 'user.link'") == 1);
  BOOST_TEST(granted->owner_tenant == "acme");  // a link does not change the owner

  // The shared attributes changed for acme too; its access did not.
  const auto in_acme = must_find(fx, kAcme, "id-1");
  BOOST_TEST(in_acme.resource_json.find("Boss") != std::string::npos);
  BOOST_TEST(in_acme.active);
  BOOST_TEST(in_acme.external_id.value_or("") == "ext-acme");
  BOOST_TEST(in_acme.version == 2);
  BOOST_TEST(in_acme.access_version == 1);
  BOOST_TEST(in_acme.created_at == kT1);
  BOOST_TEST(in_acme.updated_at == kT2);
  const auto title = parse(R"(title eq "boss")");
  ports::ListQuery q;
  q.filter = title.get();
  BOOST_TEST(fx.users->list(kAcme, q)->total == 1);
}

BOOST_AUTO_TEST_CASE(grant_with_the_same_attributes_keeps_the_version) {
  ResourceFixture fx;
  must_create_user(fx, kAcme, "id-1", user_write("bjensen", R"("title":"Guide")"), kT1);
  auto same = user_write("bjensen", R"("title":"Guide")");
  same.link = ports::LinkRule::Shared;
  auto granted = fx.users->create(kGlobex, same, "id-2", kT2, audit("globex", "user.create"));
  BOOST_TEST_REQUIRE(granted.has_value());
  BOOST_TEST(granted->version == 1);
  BOOST_TEST(must_find(fx, kAcme, "id-1").updated_at == kT1);
}

// Unclaimed (LinkRule::OwnerOnly): only the tenant that created the user
// may link it again, after revoking its access; another tenant's create is a
// conflict that writes nothing and says nothing of the user.
BOOST_AUTO_TEST_CASE(only_the_owner_links_a_user_of_an_unclaimed_domain) {
  ResourceFixture fx;
  must_create_user(fx, kAcme, "id-1", user_write("bjensen", R"("title":"Guide")"), kT1);
  BOOST_TEST(must_find(fx, kAcme, "id-1").owner_tenant == "acme");
  const auto audit_rows = fx.rows("SELECT COUNT(*) FROM scim_audit");

  auto taken = fx.users->create(kGlobex, user_write("BJensen", R"("title":"Evil")"), "id-2", kT2,
                                audit("globex", "user.create"));
  BOOST_TEST_REQUIRE(!taken.has_value());
  BOOST_TEST(taken.error().kind == ErrorKind::Conflict);
  BOOST_TEST(taken.error().scim_type == "uniqueness");
  BOOST_TEST(taken.error().detail.find("acme") == std::string::npos);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_tenant_users") == 1);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_audit") == audit_rows);
  const auto unchanged = must_find(fx, kAcme, "id-1");
  BOOST_TEST(unchanged.resource_json.find("Guide") != std::string::npos);
  BOOST_TEST(unchanged.version == 1);

  BOOST_TEST_REQUIRE(fx.users->revoke(kAcme, "id-1", audit("acme", "user.revoke-access")).has_value());
  BOOST_TEST(!fx.users->create(kGlobex, user_write("bjensen"), "id-3", kT2, audit("globex", "user.create")));
  auto back = fx.users->create(kAcme, user_write("bjensen", R"("title":"Guide")"), "id-4", kT2,
                               audit("acme", "user.create"));
  BOOST_TEST_REQUIRE(back.has_value(), (back ? "" : describe(back.error())));
  BOOST_TEST(back->id == "id-1");
}

BOOST_DATA_TEST_CASE(create_of_a_user_name_provisioned_here_is_a_conflict,
                     data::make({"bjensen", "BJensen", "BJENSEN"}), user_name) {
  ResourceFixture fx;
  must_create_user(fx, kAcme, "id-1", user_write("bjensen", R"("title":"Guide")"), kT1);
  const auto before = fx.rows("SELECT COUNT(*) FROM scim_audit");
  auto again = fx.users->create(kAcme, user_write(user_name, R"("title":"Other")"), "id-2", kT2,
                                audit("acme", "user.create"));
  BOOST_TEST_REQUIRE(!again.has_value());
  BOOST_TEST(again.error().kind == ErrorKind::Conflict);
  BOOST_TEST(again.error().scim_type == "uniqueness");
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_users") == 1);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_audit") == before);
  BOOST_TEST(must_find(fx, kAcme, "id-1").resource_json.find("Guide") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unique_violation_from_the_database_is_a_conflict_not_an_internal_error) {
  ResourceFixture fx;
  must_create_user(fx, kAcme, "id-1", user_write("bjensen"), kT1);
  // Another userName, but the id is taken: the primary key refuses the row.
  auto clash = fx.users->create(kAcme, user_write("other"), "id-1", kT2, audit("acme", "user.create"));
  BOOST_TEST_REQUIRE(!clash.has_value());
  BOOST_TEST(clash.error().kind == ErrorKind::Conflict);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_users") == 1);
}

// Two pools stand for two hosts sharing the database: the unique key on
// userName decides, and the losers see a uniqueness conflict, never an
// internal error.
BOOST_DATA_TEST_CASE(racing_creates_make_one_user, data::make({false, true}), across_tenants) {
  TestDatabase db;
  std::unique_ptr<ports::Store> hosts[2];
  for (auto& host : hosts) {
    auto store = kestra::adapters::open_store(db.config(4));
    BOOST_TEST_REQUIRE(store.has_value(), (store ? "" : store.error().detail));
    host = std::move(*store);
  }

  constexpr int kThreads = 8;
  std::latch start(kThreads);
  std::atomic<int> created{0}, conflicts{0};
  std::vector<std::string> ids(kThreads), others(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      const std::string tenant = across_tenants ? "tenant-" + std::to_string(i) : "acme";
      start.arrive_and_wait();
      // Across tenants, each claims the domain: they share the user.
      auto racer = user_write("Racer");
      racer.link = ports::LinkRule::Shared;
      auto result = hosts[i % 2]->users().create(ports::Scope{tenant, "okta"}, racer, "id-" + std::to_string(i),
                                                 kT1, audit(tenant, "user.create"));
      if (result) {
        ++created;
        ids[i] = result->id;
      } else if (result.error().kind == ErrorKind::Conflict && result.error().scim_type == "uniqueness") {
        ++conflicts;
      } else {
        others[i] = describe(result.error());
      }
    });
  }
  for (auto& t : threads) t.join();

  for (const auto& other : others) BOOST_TEST(other.empty(), other);
  auto sql = db.session();
  long long users = 0, access = 0;
  *sql << "SELECT COUNT(*) FROM scim_users", soci::into(users);
  *sql << "SELECT COUNT(*) FROM scim_tenant_users", soci::into(access);
  BOOST_TEST(users == 1);
  if (across_tenants) {
    BOOST_TEST(created.load() == kThreads);
    BOOST_TEST(access == kThreads);
    for (const auto& id : ids) BOOST_TEST(id == ids[0]);
  } else {
    BOOST_TEST(created.load() == 1);
    BOOST_TEST(conflicts.load() == kThreads - 1);
    BOOST_TEST(access == 1);
  }
}

BOOST_AUTO_TEST_CASE(find_needs_access_in_the_tenant) {
  ResourceFixture fx;
  must_create_user(fx, kAcme, "id-1", user_write("bjensen"), kT1);
  BOOST_TEST(visible(fx, kAcme, "id-1"));
  BOOST_TEST(!visible(fx, kGlobex, "id-1"));
  BOOST_TEST(!visible(fx, kAcme, "nobody"));
  BOOST_TEST(!fx.users->find(ports::Scope{"", "okta"}, "id-1").has_value());
}

// --- replace ----------------------------------------------------------------

namespace {

struct ReplaceCase {
  const char* name;
  std::function<ports::UserWrite()> write;
  long long version;  // after, from 1
  long long access_version;
  const char* external_id;  // after ("" = none)
};
std::ostream& operator<<(std::ostream& out, const ReplaceCase& c) { return out << c.name; }

ports::UserWrite original() { return user_write("bjensen", R"("title":"Guide")", true, "ext-1"); }

const ReplaceCase kReplaces[] = {
    {"nothing changes", [] { return original(); }, 1, 1, "ext-1"},
    {"a shared attribute changes",
     [] { return user_write("bjensen", R"("title":"Boss")", true, "ext-1"); }, 2, 1, "ext-1"},
    {"userName changes case", [] { return user_write("BJensen", R"("title":"Guide")", true, "ext-1"); }, 2, 1,
     "ext-1"},
    {"active changes", [] { return user_write("bjensen", R"("title":"Guide")", false, "ext-1"); }, 1, 2, "ext-1"},
    {"externalId changes", [] { return user_write("bjensen", R"("title":"Guide")", true, "ext-2"); }, 1, 2, "ext-2"},
    {"externalId goes", [] { return user_write("bjensen", R"("title":"Guide")", true); }, 1, 2, ""},
    {"everything changes", [] { return user_write("babs", R"("title":"Boss")", false, "ext-2"); }, 2, 2, "ext-2"},
};

}  // namespace

BOOST_DATA_TEST_CASE(replace_bumps_the_version_of_what_changed, data::make(kReplaces), c) {
  ResourceFixture fx;
  must_create_user(fx, kAcme, "id-1", original(), kT1);
  const auto w = c.write();
  auto replaced = fx.users->replace(kAcme, "id-1", w, ports::ExpectedVersion{1, 1}, kT2,
                                    audit("acme", "user.replace", "id-1"));
  BOOST_TEST_REQUIRE(replaced.has_value(), (replaced ? "" : describe(replaced.error())));
  BOOST_TEST(replaced->version == c.version);
  BOOST_TEST(replaced->access_version == c.access_version);
  BOOST_TEST(replaced->external_id.value_or("") == std::string(c.external_id));
  BOOST_TEST(replaced->active == w.active);
  BOOST_TEST(replaced->user_name == w.user_name);
  BOOST_TEST(replaced->resource_json == w.resource_json);
  const bool changed = c.version != 1 || c.access_version != 1;
  BOOST_TEST(replaced->updated_at == std::string(changed ? kT2 : kT1));
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_users WHERE user_name_key = :k", w.user_name_key) == 1);
  BOOST_TEST(must_find(fx, kAcme, "id-1").version == c.version);
}

BOOST_AUTO_TEST_CASE(replace_rewrites_the_searchable_values) {
  ResourceFixture fx;
  must_create_user(fx, kAcme, "id-1", user_write("bjensen", R"("emails":[{"value":"old@x.org"}])"), kT1);
  auto replaced = fx.users->replace(kAcme, "id-1", user_write("bjensen", R"("emails":[{"value":"new@x.org"}])"),
                                    std::nullopt, kT2, audit("acme", "user.replace"));
  BOOST_TEST_REQUIRE(replaced.has_value());
  for (const auto& [filter, total] : {std::pair{R"(emails eq "old@x.org")", 0}, {R"(emails eq "new@x.org")", 1}}) {
    const auto node = parse(filter);
    ports::ListQuery q;
    q.filter = node.get();
    BOOST_TEST(fx.users->list(kAcme, q)->total == total, filter);
  }
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_user_values") == 1);
}

namespace {

struct Stale {
  long long version, access_version;
};
std::ostream& operator<<(std::ostream& out, const Stale& s) { return out << s.version << "/" << s.access_version; }
const Stale kStale[] = {{0, 1}, {1, 2}, {2, 2}, {2, 1}};

}  // namespace

BOOST_DATA_TEST_CASE(replace_with_a_stale_version_changes_nothing, data::make(kStale), stale) {
  ResourceFixture fx;
  must_create_user(fx, kAcme, "id-1", original(), kT1);
  auto replaced = fx.users->replace(kAcme, "id-1", user_write("babs", R"("title":"Boss")", false),
                                    ports::ExpectedVersion{stale.version, stale.access_version}, kT2, audit("acme", "r"));
  BOOST_TEST_REQUIRE(!replaced.has_value());
  BOOST_TEST(replaced.error().kind == ErrorKind::PreconditionFailed);
  const auto row = must_find(fx, kAcme, "id-1");
  BOOST_TEST(row.user_name == "bjensen");
  BOOST_TEST(row.version == 1);
  BOOST_TEST(row.access_version == 1);
  BOOST_TEST(row.external_id.value_or("") == "ext-1");
}

BOOST_AUTO_TEST_CASE(replace_to_another_users_name_is_a_conflict) {
  ResourceFixture fx;
  must_create_user(fx, kAcme, "id-1", user_write("bjensen"), kT1);
  must_create_user(fx, kGlobex, "id-2", user_write("jsmith"), kT1);  // not even in this tenant
  auto replaced = fx.users->replace(kAcme, "id-1", user_write("JSmith"), std::nullopt, kT2, audit("acme", "r"));
  BOOST_TEST_REQUIRE(!replaced.has_value());
  BOOST_TEST(replaced.error().kind == ErrorKind::Conflict);
  BOOST_TEST(replaced.error().scim_type == "uniqueness");
  BOOST_TEST(must_find(fx, kAcme, "id-1").user_name == "bjensen");
}

BOOST_AUTO_TEST_CASE(replace_without_access_here_is_not_found) {
  ResourceFixture fx;
  must_create_user(fx, kGlobex, "id-1", user_write("bjensen"), kT1);
  for (const char* id : {"id-1", "nobody"}) {
    auto replaced = fx.users->replace(kAcme, id, user_write("bjensen"), std::nullopt, kT2, audit("acme", "r"));
    BOOST_TEST_REQUIRE(!replaced.has_value());
    BOOST_TEST(replaced.error().kind == ErrorKind::NotFound);
  }
}

// --- revoke -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(revoke_removes_access_memberships_bindings_and_external_ids_here_only) {
  ResourceFixture fx;
  must_create_user(fx, kAcme, "id-1", user_write("bjensen", "", true, "ext-acme"), kT1);
  must_create_user(fx, kAcme, "id-2", user_write("jsmith"), kT1);
  auto grant =
      fx.users->create(kGlobex, shared(user_write("bjensen", "", true, "ext-globex")), "x", kT1, audit("globex", "c"));
  BOOST_TEST_REQUIRE(grant.has_value());
  must_create_group(fx, kAcme, "ga", group_write("Admins"), {"id-1", "id-2"}, kT1);
  must_create_group(fx, kGlobex, "gg", group_write("Admins"), {"id-1"}, kT1);
  fx.sql << "INSERT INTO scim_integrations (id, tenant_id, name, type, enabled, created_at, updated_at) VALUES "
            "('entra2', 'acme', 'entra2', 'SCIM', 1, 't', 't')";
  fx.sql << "INSERT INTO scim_external_ids VALUES ('entra2', 'User', 'id-1', 'ext-acme-2')";
  for (const char* tenant : {"acme", "globex"}) {
    const std::string t(tenant), role = "role-" + t, binding = "b-" + t;
    fx.sql << "INSERT INTO scim_roles (id, tenant_id, name, name_key, permissions, created_at, updated_at) "
              "VALUES (:id, :t, 'Viewer', 'viewer', '{}', 't', 't')",
        soci::use(role), soci::use(t);
    fx.sql << "INSERT INTO scim_bindings (id, tenant_id, role_id, subject_type, subject_id, source, created_at) "
              "VALUES (:id, :t, :role, 'USER', 'id-1', 'SCIM', 't')",
        soci::use(binding), soci::use(t), soci::use(role);
  }
  fx.sql << "INSERT INTO scim_bindings (id, tenant_id, role_id, subject_type, subject_id, source, created_at) "
            "VALUES ('b-other', 'acme', 'role-acme', 'USER', 'id-2', 'SCIM', 't')";

  auto revoked = fx.users->revoke(kAcme, "id-1", audit("acme", "user.delete", "id-1"));
  BOOST_TEST_REQUIRE(revoked.has_value(), (revoked ? "" : describe(revoked.error())));

  BOOST_TEST(!visible(fx, kAcme, "id-1"));
  BOOST_TEST(visible(fx, kGlobex, "id-1"));
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_users WHERE id = 'id-1'") == 1);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_group_members WHERE member_id = 'id-1' AND tenant_id = 'acme'") == 0);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_group_members WHERE member_id = 'id-1' AND tenant_id = 'globex'") == 1);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_group_members WHERE member_id = 'id-2'") == 1);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_bindings WHERE subject_id = 'id-1' AND tenant_id = 'acme'") == 0);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_bindings WHERE subject_id = 'id-1' AND tenant_id = 'globex'") == 1);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_bindings WHERE id = 'b-other'") == 1);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_external_ids WHERE resource_id = 'id-1'") == 1);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_external_ids WHERE external_id = 'ext-globex'") == 1);

  // The group it left: one member fewer, a new version; the other tenant's untouched.
  auto ga = fx.groups->find(kAcme, "ga");
  BOOST_TEST_REQUIRE((ga.has_value() && ga->has_value()));
  BOOST_TEST((*ga)->member_count == 1);
  BOOST_TEST((*ga)->version == 2);
  auto gg = fx.groups->find(kGlobex, "gg");
  BOOST_TEST((*gg)->member_count == 1);
  BOOST_TEST((*gg)->version == 1);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_audit WHERE action = 'user.delete' AND target_id = 'id-1'") == 1);

  // Gone here: a second revoke is NotFound; a create grants access again.
  auto again = fx.users->revoke(kAcme, "id-1", audit("acme", "user.delete"));
  BOOST_TEST_REQUIRE(!again.has_value());
  BOOST_TEST(again.error().kind == ErrorKind::NotFound);
  auto back = fx.users->create(kAcme, user_write("bjensen"), "new", kT2, audit("acme", "user.create"));
  BOOST_TEST_REQUIRE(back.has_value());
  BOOST_TEST(back->id == "id-1");
  BOOST_TEST(!back->external_id.has_value());
}

BOOST_AUTO_TEST_CASE(groups_of_lists_this_tenants_groups_by_name) {
  ResourceFixture fx;
  seed(fx);
  const auto groups = groups_of(fx, kAcme, "u01");
  BOOST_TEST_REQUIRE(groups.size() == 2u);
  BOOST_TEST(groups[0].value == "g1");
  BOOST_TEST(groups[0].display == "Admins");
  BOOST_TEST(groups[0].type == "Group");
  BOOST_TEST(groups[1].value == "g2");
  BOOST_TEST(groups[1].display == "Tour Guides");
  const auto in_globex = groups_of(fx, kGlobex, "u04");
  BOOST_TEST_REQUIRE(in_globex.size() == 1u);
  BOOST_TEST(in_globex[0].value == "g9");
  BOOST_TEST(groups_of(fx, kAcme, "u04").empty());
}

// A page's groups are one statement, not one per user; a user in no group
// has no entry, another tenant's memberships are not there.
BOOST_AUTO_TEST_CASE(groups_of_a_page_is_one_statement) {
  ResourceFixture fx;
  seed(fx);
  must_create_group(fx, kAcme, "g-z", group_write("zulu"), {"u01", "u02"}, created_at(20));
  QueryLog log;
  fx.log(log);
  auto groups = fx.users->groups_of(kAcme, {"u01", "u02", "u04", "nobody"});
  BOOST_TEST_REQUIRE(groups.has_value(), (groups ? "" : describe(groups.error())));
  BOOST_TEST(log.queries().size() == 1u);
  BOOST_TEST(groups->size() == 2u);
  std::vector<std::string> of_u01;
  for (const auto& g : (*groups)["u01"]) of_u01.push_back(g.value);
  BOOST_TEST(of_u01 == (std::vector<std::string>{"g1", "g2", "g-z"}), boost::test_tools::per_element());
  BOOST_TEST_REQUIRE((*groups)["u02"].size() >= 1u);
  BOOST_TEST((*groups)["u02"].back().value == "g-z");
  BOOST_TEST(groups->count("u04") == 0u);
  BOOST_TEST(fx.users->groups_of(kAcme, {})->empty());
}

// By name, case-insensitively: not by id, nor by the order they were made.
BOOST_AUTO_TEST_CASE(groups_of_sorts_by_name_not_by_id) {
  ResourceFixture fx;
  seed(fx);
  must_create_group(fx, kAcme, "g-a", group_write("charlie"), {"u04"}, created_at(20));
  must_create_group(fx, kAcme, "g-b", group_write("Bravo"), {"u04"}, created_at(21));
  must_create_group(fx, kAcme, "g-c", group_write("alpha"), {"u04"}, created_at(22));
  std::vector<std::string> ids;
  for (const auto& g : groups_of(fx, kAcme, "u04")) ids.push_back(g.value);
  BOOST_TEST(ids == (std::vector<std::string>{"g-c", "g-b", "g-a"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(document_that_is_not_json_is_invalid_input) {
  ResourceFixture fx;
  auto w = user_write("bjensen");
  w.resource_json = "[1,2";
  auto created = fx.users->create(kAcme, w, "id-1", kT1, audit("acme", "c"));
  BOOST_TEST_REQUIRE(!created.has_value());
  BOOST_TEST(created.error().kind == ErrorKind::InvalidInput);
  BOOST_TEST(fx.rows("SELECT COUNT(*) FROM scim_users") == 0);
}
