// kestra-bench-raw: the ceiling of POST /Users.  Creates users with the
// INSERT statements the SOCI user store issues for a new user (scim_users,
// scim_user_values, scim_tenant_users, scim_external_ids, scim_audit), one
// transaction per user, straight through SOCI with statements prepared once
// per session: no HTTP, no JSON, no validation, no existence check or
// read-back.  The schema comes from the module's own migrations.
#include "cli.hpp"
#include "naming.hpp"
#include "store_options.hpp"

#include "core/case_fold.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "kestra/adapters/store_factory.hpp"

#include <boost/json.hpp>
#include <boost/optional.hpp>
#include <soci/boost-optional.h>
#include <soci/mysql/soci-mysql.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace {

namespace json = boost::json;
using kestra::bench::Args;
using Text = boost::optional<std::string>;
using Clock = std::chrono::steady_clock;

constexpr const char* kUsage =
    "usage: kestra-bench-raw STORE --prefix P --users N [--connections C] [--tenant T] [--name PREFIX]\n"
    "  STORE: --backend sqlite --sqlite-path FILE | --backend postgresql|mysql --connection \"...\" [--schema S]\n";

// What one user writes, filled before each transaction.
struct UserValues {
  std::string id, user_name, user_name_key, resource, now, tenant, integration, external_id, detail;
  Text display_name, display_name_key, given_name, family_name, locale, email, email_key;
  Text absent;  // the shared columns Okta's body leaves empty
  Text integration_text;
  int position = 0, primary = 1, active = 1;
};

// A session set up as the module's dialect sets up its own.
std::unique_ptr<soci::session> connect(const kestra::ports::StoreConfig& config) {
  if (config.backend == "sqlite") {
    auto sql = std::make_unique<soci::session>(*soci::factory_sqlite3(), "db=" + config.sqlite_path + " timeout=10");
    std::string mode;
    *sql << "PRAGMA journal_mode = WAL", soci::into(mode);
    *sql << "PRAGMA busy_timeout = 10000", soci::into(mode);
    *sql << "PRAGMA foreign_keys = ON";
    *sql << "PRAGMA synchronous = NORMAL";
    return sql;
  }
  if (config.backend == "postgresql") {
    auto sql = std::make_unique<soci::session>(*soci::factory_postgresql(), config.connection);
    std::string ignored;
    *sql << "SELECT set_config('client_min_messages', 'warning', false)", soci::into(ignored);
    if (!config.schema.empty()) {
      *sql << "SELECT set_config('search_path', quote_ident(:schema), false)", soci::use(config.schema, "schema"),
          soci::into(ignored);
    }
    return sql;
  }
  if (config.backend == "mysql") {
    auto sql = std::make_unique<soci::session>(*soci::factory_mysql(), config.connection);
    *sql << "SET NAMES utf8mb4 COLLATE utf8mb4_bin";
    *sql << "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'";
    *sql << "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED";
    return sql;
  }
  throw std::invalid_argument("unknown --backend " + config.backend);
}

// Creates users [next, users) on one session; returns each transaction's
// time.  Connecting and preparing happen before `ready`, outside the clock.
void insert_users(const kestra::ports::StoreConfig& config, const std::string& prefix, const std::string& tenant,
                  std::uint64_t users, std::atomic<std::uint64_t>& next, std::vector<double>& latencies_us,
                  std::latch& ready) {
  auto sql = connect(config);
  UserValues v;
  v.tenant = tenant;
  v.integration = "bench-raw-integration";
  v.integration_text = v.integration;
  const std::string begin = config.backend == "sqlite" ? "BEGIN IMMEDIATE" : config.backend == "mysql" ? "START TRANSACTION" : "BEGIN";
  soci::statement insert_user = (sql->prepare <<
      "INSERT INTO scim_users (id, user_name, user_name_key, display_name, display_name_key, nick_name, title, "
      "user_type, given_name, family_name, formatted_name, preferred_language, locale, timezone, profile_url, "
      "employee_number, organization, department, division, cost_center, manager_id, resource, created_at, "
      "updated_at, version) VALUES (:id, :user_name, :user_name_key, :display_name, :display_name_key, :nick_name, "
      ":title, :user_type, :given_name, :family_name, :formatted_name, :preferred_language, :locale, :timezone, "
      ":profile_url, :employee_number, :organization, :department, :division, :cost_center, :manager_id, :resource, "
      ":now, :now2, 1)",
      soci::use(v.id, "id"), soci::use(v.user_name, "user_name"), soci::use(v.user_name_key, "user_name_key"),
      soci::use(v.display_name, "display_name"), soci::use(v.display_name_key, "display_name_key"),
      soci::use(v.absent, "nick_name"), soci::use(v.absent, "title"), soci::use(v.absent, "user_type"),
      soci::use(v.given_name, "given_name"), soci::use(v.family_name, "family_name"),
      soci::use(v.absent, "formatted_name"), soci::use(v.absent, "preferred_language"), soci::use(v.locale, "locale"),
      soci::use(v.absent, "timezone"), soci::use(v.absent, "profile_url"), soci::use(v.absent, "employee_number"),
      soci::use(v.absent, "organization"), soci::use(v.absent, "department"), soci::use(v.absent, "division"),
      soci::use(v.absent, "cost_center"), soci::use(v.absent, "manager_id"), soci::use(v.resource, "resource"),
      soci::use(v.now, "now"), soci::use(v.now, "now2"));
  soci::statement insert_value = (sql->prepare <<
      "INSERT INTO scim_user_values (user_id, attribute, position, value, value_key, type, is_primary, display) "
      "VALUES (:id, 'emails', :position, :value, :value_key, 'work', :is_primary, :display)",
      soci::use(v.id, "id"), soci::use(v.position, "position"), soci::use(v.email, "value"),
      soci::use(v.email_key, "value_key"), soci::use(v.primary, "is_primary"), soci::use(v.absent, "display"));
  soci::statement insert_access = (sql->prepare <<
      "INSERT INTO scim_tenant_users (tenant_id, user_id, active, integration_id, created_at, updated_at, version) "
      "VALUES (:tenant, :id, :active, :integration, :now, :now2, 1)",
      soci::use(v.tenant, "tenant"), soci::use(v.id, "id"), soci::use(v.active, "active"),
      soci::use(v.integration_text, "integration"), soci::use(v.now, "now"), soci::use(v.now, "now2"));
  soci::statement insert_external = (sql->prepare <<
      "INSERT INTO scim_external_ids (integration_id, resource_type, resource_id, external_id) "
      "VALUES (:integration, 'User', :id, :external_id)",
      soci::use(v.integration, "integration"), soci::use(v.id, "id"), soci::use(v.external_id, "external_id"));
  soci::statement insert_audit = (sql->prepare <<
      "INSERT INTO scim_audit (tenant_id, integration_id, actor_type, actor_id, action, target_type, target_id, "
      "outcome, detail, request_id, created_at) VALUES (:tenant, :integration, 'INTEGRATION', :actor, "
      "'user.create', 'USER', :id, 'SUCCESS', :detail, '', :now)",
      soci::use(v.tenant, "tenant"), soci::use(v.integration_text, "integration"), soci::use(v.integration, "actor"),
      soci::use(v.id, "id"), soci::use(v.detail, "detail"), soci::use(v.now, "now"));
  ready.arrive_and_wait();

  for (std::uint64_t i = next++; i < users; i = next++) {
    v.user_name = kestra::bench::user_name(prefix, i);
    v.user_name_key = kestra::fold_case(v.user_name);
    v.id = kestra::crypto::new_uuid();
    v.now = kestra::now_iso8601();
    v.display_name = "Bench User " + std::to_string(i);
    v.display_name_key = kestra::fold_case(*v.display_name);
    v.given_name = std::string("Bench");
    v.family_name = "User " + std::to_string(i);
    v.locale = std::string("en-US");
    v.email = v.user_name;
    v.email_key = v.user_name_key;
    v.external_id = "raw-" + prefix + "-" + std::to_string(i);
    v.detail = "userName=" + v.user_name;
    v.resource = json::serialize(json::object{
        {"schemas", json::array{"urn:ietf:params:scim:schemas:core:2.0:User"}},
        {"userName", v.user_name},
        {"name", json::object{{"givenName", *v.given_name}, {"familyName", *v.family_name}}},
        {"emails", json::array{json::object{{"primary", true}, {"value", v.user_name}, {"type", "work"}}}},
        {"displayName", *v.display_name},
        {"locale", "en-US"}});

    const auto started = Clock::now();
    *sql << begin;
    try {
      insert_user.execute(true);
      insert_value.execute(true);
      insert_access.execute(true);
      insert_external.execute(true);
      insert_audit.execute(true);
      *sql << "COMMIT";
    } catch (...) {
      *sql << "ROLLBACK";
      throw;
    }
    latencies_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - started).count());
  }
}

int run(const Args& args) {
  const auto users = static_cast<std::uint64_t>(args.number("users", 0));
  const int connections = static_cast<int>(args.number("connections", 1));
  if (connections < 1 || connections > 256) throw std::invalid_argument("--connections must be 1..256");
  const std::string prefix = args.required("prefix");
  const std::string tenant = args.text("tenant", "bench-raw");
  const std::string name = args.text("name", "create_raw");
  const auto config = kestra::bench::store_config(args, 1);

  // The module's migrations make the schema (and the tenant row) first.
  {
    auto store = kestra::adapters::open_store(config);
    if (!store) throw std::runtime_error("cannot open the store: " + store.error().detail);
    if (auto added = (*store)->ensure_tenant(tenant); !added) throw std::runtime_error(added.error().detail);
  }

  std::atomic<std::uint64_t> next{0};
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(connections));
  std::mutex error_mutex;
  std::string first_error;
  std::latch ready(connections + 1);
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      try {
        insert_users(config, prefix, tenant, users, next, latencies[static_cast<std::size_t>(c)], ready);
      } catch (const std::exception& e) {
        std::lock_guard lock(error_mutex);
        if (first_error.empty()) first_error = e.what();
        next = users;
        // A session that failed before the start still releases the others.
        if (!ready.try_wait()) ready.count_down();
      }
    });
  }
  ready.arrive_and_wait();
  const auto started = Clock::now();
  for (auto& thread : threads) thread.join();
  const double wall_s = std::chrono::duration<double>(Clock::now() - started).count();
  if (!first_error.empty()) throw std::runtime_error(first_error);

  std::vector<double> all;
  for (const auto& part : latencies) all.insert(all.end(), part.begin(), part.end());
  using kestra::bench::print_figure;
  print_figure(name + "_rps", static_cast<double>(all.size()) / wall_s, "req/s");
  print_figure(name + "_p50", kestra::bench::quantile(all, 0.50) / 1000.0, "ms");
  print_figure(name + "_p99", kestra::bench::quantile(all, 0.99) / 1000.0, "ms");
  print_figure(name + "_wall", wall_s, "s");
  print_figure(name + "_requests", static_cast<double>(all.size()), "count");
  print_figure(name + "_errors", 0, "count");
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return kestra::bench::run_tool("kestra-bench-raw", kUsage, argc, argv, run); }
