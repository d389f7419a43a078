// Faults: the database server goes away (stopped, crashed, or
// frozen: connections open, nothing answers) under load and while the
// module is idle.  Every answer meanwhile is a success or a SCIM 503 with
// Retry-After within a bounded time, the host stays up, the pool
// reconnects by itself once the server is back, and no acknowledged write
// is lost.
//
// The server is this test's own (tests/databases.sh on a port and folder of
// its own, KESTRA_FAULTS_PG_PORT / KESTRA_FAULTS_MYSQL_PORT), so stopping it
// disturbs no other test.
#define BOOST_TEST_MODULE faults_db_restart
#include "fault_support.hpp"
#include "kestra/test/prometheus_text.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <ostream>
#include <sstream>

using namespace kestra::test;
namespace data = boost::unit_test::data;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

// A PostgreSQL or MariaDB server of this test alone.  Its env file is
// exported into this process, so that ScratchDatabase creates its stores
// there.
class OwnServer {
 public:
  OwnServer() {
    const Backend backend = test_backend();
    if (backend == Backend::Sqlite) require_server_backend();  // skips
    engine_ = backend_name(backend);
    dir_ = fs::path(KESTRA_FAULTS_STATE_DIR) / engine_;
    const bool postgres = backend == Backend::Postgres;
    std::string port = env_or_empty(postgres ? "KESTRA_FAULTS_PG_PORT" : "KESTRA_FAULTS_MYSQL_PORT");
    if (port.empty()) port = postgres ? "61433" : "61307";  // as tests/faults/CMakeLists.txt
    ::setenv(postgres ? "KESTRA_TEST_PG_PORT" : "KESTRA_TEST_MYSQL_PORT", port.c_str(), 1);
    fs::create_directories(dir_.parent_path());
    std::ofstream(log_path(), std::ios::trunc);
    try {
      script("destroy");  // one a killed run left behind
      fs::create_directories(dir_);
      script("start");
      export_env(dir_ / "env");
    } catch (const std::exception& e) {
      const std::string reason = engine_ + " server of the fault tests did not start: " + e.what();
      if (env_or_empty("KESTRA_TEST_REQUIRE_DATABASES") == "1") {
        std::cerr << reason << " (KESTRA_TEST_REQUIRE_DATABASES=1: the databases are required)" << std::endl;
        std::exit(1);
      }
      std::cout << "SKIPPED: " << reason << std::endl;
      std::exit(kSkipExitCode);
    }
  }
  ~OwnServer() {
    try {
      script("destroy");
    } catch (const std::exception& e) {
      std::cerr << e.what() << std::endl;
    }
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  OwnServer(const OwnServer&) = delete;
  OwnServer& operator=(const OwnServer&) = delete;

  // tests/databases.sh COMMAND DIR ENGINE (start, stop, destroy, crash, freeze, thaw).
  void script(const std::string& command) const {
    const std::string line = "bash '" + std::string(KESTRA_DATABASES_SCRIPT) + "' " + command + " '" + dir_.string() +
                             "' " + engine_ + " >>'" + log_path().string() + "' 2>&1";
    if (std::system(line.c_str()) != 0) {
      std::ifstream in(log_path());
      std::stringstream text;
      text << in.rdbuf();
      const std::string all = text.str();
      throw std::runtime_error("tests/databases.sh " + command + " failed; the end of " + log_path().string() +
                               ":\n" + all.substr(all.size() - std::min<std::size_t>(all.size(), 2000)));
    }
  }

 private:
  // What the script said, beside the server's folder (kept for a look after a failure).
  fs::path log_path() const { return dir_.parent_path() / (engine_ + ".log"); }

  // `export A="x" B=y` lines into this process's environment.
  static void export_env(const fs::path& file) {
    std::ifstream in(file);
    std::string word;
    while (in >> word) {
      if (word == "export") continue;
      while (std::count(word.begin(), word.end(), '"') == 1) {  // a quoted value with spaces
        std::string more;
        if (!(in >> more)) break;
        word += " " + more;
      }
      const auto equals = word.find('=');
      if (equals == std::string::npos) throw std::runtime_error("unexpected word in " + file.string() + ": " + word);
      std::string value = word.substr(equals + 1);
      std::erase(value, '"');
      ::setenv(word.substr(0, equals).c_str(), value.c_str(), 1);
    }
  }

  std::string engine_;
  fs::path dir_;
};

struct ServerFixture {
  ServerFixture() { instance = std::make_unique<OwnServer>(); }
  ~ServerFixture() { instance.reset(); }
  static inline std::unique_ptr<OwnServer> instance;
};
BOOST_TEST_GLOBAL_FIXTURE(ServerFixture);

OwnServer& server() { return *ServerFixture::instance; }

// How the server goes away and comes back.
struct Fault {
  const char* name;
  const char* begin;  // tests/databases.sh command
  const char* end;
};
std::ostream& operator<<(std::ostream& out, const Fault& fault) { return out << fault.name; }

const Fault kFaults[] = {
    {"stop", "stop", "start"},     // PostgreSQL -m fast, MariaDB SIGTERM; then started again
    {"crash", "crash", "start"},   // PostgreSQL -m immediate, MariaDB SIGKILL; then started again
    {"freeze", "freeze", "thaw"},  // SIGSTOP: TCP still accepted, nothing answered; then SIGCONT
};

// The server away from construction until back() (or destruction, should
// a check throw first).
class Outage {
 public:
  explicit Outage(const Fault& fault) : fault_(fault), start_(Clock::now()) { server().script(fault.begin); }
  ~Outage() {
    if (over_) return;
    try {
      back();
    } catch (const std::exception& e) {
      std::cerr << e.what() << std::endl;
    }
  }
  Outage(const Outage&) = delete;
  Outage& operator=(const Outage&) = delete;

  Clock::time_point start() const { return start_; }
  // The server is back; returns when.
  Clock::time_point back() {
    over_ = true;
    server().script(fault_.end);
    return Clock::now();
  }

 private:
  const Fault& fault_;
  Clock::time_point start_;
  bool over_ = false;
};

constexpr int kClients = 4;
constexpr int kBulkUsers = 3;
// Longer than the module's timeouts twice over: while frozen, a request
// waits for an answer, the next one for a connection.
constexpr auto kOutage = 5s;
constexpr auto kRecoveryBound = 10s;

constexpr int kPoolSize = 4;

struct World {
  HarnessProcess harness{[] {
    auto options = fault_options(std::make_shared<ScratchDatabase>());
    options.extra_yaml += "kestra.harness.workers: " + std::to_string(kPoolSize) +
                          "\nkestra.scim.datasource.pool-size: " + std::to_string(kPoolSize) + "\n";
    return options;
  }()};
  Scim okta = scim_client(harness, "acme", "okta");
};

std::string add_member_patch(const std::string& member) {
  const json::array value{json::object{{"value", member}}};
  return patch_request({json::object{{"op", "add"}, {"path", "members"}, {"value", value}}});
}

// A Bulk request creating `users` users named `prefix`0, `prefix`1...
std::string bulk_of_users(const std::string& prefix, int users = kBulkUsers) {
  json::array operations;
  for (int i = 0; i < users; ++i) {
    operations.push_back(bulk_post("/Users", "u" + std::to_string(i), user_body(prefix + std::to_string(i))));
  }
  return json::serialize(bulk_request(std::move(operations)));
}

// The ids a Bulk answer reports created.
std::vector<std::string> bulk_created(const TimedCall& bulk) {
  std::vector<std::string> ids;
  if (bulk.response.status != 200) return ids;
  const auto body = json::parse(bulk.response.body);
  for (const auto& result : body.at("Operations").as_array()) {
    if (str(result, "status") != "201") continue;
    const std::string location = str(result, "location");
    ids.push_back(location.substr(location.rfind('/') + 1));
  }
  return ids;
}

// Client threads, each in a loop: create a user, add it to the client's own
// group, read the group, list its users, create users in a Bulk.  Every
// call is kept, and every write answered with a success.
class Load {
 public:
  Load(const Scim& scim, int clients) : scim_(scim) {
    for (int c = 0; c < clients; ++c) {
      clients_.push_back(std::make_unique<Client>(create_group(scim, "load-" + std::to_string(c))));
    }
    for (int c = 0; c < clients; ++c) threads_.emplace_back([this, c] { run(c); });
  }
  ~Load() { stop(); }

  void stop() {
    stopping_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

  // When every client has had a call started at or after `since` succeed: the
  // latest end of each client's first such success; nullopt while one has not.
  std::optional<Clock::time_point> recovered_since(Clock::time_point since) const {
    std::lock_guard lock(mutex_);
    Clock::time_point latest = since;
    for (const auto& client : clients_) {
      const auto it = std::find_if(client->calls.begin(), client->calls.end(),
                                   [&](const TimedCall& c) { return c.start >= since && c.succeeded(); });
      if (it == client->calls.end()) return std::nullopt;
      latest = std::max(latest, it->end());
    }
    return latest;
  }

  struct Client {
    explicit Client(std::string g) : group(std::move(g)) {}
    std::string group;
    std::vector<TimedCall> calls;
    std::vector<std::string> users;    // created with 201
    std::vector<std::string> members;  // added to `group` with 204
  };
  // Read after stop().
  const std::vector<std::unique_ptr<Client>>& clients() const { return clients_; }

 private:
  void run(int c) {
    Client& client = *clients_[c];
    const std::string prefix = "load" + std::to_string(c) + "-";
    for (int i = 0; !stopping_; ++i) {
      const auto created =
          keep(client, timed_call(scim_, "POST", "/Users", json::serialize(user_body(prefix + std::to_string(i)))));
      if (created.response.status == 201) {
        const std::string id = str(json::parse(created.response.body), "id");
        keep(client, id, &Client::users);
        if (keep(client, timed_call(scim_, "PATCH", "/Groups/" + client.group, add_member_patch(id))).succeeded()) {
          keep(client, id, &Client::members);
        }
      }
      keep(client, timed_call(scim_, "GET", "/Groups/" + client.group + "?excludedAttributes=members"));
      keep(client, timed_call(scim_, "GET", "/Users?count=5&" + filter_query("userName sw \"" + prefix + "\"")));
      const auto bulk = timed_call(scim_, "POST", "/Bulk", bulk_of_users(prefix + std::to_string(i) + "-"));
      for (const auto& id : bulk_created(keep(client, bulk))) keep(client, id, &Client::users);
    }
  }
  TimedCall keep(Client& client, TimedCall call) {
    std::lock_guard lock(mutex_);
    return client.calls.emplace_back(std::move(call));
  }
  void keep(Client& client, const std::string& id, std::vector<std::string> Client::*list) {
    std::lock_guard lock(mutex_);
    (client.*list).push_back(id);
  }

  const Scim& scim_;
  std::vector<std::unique_ptr<Client>> clients_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
};

// Every user and membership acknowledged is stored, and each group's
// member_count matches its member rows.
void check_acknowledged_writes(const World& w, const Load& load) {
  const auto sql = w.harness.options().database->session();
  for (const auto& client : load.clients()) {
    for (const auto& user : client->users) {
      const auto read = w.okta.get("/Users/" + user);
      BOOST_TEST(read.status == 200u, "acknowledged user " << user << " is lost: " << read.status << " " << read.body);
    }
    const auto stored = member_ids(get_json(w.okta, "/Groups/" + client->group));
    for (const auto& member : client->members) {
      BOOST_TEST(stored.count(member) == 1u, "acknowledged member " << member << " of " << client->group << " is lost");
    }
    long long rows = 0;
    long long counted = 0;
    *sql << "SELECT COUNT(*) FROM scim_group_members WHERE group_id = :g", soci::use(client->group), soci::into(rows);
    *sql << "SELECT member_count FROM scim_groups WHERE id = :g", soci::use(client->group), soci::into(counted);
    BOOST_TEST(rows == counted, client->group);
    BOOST_TEST(rows == static_cast<long long>(stored.size()), client->group);
  }
}

}  // namespace

BOOST_DATA_TEST_CASE(the_server_goes_away_under_load_and_comes_back, data::make(kFaults), fault) {
  World w;
  Load load(w.okta, kClients);
  std::this_thread::sleep_for(1500ms);

  Outage outage(fault);
  const auto away = outage.start();
  std::this_thread::sleep_for(kOutage);
  const auto back = outage.back();

  std::optional<Clock::time_point> recovered;
  while (!(recovered = load.recovered_since(back)) && Clock::now() - back < kRecoveryBound + kRequestBound) {
    std::this_thread::sleep_for(50ms);
  }
  std::this_thread::sleep_for(1s);
  load.stop();

  BOOST_TEST(w.harness.running(), "the host died:\n" << w.harness.log());
  BOOST_TEST_REQUIRE(recovered.has_value(), "some client had no success " << seconds(Clock::now() - back)
                                                                          << " s after the server came back");
  BOOST_TEST(seconds(*recovered - back) < seconds(kRecoveryBound));
  std::size_t before = 0, unavailable = 0, after = 0;
  Clock::duration slowest_unavailable{};
  for (const auto& client : load.clients()) {
    for (const auto& call : client->calls) {
      BOOST_TEST_CONTEXT(fault.name << " " << call.what << " at +" << seconds(call.start - away) << " s") {
        check_success_or_unavailable(call);
        // Calls started after every client had recovered all succeed.
        if (call.start >= *recovered) BOOST_TEST(call.succeeded(), call.response.status << " " << call.response.body);
      }
      before += call.end() < away && call.succeeded();
      after += call.start >= back && call.succeeded();
      if (is_scim_unavailable(call.response)) {
        ++unavailable;
        slowest_unavailable = std::max(slowest_unavailable, call.elapsed);
      }
    }
  }
  BOOST_TEST(before > 0u, "no call succeeded before the fault");
  BOOST_TEST(unavailable > 0u, "no call noticed the fault");
  BOOST_TEST(after > 0u);
  std::cout << backend_name(test_backend()) << " " << fault.name << " under load: " << before
            << " successes before, " << unavailable << " SCIM 503s (slowest " << seconds(slowest_unavailable)
            << " s), all clients succeeding again " << seconds(*recovered - back)
            << " s after the server was back, " << after << " successes after" << std::endl;
  check_acknowledged_writes(w, load);
}

BOOST_DATA_TEST_CASE(the_server_is_away_while_the_module_is_idle, data::make(kFaults), fault) {
  World w;
  const std::string alice = create_user(w.okta, "alice@example.com");

  Outage outage(fault);
  Clock::duration slowest{};
  for (int i = 0; i < 2; ++i) {
    for (const auto& call : {timed_call(w.okta, "GET", "/Users/" + alice),
                             timed_call(w.okta, "POST", "/Users",
                                        json::serialize(user_body("away" + std::to_string(i) + "@example.com")))}) {
      BOOST_TEST_CONTEXT(fault.name << " " << call.what) {
        BOOST_TEST(is_scim_unavailable(call.response), call.response.status << " " << call.response.body);
        BOOST_TEST(seconds(call.elapsed) < seconds(kRequestBound), seconds(call.elapsed) << " s");
      }
      slowest = std::max(slowest, call.elapsed);
    }
  }
  const auto back = outage.back();

  const auto calls = until_success([&] { return timed_call(w.okta, "GET", "/Users/" + alice); });
  BOOST_TEST_REQUIRE(calls.back().succeeded(), "no recovery: " << calls.back().response.body);
  for (const auto& call : calls) check_success_or_unavailable(call);
  const auto recovery = calls.back().end() - back;
  BOOST_TEST(seconds(recovery) < seconds(kRecoveryBound));
  const std::string bob = create_user(w.okta, "bob@example.com");
  BOOST_TEST(get_json(w.okta, "/Users/" + bob).at("userName") == "bob@example.com");
  // Every pooled session works again, not only the one that answered so far.
  std::vector<TimedCall> burst(2 * kPoolSize);
  std::vector<std::thread> senders;
  for (auto& call : burst) senders.emplace_back([&] { call = timed_call(w.okta, "GET", "/Users?count=10"); });
  for (auto& sender : senders) sender.join();
  for (const auto& call : burst) BOOST_TEST(call.succeeded(), call.response.status << " " << call.response.body);
  BOOST_TEST(w.harness.running());

  // The metrics saw it: each 503 above came from a database error, counted
  // by kind; every session is back in the pool.
  const PromText metrics = parse_prometheus_text(request(w.harness.port(), "GET", "/metrics").body);
  BOOST_TEST_REQUIRE(metrics.error.empty(), metrics.error);
  double db_errors = 0;
  std::ostringstream kinds;
  for (const auto& sample : metrics.all("kestra_scim_db_errors_total")) {
    db_errors += sample.value;
    kinds << sample.labels.at("kind") << "=" << sample.value << " ";
  }
  BOOST_TEST(db_errors >= 4.0, fault.name << ": " << kinds.str());
  BOOST_TEST((metrics.value("kestra_scim_db_pool_in_use") == std::optional<double>(0)));
  double unavailable_answers = 0;
  for (const auto& sample : metrics.all("kestra_scim_requests_total")) {
    if (sample.labels.at("status") == "503") unavailable_answers += sample.value;
  }
  BOOST_TEST(unavailable_answers >= 4.0);
  std::cout << backend_name(test_backend()) << " " << fault.name << " database errors counted: " << kinds.str()
            << std::endl;
  std::cout << backend_name(test_backend()) << " " << fault.name << " while idle: 503s within "
            << seconds(slowest) << " s, first success " << seconds(recovery) << " s after the server was back ("
            << calls.size() << " attempts)" << std::endl;
}

BOOST_DATA_TEST_CASE(a_bulk_under_way_ends_soon_after_the_server_goes_away, data::make(kFaults), fault) {
  World w;
  constexpr int kUsers = 999;  // and a group: the default limit of 1,000 operations
  TimedCall bulk;
  // Its last operation, a group of all of them, refers to every user by bulkId.
  auto request = json::parse(bulk_of_users("bulk-", kUsers)).as_object();
  std::vector<std::string> members;
  for (int i = 0; i < kUsers; ++i) members.push_back("bulkId:u" + std::to_string(i));
  request.at("Operations").as_array().push_back(bulk_post("/Groups", "everyone", group_body("everyone", members)));
  std::thread sender([&] { bulk = timed_call(w.okta, "POST", "/Bulk", json::serialize(request)); });
  // Under way: some of its users stored.
  const auto sql = w.harness.options().database->session();
  long long stored = 0;
  for (const auto deadline = Clock::now() + 20s; stored < 20 && Clock::now() < deadline;) {
    std::this_thread::sleep_for(20ms);
    *sql << "SELECT COUNT(*) FROM scim_users", soci::into(stored);
  }
  Outage outage(fault);
  sender.join();
  const auto answered = bulk.end() - outage.start();
  outage.back();

  BOOST_TEST(is_bulk_of_successes_or_unavailable(bulk.response), bulk.response.status << " " << bulk.response.body);
  BOOST_TEST(seconds(answered) < seconds(kRequestBound), "answered " << seconds(answered) << " s after the fault");
  const auto created = bulk_created(bulk);
  BOOST_TEST(created.size() >= 20u, "the Bulk was not under way");
  BOOST_TEST(created.size() < static_cast<std::size_t>(kUsers), "the Bulk did not notice the fault");
  BOOST_TEST(until_success([&] { return timed_call(w.okta, "GET", "/Users?count=1"); }).back().succeeded());
  for (const auto& id : created) {
    const auto read = w.okta.get("/Users/" + id);
    BOOST_TEST(read.status == 200u, "acknowledged user " << id << ": " << read.status << " " << read.body);
  }
  std::cout << backend_name(test_backend()) << " " << fault.name << " during a Bulk: " << created.size() << " of "
            << kUsers << " created, answered " << seconds(answered) << " s after the fault" << std::endl;
}
