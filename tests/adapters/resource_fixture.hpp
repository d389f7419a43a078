// A store of users and groups in a fresh database of the suite's backend
// (backend.hpp), built from the adapter's parts, and a plain session to
// look at the rows.  On SQLite a test can also watch every statement the
// store's sessions run (sqlite3_trace_v2).
#pragma once

#include "backend.hpp"
#include "dialect_factory.hpp"
#include "migrations.hpp"
#include "soci_group_store.hpp"
#include "soci_user_store.hpp"

#include "scim/filter/parser.hpp"

#include <boost/test/unit_test.hpp>

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace kestra {
inline std::ostream& operator<<(std::ostream& out, ErrorKind kind) { return out << static_cast<int>(kind); }
}  // namespace kestra

namespace kestra::test {

namespace ports = kestra::ports;

// Counts the statements a connection runs and the virtual-machine steps
// they take (the work SQLite does, independent of timing).
class StatementTrace {
 public:
  struct Entry {
    std::string sql;
    long long steps = 0;
    long long full_scan_steps = 0;
  };

  // A connection has one trace callback: this one replaces the dialect's,
  // which starts each statement's timeout, so the timeout's progress handler
  // goes too (it would interrupt against the last deadline set).
  void attach(soci::session& session) {
    auto* backend = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
    sqlite_api::sqlite3_progress_handler(backend->conn_, 0, nullptr, nullptr);
    sqlite_api::sqlite3_trace_v2(backend->conn_, SQLITE_TRACE_PROFILE, &StatementTrace::on_event, this);
  }
  static void detach(soci::session& session) {
    auto* backend = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
    sqlite_api::sqlite3_trace_v2(backend->conn_, 0, nullptr, nullptr);
  }

  void clear() {
    std::lock_guard lock(mutex_);
    entries_.clear();
  }
  std::vector<Entry> entries() const {
    std::lock_guard lock(mutex_);
    return entries_;
  }
  long long steps() const {
    long long n = 0;
    for (const Entry& e : entries()) n += e.steps;
    return n;
  }
  long long full_scan_steps() const {
    long long n = 0;
    for (const Entry& e : entries()) n += e.full_scan_steps;
    return n;
  }

 private:
  static int on_event(unsigned type, void* context, void* statement, void*) {
    if (type != SQLITE_TRACE_PROFILE) return 0;
    auto* self = static_cast<StatementTrace*>(context);
    auto* stmt = static_cast<sqlite_api::sqlite3_stmt*>(statement);
    Entry e;
    const char* text = sqlite_api::sqlite3_sql(stmt);
    e.sql = text != nullptr ? text : "";
    e.steps = sqlite_api::sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_VM_STEP, 1);
    e.full_scan_steps = sqlite_api::sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_FULLSCAN_STEP, 1);
    std::lock_guard lock(self->mutex_);
    self->entries_.push_back(std::move(e));
    return 0;
  }

  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
};

// The text of every statement the sessions it is attached to run, as the
// repositories wrote it (":name" placeholders): any backend.
class QueryLog {
 public:
  void attach(soci::session& session) { session.set_logger(soci::logger(new Impl(state_))); }

  std::vector<std::string> queries() const {
    std::lock_guard lock(state_->mutex);
    return state_->queries;
  }

 private:
  struct State {
    mutable std::mutex mutex;
    std::vector<std::string> queries;
  };
  class Impl final : public soci::logger_impl {
   public:
    explicit Impl(std::shared_ptr<State> state) : state_(std::move(state)) {}
    void start_query(const std::string& query) override {
      std::lock_guard lock(state_->mutex);
      state_->queries.push_back(query);
    }

   private:
    logger_impl* do_clone() const override { return new Impl(state_); }
    std::shared_ptr<State> state_;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

constexpr const char* kEnterpriseUrn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

struct ResourceFixture {
  explicit ResourceFixture(int pool_size = 1) : pool_size(static_cast<std::size_t>(pool_size)) {
    auto made = adapters::make_dialect(db.config(pool_size));
    BOOST_TEST_REQUIRE(made.has_value(), (made ? "" : made.error().detail));
    dialect = std::move(*made);
    auto sessions = std::make_unique<soci::connection_pool>(static_cast<std::size_t>(pool_size));
    for (int i = 0; i < pool_size; ++i) {
      soci::session& s = sessions->at(static_cast<std::size_t>(i));
      s.open(dialect->connection());
      dialect->prepare_session(s);
    }
    auto migrations = adapters::embedded_migrations(dialect->name());
    BOOST_TEST_REQUIRE(migrations.has_value());
    auto migrated = adapters::migrate(sessions->at(0), *dialect, *migrations);
    BOOST_TEST_REQUIRE(migrated.has_value(), (migrated ? "" : migrated.error().detail));
    pool = std::make_unique<adapters::SessionPool>(*dialect, std::move(sessions), 10000, std::chrono::milliseconds(0));
    users = std::make_unique<adapters::SociUserStore>(*dialect, *pool);
    groups = std::make_unique<adapters::SociGroupStore>(*dialect, *pool);
  }
  ~ResourceFixture() {
    if (!traced) return;
    for (std::size_t i = 0; i < pool_size; ++i) StatementTrace::detach(pool->at(i));
  }

  // SQLite only (see only_on).
  void trace(StatementTrace& t) {
    traced = true;
    for (std::size_t i = 0; i < pool_size; ++i) t.attach(pool->at(i));
  }

  void log(QueryLog& log) {
    for (std::size_t i = 0; i < pool_size; ++i) log.attach(pool->at(i));
  }

  long long rows(const std::string& query) {
    long long n = -1;
    sql << query, soci::into(n);
    return n;
  }
  long long rows(const std::string& query, const std::string& key) {
    long long n = -1;
    sql << query, soci::into(n), soci::use(key);
    return n;
  }

  TestDatabase db;  // first: dropped after every session below has closed
  std::size_t pool_size;
  bool traced = false;
  std::unique_ptr<adapters::Dialect> dialect;
  std::unique_ptr<adapters::SessionPool> pool;
  std::unique_ptr<adapters::SociUserStore> users;
  std::unique_ptr<adapters::SociGroupStore> groups;
  std::unique_ptr<soci::session> own_sql = db.session();
  soci::session& sql = *own_sql;
};

inline ports::AuditEntry audit(const std::string& tenant, const std::string& action, const std::string& target = "") {
  ports::AuditEntry e;
  e.tenant_id = tenant;
  e.integration_id = "okta";
  e.actor_type = "INTEGRATION";
  e.actor_id = "okta";
  e.action = action;
  e.target_type = "User";
  e.target_id = target;
  e.outcome = "SUCCESS";
  e.created_at = "2026-01-01T00:00:00.000Z";
  return e;
}

inline std::string ascii_lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

inline ports::UserWrite user_write(const std::string& user_name, const std::string& extra_json = "",
                                   bool active = true, std::optional<std::string> external_id = std::nullopt) {
  ports::UserWrite w;
  w.user_name = user_name;
  w.user_name_key = ascii_lower(user_name);
  std::string json = "{\"userName\":\"" + user_name + "\"";
  if (!extra_json.empty()) json += "," + extra_json;
  json += "}";
  w.resource_json = json;
  w.active = active;
  w.external_id = std::move(external_id);
  return w;
}

inline ports::GroupWrite group_write(const std::string& name, std::optional<std::string> external_id = std::nullopt) {
  ports::GroupWrite w;
  w.display_name = name;
  w.display_name_key = ascii_lower(name);
  w.resource_json = "{\"displayName\":\"" + name + "\"}";
  w.external_id = std::move(external_id);
  return w;
}

inline std::vector<ports::MemberRef> refs(const std::vector<std::string>& ids) {
  std::vector<ports::MemberRef> out;
  for (const auto& id : ids) out.push_back({id, "User", ""});
  return out;
}

inline scim::filter::NodePtr parse(const std::string& text) {
  auto parsed = scim::filter::parse_filter(text);
  BOOST_TEST_REQUIRE(parsed.has_value(), "filter " << text << ": " << (parsed ? "" : parsed.error().detail));
  return std::move(*parsed);
}

inline std::string describe(const Error& e) { return e.detail + " [" + e.scim_type + "]"; }

}  // namespace kestra::test
