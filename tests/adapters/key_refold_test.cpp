#define BOOST_TEST_MODULE adapters_key_refold
// Migration 0004_unicode_case_fold on every backend: a database of version 3
// whose keys the old hand-written fold wrote is re-keyed with ICU's simple
// case folding when the store opens, once; a unique key two rows now share
// stays with one of them and the other keeps its old key, with a warning.
#include "kestra/adapters/store_factory.hpp"

#include "core/case_fold.hpp"
#include "resource_fixture.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <soci/soci.h>

#include <latch>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

namespace data = boost::unit_test::data;
namespace adapters = kestra::adapters;
namespace ports = kestra::ports;
using kestra::fold_case;
using namespace kestra::test;

BOOST_TEST_GLOBAL_FIXTURE(BackendCheck);

namespace {

const ports::Scope kAcme{"acme", "okta"};
const ports::Scope kGlobex{"globex", "entra"};

// The database at schema version 3, before the re-key.
void migrate_to_3(const TestDatabase& db, soci::session& sql) {
  auto dialect = adapters::make_dialect(db.config());
  BOOST_TEST_REQUIRE(dialect.has_value());
  auto migrations = adapters::embedded_migrations((*dialect)->name()).value();
  std::erase_if(migrations, [](const adapters::Migration& m) { return m.version > 3; });
  BOOST_TEST_REQUIRE(adapters::migrate(sql, **dialect, migrations).value() == 3);
}

// A user as version 3 stored it: `key` is the old fold of `name`; with
// access to `tenant` and `email` (its key the old fold too) when given.
void insert_user(soci::session& sql, const std::string& id, const std::string& name, const std::string& key,
                 const std::string& at, const std::string& tenant = "acme", const std::string& email = "",
                 const std::string& email_key = "") {
  const std::string resource = "{\"userName\":\"" + name + "\"}";
  sql << "INSERT INTO scim_users (id, user_name, user_name_key, display_name, display_name_key, resource, "
         "created_at, updated_at, version, owner_tenant_id) "
         "VALUES (:id, :name, :key, :display, :display_key, :resource, :at, :at2, 1, :tenant)",
      soci::use(id, "id"), soci::use(name, "name"), soci::use(key, "key"), soci::use(name, "display"),
      soci::use(key, "display_key"), soci::use(resource, "resource"), soci::use(at, "at"), soci::use(at, "at2"),
      soci::use(tenant, "tenant");
  sql << "INSERT INTO scim_tenant_users (tenant_id, user_id, active, integration_id, created_at, updated_at, "
         "version) VALUES (:tenant, :id, 1, NULL, :at, :at2, 1)",
      soci::use(tenant, "tenant"), soci::use(id, "id"), soci::use(at, "at"), soci::use(at, "at2");
  if (email.empty()) return;
  sql << "INSERT INTO scim_user_values (user_id, attribute, position, value, value_key, type, is_primary, display) "
         "VALUES (:id, 'emails', 0, :value, :key, 'work', 1, NULL)",
      soci::use(id, "id"), soci::use(email, "value"), soci::use(email_key, "key");
}

void insert_group(soci::session& sql, const std::string& id, const std::string& tenant, const std::string& name,
                  const std::string& key, const std::string& at) {
  const std::string resource = "{\"displayName\":\"" + name + "\"}";
  sql << "INSERT INTO scim_groups (id, tenant_id, display_name, display_name_key, integration_id, resource, "
         "created_at, updated_at, version) VALUES (:id, :tenant, :name, :key, NULL, :resource, :at, :at2, 1)",
      soci::use(id, "id"), soci::use(tenant, "tenant"), soci::use(name, "name"), soci::use(key, "key"),
      soci::use(resource, "resource"), soci::use(at, "at"), soci::use(at, "at2");
}

std::string column(soci::session& sql, const std::string& query, const std::string& id) {
  std::string value;
  sql << query, soci::into(value), soci::use(id, "id");
  return value;
}
std::string user_key(soci::session& sql, const std::string& id) {
  return column(sql, "SELECT user_name_key FROM scim_users WHERE id = :id", id);
}
std::string group_key(soci::session& sql, const std::string& id) {
  return column(sql, "SELECT display_name_key FROM scim_groups WHERE id = :id", id);
}

std::unique_ptr<ports::Store> must_open(const ports::StoreConfig& config) {
  auto store = adapters::open_store(config);
  BOOST_TEST_REQUIRE(store.has_value(), (store ? "" : store.error().detail));
  return std::move(*store);
}

std::vector<std::string> user_ids(ports::Store& store, const ports::Scope& scope, const std::string& filter) {
  const auto node = parse(filter);
  ports::ListQuery q;
  q.filter = node.get();
  auto page = store.users().list(scope, q);
  BOOST_TEST_REQUIRE(page.has_value(), filter << ": " << (page ? "" : describe(page.error())));
  std::vector<std::string> ids;
  for (const auto& row : page->items) ids.push_back(row.id);
  return ids;
}

std::vector<std::string> group_ids(ports::Store& store, const ports::Scope& scope, const std::string& filter) {
  const auto node = parse(filter);
  ports::ListQuery q;
  q.filter = node.get();
  auto page = store.groups().list(scope, q);
  BOOST_TEST_REQUIRE(page.has_value(), filter << ": " << (page ? "" : describe(page.error())));
  std::vector<std::string> ids;
  for (const auto& row : page->items) ids.push_back(row.id);
  return ids;
}

using Ids = std::vector<std::string>;

// One name the old fold keyed wrongly, as a userName, a displayName and an
// email, and the same name in another case, as a client would filter by it.
struct Refold {
  const char* name;
  const char* text;
  const char* old_key;  // what the hand-written fold made of `text`
  const char* query;    // `text` in another case
};
std::ostream& operator<<(std::ostream& out, const Refold& r) { return out << r.name; }

const Refold kRefolds[] = {
    {"kelvin sign", "\xE2\x84\xAA" "ate@Example.com", "\xE2\x84\xAA" "ate@example.com", "KATE@example.com"},
    {"armenian", "\xD5\x80\xD5\xA1\xD5\xB5\xD5\xAF@example.am", "\xD5\x80\xD5\xA1\xD5\xB5\xD5\xAF@example.am",
     "\xD5\xB0\xD4\xB1\xD5\x85\xD4\xBF@EXAMPLE.AM"},  // Հայկ / հԱՅԿ
    {"cherokee small letters", "\xEA\xAD\xB0\xEA\xAD\xB1\xEA\xAD\xB2", "\xEA\xAD\xB0\xEA\xAD\xB1\xEA\xAD\xB2",
     "\xE1\x8E\xA0\xE1\x8E\xA1\xE1\x8E\xA2"},  // ꭰꭱꭲ / ᎠᎡᎢ
    {"deseret", "\xF0\x90\x90\x80\xF0\x90\x90\x81@x", "\xF0\x90\x90\x80\xF0\x90\x90\x81@x",
     "\xF0\x90\x90\xA8\xF0\x90\x90\xA9@X"},  // 𐐀𐐁 / 𐐨𐐩
    {"vietnamese", "Nguy\xE1\xBB\x85n \xE1\xBA\xAAn", "nguy\xE1\xBB\x85n \xE1\xBA\xAAn",
     "NGUY\xE1\xBB\x84N \xE1\xBA\xABN"},  // Nguyễn Ẫn / NGUYỄN ẫN
    {"georgian", "\xE1\x82\xA0\xE1\x83\x9C\xE1\x83\x90", "\xE1\x82\xA0\xE1\x83\x9C\xE1\x83\x90",
     "\xE2\xB4\x80\xE1\xB2\x9C\xE1\xB2\x90"},  // Ⴀნა / ⴀᲜᲐ
    {"greek extended", "\xE1\xBC\x88\xCE\xB8\xE1\xBF\x86\xCE\xBD\xCE\xB1\xCE\xB9",
     "\xE1\xBC\x88\xCE\xB8\xE1\xBF\x86\xCE\xBD\xCE\xB1\xCE\xB9",
     "\xE1\xBC\x80\xCE\x98\xE1\xBF\x86\xCE\x9D\xCE\x91\xCE\x99"},  // Ἀθῆναι / ἀΘῆΝΑΙ
};

}  // namespace

BOOST_DATA_TEST_CASE(old_keys_are_refolded_when_the_store_opens, data::make(kRefolds), r) {
  BOOST_TEST_REQUIRE(std::string(r.old_key) != fold_case(r.text));  // the old fold was wrong here
  BOOST_TEST_REQUIRE(fold_case(r.query) == fold_case(r.text));
  TestDatabase db;
  auto sql = db.session();
  migrate_to_3(db, *sql);
  insert_user(*sql, "u-old", r.text, r.old_key, "2026-01-01T00:00:00.000Z", "acme", r.text, r.old_key);
  insert_user(*sql, "u-ascii", "Bob@Example.com", "bob@example.com", "2026-01-02T00:00:00.000Z", "acme",
              "Bob@Example.com", "bob@example.com");
  insert_group(*sql, "g-old", "acme", r.text, r.old_key, "2026-01-03T00:00:00.000Z");

  auto store = must_open(db.config());
  BOOST_TEST(store->schema_version() == 4);
  BOOST_TEST(store->open_warnings().empty());
  BOOST_TEST(user_key(*sql, "u-old") == fold_case(r.text));
  BOOST_TEST(column(*sql, "SELECT display_name_key FROM scim_users WHERE id = :id", "u-old") == fold_case(r.text));
  BOOST_TEST(column(*sql, "SELECT value_key FROM scim_user_values WHERE user_id = :id", "u-old") ==
             fold_case(r.text));
  BOOST_TEST(group_key(*sql, "g-old") == fold_case(r.text));
  BOOST_TEST(user_key(*sql, "u-ascii") == "bob@example.com");

  const std::string quoted = std::string("\"") + r.query + "\"";
  BOOST_TEST(user_ids(*store, kAcme, "userName eq " + quoted) == Ids{"u-old"});
  BOOST_TEST(user_ids(*store, kAcme, "displayName eq " + quoted) == Ids{"u-old"});
  BOOST_TEST(user_ids(*store, kAcme, "emails eq " + quoted) == Ids{"u-old"});
  BOOST_TEST(group_ids(*store, kAcme, "displayName eq " + quoted) == Ids{"g-old"});
  BOOST_TEST(user_ids(*store, kAcme, "userName eq \"BOB@example.COM\"") == Ids{"u-ascii"});
}

namespace {

// Rows that fold alike under ICU and apart under the old fold.
struct Collision {
  const char* name;
  bool groups;  // else users
  struct Row {
    const char* id;
    const char* tenant;
    const char* text;
    const char* old_key;
    const char* created_at;
  };
  std::vector<Row> rows;
  std::vector<std::pair<const char*, const char*>> keys;  // id -> key afterwards
  std::vector<const char*> warned;                        // ids left with their old key
};
std::ostream& operator<<(std::ostream& out, const Collision& c) { return out << c.name; }

const char* const kT1 = "2026-01-01T00:00:00.000Z";
const char* const kT2 = "2026-01-02T00:00:00.000Z";

const Collision kCollisions[] = {
    // Ǆan / ǅan: both keys move to ǆan; u-b was created first.
    {"both move: the earlier row takes the key",
     false,
     {{"u-a", "acme", "\xC7\x84" "an", "\xC7\x84" "an", kT2}, {"u-b", "acme", "\xC7\x85" "an", "\xC7\x85" "an", kT1}},
     {{"u-b", "\xC7\x86" "an"}, {"u-a", "\xC7\x84" "an"}},
     {"u-a"}},
    // Kate (Kelvin sign) / kate: the ASCII row already holds kate.
    {"a row already holding the key keeps it",
     false,
     {{"u-kelvin", "acme", "\xE2\x84\xAA" "ate", "\xE2\x84\xAA" "ate", kT1}, {"u-ascii", "globex", "kate", "kate", kT2}},
     {{"u-ascii", "kate"}, {"u-kelvin", "\xE2\x84\xAA" "ate"}},
     {"u-kelvin"}},
    // Group names are unique per tenant: globex's is no collision.
    {"groups collide within one tenant only",
     true,
     {{"g-a", "acme", "\xC7\x84 team", "\xC7\x84 team", kT1},
      {"g-b", "acme", "\xC7\x85 team", "\xC7\x85 team", kT2},
      {"g-c", "globex", "\xC7\x85 team", "\xC7\x85 team", kT2}},
     {{"g-a", "\xC7\x86 team"}, {"g-b", "\xC7\x85 team"}, {"g-c", "\xC7\x86 team"}},
     {"g-b"}},
};

void insert(soci::session& sql, const Collision& c) {
  for (const auto& row : c.rows) {
    if (c.groups) {
      insert_group(sql, row.id, row.tenant, row.text, row.old_key, row.created_at);
    } else {
      insert_user(sql, row.id, row.text, row.old_key, row.created_at, row.tenant);
    }
  }
}

void check_keys(soci::session& sql, const Collision& c) {
  for (const auto& [id, key] : c.keys) {
    BOOST_TEST((c.groups ? group_key(sql, id) : user_key(sql, id)) == key, id);
  }
}

// Each warning names the table and the id of a row left as it was.
void check_warnings(const std::vector<std::string>& warnings, const Collision& c) {
  BOOST_TEST(warnings.size() == c.warned.size());
  const std::string table = c.groups ? "scim_groups" : "scim_users";
  for (std::size_t i = 0; i < warnings.size() && i < c.warned.size(); ++i) {
    BOOST_TEST(warnings[i].find(table + " id '" + c.warned[i] + "'") != std::string::npos, warnings[i]);
  }
}

}  // namespace

BOOST_DATA_TEST_CASE(a_key_two_rows_now_share_stays_with_one, data::make(kCollisions), c) {
  TestDatabase db;
  auto sql = db.session();
  migrate_to_3(db, *sql);
  insert(*sql, c);

  auto store = must_open(db.config());
  BOOST_TEST(store->schema_version() == 4);
  check_keys(*sql, c);
  check_warnings(store->open_warnings(), c);
  const std::string table = c.groups ? "scim_groups" : "scim_users";
  long long rows = 0;
  *sql << "SELECT COUNT(*) FROM " + table, soci::into(rows);  // a fixed table name, no input
  BOOST_TEST(rows == static_cast<long long>(c.rows.size()));
}

BOOST_AUTO_TEST_CASE(the_rekey_runs_once) {
  TestDatabase db;
  auto sql = db.session();
  migrate_to_3(db, *sql);
  const std::string old_key = "\xE2\x84\xAA" "ate@x";
  insert_user(*sql, "u-kelvin", "\xE2\x84\xAA" "ate@x", old_key, kT1);
  {
    auto store = must_open(db.config());
    BOOST_TEST(user_key(*sql, "u-kelvin") == "kate@x");
  }
  // As if an old key were written after the migration: the next opening
  // does not look at it again.
  *sql << "UPDATE scim_users SET user_name_key = :key WHERE id = 'u-kelvin'", soci::use(old_key, "key");
  auto store = must_open(db.config());
  BOOST_TEST(store->schema_version() == 4);
  BOOST_TEST(user_key(*sql, "u-kelvin") == old_key);
  long long marks = 0;
  *sql << "SELECT COUNT(*) FROM scim_schema_version WHERE version = 4 AND name = 'unicode_case_fold'",
      soci::into(marks);
  BOOST_TEST(marks == 1);
}

// Several hosts opening one database of version 3 at once: one re-keys (and
// warns), the others wait for the migration lock and find it done.
BOOST_AUTO_TEST_CASE(hosts_opening_together_rekey_once) {
  constexpr int kHosts = 3;
  const Collision& c = kCollisions[0];
  TestDatabase db;
  {
    auto sql = db.session();
    migrate_to_3(db, *sql);
    insert(*sql, c);
  }
  std::latch start(kHosts);
  std::mutex mutex;
  std::vector<std::string> errors;
  std::vector<std::vector<std::string>> warnings;
  std::vector<std::thread> threads;
  for (int i = 0; i < kHosts; ++i) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      auto store = adapters::open_store(db.config(1));
      const std::lock_guard lock(mutex);
      if (!store) {
        errors.push_back(store.error().detail);
        return;
      }
      if (!(*store)->open_warnings().empty()) warnings.push_back((*store)->open_warnings());
    });
  }
  for (auto& t : threads) t.join();
  BOOST_TEST(errors.empty(), (errors.empty() ? "" : errors.front()));
  BOOST_TEST_REQUIRE(warnings.size() == 1u);
  check_warnings(warnings.front(), c);
  auto sql = db.session();
  check_keys(*sql, c);
}
