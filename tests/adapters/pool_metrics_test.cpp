#define BOOST_TEST_MODULE adapters_pool_metrics
// What the store reports to ports::Metrics: its pool's size and the sessions
// lent out (also under concurrent borrowing), a pool that stays exhausted,
// and each database error guarded() catches, by kind.  SQLite only: the
// counting is the same code on every backend.
#include "dialect_factory.hpp"
#include "errors.hpp"
#include "kestra/adapters/store_factory.hpp"
#include "pooled_session.hpp"
#include "temp_dir.hpp"

#include <boost/test/unit_test.hpp>

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace adapters = kestra::adapters;
namespace ports = kestra::ports;
using kestra::ErrorKind;

namespace {

// Records what it is told; thread-safe like the real one.
class RecordingMetrics final : public ports::Metrics {
 public:
  void db_pool_in_use(std::size_t sessions) const override {
    std::lock_guard lock(mutex_);
    in_use_ = sessions;
    ++in_use_reports_;
  }
  void db_pool_size(std::size_t sessions) const override {
    std::lock_guard lock(mutex_);
    size_ = sessions;
  }
  void db_error(ports::DbError kind) const override {
    std::lock_guard lock(mutex_);
    ++errors_[std::string(ports::db_error_name(kind))];
  }

  std::optional<std::size_t> in_use() const {
    std::lock_guard lock(mutex_);
    return in_use_;
  }
  std::size_t in_use_reports() const {
    std::lock_guard lock(mutex_);
    return in_use_reports_;
  }
  std::optional<std::size_t> size() const {
    std::lock_guard lock(mutex_);
    return size_;
  }
  int errors(const std::string& kind) const {
    std::lock_guard lock(mutex_);
    auto it = errors_.find(kind);
    return it == errors_.end() ? 0 : it->second;
  }
  int all_errors() const {
    std::lock_guard lock(mutex_);
    int total = 0;
    for (const auto& [kind, count] : errors_) total += count;
    return total;
  }

 private:
  mutable std::mutex mutex_;
  mutable std::optional<std::size_t> in_use_;
  mutable std::size_t in_use_reports_ = 0;
  mutable std::optional<std::size_t> size_;
  mutable std::map<std::string, int> errors_;
};

ports::StoreConfig sqlite_config(const kestra::test::TempDir& dir, int pool_size, int busy_timeout_ms) {
  ports::StoreConfig config;
  config.sqlite_path = (dir.path() / "scim.db").string();
  config.pool_size = pool_size;
  config.busy_timeout_ms = busy_timeout_ms;
  return config;
}

// A SessionPool of `size` SQLite sessions reporting to `metrics`.
struct Pool {
  Pool(const kestra::test::TempDir& dir, std::size_t size, int borrow_timeout_ms, const ports::Metrics& metrics) {
    auto made = adapters::make_dialect(sqlite_config(dir, static_cast<int>(size), borrow_timeout_ms));
    BOOST_TEST_REQUIRE(made.has_value());
    dialect = std::move(*made);
    dialect->count_errors_in(metrics);
    auto sessions = std::make_unique<soci::connection_pool>(size);
    for (std::size_t i = 0; i < size; ++i) {
      sessions->at(i).open(dialect->connection());
      dialect->prepare_session(sessions->at(i));
    }
    pool = std::make_unique<adapters::SessionPool>(*dialect, std::move(sessions), borrow_timeout_ms,
                                                   std::chrono::milliseconds(0));
  }
  std::unique_ptr<adapters::Dialect> dialect;
  std::unique_ptr<adapters::SessionPool> pool;
};

}  // namespace

BOOST_AUTO_TEST_CASE(the_pool_reports_the_sessions_lent_out_and_an_exhausted_pool) {
  kestra::test::TempDir dir;
  RecordingMetrics metrics;
  Pool p(dir, 2, 100, metrics);
  BOOST_TEST((metrics.in_use() == std::optional<std::size_t>(0)));
  {
    auto first = p.pool->borrow();
    BOOST_TEST_REQUIRE(first.has_value());
    BOOST_TEST((metrics.in_use() == std::optional<std::size_t>(1)));
    auto second = p.pool->borrow();
    BOOST_TEST_REQUIRE(second.has_value());
    BOOST_TEST((metrics.in_use() == std::optional<std::size_t>(2)));

    // Nothing frees up within the borrow timeout: Unavailable, counted.
    auto third = p.pool->borrow();
    BOOST_TEST_REQUIRE(!third.has_value());
    BOOST_TEST((third.error().kind == ErrorKind::Unavailable));
    BOOST_TEST(metrics.errors("pool_exhausted") == 1);
    BOOST_TEST((metrics.in_use() == std::optional<std::size_t>(2)));
  }
  BOOST_TEST((metrics.in_use() == std::optional<std::size_t>(0)));
  BOOST_TEST(metrics.all_errors() == 1);
}

BOOST_AUTO_TEST_CASE(the_last_count_reported_is_the_current_one_under_concurrent_borrowing) {
  kestra::test::TempDir dir;
  RecordingMetrics metrics;
  Pool p(dir, 4, 10000, metrics);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        auto session = p.pool->borrow();
        if (!session) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  BOOST_TEST(failures.load() == 0);
  BOOST_TEST((metrics.in_use() == std::optional<std::size_t>(0)));
  BOOST_TEST(metrics.in_use_reports() >= 2u);
  BOOST_TEST(metrics.all_errors() == 0);
}

BOOST_AUTO_TEST_CASE(guarded_counts_each_database_error_by_kind) {
  kestra::test::TempDir dir;
  RecordingMetrics metrics;
  Pool p(dir, 1, 100, metrics);
  {
    auto session = p.pool->borrow();
    BOOST_TEST_REQUIRE(session.has_value());
    soci::session& sql = **session;
    auto failed = adapters::guarded(*p.dialect, "cannot read", [&] { sql << "SELECT x FROM no_such_table"; });
    BOOST_TEST(!failed.has_value());
    BOOST_TEST(metrics.errors("internal") == 1);
    auto unavailable = adapters::guarded(*p.dialect, "cannot wait",
                                         [&] { throw adapters::UnavailableError("a lock held too long"); });
    BOOST_TEST(!unavailable.has_value());
    BOOST_TEST(metrics.errors("unavailable") == 1);
    auto fine = adapters::guarded(*p.dialect, "cannot count", [&] {
      int n = 0;
      sql << "SELECT 1", soci::into(n);
      return n;
    });
    BOOST_TEST(fine.has_value());
  }
  BOOST_TEST(metrics.all_errors() == 2);
}

BOOST_AUTO_TEST_CASE(a_store_reports_through_the_metrics_it_was_opened_with) {
  kestra::test::TempDir dir;
  RecordingMetrics metrics;
  const auto config = sqlite_config(dir, 3, 200);
  auto store = adapters::open_store(config, metrics);
  BOOST_TEST_REQUIRE(store.has_value(), (store ? "" : store.error().detail));
  BOOST_TEST((metrics.size() == std::optional<std::size_t>(3)));
  BOOST_TEST((*store)->ensure_tenant("acme").has_value());
  BOOST_TEST((metrics.in_use() == std::optional<std::size_t>(0)));
  BOOST_TEST(metrics.all_errors() == 0);

  // Another process holds the write lock past the busy timeout: the write
  // fails as Unavailable (SQLITE_BUSY), and is counted so.
  soci::session other(*soci::factory_sqlite3(), "db=\"" + config.sqlite_path + "\" timeout=0");
  other << "BEGIN EXCLUSIVE";
  auto blocked = (*store)->ensure_tenant("globex");
  other << "ROLLBACK";
  BOOST_TEST_REQUIRE(!blocked.has_value());
  BOOST_TEST((blocked.error().kind == ErrorKind::Unavailable), blocked.error().detail);
  BOOST_TEST(metrics.errors("unavailable") == 1);
  BOOST_TEST((metrics.in_use() == std::optional<std::size_t>(0)));
  BOOST_TEST((*store)->ensure_tenant("globex").has_value());
  BOOST_TEST(metrics.all_errors() == 1);
}
